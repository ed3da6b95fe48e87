"""Cleaning and structure rules, on small texts and on the real corpus."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest

from sucai.ingest.normalize import normalize
from sucai.ingest.parsers.text import text_blocks
from sucai.ingest.structure import split_role, structure
from sucai.models import ParsedText

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library
    from sucai.models import Compilation


def _structure(text: str) -> Compilation:
    return structure(normalize(ParsedText(tuple(text_blocks(text)))), "x.txt")


def _paragraphs(text: str) -> list[str]:
    return [p.text for a in _structure(text).articles for p in a.paragraphs]


def test_paragraphs_run_together_with_fullwidth_indents_are_split() -> None:
    text = "关于加强工作的通知\n　　第一段内容。　　第二段内容。  第三段内容。"
    assert _paragraphs(text) == ["第一段内容。", "第二段内容。", "第三段内容。"]


def test_hard_wrapped_fixed_width_lines_are_joined() -> None:
    paragraph = "为深入贯彻落实党中央国务院关于优化营商环境的决策部署，持续深化放管服改革，" * 4
    wrapped = [paragraph[i : i + 30] for i in range(0, len(paragraph), 30)]
    text = "关于优化营商环境的通知\n" + "\n".join(wrapped) + "\n" + "\n".join(wrapped)
    # Two copies of the same wrapped paragraph, the first ending in "，": the wrap joins both.
    assert _paragraphs(text) == [paragraph + paragraph]
    text = "关于优化营商环境的通知\n" + "\n".join(wrapped) + "。\n" + "\n".join(wrapped)
    assert _paragraphs(text) == [paragraph + "。", paragraph]


def test_lines_broken_inside_blank_separated_paragraphs_are_joined() -> None:
    text = (
        "政府工作报告\n\n我们在听了刘少奇同志\n关于宪法草案的报告\n并进行了讨论以后，完成了工作。\n\n"
        + "".join(f"第{n}段。\n\n" for n in "二三四五")
    )
    assert _paragraphs(text) == [
        "我们在听了刘少奇同志关于宪法草案的报告并进行了讨论以后，完成了工作。",
        *(f"第{n}段。" for n in "二三四五"),
    ]


def test_web_chrome_and_pkulaw_headers_are_removed_and_reported() -> None:
    text = (
        "【法宝引证码】 CLI.12.1075244\n原文链接：https://www.pkulaw.com/lar/x.html\n"
        "某某通知\n某某通知\n下载\n打印\n【字号：\n加大\n还原\n减小\n】\n"
        "下载 打印 【字号：加大 还原 减小】\n正文第一段。\n"
    )
    parsed = normalize(ParsedText(tuple(text_blocks(text))))
    kept = [b.text for b in parsed.blocks if b.text]
    assert kept == ["某某通知", "正文第一段。"]
    reasons = [r.reason for r in parsed.removed]
    assert reasons == ["pkulaw-header"] * 2 + ["duplicate-line"] + ["web-chrome"] * 8


def test_a_font_size_switch_and_a_copyright_footer_are_page_furniture() -> None:
    """As a company's news page (gb2312) has them: the switch beside the date field."""
    text = (
        "产品标准\n发稿时间：2014/11/17 【 字体：大 中 小 】\n"
        "本公司熟料通过了产品质量认证，各项指标均优于国家标准的规定。\n"
        "【字体：大 中 小】\n"
        "Copyright © 娲石集团\u00a0\u00a0All Rights Reserved.\n"
        "©2019 某某市人民政府办公室\n"
    )
    parsed = normalize(ParsedText(tuple(text_blocks(text))))
    assert [b.text for b in parsed.blocks if b.text] == [
        "产品标准",
        "发稿时间：2014/11/17",
        "本公司熟料通过了产品质量认证，各项指标均优于国家标准的规定。",
    ]
    # Prose that cites a copyright line keeps it.
    kept = "Copyright（版权）一词源于英语，意为复制的权利。著作权法对此有规定。"
    assert _paragraphs(f"关于著作权的说明\n{kept}") == [kept]


def test_content_mentioning_members_or_wechat_in_a_long_paragraph_is_kept() -> None:
    long = "要加强党员教育管理，" * 40 + "会员群和微信号：这些词出现在正文里。"
    assert _paragraphs("关于加强工作的通知\n" + long) == [long]


