"""What a viewer may receive: the ONE place where paid text is withheld (issues 4 and 15).

The rule: what a viewer who may not read the paid part (a visitor, a member whose tier has
expired) receives is a function of the free text alone — hits, totals, facets, highlights,
the ranking of free hits, similar articles, outline and title search, 查重 reports, exports
and error messages. Handlers reach the library's text only through this module:

* :func:`search`, :func:`similar`, :func:`check` and :func:`compose` ask the library to
  search and compare with the **free index** for such a viewer (:mod:`sucai.search.index`):
  paid paragraphs take no part at all — not in hits, totals or facets, not in the BM25
  statistics that rank the free hits, not in a 查重 report or a 写作台. Nothing answers
  "does paid paragraph X contain S?".
* :func:`feed`, :func:`digest` and :func:`subscriptions` (issue 19) find a subscription's
  matches in the index the viewer may search, and pass every article through
  :func:`redact_article`: a feed entry's or a digest's first paragraph is a free one.
* :func:`jinju`, :func:`article_jinju` and :func:`tifa` (issue 20) ask the library for the
  金句 of free paragraphs alone, and for 提法 counts over the free text alone — uses and
  characters both, so a visitor's per-million rates say nothing of the paid part either.
* :func:`article` empties the text of paid paragraphs (the paragraphs stay, so the page can
  say how many there are — their number is not secret), clears their heading level and
  section, leaves out the outline entries standing on them, and points a free paragraph's
  section at its nearest free heading. Baskets and downloads use it too.

For everyone who may read the paid part (members, admins) every answer is the library's own.
A test (``tests/web/test_leaks.py``) replaces every paid paragraph's text with other text of
the same length and asserts that every route answers a visitor byte for byte the same.

What a visitor can still learn, by design: an article's title, role, genre, date, source and
length in characters, how many of its paragraphs are paid, and the index of outline entries
after the paid part (see docs/security.md).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from sucai.web.limits import CHECK_SECONDS

if TYPE_CHECKING:
    from collections.abc import Sequence
    from datetime import date

    from sucai.library import (
        Account,
        Composition,
        Feed,
        LawQuote,
        LawStatus,
        Library,
        OverlapReport,
        Query,
        SearchPage,
        Similar,
        SubscriptionNews,
    )
    from sucai.models import Article, Jinju, Tifa
    from sucai.store.records import ArticleFilter, ArticleSummary, Subscription

__all__ = [
    "article",
    "article_jinju",
    "check",
    "compose",
    "digest",
    "feed",
    "jinju",
    "law_quotes",
    "law_status",
    "open_subscription",
    "redact_article",
    "search",
    "similar",
    "subscriptions",
    "tifa",
    "wider",
]


def search(library: Library, account: Account, query: Query, *, facets: bool) -> SearchPage:
    """Search as ``account`` may: the whole library, or the free text alone."""
    page = library.search(query, facets=facets, paid=account.reads_paid)
    if account.reads_paid:
        return page
    # The free index holds no paid paragraph; one made paid since it was read is left out.
    return replace(page, hits=tuple(h for h in page.hits if not h.paid))


def wider(library: Library, account: Account, query: Query) -> list[tuple[str, Query, int]]:
    """The wider searches of a search that found nothing, counted in what ``account`` may
    read."""
    return library.wider(query, paid=account.reads_paid)


def similar(library: Library, account: Account, article_id: int, limit: int) -> list[Similar]:
    """Articles like ``article_id``, chosen from what ``account`` may read."""
    return library.similar(article_id, limit=limit, paid=account.reads_paid)


def jinju(
    library: Library,
    account: Account,
    query: str,
    *,
    kinds: Sequence[str] | None,
    limit: int,
    offset: int,
) -> tuple[int, list[Jinju]]:
    """金句 holding ``query``'s words, of what ``account`` may read: total and this page."""
    total, found = library.jinju(
        query, kinds=kinds, limit=limit, offset=offset, paid=account.reads_paid
    )
    return total, [j for j in found if account.reads_paid or not j.paid]


