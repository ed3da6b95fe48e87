"""PDF parser: the text layer page by page, running headers removed, paragraphs rebuilt."""

from __future__ import annotations

import io
import logging
import math
import re
import threading
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, LimitReachedError

from sucai.errors import IngestError, LimitExceededError
from sucai.ingest.limits import MAX_LINES, MAX_TEXT_CHARS
from sucai.ingest.normalize import Wrapped
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
#: A line this share of the typical full line width (or wider) was wrapped by the layout.
_FULL_SHARE: Final = 0.85
#: The typical full line width is this percentile of the document's line widths.
_FULL_PERCENTILE: Final = 0.8

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


def _width(line: str) -> float:
    """Visual width in ems: CJK (and ambiguous-width, e.g. “”) characters 1, others ½."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.5 for c in line)


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
    text: str
    number: int  # 1-based, over the extracted text of all pages


def _page_lines(pages: list[str]) -> list[list[_Line]]:
    numbered: list[list[_Line]] = []
    number = 0
    for text in pages:
        lines = []
        for raw in text.splitlines():
            number += 1
            lines.append(_Line(raw.strip(), number))
        numbered.append(lines)
    return numbered


def _edges(lines: list[_Line]) -> list[_Line]:
    filled = [line for line in lines if line.text]
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


def _paragraphs(lines: list[_Line]) -> list[Block]:
    """Rebuild paragraphs from hard-wrapped lines (across page breaks too).

    A line continues into the next one when it is full (close to the typical full line width)
    and does not end a sentence; an outline marker (一、 （一） 1. 第X条 …) always starts a new
    paragraph, and so does a blank line.
    """
    widths = sorted(_width(line.text) for line in lines if line.text)
    if not widths:
        return []
    full = widths[max(0, math.ceil(len(widths) * _FULL_PERCENTILE) - 1)]
    blocks: list[Block] = []
    para: Wrapped | None = None
    first, continues = 0, False
    for line in lines:
        if not line.text:
            continues = False
            continue
        if (
            para is not None
            and continues
            and not _OUTLINE.match(line.text)
            and para.fits(line.text)
        ):
            para.add(line.text)
        else:
            if para is not None and para.size:
                blocks.append(Block(para.text(), line=first))
            para, first = Wrapped(line.text), line.number
        continues = _width(line.text) >= full * _FULL_SHARE and not _ends_sentence(line.text)
    if para is not None:
        blocks.append(Block(para.text(), line=first))
    return blocks


def _page_texts(reader: PdfReader, source: SourceFile) -> list[str]:
    """The text of each page, refused once past the limits on characters and lines."""
    texts: list[str] = []
    chars = lines = 0
    for page in reader.pages:
        text = page.extract_text() or ""
        chars += len(text)
        lines += text.count("\n") + 1
        if chars > MAX_TEXT_CHARS:
            raise _too_much(source, "text-too-long", MAX_TEXT_CHARS, "characters", len(texts))
        if lines > MAX_LINES:
            raise _too_much(source, "too-many-lines", MAX_LINES, "lines", len(texts))
        texts.append(text)
    return texts


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


def _damaged(source: SourceFile, reason: str) -> IngestError:
    return IngestError(
        "damaged",
        f"{source.path}: this PDF is damaged or truncated ({reason}). Re-export or download it "
        "again and import it again.",
    )


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
            texts = _page_texts(reader, source)
            title_hint = _title_hint(reader.metadata.title if reader.metadata else None)
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
            # pypdf raises PdfReadError, but damaged files also surface as ValueError,
            # KeyError, zlib.error, struct.error …: each means the file cannot be read.
            raise _damaged(source, "its structure cannot be read") from exc
        lines, removed = _remove_chrome(_page_lines(texts))
        blocks = _paragraphs(lines)
        if not blocks:
            raise IngestError(
                "no-text",
                f"{source.path}: this PDF has no text layer (scanned images?); run OCR first "
                "(e.g. ocrmypdf --language chi_sim in.pdf out.pdf) and import the result.",
            )
        notes: list[str] = []
        blank = [str(page) for page, text in enumerate(texts, 1) if not text.strip()]
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
