"""查重 gives the same report on SQLite and PostgreSQL (issue 7).

The same three government work reports are imported into a SQLite library (tantivy index) and
a PostgreSQL one (index in PostgreSQL); every draft gets an equal report, span by span. The
scenarios themselves (truth of an edited draft, stock phrases, quotes …) run on both stores in
``tests/check``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pytest

from sucai import open_library
from sucai.check import counted
from tests.check.conftest import NEW_TEXT, build_draft, draft_text

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library
    from sucai.check import OverlapReport


def _timeless(report: OverlapReport) -> OverlapReport:
    return dataclasses.replace(report, seconds=0.0)


def test_an_edited_draft_gets_the_same_report_on_both_stores(
    sqlite_reports: Library, postgres_reports: Library
) -> None:
    pieces = build_draft(sqlite_reports)
    assert build_draft(postgres_reports) == pieces  # the same ids and paragraphs
    text = draft_text(pieces)
    reports = [lib.check(text, exclude=[]) for lib in (sqlite_reports, postgres_reports)]
    truth = sum(p.copied_chars for p in pieces) / sum(counted(p.text) for p in pieces)
    assert reports[0].ratio == pytest.approx(truth, abs=0.02)
    assert _timeless(reports[1]) == _timeless(reports[0])
    # With the shipped stock phrases, and with longer spans only: still the same.
    for options in ({}, {"min_span": 30}):
        one, other = (lib.check(text, **options) for lib in (sqlite_reports, postgres_reports))
        assert one.copied > 0
        assert _timeless(other) == _timeless(one)


def test_new_text_reports_zero_on_both_stores(
    sqlite_reports: Library, postgres_reports: Library
) -> None:
    for library in (sqlite_reports, postgres_reports):
        report = library.check("\n".join(NEW_TEXT))
        assert (report.ratio, report.copied, report.sources) == (0.0, 0, ())


def test_a_whole_library_paragraph_is_found_on_both_stores(
    sqlite_reports: Library, postgres_reports: Library
) -> None:
    article = next(iter(sqlite_reports.articles()))
    paragraphs = [p.text for p in article.paragraphs if len(p.text) > 60][:5]
    one, other = (lib.check(paragraphs) for lib in (sqlite_reports, postgres_reports))
    assert one.ratio > 0.9 and {s.article_id for s in one.sources} == {article.id}
    assert _timeless(other) == _timeless(one)


def test_a_check_right_after_a_rebuild_reads_the_new_index(tmp_path: Path, pg_url: str) -> None:
    """A rebuild leaves its pooled connection pointed at a schema it renamed: the check's
    lookups must point theirs at the current generation (a traceback once, from the CLI)."""
    paragraph = (
        "全县上下坚持稳中求进工作总基调，统筹推进稳增长、促改革、调结构、惠民生、防风险各项工作，"
        "经济运行总体平稳、稳中有进，主要指标增幅位居全市前列。"
    )
    source = tmp_path / "讲话.txt"
    source.write_text(f"在全县经济工作会议上的讲话\n\n{paragraph}\n", encoding="utf-8")
    with open_library(pg_url) as library:
        library.ingest([source])
        library.reindex()
        library.auto_sync = False  # as in a server: nothing else reads the index first
        report = library.check(paragraph, exclude=[])
    assert report.ratio > 0.9
