"""The records of an overlap report (查重报告): frozen dataclasses, offsets in characters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

__all__ = [
    "HIGH",
    "MEDIUM",
    "CheckedParagraph",
    "Level",
    "MatchSpan",
    "OverlapReport",
    "SourceShare",
    "level_of",
]

#: A paragraph copied this much or more is marked red.
HIGH: Final = 0.70
#: A paragraph copied this much or more (and less than :data:`HIGH`) is marked orange.
MEDIUM: Final = 0.40

Level = Literal["high", "medium", "low"]


def level_of(ratio: float) -> Level:
    """The colour class of a paragraph's copy ratio: ≥ 70 % high, 40–70 % medium, else low."""
    if ratio >= HIGH:
        return "high"
    if ratio >= MEDIUM:
        return "medium"
    return "low"


@dataclass(frozen=True, slots=True)
class MatchSpan:
    """A stretch of a draft paragraph found in one library paragraph.

    Attributes:
        start, end: ``[start, end)`` character offsets in the draft paragraph's ``text``.
        article_id: the source article.
        paragraph_index: the source paragraph's position in its article (0-based).
        source_start, source_end: ``[start, end)`` character offsets in that paragraph.
        chars: counted characters (CJK, letters, digits) of the span that count as copied
            — stock phrases inside it excluded.
        quoted: how many of ``chars`` lie inside quotation marks or a marked citation.
        source_text: the source paragraph's text in the span, as stored.
        paid: the source paragraph is in the paid part of its article (only a viewer who may
            read it gets such a span: a visitor's draft is checked against the free text).
    """

    start: int
    end: int
    article_id: int
    paragraph_index: int
    source_start: int
    source_end: int
    chars: int
    quoted: int
    source_text: str
    paid: bool


@dataclass(frozen=True, slots=True)
class CheckedParagraph:
    """One paragraph of the draft and what of it was found in the library.

    Attributes:
        index: 0-based position in the draft.
        text: the paragraph as read (offsets refer to it).
        chars: counted characters of the paragraph.
        copied: counted characters inside matched spans (stock phrases excluded).
        spans: the matched spans, in draft order, not overlapping.
        excluded: ``[start, end)`` ranges of stock phrases, which never count.
        quoted: ``[start, end)`` ranges of quoted text and marked citations.
    """

    index: int
    text: str
    chars: int
    copied: int
    spans: tuple[MatchSpan, ...]
    excluded: tuple[tuple[int, int], ...]
    quoted: tuple[tuple[int, int], ...]

    @property
    def ratio(self) -> float:
        """``copied / chars`` (0 for a paragraph with no counted characters)."""
        return self.copied / self.chars if self.chars else 0.0

    @property
    def level(self) -> Level:
        """``"high"`` (≥ 70 %), ``"medium"`` (40–70 %) or ``"low"``."""
        return level_of(self.ratio)


@dataclass(frozen=True, slots=True)
class SourceShare:
    """A library article and how much of the draft it accounts for.

    Attributes:
        article_id, title, role, genre, year: the article.
        chars: counted draft characters attributed to it.
        ratio: ``chars`` / all counted characters of the draft.
        paragraphs: indexes of its paragraphs that matched, in article order.
    """

    article_id: int
    title: str
    role: str | None
    genre: str
    year: int | None
    chars: int
    ratio: float
    paragraphs: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class OverlapReport:
    """How much of a draft comes from where, in the shape of a CNKI / PaperPass report.

    Every count is of *counted characters*: CJK characters, letters and digits (punctuation
    and whitespace never count). Stock phrases (套话) count in ``chars`` but never as copied.

    Attributes:
        name: what was checked (a file name, or ``""`` for pasted text).
        paragraphs: the draft's paragraphs with their spans.
        sources: the library articles the spans come from, most of the draft first.
        chars: counted characters of the whole draft.
        copied: counted characters inside matched spans.
        quoted: of ``copied``, those inside quotation marks or marked citations.
        excluded: counted characters inside stock phrases.
        min_span: the shortest span counted, in counted characters.
        seconds: how long the check took.
    """

    name: str
    paragraphs: tuple[CheckedParagraph, ...]
    sources: tuple[SourceShare, ...]
    chars: int
    copied: int
    quoted: int
    excluded: int
    min_span: int
    seconds: float

    @property
    def ratio(self) -> float:
        """Overall copy ratio (总文字复制比): ``copied / chars``."""
        return self.copied / self.chars if self.chars else 0.0

    @property
    def ratio_without_quotes(self) -> float:
        """Copy ratio without quoted text (去除引用复制比): ``(copied − quoted) / chars``."""
        return (self.copied - self.quoted) / self.chars if self.chars else 0.0

    @property
    def top_source_ratio(self) -> float:
        """The largest single-source ratio (单篇最大复制比)."""
        return self.sources[0].ratio if self.sources else 0.0

    @property
    def level(self) -> Level:
        """Colour class of the overall ratio."""
        return level_of(self.ratio)
