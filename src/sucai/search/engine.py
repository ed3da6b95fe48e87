"""search(store, index, Query) -> SearchPage: exact matching, BM25-class ranking, highlights.

Matching is exact: every term must occur as a substring of the folded paragraph (a phrase of
consecutive character bigrams; one-character terms use the character field), no excluded term
may occur, and the filters must hold. Ranking adds, on top of the bigram BM25 of the terms:

* the segmenter words of the query (提法 count as one word) — BM25 over words;
* the terms in the article title or the paragraph's heading, weighted above body matches;
* the terms written next to each other, in query order, above scattered terms;
* a length prior: the best hits' scores times their length in characters to a small power,
  since BM25 alone puts one-line paragraphs that merely hold the words above the paragraph a
  writer remembers (issue 18; bench/known_items.py measures it);
* a second scorer over the best hits' stored text: BM25 over the segmenter words of the query
  with a weak length normalisation (b = 0.3 where tantivy's is 0.75), blended with the score
  above — the paragraph that holds the query's words as its subject over one of the same
  subject of another year that holds the words among others, or holds the bigrams apart.

Hits of equal score come in the order of their place in the library, on every search backend:
paragraphs by row id (the order they were stored in), titles and outline entries by article
id and position. (tantivy alone orders them by its segments, which merges reshuffle.)
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Final

import tantivy

from sucai.search.fold import fold
from sucai.search.highlight import find_spans
from sucai.search.index import KIND_OUTLINE, KIND_PARAGRAPH, KIND_TITLE
from sucai.search.query import doc_number_key, issuer_keys
from sucai.search.suggest import Suggestion, suggest
from sucai.search.tokenize import SPACE, index_text, word_counts, word_tokens

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sucai.models import ArticleHead
    from sucai.search.index import IndexView
    from sucai.search.query import Query
    from sucai.store import ArticleSummary, Store

__all__ = [
    "FACET_VALUES",
    "SIMILAR_POOL",
    "SearchHit",
    "SearchPage",
    "Similar",
    "build_hits",
    "build_query",
    "count_hits",
    "date_key",
    "exact_query",
    "prepare_term",
    "search",
    "similar",
    "similar_articles",
    "similar_words",
]

_CONTEXT_BOOST: Final = 2.0
_ADJACENT_BOOST: Final = 6.0
_WORD_BOOST: Final = 4.0
_TERM_BOOST: Final = 0.5
#: The length prior: the scores of the best hits are multiplied by their length in characters
#: to this power. BM25's length normalisation favours short paragraphs more than writers
#: looking for a paragraph they remember do (issue 18, bench/known_items.py: on the tuning
#: split, keyword MRR@10 0.889 → 0.907 with the boosts above, 0.923 with the prior).
_LENGTH_POWER: Final = 0.3
#: How many of the best hits (by BM25) the length prior orders again.
_REORDERED: Final = 30
#: How many of the best hits by the length prior the second scorer orders again (on the
#: tuning split, the figures below are the same for 12 to 30; it segments their text).
_RESCORED: Final = 15
#: The second scorer (BM25 over the query's segmenter words, computed here from the best hits'
#: text, since tantivy-py cannot set k1 and b): the textbook k1 and a length normalisation b
#: chosen on the tuning split of bench/known_items.py (keyword MRR@10 0.928–0.934 for k1
#: 0.9–1.5, b 0.2–0.35 and weights 0.7–0.9 of the blend below, 0.923 without it). Lengths are
#: in characters, over the mean paragraph length of the index.
_RESCORE_K1: Final = 1.2
_RESCORE_B: Final = 0.3
#: Its weight against the score with the length prior: both scaled to the best hit's, the
#: second scorer counts this many times the first (a blend of 0.8 and 0.2).
_RESCORE_WEIGHT: Final = 4.0
#: Hits beyond the requested ones fetched too, so that hits of equal score straddling the end
#: of the page are all seen (fetching more when they go on further) and put in one order.
_TIE_SLACK: Final = 8
#: ... but at most this many beyond them (a query of filters alone scores every match the same).
_TIE_MOST: Final = 4096


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching paragraph (or title, or outline entry).

    Attributes:
        article_id, title, role, genre, year: the article.
        paragraph_index: the paragraph's position in the article (``None`` for a title hit).
        text: the paragraph text as stored (the title for a title hit, the heading for an
            outline hit).
        highlights: ``[start, end)`` character offsets of the matched terms in ``text``.
        outline_path: the headings above the paragraph, top first.
        outline_paid: for each heading of ``outline_path``, whether it stands on a paid
            paragraph.
        paid: whether the paragraph lies in the paid part.
        score: the ranking score (higher is better).
    """

    article_id: int
    title: str
    role: str | None
    genre: str
    year: int | None
    paragraph_index: int | None
    text: str
    highlights: tuple[tuple[int, int], ...]
    outline_path: tuple[str, ...]
    outline_paid: tuple[bool, ...]
    paid: bool
    score: float


