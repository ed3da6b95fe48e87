"""``check_paragraphs(store, index, paragraphs) -> OverlapReport``: find, align, attribute."""

from __future__ import annotations

import bisect
import time
from collections import defaultdict
from typing import TYPE_CHECKING, Final, Protocol
from weakref import WeakKeyDictionary

from sucai.check.align import ANCHOR, GRAM, DraftIndex, align
from sucai.check.report import CheckedParagraph, MatchSpan, OverlapReport, SourceShare
from sucai.check.text import bigrams, compact, counted_text, quoted_ranges, sentence_chunks
from sucai.errors import CheckTooLongError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sucai.check.align import Chain
    from sucai.check.text import Compact, StockPhrases
    from sucai.store import ParagraphRow, Store

__all__ = [
    "BATCH_CHARS",
    "DEFAULT_MIN_SPAN",
    "LOOKUP_ROUNDS",
    "CandidateIndex",
    "check_paragraphs",
]

#: Spans shorter than this many counted characters are not counted (CNKI uses 13 too).
DEFAULT_MIN_SPAN: Final = 13
#: Bigrams per lookup: the rarest of a sentence say most about where it comes from, and
#: rare ones are cheap to look up (their posting lists are short).
_RARE_BIGRAMS: Final = 12
#: Most postings (documents holding one of its bigrams, summed) a lookup reads: the cost of
#: a lookup grows with them.
_POSTINGS: Final = 20_000
#: Library paragraphs taken per lookup (the source first; one copy of it is enough).
_HITS_PER_CHUNK: Final = 3
#: Lookups are made in this many rounds, each taking every ``LOOKUP_ROUNDS``-th chunk of the
#: draft that no span found so far covers (1: every chunk at once).
LOOKUP_ROUNDS: Final = 3
#: Counted characters of the draft compared at a time (memory is bounded by one batch).
BATCH_CHARS: Final = 20_000


class CandidateIndex(Protocol):
    """What 查重 asks of a search index (:class:`~sucai.search.index.IndexView`): the full
    index, or the free one of a viewer who may not read the paid part."""

    #: Whether the index holds the paid part.
    paid: bool

    def bigram_doc_freqs(self, grams: Sequence[str]) -> dict[str, int]:
        """How many documents (paragraphs, titles, outline entries) hold each folded
        character bigram; 0 when none. One lookup for all of them."""
        ...

    def match_bigrams(
        self, lookups: Sequence[Sequence[tuple[str, int]]], limit: int
    ) -> list[list[int]]:
        """For each lookup, the rowids of the library paragraphs among its best ``limit``
        documents.

        A lookup is an OR-query of bigrams, given with their document frequencies, rarest
        first; documents rank by BM25 over the bigrams they hold. Titles and outline entries
        take their places in a lookup's best ``limit`` but are left out of the answer.
        """
        ...


