"""The 查重 report as a PDF download on the web (issue 18): copied text in red, paid text kept
from visitors, and at most one LibreOffice conversion at a time per server process."""

from __future__ import annotations

import io
import time
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from tests.check.test_check_web import _seed_draft
from tests.check.test_report_pdf import _red_pixels
from tests.check.test_report_pdf import pytestmark as pytestmark  # slow; needs LibreOffice
from tests.web.conftest import csrf_of, sign_in
from tests.web.test_leaks import paid_only_sentences

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.testclient import TestClient

    from sucai import Library


def _text(pdf: bytes) -> str:
    """The PDF's text, without the spaces and line breaks layout puts in."""
    return "".join(
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split()
    )


@pytest.mark.parametrize("role", ["member", "visitor"])
def test_the_check_page_downloads_the_report_as_a_pdf_with_copied_text_in_red(
    app_client: TestClient, library: Library, tmp_path: Path, role: str
) -> None:
    sign_in(app_client, role)
    draft, _ = _seed_draft(library)
    token = csrf_of(app_client, "/check")
    assert 'value="pdf"' in app_client.get("/check").text
    response = app_client.post("/check", data={"text": draft, "csrf": token, "format": "pdf"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert "check-report.pdf" in response.headers["content-disposition"]
    text = _text(response.content)
    assert "总文字复制比" in text and "检测说明" in text
    free = draft.split("\n")[0]
    assert "".join(free.split())[:20] in text
    (tmp_path / "report.pdf").write_bytes(response.content)
    assert _red_pixels(tmp_path / "report.pdf") > 200
    if role == "visitor":
        # A visitor's report holds none of the paid text its draft did not bring.
        secrets = [s for s in paid_only_sentences(library) if s not in draft]
        assert secrets and not any("".join(s.split()) in text for s in secrets)


def test_a_pdf_request_is_refused_at_once_while_another_is_rendered(
    app_client: TestClient, library: Library
) -> None:
    sign_in(app_client, "member")
    draft, _ = _seed_draft(library)
    token = csrf_of(app_client, "/check")
    slots = app_client.app.state.pdf_slots  # type: ignore[attr-defined]
    assert slots.acquire(blocking=False)  # a conversion under way
    try:
        started = time.monotonic()
        refused = app_client.post("/check", data={"text": draft, "csrf": token, "format": "pdf"})
        assert time.monotonic() - started < 10  # no LibreOffice ran
        assert refused.status_code == 429
        assert refused.headers["retry-after"] == "10"
        assert "PDF 报告正在为其他查重生成" in refused.text
        # Other formats go on; JSON asked with format=pdf is the JSON report.
        word = app_client.post("/check", data={"text": draft, "csrf": token, "format": "docx"})
        assert word.status_code == 200
        data = app_client.post(
            "/check.json", data={"text": draft, "csrf": token, "format": "pdf"}
        ).json()
        assert data["ok"] is True and data["ratio"] > 0.5
    finally:
        slots.release()
    # The slot is given back after a refusal, and after a rendering.
    for _ in range(2):
        done = app_client.post("/check", data={"text": draft, "csrf": token, "format": "pdf"})
        assert done.status_code == 200 and done.content.startswith(b"%PDF")
