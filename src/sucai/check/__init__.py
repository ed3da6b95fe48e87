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
   becomes one OR-query of its 12 rarest character bigrams (document frequency from the
   index), ranked by BM25; the best 3 paragraphs of each query are candidates. A copied
   sentence keeps most of its rare bigrams through light edits, so its source ranks first.
   The queries go in three rounds (every third sentence first, then of the others those no
   span found so far covers): the next sentence of a copied paragraph comes from the same
   source, so a draft half copied needs a third fewer queries, the cost that dominates.
   The index is the same on every server (:class:`~sucai.check.engine.CandidateIndex`), so
   a SQLite and a PostgreSQL library of the same files give the same report. The draft is
   compared 20,000 characters at a time, so memory does not grow with its length.
3. **Align** (:mod:`sucai.check.align`): a span starts from an exact match of at least 10
   characters and grows past differences of at most 2 characters in either text (a changed,
   inserted or deleted character, 我国→我省, another year) to the next exact run of 4 or
   more; a span of at least ``min_span`` (13) draft characters counts. Phrases two texts
   share across bigger differences do not chain into a "copy" (issue 18).
4. **Attribute**: spans are taken longest first (ties: the earliest imported article); each
   draft character belongs to at most one span, and what is left of a span after earlier ones
   took their part still counts when it is ``min_span`` long. Characters of stock phrases
   (套话, :file:`stock_phrases.txt`, editable, or ``--exclude FILE``) never count as copied
   and do not help a span reach ``min_span``; characters of quotations — attributed,
   sentence-long or 20-character quoted passages, not quoted terms like “链主” — and of
   sentences with a reference mark (``[1]``, ``①``, Markdown ``>``) count as copied but not
   for the ratio without quotes. The reports state these rules under 检测说明
   (:func:`sucai.check.render.rules`).

横向查重 (:func:`check_cross`, :meth:`sucai.Library.check_cross`) checks a batch of drafts
against the library and each against every other, by the same rules.

The denominator of every ratio is all counted characters of the draft, stock phrases included.
Library paragraphs in the paid part are matched for those who may read them (members, admins,
the operator's command line). A visitor's draft is checked against the free index and free
paragraphs only (issue 15): paid text takes no part, so the report cannot tell whether a paid
paragraph holds a string.
"""

from __future__ import annotations

from sucai.check.cross import CrossReport, check_cross
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
    "CrossReport",
    "MatchSpan",
    "OverlapReport",
    "SourceShare",
    "StockPhrases",
    "check_cross",
    "check_paragraphs",
    "counted",
    "draft_error_message",
    "draft_from_bytes",
    "draft_from_path",
    "level_of",
    "load_stock_phrases",
    "split_paragraphs",
]