def _merge(ranges: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(ranges):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return tuple(out)


# Document frequencies of bigrams seen, per index view. They only rank a sentence's
# bigrams by rarity, so a count from before the latest import is as good; a bigram the index
# did not hold is asked again (an import may have brought it).
_FREQUENCIES: WeakKeyDictionary[CandidateIndex, dict[str, int]] = WeakKeyDictionary()
_FREQUENCIES_KEPT: Final = 500_000


def _doc_freqs(index: CandidateIndex, grams: set[str]) -> dict[str, int]:
    """Document frequencies of bigrams the index holds, ``grams`` among them (a bigram
    missing from the answer is held by no document)."""
    known = _FREQUENCIES.setdefault(index, {})
    if len(known) > _FREQUENCIES_KEPT:
        known.clear()
    missing = sorted(g for g in grams if g not in known)
    if missing:
        known.update((g, n) for g, n in index.bigram_doc_freqs(missing).items() if n)
    return known


#: A lookup: the bigrams of a chunk of the draft with their document frequencies, rarest first.
_Lookup = tuple[tuple[str, int], ...]
#: A sentence chunk of a batch: its paragraph (in the batch), its ``[start, end)`` in the
#: paragraph's folded text, and its global compact ``[start, end)``.
_Chunk = tuple[int, int, int, int, int]


def _chunks(drafts: list[Compact], starts: list[int]) -> list[_Chunk]:
    """The sentence chunks of a batch holding a bigram, in draft order (``starts``: where
    each paragraph begins in the batch's compact text)."""
    chunks: list[_Chunk] = []
    for n, (draft, at) in enumerate(zip(drafts, starts, strict=True)):
        offsets = draft.offsets
        for start, end in sentence_chunks(draft.folded):
            lo = bisect.bisect_left(offsets, start)
            hi = bisect.bisect_left(offsets, end, lo)
            # A bigram is two counted characters side by side in the folded text.
            if any(offsets[k + 1] == offsets[k] + 1 for k in range(lo, hi - 1)):
                chunks.append((n, start, end, at + lo, at + hi))
    return chunks


def _lookups(index: CandidateIndex, drafts: list[Compact], chunks: list[_Chunk]) -> list[_Lookup]:
    """The lookup of each chunk: its rarest bigrams the index holds (``()`` when none)."""
    grams_of = [bigrams(drafts[n].folded, start, end) for n, start, end, _, _ in chunks]
    frequency = _doc_freqs(index, set().union(*grams_of))
    lookups: list[_Lookup] = []
    for grams in grams_of:
        rare = sorted((f, g) for g in grams if (f := frequency.get(g, 0)))
        chosen: list[tuple[str, int]] = []
        postings = 0
        for f, g in rare[:_RARE_BIGRAMS]:
            if chosen and postings + f > _POSTINGS:
                break
            chosen.append((g, f))
            postings += f
        lookups.append(tuple(chosen))
    return lookups


def _candidates(
    index: CandidateIndex, lookups: list[_Lookup], found: dict[_Lookup, list[int]]
) -> list[int]:
    """Rowids of the best library paragraphs of the ``lookups``, ascending: each lookup is
    asked of the index once per check (``found`` keeps the answers: a long draft repeating
    a sentence in several batches asks it once)."""
    wanted = list(dict.fromkeys(g for g in lookups if g and g not in found))
    if wanted:
        found.update(zip(wanted, index.match_bigrams(wanted, _HITS_PER_CHUNK), strict=True))
    return sorted({r for g in lookups if g for r in found[g]})


def _spans(
    store: Store,
    index: CandidateIndex,
    drafts: list[Compact],
    excluded: list[set[int]],
    quoted: list[set[int]],
    *,
    min_span: int,
    rounds: int,
    deadline: float | None,
    time_limit: float | None,
    answers: dict[_Lookup, list[int]],
) -> dict[int, list[MatchSpan]]:
    """The spans of a batch of the draft's paragraphs (indexes into the batch); ``answers``
    keeps the index's answers to lookups across the batches of a check."""
    seeds = DraftIndex([d.text for d in drafts], min(GRAM, ANCHOR, min_span))
    chunks = _chunks(drafts, seeds.starts)
    found: list[tuple[Chain, ParagraphRow, Compact]] = []
    covered = bytearray(len(seeds.text))
    seen: set[int] = set()
    # In rounds: every third chunk first; then, of the others, those no span found so far covers
    # (a copied paragraph's next chunk comes from the same source: its lookup would find
    # what is found already): a third fewer lookups on a draft half copied (issue 18). A
    # chunk's lookup is made when its round comes, if it is not covered by then.
    for k in range(rounds):
        todo = [c for c in chunks[k::rounds] if covered.find(0, c[3], c[4]) >= 0]
        rowids = [
            r for r in _candidates(index, _lookups(index, drafts, todo), answers) if r not in seen
        ]
        seen.update(rowids)
        for row in store.paragraphs_by_rowid(rowids).values():
            if row.paid and not index.paid:
                # The free index holds no paid paragraph; one that became paid since it was
                # read is left out here.
                continue
            try:
                chains = align(seeds, counted_text(row.text), min_span, deadline)
            except TimeoutError:
                raise CheckTooLongError(
                    f"查重超过 {time_limit:g} 秒仍未算完：草稿和库里都有同一句话反复出现"
                    "成百上千次。删去草稿里重复的部分再查，或由管理员在命令行用 sucai check "
                    "查（不限时）。"
                ) from None
            if chains:
                source = compact(row.text)
                found.extend((chain, row, source) for chain in chains)
                for chain in chains:
                    covered[chain.i : chain.i_end] = b"\x01" * (chain.i_end - chain.i)
    # Longest spans first; among equal ones the earliest article (copies of one speech in
    # several compilations are attributed to the first imported).
    found.sort(key=lambda f: (-(f[0].i_end - f[0].i), -f[0].matched, f[1].article_id, f[1].index))

    claimed = bytearray(len(seeds.text))
    spans: dict[int, list[MatchSpan]] = defaultdict(list)
    for chain, row, source in found:
        para = seeds.paragraph_of(chain.i)
        base = seeds.starts[para]
        start = chain.i
        while start < chain.i_end:
            if claimed[start]:
                start += 1
                continue
            end = start
            while end < chain.i_end and not claimed[end]:
                end += 1
            local = range(start - base, end - base)
            copied = [p for p in local if p not in excluded[para]]
            if len(copied) >= min_span:
                claimed[start:end] = b"\x01" * (end - start)
                j_start = chain.source_offset(start)
                j_end = max(j_start + 1, chain.source_offset(end - 1) + 1)
                s_start, s_end = source.original(j_start, min(j_end, len(source.text)))
                d_start, d_end = drafts[para].original(start - base, end - base)
                spans[para].append(
                    MatchSpan(
                        start=d_start,
                        end=d_end,
                        article_id=row.article_id,
                        paragraph_index=row.index,
                        source_start=s_start,
                        source_end=s_end,
                        chars=len(copied),
                        quoted=sum(1 for p in copied if p in quoted[para]),
                        source_text=row.text[s_start:s_end],
                        paid=row.paid,
                    )
                )
            start = end
    return spans


def check_paragraphs(
    store: Store,
    index: CandidateIndex,
    paragraphs: list[str],
    *,
    stock: StockPhrases,
    min_span: int = DEFAULT_MIN_SPAN,
    name: str = "",
    time_limit: float | None = None,
    lookup_rounds: int = LOOKUP_ROUNDS,
) -> OverlapReport:
    """Check a draft's paragraphs against every paragraph of the library.

    The draft is compared :data:`BATCH_CHARS` characters at a time (whole paragraphs: a
    span never crosses one), so a long draft takes memory for one batch of candidates.

    Args:
        store: the library.
        index: its search index (up to date). A draft checked against the free index is
            compared with free paragraphs only: the report is a function of the free text.
        paragraphs: the draft, one string per paragraph.
        stock: stock phrases that never count as copied.
        min_span: the shortest span counted, in counted characters (≥ 5).
        name: what is checked, for the report.
        time_limit: seconds the check may take (``None``: no limit).
        lookup_rounds: the rounds of candidate lookups (:data:`LOOKUP_ROUNDS`; 1 looks up
            every sentence of the draft).

    Raises:
        CheckTooLongError: past ``time_limit`` (a draft and the library repeating one phrase
            hundreds of times: the comparison grows with the product of the repeats).
    """
    started = time.perf_counter()
    deadline = None if time_limit is None else time.monotonic() + time_limit
    min_span = max(5, min_span)
    drafts = [compact(p) for p in paragraphs]
    excluded = [
        d.compact_positions(stock.ranges(p)) for d, p in zip(drafts, paragraphs, strict=True)
    ]
    quoted = [
        d.compact_positions(quoted_ranges(p)) for d, p in zip(drafts, paragraphs, strict=True)
    ]
    spans: dict[int, list[MatchSpan]] = {}
    answers: dict[_Lookup, list[int]] = {}
    first = 0
    while first < len(drafts):
        if first and deadline is not None and time.monotonic() > deadline:
            raise CheckTooLongError(
                f"查重超过 {time_limit:g} 秒仍未算完：草稿太长。请分段查重，"
                "或由管理员在命令行用 sucai check 查（不限时）。"
            )
        last = first + 1
        size = len(drafts[first].text)
        while last < len(drafts) and size + len(drafts[last].text) <= BATCH_CHARS:
            size += len(drafts[last].text)
            last += 1
        batch = _spans(
            store,
            index,
            drafts[first:last],
            excluded[first:last],
            quoted[first:last],
            min_span=min_span,
            rounds=lookup_rounds,
            deadline=deadline,
            time_limit=time_limit,
            answers=answers,
        )
        spans.update((first + n, found) for n, found in batch.items())
        first = last

    checked: list[CheckedParagraph] = []
    for n, text in enumerate(paragraphs):
        own = sorted(spans.get(n, []), key=lambda s: s.start)
        draft = drafts[n]
        checked.append(
            CheckedParagraph(
                index=n,
                text=text,
                chars=len(draft.text),
                copied=sum(s.chars for s in own),
                spans=tuple(own),
                excluded=_merge([draft.original(p, p + 1) for p in excluded[n]]),
                quoted=_merge([draft.original(p, p + 1) for p in quoted[n]]),
            )
        )
    total = sum(p.chars for p in checked)
    per_article: dict[int, list[MatchSpan]] = defaultdict(list)
    for p in checked:
        for s in p.spans:
            per_article[s.article_id].append(s)
    heads = store.article_heads(sorted(per_article))
    sources = sorted(
        (
            SourceShare(
                article_id=aid,
                title=heads[aid].title,
                role=heads[aid].role,
                genre=heads[aid].genre,
                year=heads[aid].year,
                chars=sum(s.chars for s in found_spans),
                ratio=sum(s.chars for s in found_spans) / total if total else 0.0,
                paragraphs=tuple(sorted({s.paragraph_index for s in found_spans})),
            )
            for aid, found_spans in per_article.items()
        ),
        key=lambda s: (-s.chars, s.article_id),
    )
    return OverlapReport(
        name=name,
        paragraphs=tuple(checked),
        sources=tuple(sources),
        chars=total,
        copied=sum(p.copied for p in checked),
        quoted=sum(s.quoted for p in checked for s in p.spans),
        excluded=sum(len(e) for e in excluded),
        min_span=min_span,
        seconds=time.perf_counter() - started,
    )
