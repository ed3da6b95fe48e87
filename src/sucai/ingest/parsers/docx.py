"""Word .docx parser: paragraphs, text boxes and tables in reading order, with title and
headings."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeAlias, TypeVar

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import nsmap, qn
from docx.oxml.text.run import CT_R
from docx.styles.style import CharacterStyle, ParagraphStyle
from docx.text.paragraph import Paragraph
from lxml import etree

from sucai.errors import (
    DamagedFileError,
    IngestError,
    LimitExceededError,
    UnsupportedFormatError,
)
from sucai.ingest.archive import open_archive, read_member
from sucai.ingest.limits import MAX_LINES, MAX_PACKAGE_BYTES, MAX_PART_BYTES
from sucai.ingest.normalize import Wrapped, join_wrapped
from sucai.ingest.sources import display_name
from sucai.models import Block, ParsedText, table_text

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from docx.document import Document
    from docx.text.run import Run
    from lxml.etree import _Element

    from sucai.models import BlockKind, SourceFile

__all__ = ["DocxParser"]

_T = TypeVar("_T")

_P: Final = qn("w:p")
_TBL: Final = qn("w:tbl")
_TR: Final = qn("w:tr")
_TC: Final = qn("w:tc")
_TR_PR: Final = qn("w:trPr")
_TC_PR: Final = qn("w:tcPr")
_GRID_SPAN: Final = qn("w:gridSpan")
_GRID_BEFORE: Final = qn("w:gridBefore")
_TXBX: Final = qn("w:txbxContent")
_TEXT: Final = qn("w:t")
_TXBX_ANYWHERE: Final = f".//{_TXBX}"
_MC: Final = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# The VML copy of a text box that Word writes beside the DrawingML one, and moved-away text.
_SKIPPED: Final = frozenset({f"{_MC}Fallback", qn("w:moveFrom")})
#: Columns of one table row (Word's own maximum is 63).
_MAX_COLUMNS: Final = 64
_SDT: Final = qn("w:sdt")
_SDT_CONTENT: Final = qn("w:sdtContent")
_VAL: Final = qn("w:val")
_OUTLINE_LEVEL: Final = qn("w:outlineLvl")
_NUM_ID: Final = f"{qn('w:numPr')}/{qn('w:numId')}"

# Runs of a paragraph that anchors no text box, also inside hyperlinks, fields, insertions
# and content controls (the paragraph may itself be inside a text box).
_RUNS: Final = etree.XPath(".//w:r[not(ancestor::w:moveFrom)]", namespaces={"w": nsmap["w"]})

_TITLE_STYLE: Final = re.compile(r"^(?:title|标题)$", re.IGNORECASE)
_HEADING_STYLE: Final = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)
# 发文字号 such as 国办发〔2026〕15号: the line under a 公文 masthead (版头).
_DOC_NUMBER: Final = re.compile(r"[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号")

#: A centred title is looked for among this many non-empty paragraphs at the top.
_TITLE_SCAN: Final = 10
_TITLE_MAX_CHARS: Final = 60
_TITLE_MIN_PT: Final = 18.0
# Style chains are a few levels deep; the bound only guards against a cyclic basedOn.
_MAX_STYLE_DEPTH: Final = 16
_OLE_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OUTLINE_LEVELS: Final = frozenset("012345678")
# Parts python-docx parses as XML (the others are pictures, fonts, embedded files).
_XML_PART: Final = re.compile(r"\.(?:xml|rels)$", re.IGNORECASE)
# Relationship parts are read without DTDs, entities or the network (hostile files, issue 22).
_SAFE_XML: Final = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

_Kind: TypeAlias = tuple["BlockKind", int]


@dataclass(frozen=True, slots=True)
class _Para:
    """One paragraph as read from the body, before kinds are decided; a whole table when
    ``paragraph`` is ``None`` (``text`` is then its :func:`~sucai.models.table_text`)."""

    paragraph: Paragraph | None
    number: int
    text: str
    in_table: bool


def _first(chain: list[CharacterStyle], read: Callable[[CharacterStyle], _T | None]) -> _T | None:
    """The first value ``read`` finds along a style chain (the style, then its bases)."""
    for style in chain:
        value = read(style)
        if value is not None:
            return value
    return None


def _outline_level(ppr: _Element | None) -> int | None:
    """Word's outline level of a ``w:pPr`` (0 = top), or ``None`` for body text."""
    found = None if ppr is None else ppr.find(_OUTLINE_LEVEL)
    if found is None:
        return None
    value = found.get(_VAL, "")
    return int(value) if value in _OUTLINE_LEVELS else None