@dataclass(frozen=True, slots=True)
class SearchPage:
    """``total`` matches, of which ``hits`` (after ``offset``, at most ``limit``).

    ``facets`` (when the search asked for them) counts the matches — all of them, not only
    this page — per genre, role, year and source: ``{"genre": [(value, matches), …], …}``, most
    first, at most :data:`FACET_VALUES` values each. ``suggestions``, when nothing matched:
    queries like this one that find something (see :mod:`sucai.search.suggest`).
    """

    total: int
    hits: tuple[SearchHit, ...]
    query: Query
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    suggestions: tuple[Suggestion, ...] = ()


#: Values listed per facet.
FACET_VALUES: Final = 12
#: Facet name → index field. Counts are exact: each segment reports up to this many values.
_FACET_FIELDS: Final = {"genre": "genre", "role": "role", "year": "year", "source": "src"}
_FACET_AGGREGATIONS: Final = {
    **{
        name: {"terms": {"field": fast, "size": FACET_VALUES, "segment_size": 10_000}}
        for name, fast in _FACET_FIELDS.items()
    },
    "total": {"value_count": {"field": "aid"}},
}


#: Hits per article, for a sort by date: every matching article (a bucket each).
_BY_ARTICLE: Final = {"aid": {"terms": {"field": "aid", "size": 1_000_000}}}


def prepare_term(term: str) -> str:
    return fold(term).replace(" ", SPACE)


def exact_query(schema: tantivy.Schema, term: str, bigrams: str, chars: str) -> tantivy.Query:
    """Documents whose field contains ``term`` (prepared) as a substring."""
    if len(term) == 1:
        return tantivy.Query.term_query(schema, chars, term, index_option="freq")
    if len(term) == 2:
        return tantivy.Query.term_query(schema, bigrams, term)
    # Non-overlapping bigrams at their offsets, plus the last one for an odd length: a phrase
    # of these is the whole substring and nothing else.
    offsets = list(range(0, len(term) - 1, 2))
    if offsets[-1] != len(term) - 2:
        offsets.append(len(term) - 2)
    return tantivy.Query.phrase_query(schema, bigrams, [(o, term[o : o + 2]) for o in offsets])


def build_query(schema: tantivy.Schema, query: Query) -> tantivy.Query:
    """The tantivy query for a parsed :class:`Query` (matching clauses plus ranking clauses)."""
    must, should, must_not = tantivy.Occur.Must, tantivy.Occur.Should, tantivy.Occur.MustNot
    terms = [prepare_term(t) for t in query.terms]
    terms = [t for t in terms if t.strip(SPACE)]
    kind = {"all": KIND_PARAGRAPH, "title": KIND_TITLE, "outline": KIND_OUTLINE}[query.scope]
    kinds = [(must, tantivy.Query.term_query(schema, "kind", kind))]
    if kind == KIND_PARAGRAPH and terms:
        # Paragraphs are most documents: leaving out the few titles and outline entries costs
        # a fraction of intersecting the terms with every paragraph, and scores nothing (the
        # kind clause added the same to every score).
        kinds = [
            (must_not, tantivy.Query.term_query(schema, "kind", k))
            for k in (KIND_TITLE, KIND_OUTLINE)
        ]
    clauses: list[tuple[tantivy.Occur, tantivy.Query]] = [
        *kinds,
        *(
            (must, tantivy.Query.boost_query(exact_query(schema, t, "bi", "uni"), _TERM_BOOST))
            for t in terms
        ),
        *(
            (must_not, exact_query(schema, prepare_term(t), "bi", "uni"))
            for t in query.excluded
            if t
        ),
    ]
    if query.genre is not None:
        clauses.append((must, tantivy.Query.term_query(schema, "genre", query.genre)))
    if query.role is not None:
        clauses.append((must, tantivy.Query.term_query(schema, "role", query.role)))
    if query.source is not None:
        clauses.append((must, tantivy.Query.term_query(schema, "src", query.source)))
    if query.ids is not None:
        clauses.append((must, tantivy.Query.term_set_query(schema, "aid", sorted(query.ids))))
    if query.doc_number is not None:
        key = doc_number_key(query.doc_number)
        clauses.append((must, tantivy.Query.term_query(schema, "dn", key)))
    if query.issuer is not None:
        keys = issuer_keys(query.issuer) or [""]
        clauses.append((must, tantivy.Query.term_query(schema, "org", keys[0])))
    if query.year_from is not None or query.year_to is not None:
        clauses.append(
            (
                must,
                tantivy.Query.range_query(
                    schema,
                    "year",
                    tantivy.FieldType.Unsigned,
                    query.year_from if query.year_from is not None else 1,
                    query.year_to,
                ),
            )
        )
    words = _query_words(terms)
    if query.scope == "all":
        heading = tantivy.Query.term_query(schema, "heading", 1)
        clauses.append((should, tantivy.Query.boost_query(heading, _CONTEXT_BOOST)))
        for word in words:
            in_title = tantivy.Query.term_query(schema, "tw", word)
            clauses.append((should, tantivy.Query.boost_query(in_title, _CONTEXT_BOOST)))
    if len(terms) > 1:
        adjacent = exact_query(schema, "".join(terms), "bi", "uni")
        clauses.append((should, tantivy.Query.boost_query(adjacent, _ADJACENT_BOOST)))
    for word in words:
        term = tantivy.Query.term_query(schema, "words", word, index_option="freq")
        clauses.append((should, tantivy.Query.boost_query(term, _WORD_BOOST)))
    return tantivy.Query.boolean_query(clauses)


