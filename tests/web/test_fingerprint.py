"""Web downloads carry the account that took them, and ``trace`` names it (issue 15)."""

from __future__ import annotations

import io
from dataclasses import replace
from typing import TYPE_CHECKING

import docx
import pytest
from starlette.testclient import TestClient

from sucai.config import load_settings
from sucai.errors import ConfigError
from sucai.export.fingerprint import find_codes, strip
from sucai.users import Accounts
from sucai.web import WebSettings, create_app
from sucai.web.app import app_from_environment, settings_to_environment
from tests.web.conftest import csrf_of, sign_in

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from sucai import Library
    from sucai.store import AuditEntry


def _download(client: TestClient, article_id: int, fmt: str) -> bytes:
    response = client.post(
        f"/article/{article_id}/download", data={"format": fmt, "csrf": csrf_of(client)}
    )
    assert response.status_code == 200, response.text
    return response.content


def _footer(data: bytes) -> list[str]:
    """The lines of the odd-page footer part of a .docx, the code removed."""
    return [strip(p.text) for p in docx.Document(io.BytesIO(data)).sections[0].footer.paragraphs]


def _longest_paragraph(data: bytes) -> str:
    return max((p.text for p in docx.Document(io.BytesIO(data)).paragraphs), key=len)


def _only(library: Library, text: str) -> AuditEntry:
    (traced,) = library.trace(text)
    (entry,) = traced.entries
    return entry


def test_a_member_s_docx_and_txt_downloads_are_traced_back_to_the_member(
    app_client: TestClient, library: Library
) -> None:
    sign_in(app_client, "member")
    word = _download(app_client, 1, "docx")
    text = _download(app_client, 1, "txt").decode()
    paid = next(p.text for p in library.get(1).paragraphs if p.paid)
    assert paid in strip(text)  # a member's file holds the paid part
    # One paragraph copied out of each file names the member and the download.
    from_word = _only(library, _longest_paragraph(word))
    line = max(text.splitlines(), key=len)
    from_text = _only(library, line)
    for entry, fmt in ((from_word, "docx"), (from_text, "txt")):
        assert (entry.user_name, entry.action, entry.target, entry.format) == (
            "会员甲",
            "download",
            "article:1",
            fmt,
        )
    assert from_word.code != from_text.code
    # A stretch from the middle of a long paragraph of the .txt is enough.
    middle = line[len(line) // 3 :][:300]
    assert _only(library, middle) == from_text
    # The visible line: in the .docx footer part, under the page number; at the end of the .txt.
    today = Accounts(library.store).today().isoformat()
    assert _footer(word) == ["— 1 —", f"仅供 会员甲 使用 · {today}"]
    assert strip(text).rstrip().endswith(f"仅供 会员甲 使用 · {today}")
    # The admin's audit log shows the downloads with their codes.
    sign_in(app_client, "admin")
    audit = app_client.get("/admin.json").json()["audit"]
    downloads = [
        (e["user_name"], e["format"], e["code"]) for e in audit if e["action"] == "download"
    ]
    assert downloads[:2] == [("会员甲", "txt", from_text.code), ("会员甲", "docx", from_word.code)]
    assert from_word.code in app_client.get("/admin").text


def test_an_expired_member_s_preview_download_carries_the_code_too(
    app_client: TestClient, library: Library
) -> None:
    sign_in(app_client, "expired")
    word = _download(app_client, 1, "docx")
    markdown = _download(app_client, 1, "md").decode()
    paragraphs = [p.text for p in docx.Document(io.BytesIO(word)).paragraphs]
    assert any("会员内容" in p for p in paragraphs)
    assert "会员内容" in markdown
    copied = (_longest_paragraph(word), max(markdown.split("校对提示")[0].split("\n\n"), key=len))
    for text, fmt in zip(copied, ("docx", "md"), strict=True):
        entry = _only(library, text)
        assert (entry.user_name, entry.target, entry.format) == ("过期会员", "article:1", fmt)


def test_a_basket_export_is_traced_to_its_owner(app_client: TestClient, library: Library) -> None:
    sign_in(app_client, "member")
    token = csrf_of(app_client)
    added = app_client.post(
        "/basket/add",
        data={"csrf": token, "article_id": "3", "kind": "article", "name": "讲话"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    response = app_client.post("/basket/讲话/export", data={"format": "docx", "csrf": token})
    assert response.status_code == 200
    entry = _only(library, _longest_paragraph(response.content))
    assert (entry.user_name, entry.target, entry.format) == ("会员甲", "basket:讲话", "docx")
    assert _footer(response.content)[1].startswith("仅供 会员甲 使用 · ")


@pytest.fixture
def line_off_client(library: Library, settings: WebSettings) -> Iterator[TestClient]:
    """The app with the visible line turned off for the tier 会员."""
    app = create_app(library, replace(settings, export_line_off_tiers=("会员",)))
    with TestClient(app) as client:
        yield client
    app.state.imports.wait(30)


def test_a_tier_with_the_line_off_gets_files_without_it_but_with_the_code(
    line_off_client: TestClient, library: Library
) -> None:
    sign_in(line_off_client, "member")
    word = _download(line_off_client, 2, "docx")
    text = _download(line_off_client, 2, "txt").decode()
    assert _footer(word) == ["— 1 —"]
    assert "仅供" not in text
    assert _only(library, _longest_paragraph(word)).user_name == "会员甲"
    assert _only(library, text).format == "txt"
    # Admins have no tier: their files keep the line.
    sign_in(line_off_client, "admin")
    assert _footer(_download(line_off_client, 2, "docx"))[1].startswith("仅供 admin 使用")


def test_a_refused_download_records_no_code(app_client: TestClient, library: Library) -> None:
    token = csrf_of(app_client)
    response = app_client.post("/article/1/download", data={"format": "txt", "csrf": token})
    assert response.status_code == 401  # a visitor: downloads need an account
    assert not find_codes(response.text)
    sign_in(app_client, "member")
    token = csrf_of(app_client)  # form tokens are tied to the session
    missing = app_client.post("/article/999/download", data={"format": "txt", "csrf": token})
    assert missing.status_code == 404
    assert [e for e in library.store.audit_entries(limit=50) if e.code] == []


def test_the_tiers_without_the_line_come_from_the_environment_or_sucai_toml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    toml = tmp_path / "sucai.toml"
    monkeypatch.delenv("SUCAI_EXPORT_LINE_OFF_TIERS", raising=False)
    assert load_settings(config_file=toml).export_line_off_tiers == ()
    toml.write_text('export_line_off_tiers = ["SVIP", "企业", "SVIP"]\n', encoding="utf-8")
    assert load_settings(config_file=toml).export_line_off_tiers == ("SVIP", "企业")
    monkeypatch.setenv("SUCAI_EXPORT_LINE_OFF_TIERS", " 企业，会员 ,")
    assert load_settings(config_file=toml).export_line_off_tiers == ("企业", "会员")
    monkeypatch.delenv("SUCAI_EXPORT_LINE_OFF_TIERS")
    toml.write_text("export_line_off_tiers = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="setting 'export_line_off_tiers' must be tier names"):
        load_settings(config_file=toml)
    # Each `sucai serve --workers N` process gets the setting.
    settings = WebSettings(db=tmp_path / "library.db", export_line_off_tiers=("SVIP",))
    for key, value in settings_to_environment(settings).items():
        monkeypatch.setenv(key, value)
    app = app_from_environment()
    assert app.state.settings.export_line_off_tiers == ("SVIP",)
    app.state.library.close()
