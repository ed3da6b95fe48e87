"""The library's 套话 list (issue 18): edited by an admin on the web or on the command line,
kept in the library, and used by the next 查重 on both; visitors cannot edit it; the audit
log records each change."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from sucai.check import counted, load_stock_phrases
from sucai.cli import cli
from tests.web.conftest import csrf_of, sign_in

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.testclient import TestClient

    from sucai import Library


JSON_ACCEPT = {"accept": "application/json"}


def _paragraph_and_phrase(library: Library) -> tuple[str, str, int]:
    """A free paragraph of the seed, a 16-character phrase from its middle (no punctuation,
    with 20 characters or more on either side) and where the phrase starts."""
    for article in library.articles():
        for p in article.paragraphs:
            text = p.text
            if p.paid or len(text) < 80:
                continue
            for start in range(20, len(text) - 36):
                phrase = text[start : start + 16]
                if counted(phrase) == 16:
                    return text, phrase, start
    raise AssertionError("the seed has no paragraph to test with")


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _excluded(data: dict[str, object]) -> list[list[int]]:
    paragraphs = data["paragraphs"]
    assert isinstance(paragraphs, list)
    return [r for p in paragraphs for r in p["excluded"]]


def test_a_phrase_added_on_the_admin_page_is_not_counted_in_the_next_check_on_web_and_cli(
    app_client: TestClient, library: Library, tmp_path: Path
) -> None:
    text, phrase, start = _paragraph_and_phrase(library)
    draft = tmp_path / "draft.txt"
    draft.write_text(text, encoding="utf-8")
    db = str(library.db)
    sign_in(app_client, "admin")
    token = csrf_of(app_client, "/admin")
    before = app_client.post("/check.json", data={"text": text, "csrf": token}).json()
    assert before["copied"] == before["chars"]  # the whole paragraph is the library's
    shipped = _excluded(before)

    added = app_client.post(
        "/admin/stock-phrases", data={"phrase": phrase, "csrf": token}, headers=JSON_ACCEPT
    )
    assert added.status_code == 200, added.text
    assert added.json()["stock_phrases"][-1] == phrase
    # The page lists it.
    assert phrase in app_client.get("/admin").text

    after = app_client.post("/check.json", data={"text": text, "csrf": token}).json()
    assert sorted([*shipped, [start, start + 16]]) == sorted(_excluded(after))
    assert after["excluded"] == before["excluded"] + 16
    assert after["copied"] == before["copied"] - 16
    # The command line uses the library's list too (no --exclude).
    cli_report = json.loads(_cli("check", str(draft), "--db", db, "--json"))
    assert _excluded(cli_report) == _excluded(after)
    assert cli_report["copied"] == after["copied"]

    # The audit log says who added what, from where.
    audit = app_client.get("/admin.json").json()["audit"]
    line = next(e for e in audit if e["action"] == "stock-phrase-add")
    assert (line["user_name"], line["target"]) == ("admin", phrase)
    assert line["ip"] != "cli"

    removed = app_client.post(
        "/admin/stock-phrases/remove", data={"phrase": phrase, "csrf": token}, headers=JSON_ACCEPT
    )
    assert removed.status_code == 200, removed.text
    assert phrase not in removed.json()["stock_phrases"]
    again = app_client.post("/check.json", data={"text": text, "csrf": token}).json()
    assert again["copied"] == before["copied"]
    assert _excluded(again) == shipped


@pytest.mark.parametrize(("role", "status"), [("visitor", 401), ("member", 403)])
def test_only_an_admin_may_edit_the_list(
    app_client: TestClient, library: Library, role: str, status: int
) -> None:
    sign_in(app_client, role)
    token = csrf_of(app_client, "/check")
    shipped = load_stock_phrases().phrases[0]
    for path, phrase in (
        ("/admin/stock-phrases", "新套话一句"),
        ("/admin/stock-phrases/remove", shipped),
    ):
        response = app_client.post(
            path, data={"phrase": phrase, "csrf": token}, headers=JSON_ACCEPT
        )
        assert response.status_code == status, response.text
        assert response.json()["ok"] is False
    assert library.stock_phrases() == list(load_stock_phrases().phrases)
    assert not [e for e in library.store.audit_entries(limit=50) if "stock" in e.action]


def test_the_command_line_shows_adds_and_removes_phrases_with_audit_lines(
    library: Library,
) -> None:
    db = str(library.db)
    shipped = list(load_stock_phrases().phrases)
    assert _cli("stock-phrases", "list", "--db", db).splitlines() == shipped
    assert _cli("stock-phrases", "add", "推进县域商业体系建设", "--db", db) == (
        "Added 推进县域商业体系建设\n"
    )
    assert _cli("stock-phrases", "remove", shipped[0], "--db", db) == f"Removed {shipped[0]}\n"
    listed = json.loads(_cli("stock-phrases", "list", "--json", "--db", db))
    assert listed == [*shipped[1:], "推进县域商业体系建设"]
    assert library.stock_phrases() == listed
    actions = [
        (e.action, e.target, e.ip)
        for e in library.store.audit_entries(limit=10)
        if e.action.startswith("stock-phrase")
    ]
    assert actions == [
        ("stock-phrase-remove", shipped[0], "cli"),
        ("stock-phrase-add", "推进县域商业体系建设", "cli"),
    ]


@pytest.mark.parametrize(
    ("command", "phrase", "message"),
    [
        ("add", "，、。", "has no characters besides punctuation"),
        ("add", "高举…伟大旗帜", "已在套话表中"),
        ("add", "一" * 201, "至多 200 字"),
        ("remove", "从未加入的套话", "套话表中没有“从未加入的套话”"),
    ],
)
def test_a_bad_edit_is_refused_with_a_clear_message_and_changes_nothing(
    library: Library, command: str, phrase: str, message: str
) -> None:
    result = CliRunner().invoke(cli, ["stock-phrases", command, phrase, "--db", str(library.db)])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert library.stock_phrases() == list(load_stock_phrases().phrases)