def _numbering(ppr: _Element | None) -> bool | None:
    """Whether a ``w:pPr`` switches Word numbering on (``True``) or off, ``None`` if silent."""
    num_id = None if ppr is None else ppr.find(_NUM_ID)
    # numId 0 switches numbering off again (e.g. a plain paragraph in a list style).
    return None if num_id is None else num_id.get(_VAL, "0") != "0"


class _StyleBook:
    """Style lookups by id, with the ``basedOn`` chains resolved once per style.

    python-docx resolves ``paragraph.style`` by scanning every style for the default each time
    (about a millisecond); a long document would take seconds that way.
    """

    def __init__(self, document: Document) -> None:
        styles = document.styles
        self._by_id: dict[str, CharacterStyle] = {
            s.style_id: s for s in styles if isinstance(s, CharacterStyle)
        }
        self._defaults = {
            kind: getattr(styles.default(kind), "style_id", "")
            for kind in (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER)
        }
        self._chains: dict[str, list[CharacterStyle]] = {}
        self._kinds: dict[str, _Kind | None] = {}

    def chain(self, style_id: str | None, kind: WD_STYLE_TYPE) -> list[CharacterStyle]:
        """The style (or the default of its type) followed by the styles it is based on."""
        key = style_id if style_id in self._by_id else self._defaults[kind]
        if key not in self._chains:
            chain: list[CharacterStyle] = []
            style = self._by_id.get(key)
            while style is not None and len(chain) < _MAX_STYLE_DEPTH:
                chain.append(style)
                base: str | None = style.element.basedOn_val
                style = self._by_id.get(base) if base else None
            self._chains[key] = chain
        return self._chains[key]

    def paragraph_chain(self, paragraph: Paragraph) -> list[CharacterStyle]:
        return self.chain(paragraph._p.style, WD_STYLE_TYPE.PARAGRAPH)

    def run_chain(self, run: Run) -> list[CharacterStyle]:
        return self.chain(run._r.style, WD_STYLE_TYPE.CHARACTER)

    def kind(self, paragraph: Paragraph) -> _Kind | None:
        """Title or heading as the paragraph's style makes it, else ``None``."""
        style_id = paragraph._p.style or ""
        if style_id not in self._kinds:
            self._kinds[style_id] = _first(self.paragraph_chain(paragraph), _style_kind)
        return self._kinds[style_id]

    def is_numbered(self, paragraph: Paragraph) -> bool:
        """Whether Word numbers the paragraph (directly or through its style)."""
        direct = _numbering(paragraph._p.pPr)
        if direct is not None:
            return direct
        chain = self.paragraph_chain(paragraph)
        return bool(_first(chain, lambda s: _numbering(s.element.pPr)))

    def is_centred(self, paragraph: Paragraph) -> bool:
        alignment = paragraph.paragraph_format.alignment
        if alignment is None:
            alignment = _first(self.paragraph_chain(paragraph), _alignment)
        return alignment is WD_ALIGN_PARAGRAPH.CENTER

    def is_prominent(self, run: Run, paragraph: Paragraph) -> bool:
        """Bold or at least 18 pt, as set on the run, its character style or paragraph style."""
        chain = self.run_chain(run) + self.paragraph_chain(paragraph)
        bold = run.bold if run.bold is not None else _first(chain, _bold)
        size = run.font.size.pt if run.font.size is not None else _first(chain, _points)
        return bool(bold) or (size or 0.0) >= _TITLE_MIN_PT


