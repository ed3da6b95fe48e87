"""Seed-and-extend alignment of compact texts that tolerates small edits.

Exact ``k``-character seeds shared by the draft and a source are merged along their diagonal
(draft offset − source offset) into *runs* — maximal exact matches. Runs are then chained in
reading order when the gap between them is small in both texts (at most ``gap`` characters
each), which is what one inserted, deleted or changed character, or a swapped place name
(``xx县`` for ``某县``), leaves behind. A chain is one matched span.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Final

__all__ = ["SEED", "Chain", "DraftIndex", "Run", "align"]

#: Seed length in compact characters: long enough that chance seeds are rare within one
#: paragraph pair, short enough that an edit every ~5 characters still leaves seeds.
SEED: Final = 4
#: Most characters skipped in either text between two runs of one span.
GAP: Final = 6
#: Share of a span's draft characters that must lie in exact runs.
MIN_IDENTITY: Final = 0.75
# Width of the source stretches chains are kept by: a run can join a chain ending in two.
_BUCKET: Final = GAP + SEED
#: A seed found at more places of the draft than this is repetition: where the clock is
#: looked at (a look at every seed would cost the common case).
_MANY: Final = 32


@dataclass(slots=True)
class Run:
    """An exact match: ``draft[i:i+length] == source[j:j+length]``."""

    i: int
    j: int
    length: int


@dataclass(slots=True)
class Chain:
    """Runs chained into one span; ``i``/``j`` start and ``i_end``/``j_end`` end it."""

    runs: list[Run]
    i: int
    j: int
    i_end: int
    j_end: int
    matched: int

    def source_offset(self, p: int) -> int:
        """The source position across from draft position ``p`` (by the nearest run)."""
        run = self.runs[0]
        for candidate in self.runs:
            if candidate.i > p:
                break
            run = candidate
        return max(self.j, min(self.j_end, p + run.j - run.i))


class DraftIndex:
    """Seeds of the whole draft: every ``SEED``-gram inside one paragraph, by text.

    Args:
        paragraphs: the draft's compact paragraphs.
    """

    def __init__(self, paragraphs: list[str]) -> None:
        self.text = "".join(paragraphs)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.grams: dict[str, list[int]] = {}
        at = 0
        for para in paragraphs:
            self.starts.append(at)
            self.ends.append(at + len(para))
            for k in range(len(para) - SEED + 1):
                self.grams.setdefault(para[k : k + SEED], []).append(at + k)
            at += len(para)
        self._para_of = [n for n, para in enumerate(paragraphs) for _ in para]

    def paragraph_of(self, position: int) -> int:
        """The draft paragraph holding the global compact ``position``."""
        return self._para_of[position]


def _runs(draft: DraftIndex, source: str, deadline: float | None = None) -> list[Run]:
    """Maximal exact matches of at least ``SEED`` characters (not crossing draft paragraphs)."""
    open_runs: dict[int, Run] = {}
    runs: list[Run] = []
    grams = draft.grams
    for j in range(len(source) - SEED + 1):
        hits = grams.get(source[j : j + SEED])
        if not hits:
            continue
        if deadline is not None and len(hits) > _MANY and time.monotonic() > deadline:
            raise TimeoutError  # a draft and a source repeating one phrase: quadratic
        for i in hits:
            diagonal = i - j
            run = open_runs.get(diagonal)
            if run is not None and run.j + run.length - SEED + 1 == j:
                run.length += 1
            else:
                run = Run(i, j, SEED)
                open_runs[diagonal] = run
                runs.append(run)
    # A diagonal run may cross from one draft paragraph into the next: cut it there.
    out: list[Run] = []
    for run in runs:
        para = draft.paragraph_of(run.i)
        end = min(run.i + run.length, draft.ends[para])
        if end - run.i >= SEED:
            out.append(Run(run.i, run.j, end - run.i))
    return out


def align(
    draft: DraftIndex, source: str, min_span: int, deadline: float | None = None
) -> list[Chain]:
    """Spans of at least ``min_span`` draft characters that ``source`` matches, with small edits.

    Args:
        draft: the draft's seeds.
        source: one source paragraph, compact.
        min_span: the shortest span kept, in compact characters of the draft.
        deadline: a :func:`time.monotonic` time past which it raises :class:`TimeoutError`.
    """
    runs = _runs(draft, source, deadline)
    if not runs:
        return []
    runs.sort(key=lambda r: (r.i, r.j))
    chains: list[Chain] = []
    # Chains by where they end in the source (j_end // _BUCKET): a run joins only a chain
    # ending at most GAP before it or less than SEED after it, in two buckets at most. A
    # source that repeats a phrase thousands of times would otherwise make every run look
    # at every chain (issue 22). Entries of chains that moved on or can no longer grow are
    # dropped when met; the best chain is the one with most matched characters, the
    # earliest made among equals.
    buckets: dict[int, list[int]] = {}
    for run in runs:
        para = draft.paragraph_of(run.i)
        best: Chain | None = None
        best_index = -1
        for key in {(run.j - GAP) // _BUCKET, (run.j + SEED - 1) // _BUCKET}:
            kept = []
            for index in buckets.get(key, ()):
                chain = chains[index]
                if chain.i_end + GAP < run.i or chain.j_end // _BUCKET != key:
                    continue
                kept.append(index)
                gap_i = run.i - chain.i_end
                gap_j = run.j - chain.j_end
                if (
                    -SEED < gap_i <= GAP
                    and -SEED < gap_j <= GAP
                    and run.j > chain.runs[-1].j
                    and run.i + run.length > chain.i_end
                    and draft.paragraph_of(chain.i) == para
                    and (
                        best is None
                        or chain.matched > best.matched
                        or (chain.matched == best.matched and index < best_index)
                    )
                ):
                    best, best_index = chain, index
            buckets[key] = kept
        if best is None:
            chain = Chain([run], run.i, run.j, run.i + run.length, run.j + run.length, run.length)
            chains.append(chain)
            buckets.setdefault(chain.j_end // _BUCKET, []).append(len(chains) - 1)
            continue
        before = best.j_end // _BUCKET
        overlap = max(0, best.i_end - run.i)
        best.runs.append(run)
        best.matched += run.length - overlap
        best.i_end = max(best.i_end, run.i + run.length)
        best.j_end = max(best.j_end, run.j + run.length)
        if best.j_end // _BUCKET != before:
            buckets.setdefault(best.j_end // _BUCKET, []).append(best_index)
    return [
        c
        for c in chains
        if c.i_end - c.i >= min_span and c.matched >= MIN_IDENTITY * (c.i_end - c.i)
    ]