def _query_words(prepared: list[str]) -> list[str]:
    """The segmenter words of the prepared query terms, each once."""
    return sorted({w for t in prepared for w in word_tokens(t).split()})


def count_hits(result: tantivy.SearchResult) -> int:
    # SearchResult.count exists at run time; tantivy's type stub leaves it out.
    return int(getattr(result, "count", 0) or 0)


def search(
    store: Store, view: IndexView, query: Query, *, facets: bool = False, suggest: bool = True
) -> SearchPage:
    """Run a query: exact total, the requested page of hits, best first, with highlights.

    Args:
        store: the library.
        view: the index to search: the full one, or the free one of a viewer who may not read
            the paid part (whose paid paragraphs take no part at all: not in hits, totals,
            facets or the ranking's statistics).
        query: what to find.
        facets: also count all matches per genre, role, year and source (the same pass over the
            matches gives the total, so the page of hits is found without counting again).
        suggest: when nothing matches, look for queries like this one that find something
            (a person's search; a program asking many questions, such as the 写作台, skips it).
    """
    searcher = view.searcher()
    built = build_query(view.schema, query)
    counts: dict[str, list[tuple[str, int]]] = {}
    total = -1
    if facets:
        counts, total = _facets(searcher.aggregate(built, _FACET_AGGREGATIONS))
    if query.sort == "date":
        return _by_date(store, view, query, built, counts)
    limit = query.limit
    if limit is None:
        # "All hits": count first, since tantivy sizes its top-k heap by the limit.
        limit = total if total >= 0 else count_hits(searcher.search(built, 1, count=True))
    wanted = max(query.offset + limit, 1)
    # The best hits are ordered again with the length prior: all of them are fetched on every
    # page, so that pages tile one order.
    reordered = _REORDERED if query.scope == "all" and query.terms else 0
    window = max(wanted, reordered)
    fetched = window + _TIE_SLACK
    result = searcher.search(built, fetched, count=total < 0)
    if total < 0:
        total = count_hits(result)
    hits = result.hits
    while len(hits) == fetched < window + _TIE_MOST and hits[-1][0] == hits[window - 1][0]:
        # Hits of the last score wanted go on beyond those fetched: fetch all of them.
        fetched = min(4 * fetched, window + _TIE_MOST)
        hits = searcher.search(built, fetched, count=False).hits
    addresses = [address for _, address in hits]
    if total == 0:
        return SearchPage(0, (), query, counts, tuple(_suggest(view, query)) if suggest else ())
    if not addresses or query.offset >= len(addresses):
        return SearchPage(total, (), query, counts)
    rids = [int(v or 0) for v in searcher.fast_field_values("rid", addresses)]
    if query.scope == "all":
        # A paragraph hit's row names its article: one fast-field read instead of three.
        aids = positions = [0] * len(rids)
        keys: list[tuple[int, ...]] = [(rid,) for rid in rids]
    else:
        aids, positions = (
            [int(v or 0) for v in searcher.fast_field_values(name, addresses)]
            for name in ("aid", "pos")
        )
        keys = list(zip(aids, positions, strict=True))
    scores = [float(score) for score, _ in hits]
    # Hits of equal score in the order of their place in the library (module docstring).
    order = sorted(range(len(hits)), key=lambda i: (-scores[i], keys[i]))
    if reordered:
        best = order[:reordered]
        lengths = {
            i: max(1, int(v or 0))
            for i, v in zip(
                best, searcher.fast_field_values("len", [addresses[i] for i in best]), strict=True
            )
        }
        for i in best:
            scores[i] *= lengths[i] ** _LENGTH_POWER
        best.sort(key=lambda i: (-scores[i], keys[i]))
        rescored = best[:_RESCORED]
        terms = [t for t in map(prepare_term, query.terms) if t.strip(SPACE)]
        second = _words_bm25(
            store,
            view,
            searcher,
            terms,
            [rids[i] for i in rescored],
            [lengths[i] for i in rescored],
        )
        top, top_second = scores[rescored[0]], max(second)
        if top_second > 0:
            # Added, not averaged: the rescored hits keep scores above the hits after them.
            for i, value in zip(rescored, second, strict=True):
                scores[i] += _RESCORE_WEIGHT * top * value / top_second
        rescored.sort(key=lambda i: (-scores[i], keys[i]))
        order[:reordered] = rescored + best[_RESCORED:]
    ranked = [
        (scores[i], rids[i], aids[i], positions[i])
        for i in order[query.offset : query.offset + limit]
    ]
    return SearchPage(total, tuple(build_hits(store, query, ranked, paid=view.paid)), query, counts)


