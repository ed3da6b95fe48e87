"""A query that finds nothing suggests what would (issue 18), on two real work reports."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from sucai import open_library
from sucai.cli import cli
from sucai.search.fold import fold
from sucai.search.suggest import abbreviates, one_edit_apart
from sucai.serialize import page_to_dict
from sucai.web import WebSettings, create_app
from tests.conftest import CORPUS

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from sucai import Library

REPORTS = CORPUS / "reports" / "state_council"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """The 2024 and 2025 government work reports."""
    if not REPORTS.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    db = tmp_path_factory.mktemp("suggest") / "lib.db"
    with open_library(db) as lib:
        assert not lib.ingest(sorted(REPORTS.glob("00[02]_*.txt"))).failed
        yield lib


def _holding(lib: Library, *terms: str) -> int:
    """Paragraphs holding every term, by brute force over the stored text."""
    return sum(
        all(fold(t) in fold(p.text) for t in terms) for a in lib.articles() for p in a.paragraphs
    )


def test_one_edit_covers_a_wrong_missing_extra_or_swapped_character() -> None:
    assert one_edit_apart("全面从严冶党", "全面从严治党")  # wrong
    assert one_edit_apart("全面从严党", "全面从严治党")  # missing
    assert one_edit_apart("全面从严治治党", "全面从严治党")  # extra
    assert one_edit_apart("全面严从治党", "全面从严治党")  # swapped
    assert not one_edit_apart("全面从严治党", "全面从严治党")
    assert not one_edit_apart("全面从宽冶党", "全面从严治党")
    assert not one_edit_apart("全从面严冶党", "全面从严治党")


def test_an_abbreviation_keeps_the_first_character_and_the_order() -> None:
    assert abbreviates("党建", "党的建设")
    assert abbreviates("乡振", "乡村振兴")
    assert not abbreviates("党建", "党建")
    assert not abbreviates("建党", "党的建设")
    assert not abbreviates("振乡", "乡村振兴")
    assert not abbreviates("党设建", "党的建设")  # 建 comes before 设


def test_a_misspelt_tifa_suggests_the_right_one(reports: Library) -> None:
    page = reports.search("全面从严冶党")
    assert page.total == 0
    first = page.suggestions[0]
    assert (first.query, first.kind) == ("全面从严治党", "typo")
    assert first.total == _holding(reports, "全面从严治党") > 0


def test_an_abbreviation_suggests_the_terms_written_out(reports: Library) -> None:
    assert _holding(reports, "乡振") == 0
    page = reports.search("乡振 农民")
    assert page.total == 0
    suggested = {s.query: s.total for s in page.suggestions}
    assert suggested["乡村振兴 农民"] == _holding(reports, "乡村振兴", "农民") > 0
    assert all(s.kind == "longer" for s in page.suggestions)
    assert all(s.query.endswith(" 农民") for s in page.suggestions)


def test_words_never_together_suggest_leaving_one_out(reports: Library) -> None:
    assert _holding(reports, "营商环境", "乡村振兴") == 0
    page = reports.search("营商环境 乡村振兴 年份:2024")
    assert page.total == 0
    suggested = {(s.query, s.kind): s.total for s in page.suggestions}
    assert suggested == {
        ("营商环境 年份:2024", "fewer"): reports.search("营商环境 年份:2024").total,
        ("乡村振兴 年份:2024", "fewer"): reports.search("乡村振兴 年份:2024").total,
    }


def test_nothing_near_suggests_nothing_and_hits_carry_no_suggestions(reports: Library) -> None:
    assert reports.search("鑫醴").suggestions == ()
    assert reports.search("营商环境").suggestions == ()


def test_the_json_result_carries_the_suggestions(reports: Library) -> None:
    data = page_to_dict(reports.search("全面从严冶党"))
    assert data["total"] == 0
    assert data["suggestions"][0] == {
        "query": "全面从严治党",
        "total": _holding(reports, "全面从严治党"),
        "kind": "typo",
    }


def test_the_command_line_and_the_page_offer_the_suggestions(
    reports: Library, tmp_path: Path
) -> None:
    total = _holding(reports, "全面从严治党")
    result = CliRunner().invoke(cli, ["search", "全面从严冶党", "--db", str(reports.db)])
    assert result.exit_code == 0, result.output
    assert f"Try: 全面从严治党  ({total} matching)" in result.output.splitlines()

    with TestClient(
        create_app(reports, WebSettings(rate_limits="off", upload_dir=tmp_path / "uploads"))
    ) as client:
        page = client.get("/search", params={"q": "全面从严冶党"})
    assert page.status_code == 200
    link = f'<a href="/search?q={quote("全面从严治党")}">全面从严治党</a>（{total} 条）'
    assert link in page.text
