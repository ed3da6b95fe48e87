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


# --- The rules mutmut's run of export/docx.py found untested (issue 23) ---------------------

#: GB/T 9704 body text: 28 characters a line in a type area 156 mm wide (210 − 28 − 26),
#: 3号 (16 pt, 320 twips) characters; 22 lines a page (21 with the ``loose`` template).
_LINE_TWIPS = 156 / 25.4 * 1440
_BASKET_TITLE = "关于进一步加强和改进新时代基层治理体系和治理能力现代化建设的实施意见"
_SOURCE = "——摘自《关于进一步加强基层治理体系和治理能力现代化建设的意见》（县长，2021年8月20日）"


def _render(doc: ExportDoc, stamp: Stamp | None = None, template: str | None = None) -> bytes:
    return render_docx(doc, get_template(template), stamp)


def _text(element: object) -> str:
    return "".join(t.text or "" for t in element.iter(_w("t")))  # type: ignore[attr-defined]


def _lines(p: object) -> list[str]:
    """A paragraph's text lines (split at its w:br), the export code taken out."""
    lines = [""]
    for element in p.iter(_w("t"), _w("br")):  # type: ignore[attr-defined]
        if element.tag == _w("br"):
            lines.append("")
        else:
            lines[-1] += element.text or ""
    return [strip(line) for line in lines]


def _body_paragraphs(data: bytes) -> list[object]:
    return docx.Document(io.BytesIO(data)).element.body.findall(_w("p"))


def _by_text(data: bytes) -> dict[str, object]:
    return {"".join(_lines(p)): p for p in _body_paragraphs(data)}


def _ppr(p: object, tag: str) -> object:
    return p.find(_w("pPr")).find(_w(tag))  # type: ignore[attr-defined]


def _text_runs(p: object) -> list[object]:
    """The runs holding text, the export code's run left out."""
    return [r for r in p.findall(_w("r")) if strip(_text(r))]  # type: ignore[attr-defined]


def test_a_whole_articles_title_in_a_basket_is_a_centred_first_level_heading() -> None:
    """A basket piece that is a whole article opens with its title: 一级标题 (黑体, 3号),
    centred without indent, broken between words into lines of at most 28 characters (the
    body's width: it is set at the body's size), the export code once, before its first line."""
    short = "关于加强新时代基层治理能力现代化建设的实施意见"  # 23: one line at 3号, two at 2号
    doc = ExportDoc(
        title="学习材料",
        subtitle=None,
        pieces=(Piece("title", _BASKET_TITLE), Piece("title", short), Piece("body", "正文。")),
        name="篮子",
    )
    data = _render(doc, STAMP)
    frame = encode(STAMP.code)
    for text, count in ((_BASKET_TITLE, 2), (short, 1)):
        p = _by_text(data)[text]
        assert _attrs(_ppr(p, "pStyle"), "val") == ("GWHeading1",)
        assert _attrs(_ppr(p, "ind"), "firstLineChars", "firstLine") == ("0", "0")
        assert _attrs(_ppr(p, "jc"), "val") == ("center",)
        lines = _lines(p)
        assert len(lines) == count
        assert all(len(line) <= 28 for line in lines)
        assert "".join(lines) == text
        assert _text(p).startswith(frame)
        assert _text(p).count(frame) == 1
        for run in _text_runs(p):
            rpr = run.find(_w("rPr"))
            assert _attrs(rpr.find(_w("rFonts")), "ascii", "hAnsi", "eastAsia", "cs") == (
                ("黑体",) * 4
            )
            assert _attrs(rpr.find(_w("sz")), "val") == ("32",)


def test_a_chapter_heading_of_a_law_is_centred_and_other_paragraphs_are_not() -> None:
    """第X编/分编/章/节 headings are set centred without indent, as laws are printed; other
    headings keep the style's justified, indented setting, as does a body paragraph that
    begins with such words."""
    doc = ExportDoc(
        title="某某条例",
        subtitle=None,
        pieces=(
            Piece("heading", "第三章　总则", level=1),
            Piece("heading", "第二分编　合同", level=1),
            Piece("heading", "一、总体要求", level=1),
            Piece("body", "第三章　规定的事项，依照本条例执行。"),
        ),
        name="条例",
    )
    by_text = _by_text(_render(doc))
    for text in ("第三章　总则", "第二分编　合同"):
        assert _attrs(_ppr(by_text[text], "jc"), "val") == ("center",), text
        assert _attrs(_ppr(by_text[text], "ind"), "firstLineChars", "firstLine") == ("0", "0")
    for text in ("一、总体要求", "第三章　规定的事项，依照本条例执行。"):
        assert _ppr(by_text[text], "jc") is None, text
        assert _ppr(by_text[text], "ind") is None, text


