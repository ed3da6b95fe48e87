"""PDF parser: the text layer laid out page by page, running headers removed, paragraphs
and tables rebuilt (issue 16).

pypdfium2 (PDFium, the PDF engine of Chromium) gives each character with its box; the page
is laid out from those boxes (:mod:`sucai.ingest.parsers.pdf_layout`): lines, columns read
one after the other, tables row by row. Paragraphs are rebuilt from the lines' geometry: a
first-line indent, a line ending short of the column's right edge, a change of size or a
wide vertical gap starts a paragraph; a full line runs on, even when it ends in "。".

pypdf reads the file's structure first: it refuses encrypted and damaged files in our words,
counts the repairs a damaged file needs, and decodes every page's content streams under its
limit on unpacked sizes, so that a "zip bomb" is refused before PDFium unpacks it.
"""

from __future__ import annotations

import ctypes
import io
import logging
import math
import re
import statistics
import threading
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING, Final

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, StreamObject

from sucai.errors import DamagedFileError, IngestError, LimitExceededError
from sucai.ingest.limits import MAX_LINES, MAX_TEXT_CHARS
from sucai.ingest.normalize import Wrapped
from sucai.ingest.parsers.pdf_layout import (
    MAX_SHAPES,
    RULE_WIDTH,
    Char,
    Line,
    Rule,
    Table,
    layout_page,
    ordinary,
    rules_of_box,
)
from sucai.models import Block, ParsedText, RemovedLine

if TYPE_CHECKING:
    from sucai.models import SourceFile

__all__ = ["PdfParser"]

_PAGE_NUMBER: Final = (
    re.compile(r"^[-—–]?\s*\d+\s*[-—–]?$"),  # 3, - 3 -, — 3 —
    re.compile(r"^第\s*\d+\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?$"),  # 第 3 页, 第3页 共9页
    re.compile(r"^\d+\s*/\s*\d+$"),  # 3 / 9
    re.compile(r"^page\s*\d+(?:\s*of\s*\d+)?$", re.IGNORECASE),
)
#: Lines at the top and at the bottom of a page that may be running headers or footers.
_EDGE_LINES: Final = 2
#: A line is a running header/footer when it repeats at the page edge on this share of pages.
_REPEAT_SHARE: Final = 0.5
#: A line indented by this many character heights (or more) starts a paragraph.
_INDENT: Final = 0.8
#: A line ending this many character heights (or more) short of the right edge ends one.
_SHORT: Final = 1.5
#: Lines differing in height by more than this share are a heading and its text.
_SIZE_CHANGE: Final = 0.15
#: Lines this share taller than the body text are a title or heading (joined when wrapped).
_LARGE: Final = 1.15
#: A vertical gap this many heights wider than the usual one between lines ends a paragraph.
_GAP: Final = 0.8
#: Margins are measured on this many lines of body text at least.
_MIN_BODY: Final = 5
#: A document indents its paragraphs when this share of its lines (and two) are indented.
_INDENTED_SHARE: Final = 0.05
_SENTENCE_END: Final = frozenset("。！？；：…!?")
# A closing quote or bracket after 。 still ends the sentence; after other text it does not
# (a wrapped line may end in the middle of 坚持“两个确立” and go on).
_CLOSERS: Final = "”’』」）)》"
_OUTLINE: Final = re.compile(
    r"^(?:[一二三四五六七八九十百零〇]+、"
    r"|[（(][一二三四五六七八九十百零〇]+[）)]"
    r"|[（(]\d{1,3}[）)]"
    r"|\d{1,3}[.．、](?!\d)"
    r"|第[一二三四五六七八九十百千零〇\d]+[编章节条](?:\s|$))"
)
_DIGITS: Final = re.compile(r"\d+")
_SPACES: Final = re.compile(r"\s+")
_WORD_EXPORT: Final = re.compile(r"^Microsoft Word - |\.(?:docx?|wps)$", re.IGNORECASE)
_PLACEHOLDER_TITLES: Final = frozenset({"untitled", "无标题", "(anonymous)", "anonymous"})
#: Pages named one by one in the note on pages without text; the rest are counted.
_MAX_PAGES_NAMED: Final = 30