def _style_kind(style: CharacterStyle) -> _Kind | None:
    name = style.name or ""
    if _TITLE_STYLE.match(name):
        return "title", 0
    heading = _HEADING_STYLE.match(name)
    if heading:
        return "heading", int(heading.group(1))
    outline = _outline_level(style.element.pPr)
    return ("heading", outline + 1) if outline is not None else None


def _alignment(style: CharacterStyle) -> WD_ALIGN_PARAGRAPH | None:
    if isinstance(style, ParagraphStyle):
        value: WD_ALIGN_PARAGRAPH | None = style.paragraph_format.alignment
        return value
    return None


def _bold(style: CharacterStyle) -> bool | None:
    value: bool | None = style.font.bold
    return value


def _points(style: CharacterStyle) -> float | None:
    return None if style.font.size is None else style.font.size.pt


def _run_texts(p: _Element) -> Iterator[str | _Element]:
    """The paragraph's own text and, where a text box is anchored, the box (``w:txbxContent``).

    Text in a text box is a story of its own, anchored in a run of the paragraph; where an
    ``mc:AlternateContent`` holds the box twice (DrawingML, and VML for old Word), the VML
    ``mc:Fallback`` copy is skipped, so the box is read once. Moved-away text
    (``w:moveFrom``) is not read.
    """
    if p.find(_TXBX_ANYWHERE) is None:
        found = _RUNS(p)
        runs = found if isinstance(found, list) else []
        yield "".join(r.text for r in runs if isinstance(r, CT_R))
        return
    for child in p.iterchildren():
        tag = child.tag
        if tag == _TXBX:
            yield child
        elif tag in _SKIPPED:
            continue
        elif isinstance(child, CT_R):
            yield child.text
            yield from _run_texts(child)
        elif isinstance(tag, str):
            yield from _run_texts(child)


def _segments(p: _Element) -> list[str | _Element]:
    """:func:`_run_texts` with consecutive texts joined: text, box, text, …"""
    out: list[str | _Element] = [""]
    for piece in _run_texts(p):
        if isinstance(piece, str) and isinstance(out[-1], str):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def _cell_lines(container: _Element) -> Iterator[str]:
    """The text of a table cell (or text box, or nested table) one paragraph a line."""
    for child in container.iterchildren():
        if child.tag == _P:
            for segment in _segments(child):
                if isinstance(segment, str):
                    yield segment
                else:
                    yield from _cell_lines(segment)
        elif child.tag == _TBL:
            for row in child.iterchildren(_TR):
                for cell in row.iterchildren(_TC):
                    yield from _cell_lines(cell)
        elif child.tag == _SDT:
            for content in child.iterchildren(_SDT_CONTENT):
                yield from _cell_lines(content)


def _cell_text(cell: _Element) -> str:
    """A cell's lines (paragraphs, line breaks) joined as wrapped lines: a header cell
    ``本年新`` / ``制作数量`` reads 本年新制作数量, Latin words keep a space between them."""
    text = ""
    for line in _cell_lines(cell):
        for part in line.split("\n"):
            text = join_wrapped(text, part.strip())
    return text


def _count(element: _Element | None, path: str) -> int:
    """A small count Word stores (``w:gridSpan``, ``w:gridBefore``): 0 when absent or wrong."""
    found = None if element is None else element.find(path)
    value = "" if found is None else found.get(_VAL, "")
    return min(int(value), _MAX_COLUMNS) if value.isdigit() else 0


def _table_rows(table: _Element) -> list[list[str]]:
    """The rows of a table as cell texts; a merged cell (``w:gridSpan``) is followed by empty
    cells for the columns it spans, so that the columns stay aligned."""
    rows = []
    for row in table.iterchildren(_TR):
        cells = [""] * _count(row.find(_TR_PR), _GRID_BEFORE)
        for cell in row.iterchildren(_TC):
            cells.append(_cell_text(cell))
            cells += [""] * max(0, _count(cell.find(_TC_PR), _GRID_SPAN) - 1)
        rows.append(cells[:_MAX_COLUMNS])
    return rows


