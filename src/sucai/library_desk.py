"""The writer's desk methods of :class:`~sucai.library.Library` (issue 21): favourites (收藏),
the labels an operator gives sources (来源), and what the home page says about the library —
its size, its freshness, what came in today and the 提法 most present in the newest material."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Final

from sucai.errors import UserError
from sucai.i18n import N_
from sucai.search.tokenize import tifa_terms

if TYPE_CHECKING:
    from collections.abc import Callable

    from sucai.models import Article
    from sucai.store import ArticleSummary, Store

__all__ = ["MAX_LABEL", "DeskMethods", "LibraryFacts"]

#: The longest source label, in characters (it stands in a facet list).
MAX_LABEL: Final = 20
#: The newest articles whose free text the desk's 提法 are counted in, and at most how many
#: characters of each (a long law says no more about what is current than its first pages).
_TIFA_ARTICLES: Final = 40
_TIFA_CHARS: Final = 20_000


@dataclass(frozen=True, slots=True)
class LibraryFacts:
    """The library at a glance.

    Attributes:
        articles: how many articles it holds.
        newest_import: when the latest article was added (ISO 8601, UTC), ``None`` when empty.
        today: articles added since local midnight, per genre, most first.
    """

    articles: int
    newest_import: str | None
    today: tuple[tuple[str, int], ...]

    @property
    def today_total(self) -> int:
        """Articles added today."""
        return sum(n for _, n in self.today)


class DeskMethods:
    """What :class:`~sucai.library.Library` does for the desk, over its store and articles."""

    store: Store
    get: Callable[[int], Article]

    def favourites(self, owner: str, limit: int | None = None) -> list[ArticleSummary]:
        """``owner``'s favourite articles, the latest marked first."""
        return self.store.favourites(owner, limit)

    def is_favourite(self, owner: str, article_id: int) -> bool:
        """Whether ``owner`` marked ``article_id`` as a favourite."""
        return self.store.is_favourite(owner, article_id)

    def set_favourite(self, owner: str, article_id: int, on: bool = True) -> None:
        """Mark (``on``) or unmark an article as one of ``owner``'s favourites.

        Raises:
            NotFoundError: no such article.
        """
        self.get(article_id)
        self.store.set_favourite(owner, article_id, on, datetime.now(UTC).isoformat("T", "seconds"))

    def source_labels(self) -> dict[str, str]:
        """``{source folder: label}``: what the 来源 facet shows instead of a folder name."""
        return self.store.source_labels()

    def label_source(self, source: str, label: str | None) -> None:
        """Show ``source`` (a folder name, as the 来源 facet lists it) as ``label``; ``None`` or
        an empty label shows the folder name again.

        Raises:
            UserError: no article comes from ``source``, or the label is too long.
        """
        sources = {value for value, _ in self.store.facets(None).get("source", [])}
        if source not in sources:
            if not sources:
                raise UserError.of(
                    N_("no article comes from the source '{source}': the library is empty."),
                    source=source,
                )
            raise UserError.of(
                N_("no article comes from the source '{source}'. Sources: {known}"),
                source=source,
                known=sorted(sources),
            )
        label = (label or "").strip() or None
        if label is not None and len(label) > MAX_LABEL:
            raise UserError.of(
                N_("the label is {length} characters long; at most {most} are allowed."),
                length=len(label),
                most=MAX_LABEL,
            )
        self.store.set_source_label(source, label)

    def last_change(self) -> int:
        """The number of the library's latest change (articles added, changed or deleted): what
        :meth:`facts` and :meth:`current_tifa` say changes only when it does (or at midnight)."""
        return self.store.last_change()

    def facts(self) -> LibraryFacts:
        """The library's size, freshness and what was added since local midnight."""
        midnight = datetime.combine(datetime.now().astimezone().date(), time()).astimezone()
        since = midnight.astimezone(UTC).isoformat("T", "seconds")
        return LibraryFacts(
            articles=self.store.count_articles(),
            newest_import=self.store.newest_import(),
            today=tuple(self.store.added_since(since)),
        )

    def current_tifa(self, limit: int = 12) -> list[tuple[str, int]]:
        """The shipped 提法 most present in the newest material: ``(提法, articles)``, in the
        most articles first, out of the free text of the :data:`_TIFA_ARTICLES` latest added
        (free text only: what a visitor is shown must not depend on paid text)."""
        count = self.store.count_articles()
        newest = self.store.list_articles(
            limit=_TIFA_ARTICLES, offset=max(0, count - _TIFA_ARTICLES)
        )
        texts = []
        for summary in newest:
            article = self.get(summary.id)
            text = "\n".join(p.text for p in article.paragraphs if not p.paid)
            texts.append(article.title + "\n" + text[:_TIFA_CHARS])
        found = []
        for term in tifa_terms():
            articles = sum(1 for text in texts if term in text)
            if articles:
                found.append((term, articles))
        found.sort(key=lambda pair: (-pair[1], -len(pair[0])))
        return found[:limit]