class _Repairs(logging.Handler):
    """Counts pypdf's warnings (robustness fixes to a damaged file) per thread.

    pypdf logs them and, with no handler anywhere, Python prints them on stderr; the import
    report says how many there were instead (issue 22). Records still propagate, so an
    operator who configures logging sees them.
    """

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        self.local.count = self.count() + 1

    def count(self) -> int:
        found: int = getattr(self.local, "count", 0)
        return found

    def reset(self) -> None:
        self.local.count = 0


_REPAIRS: Final = _Repairs()
logging.getLogger("pypdf").addHandler(_REPAIRS)


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _SENTENCE_END


def _is_page_number(line: str) -> bool:
    return any(pattern.match(line) for pattern in _PAGE_NUMBER)


def _chrome_key(line: str) -> str:
    """What a running header or footer keeps from page to page: its text, digits aside."""
    return _DIGITS.sub("#", _SPACES.sub("", line))


@dataclass(frozen=True, slots=True)
class _Line:
    """A line (or a table) of a page, in reading order, with its place on the page."""

    text: str
    number: int  # 1-based, over the lines of all pages
    page: int
    column: int
    x0: float
    x1: float
    y0: float
    y1: float
    height: float
    table: bool = False


def _number(pages: list[list[Line | Table]]) -> list[list[_Line]]:
    """The laid-out pages as numbered lines."""
    numbered: list[list[_Line]] = []
    number = 0
    for page, items in enumerate(pages):
        lines = []
        for item in items:
            number += 1
            if isinstance(item, Table):
                lines.append(
                    _Line(
                        item.text, number, page, item.column, item.x0, item.x1, 0, item.y1, 0, True
                    )
                )
            else:
                lines.append(
                    _Line(
                        item.text,
                        number,
                        page,
                        item.column,
                        item.x0,
                        item.x1,
                        item.y0,
                        item.y1,
                        item.height,
                    )
                )
        numbered.append(lines)
    return numbered


def _edges(lines: list[_Line]) -> list[_Line]:
    filled = [line for line in lines if line.text and not line.table]
    if len(filled) <= 2 * _EDGE_LINES:
        return filled
    return filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]


def _remove_chrome(pages: list[list[_Line]]) -> tuple[list[_Line], list[RemovedLine]]:
    """Drop running headers/footers and page numbers from the page edges.

    Returns:
        The remaining lines in reading order, and the removed ones for the report.
    """
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({_chrome_key(line.text) for line in _edges(lines)})
    needed = max(2, math.ceil(len(pages) * _REPEAT_SHARE))
    repeated = {key for key, count in seen.items() if count >= needed}
    kept: list[_Line] = []
    removed: list[RemovedLine] = []
    for lines in pages:
        edges = _edges(lines)
        edge_numbers = {line.number for line in edges}
        top_numbers = {line.number for line in edges[:_EDGE_LINES]}
        for line in lines:
            if line.number in edge_numbers and _is_page_number(line.text):
                removed.append(RemovedLine(line.number, line.text, "page-number"))
            elif line.number in edge_numbers and _chrome_key(line.text) in repeated:
                reason = "page-header" if line.number in top_numbers else "page-footer"
                removed.append(RemovedLine(line.number, line.text, reason))
            else:
                kept.append(line)
    return kept, removed


@dataclass(frozen=True, slots=True)
class _Margins:
    """Where the body text of each column starts and ends, and how tall it is."""

    left: dict[int, float]
    right: dict[int, float]
    height: float
    gap: float
    indents: bool


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * share) - 1)]


