"""Candidate lookups in rounds (issue 18): a sentence that a span found already covers is not
looked up, and the draft's copied stretches are those that looking up every sentence finds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sucai.check import check_paragraphs, counted, load_stock_phrases
from sucai.check.engine import BATCH_CHARS
from tests.check.conftest import NEW_TEXT, build_draft

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sucai import Library
    from sucai.check.engine import CandidateIndex


class CountingIndex:
    """The library's real index, through the 查重 seam, counting the lookups asked of it."""

    def __init__(self, index: CandidateIndex) -> None:
        self.index = index
        self.paid = index.paid
        self.lookups = 0

    def bigram_doc_freqs(self, grams: Sequence[str]) -> dict[str, int]:
        return self.index.bigram_doc_freqs(grams)

    def match_bigrams(self, lookups: Sequence[Sequence[tuple[str, int]]], limit: int) -> list[int]:
        self.lookups += len(lookups)
        return self.index.match_bigrams(lookups, limit)


def _run_ons(library: Library) -> list[str]:
    """Paragraphs each holding a long library paragraph (three sentences or more) whose last
    sentence runs on, without its 。, into one sentence of another library paragraph: the
    sentence lookup that brings the second source straddles a stretch found already."""
    long, short = [], []
    for article in library.articles():
        for p in article.paragraphs:
            sentences = [s for s in p.text.split("。") if s]
            if len(p.text) >= 200 and len(sentences) >= 3 and p.text.endswith("。"):
                long.append(p.text[:-1])
            elif len(sentences) >= 2 and 25 <= len(sentences[1]) <= 50:
                short.append(sentences[1] + "。")
    return [a + b for a, b in zip(long[::9][:6], short[::7][:6], strict=True)]


def test_lookups_in_rounds_find_what_looking_up_every_sentence_finds(
    reports_library: Library,
) -> None:
    pieces = build_draft(reports_library)
    paragraphs = [p.text for p in pieces] + list(NEW_TEXT) + _run_ons(reports_library)
    reports_library.check(paragraphs[:1])  # brings the index up to date
    view = reports_library.index.view(paid=True)
    found = {}
    for rounds in (1, 3):
        index = CountingIndex(view)
        report = check_paragraphs(
            reports_library.store,
            index,
            paragraphs,
            stock=load_stock_phrases([]),
            lookup_rounds=rounds,
        )
        found[rounds] = (report, index.lookups)
    (every, all_lookups), (rounds, fewer) = found[1], found[3]
    # The same stretches of the draft are copied. Their source may be another copy of the
    # same sentence (the earliest copy wins among the candidates found, and rounds find fewer).
    assert [(s.start, s.end, s.chars) for p in rounds.paragraphs for s in p.spans] == [
        (s.start, s.end, s.chars) for p in every.paragraphs for s in p.spans
    ]
    assert (rounds.ratio, rounds.copied) == (every.ratio, every.copied)
    copied = sum(p.copied_chars for p in pieces) + sum(map(counted, _run_ons(reports_library)))
    assert every.ratio == pytest.approx(copied / sum(map(counted, paragraphs)), abs=0.02)
    # The copied paragraphs' later sentences are not looked up; the new text's all are.
    assert fewer < 0.8 * all_lookups


def test_a_long_draft_asks_each_lookup_once(reports_library: Library) -> None:
    """A draft of several batches repeating its paragraphs asks the index each sentence's
    lookup once, and finds every repeat's copied stretches."""
    half = [p.text for p in build_draft(reports_library)] + list(NEW_TEXT)
    copies = BATCH_CHARS // sum(map(counted, half)) + 2  # two batches or more
    reports_library.check(half[:1])  # brings the index up to date
    view = reports_library.index.view(paid=True)
    found = {}
    for name, paragraphs in (("once", half), ("repeated", half * copies)):
        index = CountingIndex(view)
        report = check_paragraphs(
            reports_library.store,
            index,
            paragraphs,
            stock=load_stock_phrases([]),
            lookup_rounds=1,
        )
        found[name] = (report, index.lookups)
    (once, asked), (repeated, asked_repeated) = found["once"], found["repeated"]
    assert sum(p.chars for p in repeated.paragraphs) > BATCH_CHARS
    assert asked_repeated == asked
    spans = [[(s.start, s.end, s.chars, s.article_id) for s in p.spans] for p in once.paragraphs]
    assert [
        [(s.start, s.end, s.chars, s.article_id) for s in p.spans] for p in repeated.paragraphs
    ] == spans * copies
