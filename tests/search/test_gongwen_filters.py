"""The 文号: and 机关: filters (issue 16) on 公文 imported from real files."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sucai import ImportOptions, open_library
from sucai.cli import cli
from sucai.search.query import doc_number_key, format_query, issuer_keys, parse_query

REALFILES = Path(__file__).resolve().parents[1] / "data" / "realfiles" / "files"
NOTICE = REALFILES / "关于加强本市优秀历史建筑管理的通知（文本框）.docx"
LETTER = REALFILES / "关于印发《上海市城市体检促进城市更新的工作指引》的函.md"


def test_doc_numbers_are_matched_whatever_their_brackets() -> None:
    assert doc_number_key("国发〔2019〕4号") == "国发〔2019〕4号"
    assert doc_number_key("国发[2019]4号") == "国发〔2019〕4号"
    assert doc_number_key("国发（2019）第4号") == "国发〔2019〕4号"
    assert doc_number_key("沪建综规〔2025〕449 号") == "沪建综规〔2025〕449号"
    assert issuer_keys("宜春市统计局　国家统计局宜春调查队") == [
        "宜春市统计局国家统计局宜春调查队",
        "宜春市统计局",
        "国家统计局宜春调查队",
    ]


def test_filters_parse_and_format_back() -> None:
    query = parse_query("保护 文号:沪房规范〔2025〕7号 机关:上海市房屋管理局")
    assert (query.terms, query.doc_number, query.issuer) == (
        ("保护",),
        "沪房规范〔2025〕7号",
        "上海市房屋管理局",
    )
    assert parse_query(format_query(query)) == query


def test_search_by_doc_number_and_issuer(tmp_path: Path) -> None:
    with open_library(tmp_path / "lib.db") as library:
        report = library.ingest([NOTICE, LETTER], ImportOptions(merge=False))
        assert report.failed == ()
        notice = library.search(parse_query("保护 文号:沪房规范[2025]7号", limit=None))
        letter = library.search(parse_query("城市 文号:沪建综规〔2025〕449号", limit=None))
        assert notice.total > 0 and letter.total > 0
        assert {h.title for h in notice.hits} == {"关于加强本市优秀历史建筑管理的通知"}
        assert {h.title for h in letter.hits} == {
            "关于印发《上海市城市体检促进城市更新的工作指引》的函"
        }
        by_issuer = library.search(parse_query("城市 机关:上海市房屋管理局", limit=None))
        assert {h.title for h in by_issuer.hits} == {"关于加强本市优秀历史建筑管理的通知"}
        assert library.search(parse_query("城市 机关:上海市", limit=None)).total == 0
    result = CliRunner().invoke(
        cli,
        ["search", "保护", "--doc-number", "沪房规范（2025）7号", "--db", str(tmp_path / "lib.db")],
    )
    assert result.exit_code == 0, result.output
    assert "关于加强本市优秀历史建筑管理的通知" in result.output
