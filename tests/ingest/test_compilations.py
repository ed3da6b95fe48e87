"""Compilations whose article titles carry a role and run into the article (issue 16 item 8).

The compilations are built at test time from real text of the shared corpus (state-council
reports, 新闻联播 items), never committed: each article is written as a commercial 汇编 writes
it, ``标题（职务）`` glued to its first line, items one line after another with no blank
lines. The gold split points are where the test put the articles, not what sucai found.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

import pytest

from sucai.ingest.normalize import normalize
from sucai.ingest.parsers import parse
from sucai.ingest.structure import structure
from sucai.models import SourceFile

if TYPE_CHECKING:
    from pathlib import Path

    from sucai.models import Compilation

REPORTS = {
    "2025年政府工作报告": "000_2025_2025年中华人民共和国国务院政府工作报告.txt",
    "2024年政府工作报告": "002_2024_2024年中华人民共和国国务院政府工作报告.txt",
    "2021年政府工作报告": "008_2021_2021年中华人民共和国国务院政府工作报告.txt",
}
NEWS_DAYS = ("20240315.md", "20230111.md", "20221018.md")
#: A news agency's dateline, a paper's 本报讯, and a dateline of a source not named in advance.
DATELINES = ("新华社韩国庆州{m}月{d}日电", "本报讯", "中国日报网{m}月{d}日电")


def _body(path: Path) -> list[str]:
    """A report's paragraphs from its salutation on (the speech as a 汇编 copies it)."""
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    start = lines.index("各位代表：")
    return lines[start:]


def _visible(text: str) -> str:
    return "".join(c for c in text if unicodedata.category(c) != "Cf" and not c.isspace())


def _structure(tmp_path: Path, text: str) -> Compilation:
    source = SourceFile(str(tmp_path / "汇编.txt"), text.encode("utf-8"), "", ".txt")
    return structure(normalize(parse(source, None)), source.path)


def _reports(shared: Path) -> dict[str, list[str]]:
    folder = shared / "corpus" / "reports" / "state_council"
    return {title: _body(folder / name) for title, name in REPORTS.items()}


@pytest.mark.parametrize("header", ["政府工作报告汇编（3篇）\n", ""])
def test_titles_with_a_role_run_into_a_salutation_split_the_compilation(
    shared: Path, tmp_path: Path, header: str
) -> None:
    """With or without a 汇编 header: each article opens with 各位代表：."""
    reports = _reports(shared)
    text = header + "".join(
        f"{title}（国务院总理）" + "\n".join(body) + "\n" for title, body in reports.items()
    )
    compilation = _structure(tmp_path, text)
    assert [(a.title, a.role) for a in compilation.articles] == [
        (title, "国务院总理") for title in reports
    ]
    for article, body in zip(compilation.articles, reports.values(), strict=True):
        # Every character lands in its own article (cleaning may join hard-wrapped lines and
        # drops invisible format characters).
        assert article.paragraphs[0].text == "各位代表："
        assert _visible("".join(p.text for p in article.paragraphs)) == _visible("".join(body))


def test_titles_run_into_a_dateline_split_news_speeches(shared: Path, tmp_path: Path) -> None:
    """``…书面演讲（区委副书记、区长）新华社…电 …``: real news text under a dateline."""
    items = []
    for day, dateline in zip(NEWS_DAYS, DATELINES, strict=True):
        text = (shared / "corpus" / "xinwenlianbo" / day).read_text(encoding="utf-8")
        paragraph = next(
            ln.strip()
            for ln in text.splitlines()
            if len(ln.strip()) > 80 and not ln.startswith("#") and "。" in ln
        )
        month, date = int(day[4:6]), int(day[6:8])
        opening = dateline.format(m=month, d=date) + "　" + paragraph
        items.append((f"在{day[:4]}年区经济工作会议上的书面演讲", opening))
    text = "".join(f"{title}（区委副书记、区长）{opening}\n" for title, opening in items)
    compilation = _structure(tmp_path, text)
    assert [(a.title, a.role) for a in compilation.articles] == [
        (title, "区委副书记、区长") for title, *_ in items
    ]
    for article, (_title, opening) in zip(compilation.articles, items, strict=True):
        assert article.paragraphs[0].text == opening


def test_a_single_speech_with_a_role_in_a_sentence_stays_one_article(
    shared: Path, tmp_path: Path
) -> None:
    """Run-in roles alone need two or more, each opening like an article, or a 汇编 header."""
    body = _reports(shared)["2024年政府工作报告"]
    lines = [*body[:5], "全市各级各部门组织全体职工（代表）认真学习报告全文。", *body[5:20]]
    compilation = _structure(tmp_path, "2024年政府工作报告\n" + "\n".join(lines) + "\n")
    assert len(compilation.articles) == 1
    assert not re.search(r"（代表）", compilation.articles[0].title)
