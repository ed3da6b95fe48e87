"""What every export format renders: a document as a list of typed paragraphs (issue 5).

:func:`article_document` and :func:`basket_document` turn stored material into an
:class:`ExportDoc`; the renderers (:mod:`.docx`, :mod:`.text`) only lay it out. Paid
paragraphs arrive already emptied for viewers who may not read them
(:func:`sucai.web.access.redact_article`); they become one note here, never text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from sucai.hygiene import find_issues
from sucai.models import MayHoldTable, table_text

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from datetime import date

    from sucai.models import Article, Paragraph

__all__ = [
    "BASIS_COLUMNS",
    "LOCKED_NOTE",
    "ExportDoc",
    "Mark",
    "Piece",
    "PieceKind",
    "article_document",
    "basket_document",
    "digest_document",
    "heading_level",
    "numeral",
    "source_line",
]

PieceKind = Literal["heading", "body", "source", "note", "sources-title", "table", "title"]
LOCKED_NOTE: Final = "（以下为会员内容，开通会员后可下载全文。）"

_LEVELS: Final = (
    (re.compile(r"^[一二三四五六七八九十]+、"), 1),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]"), 2),
    (re.compile(r"^\d{1,2}[.．](?!\d)"), 3),
    (re.compile(r"^[（(]\d{1,2}[）)]"), 4),
)
_NUMERALS: Final = "一二三四五六七八九十"
_LEAD_END: Final = re.compile(r"[。！？]")
_LEAD_MAX: Final = 60
#: The 题注 a speech opens with, under its title: the date and the meeting
#: (``——2024年3月5日在第十四届全国人民代表大会第二次会议上``) and the speaker
#: (``国务院总理　李　强``, stored as ``国务院总理李　强``), at most this many lines in all.
_CAPTION_DATE: Final = re.compile(r"^[—－]{1,2}\s*\d{4}年\d{1,2}月\d{1,2}日[^。；！？]{0,60}$")
_SPEAKER: Final = re.compile(
    r"^(?P<office>[\u4e00-\u9fff]{1,20}?(?:总理|书记|主席|主任|部长|省长|市长|县长|区长|州长|"
    r"镇长|乡长|局长|厅长|院长|会长|行长|校长))[\s\u3000]*"
    r"(?P<name>[\u4e00-\u9fff](?:[\s\u3000]?[\u4e00-\u9fff]){1,3})$"
)
_CAPTION_LINES: Final = 4
#: A date alone in brackets under the title (``（2021年8月20日）``): our own 题注 says it.
_BRACKETED_DATE: Final = re.compile(r"^[（(]\d{4}年\d{1,2}月\d{1,2}日[）)]$")


@dataclass(frozen=True, slots=True)
class Mark:
    """A span to highlight: ``kind`` is a hygiene finding kind; offsets in characters."""

    start: int
    end: int
    kind: str
    message: str


@dataclass(frozen=True, slots=True)
class Piece(MayHoldTable):
    """One paragraph of an exported document.

    Attributes:
        kind: ``"heading"`` (a whole heading line), ``"body"``, ``"source"`` (where a basket
            piece comes from), ``"note"`` (e.g. the paid-part notice), ``"sources-title"``,
            ``"title"`` (the title of a whole article in a basket),
            ``"table"`` (``text`` is the table's rows, one a line, cells separated by tabs:
            see :attr:`rows`).
        text: the text.
        level: heading level 1–4 (一、/（一）/1./（1）) for headings, or of the lead of a body
            paragraph that opens with a heading marker.
        lead: length of that lead sentence (0: none), which takes the heading's font.
        marks: placeholders and likely removed names to highlight.
    """

    kind: PieceKind
    text: str
    level: int = 0
    lead: int = 0
    marks: tuple[Mark, ...] = ()


@dataclass(frozen=True, slots=True)
class ExportDoc:
    """A document to export.

    Attributes:
        title: the title (centred, 2号小标宋 in Word).
        subtitle: the 题注 under the title, if any: our role/date line, or the speech's own
            date-and-meeting and speaker lines (``\n`` between lines).
        pieces: the paragraphs.
        name: a file name stem (without suffix).
    """

    title: str
    subtitle: str | None
    pieces: tuple[Piece, ...]
    name: str

    def findings(self) -> int:
        """Number of highlighted spans."""
        return sum(len(p.marks) for p in self.pieces)


def heading_level(text: str) -> int:
    """The GB/T 9704 level of a heading marker at the start of ``text`` (0: none)."""
    for pattern, level in _LEVELS:
        if pattern.match(text):
            return level
    return 0


def _marks(text: str) -> tuple[Mark, ...]:
    return tuple(Mark(f.start, f.end, f.kind, f.message) for f in find_issues(text))


def _piece(p: Paragraph) -> Piece:
    if p.kind == "table":
        return Piece("table", p.text)
    marks = _marks(p.text)
    level = heading_level(p.text)
    if p.heading:
        return Piece("heading", p.text, level or min(p.heading, 4), 0, marks)
    if level:
        end = _LEAD_END.search(p.text)
        if end is not None and end.end() <= _LEAD_MAX and end.end() < len(p.text):
            return Piece("body", p.text, level, end.end(), marks)
    return Piece("body", p.text, 0, 0, marks)


def _date(article: Article) -> str | None:
    if article.issued_on:
        year, month, day = (int(x) for x in article.issued_on.split("-"))
        return f"{year}年{month}月{day}日"
    return None


def subtitle(article: Article) -> str | None:
    """The 题注 of an article: ``（县长　2023年1月5日）``, or ``None``."""
    parts = [x for x in (article.role, _date(article)) if x]
    return f"（{'　'.join(parts)}）" if parts else None


def source_line(article: Article) -> str:
    """Where material comes from: ``《title》（role，date）``."""
    extra = "，".join(x for x in (article.role, _date(article) or _year(article)) if x)
    return f"《{article.title}》" + (f"（{extra}）" if extra else "")


def _year(article: Article) -> str | None:
    return f"{article.year}年" if article.year else None


def _paragraph_pieces(paragraphs: Sequence[Paragraph]) -> list[Piece]:
    pieces: list[Piece] = []
    locked = False
    for p in paragraphs:
        if p.paid and not p.text:
            if not locked:
                pieces.append(Piece("note", LOCKED_NOTE))
                locked = True
            continue
        pieces.append(_piece(p))
    return pieces


def _safe_name(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._")[:60] or "untitled"


def _own_caption(article: Article) -> tuple[int, list[str]]:
    """The 题注 a speech's text opens with: how many leading paragraphs it takes (with a
    first line that repeats the end of the title: ``政府工作报告``, and a bracketed date our
    own 题注 repeats) and its lines. Only a block with a date counts; ``(0, [])``
    otherwise."""
    lines: list[str] = []
    dated = False
    taken = 0
    for p in article.paragraphs[:_CAPTION_LINES]:
        text = p.text.strip()
        if p.paid or p.heading or p.kind == "table" or not text:
            break
        if _CAPTION_DATE.match(text):
            lines.append(text)
            dated = True
        elif _BRACKETED_DATE.match(text):
            dated = True
        elif speaker := _SPEAKER.match(text):
            lines.append(f"{speaker['office']}　{speaker['name']}")
        elif not (taken == 0 and len(text) >= 4 and article.title.endswith(text)):
            break
        taken += 1
    return (taken, lines) if dated else (0, [])


def article_document(article: Article) -> ExportDoc:
    """An article as a document: title, 题注, paragraphs (headings by their marker).

    A speech that opens with its own 题注 (date and meeting, speaker) has those lines as its
    题注, once: our role/date line adds only a role they do not name (issue 21).
    """
    taken, caption = _own_caption(article)
    ours = subtitle(article)
    if caption:
        role = article.role
        ours = f"（{role}）" if role and not any(role in line for line in caption) else None
    elif not article.issued_on:
        taken = 0  # a bracketed date our 题注 does not say: the text keeps it
    return ExportDoc(
        title=article.title,
        subtitle="\n".join([*caption, *([ours] if ours else [])]) or None,
        pieces=tuple(_paragraph_pieces(article.paragraphs[taken:])),
        name=f"{article.id}-{_safe_name(article.title)}",
    )


def basket_document(
    name: str,
    parts: Sequence[tuple[Article, Sequence[Paragraph]]],
    statuses: Mapping[int, str] | None = None,
) -> ExportDoc:
    """A basket as one document: each piece of material followed by its source (a whole
    article under its own title), then 出处 and the 依据表 (issue 20).

    The 依据表 is a table with a row per piece: the piece (its opening words), its article's
    title, role and date, a law's status (现行有效, 已修正 …) and where the passage is
    (``/article/12#p4`` opens it marked on the web page; ``sucai show 12``).

    Args:
        name: the basket's name (the document's title).
        parts: per basket item, the article it comes from and the paragraphs chosen.
        statuses: a law's status by article id (others have none).
    """
    pieces: list[Piece] = []
    seen: dict[int, str] = {}
    rows: list[tuple[str, ...]] = [BASIS_COLUMNS]
    for article, paragraphs in parts:
        if paragraphs and tuple(paragraphs) == article.paragraphs:
            pieces.append(Piece("title", article.title))
        pieces += _paragraph_pieces(paragraphs)
        line = source_line(article)
        seen.setdefault(article.id, line)
        pieces.append(Piece("source", f"——摘自{line}"))
        shown: list[Paragraph | None] = [p for p in paragraphs if p.text] or [None]
        for p in shown:
            rows.append(_basis_row(len(rows), article, p, (statuses or {}).get(article.id)))
    if seen:
        pieces.append(Piece("sources-title", "出处"))
        pieces += [Piece("source", f"{n}. {line}") for n, line in enumerate(seen.values(), 1)]
        pieces.append(Piece("sources-title", "依据表"))
        pieces.append(Piece("table", table_text(rows)))
    return ExportDoc(title=name, subtitle=None, pieces=tuple(pieces), name=_safe_name(name))


#: The columns of the 依据表 (issue 20).
BASIS_COLUMNS: Final = ("序号", "材料", "文章", "职务", "日期", "效力", "出处")
#: Characters of a piece shown in its 依据表 row.
_BASIS_EXCERPT: Final = 24


def _basis_row(
    number: int, article: Article, paragraph: Paragraph | None, status: str | None
) -> tuple[str, ...]:
    """One row of the 依据表: a paragraph (``None``: a whole article withheld or empty)."""
    if paragraph is None:
        excerpt, where = "（全文）", f"/article/{article.id}"
    else:
        text = paragraph.text
        excerpt = text if len(text) <= _BASIS_EXCERPT else text[:_BASIS_EXCERPT] + "…"
        where = f"/article/{article.id}#p{paragraph.index}"
    return (
        str(number),
        excerpt,
        f"《{article.title}》",
        article.role or "",
        article.issued_on or _year(article) or "",
        status or "",
        where,
    )


def numeral(n: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (1 to 99): the number of a 一、 heading."""
    tens, ones = divmod(n, 10)
    head = ("" if tens < 2 else _NUMERALS[tens - 1]) + ("十" if tens else "")
    return head + (_NUMERALS[ones - 1] if ones else "")


