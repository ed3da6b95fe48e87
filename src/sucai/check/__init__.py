"""查重: how much of a draft comes from the library, and from where (issue 6).

``sucai check DRAFT``, :meth:`sucai.Library.check` and the web page ``/check`` all produce an
:class:`OverlapReport` in the shape of CNKI / PaperPass reports: the overall copy ratio, the
ratio without quoted text, the largest single-source ratio, each paragraph with its ratio and
its matched spans (offsets in the draft, source article, paragraph and offsets there), and the
sources sorted by how much of the draft they account for.

Method
------
1. **Normalise** both sides (:mod:`sucai.check.text`): fold width, case and traditional →
   simplified with :func:`sucai.search.fold.fold`, then keep only *counted characters* (CJK,
   letters, digits), each with its offset in the original text. Changed punctuation and
   whitespace disappear here; ratios count these characters only.
2. **Find candidates** in the library's search index (no side index, so nothing to keep in
   sync): every sentence of the draft (short ones merged, long ones cut at 60 characters)
   becomes one OR-query of its 16 rarest character bigrams (document frequency from the
   index), ranked by BM25; the best 8 paragraphs of each query are candidates. A copied
   sentence keeps most of its rare bigrams through light edits, so its source ranks first.
   The index is the same on every server (:class:`~sucai.check.engine.CandidateIndex`), so
   a SQLite and a PostgreSQL library of the same files give the same report.
3. **Align** (:mod:`sucai.check.align`): 4-character seeds shared by the draft and a candidate
   are merged along diagonals into exact runs, and runs are chained when the gaps between
   them are at most 6 characters in both texts — one inserted, deleted or changed character,
   a swapped place name (``xx县`` for ``某县``), a reworded word. A chain of at least
   ``min_span`` (13) draft characters, at least 75 % of them in exact runs, is a span.
4. **Attribute**: spans are taken longest first (ties: the earliest imported article); each
   draft character belongs to at most one span, and what is left of a span after earlier ones
   took their part still counts when it is ``min_span`` long. Characters of stock phrases
   (套话, :file:`stock_phrases.txt`, editable, or ``--exclude FILE``) never count as copied
   and do not help a span reach ``min_span``; characters inside “…” or marked citations
   (``[1]``, ``①``, Markdown ``>``) count as copied but not for the ratio without quotes.

The denominator of every ratio is all counted characters of the draft, stock phrases included.
Library paragraphs in the paid part are matched for those who may read them (members, admins,
the operator's command line). A visitor's draft is checked against the free index and free
paragraphs only (issue 15): paid text takes no part, so the report cannot tell whether a paid
paragraph holds a string.
"""

from __future__ import annotations

from sucai.check.draft import (
    DRAFT_SUFFIXES,
    draft_error_message,
    draft_from_bytes,
    draft_from_path,
    split_paragraphs,
)
from sucai.check.engine import DEFAULT_MIN_SPAN, check_paragraphs
from sucai.check.report import (
    CheckedParagraph,
    MatchSpan,
    OverlapReport,
    SourceShare,
    level_of,
)
from sucai.check.text import StockPhrases, counted, load_stock_phrases

__all__ = [
    "DEFAULT_MIN_SPAN",
    "DRAFT_SUFFIXES",
    "CheckedParagraph",
    "MatchSpan",
    "OverlapReport",
    "SourceShare",
    "StockPhrases",
    "check_paragraphs",
    "counted",
    "draft_error_message",
    "draft_from_bytes",
    "draft_from_path",
    "level_of",
    "load_stock_phrases",
    "split_paragraphs",
]
