"""The 素材篮 (basket, issue 5): material collected from many articles, in the writer's order.

An item is a whole article, one paragraph, or an outline section (the heading's paragraph
and every paragraph up to the next heading of the same or a higher level). Items are
written ``12`` (article 12), ``12:3`` (its 3rd paragraph) or ``12#2`` (its 2nd outline
entry) — 1-based, as ``sucai show`` and ``sucai search`` number them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from sucai.errors import UserError
from sucai.i18n import N_

if TYPE_CHECKING:
    from sucai.models import Article, Paragraph
    from sucai.store import BasketItem

__all__ = ["KINDS", "check_name", "item_label", "item_paragraphs", "parse_ref", "validate_item"]

KINDS: Final = ("article", "paragraph", "section")
_REF: Final = re.compile(r"^\s*(\d+)\s*(?:([:#])\s*(\d+))?\s*$")
_NAME_MAX: Final = 40


def check_name(name: str) -> str:
    """A basket name, trimmed; raises :class:`UserError` when empty or too long."""
    name = name.strip()
    if not name or len(name) > _NAME_MAX:
        raise UserError.of(
            N_("a basket name needs 1 to {most} characters, e.g. 讲话素材."), most=_NAME_MAX
        )
    return name


def parse_ref(text: str) -> tuple[int, str, int | None]:
    """``"12"``, ``"12:3"`` or ``"12#2"`` → ``(article_id, kind, 0-based ref)``.

    Raises:
        UserError: the text is none of these forms.
    """
    match = _REF.match(text)
    if match is None or (match.group(3) is not None and int(match.group(3)) < 1):
        raise UserError.of(
            N_(
                "'{text}' is not material: write ARTICLE (12), ARTICLE:PARAGRAPH (12:3) "
                "or ARTICLE#OUTLINE (12#2), numbered from 1."
            ),
            text=text,
        )
    article_id = int(match.group(1))
    if match.group(2) is None:
        return article_id, "article", None
    kind = "paragraph" if match.group(2) == ":" else "section"
    return article_id, kind, int(match.group(3)) - 1


def validate_item(article: Article, kind: str, ref: int | None) -> None:
    """Check that ``ref`` exists in ``article``; raises :class:`UserError` naming the range."""
    if kind not in KINDS:
        raise UserError.of(
            N_("kind '{kind}' is unknown; use one of {choices}."), kind=kind, choices=KINDS
        )
    if kind == "paragraph" and (ref is None or not 0 <= ref < len(article.paragraphs)):
        raise UserError.of(
            N_("article {id} has paragraphs 1–{count}; there is no paragraph {number}."),
            id=article.id,
            count=len(article.paragraphs),
            number=(ref or 0) + 1,
        )
    if kind == "section" and (ref is None or not 0 <= ref < len(article.outline)):
        if not article.outline:
            raise UserError.of(
                N_("article {id} has no outline; add a paragraph instead."), id=article.id
            )
        raise UserError.of(
            N_("article {id} has outline entries 1–{count}; there is no entry {number}."),
            id=article.id,
            count=len(article.outline),
            number=(ref or 0) + 1,
        )


def item_paragraphs(article: Article, item: BasketItem) -> tuple[Paragraph, ...]:
    """The paragraphs an item stands for (empty when the article changed under it)."""
    if item.kind == "article" or item.ref is None:
        return article.paragraphs
    if item.kind == "paragraph":
        return article.paragraphs[item.ref : item.ref + 1]
    if item.ref >= len(article.outline):
        return ()
    entry = article.outline[item.ref]
    end = len(article.paragraphs)
    for later in article.outline[item.ref + 1 :]:
        if later.level <= entry.level and later.paragraph > entry.paragraph:
            end = later.paragraph
            break
    return article.paragraphs[entry.paragraph : end]


def item_label(article: Article, item: BasketItem) -> str:
    """How an item is shown in a list: ``《title》¶3`` or ``《title》§ heading``."""
    if item.kind == "paragraph" and item.ref is not None:
        return f"《{article.title}》第{item.ref + 1}段"
    if item.kind == "section" and item.ref is not None and item.ref < len(article.outline):
        return f"《{article.title}》提纲：{article.outline[item.ref].text}"
    return f"《{article.title}》全文"
