"""A title broken into lines at word boundaries (GB/T 9704-2012 7.3.3, issue 21).

"标题回行时，要做到词意完整，排列对称，长短适宜": a word processor breaks a Chinese title after
whatever character fills the line ("…实现质 / 的有效提升…", "…主席新 / 年贺词"). Here the title
is cut into words by the search segmenter, which knows the 提法 dictionary
(:func:`sucai.search.tokenize.tagged_words`); lines end only between words and never inside
a 提法, and of the ways to fill the fewest lines the one chosen has lines of even length
that end at the strongest boundaries: after punctuation, before a verb, a preposition or a
conjunction; not beside a one-character word (的, 和, 质) nor between a name and its office
(习近平 / 主席).
"""

from __future__ import annotations

import itertools
import math
import unicodedata
from functools import cache
from typing import Final

from sucai.search.tokenize import tagged_words, tifa_terms

__all__ = ["source_lines", "title_lines"]

#: Nothing may open a line with these, nor close one with the openers (a dash opens what
#: follows it: ——习近平主席新年贺词…).
_CLOSERS: Final = frozenset("，。、；：？！）》”’」』〕】…·—")
_OPENERS: Final = frozenset("（《“‘「『〔【—")
#: A line may end just before these: a new phrase starts (verb, preposition, conjunction,
#: adverb).
_PHRASE_STARTS: Final = frozenset({"v", "vd", "p", "c", "d", "ad"})
#: Cost of a line end by the boundary it sits at; a line's length off the mean costs
#: (difference / 2)², so a break between phrases wins over even lengths (——2024年3月5日 /
#: 在…会议上).
_AFTER_PUNCTUATION: Final = 0.0
_BEFORE_PHRASE: Final = 2.0
_BETWEEN_WORDS: Final = 16.0
_WEAK: Final = 40.0
#: The width of a digit or a Latin letter, in characters (0.64 in DejaVu Sans, which
#: LibreOffice sets them in beside a CJK font), and the space a word processor puts between
#: them and Chinese characters (LibreOffice: 0.2).
_NARROW: Final = 0.65
_AUTOSPACE: Final = 0.2


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WFA"  # ambiguous: ——, “”, · are set wide


def _width(text: str) -> float:
    kinds = [_wide(c) for c in text if not c.isspace()]
    switches = sum(a != b for a, b in itertools.pairwise(kinds))
    return sum(1.0 if wide else _NARROW for wide in kinds) + switches * _AUTOSPACE


@cache
def _tifa_by_first() -> dict[str, tuple[str, ...]]:
    by_first: dict[str, list[str]] = {}
    for term in tifa_terms():
        by_first.setdefault(term[0], []).append(term)
    return {c: tuple(terms) for c, terms in by_first.items()}


def _inside_tifa(text: str) -> set[int]:
    """Offsets strictly inside an occurrence of a 提法."""
    inside: set[int] = set()
    table = _tifa_by_first()
    for start, char in enumerate(text):
        for term in table.get(char, ()):
            if text.startswith(term, start):
                inside.update(range(start + 1, start + len(term)))
    return inside


def _cost(before: tuple[str, str], after: tuple[str, str]) -> float:
    """What a line end between two words costs (``inf``: not allowed)."""
    (left, left_tag), (right, right_tag) = before, after
    if (right[0] in _CLOSERS and right[0] != "—") or left[-1] in _OPENERS:
        return math.inf
    if (left[-1].isdigit() and right[0] in "年月日") or (left[-1] in "年月" and right[0].isdigit()):
        return math.inf  # 2021年8月20日 stays whole
    if left_tag == "x" or left.isspace() or right.startswith(("——", *_OPENERS)):
        return _AFTER_PUNCTUATION
    if right_tag in _PHRASE_STARTS and (len(right) > 1 or right_tag in ("p", "c")):
        return _BEFORE_PHRASE  # 在, 和 may open a line
    if left_tag.startswith("nr") or len(left) == 1 or len(right) == 1:
        return _WEAK
    return _BETWEEN_WORDS


def title_lines(title: str, chars_per_line: float) -> tuple[str, ...]:
    """``title`` (or a 题注 line) as its lines, each at most ``chars_per_line`` characters
    wide (a digit or a Latin letter counts about two thirds). One line when it fits, else
    the fewest lines that break only between words; a title that cannot be broken so stays
    one line (the word processor breaks it)."""
    if _width(title) <= chars_per_line:
        return (title,)
    words = tagged_words(title)
    inside = _inside_tifa(title)
    ends, costs, offset = [0], [0.0], 0
    for before, after in itertools.pairwise(words):
        offset += len(before[0])
        cost = math.inf if offset in inside else _cost(before, after)
        if cost < math.inf:
            ends.append(offset)
            costs.append(cost)
    ends.append(len(title))
    costs.append(0.0)

    def line(i: int, j: int) -> str:
        return title[ends[i] : ends[j]].strip()

    for count in range(math.ceil(_width(title) / chars_per_line), len(ends)):
        mean = _width(title) / count
        # best[k][j]: the cheapest k lines that end at ends[j], and where the last starts.
        best: list[dict[int, tuple[float, int]]] = [{0: (0.0, -1)}]
        for _k in range(count):
            row: dict[int, tuple[float, int]] = {}
            for i, (so_far, _) in best[-1].items():
                for j in range(i + 1, len(ends)):
                    width = _width(line(i, j))
                    if width > chars_per_line:
                        break
                    total = so_far + ((width - mean) / 2) ** 2 + costs[j]
                    if j not in row or total < row[j][0]:
                        row[j] = (total, i)
            best.append(row)
        if len(ends) - 1 in best[-1]:
            lines, j = [], len(ends) - 1
            for k in range(count, 0, -1):
                i = best[k][j][1]
                lines.append(line(i, j))
                j = i
            return tuple(reversed(lines))
    return (title,)


def source_lines(text: str, chars_per_line: float) -> tuple[str, ...]:
    """A source line (``——摘自《title》（role，2021年8月20日）``) that is wider than
    ``chars_per_line``, broken before its closing brackets, so that its date is never split
    ("（2021年8 / 月20日）"); the word processor breaks a title too long for one line."""
    cut = text.rfind("（")
    if _width(text) <= chars_per_line or cut <= 0 or not text.endswith("）"):
        return (text,)
    return (text[:cut], text[cut:])