def _margins(lines: list[_Line], height: float) -> _Margins:
    """The margins of the body text, which is the size most characters have (``height``)."""
    text = [line for line in lines if not line.table and line.text]
    body = [line for line in text if abs(line.height - height) <= _SIZE_CHANGE * height]
    left: dict[int, float] = {}
    right: dict[int, float] = {}
    for column in {line.column for line in lines}:
        mine = [line for line in body if line.column == column]
        if len(mine) < _MIN_BODY:
            # Too few lines of body text (a page of tables): the edges of all there is.
            everything = [line for line in lines if line.column == column]
            left[column] = min(line.x0 for line in everything)
            right[column] = max(line.x1 for line in everything)
            continue
        starts = Counter(round(line.x0) for line in mine)
        repeated = [x for x, n in starts.items() if n >= 2]
        left[column] = float(min(repeated)) if repeated else min(line.x0 for line in mine)
        right[column] = _percentile([line.x1 for line in mine], 0.8)
    gaps = [
        a.y0 - b.y1
        for a, b in pairwise(body)
        if a.page == b.page and a.column == b.column and a.y0 > b.y1
    ]
    indented = sum(
        1
        for line in body
        if _INDENT * height <= line.x0 - left.get(line.column, line.x0) <= 4 * height
    )
    return _Margins(
        left,
        right,
        height,
        statistics.median(gaps) if gaps else height,
        indented >= max(2, _INDENTED_SHARE * len(body)),
    )


def _centred(line: _Line, m: _Margins) -> bool:
    """A line set in the middle of its column, short of both edges (a title's line)."""
    left, right = m.left.get(line.column, line.x0), m.right.get(line.column, line.x1)
    before, after = line.x0 - left, right - line.x1
    return abs(before - after) <= line.height and min(before, after) >= _INDENT * line.height


def _continues(a: _Line, b: _Line, m: _Margins) -> bool:
    """Whether line ``b`` goes on with the paragraph that line ``a`` is in."""
    if a.table or b.table or _OUTLINE.match(b.text):
        return False
    large = m.height * _LARGE
    if abs(a.height - b.height) > _SIZE_CHANGE * max(a.height, b.height):
        return False
    if a.page == b.page and (
        (a.height > large and b.height > large) or (_centred(a, m) and _centred(b, m))
    ):
        return a.y0 - b.y1 <= m.gap + _GAP * m.height  # a title over two lines
    if a.page == b.page and a.column == b.column and a.y0 - b.y1 > m.gap + _GAP * m.height:
        return False
    left = m.left.get(b.column, b.x0)
    if b.x0 - left >= _INDENT * b.height:
        return False
    if a.x1 < m.right.get(a.column, a.x1) - _SHORT * a.height:
        return False
    # Without first-line indents, a full line that ends a sentence may end its paragraph.
    return m.indents or not _ends_sentence(a.text)


def _paragraphs(lines: list[_Line], height: float) -> list[Block]:
    """Rebuild paragraphs (and tables) from laid-out lines, across page breaks too."""
    text = [line for line in lines if line.text]
    if not any(not line.table for line in text):
        return [Block(line.text, "table", line=line.number) for line in text]
    margins = _margins(text, height)
    blocks: list[Block] = []
    para: Wrapped | None = None
    first = 0
    previous: _Line | None = None
    for line in text:
        if (
            para is not None
            and previous is not None
            and _continues(previous, line, margins)
            and para.fits(line.text)
        ):
            para.add(line.text)
            previous = line
            continue
        if para is not None:
            blocks.append(Block(para.text(), line=first))
            para = None
        if line.table:
            blocks.append(Block(line.text, "table", line=line.number))
        else:
            para, first = Wrapped(line.text), line.number
        previous = line
    if para is not None:
        blocks.append(Block(para.text(), line=first))
    return blocks


_LOCK: Final = threading.Lock()
"""PDFium is not thread-safe: one document is read at a time in a process."""
_PATH_OBJECT: Final = pdfium_c.FPDF_PAGEOBJ_PATH
_WHITESPACE: Final = frozenset({0, 0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x3000, 0xFEFF, 0xFFFE})


