"""The paragraphs that hold a phrase, found by the index's phrase query (issue 20: a 提法's
uses are then counted exactly in their stored text)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import tantivy

from sucai.search.engine import count_hits, exact_query, prepare_term
from sucai.search.index import KIND_OUTLINE, KIND_TITLE

if TYPE_CHECKING:
    from sucai.search.index import IndexView

__all__ = ["phrase_rowids"]


def phrase_rowids(view: IndexView, phrase: str) -> list[int]:
    """Rowids of the paragraphs of ``view`` whose folded text holds ``phrase`` folded (a
    superset of those holding it as written), ascending; none for a blank phrase."""
    term = prepare_term(phrase)
    if not term.strip():
        return []
    must_not = tantivy.Occur.MustNot
    query = tantivy.Query.boolean_query(
        [
            (tantivy.Occur.Must, exact_query(view.schema, term, "bi", "uni")),
            *(
                (must_not, tantivy.Query.term_query(view.schema, "kind", k))
                for k in (KIND_TITLE, KIND_OUTLINE)
            ),
        ]
    )
    searcher = view.searcher()
    total = count_hits(searcher.search(query, 1, count=True))
    if not total:
        return []
    addresses = [address for _, address in searcher.search(query, total, count=False).hits]
    return sorted({int(r or 0) for r in searcher.fast_field_values("rid", addresses)})