def _keeps(pieces: tuple[Piece, ...], template: str | None = None) -> list[bool]:
    doc = ExportDoc(title="篮子", subtitle=None, pieces=pieces, name="篮子")
    paragraphs = _body_paragraphs(_render(doc, None, template))[2:]  # after the title, the blank
    assert len(paragraphs) == len(pieces)
    return [_ppr(p, "keepNext") is not None for p in paragraphs]


def _chars(n: int) -> str:
    return ("要坚持稳中求进工作总基调，推动高质量发展。" * 40)[:n]


def test_a_text_of_at_most_half_a_page_keeps_with_the_dash_source_after_it() -> None:
    """A basket's ``——摘自`` line stays on the page of the text it names: the text keeps with
    the next paragraph when it fills at most half a page — 11 of GB/T's 22 lines of 28
    characters, less the two-character first-line indent: 306 characters (10 lines, 278, with
    the 21-line ``loose`` template). Nothing else keeps with what follows: not a text before
    another text or before a line of the 出处 list, not a source line, not a longer text."""
    source = Piece("source", "——摘自《讲话》（县长，2021年8月20日）")
    pieces = (
        Piece("body", _chars(306)),
        source,
        Piece("body", _chars(307)),
        source,
        Piece("body", "短文一。"),
        Piece("body", "——短文二，以破折号开头。"),
        Piece("body", "短文三。"),
        Piece("source", "1. 《讲话》（县长，2021年8月20日）"),
        Piece("body", "短文四。"),
        source,
    )
    keeps = [True, False, False, False, False, False, False, False, True, False]
    assert _keeps(pieces) == keeps
    loose = (Piece("body", _chars(278)), source, Piece("body", _chars(279)), source)
    assert _keeps(loose, "loose") == [True, False, False, False]


def test_a_long_source_line_breaks_before_its_bracket_and_carries_the_code() -> None:
    """A ``——摘自`` line wider than 28 characters breaks before its （role，date） so that the
    date is never split; the export code opens its first line."""
    doc = ExportDoc(title="篮子", subtitle=None, pieces=(Piece("source", _SOURCE),), name="篮子")
    (p,) = [p for p in _body_paragraphs(_render(doc, STAMP)) if strip(_text(p))][1:]
    assert _lines(p) == [
        "——摘自《关于进一步加强基层治理体系和治理能力现代化建设的意见》",
        "（县长，2021年8月20日）",
    ]
    assert _text(p).startswith(encode(STAMP.code))
    assert _text(p).count(encode(STAMP.code)) == 1


def _spacing(run: object) -> int:
    """A run's character spacing in twips (``w:spacing/@w:val``; none: 0)."""
    found = run.find(_w("rPr")).find(_w("spacing"))  # type: ignore[attr-defined]
    return int(found.get(_w("val"))) if found is not None else 0


def test_body_captions_and_sources_are_condensed_to_28_a_line_and_nothing_else_is() -> None:
    """With the line grid, each 3号 character of the body, the 题注 and the source lines is
    condensed alike so that 28 fit the 156 mm line (28 × (320 + spacing) twips ≤ 156 mm); the
    2号 title, the headings' leads and the code excepted, nothing else is: not the title (its
    lines are broken to fit), a table's 小四 cells or the stamp's footer line."""
    pieces = (*DOC.pieces, Piece("source", _SOURCE), Piece("table", TABLE))
    data = _render(replace(DOC, pieces=pieces), STAMP)
    document = docx.Document(io.BytesIO(data))
    condensed: dict[str, set[int]] = {}
    for p in document.element.body.iter(_w("p")):
        style = _attrs(_ppr(p, "pStyle"), "val")[0]
        in_table = p.getparent().tag == _w("tc")
        for run in _text_runs(p):
            key = "table" if in_table else style
            condensed.setdefault(key, set()).add(_spacing(run))
    (spacing,) = condensed["GWBody"]
    assert spacing < 0
    assert 28 * (320 + spacing) <= _LINE_TWIPS
    for style in ("GWSubtitle", "GWSource"):
        assert condensed[style] == {spacing}, style
    assert condensed["GWTitle"] == {0}
    assert condensed["table"] == {0}
    for footer in (document.sections[0].footer, document.sections[0].even_page_footer):
        _number, line = footer._element.findall(_w("p"))
        assert {_spacing(run) for run in _text_runs(line)} == {0}