def _page_chars(textpage: pdfium.PdfTextPage) -> list[Char]:
    """The characters of a page with their loose boxes; spaces and line breaks are left out
    (the layout decides where words part), Kangxi radicals and compatibility ideographs
    become the ordinary characters."""
    raw = textpage.raw
    box = pdfium_c.FS_RECTF()
    chars: list[Char] = []
    get_unicode = pdfium_c.FPDFText_GetUnicode
    get_box = pdfium_c.FPDFText_GetLooseCharBox
    space = False
    for index in range(pdfium_c.FPDFText_CountChars(raw)):
        code = get_unicode(raw, index)
        if code in _WHITESPACE:
            space = True
            continue
        if code < 0x20 or 0xD800 <= code <= 0xDFFF:
            continue
        if not get_box(raw, index, box) or box.top <= box.bottom:
            continue
        char = chr(code) if code <= 0x10FFFF else "\ufffd"
        chars.append(Char(ordinary(char), box.left, box.bottom, box.right, box.top, space))
        space = False
    return chars


def _page_rules(page: pdfium.PdfPage) -> list[Rule]:
    """The ruling lines and outlined boxes a page draws (at most :data:`MAX_SHAPES` shapes).

    A filled box that is not outlined is shading (behind a cell, or behind every line of a
    paragraph, as WPS draws it), not a border; a box around the whole page is a frame.
    """
    width, height = page.get_size()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    rules: list[Rule] = []
    for count, obj in enumerate(page.get_objects(filter=(_PATH_OBJECT,), max_depth=4)):
        if count >= MAX_SHAPES:
            break
        x0, y0, x1, y1 = obj.get_bounds()
        if x1 - x0 > 0.9 * width and y1 - y0 > 0.5 * height:
            continue
        thin = min(x1 - x0, y1 - y0) <= RULE_WIDTH
        if not thin and not (pdfium_c.FPDFPath_GetDrawMode(obj.raw, fill, stroke) and stroke.value):
            continue
        rules += rules_of_box(x0, y0, x1, y1)
    return rules


def _read_pages(data: bytes, source: SourceFile) -> tuple[list[list[Line | Table]], float]:
    """Every page laid out, refused once past the limits on characters and lines, and the
    height most characters have (the body text's)."""
    pages: list[list[Line | Table]] = []
    heights: Counter[float] = Counter()
    chars = lines = 0
    with _LOCK:
        document = pdfium.PdfDocument(data)
        try:
            for index in range(len(document)):
                page = document[index]
                textpage = page.get_textpage()
                try:
                    found = _page_chars(textpage)
                    laid = layout_page(
                        found, _page_rules(page) if found else [], page.get_height()
                    ).items
                finally:
                    textpage.close()
                    page.close()
                chars += len(found)
                heights.update(round(char.height * 2) / 2 for char in found)
                lines += len(laid)
                if chars > MAX_TEXT_CHARS:
                    raise _too_much(source, "text-too-long", MAX_TEXT_CHARS, "characters", index)
                if lines > MAX_LINES:
                    raise _too_much(source, "too-many-lines", MAX_LINES, "lines", index)
                pages.append(laid)
        finally:
            document.close()
    total = sum(heights.values())
    running = 0
    for value, count in sorted(heights.items()):
        running += count
        if 2 * running >= total:
            return pages, value
    return pages, 0.0


def _contents(reader: PdfReader) -> None:
    """Decode every page's content streams and the forms they draw, so that pypdf's limit
    on unpacked sizes refuses a 'zip bomb' before PDFium unpacks it."""
    seen: set[int] = set()
    for page in reader.pages:
        stack = [page.get("/Contents")]
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        if isinstance(resources, DictionaryObject):
            forms = resources.get("/XObject")
            forms = forms.get_object() if forms is not None else None
            if isinstance(forms, DictionaryObject):
                stack += list(forms.values())
        while stack:
            item = stack.pop()
            if item is None:
                continue
            key = id(item.get_object())
            if key in seen:
                continue
            seen.add(key)
            found = item.get_object()
            if isinstance(found, ArrayObject):
                stack += list(found)
            elif isinstance(found, StreamObject):
                found.get_data()


def _too_much(source: SourceFile, code: str, limit: int, what: str, pages: int) -> IngestError:
    return LimitExceededError(
        code,
        f"{source.path}: more than {limit:,} {what} of text by page {pages + 1}; sucai takes "
        f"at most {limit:,} in one file. Split the PDF into several and import those.",
    )