def test_fullwidth_punctuation_is_stored_unchanged() -> None:
    text = "关于加强工作的通知\n（一）坚持稳中求进：“双碳”目标；ＡＢＣ，１２３。"
    assert _paragraphs(text) == ["（一）坚持稳中求进：“双碳”目标；ＡＢＣ，１２３。"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("勇争高质量发展排头兵（县长）", ("勇争高质量发展排头兵", "县长", "")),
        (
            "在中部地区先进制造业基地建设中发挥更大作用（市委副书记、市长）",
            ("在中部地区先进制造业基地建设中发挥更大作用", "市委副书记、市长", ""),
        ),
        (
            "这是一个标题在这里（范文）今年是开局之年。",
            ("这是一个标题在这里", "范文", "今年是开局之年。"),
        ),
        ("关于印发《办法》的通知（试行）", ("关于印发《办法》的通知（试行）", None, "")),
        ("我们的目标是（发展经济）。", ("我们的目标是（发展经济）。", None, "")),
    ],
)
def test_split_role_separates_speaker_roles_only(
    line: str, expected: tuple[str, str | None, str]
) -> None:
    assert split_role(line) == expected


def test_compilation_without_roles_splits_at_titles_after_blank_lines() -> None:
    text = (
        "学习心得体会汇编（3篇）\n\n\n第一篇心得\n\n学习了重要讲话精神。\n"
        "\n\n第二篇心得\n\n深刻领会了精神实质。\n\n\n第三篇心得\n\n要在实践中落实。"
    )
    comp = _structure(text)
    assert [a.title for a in comp.articles] == ["第一篇心得", "第二篇心得", "第三篇心得"]
    assert comp.declared_count == 3
    assert comp.notes == ()
    assert {a.genre for a in comp.articles} == {"心得体会"}


def test_state_council_reports_get_their_parts_as_top_level_outline(
    shared: Path, library: Library
) -> None:
    folder = shared / "corpus" / "reports" / "state_council"
    report = library.ingest([folder])
    assert report.failed == ()
    checked = 0
    for file in report.files:
        if file.status != "imported":
            continue
        source = next(folder.glob(file.path.rsplit("/", 1)[-1]))
        lines = source.read_text(encoding="utf-8").splitlines()
        parts = [
            ln
            for ln in lines
            if re.match(r"^[一二三四五六七八九十]+、", ln)
            and len(ln) <= 45
            and ln[-1] not in "。；，："
        ]
        series = [ln.split("、")[0] for ln in lines if re.match(r"^[一二三四五六七八九十]+、", ln)]
        if len(parts) < 2 or series != list("一二三四五六七八九十")[: len(parts)]:
            continue  # not divided into one series of 一、二、三… parts
        if any(re.match(r"^\s+[一二三四五六七八九十]+、", ln) for ln in lines):
            continue  # an indented 一、 list inside the text as well: parts are ambiguous
        (article_id,) = file.article_ids
        article = library.get(article_id)
        top = [e for e in article.outline if e.level == 1 and e.kind == "marker"]
        assert [e.text for e in top] == parts, file.path
        for entry in article.outline:
            if re.match(r"^（[一二三四五六七八九十]+）", entry.text):
                parent = article.outline[entry.parent] if entry.parent is not None else None
                assert parent is not None, (file.path, entry.text)
                assert re.match(r"^[一二三四五六七八九十]+、", parent.text), (file.path, entry.text)
        checked += 1
    assert checked >= 30


def test_news_days_split_into_their_items(shared: Path, library: Library) -> None:
    folder = shared / "corpus" / "xinwenlianbo"
    rows = [json.loads(line) for line in (folder / "metadata.jsonl").read_text().splitlines()]
    for row in rows[::100]:
        path = folder / row["path"]
        report = library.ingest([path])
        (file,) = report.files
        titles = [
            line[4:].strip()
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("### ")
        ]
        assert file.articles == row["n_items"] == len(titles)
        articles = [library.get(i) for i in file.article_ids]
        assert [a.title for a in articles] == titles
        assert {a.genre for a in articles} == {"新闻"}
        day = row["date"]
        assert {a.issued_on for a in articles} == {f"{day[:4]}-{day[4:6]}-{day[6:]}"}


def test_a_law_stays_one_article_with_chapters_and_articles(shared: Path, library: Library) -> None:
    path = next((shared / "corpus" / "laws").rglob("优化营商环境条例(2019-10-22).md"))
    report = library.ingest([path])
    (file,) = report.files
    assert file.articles == 1
    article = library.get(file.article_ids[0])
    assert (article.title, article.genre) == ("优化营商环境条例", "法规")
    chapters = [e for e in article.outline if e.level == 1]
    assert chapters[0].text.startswith("第一章")
    first_article = next(e for e in article.outline if e.text.startswith("第一条"))
    assert article.outline[first_article.parent].text.startswith("第一章")  # type: ignore[index]
