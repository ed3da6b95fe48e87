""":func:`sucai.web.access.redact_article` on an outline worked by hand (issue 23).

An article with paid headings at two depths: the expected article is written out in full —
paid text emptied, heading level and section cleared, outline entries on paid paragraphs left
out, and every free paragraph's section and every kept entry's parent moved up to the nearest
free heading.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from sucai.models import Article, OutlineEntry, Paragraph
from sucai.store import User
from sucai.users import Account
from sucai.web.access import redact_article

TODAY = date(2026, 3, 10)

PARAGRAPHS = (
    Paragraph(0, "一、总体要求", False, 1, 0),
    Paragraph(1, "甲段正文。", False, 0, 0),
    Paragraph(2, "（一）付费小标题", True, 2, 1),
    Paragraph(3, "1.免费子项", False, 3, 2),
    Paragraph(4, "付费正文。", True, 0, 2),
    Paragraph(5, "（二）免费小标题", False, 2, 3),
    Paragraph(6, "二、第二部分", True, 1, 4),
    Paragraph(7, "（一）其下", False, 2, 5),
    Paragraph(8, "丙段正文。", False, 0, 4),
)
OUTLINE = (
    OutlineEntry(0, 1, "一、总体要求", 0, None, "marker"),
    OutlineEntry(1, 2, "（一）付费小标题", 2, 0, "marker"),
    OutlineEntry(2, 3, "1.免费子项", 3, 1, "marker"),
    OutlineEntry(3, 2, "（二）免费小标题", 5, 0, "marker"),
    OutlineEntry(4, 1, "二、第二部分", 6, None, "marker"),
    OutlineEntry(5, 2, "（一）其下", 7, 4, "marker"),
)
ARTICLE = Article(
    id=1,
    title="关于做好全年工作的讲话",
    role=None,
    genre="讲话",
    issued_on=None,
    year=None,
    paragraphs=PARAGRAPHS,
    outline=OUTLINE,
    sources=(),
    added_at="2026-01-01T08:00:00+00:00",
    chars=60,
)
REDACTED = replace(
    ARTICLE,
    paragraphs=(
        PARAGRAPHS[0],
        PARAGRAPHS[1],
        Paragraph(2, "", True, 0, None),
        Paragraph(3, "1.免费子项", False, 3, 2),
        Paragraph(4, "", True, 0, None),
        PARAGRAPHS[5],
        Paragraph(6, "", True, 0, None),
        PARAGRAPHS[7],
        Paragraph(8, "丙段正文。", False, 0, None),
    ),
    outline=(
        OUTLINE[0],
        OutlineEntry(2, 3, "1.免费子项", 3, 0, "marker"),
        OUTLINE[3],
        OutlineEntry(5, 2, "（一）其下", 7, None, "marker"),
    ),
)


def _member(expires_on: str | None, role: str = "member") -> Account:
    return Account(User(1, "甲", role, "会员", expires_on, None, "", False), TODAY)


@pytest.mark.parametrize(
    "account",
    [Account(None, TODAY), _member("2026-03-09")],
    ids=["visitor", "expired member"],
)
def test_a_viewer_without_paid_access_receives_the_free_outline_only(account: Account) -> None:
    assert redact_article(ARTICLE, account) == REDACTED


@pytest.mark.parametrize(
    "account",
    [_member("2026-03-10"), _member(None), _member("2000-01-01", role="admin")],
    ids=["member on the last day", "member without expiry", "admin"],
)
def test_a_reader_of_the_paid_part_receives_the_article_as_stored(account: Account) -> None:
    assert redact_article(ARTICLE, account) is ARTICLE


def test_an_article_without_paid_paragraphs_is_given_as_stored() -> None:
    free = replace(
        ARTICLE, paragraphs=tuple(replace(p, paid=False) for p in PARAGRAPHS), outline=OUTLINE
    )
    assert redact_article(free, Account(None, TODAY)) is free
