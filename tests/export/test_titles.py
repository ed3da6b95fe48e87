"""Title lines broken between words (GB/T 9704-2012 7.3.3, issue 21), over real titles.

The rules are checked by brute force, independently of the segmenter: no line is wider than
the type area, the lines are the title, no line ends inside a 提法 of the shipped dictionary
(every occurrence of every term), opens with closing punctuation or ends with an opening
one or a dash. Where the lines fall on the page is :mod:`tests.export.test_layout`'s part.
"""

from __future__ import annotations

import json
import unicodedata
from typing import TYPE_CHECKING

import pytest

from sucai.export.templates import get_template
from sucai.export.titles import source_lines, title_lines
from sucai.search.tokenize import tifa_terms

if TYPE_CHECKING:
    from pathlib import Path

WIDTH = get_template(None).title_chars


def _titles(shared: Path) -> list[str]:
    corpus = shared / "corpus"
    rows = (corpus / "reports" / "state_council" / "metadata.jsonl").read_text("utf-8")
    laws = (corpus / "laws" / "metadata.jsonl").read_text("utf-8").splitlines()[:1500]
    return [json.loads(line)["title"] for line in [*rows.splitlines(), *laws] if line]


def _inside(title: str) -> set[int]:
    inside: set[int] = set()
    for term in tifa_terms():
        start = title.find(term)
        while start >= 0:
            inside.update(range(start + 1, start + len(term)))
            start = title.find(term, start + 1)
    return inside


def _cell_width(line: str) -> float:
    """Generous: every character that is not narrow by Unicode counts as one."""
    return sum(0.5 if unicodedata.east_asian_width(c) in "NaH" else 1 for c in line)


def test_real_titles_break_only_between_words_and_fit(shared: Path) -> None:
    broken = 0
    for title in _titles(shared):
        lines = title_lines(title, WIDTH)
        assert "".join(lines).replace(" ", "") == title.replace(" ", ""), title
        if len(lines) == 1:
            continue
        broken += 1
        inside = _inside(title.replace(" ", ""))
        offset = 0
        for line in lines[:-1]:
            offset += len(line.replace(" ", ""))
            assert offset not in inside, (title, lines)
            assert line[-1] not in "（《“—", (title, lines)
        for line in lines:
            assert line[0] not in "，。、；：？！）》”", (title, lines)
            assert _cell_width(line) <= WIDTH + 0.5 * 4, (title, lines)
    assert broken > 100  # the check saw many broken titles


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        (
            "抓牢高质量发展首要任务推动xx经济实现质的有效提升和量的合理增长",
            ("抓牢高质量发展首要任务推动xx经济", "实现质的有效提升和量的合理增长"),
        ),
        (
            "踔厉奋发 我们一起向未来——习近平主席新年贺词在全国各地引发热烈反响",
            ("踔厉奋发 我们一起向未来——习近平主席", "新年贺词在全国各地引发热烈反响"),
        ),
        ("2024年中华人民共和国国务院政府工作报告", ("2024年中华人民共和国国务院政府工作报告",)),
        # The segmenter cuts 区块|链: a line does not end beside a one-character word.
        (
            "上海市促进浦东新区运用区块链赋能电子单证应用若干规定",
            ("上海市促进浦东新区运用", "区块链赋能电子单证应用若干规定"),
        ),
    ],
)
def test_the_titles_of_the_issue(title: str, lines: tuple[str, ...]) -> None:
    assert title_lines(title, WIDTH) == lines


def test_a_tifa_stays_whole_where_the_segmenter_would_split_it() -> None:
    # The segmenter cuts 踔厉奋发、勇毅前行 at its 、, where a line could end.
    term = "踔厉奋发、勇毅前行"
    assert term in tifa_terms()
    title = f"以党的二十大精神为指引{term}奋力开创各项工作新局面"
    assert title_lines(title, WIDTH) == (f"以党的二十大精神为指引{term}", "奋力开创各项工作新局面")


def test_a_date_is_never_split() -> None:
    # Too wide for 10 characters, and no break outside the date fits: it stays one line
    # (the word processor breaks it) rather than "（2021年8 / 月20日）".
    assert title_lines("会议讲话（2021年8月20日）", 10) == ("会议讲话（2021年8月20日）",)
    source = "——摘自《关于推动高质量发展的意见》（市委副书记、市长，2021年8月20日）"
    expected = ("——摘自《关于推动高质量发展的意见》", "（市委副书记、市长，2021年8月20日）")
    assert title_lines(source, 28) == source_lines(source, 28) == expected
    assert source_lines(source[:20] + "）", 28) == (source[:20] + "）",)
