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
from sucai.i18n import N_
from sucai.search.fold import fold

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "STOCK_WILDCARD_CHARS",
    "Compact",
    "StockPhrases",
    "bigrams",
    "compact",
    "counted",
    "counted_text",
    "load_stock_phrases",
    "quoted_ranges",
    "sentence_chunks",
]

#: A counted character: a letter or digit in any script (CJK ideographs are letters).
_COUNTED: Final = re.compile(r"[^\W_]")
_COUNTED_RUN: Final = re.compile(r"[^\W_]+")
#: How many characters ``…`` in a stock phrase may stand for (within one sentence).
STOCK_WILDCARD_CHARS: Final = 30
_WILDCARD: Final = re.compile(r"…+|\.{3,}")
# Folded sentence ends: 。 stays, ！？； fold to ASCII.
_SENTENCE_END: Final = "。!?;\n"
_CHUNK: Final = re.compile(r"[^。!?;\n]+[。!?;]*")
_QUOTES: Final = re.compile(r"“([^“”\n]*)”|「([^「」\n]*)」|『([^『』\n]*)』|\"([^\"\n]*)\"")
#: A quoted passage this long (counted characters) is a quotation whatever surrounds it.
QUOTATION_CHARS: Final = 20
#: A quoted term shorter than this (counted characters) is never a quotation: “链主”,
#: “两个确立”, “绿水青山就是金山银山” are terms, not citations.
TERM_CHARS: Final = 8
# Attribution just before the opening mark (folded text: ，：become , :): 指出：“…”,
# 强调，“…”, 所说的“…”, 《论语》云“…”.
_ATTRIBUTION: Final = re.compile(
    r"(?:指出|强调|说|讲|讲道|写道|提出|要求|认为|表示|宣布|曰|云|称|所说的|所指出的|所强调的)"
    r"[:,]?\s*$"
)
# Punctuation inside a quoted passage that makes it a sentence, not a term.
_SENTENCE_INSIDE: Final = re.compile(r"[,。!?;:]")
# A reference mark: [1], 〔1〕 (［１］ folds to [1]) or ①–⑳.
_MARK: Final = re.compile(r"\s*(?:\[\d{1,3}\]|〔\d{1,3}〕|[①-⑳])")
# The sentence before a reference mark (at most 500 characters back: issue 22).
_CITED_SENTENCE: Final = re.compile(r"[^。!?;\n]{1,500}[。!?;]?$")


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
    offsets: list[int] = []
    for match in _COUNTED_RUN.finditer(folded):
        offsets.extend(range(match.start(), match.end()))
    return Compact("".join(_COUNTED_RUN.findall(folded)), tuple(offsets), folded)


def counted_text(text: str) -> str:
    """The folded counted characters of ``text``, joined (:func:`compact` without offsets)."""
    return "".join(_COUNTED_RUN.findall(fold(text)))


def bigrams(folded: str, start: int, end: int) -> set[str]:
    """The bigrams of folded ``[start, end)``: two counted characters side by side."""
    return {
        run[k : k + 2]
        for run in _COUNTED_RUN.findall(folded, start, end)
        for k in range(len(run) - 1)
    }


def sentence_chunks(folded: str, *, shortest: int = 8, longest: int = 60) -> list[tuple[int, int]]:
    """Pieces of a folded paragraph to look up in the index: sentences, merged or cut to size.

    Short sentences join the next one (a lone 8-character clause says little); long ones are
    cut into ``longest``-character windows so each lookup stays specific.

    Returns:
        ``[start, end)`` of each piece in ``folded``, in order.
    """
    pieces: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None
    for match in _CHUNK.finditer(folded):
        pending = (pending[0] if pending else match.start(), match.end())
        if counted(folded[pending[0] : pending[1]]) >= shortest:
            pieces.append(pending)
            pending = None
    if pending:
        if pieces and counted(folded[pending[0] : pending[1]]) < shortest:
            pieces[-1] = (pieces[-1][0], pending[1])
        else:
            pieces.append(pending)
    return [
        (at, min(at + longest, end)) for start, end in pieces for at in range(start, end, longest)
    ]


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Original ``[start, end)`` ranges of quotations and marked citations (issue 18).

    A quotation is a passage in quotation marks (“…”, 「…」, 『…』, "…") that is a
    citation, not a quoted term: it has at least :data:`TERM_CHARS` counted characters and
    is attributed (``指出：“…”``), is a sentence (punctuation inside), is at least
    :data:`QUOTATION_CHARS` long, or is followed by a reference mark. A marked citation is
    the sentence before a reference mark (``[1]``, ``［1］``, ``〔1〕``, ``①``); a paragraph
    written as a Markdown quote (``> …``) is all citation.
    """
    folded = fold(text)
    if folded.lstrip().startswith(">"):
        return [(0, len(text))]
    ranges: list[tuple[int, int]] = []
    for match in _QUOTES.finditer(folded):
        inner = next(g for g in match.groups() if g is not None)
        chars = counted(inner)
        marked = _MARK.match(folded, match.end()) is not None
        if marked or (
            chars >= TERM_CHARS
            and (
                chars >= QUOTATION_CHARS
                or _SENTENCE_INSIDE.search(inner) is not None
                or _ATTRIBUTION.search(folded, max(0, match.start() - 8), match.start()) is not None
            )
        ):
            ranges.append(match.span())
    for mark in _MARK.finditer(folded):
        sentence = _CITED_SENTENCE.search(folded, max(0, mark.start() - 500), mark.start())
        if sentence is not None:
            ranges.append((sentence.start(), mark.end()))
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
            if self.source:
                raise UserError.of(
                    N_(
                        "stock phrase '{phrase}' in {source} has no characters besides "
                        "punctuation and '…'; write the words of the phrase, e.g. 高举…伟大旗帜."
                    ),
                    phrase=phrase,
                    source=self.source,
                )
            raise UserError.of(
                N_(
                    "stock phrase '{phrase}' has no characters besides punctuation and '…'; "
                    "write the words of the phrase, e.g. 高举…伟大旗帜."
                ),
                phrase=phrase,
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
