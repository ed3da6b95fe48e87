"""Word (.docx) export in GB/T 9704-2012 layout (issue 5).

The layout comes from a :class:`~sucai.export.templates.DocxTemplate`: A4 page, margins,
a document grid of 22 lines with 28 characters a line (see ``DocxTemplate.grid`` for why
the characters are condensed rather than snapped to a character grid by default), fixed
line spacing, and the
fonts of each paragraph style. East-Asian fonts are written to all four ``w:rFonts`` slots
(``ascii``, ``hAnsi``, ``eastAsia``, ``cs``) on the document defaults, on every style and on
every run: python-docx's ``font.name`` writes ``ascii``/``hAnsi`` only, and its default
template resolves ``eastAsia`` through the theme (``minorEastAsia``), which Word and
LibreOffice render with a Japanese font. The theme attributes are removed for that reason,
and the East-Asian language is set to zh-CN.

Paragraphs are written as XML (one ``parse_xml`` per paragraph): the python-docx object API
costs several times more per run, and a 50,000-character report must export in under 1 s.

An export made for someone (a :class:`~sucai.export.fingerprint.Stamp`, issue 15) carries its
code at the start of every paragraph, as a run of its own (no condensed spacing, off the
character grid), in the core properties and in the custom property ``sucai-export-code``;
and, when the stamp is visible, the line ``仅供 … 使用 · date`` under the page number in the
footer, which moves down by that line so the page number stays where GB/T 9704 puts it.
Laid out by LibreOffice, the body's lines and page numbers are where they are without the
stamp (``tests/export/test_fingerprint_layout.py``).
"""

from __future__ import annotations

import io
import itertools
import re
from typing import TYPE_CHECKING, Final
from xml.sax.saxutils import escape

import docx
from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph as DocxParagraph
from lxml import etree

from sucai.export.fingerprint import CUSTOM_PROPERTY, encode, strip
from sucai.export.titles import source_lines, title_lines

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from docx.document import Document

    from sucai.export.document import ExportDoc, Mark, Piece
    from sucai.export.fingerprint import Stamp
    from sucai.export.templates import DocxTemplate

__all__ = ["MEDIA_TYPE", "STYLE_IDS", "render_docx"]

MEDIA_TYPE: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#: Paragraph style ids by role; tests and other tools can rely on them.
STYLE_IDS: Final = {
    "title": "GWTitle",
    "subtitle": "GWSubtitle",
    "body": "GWBody",
    "h1": "GWHeading1",
    "h2": "GWHeading2",
    "h3": "GWHeading3",
    "h4": "GWHeading4",
    "source": "GWSource",
    "page": "GWPageNumber",
}
_HIGHLIGHT: Final = {
    "placeholder": "yellow",
    "missing-name": "cyan",
    "sanitised": "yellow",
    "personal": "yellow",
}
_W: Final = nsdecls("w")
#: What else an XML attribute value in double quotes escapes (a font name may hold one).
_QUOTE: Final = {'"': "&quot;"}
#: The footer line of a stamp: 小五号 (9 pt) on an exact 10 pt line.
_STAMP_PT: Final = 9.0
_STAMP_LINE_PT: Final = 10.0
#: The largest size of a table's text: 小四 (a 3号 table rarely fits the type area).
_TABLE_PT: Final = 12.0
#: No hanging punctuation: a line-final "，" stays inside the type area (issue 21). Word and
#: WPS read ``overflowPunct`` as the standard has it (0: no hanging); LibreOffice reads it the
#: other way round (``PROP_PARA_IS_HANGING_PUNCTUATION = (value == 0)`` in its DOCX import,
#: 7.4 to today) and knows no ``w15``: Word 2013 and later take the choice, LibreOffice the
#: fallback, and neither lets punctuation hang.
_NO_HANGING: Final = (
    '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
    ' xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
    '<mc:Choice Requires="w15"><w:overflowPunct w:val="0"/></mc:Choice>'
    '<mc:Fallback><w:overflowPunct w:val="1"/></mc:Fallback></mc:AlternateContent>'
)
#: The styles python-docx's comments part names (its template does not define them).
_COMMENT_STYLES: Final = (
    f'<w:style {_W} w:type="paragraph" w:styleId="CommentText"><w:name w:val="annotation text"/>'
    '<w:basedOn w:val="Normal"/><w:pPr><w:spacing w:line="240" w:lineRule="auto"/>'
    '<w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr>'
    '<w:rPr><w:sz w:val="20"/><w:szCs w:val="20"/></w:rPr></w:style>',
    f'<w:style {_W} w:type="character" w:styleId="CommentReference">'
    '<w:name w:val="annotation reference"/><w:rPr><w:sz w:val="16"/><w:szCs w:val="16"/>'
    "</w:rPr></w:style>",
)
#: A part, chapter or section heading of a law or plan: 第一编, 第二分编, 第三章, 第四节 — set
#: centred, as laws are printed (issue 21).
_CHAPTER: Final = re.compile(r"^第[一二三四五六七八九十百零〇两\d]+(?:分?编|章|节)(?:[\s\u3000]|$)")
_CENTRED: Final = '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>'
_THEME_FONTS: Final = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _fonts(name: str) -> str:
    n = escape(name, _QUOTE)
    return f'<w:rFonts w:ascii="{n}" w:hAnsi="{n}" w:eastAsia="{n}" w:cs="{n}"/>'


