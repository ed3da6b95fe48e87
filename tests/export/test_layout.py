"""The Word export on the page, measured against GB/T 9704-2012 (issue 21).

Every document is laid out by LibreOffice once for the module and read back from the PDF
(:mod:`tests.export.rendered`); the expected figures come from the standard and the page
(A4, margins 37/35/28/26 mm, 22 lines of 28 characters), not from the code.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

import pytest

from sucai import open_library
from tests.conftest import CORPUS
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
REPORT = (
    CORPUS / "reports" / "state_council" / "002_2024_2024年中华人民共和国国务院政府工作报告.txt"
)

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


#: The two titles of issue 21 with the places a writer may break them, by hand: between
#: phrases, never inside a word or a 提法 (实现质的有效提升和量的合理增长).
TITLES = {
    "seed5": "抓牢|高质量发展|首要任务|推动xx经济|实现质的有效提升和量的合理增长",
    "greeting": "踔厉奋发| 我们一起|向未来|——习近平主席|新年贺词|在全国各地|引发|热烈反响",
}
GREETING = TITLES["greeting"].replace("|", "") + "\n\n新年贺词在全国各地引发热烈反响。\n"


PROSE = (
    "各地区各部门坚持稳中求进工作总基调完整准确全面贯彻新发展理念加快构建新发展格局"
    "着力推动高质量发展全面深化改革开放推动高水平科技自立自强加大宏观调控力度"
    "统筹扩大内需和深化供给侧结构性改革统筹新型城镇化和乡村全面振兴"
)
#: Speeches whose source line (——摘自《title》（市长，2021年8月20日）) takes two lines; one
#: of these title lengths puts a 28-character line end inside the date. In a basket of one
#: paragraph (one line) of each, they fill rows 3–20 of page 1 (after the title and its
#: empty row), and a two-line paragraph after them ends on row 22: its source line falls
#: on page 2.
SPEECHES = [f"在全市{PROSE[:n]}大会上的讲话（市长）" for n in range(2, 8)]
TWO_LINES = PROSE[: FIRST + FULL - 1] + "。"


def _speech(n: int, title: str) -> str:
    body = PROSE[15 * n : 15 * n + 15] + "。"
    return f"{title}\n\n（2021年8月20日）\n\n同志们：\n\n{body}\n"


@pytest.fixture(scope="module")
def papers(
    seed_library: Library, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, list[list[Line]]]]:
    """Each exported document's pages, laid out by LibreOffice in one run."""
    folder = tmp_path_factory.mktemp("layout")
    (folder / "条例.md").write_text(LAW, encoding="utf-8")
    (folder / "标点.txt").write_text(COMMAS, encoding="utf-8")
    (folder / "贺词.txt").write_text(GREETING, encoding="utf-8")
    for n, title in enumerate(SPEECHES):
        (folder / f"讲话{n}.txt").write_text(_speech(n, title), encoding="utf-8")
    (folder / "意见.txt").write_text(
        f"关于推动高质量发展的意见\n\n{TWO_LINES}\n\n此页无正文。\n", "utf-8"
    )
    with open_library(folder / "library.db") as library:
        report = library.ingest([folder / name for name in ("条例.md", "标点.txt", "贺词.txt")])
        law, commas, greeting = (f.article_ids[0] for f in report.files)
        # One import each: a paragraph in every file of an import is boilerplate.
        paths = [*sorted(folder.glob("讲话*")), folder / "意见.txt"]
        ids = [library.ingest([path]).files[0].article_ids[0] for path in paths]
        refs = [*[f"{i}:3" for i in ids[:-1]], f"{ids[-1]}:1", str(law)]
        library.basket_add("u", "篮", refs)
        docs = {
            "seed5": seed_library.export(5, "docx")[1],
            "law": library.export(law, "docx")[1],
            "commas": library.export(commas, "docx")[1],
            "greeting": library.export(greeting, "docx")[1],
            "basket": library.basket_export("u", "篮", "docx")[1],
        }
        if REPORT.is_file():
            (report_id,) = library.ingest([REPORT]).files[0].article_ids
            docs["report"] = library.export(report_id, "docx")[1]
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