def _words_bm25(
    store: Store,
    view: IndexView,
    searcher: tantivy.Searcher,
    terms: list[str],
    rids: list[int],
    lengths: list[int],
) -> list[float]:
    """The second scorer of the best hits: BM25 (k1 :data:`_RESCORE_K1`, b
    :data:`_RESCORE_B`) of the paragraphs ``rids`` of ``lengths`` characters, from their
    stored text and the index's document frequencies, for

    * the segmenter words of the prepared ``terms``, counted as words of the paragraph (营商
      inside the one word 优化营商环境 does not count: the paragraph is about something else);
    * the terms written together, in query order, as an exact phrase (营商 环境 in
      优化营商环境), of the words' idf summed, as tantivy weighs a phrase.

    0 for a paragraph gone from the library since the index was read, or paid since then when
    the viewer may not read the paid part."""
    words = _query_words(terms)
    if not words:
        return [0.0] * len(rids)
    documents = searcher.num_docs
    idf = {}
    for word in words:
        found = searcher.doc_freq("words", word)
        idf[word] = math.log(1 + (documents - found + 0.5) / (found + 0.5))
    together = "".join(terms) if len(terms) > 1 else ""
    mean = view.mean_paragraph_length(searcher)
    rows = store.paragraphs_by_rowid(rids)
    wanted = frozenset(words)
    scores = []
    for rid, length in zip(rids, lengths, strict=True):
        if rid not in rows or (rows[rid].paid and not view.paid):
            # Gone, or paid since the index was read: no score from text the viewer may not
            # read (build_hits leaves the hit out).
            scores.append(0.0)
            continue
        text = index_text(rows[rid].text.replace("\n", " "))
        counts = word_counts(text, wanted)
        weighed = [(idf[w], counts[w]) for w in words]
        if together:
            weighed.append((sum(idf.values()), text.count(together)))
        norm = _RESCORE_K1 * (1 - _RESCORE_B + _RESCORE_B * length / mean)
        scores.append(sum(w * tf * (_RESCORE_K1 + 1) / (tf + norm) for w, tf in weighed))
    return scores


def date_key(head: ArticleHead) -> tuple[str, int]:
    """The sort key of "newest first" (issue 19), ascending: the date (成文日期, else the
    year), undated last, then the highest id — the order of ``sucai browse``."""
    date = head.issued_on or (f"{head.year}-00-00" if head.year else "")
    # Characters inverted so that an ascending sort puts the latest date first; "" sorts last.
    return "".join(chr(0x10FFFF - ord(c)) for c in date) if date else "\U0010ffff", -head.id