def _size(points: float) -> str:
    half = round(points * 2)
    return f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/>'


def _style_fonts(t: DocxTemplate) -> dict[str, tuple[str, float]]:
    """Font and size of each paragraph style."""
    return {
        "title": (t.title_font, t.title_pt),
        "subtitle": (t.subtitle_font, t.body_pt),
        "body": (t.body_font, t.body_pt),
        "h1": (t.h1_font, t.body_pt),
        "h2": (t.h2_font, t.body_pt),
        "h3": (t.h3_font, t.body_pt),
        "h4": (t.h3_font, t.body_pt),
        "source": (t.subtitle_font, t.body_pt),
        "page": (t.page_number_font, t.page_number_pt),
    }


def _style_xml(role: str, t: DocxTemplate) -> str:
    font, size = _style_fonts(t)[role]
    line = f'<w:spacing w:before="0" w:after="0" w:line="{t.line_twips}" w:lineRule="exact"/>'
    indent = f'<w:ind w:firstLineChars="200" w:firstLine="{round(t.body_pt * 40)}"/>'
    jc, outline = "both", ""
    if role in ("title", "subtitle"):
        indent, jc = '<w:ind w:firstLineChars="0" w:firstLine="0"/>', "center"
    if role == "title":
        outline = '<w:outlineLvl w:val="0"/>'
    elif role.startswith("h"):
        outline = f'<w:outlineLvl w:val="{int(role[1])}"/>'
    elif role == "source":
        jc = "right"
    elif role == "page":
        # Single spacing of its own: the body's exact line would set the number lower.
        line = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        indent, jc = "", "right"
    keep = "<w:keepNext/>" if role.startswith("h") or role == "title" else ""
    # A 2号 title line is taller than a grid row: snapped, it would take two (issue 21).
    snap = "0" if role in ("title", "page") else "1"
    name = {"title": "公文标题", "subtitle": "题注", "body": "公文正文", "source": "出处"}.get(
        role,
        {"h1": "一级标题", "h2": "二级标题", "h3": "三级标题", "h4": "四级标题"}.get(role, "页码"),
    )
    return (
        f'<w:style {_W} w:type="paragraph" w:customStyle="1" w:styleId="{STYLE_IDS[role]}">'
        f'<w:name w:val="{name}"/><w:qFormat/>'
        f'<w:pPr>{keep}<w:snapToGrid w:val="{snap}"/>{line}{indent}<w:jc w:val="{jc}"/>'
        f"{outline}</w:pPr>"
        f"<w:rPr>{_fonts(font)}{_size(size)}"
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:style>'
    )


