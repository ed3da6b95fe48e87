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
from sucai.ingest.parsers.text import text_blocks
from sucai.ingest.structure import structure
from sucai.models import ParsedText, SourceFile

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


# A day's news copied from a news site: a player line, then each item's headline on a line of
# its own (or glued to its dateline) with no blank line between the items. Synthetic text
# written for the test, in the form of the site's pages.
NEWS_DAY = (
    "全屏播放\n"
    "我国造船三大指标国际市场份额首超50%\n"
    "央视网消息（新闻联播）：今天，工业和信息化部发布最新数据，中国造船业三大指标连续多年位居"
    "世界第一。三大指标占国际市场份额首次全部超过50%。\n"
    "天舟七号货运飞船船箭组合体顺利垂直转运至发射区\n"
    "央视网消息（新闻联播）：今天上午，天舟七号货运飞船与运载火箭组合体垂直转运至发射区，"
    "将于近日择机发射。\n"
    "文昌航天发射场设施设备状态良好，后续将按计划开展发射前的各项功能检查。\n"
    "我国国家公园建设取得积极成效新华社北京1月15日电 记者从国家林草局了解到，首批国家公园"
    "正式设立以来，生态保护、建设管理取得积极成效。\n"
)


def test_a_news_day_whose_items_run_together_is_split_at_its_headlines() -> None:
    parsed = normalize(ParsedText(tuple(text_blocks(NEWS_DAY))))
    compilation = structure(parsed, "新闻.txt")
    assert [a.title for a in compilation.articles] == [
        "我国造船三大指标国际市场份额首超50%",
        "天舟七号货运飞船船箭组合体顺利垂直转运至发射区",
        "我国国家公园建设取得积极成效",
    ]
    assert {a.genre for a in compilation.articles} == {"新闻"}
    second, third = compilation.articles[1:]
    assert [p.text for p in second.paragraphs][-1].startswith("文昌航天发射场")
    assert third.paragraphs[0].text.startswith("新华社北京1月15日电 记者从国家林草局了解到")
    assert not any("全屏播放" in line for line in compilation.header)


def test_one_news_story_with_its_dateline_stays_one_article() -> None:
    text = (
        "我国造船三大指标国际市场份额首超50%\n"
        "央视网消息（新闻联播）：今天，工业和信息化部发布最新数据。\n"
        "三大指标占国际市场份额首次全部超过50%。\n"
    )
    compilation = structure(normalize(ParsedText(tuple(text_blocks(text)))), "新闻.txt")
    assert len(compilation.articles) == 1


def test_news_days_of_the_corpus_copied_as_run_together_text_split_at_their_headlines(
    shared: Path,
) -> None:
    """The corpus's 新闻联播 days, rendered as text copied from the page: a 全屏播放 line, each
    headline on its own line, the items' paragraphs under it, no blank line anywhere. An item
    whose text opens with its dateline (央视网消息（新闻联播）) is split off; the expected
    headlines come from the Markdown's ``###`` lines, not from sucai."""
    days = sorted((shared / "corpus" / "xinwenlianbo").glob("*.md"))[::10]
    assert days
    for day in days:
        items: list[tuple[str, list[str]]] = []
        for line in day.read_text("utf-8").splitlines():
            if line.startswith("### "):
                items.append((line[4:].strip(), []))
            elif items and line.strip() and not line.startswith("#"):
                items[-1][1].append(line.replace("**", "").strip())
        lines = ["全屏播放"]
        for headline, paragraphs in items:
            lines += [headline, *paragraphs]
        text = "\n".join(lines) + "\n"
        split = [h for h, ps in items if ps and ps[0].startswith("央视网消息（新闻联播）")]
        if len(split) < 2:
            continue
        compilation = structure(normalize(ParsedText(tuple(text_blocks(text)))), "新闻.txt")
        titles = [a.title for a in compilation.articles]
        assert titles[-len(split) :] == split, day.name
