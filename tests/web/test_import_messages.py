"""An import's page speaks Chinese (issue 21): each file's result and reason come from the
message catalogue, the file's own English message kept as the reason's tooltip."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.web.conftest import sign_in
from tests.web.test_uploads import _upload, _wait

if TYPE_CHECKING:
    from starlette.testclient import TestClient


def test_the_import_page_says_each_files_result_in_chinese(app_client: TestClient) -> None:
    sign_in(app_client, "admin")
    response = _upload(
        app_client, [("空的.txt", b""), ("通知.txt", "关于防火的通知\n\n各单位要落实。".encode())]
    )
    job_id = response.json()["job"]["id"]  # type: ignore[attr-defined]
    job = _wait(app_client, job_id)
    files = {f["path"].rsplit("/", 1)[-1]: f for f in job["files"]}  # type: ignore[attr-defined]
    page = app_client.get(f"/import/{job_id}").text
    empty = page[page.index("<td>空的.txt</td>") :].split("</tr>")[0]
    assert "<td>失败</td>" in empty
    assert "文件是空的，没有可导入的内容。" in empty
    assert f'title="{files["空的.txt"]["message"]}"' in empty
    imported = page[page.index("<td>通知.txt</td>") :].split("</tr>")[0]
    assert "<td>已导入</td>" in imported
    assert "imported" not in page and "failed" not in page.replace('data-state="', "")