def _set_defaults(document: Document, t: DocxTemplate, footer_line: bool) -> None:
    """Theme-free document defaults, a plain Normal style, our styles, fonts and grid
    (``footer_line``: the footer holds a stamp line under the page number)."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        styles.remove(defaults)
    styles.insert(
        0,
        parse_xml(
            f"<w:docDefaults {_W}><w:rPrDefault><w:rPr>{_fonts(t.body_font)}{_size(t.body_pt)}"
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
            f'<w:pPrDefault><w:pPr>{_NO_HANGING}<w:spacing w:before="0" w:after="0" '
            f'w:line="{t.line_twips}" w:lineRule="exact"/></w:pPr></w:pPrDefault></w:docDefaults>'
        ),
    )
    for style in styles.findall(qn("w:style")):
        # Every built-in style that names a theme font would bring the Japanese fallback back.
        for fonts in style.iter(qn("w:rFonts")):
            for slot in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
                fonts.attrib.pop(qn(f"w:{slot}"), None)
            for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
                fonts.set(qn(f"w:{slot}"), t.body_font)
    normal = next(
        (s for s in styles.findall(qn("w:style")) if s.get(qn("w:styleId")) == "Normal"), None
    )
    if normal is not None:
        # LibreOffice sizes the character grid from Normal's own East-Asian size (not from
        # the document defaults): without it, 16 pt characters take two 12 pt grid cells.
        for old in normal.findall(qn("w:rPr")):
            normal.remove(old)
        normal.append(
            parse_xml(
                f"<w:rPr {_W}>{_fonts(t.body_font)}{_size(t.body_pt)}"
                '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>'
            )
        )
    for role in STYLE_IDS:
        styles.append(parse_xml(_style_xml(role, t)))
    for xml in _COMMENT_STYLES:
        styles.append(parse_xml(xml))

    settings = document.settings
    settings.odd_and_even_pages_header_footer = True
    _chinese_package(document, t)
    section = document.sections[0]
    top, bottom, left, right = t.margins_mm
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    # GB/T 9704 7.5: the 一字线 of the page number sits 7 mm below the type area. The number
    # is a single line (not the body's exact one) ending at the footer's bottom edge, its
    # dashes half a character above that edge.
    footer = Mm(max(5.0, bottom - 7)) - Pt(t.page_number_pt / 2)
    section.footer_distance = footer - Pt(_STAMP_LINE_PT) if footer_line else footer
    section.header_distance = Mm(15)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = etree.SubElement(section._sectPr, qn("w:docGrid"))
    grid.set(qn("w:type"), t.grid)
    grid.set(qn("w:linePitch"), str(t.line_twips))
    grid.set(qn("w:charSpace"), str(t.char_space))


def _part(document: Document, name: str) -> Part | None:
    return next(
        (p for p in document.part.package.iter_parts() if str(p.partname).endswith(name)), None
    )


def _chinese_package(document: Document, t: DocxTemplate) -> None:
    """python-docx's template is Japanese under its styles: its theme's East-Asian fonts are
    ＭＳ 明朝/ゴシック, its font table lists them, ``themeFontLang`` says ``ja-JP`` and
    ``stylesWithEffects.xml`` (a Word 2010 copy of the styles) refers to theme fonts 72 times.
    Made Chinese here, the copy of the styles dropped (issue 21)."""
    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is None:
        theme_lang = parse_xml(f"<w:themeFontLang {_W}/>")
        compat = settings.find(qn("w:compat"))
        if compat is not None:
            compat.addprevious(theme_lang)
        else:
            settings.append(theme_lang)
    theme_lang.set(qn("w:val"), "en-US")
    theme_lang.set(qn("w:eastAsia"), "zh-CN")

    for rel_id, rel in list(document.part.rels.items()):
        if rel.reltype.endswith("/stylesWithEffects"):
            document.part.drop_rel(rel_id)

    theme = _part(document, "theme1.xml")
    if theme is not None:
        root = parse_xml(theme.blob)
        for fonts, name in (("majorFont", t.title_font), ("minorFont", t.body_font)):
            for group in root.iter(f"{{{_THEME_FONTS}}}{fonts}"):
                for entry in group.findall(f"{{{_THEME_FONTS}}}font"):
                    if entry.get("script") in ("Jpan", "Hans"):
                        group.remove(entry)
                ea = group.find(f"{{{_THEME_FONTS}}}ea")
                if ea is not None:
                    ea.set("typeface", name)
                etree.SubElement(group, f"{{{_THEME_FONTS}}}font", script="Hans", typeface=name)
        _set_blob(theme, root)

    font_table = _part(document, "fontTable.xml")
    if font_table is not None:
        root = parse_xml(font_table.blob)
        for old in root.findall(qn("w:font")):
            charset = old.find(qn("w:charset"))
            if charset is not None and charset.get(qn("w:val")) == "80":  # Shift-JIS
                root.remove(old)
        used = {f for f, _ in _style_fonts(t).values()}
        for font in sorted(used):
            alt = t.alt_fonts.get(font)
            alt_xml = f'<w:altName w:val="{escape(alt, _QUOTE)}"/>' if alt else ""
            root.append(
                parse_xml(
                    f'<w:font {_W} w:name="{escape(font, _QUOTE)}">{alt_xml}<w:charset w:val="86"/>'
                    '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
                )
            )
        _set_blob(font_table, root)


def _set_blob(part: Part, root: etree._Element) -> None:
    """A plain (non-XML) part in python-docx: its bytes are what gets saved."""
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _run(text: str, font: str, size: float, highlight: str | None = None, condense: int = 0) -> str:
    mark = f'<w:highlight w:val="{highlight}"/>' if highlight else ""
    spacing = f'<w:spacing w:val="{condense}"/>' if condense else ""
    return (
        f"<w:r><w:rPr>{_fonts(font)}{spacing}{_size(size)}{mark}</w:rPr>"
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    )


def _paragraph(style: str, runs: str, extra_ppr: str = "") -> str:
    return f'<w:p {_W}><w:pPr><w:pStyle w:val="{style}"/>{extra_ppr}</w:pPr>{runs}</w:p>'


def _code_run(frame: str, font: str, size: float) -> str:
    """The zero-width code as a run of its own: off the character grid, not condensed."""
    return (
        f'<w:r><w:rPr>{_fonts(font)}<w:noProof/><w:snapToGrid w:val="0"/>{_size(size)}</w:rPr>'
        f"<w:t>{frame}</w:t></w:r>"
    )


def _runs(
    text: str,
    font: str,
    size: float,
    *,
    frame: str = "",
    condense: int = 0,
    marks: Sequence[Mark] = (),
    lead: int = 0,
    lead_font: str = "",
) -> str:
    """``text`` as runs, cut at the lead's end and at every mark boundary, after the code
    ``frame`` if any.

    The code goes at the start of the paragraph only: there it moves nothing, while a code
    between two characters of condensed text moved the rest of the line by 0.3–1 pt in
    LibreOffice and made some lines break elsewhere (and took whole grid cells with the
    ``word-grid`` template).
    """
    cuts = {0, len(text), lead}
    for m in marks:
        cuts.update((m.start, m.end))
    bounds = sorted(c for c in cuts if 0 <= c <= len(text))
    runs = [_code_run(frame, font, size)] if frame and text else []
    for start, end in itertools.pairwise(bounds):
        if start == end:
            continue
        mark = next((m for m in marks if m.start <= start and end <= m.end), None)
        runs.append(
            _run(
                text[start:end],
                lead_font if start < lead else font,
                size,
                _HIGHLIGHT.get(mark.kind) if mark else None,
                condense,
            )
        )
    return "".join(runs)


def _broken(
    text: str,
    chars: float,
    font: str,
    size: float,
    frame: str,
    condense: int = 0,
    lines_of: Callable[[str, float], tuple[str, ...]] = title_lines,
) -> str:
    """``text`` as runs in lines of at most ``chars`` characters broken between words
    (:func:`~sucai.export.titles.title_lines`, or ``lines_of``), the code before the first
    line only."""
    lines = lines_of(text, chars)
    br = f"<w:r><w:rPr>{_fonts(font)}{_size(size)}</w:rPr><w:br/></w:r>"
    return br.join(
        _runs(line, font, size, frame=frame if n == 0 else "", condense=condense)
        for n, line in enumerate(lines)
    )


def _table_xml(piece: Piece, t: DocxTemplate, frame: str) -> str:
    """A table as a Word table with single borders, its cells in the body font at 小四 at
    most, with no first-line indent; the code (if any) opens its first cell."""
    font, size = _style_fonts(t)["body"]
    size = min(size, _TABLE_PT)
    rows = piece.rows
    width = max(len(row) for row in rows)
    border = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    cell_ppr = (
        '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
        '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/>'
    )
    body = []
    for r, row in enumerate(rows):
        cells = []
        for c, cell in enumerate(row):
            runs = _runs(cell, font, size, frame=frame if (r, c) == (0, 0) else "")
            paragraph = _paragraph(STYLE_IDS["body"], runs, cell_ppr)
            cells.append(f'<w:tc><w:tcPr><w:tcW w:w="0" w:type="auto"/></w:tcPr>{paragraph}</w:tc>')
        body.append(f"<w:tr>{''.join(cells)}</w:tr>")
    grid = "<w:gridCol/>" * width
    return (
        f'<w:tbl {_W}><w:tblPr><w:tblW w:w="5000" w:type="pct"/><w:tblBorders>{border}'
        f'</w:tblBorders><w:tblLayout w:type="autofit"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>{''.join(body)}</w:tbl>"
    )


def _piece_xml(piece: Piece, t: DocxTemplate, frame: str, keep: bool = False) -> str:
    """A piece as a paragraph (or a table); ``keep``: on the page of the next paragraph."""
    if piece.kind == "table":
        return _table_xml(piece, t, frame)
    fonts = _style_fonts(t)
    if piece.kind == "title":
        font, size = fonts["h1"]
        return _paragraph(
            STYLE_IDS["h1"], _broken(piece.text, t.chars_per_line, font, size, frame), _CENTRED
        )
    if piece.kind == "heading":
        role = f"h{max(1, min(piece.level, 4))}"
    elif piece.kind in ("source", "sources-title"):
        role = "source" if piece.kind == "source" else "h1"
    elif piece.kind == "note":
        role = "subtitle"
    else:
        role = "body"
    font, size = fonts[role]
    lead_font = fonts[f"h{max(1, min(piece.level, 4))}"][0] if piece.lead else font
    runs = _runs(
        piece.text,
        font,
        size,
        frame=frame,
        condense=t.condense_twips,
        marks=piece.marks,
        lead=piece.lead,
        lead_font=lead_font,
    )
    extra = '<w:jc w:val="left"/>' if piece.kind == "sources-title" else ""
    if piece.kind == "heading" and _CHAPTER.match(piece.text):
        extra = _CENTRED
    if piece.kind == "source":
        # "——摘自《…》（…，date）" (right-aligned) and the 出处 list: never broken in a date.
        chars, condense = t.chars_per_line, t.condense_twips
        runs = _broken(piece.text, chars, font, size, frame, condense, source_lines)
        if not piece.text.startswith("——"):
            extra = '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/>'
    return _paragraph(STYLE_IDS[role], runs, ("<w:keepNext/>" if keep else "") + extra)


def _names_source(piece: Piece | None) -> bool:
    return piece is not None and piece.kind == "source" and piece.text.startswith("——")


def _page_number(align: str, t: DocxTemplate) -> str:
    """``— 1 —`` with a PAGE field, one character in from the outer edge (GB/T 9704 7.5)."""
    font, size = t.page_number_font, t.page_number_pt
    rpr = f"<w:rPr>{_fonts(font)}{_size(size)}</w:rPr>"
    indent = round(size * 20)
    side = "right" if align == "right" else "left"
    field = (
        f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r>{rpr}<w:t>1</w:t></w:r>"
        f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
    )
    return _paragraph(
        STYLE_IDS["page"],
        f'<w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r>{field}'
        f'<w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r>',
        f'<w:ind w:{side}="{indent}"/><w:jc w:val="{align}"/>',
    )


def _stamp_line(stamp: Stamp, t: DocxTemplate) -> str:
    """The stamp's footer line, centred under the page number."""
    twips = round(_STAMP_LINE_PT * 20)
    return _paragraph(
        STYLE_IDS["page"],
        _runs(stamp.line, t.page_number_font, _STAMP_PT, frame=encode(stamp.code)),
        f'<w:spacing w:before="0" w:after="0" w:line="{twips}" w:lineRule="exact"/>'
        '<w:ind w:left="0" w:right="0"/><w:jc w:val="center"/>',
    )


