"""Suggestions for a query that finds nothing: what would find something (issue 18).

From the library's own vocabulary — the segmenter words of the index and the shipped 提法 —
for each term that occurs nowhere:

* a **typo** — a word of three or more characters one edit away (a character wrong, missing,
  extra, or two swapped): 全面从严冶党 → 全面从严治党;
* an **abbreviation** — a longer 提法 or word that holds the term's characters in order, from
  its first one: 党建 → 党风廉政建设, 新时代党的建设总要求.

When every term occurs but never together, the query without one of them. Each suggestion is
the whole query with one change, and is kept only when it finds something; the most hits
first, typos before abbreviations.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Final

from sucai.search.fold import fold
from sucai.search.query import format_query
from sucai.search.tokenize import SPACE, tifa_terms

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sucai.search.query import Query

__all__ = ["MAX_SUGGESTIONS", "Suggestion", "abbreviates", "one_edit_apart", "suggest"]

#: Suggestions offered at most.
MAX_SUGGESTIONS: Final = 5
#: Words of the index looked at per term: the most frequent starting with its first character.
_VOCABULARY: Final = 5000
#: Candidate replacements counted per term (each costs one counting search).
_CANDIDATES: Final = 8


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A query that finds ``total`` matches, and what it changed: ``"typo"`` (a term
    corrected), ``"longer"`` (a term written out in full) or ``"fewer"`` (a term left out)."""

    query: str
    total: int
    kind: str


def one_edit_apart(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` with one character replaced, inserted or deleted, or two
    neighbours swapped (and not ``a`` itself)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        wrong = [i for i in range(len(a)) if a[i] != b[i]]
        if len(wrong) == 1:
            return True
        i = wrong[0]
        return wrong == [i, i + 1] and a[i] == b[i + 1] and a[i + 1] == b[i]
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    i = next((i for i in range(len(short)) if short[i] != long_[i]), len(short))
    return short[i:] == long_[i + 1 :]


def abbreviates(short: str, word: str) -> bool:
    """Whether ``short`` is ``word`` shortened: longer, the same first character, and every
    character of ``short`` in ``word`` in order (党建 → 党的建设)."""
    if len(word) <= len(short) or word[0] != short[0]:
        return False
    rest = iter(word[1:])
    return all(c in rest for c in short[1:])


def _candidates(term: str, vocabulary: Iterable[tuple[str, int]]) -> list[tuple[str, str]]:
    """``(replacement, kind)`` for one term, typos first, each kind most frequent first."""
    typos: dict[str, int] = {}
    longer: dict[str, int] = {}
    for word, count in vocabulary:
        if len(term) >= 3 and one_edit_apart(term, word):
            typos[word] = max(count, typos.get(word, 0))
        elif abbreviates(term, word) and len(word) <= 3 * len(term):
            longer[word] = max(count, longer.get(word, 0))
    ordered = [(w, "typo") for w in sorted(typos, key=lambda w: (-typos[w], w))]
    ordered += [(w, "longer") for w in sorted(longer, key=lambda w: (-longer[w], w))]
    return ordered[:_CANDIDATES]


def suggest(
    query: Query,
    count: Callable[[Query], int],
    words: Callable[[str, int], list[tuple[str, int]]],
) -> list[Suggestion]:
    """Queries like ``query`` that find something (see the module docstring).

    Args:
        query: a query that found nothing.
        count: how many matches a query has.
        words: the index's words beginning with a prefix (folded), with their document
            counts, most frequent first, at most the given number.
    """
    terms = list(query.terms)
    if not terms:
        return []
    quoted = [*query.phrases, *(False,) * (len(terms) - len(query.phrases))]
    found: dict[str, Suggestion] = {}

    def offer(i: int, replacement: str | None, kind: str) -> None:
        pairs = list(zip(terms, quoted, strict=True))
        pairs[i : i + 1] = [] if replacement is None else [(replacement, quoted[i])]
        candidate = replace(
            query, terms=tuple(t for t, _ in pairs), phrases=tuple(q for _, q in pairs)
        )
        text = format_query(candidate)
        if text not in found:
            total = count(candidate)
            if total:
                found[text] = Suggestion(text, total, kind)

    missing = [i for i, t in enumerate(terms) if count(_alone(query, t)) == 0]
    dictionary = _dictionary()
    for i in missing:
        term = fold(terms[i]).replace(" ", SPACE)
        if len(term) < 2:
            continue
        for replacement, kind in _candidates(term, [*words(term[0], _VOCABULARY), *dictionary]):
            offer(i, replacement, kind)
    if not missing and len(terms) > 1:
        for i in range(len(terms)):
            offer(i, None, "fewer")
    order = {"typo": 0, "longer": 1, "fewer": 2}
    ranked = sorted(found.values(), key=lambda s: (order[s.kind], -s.total, s.query))
    return ranked[:MAX_SUGGESTIONS]


@cache
def _dictionary() -> tuple[tuple[str, int], ...]:
    """The 提法, folded, as vocabulary entries (their counts come from the index's words)."""
    return tuple((fold(t), 0) for t in tifa_terms())


def _alone(query: Query, term: str) -> Query:
    """``query`` with ``term`` its only term (filters and exclusions kept)."""
    return replace(query, terms=(term,), phrases=())
