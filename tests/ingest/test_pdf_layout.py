"""PDF text read for layout (issue 16): paragraphs from first-line indents, two columns read
one after the other, tables row by row, no spaces inside Chinese text, Kangxi radicals mapped.

The PDFs are the committed generated files of the real-file set (LibreOffice and Chromium
wrote them from committed government text, see tests/data/realfiles/make_realfiles.py); the
expected paragraphs come from that text, not from sucai.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from sucai.ingest.normalize import normalize
from sucai.ingest.parsers.pdf import PdfParser
from sucai.ingest.parsers.pdf_layout import ordinary
from sucai.models import SourceFile, table_rows

if TYPE_CHECKING:
    from types import ModuleType

    from sucai.models import ParsedText

REALFILES = Path(__file__).resolve().parents[1] / "data" / "realfiles"
FILES = REALFILES / "files"
_CJK_SPACE = re.compile(r"[\u4e00-\u9fff][ \u3000]+[\u4e00-\u9fff0-9]|[0-9][ ]+[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_realfiles", REALFILES / "make_realfiles.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read(name: str) -> ParsedText:
    data = (FILES / name).read_bytes()
    return normalize(
        PdfParser().parse(SourceFile(name, data, hashlib.sha256(data).hexdigest(), ".pdf"))
    )


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("2025年政府工作报告（节选）.pdf", None),  # LibreOffice, first-line indents
        ("2025年政府工作报告（节选，两栏）.pdf", None),  # Chromium, two columns
        ("2025年政府工作报告（节选，浏览器打印）.pdf", 6),  # Chromium, Kangxi radicals
    ],
)
def test_every_paragraph_of_a_report_comes_back_whole_and_in_order(
    generator: ModuleType, name: str, count: int | None
) -> None:
    title, paragraphs = generator.report_excerpt()
    expected = [title, *paragraphs[:count]]
    assert [b.text for b in read(name).blocks] == expected


def test_a_full_line_ending_in_a_full_stop_does_not_end_its_paragraph(
    generator: ModuleType,
) -> None:
    """In the LibreOffice export, "…作出部署。" fills its line and the next line goes on."""
    texts = [b.text for b in read("2025年政府工作报告（节选）.pdf").blocks]
    assert any("作出部署。我们隆重庆祝" in text for text in texts)


def test_kangxi_radicals_in_the_text_layer_become_ordinary_characters() -> None:
    # The text layer itself holds the radicals (read as plain text by pypdf, not by sucai).
    reader = PdfReader(FILES / "2025年政府工作报告（节选，浏览器打印）.pdf")
    layer = "".join(page.extract_text() for page in reader.pages)
    assert "⼀" in layer and "⽐" in layer
    texts = [b.text for b in read("2025年政府工作报告（节选，浏览器打印）.pdf").blocks]
    joined = "".join(texts)
    assert not re.search(r"[\u2e80-\u2fdf\uf900-\ufaff]", joined)
    assert "一年来" in joined and "比例" in joined and "工作" in joined


@pytest.mark.parametrize(
    ("char", "mapped"),
    [
        ("⼀", "一"),
        ("⽐", "比"),
        ("⼯", "工"),
        ("\uf90a", "金"),
        ("，", "，"),
        ("（", "（"),
        ("Ａ", "Ａ"),
    ],
)
def test_only_kangxi_radicals_and_compatibility_ideographs_are_mapped(
    char: str, mapped: str
) -> None:
    assert ordinary(char) == mapped


def test_spaces_typed_around_numbers_and_a_spaced_out_title_are_not_kept() -> None:
    blocks = read("2019年政府信息公开工作年度报告（WPS空格）.pdf").blocks
    texts = [b.text for b in blocks]
    assert texts[0] == "2019年上海市人民政府办公厅政府信息公开工作年度报告"
    assert not [t for t in texts if _CJK_SPACE.search(t)]
    assert any("统计期限从2019年1月1日到12月31日止" in t for t in texts)
    # Latin words keep their spaces: the site's address stays as it is written.
    assert any("门户网站（www.shanghai.gov.cn）下载" in t for t in texts)


def test_a_ruled_table_is_read_row_by_row_with_its_merged_cells() -> None:
    blocks = read("2019年政府信息公开工作年度报告.pdf").blocks
    tables = [table_rows(b.text) for b in blocks if b.kind == "table"]
    cells = {cell for rows in tables for row in rows for cell in row}
    assert {"（一）予以公开", "1.属于国家秘密", "（七）总计", "行政事业性收费"} <= cells
    assert ("规章", "13", "13", "", "524") in {row for rows in tables for row in rows}
    text = [b.text for b in blocks if b.kind == "text"]
    assert not [t for t in text if t.startswith(("（一）予以公开", "1.属于国家秘密", "规章"))]


def test_a_table_ruled_across_only_is_a_table() -> None:
    blocks = read("2019年年报主动公开情况（三线表）.pdf").blocks
    assert [b.kind for b in blocks] == ["text", "text", "table"]
    rows = table_rows(blocks[2].text)
    assert ("规章", "13", "13", "524") in rows
    assert ("政府集中采购", "6", "251000元", "") in rows


def test_a_page_without_a_text_layer_is_still_named() -> None:
    parsed = read("优化营商环境条例（含扫描页）.pdf")
    assert parsed.notes[0].startswith("page(s) 2 have no text layer (scanned images?)")
    assert parsed.blocks[0].text == "优化营商环境条例"


def _pdf(draw: object) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    draw(pdf)  # type: ignore[operator]
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_a_footnote_mark_after_chinese_is_dropped_but_an_exponent_after_a_letter_stays() -> None:
    def draw(pdf: canvas.Canvas) -> None:
        pdf.setFont("STSong-Light", 14)
        pdf.drawString(72, 700, "常住人口1761.48万人")
        width = pdfmetrics.stringWidth("常住人口1761.48万人", "STSong-Light", 14)
        pdf.setFont("STSong-Light", 8)
        pdf.drawString(72 + width, 706, "1")
        pdf.setFont("STSong-Light", 14)
        pdf.drawString(72 + width + 5, 700, "，面积1997.47km")
        end = 72 + width + 5 + pdfmetrics.stringWidth("，面积1997.47km", "STSong-Light", 14)
        pdf.setFont("STSong-Light", 8)
        pdf.drawString(end, 706, "2")
        pdf.setFont("STSong-Light", 14)
        pdf.drawString(end + 5, 700, "。")

    data = _pdf(draw)
    parsed = PdfParser().parse(SourceFile("n.pdf", data, hashlib.sha256(data).hexdigest(), ".pdf"))
    assert [b.text for b in parsed.blocks] == ["常住人口1761.48万人，面积1997.47km2。"]