def _set_footers(document: Document, t: DocxTemplate, stamp: Stamp | None) -> None:
    section = document.sections[0]
    for footer, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        element = footer._element
        for p in element.findall(qn("w:p")):
            element.remove(p)
        element.append(parse_xml(_page_number(align, t)))
        if stamp is not None and stamp.visible:
            element.append(parse_xml(_stamp_line(stamp, t)))


def _set_properties(document: Document, title: str, stamp: Stamp | None) -> None:
    """Core properties, and the stamp's code in them and in a custom property."""
    document.core_properties.title = title
    document.core_properties.author = "sucai"
    if stamp is None:
        return
    document.core_properties.identifier = f"sucai:{stamp.code}"
    document.core_properties.comments = f"sucai 导出编号 {stamp.code}"
    # python-docx has no API for custom properties: the part is written as the spec has it.
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
        'custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
        'docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" '
        f'name="{CUSTOM_PROPERTY}"><vt:lpwstr>{stamp.code}</vt:lpwstr></property></Properties>'
    )
    package = document.part.package
    part = Part(
        PackURI("/docProps/custom.xml"),
        CONTENT_TYPE.OFC_CUSTOM_PROPERTIES,
        xml.encode(),
        package,
    )
    package.relate_to(part, RELATIONSHIP_TYPE.CUSTOM_PROPERTIES)


