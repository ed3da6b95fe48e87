"""The outline of an article (提纲): which paragraphs are headings, at what level, and the
section each paragraph stands in.

Headings are found from 一、/（一）/1./（1）, 第X编/章/节/条, 一要/一是/第一, short heading lines
that introduce a longer paragraph, and the lead sentences of runs of parallel paragraphs
(``在对外开放上再发力，打造“融沈对接”先导区。``). A table's cells, a 文号 and a page's date
field are never headings.
"""

from __future__ import annotations

import re
from typing import Final

from sucai.ingest.dates import field_date
from sucai.models import OutlineEntry

__all__ = ["CN_NUM", "DOC_NUMBER", "SENTENCE_END", "TERMINAL", "marker", "outline"]

CN_NUM: Final = "一二三四五六七八九十百千零〇两"
TERMINAL: Final = frozenset("。！？；：…!?;:")
SENTENCE_END: Final = re.compile(r"[。！？!?]")
_FULL_DATE: Final = re.compile(r"(?<!\d)((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")
#: Ranks of an unmarked heading line and of a lead sentence (see :data:`_MARKERS`), and the
#: longest heading line and lead sentence.
_LINE_RANK: Final = 45
_LEAD_RANK: Final = 95
_HEADING_MAX: Final = 45
_LEAD_MAX: Final = 60
#: 发文字号 (国发〔2019〕4号), maybe with the 签发人 beside it: a line of its own is no heading.
DOC_NUMBER: Final = re.compile(
    r"^[（(]?(?P<n>[\u4e00-\u9fff]{1,16}\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*第?\d+\s*号)[）)]?"
    r"(?:\s+签发人\s*[：:]\s*(?P<signer>[\u4e00-\u9fff·　 ]{2,12}))?$"
)

# (regex, rank, kind): a lower rank is higher in the tree.
_MARKERS: Final = (
    (re.compile(rf"^第[{CN_NUM}\d]+编(?=\s|$|[^\u4e00-\u9fff]|\S)"), 10, "marker"),
    (re.compile(rf"^第[{CN_NUM}\d]+章"), 20, "marker"),
    (re.compile(rf"^第[{CN_NUM}\d]+节"), 30, "marker"),
    (re.compile(rf"^第[{CN_NUM}\d]+条(?:之[{CN_NUM}]+)?(?=[\s\u3000]|$)"), 40, "marker"),
    (re.compile(r"^[一二三四五六七八九十]+、"), 50, "marker"),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]"), 60, "marker"),
    (re.compile(r"^\d{1,2}[.．、](?!\d)"), 70, "marker"),
    (re.compile(r"^[（(]\d{1,2}[）)]"), 80, "marker"),
    (re.compile(r"^[一二三四五六七八九十]+(?:要|是|方面|则|抓|在)(?=\S)"), 90, "enum"),
    (re.compile(r"^(?:第[一二三四五六七八九十]+|首先|其次|再次|最后)[，、,：:]"), 90, "enum"),
)


def marker(text: str) -> tuple[int, str, str] | None:
    """``(rank, kind, marker)`` when the paragraph opens with an outline marker."""
    for pattern, rank, kind in _MARKERS:
        match = pattern.match(text)
        if match is not None:
            return rank, kind, match.group(0)
    return None


def _introduces_body(paragraphs: list[str], i: int) -> bool:
    """A heading line is followed by a longer paragraph of sentences (not by a 落款 line)."""
    if i + 1 >= len(paragraphs):
        return False
    following = paragraphs[i + 1]
    return len(following) > len(paragraphs[i]) and following[-1] in TERMINAL | {"”", "）"}


def _lead(text: str) -> str | None:
    """The lead sentence of a paragraph written as a heading, if it is short enough."""
    match = SENTENCE_END.search(text)
    if match is None or match.end() >= len(text):
        return None
    lead = text[: match.end()]
    return lead if 6 <= len(lead) <= _LEAD_MAX else None


def _first_clause(text: str) -> str:
    return re.split(r"[，。；：,;:！？]", text, maxsplit=1)[0]