def digest_document(
    title: str,
    day: date,
    groups: Sequence[tuple[str, int, Sequence[tuple[Article, str, str]]]],
) -> ExportDoc:
    """A daily digest (今日更新, issue 19): per group a 一、 heading with its count, then per
    article its title (a 1. heading), a line of role, source and date, and its first paragraph.

    Args:
        title: the document's title.
        day: the import day (in the 题注).
        groups: ``(label, articles in the group, listed)``, each listed article with its
            source folder and its first paragraph the reader may read (``""``: none; a note
            says so when paid paragraphs were withheld). Articles counted but not listed are
            counted in a note.
    """
    pieces: list[Piece] = []
    total = sum(count for _, count, _ in groups)
    for n, (label, count, listed) in enumerate(groups, 1):
        pieces.append(Piece("heading", f"{numeral(min(n, 99))}、{label}（{count} 篇）", 1))
        for k, (article, source, lead) in enumerate(listed, 1):
            pieces.append(Piece("heading", f"{k}. {article.title}", 3))
            date_text = _date(article) or _year(article)
            facts = [article.genre, article.role, source, date_text]
            pieces.append(Piece("source", " · ".join(x for x in facts if x)))
            if lead:
                pieces.append(_piece_text(lead))
            elif any(p.paid and not p.text for p in article.paragraphs):
                pieces.append(Piece("note", LOCKED_NOTE))
        if count > len(listed):
            pieces.append(Piece("note", f"（另有 {count - len(listed)} 篇未列出。）"))
    if not groups:
        pieces.append(Piece("note", "（这一天没有新导入的材料。）"))
    subtitle_text = f"（{day.year}年{day.month}月{day.day}日　共 {total} 篇）"
    return ExportDoc(title, subtitle_text, tuple(pieces), _safe_name(title))


def _piece_text(text: str) -> Piece:
    """A body paragraph of ``text`` (no hygiene marks: a digest quotes, it is not edited)."""
    return Piece("body", text)