def _comment_missing_names(document: Document, added: list[tuple[object, Piece]]) -> None:
    """A Word comment on each likely removed name: highlight alone does not say why."""
    for element, piece in added:
        if not any(m.kind == "missing-name" for m in piece.marks):
            continue
        paragraph = DocxParagraph(element, document._body)  # type: ignore[arg-type]
        runs = paragraph.runs
        offset = 0
        for run in runs:
            length = len(strip(run.text))  # a code run has no length in the piece's text
            for m in piece.marks:
                if m.kind == "missing-name" and offset <= m.start < offset + length:
                    document.add_comment(run, text=m.message, author="sucai 校对", initials="SC")
            offset += length


def render_docx(doc: ExportDoc, template: DocxTemplate, stamp: Stamp | None = None) -> bytes:
    """The document as .docx bytes, laid out by ``template``, carrying ``stamp`` if any."""
    document = docx.Document()
    _set_defaults(document, template, stamp is not None and stamp.visible)
    _set_footers(document, template, stamp)
    frame = encode(stamp.code) if stamp is not None else ""
    body = document.element.body
    sect = body.find(qn("w:sectPr"))
    fonts = _style_fonts(template)

    def add(xml: str) -> object:
        element = parse_xml(xml)
        if sect is not None:
            sect.addprevious(element)
        else:
            body.append(element)
        return element

    for p in list(body.findall(qn("w:p"))):
        body.remove(p)
    title_font, title_size = fonts["title"]
    title = _broken(doc.title, template.title_chars, title_font, title_size, frame)
    add(_paragraph(STYLE_IDS["title"], title))
    if doc.subtitle:
        font, size = fonts["subtitle"]
        for line in doc.subtitle.splitlines():
            runs = _broken(
                line, template.chars_per_line, font, size, frame, template.condense_twips
            )
            add(_paragraph(STYLE_IDS["subtitle"], runs))
    # GB/T 9704 7.3.3: one empty line between the title block and the text.
    add(_paragraph(STYLE_IDS["body"], ""))
    # A basket's source line stays on the page of the text it names (issue 21): the text
    # keeps with it when it is at most half a page (a word processor moves it whole).
    half_page = template.chars_per_line * (template.lines_per_page // 2) - 2
    follows = [*doc.pieces[1:], None]
    added = [
        (add(_piece_xml(piece, template, frame, keep)), piece)
        for piece, after in zip(doc.pieces, follows, strict=True)
        for keep in [_names_source(after) and len(piece.text) <= half_page]
    ]
    _comment_missing_names(document, added)
    _set_properties(document, doc.title, stamp)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