def _by_date(
    store: Store,
    view: IndexView,
    query: Query,
    built: tantivy.Query,
    counts: dict[str, list[tuple[str, int]]],
) -> SearchPage:
    """The page of a query sorted by date: the matching articles (with their number of hits,
    from one aggregation) ordered by :func:`date_key`; then the hits of the articles the page
    covers, read in their order in each article."""
    searcher = view.searcher()
    per_article = searcher.aggregate(built, _BY_ARTICLE)["aid"]["buckets"]
    hits_of = {int(b["key"]): int(b["doc_count"]) for b in per_article}
    total = sum(hits_of.values())
    if total == 0:
        return SearchPage(0, (), query, counts, tuple(_suggest(view, query)))
    heads = store.article_heads(sorted(hits_of))
    articles = sorted(heads.values(), key=date_key)
    end = total if query.limit is None else query.offset + query.limit
    chosen: list[int] = []
    before = seen = 0  # hits of the articles before the first chosen one; of all looked at
    for head in articles:
        if seen >= end:
            break
        if seen + hits_of[head.id] > query.offset:
            chosen.append(head.id)
        else:
            before += hits_of[head.id]
        seen += hits_of[head.id]
    if not chosen:
        return SearchPage(total, (), query, counts)
    narrowed = build_query(view.schema, replace(query, ids=frozenset(chosen), sort="relevance"))
    found = searcher.search(narrowed, sum(hits_of[a] for a in chosen), count=False).hits
    addresses = [address for _, address in found]
    rids, aids, positions = (
        [int(v or 0) for v in searcher.fast_field_values(name, addresses)]
        for name in ("rid", "aid", "pos")
    )
    place = {aid: n for n, aid in enumerate(chosen)}
    rows = sorted(
        zip(aids, positions, rids, [float(score) for score, _ in found], strict=True),
        key=lambda row: (place[row[0]], row[1], row[2]),
    )
    start = query.offset - before
    wanted = rows[start : start + (len(rows) if query.limit is None else query.limit)]
    ranked = [(score, rid, aid, pos) for aid, pos, rid, score in wanted]
    return SearchPage(total, tuple(build_hits(store, query, ranked, paid=view.paid)), query, counts)


def _suggest(view: IndexView, query: Query) -> list[Suggestion]:
    """Suggestions for a query of no matches, from the words of ``view``."""
    searcher = view.searcher()

    def count(candidate: Query) -> int:
        return count_hits(searcher.search(build_query(view.schema, candidate), 1, count=True))

    def words(prefix: str, limit: int) -> list[tuple[str, int]]:
        return [(w, int(n)) for w, n in searcher.terms_with_prefix("words", prefix, limit=limit)]

    return suggest(query, count, words)


def build_hits(
    store: Store, query: Query, ranked: list[tuple[float, int, int, int]], *, paid: bool
) -> list[SearchHit]:
    """The hits of ``ranked`` ``(score, paragraph rowid, article id, position)`` rows, in
    order: their text (the paragraph, the title, or the outline heading by ``query.scope``),
    highlights and outline paths.

    A paragraph hit (scope ``all``) may give article id 0: its row names the article. A hit
    whose paragraph, heading or article is gone from the library since the index was read
    (another server kept a copy's text or deleted the article meanwhile) is left out. Unless
    ``paid``, a hit in the paid part (one the index had before the paragraph became paid) is
    left out too, and outline paths leave out the headings standing on paid paragraphs.
    """
    paragraphs = store.paragraphs_by_rowid([rid for _, rid, _, _ in ranked if rid])
    ranked = [
        (score, rid, aid or paragraphs[rid].article_id, pos)
        for score, rid, aid, pos in ranked
        if aid or rid in paragraphs
    ]
    heads = store.article_heads(sorted({aid for _, _, aid, _ in ranked}))
    folded_terms = tuple(fold(t) for t in query.terms)
    hits = []
    for score, rid, aid, pos in ranked:
        head = heads.get(aid)
        if head is None:
            continue
        section: int | None
        if query.scope == "title":
            text, index_in_article, paid_hit, section = head.title, None, False, None
        elif query.scope == "outline":
            heading = store.outline_path(aid, pos)
            if not heading:
                continue
            row = paragraphs.get(rid)
            text = heading[-1][0]
            index_in_article = row.index if row else None
            paid_hit = row.paid if row else False
            section = pos
        else:
            row = paragraphs.get(rid)
            if row is None:
                continue
            text, index_in_article, paid_hit, section = row.text, row.index, row.paid, row.section
        if paid_hit and not paid:
            continue
        path = store.outline_path(aid, section) if section is not None else ()
        if not paid:
            path = tuple(entry for entry in path if not entry[1])
        hits.append(
            SearchHit(
                article_id=aid,
                title=head.title,
                role=head.role,
                genre=head.genre,
                year=head.year,
                paragraph_index=index_in_article,
                text=text,
                highlights=tuple(find_spans(text, folded_terms)),
                outline_path=tuple(text for text, _ in path),
                outline_paid=tuple(flag for _, flag in path),
                paid=paid_hit,
                score=score,
            )
        )
    return hits


