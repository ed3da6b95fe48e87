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
from sucai.export.titles import title_lines
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
    ],
)
def test_the_titles_of_the_issue(title: str, lines: tuple[str, ...]) -> None:
    assert title_lines(title, WIDTH) == lines


def test_a_tifa_stays_whole_where_the_segmenter_would_split_it() -> None:
    # 黄河流域生态保护和高质量发展 is one 提法: its line cannot end inside it.
    title = "深入学习贯彻习近平总书记重要讲话精神推动黄河流域生态保护和高质量发展"
    term = "黄河流域生态保护和高质量发展"
    assert term in tifa_terms()
    lines = title_lines(title, WIDTH)
    assert len(lines) == 2
    assert any(term in line for line in lines), lines
