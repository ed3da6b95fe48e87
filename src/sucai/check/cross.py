"""横向查重: drafts checked against each other as well as against the library (issue 18).

Each draft gets its :class:`~sucai.check.report.OverlapReport` against the library, and each
ordered pair ``(a, b)`` the share of ``a``'s counted characters that ``b`` also holds, by the
same rules (:mod:`sucai.check.align`: 10 characters in a row, 13 in all, edits of at most 2
characters bridged; stock phrases never count). The share is not symmetric: a short draft
copied whole into a long one is 100 % of the short one and a small part of the long one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sucai.check.align import ANCHOR, GRAM, DraftIndex, align
from sucai.check.engine import DEFAULT_MIN_SPAN, check_paragraphs
from sucai.check.text import compact, counted_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sucai.check.engine import CandidateIndex
    from sucai.check.report import OverlapReport
    from sucai.check.text import StockPhrases
    from sucai.store import Store

__all__ = ["CrossReport", "check_cross", "shared_chars"]


@dataclass(frozen=True, slots=True)
class CrossReport:
    """A batch of drafts against the library and against each other.

    Attributes:
        names: the drafts' names, in the order given.
        reports: each draft against the library.
        matrix: ``matrix[a][b]``: the share of draft ``a``'s counted characters that draft
            ``b`` also holds (0 on the diagonal).
    """

    names: tuple[str, ...]
    reports: tuple[OverlapReport, ...]
    matrix: tuple[tuple[float, ...], ...]


def shared_chars(
    draft: list[str],
    others: Sequence[list[str]],
    *,
    stock: StockPhrases,
    min_span: int = DEFAULT_MIN_SPAN,
) -> list[int]:
    """For each of ``others``, the counted characters of ``draft`` (paragraphs) it also holds,
    by the rules of :mod:`sucai.check.align`, stock phrases left out."""
    min_span = max(5, min_span)
    drafts = [compact(p) for p in draft]
    seeds = DraftIndex([d.text for d in drafts], min(GRAM, ANCHOR, min_span))
    counts = bytearray(len(seeds.text))
    for n, (d, p) in enumerate(zip(drafts, draft, strict=True)):
        for position in range(len(d.text)):
            counts[seeds.starts[n] + position] = 1
        for position in d.compact_positions(stock.ranges(p)):
            counts[seeds.starts[n] + position] = 0
    found: list[int] = []
    for other in others:
        covered = bytearray(len(seeds.text))
        for paragraph in other:
            for chain in align(seeds, counted_text(paragraph), min_span):
                covered[chain.i : chain.i_end] = counts[chain.i : chain.i_end]
        found.append(sum(covered))
    return found


def check_cross(
    store: Store,
    index: CandidateIndex,
    drafts: Sequence[list[str]],
    names: Sequence[str],
    *,
    stock: StockPhrases,
    min_span: int = DEFAULT_MIN_SPAN,
    time_limit: float | None = None,
) -> CrossReport:
    """Check ``drafts`` (each a list of paragraphs) against the library and each other.

    Raises:
        CheckTooLongError: a check against the library went past ``time_limit``.
    """
    reports = tuple(
        check_paragraphs(
            store,
            index,
            paragraphs,
            stock=stock,
            min_span=min_span,
            name=name,
            time_limit=time_limit,
        )
        for paragraphs, name in zip(drafts, names, strict=True)
    )
    rows = []
    for a, draft in enumerate(drafts):
        others = [other for b, other in enumerate(drafts) if b != a]
        shares = iter(shared_chars(draft, others, stock=stock, min_span=min_span))
        total = reports[a].chars
        rows.append(
            tuple(
                0.0 if b == a else next(shares) / total if total else 0.0
                for b in range(len(drafts))
            )
        )
    matrix = tuple(rows)
    return CrossReport(tuple(names), reports, matrix)
