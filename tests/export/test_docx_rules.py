"""Which style and font each piece of a Word export takes, and where its runs are cut
(issue 23), on a document written here: the expected styles come from GB/T 9704's table in
tests/export/test_docx.py (STYLES), the cuts from the offsets of the lead and the marks.

Only the rules are asserted (style ids, fonts, highlight colours, run texts), not the layout
around them, which may change.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from typing import TYPE_CHECKING

import docx
from docx.oxml.ns import qn
from lxml import etree

from sucai.export import get_template
from sucai.export.document import ExportDoc, Mark, Piece
from sucai.export.docx import render_docx
from sucai.export.fingerprint import Stamp, encode, strip
from tests.export.test_docx import STYLES

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph
    from docx.text.run import Run

BODY = "一是抓落实。要在xx月前完成，学习重要讲话。"
#        0-5 lead (一是抓落实。), 8-11 xx月 placeholder, 15-21 学习重要讲话 missing name
DOC = ExportDoc(
    title="关于做好全年工作的通知",
    subtitle="（县长）",
    pieces=(
        Piece("heading", "一、总体要求", level=1),
        Piece("heading", "（一）第二级", level=2),
        Piece("heading", "第七级", level=7),
        Piece("heading", "无级别", level=0),
        Piece(
            "body",
            BODY,
            level=2,
            lead=6,
            marks=(
                Mark(8, 11, "placeholder", "待填写"),
                Mark(15, 21, "missing-name", "缺讲话人"),
            ),
        ),
        Piece("note", "（以下为会员内容）"),
        Piece("sources-title", "来源"),
        Piece("source", "a.txt"),
        Piece("source", "——摘自《讲话汇编》"),
    ),
    name="通知",
)


def _paragraphs() -> list[Paragraph]:
    document = docx.Document(io.BytesIO(render_docx(DOC, get_template(None))))
    return list(document.paragraphs)


def _east_asian(run: Run) -> str | None:
    fonts = run._r.find(qn("w:rPr")).find(qn("w:rFonts"))
    return fonts.get(qn("w:eastAsia")) if fonts is not None else None


def _highlight(run: Run) -> str | None:
    found = run._r.find(qn("w:rPr")).find(qn("w:highlight"))
    return found.get(qn("w:val")) if found is not None else None


def test_each_piece_takes_the_style_of_its_kind_and_level() -> None:
    styles = [p.style.style_id for p in _paragraphs() if p.text]
    assert styles == [
        "GWTitle",
        "GWSubtitle",
        "GWHeading1",
        "GWHeading2",
        "GWHeading4",  # levels beyond 4 take the fourth
        "GWHeading1",  # and below 1 the first
        "GWBody",
        "GWSubtitle",  # a note
        "GWHeading1",  # the sources' title
        "GWSource",
        "GWSource",
    ]
    for p in _paragraphs():
        if p.text and p.text != BODY:  # (its lead takes a heading font: see below)
            font, _size = STYLES.get(p.style.style_id, (None, 0))
            if font is not None:
                assert {_east_asian(r) for r in p.runs if r.text} == {font}, p.text


def test_a_body_paragraph_is_cut_at_its_lead_and_marks() -> None:
    (body,) = [p for p in _paragraphs() if p.text == BODY]
    runs = [(r.text, _east_asian(r), _highlight(r)) for r in body.runs if r.text]
    assert runs == [
        ("一是抓落实。", STYLES["GWHeading2"][0], None),
        ("要在", STYLES["GWBody"][0], None),
        ("xx月", STYLES["GWBody"][0], "yellow"),
        ("前完成，", STYLES["GWBody"][0], None),
        ("学习重要讲话", STYLES["GWBody"][0], "cyan"),
        ("。", STYLES["GWBody"][0], None),
    ]


def test_sources_are_set_flush_left_unless_they_are_a_dash_attribution() -> None:
    by_text = {p.text: p for p in _paragraphs()}

    def jc(text: str) -> str | None:
        ppr = by_text[text]._p.find(qn("w:pPr"))
        found = ppr.find(qn("w:jc"))
        return found.get(qn("w:val")) if found is not None else None

    def first_line(text: str) -> str | None:
        found = by_text[text]._p.find(qn("w:pPr")).find(qn("w:ind"))
        return found.get(qn("w:firstLine")) if found is not None else None

    assert (jc("来源"), first_line("来源")) == ("left", None)
    assert (jc("a.txt"), first_line("a.txt")) == ("left", "0")
    assert (jc("——摘自《讲话汇编》"), first_line("——摘自《讲话汇编》")) == (None, None)


#: Three rows, the second one cell short; tabs between cells (Piece.rows).
TABLE = "项目\t金额\t备注\n办公费\t1200\n差旅费\t800\t含住宿"
STAMP = Stamp(recipient="会员甲", issued_on="2026-03-10", code="7K3M9QX2")


def _w(tag: str) -> str:
    return qn(f"w:{tag}")


def _attrs(element: object, *names: str) -> tuple[str | None, ...]:
    return tuple(element.get(_w(n)) for n in names)  # type: ignore[attr-defined]


def test_a_table_is_a_word_table_with_single_borders_in_the_body_font_at_12_points() -> None:
    """Word's own table, its cells as written (a short row keeps its cells), single black
    borders on every side and between cells, full width, each cell a body paragraph set
    flush left without spacing, in the body font at 小四 (12 pt, 24 half-points): the body's
    三号 is too big for a table. The export code opens the first cell alone."""
    doc = ExportDoc(title="经费表", subtitle=None, pieces=(Piece("table", TABLE),), name="表")
    document = docx.Document(io.BytesIO(render_docx(doc, get_template(None), STAMP)))
    (table,) = document.tables
    tbl = table._tbl
    props = tbl.find(_w("tblPr"))
    assert _attrs(props.find(_w("tblW")), "w", "type") == ("5000", "pct")
    assert _attrs(props.find(_w("tblLayout")), "type") == ("autofit",)
    borders = [
        (b.tag.split("}")[1], *_attrs(b, "val", "sz", "space", "color"))
        for b in props.find(_w("tblBorders"))
    ]
    assert borders == [
        (side, "single", "4", "0", "000000")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    ]
    assert len(tbl.find(_w("tblGrid")).findall(_w("gridCol"))) == 3
    rows = tbl.findall(_w("tr"))
    cells = [
        [strip("".join(t.text for t in tc.iter(_w("t")))) for tc in tr.findall(_w("tc"))]
        for tr in rows
    ]
    assert cells == [["项目", "金额", "备注"], ["办公费", "1200"], ["差旅费", "800", "含住宿"]]
    frame = encode(STAMP.code)
    for r, tr in enumerate(rows):
        for c, tc in enumerate(tr.findall(_w("tc"))):
            assert _attrs(tc.find(_w("tcPr")).find(_w("tcW")), "w", "type") == ("0", "auto")
            (p,) = tc.findall(_w("p"))
            ppr = p.find(_w("pPr"))
            assert _attrs(ppr.find(_w("pStyle")), "val") == ("GWBody",)
            assert _attrs(ppr.find(_w("spacing")), "before", "after", "line", "lineRule") == (
                "0",
                "0",
                "240",
                "auto",
            )
            assert _attrs(ppr.find(_w("ind")), "firstLineChars", "firstLine") == ("0", "0")
            assert _attrs(ppr.find(_w("jc")), "val") == ("left",)
            runs = p.findall(_w("r"))
            texts = ["".join(t.text for t in run.iter(_w("t"))) for run in runs]
            assert texts[0] == frame if (r, c) == (0, 0) else frame not in "".join(texts)
            for run in runs:
                rpr = run.find(_w("rPr"))
                fonts = _attrs(rpr.find(_w("rFonts")), "ascii", "hAnsi", "eastAsia", "cs")
                assert fonts == (STYLES["GWBody"][0],) * 4
                assert _attrs(rpr.find(_w("sz")), "val") == ("24",)
                assert _attrs(rpr.find(_w("szCs")), "val") == ("24",)


def test_the_export_code_is_a_run_of_its_own_off_the_grid_and_not_condensed() -> None:
    document = docx.Document(io.BytesIO(render_docx(DOC, get_template(None), STAMP)))
    (body,) = [p for p in document.paragraphs if strip(p.text) == BODY]
    code = body.runs[0]._r
    assert "".join(t.text for t in code.iter(_w("t"))) == encode(STAMP.code)
    rpr = code.find(_w("rPr"))
    assert rpr.find(_w("noProof")) is not None
    assert _attrs(rpr.find(_w("snapToGrid")), "val") == ("0",)
    assert rpr.find(_w("spacing")) is None
    assert _attrs(rpr.find(_w("rFonts")), "eastAsia") == (STYLES["GWBody"][0],)
    assert _attrs(rpr.find(_w("sz")), "val") == (str(STYLES["GWBody"][1] * 2),)
    # The text's runs are condensed; the code's is not.
    assert body.runs[1]._r.find(_w("rPr")).find(_w("spacing")) is not None


def test_a_font_name_with_a_quote_is_written_escaped() -> None:
    template = replace(get_template(None), body_font='Font "Q"')
    document = docx.Document(io.BytesIO(render_docx(DOC, template)))
    (body,) = [p for p in document.paragraphs if p.text == BODY]
    assert _east_asian(body.runs[-1]) == 'Font "Q"'


#: Each style's paragraph settings, from GB/T 9704: (name, keep with next, snap to the grid,
#: first-line indent (chars, twips), alignment, outline level). Headings and the title keep
#: with the next line and have outline levels; the body and headings indent two characters
#: (2 × 16 pt = 640 twips); the title and its caption are centred, sources right-aligned, the
#: page number right-aligned without indent, the title and page number off the grid.
STYLE_SETTINGS = {
    "GWTitle": ("公文标题", True, "0", ("0", "0"), "center", "0"),
    "GWSubtitle": ("题注", False, "1", ("0", "0"), "center", None),
    "GWBody": ("公文正文", False, "1", ("200", "640"), "both", None),
    "GWHeading1": ("一级标题", True, "1", ("200", "640"), "both", "1"),
    "GWHeading2": ("二级标题", True, "1", ("200", "640"), "both", "2"),
    "GWHeading3": ("三级标题", True, "1", ("200", "640"), "both", "3"),
    "GWHeading4": ("四级标题", True, "1", ("200", "640"), "both", "4"),
    "GWSource": ("出处", False, "1", ("200", "640"), "right", None),
    "GWPageNumber": ("页码", False, "0", (None, None), "right", None),
}


def test_each_style_has_its_gbt9704_paragraph_settings() -> None:
    template = get_template(None)
    document = docx.Document(io.BytesIO(render_docx(DOC, template)))
    for style_id, expected in STYLE_SETTINGS.items():
        style = document.styles.element.get_by_id(style_id)
        assert style is not None, style_id
        ppr = style.find(_w("pPr"))
        ind = ppr.find(_w("ind"))
        outline = ppr.find(_w("outlineLvl"))
        found = (
            style.find(_w("name")).get(_w("val")),
            ppr.find(_w("keepNext")) is not None,
            ppr.find(_w("snapToGrid")).get(_w("val")),
            _attrs(ind, "firstLineChars", "firstLine") if ind is not None else (None, None),
            ppr.find(_w("jc")).get(_w("val")),
            outline.get(_w("val")) if outline is not None else None,
        )
        assert found == expected, style_id
        spacing = _attrs(ppr.find(_w("spacing")), "before", "after", "line", "lineRule")
        if style_id == "GWPageNumber":  # single spacing of its own
            assert spacing == ("0", "0", "240", "auto")
        else:  # the fixed line of the grid
            assert spacing == ("0", "0", str(template.line_twips), "exact")
        assert style.get(_w("type")) == "paragraph"
        assert style.get(_w("customStyle")) == "1"
        assert style.find(_w("qFormat")) is not None
        lang = style.find(_w("rPr")).find(_w("lang"))
        assert _attrs(lang, "val", "eastAsia", "bidi") == ("en-US", "zh-CN", "ar-SA")


def test_a_visible_stamp_is_a_centred_line_under_each_page_number() -> None:
    """``仅供 会员甲 使用 · 2026-03-10`` in 小五 (9 pt) on an exact 10-pt line (200 twips),
    centred without indents, its code first, after the page number of both footers."""
    template = get_template(None)
    document = docx.Document(io.BytesIO(render_docx(DOC, template, STAMP)))
    section = document.sections[0]
    for footer in (section.footer, section.even_page_footer):
        number, line = footer._element.findall(_w("p"))
        assert strip("".join(t.text for t in number.iter(_w("t")))) == "— 1 —"
        texts = ["".join(t.text for t in run.iter(_w("t"))) for run in line.findall(_w("r"))]
        assert texts == [encode(STAMP.code), "仅供 会员甲 使用 · 2026-03-10"]
        ppr = line.find(_w("pPr"))
        assert _attrs(ppr.find(_w("pStyle")), "val") == ("GWPageNumber",)
        assert _attrs(ppr.find(_w("spacing")), "before", "after", "line", "lineRule") == (
            "0",
            "0",
            "200",
            "exact",
        )
        assert _attrs(ppr.find(_w("ind")), "left", "right") == ("0", "0")
        assert _attrs(ppr.find(_w("jc")), "val") == ("center",)
        for run in line.findall(_w("r")):
            rpr = run.find(_w("rPr"))
            assert _attrs(rpr.find(_w("rFonts")), "eastAsia") == (template.page_number_font,)
            assert _attrs(rpr.find(_w("sz")), "val") == ("18",)
    hidden = replace(STAMP, visible=False)
    document = docx.Document(io.BytesIO(render_docx(DOC, template, hidden)))
    assert len(document.sections[0].footer._element.findall(_w("p"))) == 1


def test_no_text_stands_outside_the_text_elements() -> None:
    """Word reads text only in w:t (and a field's w:instrText); text anywhere else in the
    body, the styles or the footers makes the file one Word refuses or repairs."""
    template = get_template(None)
    doc = replace(DOC, pieces=(*DOC.pieces, Piece("table", TABLE)))
    document = docx.Document(io.BytesIO(render_docx(doc, template, STAMP)))
    section = document.sections[0]
    roots = [
        document.element.body,
        document.styles.element,
        section.footer._element,
        section.even_page_footer._element,
    ]
    allowed = {_w("t"), _w("instrText")}
    for root in roots:
        # Plain lxml elements: python-docx's own give a paragraph's text as its .text.
        for element in etree.fromstring(etree.tostring(root)).iter():
            if element.tag not in allowed:
                assert not (element.text or "").strip(), (element.tag, element.text)
            assert not (element.tail or "").strip(), (element.tag, element.tail)


def test_built_in_styles_name_the_body_font_in_all_four_slots_and_no_theme_font() -> None:
    """python-docx's own styles name theme fonts (Japanese by default): every w:rFonts of the
    styles part names the template's fonts in ascii, hAnsi, eastAsia and cs, and no theme
    slot (asciiTheme, hAnsiTheme, eastAsiaTheme, cstheme); nothing else takes font slots. The
    document defaults come first, as the schema orders them."""
    template = get_template(None)
    document = docx.Document(io.BytesIO(render_docx(DOC, template)))
    styles = etree.fromstring(etree.tostring(document.styles.element))
    assert styles[0].tag == _w("docDefaults")
    ours = set(STYLE_SETTINGS) | {"CommentText", "CommentReference"}
    slots = ("ascii", "hAnsi", "eastAsia", "cs")
    themes = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")
    built_in = 0
    for style in styles.iter(_w("style")):
        for element in style.iter():
            if element.tag == _w("rFonts"):
                assert all(element.get(_w(t)) is None for t in themes)
                if style.get(_w("styleId")) not in ours:
                    assert _attrs(element, *slots) == (template.body_font,) * 4
                    built_in += 1
            else:
                assert all(element.get(_w(s)) is None for s in ("ascii", "hAnsi", "cs"))
    assert built_in > 0
    # Normal has the body's size of its own: LibreOffice sizes the character grid from it.
    (normal,) = [s for s in styles.iter(_w("style")) if s.get(_w("styleId")) == "Normal"]
    (rpr,) = normal.findall(_w("rPr"))
    assert _attrs(rpr.find(_w("rFonts")), *slots) == (template.body_font,) * 4
    assert _attrs(rpr.find(_w("sz")), "val") == (str(round(template.body_pt * 2)),)
    assert _attrs(rpr.find(_w("lang")), "eastAsia") == ("zh-CN",)


def _twips(mm: float) -> float:
    return mm / 25.4 * 1440


def test_the_footer_sits_7_mm_below_the_type_area_and_moves_down_for_a_stamp_line() -> None:
    """GB/T 9704 7.5: the page number's 一字线 is 7 mm below the type area, so the footer ends
    (bottom margin − 7 mm) above the paper's edge, less half the number's size (its dashes sit
    half a character above that edge); a visible stamp line (10 pt) lowers it by its height.
    The header is 15 mm from the top."""
    template = get_template(None)
    bottom = template.margins_mm[1]
    expected = _twips(bottom - 7) - template.page_number_pt / 2 * 20

    def margins(stamp: Stamp | None) -> tuple[int, int]:
        document = docx.Document(io.BytesIO(render_docx(DOC, template, stamp)))
        pg = document.sections[0]._sectPr.find(_w("pgMar"))
        return int(pg.get(_w("footer"))), int(pg.get(_w("header")))

    footer, header = margins(None)
    assert abs(footer - expected) <= 1
    assert abs(header - _twips(15)) <= 1
    footer, _ = margins(STAMP)
    assert abs(footer - (expected - 10 * 20)) <= 1
    footer, _ = margins(replace(STAMP, visible=False))
    assert abs(footer - expected) <= 1


def test_the_theme_names_the_templates_fonts_for_chinese_and_none_for_japanese() -> None:
    """In theme1.xml the major (title) and minor (body) fonts each have exactly one Hans entry,
    the template's font, no Jpan entry, and the template's font as their East-Asian face."""
    template = get_template(None)
    data = render_docx(DOC, template)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        theme = etree.fromstring(archive.read("word/theme/theme1.xml"))
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    for group_name, font in (("majorFont", template.title_font), ("minorFont", template.body_font)):
        (group,) = list(theme.iter(f"{a}{group_name}"))
        scripts = [(e.get("script"), e.get("typeface")) for e in group.findall(f"{a}font")]
        assert [s for s in scripts if s[0] in ("Hans", "Jpan")] == [("Hans", font)]
        assert group.find(f"{a}ea").get("typeface") == font
        # The other scripts' entries stay as they were.
        assert len(scripts) > 10
