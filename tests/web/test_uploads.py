"""The import page: uploads streamed to disk, unsafe names and archives refused, size limit,
background import with progress, and searches that keep working while an import runs."""

from __future__ import annotations

import io
import socket
import sqlite3
import time
import zipfile
from contextlib import closing
from typing import TYPE_CHECKING

from starlette.testclient import TestClient

from sucai import open_library
from sucai.web import create_app
from tests.conftest import SEED
from tests.web.conftest import csrf_of, sign_in

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library
    from sucai.web import WebSettings


def _upload(client: TestClient, files: list[tuple[str, bytes]], json: bool = True) -> object:
    token = csrf_of(client, "/login")
    return client.post(
        "/import",
        data={"csrf": token},
        files=[("files", (name, data, "application/octet-stream")) for name, data in files],
        headers={"Accept": "application/json"} if json else {},
        follow_redirects=False,
    )


def _wait(client: TestClient, job_id: str, timeout: float = 60) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job: dict[str, object] = client.get(f"/import/{job_id}.json").json()["job"]
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.05)
    raise AssertionError(f"import {job_id} did not finish")


def _variant(i: int) -> bytes:
    """The seed with its placeholders renamed: new articles, same shape."""
    return SEED.read_text(encoding="utf-8").replace("xx", f"第{i}地").encode()


def test_only_admins_may_upload(app_client: TestClient) -> None:
    assert _upload(app_client, [("a.txt", b"x")]).status_code == 401  # type: ignore[attr-defined]
    sign_in(app_client, "member")
    assert _upload(app_client, [("a.txt", b"x")]).status_code == 403  # type: ignore[attr-defined]


def test_upload_is_imported_in_the_background_with_a_report(
    app_client: TestClient, library: Library, tmp_path: Path
) -> None:
    sign_in(app_client, "admin")
    response = _upload(app_client, [("变体.txt", _variant(1)), ("重复.txt", SEED.read_bytes())])
    job_id = response.json()["job"]["id"]  # type: ignore[attr-defined]
    job = _wait(app_client, job_id)
    assert job["state"] == "done", job
    report = job["report"]
    assert isinstance(report, dict)
    assert (report["files"], report["imported"], report["duplicates"]) == (2, 1, 1)
    assert report["new_articles"] > 0
    assert library.count() == 7 + report["new_articles"]
    page = app_client.get(f"/import/{job_id}").text
    assert "已完成" in page and "变体.txt" in page
    assert not any((tmp_path / "uploads").iterdir()), "the upload folder is removed"
    assert any(e.action == "import" for e in library.store.audit_entries(limit=5))


def test_html_upload_redirects_to_the_progress_page(app_client: TestClient) -> None:
    sign_in(app_client, "admin")
    response = _upload(app_client, [("v.txt", _variant(2))], json=False)
    assert response.status_code == 303  # type: ignore[attr-defined]
    location = response.headers["location"]  # type: ignore[attr-defined]
    assert location.startswith("/import/")
    _wait(app_client, location.rsplit("/", 1)[1])


def test_a_file_name_with_a_path_is_refused(app_client: TestClient, tmp_path: Path) -> None:
    sign_in(app_client, "admin")
    for name in ("../../evil.txt", "..\\..\\evil.txt", "/etc/evil.txt", ".."):
        response = _upload(app_client, [(name, b"evil")])
        assert response.status_code == 400, name  # type: ignore[attr-defined]
        assert "文件名" in response.json()["error"]  # type: ignore[attr-defined]
    assert not list(tmp_path.rglob("evil*"))
    assert not any((tmp_path / "uploads").iterdir())


def test_a_zip_slip_archive_is_refused(app_client: TestClient, library: Library) -> None:
    sign_in(app_client, "admin")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("ok.txt", _variant(3))
        archive.writestr("../../evil.txt", b"evil")
    response = _upload(app_client, [("材料.zip", buffer.getvalue())])
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "zip-slip" in response.json()["error"]  # type: ignore[attr-defined]
    assert library.count() == 7


def test_an_oversized_upload_gets_413_with_a_clear_message(app_client: TestClient) -> None:
    sign_in(app_client, "admin")
    big = b"x" * (300 * 1024)  # the test limit is 256 KiB
    response = _upload(app_client, [("big.txt", big)])
    assert response.status_code == 413  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["status"] == 413 and "超过大小上限" in body["error"]
    # Also when the total only passes the limit over several files.
    parts = [(f"p{i}.txt", b"y" * (100 * 1024)) for i in range(3)]
    assert _upload(app_client, parts).status_code == 413  # type: ignore[attr-defined]


