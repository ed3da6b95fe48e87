"""The Library facade: what the CLI, the web app and Python callers use."""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sucai.ingest.pipeline import ingest
from sucai.ingest.sources import count_inputs
from sucai.search.engine import Similar, search, similar
from sucai.search.index import SearchIndex
from sucai.search.query import parse_query
from sucai.store import open_store

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sucai.models import Article, FileReport, IngestReport
    from sucai.search.engine import SearchPage
    from sucai.search.query import Query
    from sucai.store import ArticleFilter, ArticleSummary, Store, StoredFile

__all__ = ["Library", "open_library"]


@dataclass(frozen=True, slots=True)
class Browse:
    """A browse page: how many articles match, this page of them, and counts per facet."""

    total: int
    articles: tuple[ArticleSummary, ...]
    facets: dict[str, builtins.list[tuple[str, int]]]


class Library:
    """A library of articles.

    Args:
        store: the storage backend (see :func:`sucai.store.open_store`).
    """

    def __init__(self, store: Store, index: SearchIndex) -> None:
        self.store = store
        self.index = index
        #: Bring the search index up to date before each search (a safety net after an
        #: interrupted import). A server turns it off: imports update the index themselves,
        #: and a search request should not do an import's indexing.
        self.auto_sync = True

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the library."""
        self.store.close()

    def ingest(
        self,
        paths: list[Path] | list[str],
        *,
        encoding: str | None = None,
        on_file: Callable[[FileReport], None] | None = None,
        on_index: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        """Import files, folders (recursive) and .zip archives, then update the search index.

        Bad files are reported, never raised: see :class:`~sucai.models.IngestReport`.
        """
        report = ingest(self.store, [Path(p) for p in paths], encoding=encoding, on_file=on_file)
        if report.new_articles:
            self.index.sync(self.store, on_progress=on_index)
        return report

    def search(self, query: Query | str, *, facet_pool: int = 0) -> SearchPage:
        """Search paragraphs (or titles, or outlines): exact matches, best first.

        Args:
            query: a :class:`~sucai.search.query.Query`, or a query string with the default
                options (see :func:`~sucai.search.query.parse_query`).
            facet_pool: also count genres, roles and years among this many best hits.

        Raises:
            QueryError: the query string cannot be understood.
        """
        if isinstance(query, str):
            query = parse_query(query)
        if self.auto_sync:
            self.index.sync(self.store)
        return search(self.store, self.index, query, facet_pool=facet_pool)

    def similar(self, article_id: int, *, limit: int = 10) -> builtins.list[Similar]:
        """Articles most like ``article_id``, most similar first."""
        if self.auto_sync:
            self.index.sync(self.store)
        return similar(self.store, self.index, article_id, limit=limit)

    def reindex(self, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Rebuild the search index from the library; return the number of articles."""
        self.index.clear()
        return self.index.sync(self.store, on_progress=on_progress)

    def count_inputs(self, paths: list[Path] | list[str]) -> int:
        """How many files :meth:`ingest` would look at (for a progress bar)."""
        return count_inputs([Path(p) for p in paths])

    def get(self, article_id: int) -> Article:
        """One article. Raises :class:`~sucai.errors.NotFoundError`."""
        return self.store.get_article(article_id)

    def list(
        self,
        where: ArticleFilter | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> builtins.list[ArticleSummary]:
        """Articles matching ``where`` (all when ``None``), in id order or newest first."""
        return self.store.list_articles(
            where, limit=limit, offset=offset, newest_first=newest_first
        )

    def browse(
        self, where: ArticleFilter | None = None, *, limit: int | None = 20, offset: int = 0
    ) -> Browse:
        """Quick lookup without a query: matching articles newest first, and facet counts."""
        return Browse(
            total=self.store.count_matching(where),
            articles=tuple(
                self.store.list_articles(where, limit=limit, offset=offset, newest_first=True)
            ),
            facets=self.store.facets(where),
        )

    def count(self) -> int:
        """Number of articles."""
        return self.store.count_articles()

    def articles(self) -> Iterator[Article]:
        """Every article, streamed in id order."""
        return self.store.iter_articles()

    def files(self) -> builtins.list[StoredFile]:
        """Every imported file."""
        return self.store.files()


def open_library(db: str | Path) -> Library:
    """Open (creating if needed) the library at ``db``; its search index is ``<db>-search/``."""
    return Library(open_store(db), SearchIndex(Path(f"{db}-search")))