def _common_affix(clauses: list[str]) -> int:
    """Length of the longest prefix or suffix that all clauses share."""

    def common(items: list[str]) -> int:
        n = min(len(s) for s in items)
        k = 0
        while k < n and all(s[k] == items[0][k] for s in items):
            k += 1
        return k

    return max(common(clauses), common([s[::-1] for s in clauses]))


def _parallel_leads(paragraphs: list[str], candidates: set[int]) -> dict[int, str]:
    """Lead sentences of runs of ≥3 parallel paragraphs (排比 headings)."""
    leads: dict[int, str] = {}
    run: list[int] = []

    def flush() -> None:
        if len(run) >= 2:
            clauses = [_first_clause(paragraphs[i]) for i in run]
            need = 2 if len(run) >= 3 else 4
            if _common_affix(clauses) >= need:
                for i in run:
                    lead = _lead(paragraphs[i])
                    if lead is not None:
                        leads[i] = lead
        run.clear()

    for i in range(len(paragraphs)):
        if i in candidates and _lead(paragraphs[i]) is not None:
            if (
                run
                and _common_affix([_first_clause(paragraphs[run[0]]), _first_clause(paragraphs[i])])
                < 2
            ):
                flush()
            run.append(i)
        else:
            flush()
    flush()
    return leads


def outline(
    paragraphs: list[str], kinds: list[tuple[str, int]]
) -> tuple[list[OutlineEntry], list[int], list[int | None]]:
    """Build the outline; return entries, each paragraph's heading level and section."""
    found: dict[int, tuple[int, str, str, bool]] = {}  # index -> rank, kind, text, is_heading_line
    candidates: set[int] = set()
    for i, text in enumerate(paragraphs):
        kind, level = kinds[i]
        if kind == "table":
            continue  # a table's cells are never outline entries (issue 16)
        mark = marker(text)
        whole = (
            len(text) <= _HEADING_MAX and text[-1] not in TERMINAL and not SENTENCE_END.search(text)
        )
        if kind in ("heading", "title"):
            rank = mark[0] if mark else 5 + level
            found[i] = (rank, "marker" if mark else "heading", text, True)
        elif mark is not None:
            rank, mkind, _ = mark
            if whole:
                found[i] = (rank, mkind, text, True)
            else:
                lead = _lead(text) or _first_clause(text)[:_LEAD_MAX]
                found[i] = (rank, mkind, lead, False)
        elif (
            whole
            and _introduces_body(paragraphs, i)
            and not _FULL_DATE.search(text)
            and not (text[0] in "（(" and text[-1] in "）)")
            # A 文号 or a page's date field above the text is no heading (issue 16).
            and not DOC_NUMBER.match(text)
            and field_date(text) is None
        ):
            found[i] = (_LINE_RANK, "line", text, True)
        else:
            candidates.add(i)
    for i, lead in _parallel_leads(paragraphs, candidates).items():
        found[i] = (_LEAD_RANK, "lead", lead, False)

    entries: list[OutlineEntry] = []
    stack: list[tuple[int, int, str]] = []  # (rank, entry index, kind)
    headings = [0] * len(paragraphs)
    sections: list[int | None] = [None] * len(paragraphs)
    for i in range(len(paragraphs)):
        item = found.get(i)
        if item is None:
            sections[i] = stack[-1][1] if stack else None
            continue
        rank, kind, text, is_line = item
        if kind == "line":
            # An unmarked heading line sits just below the innermost marked heading.
            marked = [r for r, _, k in stack if k != "line"]
            rank = marked[-1] + 5 if marked else _LINE_RANK
        elif kind == "marker":
            # …and never takes marked headings as children: they are its siblings.
            while stack and stack[-1][2] == "line":
                stack.pop()
        while stack and stack[-1][0] >= rank:
            stack.pop()
        parent = stack[-1][1] if stack else None
        entry = OutlineEntry(len(entries), len(stack) + 1, text, i, parent, kind)
        entries.append(entry)
        sections[i] = entry.index
        if is_line:
            headings[i] = entry.level
        if kind not in ("lead", "enum"):
            stack.append((rank, entry.index, kind))
    return entries, headings, sections