def test_searching_while_an_import_runs_returns_no_errors(
    app_client: TestClient, library: Library
) -> None:
    sign_in(app_client, "admin")
    files = [(f"批次{i}.txt", _variant(10 + i)) for i in range(4)]
    job_id = _upload(app_client, files).json()["job"]["id"]  # type: ignore[attr-defined]
    statuses: list[int] = []
    while True:
        for path in ("/search.json?q=招商", "/browse.json", "/article/1.json"):
            statuses.append(app_client.get(path).status_code)
        job = app_client.get(f"/import/{job_id}.json").json()["job"]
        if job["state"] in ("done", "failed"):
            break
    assert job["state"] == "done"
    assert set(statuses) == {200}
    report = job["report"]
    assert library.count() == 7 + report["new_articles"] > 7
    assert app_client.get("/search.json?q=第13地").json()["total"] > 0  # indexed too


def test_jobs_live_in_the_library_so_every_server_process_sees_them(
    app_client: TestClient, library: Library, settings: WebSettings
) -> None:
    sign_in(app_client, "admin")
    job_id = _upload(app_client, [("变体.txt", _variant(2))]).json()["job"]["id"]  # type: ignore[attr-defined]
    job = _wait(app_client, job_id)
    assert job["state"] == "done"
    # A second app over the same library file stands for another `sucai serve` worker.
    with open_library(library.store.path) as other_library:  # type: ignore[attr-defined]
        other = create_app(other_library, settings)
        with TestClient(other) as client:
            sign_in(client, "admin")
            seen = client.get(f"/import/{job_id}.json").json()["job"]
            assert seen["state"] == "done"
            assert seen["done"] == 1
            assert seen["files"][0]["status"] == "imported"
            assert seen["report"]["new_articles"] == job["report"]["new_articles"] > 0  # type: ignore[index]
            listed = client.get("/import", headers={"Accept": "application/json"}).json()
            assert [j["id"] for j in listed["jobs"]][:1] == [job_id]


def test_a_job_whose_process_died_is_shown_as_interrupted(
    library: Library, settings: WebSettings
) -> None:
    pid = 2**22 + 7  # above Linux's largest pid (4194304): no such process
    library.store.add_import_job(
        "deadbeef0001", "admin", ["a.txt"], socket.gethostname(), pid, "2026-01-01T00:00:00"
    )
    create_app(library, settings)
    job = library.store.import_job("deadbeef0001")
    assert job is not None
    assert job.state == "failed"
    assert "服务进程已退出" in job.error


def test_an_upload_into_a_postgresql_library_is_imported_and_searchable(
    pg_url: str, tmp_path: Path
) -> None:
    from sucai.users import Accounts
    from sucai.web import WebSettings
    from tests.web.conftest import PASSWORD

    # No lock file is made from the URL: the store and the index serialise imports.
    with open_library(pg_url) as library:
        Accounts(library.store).add("admin", PASSWORD, admin=True)
        app = create_app(library, WebSettings(upload_dir=tmp_path / "uploads"))
        with TestClient(app) as client:
            sign_in(client, "admin")
            response = _upload(client, [("变体.txt", _variant(1)), ("种子.txt", SEED.read_bytes())])
            job_id = response.json()["job"]["id"]  # type: ignore[attr-defined]
            job = _wait(client, job_id)
            assert job["state"] == "done", job
            report = job["report"]
            assert isinstance(report, dict)
            assert library.count() == report["new_articles"] > 7
            # Stored as uploaded (issue 22), on PostgreSQL as on SQLite.
            ids = [i for f in report["details"] for i in f["article_ids"]]
            stored = {s.path for i in ids for s in library.get(i).sources}
            assert stored == {"上传/变体.txt", "上传/种子.txt"}
            jobs = library.store.import_jobs(5)
            assert [(j.id, j.state, j.done) for j in jobs] == [(job_id, "done", 2)]
            found = client.get("/search.json", params={"q": "第1地", "facets": "1"}).json()
            assert found["total"] > 0 and found["facets"]["genre"]
        # The app's readers were closed with it; the library they shared stays open.
        assert library.search("第1地").total == found["total"]
    assert not list(tmp_path.glob("*.lock"))


def test_a_classified_upload_is_refused_unless_allowed_on_the_form(
    app_client: TestClient, library: Library
) -> None:
    """Issue 16: the import page's checkboxes are the CLI's --allow-classified and
    --redact-personal."""
    sign_in(app_client, "admin")
    body = "000001\n秘密★1年\n\n某市人民政府办公室文件\n\n　　联系人手机13912345678。\n"
    files = [("files", ("密件.txt", body.encode(), "text/plain"))]
    headers = {"Accept": "application/json"}
    refused = app_client.post(
        "/import", data={"csrf": csrf_of(app_client, "/import")}, files=files, headers=headers
    )
    job = _wait(app_client, refused.json()["job"]["id"])
    report = job["report"]
    assert isinstance(report, dict)
    assert (report["refused"], report["imported"]) == (1, 0)
    page = app_client.get(f"/import/{job['id']}").text
    assert "拒绝（标有密级）1" in page and "--allow-classified" in page
    form = {"csrf": csrf_of(app_client, "/import"), "allow_classified": "1", "redact_personal": "1"}
    allowed = app_client.post("/import", data=form, files=files, headers=headers)
    job = _wait(app_client, allowed.json()["job"]["id"])
    report = job["report"]
    assert isinstance(report, dict)
    assert report["imported"] == 1
    newest = library.list(newest_first=True, limit=1)[0]
    text = "".join(p.text for p in library.get(newest.id).paragraphs)
    assert "＊" * 11 in text and "13912345678" not in text