def _is_frame(table: _Element) -> bool:
    """A table of one column is a frame for text (a layout device), not a table of data."""
    rows = list(table.iterchildren(_TR))
    return bool(rows) and all(len(list(row.iterchildren(_TC))) == 1 for row in rows)


class _Reader:
    """Reads a body (or text box, or frame) into :class:`_Para` in reading order."""

    def __init__(self, document: Document) -> None:
        self.document = document
        self.paras: list[_Para] = []
        self.number = 0

    def container(self, element: _Element, in_table: bool) -> None:
        for child in element.iterchildren():
            if child.tag == _P:
                self.paragraph(child, in_table)
            elif child.tag == _TBL and _is_frame(child):
                for row in child.iterchildren(_TR):
                    for cell in row.iterchildren(_TC):
                        self.container(cell, True)
            elif child.tag == _TBL:
                # Numbered as its first paragraph; its paragraphs are counted as before.
                text = table_text(_table_rows(child))
                self.paras.append(_Para(None, self.number + 1, text, True))
                self.number += max(1, sum(1 for _ in child.iter(_P)))
            elif child.tag == _SDT:
                for content in child.iterchildren(_SDT_CONTENT):
                    self.container(content, in_table)

    def paragraph(self, p: _Element, in_table: bool) -> None:
        self.number += 1
        number = self.number
        paragraph = Paragraph(p, self.document)  # type: ignore[arg-type]
        segments = _segments(p)
        for segment in segments:
            if not isinstance(segment, str):
                self.container(segment, in_table)
            elif segment or len(segments) == 1:
                self.paras.append(_Para(paragraph, number, segment, in_table))


def _page_header(document: Document) -> tuple[str, ...]:
    """The non-empty lines of the document's header parts (every section's default, first-page
    and even-page headers, their text boxes included), in part order."""
    lines: list[str] = []
    for rel in document.part.rels.values():
        if rel.is_external or rel.reltype != RT.HEADER:
            continue
        for p in rel.target_part.element.iter(_P):
            text = "".join(t.text or "" for t in p.iter(_TEXT))
            if text.strip():
                lines.append(text)
    return tuple(lines)


def _read_body(document: Document) -> list[_Para]:
    reader = _Reader(document)
    reader.container(document.element.body, False)
    return reader.paras


def _looks_like_title(para: _Para, book: _StyleBook) -> bool:
    text = para.text.strip()
    if para.in_table or not text or len(text) > _TITLE_MAX_CHARS or "\n" in text:
        return False
    assert para.paragraph is not None  # a table is in_table
    runs = [run for run in para.paragraph.runs if run.text.strip()]
    return (
        bool(runs)
        and book.is_centred(para.paragraph)
        and all(book.is_prominent(run, para.paragraph) for run in runs)
    )


def _guess_title(paras: list[_Para], book: _StyleBook) -> int | None:
    """Number of the paragraph that is the title by its looks: centred, bold or large, short.

    A 公文 starts with a masthead (版头, e.g. 国务院办公厅 in large red bold) above the 发文字号;
    it looks like a title but is not one, so it is passed over.
    """
    head = [p for p in paras if p.text.strip()][:_TITLE_SCAN]
    for i, para in enumerate(head):
        if not _looks_like_title(para, book):
            continue
        following = head[i + 1].text if i + 1 < len(head) else ""
        if para.text.strip().endswith("文件") or _DOC_NUMBER.search(following):
            continue
        return para.number
    return None


