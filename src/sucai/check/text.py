"""Draft and source text as the matcher sees it: folded, punctuation-free, with offset maps.

Matching compares *counted characters* only — CJK characters, letters and digits after
:func:`~sucai.search.fold.fold` (width, case, traditional → simplified). Punctuation and
whitespace are dropped, so a changed comma or an added space never breaks a match. Every
counted character keeps its offset in the original text, so spans found on the compact form
are reported in characters of the text as written.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sucai.errors import UserError
from sucai.search.fold import fold

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "STOCK_WILDCARD_CHARS",
    "Compact",
    "StockPhrases",
    "compact",
    "counted",
    "load_stock_phrases",
    "quoted_ranges",
    "sentence_chunks",
]

#: A counted character: a letter or digit in any script (CJK ideographs are letters).
_COUNTED: Final = re.compile(r"[^\W_]")
#: How many characters ``…`` in a stock phrase may stand for (within one sentence).
STOCK_WILDCARD_CHARS: Final = 30
_WILDCARD: Final = re.compile(r"…+|\.{3,}")
# Folded sentence ends: 。 stays, ！？； fold to ASCII.
_SENTENCE_END: Final = "。!?;\n"
_CHUNK: Final = re.compile(r"[^。!?;\n]+[。!?;]*")
_QUOTES: Final = re.compile(r"“[^“”\n]*”|「[^「」\n]*」|『[^『』\n]*』|\"[^\"\n]*\"")
# A sentence followed by a reference mark such as [1], ［1］, 〔1〕 or ① is a marked citation;
# it is looked for within 500 characters before the mark (an unbounded sentence made the
# search quadratic in a long paragraph, issue 22).
_CITED: Final = re.compile(r"[^。!?;\n]{1,500}[。!?;]?\s*(?:\[\d{1,3}\]|〔\d{1,3}〕|[①-⑳])")


def counted(text: str) -> int:
    """How many characters of ``text`` count for ratios (CJK, letters, digits)."""
    return len(_COUNTED.findall(text))


@dataclass(frozen=True, slots=True)
class Compact:
    """A text's counted characters, folded, and where each stands in the original.

    Attributes:
        text: the folded counted characters, joined.
        offsets: ``offsets[i]`` is the original offset of ``text[i]``.
        folded: the whole original text folded (same length as the original).
    """

    text: str
    offsets: tuple[int, ...]
    folded: str

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` of the compact range ``[start, end)`` (non-empty)."""
        return self.offsets[start], self.offsets[end - 1] + 1

    def compact_positions(self, ranges: Iterable[tuple[int, int]]) -> set[int]:
        """Compact positions whose original offsets fall inside any of ``ranges``."""
        found: set[int] = set()
        for start, end in ranges:
            lo = bisect.bisect_left(self.offsets, start)
            hi = bisect.bisect_left(self.offsets, end)
            found.update(range(lo, hi))
        return found


def compact(text: str) -> Compact:
    """Fold ``text`` and keep its counted characters with their offsets."""
    folded = fold(text)
    offsets = tuple(m.start() for m in _COUNTED.finditer(folded))
    return Compact("".join(folded[i] for i in offsets), offsets, folded)


def sentence_chunks(folded: str, *, shortest: int = 8, longest: int = 60) -> list[str]:
    """Pieces of a folded paragraph to look up in the index: sentences, merged or cut to size.

    Short sentences join the next one (a lone 8-character clause says little); long ones are
    cut into ``longest``-character windows so each lookup stays specific.
    """
    pieces: list[str] = []
    pending = ""
    for match in _CHUNK.finditer(folded):
        pending += match.group(0)
        if counted(pending) >= shortest:
            pieces.append(pending)
            pending = ""
    if pending:
        if pieces and counted(pending) < shortest:
            pieces[-1] += pending
        else:
            pieces.append(pending)
    out: list[str] = []
    for piece in pieces:
        out.extend(piece[i : i + longest] for i in range(0, len(piece), longest))
    return out


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Original ``[start, end)`` ranges of quotations (“…”, 「…」, 『…』, "…") and citations.

    A marked citation is a sentence followed by a reference mark (``[1]``, ``［1］``,
    ``〔1〕``, ``①``) or a paragraph written as a Markdown quote (``> …``).
    """
    folded = fold(text)
    if folded.lstrip().startswith(">"):
        return [(0, len(text))]
    ranges = [m.span() for m in _QUOTES.finditer(folded)]
    ranges += [m.span() for m in _CITED.finditer(folded)]
    return ranges


class StockPhrases:
    """Stock phrases (套话) whose matches in a draft do not count as copied.

    One phrase a line; ``#`` starts a comment. ``…`` (or ``...``) stands for up to
    :data:`STOCK_WILDCARD_CHARS` characters within one sentence, as in ``高举…伟大旗帜``.
    Phrases match after folding, with any punctuation or spaces between their characters
    (``不忘初心、牢记使命`` also matches ``不忘初心，牢记使命``).

    Args:
        phrases: the phrases as written.
        source: where they came from, for messages.
    """

    def __init__(self, phrases: Sequence[str], source: str = "") -> None:
        self.phrases = tuple(p for p in (x.strip() for x in phrases) if p)
        self.source = source
        self._patterns = tuple(self._compile(p) for p in self.phrases)

    def _compile(self, phrase: str) -> re.Pattern[str]:
        parts = [compact(part).text for part in _WILDCARD.split(phrase)]
        gap = r"[^\w。!?;\n]{0,3}"
        literal = [gap.join(re.escape(c) for c in part) for part in parts]
        if not any(literal):
            where = f" in {self.source}" if self.source else ""
            raise UserError(
                f"stock phrase '{phrase}'{where} has no characters besides punctuation and "
                "'…'; write the words of the phrase, e.g. 高举…伟大旗帜."
            )
        wildcard = rf"{gap}[^{_SENTENCE_END}]{{1,{STOCK_WILDCARD_CHARS}}}?{gap}"
        return re.compile(wildcard.join(literal))

    def ranges(self, text: str) -> list[tuple[int, int]]:
        """Original ``[start, end)`` ranges of ``text`` matched by any phrase."""
        folded = fold(text)
        return [m.span() for p in self._patterns for m in p.finditer(folded) if m.end() > m.start()]


def _read_lines(text: str) -> list[str]:
    return [line.split("#", 1)[0] for line in text.splitlines()]


@cache
def _default_phrases() -> StockPhrases:
    text = files("sucai.check").joinpath("stock_phrases.txt").read_text(encoding="utf-8")
    return StockPhrases(_read_lines(text), "the shipped stock_phrases.txt")


def load_stock_phrases(exclude: Path | Sequence[str] | StockPhrases | None = None) -> StockPhrases:
    """The stock phrases to use: shipped (``None``), from a file, or given.

    Args:
        exclude: ``None`` for ``sucai/check/stock_phrases.txt``; a :class:`~pathlib.Path` of
            a UTF-8 file in the same format; a sequence of phrases (empty: exclude nothing).

    Raises:
        UserError: the file cannot be read, or a phrase is only punctuation.
    """
    if exclude is None:
        return _default_phrases()
    if isinstance(exclude, StockPhrases):
        return exclude
    if isinstance(exclude, Path):
        try:
            text = exclude.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(
                f"{exclude}: cannot read the stock-phrase list ({exc}). Give a UTF-8 text file "
                "with one phrase a line (see sucai/check/stock_phrases.txt)."
            ) from None
        return StockPhrases(_read_lines(text), str(exclude))
    return StockPhrases(list(exclude))