def test_a_document_title_of_several_lines_carries_the_code_once() -> None:
    """The 2号 title is broken into lines of at most 20 characters (156 mm ÷ 22 pt); the
    export code opens the first only."""
    data = _render(replace(DOC, title=_BASKET_TITLE), STAMP)
    title = _body_paragraphs(data)[0]
    lines = _lines(title)
    assert len(lines) > 1
    assert all(len(line) <= 20 for line in lines)
    assert "".join(lines) == _BASKET_TITLE
    assert _text(title).startswith(encode(STAMP.code))
    assert _text(title).count(encode(STAMP.code)) == 1


def test_page_numbers_stand_one_character_in_from_the_outer_edge() -> None:
    """GB/T 9704 7.5: 单页码居右空一字，双页码居左空一字 — one 4号 character (14 pt, 280
    twips) in from the right on odd pages and from the left on even pages."""
    document = docx.Document(io.BytesIO(_render(DOC)))
    section = document.sections[0]
    for footer, align, side, other in (
        (section.footer, "right", "right", "left"),
        (section.even_page_footer, "left", "left", "right"),
    ):
        (number,) = footer._element.findall(_w("p"))
        assert _attrs(_ppr(number, "jc"), "val") == (align,)
        assert _attrs(_ppr(number, "ind"), side, other) == ("280", None)


def test_the_core_and_custom_properties_name_the_title_and_the_code_as_the_spec_has_them() -> None:
    """docProps/core.xml: the document's title, sucai as author. docProps/custom.xml (ECMA-376
    Part 1, 22.3): a Properties element in the custom-properties namespace holding one
    property of the user-defined property set (FMTID {D5CDD505-2E9C-101B-9397-08002B2CF9AE}),
    pid 2 (the first a user property may take), named sucai-export-code, its value a
    vt:lpwstr."""
    data = _render(DOC, STAMP)
    document = docx.Document(io.BytesIO(data))
    assert document.core_properties.title == DOC.title
    assert document.core_properties.author == "sucai"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        custom = etree.fromstring(archive.read("docProps/custom.xml"))
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/"
    assert custom.tag == f"{{{ns}custom-properties}}Properties"
    (prop,) = custom
    assert prop.tag == f"{{{ns}custom-properties}}property"
    assert dict(prop.attrib) == {
        "fmtid": "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}",
        "pid": "2",
        "name": "sucai-export-code",
    }
    (value,) = prop
    assert (value.tag, value.text) == (f"{{{ns}docPropsVTypes}}lpwstr", STAMP.code)


def _commented(p: object) -> dict[str, str]:
    """Each comment's id in a paragraph and the text of the runs its range spans."""
    spans: dict[str, str] = {}
    open_ids: set[str] = set()
    for child in p:  # type: ignore[attr-defined]
        if child.tag == _w("commentRangeStart"):
            open_ids.add(child.get(_w("id")))
            spans[child.get(_w("id"))] = ""
        elif child.tag == _w("commentRangeEnd"):
            open_ids.discard(child.get(_w("id")))
        elif child.tag == _w("r"):
            for comment_id in open_ids:
                spans[comment_id] += strip(_text(child))
    return spans