def _kinds(paras: list[_Para], book: _StyleBook) -> dict[int, _Kind]:
    """Kind and level for each paragraph number that is not plain text."""
    kinds: dict[int, _Kind] = {}
    have_title = False
    for para in paras:
        if not para.text.strip() or para.paragraph is None:
            continue
        outline = _outline_level(para.paragraph._p.pPr)
        found: _Kind | None = (
            ("heading", outline + 1) if outline is not None else book.kind(para.paragraph)
        )
        kind, level = found or ("text", 0)
        if kind == "title":
            # Like a second '#' in Markdown: only the first title is the document's.
            kind, level = ("heading", 1) if have_title else ("title", 0)
            have_title = True
        if kind != "text":
            kinds[para.number] = (kind, level)
    if not have_title:
        guessed = _guess_title(paras, book)
        if guessed is not None:
            kinds[guessed] = ("title", 0)
    return kinds


def _blocks(paras: list[_Para], kinds: dict[int, _Kind]) -> list[Block]:
    blocks: list[Block] = []
    for para in paras:
        if para.paragraph is None:
            blocks.append(Block(para.text, "table", line=para.number))
            continue
        kind, level = kinds.get(para.number, ("text", 0))
        lines = para.text.split("\n")
        if kind != "text":
            # A soft break inside a title or heading is layout, not a new line of text.
            joined = Wrapped(lines[0].strip())
            for line in lines[1:]:
                joined.add(line.strip())
            lines = [joined.text()]
        blocks.extend(Block(line, kind, level, line=para.number) for line in lines)
    return blocks


def _unpack(source: SourceFile) -> bytes:
    """The package rebuilt (stored, not compressed) from its parts, each inflated in pieces
    and refused once past the limits; python-docx reads this copy.

    python-docx reads each part whole, and zipfile inflates all of a part before cutting it
    to the size its header declares: a header declaring 4 KB over a part that inflates to
    gigabytes would take gigabytes (issue 22). The copy takes no more than the caps.
    """
    try:
        package = open_archive(io.BytesIO(source.data), source.path, "a .docx")
    except LimitExceededError:
        raise
    except IngestError:
        raise _damaged(source, "its zip package is damaged") from None
    copy = io.BytesIO()
    with package, zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as rebuilt:
        left = MAX_PACKAGE_BYTES
        names = {info.filename for info in package.infolist() if not info.is_dir()}
        for info in package.infolist():
            if info.is_dir():
                continue
            xml = bool(_XML_PART.search(info.filename))
            cap = min(MAX_PART_BYTES, left) if xml else left
            try:
                part = read_member(package, info, source.path, cap)
            except IngestError as exc:
                if exc.code == "encrypted":
                    raise IngestError(
                        "encrypted",
                        f"{source.path}: parts of this .docx are encrypted. Open it in Word/WPS, "
                        "remove the password, save it and import it again.",
                    ) from None
                raise _damaged(source, "a part of its zip package is damaged") from None
            if part is None:
                whole = cap == left
                raise _unpacked(source, None if whole else display_name(info.filename))
            left -= len(part)
            if info.filename.endswith(".rels"):
                part = _drop_dangling(info.filename, part, names)
            rebuilt.writestr(info, part)
    return copy.getvalue()


def _drop_dangling(name: str, rels: bytes, names: set[str]) -> bytes:
    """A relationships part without its links to parts the package lacks.

    WPS writes links to pictures it never stored (``Target="../NULL"``); python-docx would
    refuse the whole document for one such link, Word shows the text without the picture.
    """
    try:
        root = etree.fromstring(rels, _SAFE_XML)
    except etree.XMLSyntaxError:
        return rels  # python-docx says that the package is damaged
    # word/_rels/document.xml.rels describes word/document.xml: targets are relative to word/.
    base = posixpath.dirname(posixpath.dirname(name))
    dropped = False
    for rel in list(root):
        target = rel.get("Target", "")
        if rel.get("TargetMode") == "External" or not target:
            continue
        path = target[1:] if target.startswith("/") else posixpath.join(base, target)
        if posixpath.normpath(path) not in names:
            root.remove(rel)
            dropped = True
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") if dropped else rels


