"""align() finds the chains the plain rule gives, also against sources that repeat themselves.

align() looks a run up only among the chains that end near it (issue 22: a source repeating a
phrase thousands of times made every run look at every open chain). The reference below is
the rule written out plainly — every chain made so far, the most matched characters first,
the earliest made among equals — and both must agree on edited and repetitive text.
"""

from __future__ import annotations

import random

from sucai.check.align import GAP, MIN_IDENTITY, SEED, Chain, DraftIndex, _runs, align
from tests.conftest import ROOT


def reference(draft: DraftIndex, source: str, min_span: int) -> list[Chain]:
    """Each run joins the best chain it can continue, out of all chains made so far."""
    runs = sorted(_runs(draft, source), key=lambda r: (r.i, r.j))
    chains: list[Chain] = []
    for run in runs:
        para = draft.paragraph_of(run.i)
        fits = [
            c
            for c in chains
            if -SEED < run.i - c.i_end <= GAP
            and -SEED < run.j - c.j_end <= GAP
            and run.j > c.runs[-1].j
            and run.i + run.length > c.i_end
            and draft.paragraph_of(c.i) == para
        ]
        if not fits:
            end_i, end_j = run.i + run.length, run.j + run.length
            chains.append(Chain([run], run.i, run.j, end_i, end_j, run.length))
            continue
        best = max(fits, key=lambda c: (c.matched, -chains.index(c)))
        best.matched += run.length - max(0, best.i_end - run.i)
        best.runs.append(run)
        best.i_end = max(best.i_end, run.i + run.length)
        best.j_end = max(best.j_end, run.j + run.length)
    return [
        c
        for c in chains
        if c.i_end - c.i >= min_span and c.matched >= MIN_IDENTITY * (c.i_end - c.i)
    ]


def shape(chains: list[Chain]) -> list[tuple[int, int, int, int, int, list[tuple[int, int]]]]:
    return [(c.i, c.j, c.i_end, c.j_end, c.matched, [(r.i, r.j) for r in c.runs]) for c in chains]


def test_align_finds_what_the_plain_rule_finds_on_edited_and_repetitive_text() -> None:
    report = (ROOT / "samples" / "reports" / "2024年政府工作报告.txt").read_text("utf-8")
    corpus = "".join(c for c in report if "\u4e00" <= c <= "\u9fff")
    rng = random.Random(6)
    for trial in range(600):
        at = rng.randrange(len(corpus) - 3000)
        source = corpus[at : at + rng.randint(10, 1500)]
        if trial % 3 == 0:
            # A phrase repeated many times: every run meets many chains ending elsewhere.
            source = source[: rng.randint(3, 12)] * rng.randint(20, 150)
        paragraphs = []
        for _ in range(rng.randint(1, 3)):
            start = rng.randrange(len(source))
            piece = list(source[start : start + rng.randint(5, 200)])
            for _ in range(rng.randint(0, 8)):
                if piece:
                    k = rng.randrange(len(piece))
                    if rng.random() < 0.5:
                        del piece[k]
                    else:
                        piece.insert(k, corpus[rng.randrange(len(corpus))])
            paragraphs.append("".join(piece) or "空")
        draft = DraftIndex(paragraphs)
        for min_span in (4, 13):
            assert shape(align(draft, source, min_span)) == shape(
                reference(draft, source, min_span)
            ), (trial, paragraphs, source)
