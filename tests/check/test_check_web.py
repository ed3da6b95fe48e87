"""The 查重 page and ``/check.json``: reports for every viewer, paid source text never leaked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.check.conftest import build_draft, draft_text
from tests.web.conftest import csrf_of, sign_in
from tests.web.test_leaks import paid_only_sentences

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.testclient import TestClient

    from sucai import Library


def _seed_draft(library: Library) -> tuple[str, list[str]]:
    """A draft copying the seed's first article, free and paid paragraphs, and its paid text."""
    article = next(iter(library.articles()))
    paid = [p.text for p in article.paragraphs if p.paid]
    free = [p.text for p in article.paragraphs if not p.paid and len(p.text) > 20]
    assert paid and free
    return "\n".join([*free[:1], *paid[:3]]), paid[:3]


@pytest.mark.parametrize("role", ["visitor", "expired"])
def test_viewers_without_paid_access_are_checked_against_the_free_text_only(
    app_client: TestClient, library: Library, role: str
) -> None:
    sign_in(app_client, role)
    draft, _ = _seed_draft(library)
    token = csrf_of(app_client, "/check")
    response = app_client.post("/check.json", data={"text": draft, "csrf": token})
    assert response.status_code == 200, response.text
    data = response.json()
    spans = [s for p in data["paragraphs"] for s in p["spans"]]
    # The free paragraph is found; the three copied paid ones take no part at all.
    assert spans and not any(s["paid"] for s in spans)
    assert all(s["source_text"] for s in spans)
    assert [bool(p["spans"]) for p in data["paragraphs"]] == [True, False, False, False]
    assert 0 < data["ratio"] < 0.5
    page = app_client.post("/check", data={"text": draft, "csrf": token})
    assert page.status_code == 200
    word = app_client.post("/check", data={"text": draft, "csrf": token, "format": "docx"})
    assert word.headers["content-type"].startswith("application/vnd.openxmlformats")
    # Paid sentences the draft does not contain never appear in any rendering.
    secrets = [s for s in paid_only_sentences(library) if s not in draft]
    assert secrets
    for body in (response.text, page.text):
        assert not any(s in body for s in secrets)


def test_members_are_checked_against_the_paid_text_too(
    app_client: TestClient, library: Library
) -> None:
    sign_in(app_client, "member")
    draft, paid = _seed_draft(library)
    token = csrf_of(app_client, "/check")
    data = app_client.post("/check.json", data={"text": draft, "csrf": token}).json()
    assert data["ratio"] > 0.9
    texts = [s["source_text"] for p in data["paragraphs"] for s in p["spans"] if s["paid"]]
    assert texts and all(any(t in p for p in paid) for t in texts)


def test_the_check_page_takes_an_uploaded_file(app_client: TestClient, library: Library) -> None:
    draft, _ = _seed_draft(library)
    page = app_client.get("/check")
    assert page.status_code == 200 and 'name="text"' in page.text and 'name="file"' in page.text
    token = csrf_of(app_client, "/check")
    response = app_client.post(
        "/check",
        data={"csrf": token},
        files={"file": ("草稿.txt", draft.encode("gb18030"), "text/plain")},
    )
    assert response.status_code == 200
    assert "查重报告 · 草稿.txt" in response.text and 'class="ck-para ck-high"' in response.text
    assert app_client.get("/check.css").headers["content-type"].startswith("text/css")


def test_check_errors_use_the_json_envelope(app_client: TestClient) -> None:
    token = csrf_of(app_client, "/check")
    cases = [
        ({"text": "一段文字。"}, None, 403),  # no CSRF token
        ({"text": "  ", "csrf": token}, None, 400),
        ({"csrf": token}, {"file": ("a.pdf", b"%PDF-1.4", "application/pdf")}, 400),
        ({"csrf": token}, {"file": ("a.docx", b"not a zip", "application/octet-stream")}, 400),
        ({"text": "一段文字。", "csrf": token, "min_span": "x"}, None, 400),
    ]
    for data, files, status in cases:
        response = app_client.post("/check.json", data=data, files=files)
        body = response.json()
        assert response.status_code == status, body
        assert body["ok"] is False and body["status"] == status
        assert body["errors"] and body["error"] == "; ".join(body["errors"])


def test_check_json_gives_the_library_report_on_both_stores(
    reports_library: Library, tmp_path: Path
) -> None:
    from starlette.testclient import TestClient

    from sucai.web import WebSettings, create_app

    text = draft_text(build_draft(reports_library))
    expected = reports_library.check(text)
    app = create_app(reports_library, WebSettings(upload_dir=tmp_path / "uploads"))
    with TestClient(app) as client:
        token = csrf_of(client, "/check")
        body = client.post("/check.json", data={"text": text, "csrf": token}).json()
        page = client.post("/check", data={"text": text, "csrf": token})
    assert body["ok"] is True, body
    assert body["ratio"] == round(expected.ratio, 4) and body["copied"] == expected.copied
    assert [s["article_id"] for s in body["sources"]] == [s.article_id for s in expected.sources]
    assert page.status_code == 200 and 'class="ck-para ck-high"' in page.text