def _title_hint(title: str | None) -> str | None:
    cleaned = _WORD_EXPORT.sub("", (title or "").strip()).strip()
    return None if cleaned.lower() in _PLACEHOLDER_TITLES else cleaned or None


def _unlock(reader: PdfReader, source: SourceFile) -> None:
    """Open an encrypted PDF with the empty user password, as viewers do, or raise."""
    try:
        result = reader.decrypt("")
    except DependencyError:
        raise IngestError(
            "encrypted",
            f"{source.path}: this PDF is encrypted with AES, which needs the 'cryptography' "
            "package: pip install cryptography, then import it again.",
        ) from None
    if result == PasswordType.NOT_DECRYPTED:
        raise IngestError(
            "encrypted",
            f"{source.path}: this PDF is protected by a password. Open it with the password, "
            "save an unprotected copy (print to PDF) and import that.",
        )


def _damaged(source: SourceFile, reason: str) -> DamagedFileError:
    fix = "Re-export or download it again and import it again."
    return DamagedFileError(source.path, "PDF", reason, fix)


class PdfParser:
    """PDF files with a text layer, through pypdf.

    Running headers and footers (lines repeating at the page edges on half the pages or more)
    and page numbers are removed and listed in :attr:`ParsedText.removed`; hard-wrapped lines
    are joined back into paragraphs, also across page breaks. Every block is ``"text"``: PDF
    does not mark titles. ``line`` numbers count lines of the extracted text over all pages.
    """

    name = "pdf"
    suffixes = frozenset({".pdf"})

    def parse(self, source: SourceFile, encoding: str | None = None) -> ParsedText:
        """Extract and rebuild the text; ``encoding`` is ignored (fonts state it)."""
        if not source.data.strip():
            raise IngestError("empty", f"{source.path}: the file is empty. Nothing to import.")
        if b"%PDF-" not in source.data[:1024]:
            raise _damaged(source, "no %PDF header: not a PDF file")
        _REPAIRS.reset()
        try:
            reader = PdfReader(io.BytesIO(source.data))
            if reader.is_encrypted:
                _unlock(reader, source)
            _contents(reader)
            title_hint = _title_hint(reader.metadata.title if reader.metadata else None)
            pages, height = _read_pages(source.data, source)
        except IngestError:
            raise
        except LimitReachedError as exc:
            raise LimitExceededError(
                "unpacked-too-large",
                f"{source.path}: a part of this PDF unpacks to more than pypdf, which reads it, "
                "unpacks from one part (a damaged file or a 'zip bomb'). Re-export or download "
                "it again and import it again.",
            ) from exc
        except RecursionError as exc:
            raise _damaged(source, "its objects are nested too deeply") from exc
        except Exception as exc:
            # pypdf raises PdfReadError, PDFium PdfiumError, but damaged files also surface
            # as ValueError, KeyError, zlib.error, struct.error …: each means the file
            # cannot be read.
            raise _damaged(source, "its structure cannot be read") from exc
        lines, removed = _remove_chrome(_number(pages))
        blocks = _paragraphs(lines, height)
        if not blocks:
            raise IngestError(
                "no-text",
                f"{source.path}: this PDF has no text layer (scanned images?); run OCR first "
                "(e.g. ocrmypdf --language chi_sim in.pdf out.pdf) and import the result.",
            )
        notes: list[str] = []
        blank = [str(number) for number, items in enumerate(pages, 1) if not items]
        if blank:
            named = ", ".join(blank[:_MAX_PAGES_NAMED])
            more = (
                f" and {len(blank) - _MAX_PAGES_NAMED} more"
                if len(blank) > _MAX_PAGES_NAMED
                else ""
            )
            notes.append(
                f"page(s) {named}{more} have no text layer (scanned images?); their content "
                "is missing. Run OCR on the PDF to include it."
            )
        if _REPAIRS.count():
            notes.append(
                f"the PDF is damaged: {_REPAIRS.count()} problem(s) in its structure were worked "
                "around while reading it; check that no text is missing."
            )
        return ParsedText(tuple(blocks), None, tuple(notes), tuple(removed), title_hint)
