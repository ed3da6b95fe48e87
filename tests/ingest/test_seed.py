"""The seed compilation: the reference input of the ingest issue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sucai.hygiene import apply_originals
from tests.conftest import SEED

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

EXPECTED = [
    ("勇争高质量发展排头兵", "县长"),
    ("聚焦精准招商再掀招商热潮", "县长"),
    # （范文） opens these two articles, but it is no speaker role (issue 21).
    ("贯彻落实重要讲话精神会高质量发展全面推动xx经济社会（范文）", None),
    ("推动经济运行率先整体好转努力为全国发展大局多作贡献（范文）", None),
    ("抓牢高质量发展首要任务推动xx经济实现质的有效提升和量的合理增长", "市长"),
    ("推动发展成果惠及民生凝聚人心", "副市长"),
    ("在中部地区先进制造业基地建设中发挥更大作用", "市委副书记、市长"),
]
ADVERT_WORDS = ["哒哒", "素材库", "代笔", "客服", "svip", "会员群"]


def _seed_articles(library: Library, shared: Path) -> list:  # type: ignore[type-arg]
    report = library.ingest([SEED])
    assert report.imported == 1, report
    return [library.get(i) for i in report.files[0].article_ids]


def test_seed_imports_as_seven_articles_with_titles_and_roles(
    library: Library, shared: Path
) -> None:
    articles = _seed_articles(library, shared)
    assert [(a.title, a.role) for a in articles] == EXPECTED


def test_seed_articles_contain_no_advertising(library: Library, shared: Path) -> None:
    for article in _seed_articles(library, shared):
        text = "\n".join(p.text for p in article.paragraphs)
        for word in ADVERT_WORDS:
            assert word not in text, (article.title, word)
        assert "##paid" not in text


def test_seed_report_notes_declared_count_and_lists_removed_adverts(
    library: Library, shared: Path
) -> None:
    report = library.ingest([SEED])
    file = report.files[0]
    assert file.declared_count == 8
    assert file.articles == 7
    assert any("declares 8" in n and "7 were found" in n for n in file.notes)
    removed = [r.text for r in file.removed]
    assert len(removed) == 4
    assert all("哒哒" in r for r in removed)


def test_seed_preview_and_paid_parts_follow_the_markers(library: Library, shared: Path) -> None:
    articles = _seed_articles(library, shared)
    first = articles[0]
    # Only the first paragraph precedes ##paidbegin##; everything after it is paid.
    assert [p.paid for p in first.paragraphs] == [False] + [True] * (len(first.paragraphs) - 1)
    assert first.paragraphs[0].text.startswith("xxxx年xx月xx日，xx省xx市委八届七次全会")
    assert first.paragraphs[1].text.startswith("在对外开放上再发力，打造“融沈对接”先导区。")
    assert all(p.paid for a in articles[1:] for p in a.paragraphs)


def test_seed_title_run_into_first_sentence_is_split_off(library: Library, shared: Path) -> None:
    article = _seed_articles(library, shared)[4]
    # "D的" is restored to 党的 at import (issue 5 hygiene); see tests/test_hygiene.py.
    assert article.paragraphs[0].text.startswith("今年是全面贯彻落实党的二十大精神的开局之年")


def test_seed_keeps_every_character_of_the_input(library: Library, shared: Path) -> None:
    """Every non-space character ends up in an article, the header, or the removed lines."""
    report = library.ingest([SEED])
    # The text as imported: hygiene's corrections (D → 党) undone from what it stored.
    articles = [library.original(i) for i in report.files[0].article_ids]
    kept = "".join(
        a.title + (f"（{a.role}）" if a.role else "") + "".join(p.text for p in a.paragraphs)
        for a in articles
    )
    file = library.files()[0]
    header = apply_originals(
        file.title, [c for c in library.store.file_corrections(file.id) if c.index == 0]
    )
    removed = "".join(r.text for r in report.files[0].removed)
    source = SEED.read_text(encoding="utf-8")
    source = source.replace("##paidbegin##", "").replace("##paidend##", "")
    squeeze = str.maketrans("", "", " \n\t\u3000")
    assert source.translate(squeeze) == (header + kept + removed).translate(squeeze)


def test_seed_outline_has_lead_sentences_and_heading_lines(library: Library, shared: Path) -> None:
    articles = _seed_articles(library, shared)
    first_outline = [e.text for e in articles[0].outline]
    assert first_outline[0] == "在对外开放上再发力，打造“融沈对接”先导区。"
    assert len(first_outline) == 8
    third = articles[2]
    top = [e.text for e in third.outline if e.level == 1]
    assert top == [
        "深刻领悟重要讲话的思想内涵",
        "积极抢抓中央决策部署带来的重大发展机遇",
        "推动全面建设社会主义现代化新xx开好局起好步",
    ]
    # A body paragraph knows where it sits in the outline.
    last = len(third.paragraphs) - 1
    assert third.outline_path(last) == (
        "推动全面建设社会主义现代化新xx开好局起好步",
        "坚持以改善民生为第一政绩。",
    )
    assert third.paragraphs[1].heading == 1