def _facets(result: dict[str, Any]) -> tuple[dict[str, list[tuple[str, int]]], int]:
    """Facet counts and the total from tantivy's aggregation result (unknown years left out)."""
    counts = {
        name: [
            (str(bucket["key"]), int(bucket["doc_count"]))
            for bucket in result[name]["buckets"]
            if bucket["key"] not in (0, "")
        ]
        for name in _FACET_FIELDS
    }
    return counts, int(result["total"]["value"])


@dataclass(frozen=True, slots=True)
class Similar:
    """An article like another one, and how alike (a relative score)."""

    article: ArticleSummary
    score: float


_SIMILAR_WORDS: Final = 24
#: Paragraphs scored for "similar materials" (the best of them, by BM25 over the words).
SIMILAR_POOL: Final = 400


def similar_words(
    store: Store,
    article_id: int,
    doc_freqs: Callable[[list[str]], dict[str, int]],
    documents: int,
    *,
    paid: bool,
) -> dict[str, int]:
    """The most distinctive segmenter words of an article, best first, with their document
    frequencies: tf·idf over ``documents``, words found in one document or none left out.

    ``doc_freqs`` looks up many words at once; unless ``paid``, the article's paid paragraphs
    are left out.

    Raises:
        NotFoundError: no article has this id.
    """
    article = store.get_article(article_id)
    body = "\n".join(p.text for p in article.paragraphs if paid or not p.paid)
    text = index_text(article.title + "\n" + body)
    counts = Counter(word_tokens(text).split())
    frequencies = doc_freqs(list(counts))
    weights = {
        w: tf * math.log(max(1, documents) / frequencies[w])
        for w, tf in counts.items()
        if frequencies[w] > 1
    }
    return {w: frequencies[w] for w in sorted(weights, key=lambda w: -weights[w])[:_SIMILAR_WORDS]}


def similar_articles(
    store: Store, scored: Iterable[tuple[int, float]], limit: int
) -> list[Similar]:
    """Articles of scored ``(article id, paragraph score)`` pairs, by their best three
    paragraph scores summed, at most ``limit``."""
    best: dict[int, list[float]] = {}
    for aid, score in scored:
        best.setdefault(aid, []).append(score)
    totals = {a: sum(sorted(scores, reverse=True)[:3]) for a, scores in best.items()}
    ranked = sorted(totals, key=lambda a: -totals[a])[:limit]
    summaries = store.summaries(ranked)
    return [Similar(summaries[a], totals[a]) for a in ranked]


def similar(store: Store, view: IndexView, article_id: int, *, limit: int = 10) -> list[Similar]:
    """Articles most like ``article_id``: BM25 over its most distinctive words, per article.

    The words are the article's segmenter words weighted by tf·idf; paragraphs matching them
    are scored by the index and their best three scores summed per article. In the free view,
    only free text chooses the words and is matched.

    Raises:
        NotFoundError: no article has this id.
    """
    searcher = view.searcher()
    chosen = similar_words(
        store,
        article_id,
        lambda words: {w: searcher.doc_freq("words", w) for w in words},
        searcher.num_docs,
        paid=view.paid,
    )
    if not chosen:
        return []
    should, must, must_not = tantivy.Occur.Should, tantivy.Occur.Must, tantivy.Occur.MustNot
    words = tantivy.Query.boolean_query(
        [
            (should, tantivy.Query.term_query(view.schema, "words", w, index_option="freq"))
            for w in chosen
        ]
    )
    query = tantivy.Query.boolean_query(
        [
            (must, tantivy.Query.term_query(view.schema, "kind", KIND_PARAGRAPH)),
            (must, words),
            (must_not, tantivy.Query.term_query(view.schema, "aid", article_id)),
        ]
    )
    result = searcher.search(query, SIMILAR_POOL, count=False)
    addresses = [address for _, address in result.hits]
    aids = [int(v or 0) for v in searcher.fast_field_values("aid", addresses)]
    scores = [float(score) for score, _ in result.hits]
    return similar_articles(store, zip(aids, scores, strict=True), limit)
