"""Anchored alignment of compact texts that tolerates small edits (issue 18).

A span starts from an **anchor**: an exact match of at least :data:`ANCHOR` characters
(found by probing the source every few characters for a ``k``-gram of the draft, then
extending both ways). From the anchor it grows along the text, one edit at a time: past a
gap of at most :data:`GAP` characters in either text (one or two inserted, deleted or
changed characters: 我国→我省, a changed year, an added 切实) the next exact run of at least
:data:`SEED` characters joins the span, or a shorter one followed by another such gap and
such a run (two edits close together: ``2026年要切实`` for ``2024年要``). At the ends of
both paragraphs a shorter run joins too (an edit two characters before the end does not
lose the end). Nothing else joins: a
chain of 4-character phrases that two texts happen to share across bigger differences is
not a copy, and a real match is not padded across a gap to an unrelated short run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Collection

__all__ = ["ANCHOR", "GAP", "SEED", "Chain", "DraftIndex", "Run", "align"]

#: Every span holds an exact run at least this long (at most the shortest span counted).
ANCHOR: Final = 10
#: The shortest exact run that joins a span past an edit (shorter ones only at the ends).
SEED: Final = 4
#: Most characters skipped in either text between two runs of one span.
GAP: Final = 2
#: Length of the draft grams the source is probed with (at most the anchor).
GRAM: Final = 6
#: A gram found at more places of the draft than this is repetition: where the clock is
#: looked at (a look at every probe would cost the common case).
_MANY: Final = 32
# Edits tried between two runs (characters skipped in the draft, in the source): a changed
# character first, then a deleted or an inserted one, then two of them.
_GAPS: Final = sorted(
    ((gi, gj) for gi in range(GAP + 1) for gj in range(GAP + 1) if gi or gj),
    key=lambda g: (max(g), g[0] != g[1], g),
)


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
        return max(self.j, min(self.j_end - 1, p + run.j - run.i))


class DraftIndex:
    """The whole draft, compact, and its ``gram``-character grams inside each paragraph.

    ``grams`` maps a gram found once to its position, and a repeated one to ``~r``:
    ``repeats[r]`` lists its positions. A list per gram would be 700,000 lists for a 2 MB
    draft, and the garbage collector would go through all of them again and again.

    Args:
        paragraphs: the draft's compact paragraphs.
        gram: length of the grams (``min(GRAM, anchor)`` of the alignment).
    """

    def __init__(self, paragraphs: list[str], gram: int = GRAM) -> None:
        self.text = "".join(paragraphs)
        self.gram = gram
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.grams: dict[str, int] = {}
        self.repeats: list[list[int]] = []
        self._para_of: list[int] = []
        self._places: dict[tuple[int, int], tuple[frozenset[int], frozenset[int]]] = {}
        grams = self.grams
        at = 0
        for n, para in enumerate(paragraphs):
            self.starts.append(at)
            self.ends.append(at + len(para))
            keys = [para[k : k + gram] for k in range(len(para) - gram + 1)]
            fresh = dict(zip(keys, range(at, at + len(keys)), strict=True))
            if len(fresh) == len(keys):
                # No gram repeats inside the paragraph (the common case): only those that
                # earlier paragraphs hold are repeats.
                for key in fresh.keys() & grams.keys():
                    self._add(key, fresh.pop(key))
                grams.update(fresh)
            else:
                for k, key in enumerate(keys, at):
                    self._add(key, k)
            self._para_of.extend([n] * len(para))
            at += len(para)

    def _add(self, key: str, position: int) -> None:
        first = self.grams.setdefault(key, position)
        if first == position:
            return
        if first >= 0:
            self.grams[key] = ~len(self.repeats)
            self.repeats.append([first, position])
        else:
            self.repeats[~first].append(position)

    def paragraph_of(self, position: int) -> int:
        """The draft paragraph holding the global compact ``position``."""
        return self._para_of[position]

    def places(self, r: int, step: int) -> tuple[frozenset[int], frozenset[int]]:
        """The places of the repeated gram ``~r`` (``repeats[r]``), and the same ``step``
        further on; made once for the whole check, which aligns the draft with many sources."""
        found = self._places.get((r, step))
        if found is None:
            positions = self.repeats[r]
            found = frozenset(positions), frozenset(h + step for h in positions)
            self._places[(r, step)] = found
        return found


#: Characters compared one at a time before :func:`_forward` and :func:`_backward` compare
#: slices: most runs are shorter (a sentence copied), and a long one (a text repeating one
#: phrase against a source repeating it) then costs a few comparisons at C speed.
_SHORT: Final = 32


def _forward(a: str, i: int, i_end: int, b: str, j: int) -> int:
    """How many characters ``a[i:]`` (up to ``i_end``) and ``b[j:]`` share from the start."""
    limit = min(i_end - i, len(b) - j)
    n = 0
    while n < limit and n < _SHORT and a[i + n] == b[j + n]:
        n += 1
    if n < _SHORT or n == limit:
        return n
    size = _SHORT  # slices of 32, 64, 128 … while they agree, then halving the one that differs
    while n < limit:
        size = min(size, limit - n)
        if a[i + n : i + n + size] != b[j + n : j + n + size]:
            break
        n += size
        size *= 2
    else:
        return limit
    while size > 1:  # the first difference lies in [n, n + size)
        half = size // 2
        if a[i + n : i + n + half] == b[j + n : j + n + half]:
            n += half
            size -= half
        else:
            size = half
    return n


def _backward(a: str, i: int, i_start: int, b: str, j: int) -> int:
    """How many characters ``a[:i]`` (down to ``i_start``) and ``b[:j]`` share at the end
    (compared as :func:`_forward` does, from the end)."""
    limit = min(i - i_start, j)
    n = 0
    while n < limit and n < _SHORT and a[i - 1 - n] == b[j - 1 - n]:
        n += 1
    if n < _SHORT or n == limit:
        return n
    size = _SHORT
    while n < limit:
        size = min(size, limit - n)
        if a[i - n - size : i - n] != b[j - n - size : j - n]:
            break
        n += size
        size *= 2
    else:
        return limit
    while size > 1:  # the last difference lies in [n, n + size) characters back
        half = size // 2
        if a[i - n - half : i - n] == b[j - n - half : j - n]:
            n += half
            size -= half
        else:
            size = half
    return n


def _next_right(text: str, hi: int, source: str, ie: int, je: int, short: bool) -> list[Run]:
    """The runs that continue a span ending at ``ie``/``je`` past one edit (two when
    ``short``: one edit, a run of 1–3 characters, another edit); ``[]`` when none does."""
    for gi, gj in _GAPS:
        i, j = ie + gi, je + gj
        if i >= hi or j >= len(source):
            continue
        length = _forward(text, i, hi, source, j)
        if length >= SEED or (length and (i + length == hi or j + length == len(source))):
            return [Run(i, j, length)]
        if length and short:
            after = _next_right(text, hi, source, i + length, j + length, short=False)
            if after:
                return [Run(i, j, length), *after]
    return []


def _next_left(text: str, lo: int, source: str, i0: int, j0: int, short: bool) -> list[Run]:
    """:func:`_next_right` towards the start of the paragraphs (runs in reading order)."""
    for gi, gj in _GAPS:
        i, j = i0 - gi, j0 - gj
        if i <= lo or j <= 0:
            continue
        length = _backward(text, i, lo, source, j)
        if length >= SEED or (length and (i - length == lo or j - length == 0)):
            return [Run(i - length, j - length, length)]
        if length and short:
            before = _next_left(text, lo, source, i - length, j - length, short=False)
            if before:
                return [*before, Run(i - length, j - length, length)]
    return []


def _grow(text: str, lo: int, hi: int, source: str, anchor: Run) -> Chain:
    """The span around ``anchor``: runs past small edits on both sides (see the module)."""
    runs = [anchor]
    while more := _next_right(
        text, hi, source, runs[-1].i + runs[-1].length, runs[-1].j + runs[-1].length, short=True
    ):
        runs.extend(more)
    while more := _next_left(text, lo, source, runs[0].i, runs[0].j, short=True):
        runs[:0] = more
    last = runs[-1]
    return Chain(
        runs,
        runs[0].i,
        runs[0].j,
        last.i + last.length,
        last.j + last.length,
        sum(r.length for r in runs),
    )


def align(
    draft: DraftIndex, source: str, min_span: int, deadline: float | None = None
) -> list[Chain]:
    """Spans of at least ``min_span`` draft characters that ``source`` matches, with small edits.

    Args:
        draft: the draft's grams (``draft.gram`` at most the anchor, ``min(ANCHOR, min_span)``).
        source: one source paragraph, compact.
        min_span: the shortest span kept, in compact characters of the draft.
        deadline: a :func:`time.monotonic` time past which it raises :class:`TimeoutError`.
    """
    anchor = min(ANCHOR, min_span)
    gram = draft.gram
    step = anchor - gram + 1
    text = draft.text
    grams = draft.grams
    # Every exact run of ``anchor`` characters or more holds a probe (a gram of the source
    # every ``step`` characters), and each is measured once, at its first probe. A hit one
    # step along the draft from a hit of the previous probe continues that hit's run (the two
    # grams overlap, as ``step < gram``), measured already: only the other hits are new.
    if step >= gram:
        raise ValueError(f"the draft's grams ({gram}) must be longer than the step ({step})")
    held: Collection[int] = ()  # the previous probe's hits, one step along
    runs: list[tuple[int, int, int, int, int]] = []
    probes = range(0, len(source) - gram + 1, step)
    for j in probes:
        hit = grams.get(source[j : j + gram])
        if hit is None:
            held = ()
            continue
        if hit >= 0:
            fresh: Collection[int] = () if hit in held else (hit,)
            held = (hit + probes.step,)
        else:
            places, ahead = draft.places(~hit, probes.step)
            if deadline is not None and len(places) > _MANY and time.monotonic() > deadline:
                raise TimeoutError  # a draft and a source repeating one phrase: quadratic
            fresh = places.difference(held)
            held = ahead
        for i in fresh:
            para = draft.paragraph_of(i)
            lo, hi = draft.starts[para], draft.ends[para]
            back = _backward(text, i, lo, source, j)
            length = back + _forward(text, i, hi, source, j)
            if length >= anchor:
                runs.append((j - back, i - back, length, lo, hi))
    if not runs:
        return []
    # Spans grow from the runs in the order they start in the source (whichever probe found
    # them, so the spans do not depend on the step). Another alignment of draft characters
    # inside a span adds nothing (a source and a draft repeating a phrase would give a span
    # for every pair of repeats): first the runs that start outside every span found so
    # far, then those that still hold a character no span holds.
    runs.sort()
    spanned = bytearray(len(text))
    chains: list[Chain] = []
    later = []
    for run in runs:
        if spanned[run[1]]:
            later.append(run)
        else:
            _keep(chains, spanned, text, source, run, min_span)
    for run in later:
        if spanned.find(0, run[1], run[1] + run[2]) >= 0:
            _keep(chains, spanned, text, source, run, min_span)
    return chains


def _keep(
    chains: list[Chain],
    spanned: bytearray,
    text: str,
    source: str,
    run: tuple[int, int, int, int, int],
    min_span: int,
) -> None:
    """Grow a span from ``run`` (source start, draft start, length, paragraph bounds) and
    keep it, marking its draft characters, when it is ``min_span`` long or more."""
    j, i, length, lo, hi = run
    chain = _grow(text, lo, hi, source, Run(i, j, length))
    if chain.i_end - chain.i >= min_span:
        chains.append(chain)
        spanned[chain.i : chain.i_end] = b"\x01" * (chain.i_end - chain.i)