def _unpacked(source: SourceFile, part: str | None) -> LimitExceededError:
    """A package whose ``part`` (``None``: whose parts together) unpack past the limit."""
    what, limit, scope = (
        ("its parts unpack", MAX_PACKAGE_BYTES, "one .docx")
        if part is None
        else (f"its part {part} unpacks", MAX_PART_BYTES, "one part of a .docx")
    )
    return LimitExceededError(
        "unpacked-too-large",
        f"{source.path}: {what} to more than {limit // 1048576} MB, the most sucai unpacks "
        f"from {scope} (a document far larger than any real one, or a 'zip bomb'). Split the "
        "document into smaller ones, or re-save it from Word/WPS, and import those.",
    )


#: Our words for what python-docx lets through from a damaged package.
_DAMAGE: Final = (
    (zipfile.BadZipFile, "its zip package is damaged"),
    (KeyError, "a part Word needs is missing"),
    (etree.XMLSyntaxError, "its XML is malformed"),
    (ValueError, "a part is not what Word expects"),
)


def _damaged(source: SourceFile, reason: str) -> DamagedFileError:
    return DamagedFileError(
        source.path, ".docx", reason, "Re-save it from Word/WPS and import it again."
    )


class DocxParser:
    """Word 2007+ documents (.docx) through python-docx.

    Paragraphs come in body order; a table is one ``"table"`` block (its rows one a line, its
    cells separated by tabs; a table of one column frames text and is read as paragraphs);
    the text of a text box comes once, where the box is anchored. Kinds come from paragraph
    styles (``Title``/``标题`` → title, ``Heading N``/``标题 N`` or an outline level →
    heading); without a title style, a short centred bold (or ≥ 18 pt) paragraph near the top
    is the title.
    Soft line breaks split a paragraph into several blocks with the same ``line`` number
    (paragraph number, counted over the whole body including table cells).
    """

    name = "docx"
    suffixes = frozenset({".docx"})

    def parse(self, source: SourceFile, encoding: str | None = None) -> ParsedText:
        """Read the document's paragraphs; ``encoding`` is ignored (the format states it)."""
        data = source.data
        if not data:
            raise IngestError(
                "empty", f"{source.path}: the file is empty (0 bytes). Nothing to import."
            )
        if data.startswith(_OLE_MAGIC):
            raise UnsupportedFormatError(
                f"{source.path}: this is a Word 97–2003 .doc file, or a password-protected "
                ".docx, under a .docx name. Open it in Word/WPS, remove any password, save it "
                "as .docx and import it again."
            )
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise _damaged(source, "not a valid zip package")
        package = _unpack(source)
        try:
            document = docx.Document(io.BytesIO(package))
            count = sum(1 for _ in document.element.body.iter(_P))
            if count > MAX_LINES:
                raise LimitExceededError(
                    "too-many-lines",
                    f"{source.path}: {count:,} paragraphs; sucai takes at most {MAX_LINES:,} in "
                    "one file. Split the document into several and import those.",
                )
            book = _StyleBook(document)
            paras = _read_body(document)
            kinds = _kinds(paras, book)
            numbered = sum(
                1
                for p in paras
                if p.text.strip() and p.paragraph is not None and book.is_numbered(p.paragraph)
            )
            title_hint = (document.core_properties.title or "").strip() or None
            page_header = _page_header(document)
        except IngestError:
            raise
        except Exception as exc:
            # python-docx lets zipfile, zlib, lxml, KeyError and ValueError failures through;
            # each means the package is damaged or not a Word document.
            reason = next((words for kind, words in _DAMAGE if isinstance(exc, kind)), None)
            raise _damaged(source, reason or "it cannot be read as a Word document") from exc
        blocks = _blocks(paras, kinds)
        if not any(block.text.strip() for block in blocks):
            raise IngestError(
                "empty",
                f"{source.path}: the document contains no text (only empty paragraphs, images or "
                "text boxes). Nothing to import.",
            )
        notes: tuple[str, ...] = ()
        if numbered:
            notes = (
                f"{numbered} paragraph(s) use Word automatic numbering; the numbers Word shows "
                "before them (一、, 1. …) are not part of the imported text.",
            )
        return ParsedText(
            tuple(blocks), None, notes, title_hint=title_hint, page_header=page_header
        )
