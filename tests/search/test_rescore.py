"""The second scorer of the best hits (issue 18): known items of bench/known_items.py's tuning
split — a work report's paragraph and three words a writer remembers from it — in small
libraries of the reports whose paragraphs hold the three words. The score with the length
prior alone ranks each paragraph second, below another year's paragraph on the same subject;
BM25 over the query's words, with a weak length normalisation, puts it first."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sucai import open_library
from tests.conftest import CORPUS

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("query", "paragraph", "years"),
    [
        ("全球治理 系列 峰会", "作组织峰会、金砖国家领导人会晤、核安全峰会", (2017, 2018, 2022)),
        ("斗争 人民 朝鲜", "英雄的朝鲜人民和英雄的越南人民", (1954, 1955)),
    ],
)
def test_the_paragraph_remembered_comes_before_another_years_on_its_subject(
    tmp_path: Path, query: str, paragraph: str, years: tuple[int, ...]
) -> None:
    reports = CORPUS / "reports" / "state_council"
    if not reports.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    files = [
        path
        for year in years
        for path in reports.glob(f"*_{year}_{year}年中华人民共和国国务院政府工作报告.txt")
    ]
    assert len(files) == len(years)
    with open_library(tmp_path / "lib.db") as lib:
        assert not lib.ingest(files).failed
        hits = lib.search(query).hits
    assert len({h.year for h in hits}) > 1, "other years' paragraphs hold the words too"
    assert hits[0].text.startswith(paragraph)
