"""The search methods of :class:`~sucai.library.Library`: paragraphs, titles and outlines
matching a query, the wider searches offered when nothing matches, and similar articles —
over this server's search index, a cache of the library (:mod:`sucai.search.index`)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from sucai.search.engine import search, similar
from sucai.search.query import parse_query

if TYPE_CHECKING:
    from sucai.search.engine import SearchPage, Similar
    from sucai.search.index import SearchIndex
    from sucai.search.query import Query
    from sucai.store import Store

__all__ = ["SearchMethods"]


class SearchMethods:
    """What :class:`~sucai.library.Library` finds in its search index."""

    store: Store
    index: SearchIndex

    def _catch_up(self) -> None:
        """Bring the index up to date (:meth:`sucai.library.Library._catch_up`)."""

    def search(
        self, query: Query | str, *, facets: bool = False, paid: bool = True, suggest: bool = True
    ) -> SearchPage:
        """Search paragraphs (or titles, or outlines): exact matches, best first.

        Args:
            query: a :class:`~sucai.search.query.Query`, or a query string with the default
                options (see :func:`~sucai.search.query.parse_query`).
            facets: also count all matches per genre, role and year.
            paid: search the paid part too; ``False`` searches the free text alone.
            suggest: when nothing matches, suggest queries that find something.

        Raises:
            QueryError: the query string cannot be understood.
            IndexBuildingError: this server's index is not built yet.
        """
        if isinstance(query, str):
            query = parse_query(query)
        self._catch_up()
        return search(self.store, self.index.view(paid=paid), query, facets=facets, suggest=suggest)

    def wider(self, query: Query, *, paid: bool = True) -> list[tuple[str, Query, int]]:
        """For a search that found nothing, the wider searches that find something, each
        ``(kind, query, total)``: ``"unfiltered"``, the same words without any filter (文种,
        角色, 年份, 来源, 文号, 机关), and ``"everywhere"``, a title or outline search run over
        the whole text (``paid``: as in :meth:`search`)."""
        tries = []
        unfiltered = query.without_filters()
        if unfiltered != query:
            tries.append(("unfiltered", unfiltered))
        if query.scope != "all":
            tries.append(("everywhere", replace(query, scope="all")))
        found = []
        for kind, wider in tries:
            page = self.search(replace(wider, limit=0, offset=0), paid=paid, suggest=False)
            if page.total:
                found.append((kind, wider, page.total))
        return found

    def similar(self, article_id: int, *, limit: int = 10, paid: bool = True) -> list[Similar]:
        """Articles most like ``article_id``, most similar first (``paid``: as in
        :meth:`search`)."""
        self._catch_up()
        return similar(self.store, self.index.view(paid=paid), article_id, limit=limit)

    def search_article_ids(self, query: Query | str, *, paid: bool = True) -> list[int]:
        """Ids of the articles with hits for ``query`` (all pages), best first."""
        if isinstance(query, str):
            query = parse_query(query, limit=None)
        else:
            query = replace(query, limit=None, offset=0)
        seen: dict[int, None] = {}
        for hit in self.search(query, paid=paid).hits:
            seen.setdefault(hit.article_id, None)
        return list(seen)
