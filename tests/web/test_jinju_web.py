"""金句 and 提法 on the web (issue 20) for each kind of viewer: a visitor's totals, lists and
an article's 金句 leave the paid paragraphs out; a member's hold them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.test_tifa import PAID
from tests.web.conftest import assert_described, sign_in

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.testclient import TestClient

    from sucai import Library


@pytest.mark.parametrize("role", ["visitor", "expired", "member"])
def test_jinju_and_tifa_answer_each_viewer_from_what_they_may_read(
    app_client: TestClient, library: Library, role: str, tmp_path: Path
) -> None:
    speech = tmp_path / "speech.txt"  # dated, so that its paid part counts in 提法 per year
    speech.write_text(PAID, encoding="utf-8")
    library.ingest([speech])
    sign_in(app_client, role)
    paid = role == "member"
    response = app_client.get("/jinju.json", params={"q": "发展"})
    assert_described("/jinju.json", "get", response)
    data = response.json()
    total, found = library.jinju("发展", limit=None, paid=paid)
    assert data["total"] == total and any(j.paid for j in found) == paid
    assert [j["text"] for j in data["jinju"]] == [j.text for j in found[: len(data["jinju"])]]
    article_id = next(j.article.id for j in library.jinju(limit=None)[1] if j.paid)
    shown = app_client.get(f"/article/{article_id}.json").json()["jinju"]
    assert [j["text"] for j in shown] == [
        j.text for j in library.article_jinju(article_id) if paid or not j.paid
    ]
    response = app_client.get("/tifa.json", params={"q": ["高质量发展", "发展"]})
    assert_described("/tifa.json", "get", response)
    counted = response.json()["phrases"]
    assert [t["uses"] for t in counted] == [
        t.uses for t in library.tifa(["高质量发展", "发展"], paid=paid)
    ]
    assert counted[0]["uses"] == library.tifa(["高质量发展"], paid=False)[0].uses + 2 * paid
    page = app_client.get("/tifa", params={"q": "高质量发展"}).text
    assert "<svg" in page or "未见使用" in page


def test_bad_jinju_and_tifa_requests_get_the_error_envelope(app_client: TestClient) -> None:
    for path, params, message in (
        ("/jinju.json", {"kind": "比喻"}, "金句类别“比喻”未知：可选 "),
        ("/tifa.json", {"q": [f"词{n}" for n in range(9)]}, "一次至多比较 8 个提法，现有 9 个。"),
        ("/tifa.json", {"q": "发展", "by": "month"}, "分组方式“month”无效：可选 "),
    ):
        response = app_client.get(path, params=params)
        assert response.status_code == 400
        assert message in response.json()["error"]
