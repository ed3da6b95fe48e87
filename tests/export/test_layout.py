"""The Word export on the page, measured against GB/T 9704-2012 (issue 21).

Every document is laid out by LibreOffice once for the module and read back from the PDF
(:mod:`tests.export.rendered`); the expected figures come from the standard and the page
(A4, margins 37/35/28/26 mm, 22 lines of 28 characters), not from the code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sucai import open_library
from tests.export.rendered import NEEDS_OFFICE, Line, render

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sucai import Library

pytestmark = NEEDS_OFFICE

_PT_PER_MM = 72 / 25.4
#: The type area (版心) on A4 in points from the top-left corner.
LEFT, RIGHT = 28 * _PT_PER_MM, (210 - 26) * _PT_PER_MM
TOP, BOTTOM = 37 * _PT_PER_MM, (297 - 35) * _PT_PER_MM
#: pdftotext's boxes come from font metrics: the same layout reads the same within this.
TOLERANCE = 0.6

LAW = """# 浙江省广告管理条例

## 第一章　总则

第一条 为了规范广告活动，保护消费者合法权益，促进广告业健康发展，维护社会经济秩序，制定本条例。

## 第二章　附则

第二条 本条例自公布之日起施行。
"""

#: Body lines hold 28 characters, the first line of a paragraph 26 after its indent.
FIRST, FULL = 26, 28
#: Paragraphs with a "，" one character past a full line (the 29th), where hanging
#: punctuation sets it in the right margin, and one with it as the 28th, which fits.
WORDS = "国内生产总值超过一百万亿元增长百分之五增速居世界主要经济体前列城镇新增就业一千万人以上"
COMMAS = "\n\n".join(
    [
        "测试标点溢出",
        WORDS[:FIRST] + "，" + WORDS,
        WORDS[:FIRST] + WORDS[:FULL] + "，" + WORDS,
        WORDS[: FIRST - 1] + "，" + WORDS,
    ]
)


@pytest.fixture(scope="module")
def papers(
    seed_library: Library, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, list[list[Line]]]]:
    """Each exported document's pages, laid out by LibreOffice in one run."""
    folder = tmp_path_factory.mktemp("layout")
    (folder / "条例.md").write_text(LAW, encoding="utf-8")
    (folder / "标点.txt").write_text(COMMAS, encoding="utf-8")
    with open_library(folder / "library.db") as library:
        report = library.ingest([folder / "条例.md", folder / "标点.txt"])
        law, commas = (f.article_ids[0] for f in report.files)
        docs = {
            "seed5": seed_library.export(5, "docx")[1],
            "law": library.export(law, "docx")[1],
            "commas": library.export(commas, "docx")[1],
        }
        yield render(docs, folder)


def _body(page: list[Line]) -> list[Line]:
    """A page's lines without its page number (the line below the type area)."""
    return [line for line in page if line.y0 < BOTTOM]


def test_page_one_holds_22_rows_each_title_line_one(papers: dict[str, list[list[Line]]]) -> None:
    pages = papers["seed5"]
    first, second = _body(pages[0]), _body(pages[1])
    assert len(second) == 22
    # Two title lines, the 题注, one empty row, then body text to the last row.
    assert len(first) == 21
    title = [line for line in first if line.y1 - line.y0 > 25]  # 2号 lines are taller
    assert len(title) == 2
    assert title[1].y0 - title[0].y0 == pytest.approx((BOTTOM - TOP) / 22, abs=1)
    assert first[-1].y0 == pytest.approx(second[-1].y0, abs=TOLERANCE)


def test_the_page_number_dash_sits_7_mm_below_the_type_area(
    papers: dict[str, list[list[Line]]],
) -> None:
    for number, page in enumerate(papers["seed5"], 1):
        (mark,) = [line for line in page if line.y0 >= BOTTOM]
        assert mark.compact == f"—{number}—"
        middle = (mark.y0 + mark.y1) / 2  # where the 一字线 are drawn
        assert (middle - BOTTOM) / _PT_PER_MM == pytest.approx(7.0, abs=0.35), number
        assert all(line.y1 <= BOTTOM + TOLERANCE for line in _body(page))


@pytest.mark.parametrize("name", ["commas", "seed5"])
def test_no_punctuation_hangs_into_the_right_margin(
    papers: dict[str, list[list[Line]]], name: str
) -> None:
    lines = [line for page in papers[name] for line in _body(page)]
    assert all(line.x0 >= LEFT - TOLERANCE for line in lines)
    over = [line.text for line in lines if line.x1 > RIGHT + TOLERANCE]
    assert over == []
    if name == "commas":
        # A "，" that fits ends its line inside the type area.
        ends = [line.compact[-1] for line in lines if line.x1 > RIGHT - 16]
        assert "，" in ends


def test_chapter_headings_are_centred(papers: dict[str, list[list[Line]]]) -> None:
    lines = _body(papers["law"][0])
    headings = [line for line in lines if line.compact in ("第一章总则", "第二章附则")]
    assert len(headings) == 2
    for line in headings:
        assert (line.x0 + line.x1) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=2)