@pytest.mark.parametrize("name", list(TITLES))
def test_title_lines_break_between_words(papers: dict[str, list[list[Line]]], name: str) -> None:
    gold = TITLES[name].replace(" ", "")
    title = gold.replace("|", "")
    allowed = {len(part) for part in _prefixes(gold.split("|"))}
    lines = [line for line in _body(papers[name][0]) if line.y1 - line.y0 > 25]
    assert len(lines) == 2
    assert "".join(line.compact for line in lines) == title
    assert len(lines[0].compact) in allowed, lines[0].compact
    for line in lines:  # centred, inside the type area
        assert line.x0 >= LEFT and line.x1 <= RIGHT
        assert (line.x0 + line.x1) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=2)


def _prefixes(parts: list[str]) -> list[str]:
    return ["".join(parts[:n]) for n in range(1, len(parts))]


def test_a_basket_source_line_stays_with_its_text(papers: dict[str, list[list[Line]]]) -> None:
    pages = [_body(page) for page in papers["basket"]]
    sources = [
        (number, index)
        for number, page in enumerate(pages)
        for index, line in enumerate(page)
        if line.compact.startswith("——摘自")
    ]
    assert len(sources) >= len(SPEECHES) + 2
    # Never the first line of a page: its text is above it.
    assert all(index >= 1 for _number, index in sources), sources
    assert pages[1][0].compact == TWO_LINES[:FIRST]


def test_a_basket_source_line_does_not_break_inside_its_date(
    papers: dict[str, list[list[Line]]],
) -> None:
    lines = [line.compact for page in papers["basket"] for line in _body(page)]
    # The source lines are above the 依据表, whose numbers and dates sit in table cells.
    lines = lines[: lines.index("依据表")]
    # The source lines of the speeches take two lines each.
    assert sum("2021年8月20日" in a + b for a, b in pairwise(lines)) >= 6
    for first, second in pairwise(lines):
        inside = first[-1].isdigit() or first[-1] in "年月"
        assert not (inside and (second[0].isdigit() or second[0] in "年月日")), (first, second)


def test_a_whole_article_in_a_basket_has_its_title(papers: dict[str, list[list[Line]]]) -> None:
    lines = [line for page in papers["basket"] for line in _body(page)]
    (title,) = [line for line in lines if line.compact == "浙江省广告管理条例"]
    assert (title.x0 + title.x1) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=2)
    following = lines[lines.index(title) + 1]
    assert following.compact == "第一章总则"


def test_a_speech_has_its_own_caption_centred_under_the_title_once(
    papers: dict[str, list[list[Line]]],
) -> None:
    if "report" not in papers:
        pytest.skip(f"{REPORT} is not beside the project")
    lines = _body(papers["report"][0])
    texts = [line.compact for line in lines]
    assert texts[0] == "2024年中华人民共和国国务院政府工作报告"
    # The 题注 lines, centred under the title, the date once (not again from our own line).
    caption = lines[1 : texts.index("各位代表：")]
    assert "".join(line.compact for line in caption) == (
        "——2024年3月5日在第十四届全国人民代表大会第二次会议上国务院总理李强"
    )
    assert "".join(texts).count("2024年3月5日") == 1
    for line in caption:
        assert (line.x0 + line.x1) / 2 == pytest.approx((LEFT + RIGHT) / 2, abs=2)
    # Office and name apart (国务院总理　李　强; stored as 国务院总理李　强).
    assert caption[-1].words[0][2] == "国务院总理"
    # One empty row between the 题注 and the text, as after a title.
    salutation = lines[texts.index("各位代表：")]
    assert salutation.y0 - caption[-1].y0 == pytest.approx(2 * (BOTTOM - TOP) / 22, abs=1)
