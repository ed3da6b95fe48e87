"""Which style and font each piece of a Word export takes, and where its runs are cut
(issue 23), on a document written here: the expected styles come from GB/T 9704's table in
tests/export/test_docx.py (STYLES), the cuts from the offsets of the lead and the marks.

Only the rules are asserted (style ids, fonts, highlight colours, run texts), not the layout
around them, which may change.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import docx
from docx.oxml.ns import qn

from sucai.export import get_template
from sucai.export.document import ExportDoc, Mark, Piece
from sucai.export.docx import render_docx
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