def test_each_likely_removed_name_gets_one_comment_on_its_own_words() -> None:
    """A Word comment by 「sucai 校对」 (initials SC) spans exactly the words of each
    missing-name mark — also in a paragraph with no other mark, after paragraphs with none, and
    when the export code opens the paragraph; a placeholder gets none."""
    alone = "请认真学习重要讲话精神。"  # 3-9: 学习重要讲话
    doc = replace(
        DOC,
        pieces=(
            *DOC.pieces,
            Piece("body", alone, marks=(Mark(3, 9, "missing-name", "缺讲话人"),)),
        ),
    )
    for stamp in (None, STAMP):
        data = _render(doc, stamp)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            comments = etree.fromstring(archive.read("word/comments.xml"))
        found = {
            c.get(_w("id")): (_text(c), c.get(_w("author")), c.get(_w("initials")))
            for c in comments.findall(_w("comment"))
        }
        assert sorted(found.values()) == [("缺讲话人", "sucai 校对", "SC")] * 2
        by_text = _by_text(data)
        spans = {**_commented(by_text[BODY]), **_commented(by_text[alone])}
        assert spans == dict.fromkeys(found, "学习重要讲话")
        assert set(_commented(by_text[BODY])) != set(_commented(by_text[alone]))


def test_the_body_ends_with_its_section_properties() -> None:
    """ECMA-376 17.6.17: a document's last section properties are the body's last child;
    every paragraph comes before them."""
    body = docx.Document(io.BytesIO(_render(DOC))).element.body
    assert [c.tag for c in body].count(_w("sectPr")) == 1
    assert body[-1].tag == _w("sectPr")


def test_a_leads_font_is_that_of_its_heading_level() -> None:
    """一、 opening a body paragraph: its lead sentence in 黑体 (一级标题), the rest in 仿宋;
    a level past 4 takes the fourth's font, as a heading does."""
    first = "一、加强组织领导。各单位要明确责任分工。"
    deep = "（5）细化工作措施。逐项抓好落实。"
    doc = ExportDoc(
        title="通知",
        subtitle=None,
        pieces=(Piece("body", first, level=1, lead=9), Piece("body", deep, level=7, lead=9)),
        name="通知",
    )
    by_text = _by_text(_render(doc))
    for text, lead_font in ((first, STYLES["GWHeading1"][0]), (deep, STYLES["GWHeading4"][0])):
        runs = [
            (_text(r), r.find(_w("rPr")).find(_w("rFonts")).get(_w("eastAsia")))
            for r in _text_runs(by_text[text])
        ]
        assert runs == [(text[:9], lead_font), (text[9:], STYLES["GWBody"][0])]


def test_the_font_table_keeps_the_latin_fonts_and_lists_each_of_ours_once_as_gb2312() -> None:
    """word/fontTable.xml: python-docx's template's fonts stay, but for the Shift-JIS ones
    (w:charset 80 = 128, SHIFTJIS_CHARSET); each font the template's styles use is listed
    once with charset 86 (= 134, GB2312_CHARSET) and its 替代 (altName) when it has one,
    written escaped; a font without one has no altName."""
    base = get_template(None)
    template = replace(
        base,
        h1_font="Noto Sans CJK SC",
        alt_fonts={**base.alt_fonts, "仿宋": 'FangSong "GB"'},
    )
    data = render_docx(DOC, template)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        table = etree.fromstring(archive.read("word/fontTable.xml"))
    plain = docx.Document()
    (part,) = [p for p in plain.part.package.iter_parts() if "fontTable" in str(p.partname)]
    kept = [
        f.get(_w("name"))
        for f in etree.fromstring(part.blob).findall(_w("font"))
        if f.find(_w("charset")).get(_w("val")) != "80"
    ]
    assert len(kept) >= 4  # Symbol, Times New Roman, Cambria, Calibri …
    fonts = table.findall(_w("font"))
    names = [f.get(_w("name")) for f in fonts]
    ours = {"方正小标宋简体", "楷体", "仿宋", "Noto Sans CJK SC", "宋体"}
    assert sorted(names) == sorted([*kept, *ours])
    for font in fonts:
        name = font.get(_w("name"))
        if name not in ours:
            continue
        assert _attrs(font.find(_w("charset")), "val") == ("86",)
        alt = font.find(_w("altName"))
        expected = {"仿宋": 'FangSong "GB"', "Noto Sans CJK SC": None}.get(
            name, base.alt_fonts.get(name)
        )
        assert (alt.get(_w("val")) if alt is not None else None) == expected, name
        assert not (font.text or "").strip(), name