def article_jinju(library: Library, account: Account, article_id: int) -> list[Jinju]:
    """An article's 金句 that ``account`` may read."""
    found = library.article_jinju(article_id, paid=account.reads_paid)
    return [j for j in found if account.reads_paid or not j.paid]


def tifa(library: Library, account: Account, phrases: Sequence[str], by: str) -> list[Tifa]:
    """How often the text ``account`` may read uses each phrase."""
    return library.tifa(phrases, by=by, paid=account.reads_paid)


def check(
    library: Library, account: Account, paragraphs: Sequence[str], *, min_span: int, name: str
) -> OverlapReport:
    """查重 of a draft against what ``account`` may read."""
    return library.check(
        paragraphs,
        min_span=min_span,
        name=name,
        paid=account.reads_paid,
        time_limit=CHECK_SECONDS,
    )


def compose(
    library: Library,
    account: Account,
    topic: str,
    *,
    where: ArticleFilter,
    picks: Sequence[int],
) -> Composition:
    """The 写作台 (issue 20) from what ``account`` may read: articles ranked and paragraphs
    found on the free index, outlines and paragraphs of redacted articles."""
    return library.compose(
        topic,
        where=where,
        picks=picks,
        paid=account.reads_paid,
        view=lambda a: redact_article(a, account),
    )


def subscriptions(library: Library, account: Account) -> list[SubscriptionNews]:
    """The account's subscriptions, with the new articles it may find."""
    return library.subscriptions(account.name, paid=account.reads_paid)


def open_subscription(
    library: Library, account: Account, name: str
) -> tuple[Subscription, list[ArticleSummary]]:
    """Open one of the account's subscriptions: the new articles it may find."""
    return library.subscription_open(account.name, name, paid=account.reads_paid)


def feed(library: Library, account: Account, kind: str, value: str) -> Feed:
    """A feed as ``account`` may receive it (a visitor: no subscriptions)."""
    owner = account.name if account.user is not None else None
    return library.feed(
        kind,
        value,
        owner=owner,
        paid=account.reads_paid,
        view=lambda a: redact_article(a, account),
    )


def law_status(library: Library, account: Account, article_id: int) -> LawStatus | None:
    """Whether a law is in force, a repeal looked for in what ``account`` may read."""
    return library.law_status(article_id, paid=account.reads_paid)


def law_quotes(library: Library, account: Account, lines: Sequence[str]) -> list[LawQuote]:
    """Where a draft quotes a law no longer in force, compared with what ``account`` may
    read (the quotes are the draft's own text; the laws' titles and statuses are public)."""
    return library.law_quotes(lines, paid=account.reads_paid)


def digest(
    library: Library, account: Account, day: date, fmt: str, query: str = ""
) -> tuple[str, bytes]:
    """The day's digest as ``account`` may receive it: by kind, or the matches of ``query``."""
    return library.digest(
        day,
        query=query,
        fmt=fmt,
        paid=account.reads_paid,
        view=lambda a: redact_article(a, account),
    )


def article(library: Library, account: Account, article_id: int) -> Article:
    """One article as ``account`` may receive it.

    Raises:
        NotFoundError: no such article.
    """
    return redact_article(library.get(article_id), account)


def redact_article(article: Article, account: Account) -> Article:
    """The article as ``account`` may receive it (unchanged for members and admins)."""
    if account.reads_paid or not any(p.paid for p in article.paragraphs):
        return article
    paid_paragraphs = {p.index for p in article.paragraphs if p.paid}
    free = {e.index: e for e in article.outline if e.paragraph not in paid_paragraphs}
    parents = {e.index: e.parent for e in article.outline}

    def free_section(section: int | None) -> int | None:
        while section is not None and section not in free:
            section = parents.get(section)
        return section

    return replace(
        article,
        paragraphs=tuple(
            replace(p, text="", heading=0, section=None)
            if p.paid
            else replace(p, section=free_section(p.section))
            for p in article.paragraphs
        ),
        outline=tuple(
            replace(e, parent=free_section(e.parent)) for e in article.outline if e.index in free
        ),
    )
