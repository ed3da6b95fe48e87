"""Well-known classical lines (issue 20): ``lines.txt`` beside this file holds every sentence of
seven characters or more of the curated anthologies of the chinese-poetry project (NOTICE:
its licence; ``bench/jinju_lines_build.py`` rebuilds it), and :func:`known_hits` finds them in
a paragraph whatever its punctuation, marks or cue — a 金句 of the kind 引用 (:mod:`sucai.jinju`).
"""

from __future__ import annotations

import itertools
import re
from functools import cache
from importlib.resources import files
from typing import Final

from sucai.search.fold import fold, fold_table

__all__ = ["HAN", "MIN_PAIR", "MIN_SINGLE", "known_hits", "known_lines"]

#: The shortest known line a sentence must hold, in characters: a pair of clauses of four
#: (桃李不言，下自成蹊), a single clause of seven (a line of 七言 verse). One 成语 of four, or
#: two in a row, never makes a sentence a quotation: the pair must be one the anthologies
#: hold, in their order.
MIN_PAIR: Final = 8
MIN_SINGLE: Final = 7
#: A run of Chinese characters.
HAN = re.compile(r"[\u3400-\u9fff]+")


@cache
def known_lines() -> frozenset[str]:
    """The well-known classical lines of ``lines.txt`` (curated anthologies of
    the chinese-poetry project, folded, Chinese characters only), as the strings a sentence's
    clauses are matched against: each clause of :data:`MIN_SINGLE` characters or more and
    each pair of adjacent clauses of :data:`MIN_PAIR` or more, joined. Built once a process."""
    data = (files("sucai.classics") / "lines.txt").read_text(encoding="utf-8")
    units: set[str] = set()
    for line in data.splitlines():
        if not line or line.startswith("#"):
            continue
        clauses = line.split("，")
        units.update(c for c in clauses if len(c) >= MIN_SINGLE)
        units.update(a + b for a, b in itertools.pairwise(clauses) if len(a) + len(b) >= MIN_PAIR)
    return frozenset(units)


@cache
def _unfolded() -> re.Pattern[str]:
    """The Chinese characters folding changes (traditional ones): text without them is
    matched as it is, unfolded (most of a library: folding all of it would cost more than
    the matching)."""
    chars = "".join(chr(c) for c in fold_table() if 0x3400 <= c <= 0x9FFF)
    return re.compile(f"[{re.escape(chars)}]")


def known_hits(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds a known line (:func:`known_lines`), as ``(start, stop)``, matched
    on folded text whatever the punctuation, marks or cue around it: 观今宜鉴古，无古不成今
    in plain prose. A run of Chinese characters may carry words before the line
    (正所谓观今宜鉴古，无古不成今) or after it, when the line's two clauses are of one
    length."""
    if _unfolded().search(text) is not None:
        text = fold(text)
    lines = known_lines()
    hits: list[tuple[int, int]] = []
    runs = [(m.start(), m.end(), m.group()) for m in HAN.finditer(text)]
    for (a0, a1, a), (b0, b1, b) in itertools.pairwise(runs):
        # The pair first: 事非经过不知难，成如容易却艰辛 is one line, not its first clause.
        if len(a) + len(b) < MIN_PAIR:
            pass
        elif a + b in lines:
            hits.append((a0, b1))
            continue
        elif len(a) > len(b) and a[-len(b) :] + b in lines:
            hits.append((a1 - len(b), b1))
            continue
        elif len(b) > len(a) and a + b[: len(a)] in lines:
            hits.append((a0, b0 + len(a)))
            continue
        if len(a) >= MIN_SINGLE and a in lines:
            hits.append((a0, a1))
    if runs and len(runs[-1][2]) >= MIN_SINGLE and runs[-1][2] in lines:
        hits.append(runs[-1][:2])
    # A title of a work (《登高壮观天地间》, an episode 《为有源头活水来》) is not a quotation.
    return [(h0, h1) for h0, h1 in hits if text.rfind("《", 0, h0) <= text.rfind("》", 0, h0)]