_SPEECH = (
    "在全县春季植树造林动员会上的讲话\n\n同志们：\n\n"
    "　　今天召开全县春季植树造林动员会，主要任务是总结去年国土绿化工作，部署今年春季植树任务。\n\n"
    "　　一、提高认识，增强做好国土绿化工作的责任感。全县林草覆盖率逐年提高，生态环境持续改善。\n\n"
    "　　二、突出重点，扎实推进春季植树造林。各乡镇要围绕河道两岸、道路沿线和村庄周边开展绿化。\n"
)
_REPORT = (
    "关于全市老旧小区改造进展情况的报告\n\n"
    "　　今年以来，全市共开工改造老旧小区一百二十个，惠及居民三万余户，完成年度目标的八成。\n\n"
    "　　一、主要做法。坚持居民自愿、政府引导，先改水电气管网，再改外立面和绿化停车设施。\n\n"
    "　　二、存在问题。部分小区资金筹措困难，加装电梯意见难以统一，后续物业管理还不到位。\n"
)


def _rows_naming(db: Path, needles: tuple[str, ...]) -> list[tuple[str, str]]:
    """Every stored value of every table of the SQLite library ``db`` that holds a needle."""
    found = []
    with closing(sqlite3.connect(db)) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in con.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    text = (
                        value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
                    )
                    if any(needle in text for needle in needles):
                        found.append((table, text[:200]))
    return found


def test_an_upload_is_stored_as_what_was_uploaded_not_its_temporary_folder(
    app_client: TestClient, library: Library, tmp_path: Path
) -> None:
    """Issue 22: the stored source of an uploaded file is 上传/<its name> (a .zip member:
    上传/<archive>.zip!<member>), as ``sucai import`` stores the path it was given — never the
    server's temporary upload folder; the 来源 facet lists 上传 and the operator labels it."""
    sign_in(app_client, "admin")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("讲话/乙.txt", _SPEECH)
    files = [("甲.txt", _REPORT.encode()), ("材料.zip", buffer.getvalue())]
    job = _wait(app_client, _upload(app_client, files).json()["job"]["id"])  # type: ignore[attr-defined]
    assert job["state"] == "done", job
    report = job["report"]
    assert isinstance(report, dict)
    assert report["imported"] == 2
    by_path = {f["path"]: f["article_ids"] for f in report["details"]}
    assert set(by_path) == {"上传/甲.txt", "上传/材料.zip!讲话/乙.txt"}
    assert [f["path"] for f in job["files"]] == list(by_path)  # type: ignore[union-attr]
    # The JSON API (an admin sees the full stored path) and the article page.
    first = by_path["上传/甲.txt"][0]
    article = app_client.get(f"/article/{first}.json").json()
    assert [s["path"] for s in article["sources"]] == ["上传/甲.txt"]
    assert "甲.txt" in app_client.get(f"/article/{first}").text
    member = by_path["上传/材料.zip!讲话/乙.txt"][0]
    assert [s.path for s in library.get(member).sources] == ["上传/材料.zip!讲话/乙.txt"]
    # The 来源 facet: 上传 for the file, the member's folder for the archive (as the CLI).
    sources = dict(app_client.get("/browse.json").json()["facets"]["source"])
    assert (sources["上传"], sources["讲话"]) == (1, 1)
    library.label_source("上传", "网页上传")
    assert library.source_labels() == {"上传": "网页上传"}
    # Nothing stored names the temporary folder: not the files, articles, jobs or audit log.
    needles = (str(tmp_path / "uploads"), "sucai-upload-")
    assert _rows_naming(library.store.path, needles) == []  # type: ignore[attr-defined]
    # The same upload again is recognised by its bytes, as before: nothing new.
    again = _wait(app_client, _upload(app_client, files).json()["job"]["id"])  # type: ignore[attr-defined]
    assert isinstance(again["report"], dict)
    assert (again["report"]["duplicates"], again["report"]["new_articles"]) == (2, 0)
    assert [s["path"] for s in app_client.get(f"/article/{first}.json").json()["sources"]] == [
        "上传/甲.txt"
    ]
