"""The .docx download and the 素材篮 on the web (issue 5): quotas, audit, paid text."""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

import docx
import pytest

from sucai.export.fingerprint import strip
from tests.web.conftest import csrf_of, sign_in
from tests.web.test_leaks import leaks, paid_only_sentences

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from sucai import Library

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _docx_text(data: bytes) -> str:
    """The text of a .docx, without the export code each paragraph carries (issue 15)."""
    return strip("\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs))


def _add(client: TestClient, article_id: int, kind: str, ref: int | None, name: str) -> None:
    data = {"csrf": csrf_of(client, "/login"), "article_id": str(article_id), "kind": kind}
    data |= {"name": name, "ref": "" if ref is None else str(ref)}
    response = client.post("/basket/add", data=data, follow_redirects=False)
    assert response.status_code == 303, response.text


def test_a_member_downloads_a_gbt9704_docx_with_the_paid_part(
    app_client: TestClient, library: Library
) -> None:
    sign_in(app_client, "member")
    response = app_client.post(
        "/article/1/download", data={"format": "docx", "csrf": csrf_of(app_client, "/article/1")}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == DOCX
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    text = _docx_text(response.content)
    paid = next(p for p in library.get(1).paragraphs if p.paid)
    assert paid.text in text
    account = app_client.get("/account.json").json()
    assert account["downloads_today"] == 1


@pytest.mark.parametrize("role", ["visitor", "expired"])
def test_docx_downloads_and_basket_exports_never_carry_paid_text(
    app_client: TestClient, library: Library, role: str
) -> None:
    sentences = paid_only_sentences(library)
    sign_in(app_client, role)
    token = csrf_of(app_client, "/login")
    bodies = []
    for article in library.list():
        response = app_client.post(
            f"/article/{article.id}/download", data={"format": "docx", "csrf": token}
        )
        if role == "visitor":
            assert response.status_code == 401
            continue
        assert response.status_code == 200
        bodies.append((f"docx {article.id}", _docx_text(response.content)))
    if role == "expired":
        # A whole paid article and a paid paragraph go into the basket; out come placeholders.
        _add(app_client, 2, "article", None, "篮")
        _add(app_client, 1, "paragraph", 1, "篮")
        listing = app_client.get("/basket.json", params={"name": "篮"})
        bodies.append(("basket.json", listing.text))
        bodies.append(("basket", app_client.get("/basket", params={"name": "篮"}).text))
        for fmt in ("docx", "txt", "md"):
            response = app_client.post("/basket/篮/export", data={"format": fmt, "csrf": token})
            assert response.status_code == 200
            body = _docx_text(response.content) if fmt == "docx" else response.text
            assert "会员内容" in body
            bodies.append((f"basket.{fmt}", body))
    assert not leaks(bodies, sentences)


def test_a_visitor_has_no_basket(app_client: TestClient) -> None:
    response = app_client.get("/basket", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fbasket"
    add = app_client.post(
        "/basket/add",
        data={"csrf": csrf_of(app_client, "/login"), "article_id": "1", "kind": "article"},
    )
    assert add.status_code == 401
    assert app_client.get("/basket.json").json()["status"] == 401


def test_a_member_collects_reorders_removes_and_exports(
    app_client: TestClient, library: Library
) -> None:
    sign_in(app_client, "member")
    page = app_client.get("/article/3")
    assert "加入素材篮" in page.text
    assert 'action="/basket/add"' in page.text
    assert "下载 .docx" in page.text
    assert "<mark>xx月</mark>" in page.text  # placeholders highlighted
    assert "校对：" in page.text
    data = app_client.get("/article/3.json").json()
    assert any(f["kind"] == "missing-name" for f in data["hygiene"])

    _add(app_client, 3, "paragraph", 1, "讲话")
    _add(app_client, 5, "section", 0, "讲话")
    _add(app_client, 7, "article", None, "讲话")
    listing = app_client.get("/basket.json").json()
    assert listing["ok"] is True
    assert listing["baskets"] == [{"name": "讲话", "items": 3}]
    assert [i["article_id"] for i in listing["items"]] == [3, 5, 7]

    token = csrf_of(app_client, "/basket")
    moved = app_client.post(
        "/basket/讲话/move", data={"from": "3", "to": "1", "csrf": token}, follow_redirects=False
    )
    assert moved.status_code == 303
    assert [i["article_id"] for i in app_client.get("/basket.json").json()["items"]] == [7, 3, 5]
    # Each item but the first can move up, each but the last down, by one place.
    moves = re.findall(
        r'name="from" value="(\d)">\s*<input type="hidden" name="to" value="(\d)">\s*'
        r'<button type="submit" class="link">(.{2})</button>',
        app_client.get("/basket").text,
    )
    assert moves == [("1", "2", "下移"), ("2", "1", "上移"), ("2", "3", "下移"), ("3", "2", "上移")]
    app_client.post("/basket/讲话/remove", data={"position": "2", "csrf": token})
    items = app_client.get("/basket.json").json()["items"]
    assert [i["article_id"] for i in items] == [7, 5]

    response = app_client.post("/basket/讲话/export", data={"format": "docx", "csrf": token})
    assert response.status_code == 200
    assert response.headers["content-type"] == DOCX
    text = _docx_text(response.content)
    assert text.startswith("讲话\n")
    assert "出处" in text
    assert f"——摘自《{library.get(7).title}》" in text
    # The export is a download: it counts and is audited.
    assert app_client.get("/account.json").json()["downloads_today"] == 1

    page = app_client.get("/basket")
    assert "上移" in page.text
    assert "导出 .docx" in page.text


def test_basket_errors_use_the_envelope(app_client: TestClient) -> None:
    sign_in(app_client, "member")
    token = csrf_of(app_client, "/login")
    response = app_client.post(
        "/basket/add",
        data={"csrf": token, "article_id": "1", "kind": "paragraph", "ref": "999"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "ok": False,
        "error": "第 1 篇文章共 10 段，没有第 1000 段。",
        "errors": ["第 1 篇文章共 10 段，没有第 1000 段。"],
        "status": 400,
    }
    missing = app_client.post(
        "/basket/add",
        data={"csrf": token, "article_id": "999", "kind": "article"},
        headers={"accept": "application/json"},
    )
    assert missing.status_code == 404
