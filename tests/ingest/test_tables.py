"""A table stays a table (issue 16): one paragraph of rows and cells, stored, searched as one
document, never in the outline, shown and exported as a table."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import docx
import pytest

from sucai.ingest.parsers.html import HtmlParser
from sucai.models import SourceFile, table_rows, table_text
from sucai.search.query import parse_query

if TYPE_CHECKING:
    from sucai import Library

FILES = Path(__file__).resolve().parents[1] / "data" / "realfiles" / "files"
NIANBAO = FILES / "2019年上海市人民政府办公厅政府信息公开工作年度报告.html"


def source(name: str, data: bytes) -> SourceFile:
    return SourceFile(name, data, hashlib.sha256(data).hexdigest(), Path(name).suffix.lower())


def test_table_text_pads_rows_and_cleans_cells() -> None:
    rows = [["指标", "绝对数\n（万元）", ""], ["", "", ""], ["一、农业", "\t100 "]]
    text = table_text(rows)
    assert text == "指标\t绝对数 （万元）\n一、农业\t100"
    assert table_rows(text) == (("指标", "绝对数 （万元）"), ("一、农业", "100"))
    assert table_text([["", ""]]) == ""
    assert table_rows("") == ()


def notice_with_table(path: Path) -> Path:
    document = docx.Document()
    document.add_paragraph("关于报送防汛责任人名单的通知")
    document.add_paragraph("各乡镇人民政府：现将防汛责任人名单印发给你们，请认真落实。")
    table = document.add_table(rows=3, cols=3)
    for r, row in enumerate(
        (("一、城关镇", "防汛办", "张三"), ("二、临湖乡", "水利站", "李四"), ("合计", "2", "2人"))
    ):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    document.add_paragraph("一、压实防汛责任")
    document.add_paragraph("各乡镇要逐级落实防汛责任人，确保责任到人、措施到位。")
    document.save(path)
    return path


def test_a_docx_table_is_one_paragraph_searched_as_one_and_never_in_the_outline(
    library: Library, tmp_path: Path
) -> None:
    report = library.ingest([notice_with_table(tmp_path / "名单.docx")])
    article = library.get(report.files[0].article_ids[0])
    tables = [p for p in article.paragraphs if p.kind == "table"]
    assert len(tables) == 1
    assert tables[0].rows == (
        ("一、城关镇", "防汛办", "张三"),
        ("二、临湖乡", "水利站", "李四"),
        ("合计", "2", "2人"),
    )
    assert tables[0].heading == 0
    assert [e.text for e in article.outline] == ["一、压实防汛责任"]
    assert all(e.paragraph != tables[0].index for e in article.outline)
    # The cells of a row and of several rows are found in the table's one paragraph.
    for phrase in ("城关镇", "临湖乡", "水利站"):
        page = library.search(parse_query(f'"{phrase}"', limit=None))
        assert tables[0].index in {h.paragraph_index for h in page.hits}, phrase
    # Stored: the kind survives a new connection to the library.
    again = library.get(article.id)
    assert [p.kind for p in again.paragraphs] == [p.kind for p in article.paragraphs]


def test_a_html_data_table_keeps_its_columns_through_row_and_column_spans() -> None:
    page = (
        "<html><body><div class='TRS_Editor'><p>全年实现生产总值262.6亿元，比上年增长4.5%，"
        "经济运行总体平稳。</p><table><caption>表1 主要指标</caption>"
        "<tr><th>指标</th><th>绝对数</th><th>增长%</th></tr>"
        "<tr><td rowspan='2'>一、农业</td><td>100</td><td>3.1</td></tr>"
        "<tr><td>296</td><td>2.0</td></tr>"
        "<tr><td colspan='2'>合计<br>（万元）</td><td>5</td></tr></table></div></body></html>"
    )
    parsed = HtmlParser().parse(source("p.html", page.encode()))
    kinds = [(b.kind, b.text) for b in parsed.blocks]
    assert ("text", "表1 主要指标") in kinds
    [table] = [b for b in parsed.blocks if b.kind == "table"]
    assert table_rows(table.text) == (
        ("指标", "绝对数", "增长%"),
        ("一、农业", "100", "3.1"),
        ("", "296", "2.0"),
        ("合计（万元）", "", "5"),
    )


def test_a_layout_table_of_one_column_or_holding_a_table_is_read_as_text() -> None:
    page = (
        "<html><body><div class='TRS_Editor'>"
        "<table><tr><td><p>第一段正文，内容较长，是页面的主体文字。</p></td></tr>"
        "<tr><td><p>第二段正文，也是页面的主体文字内容。</p></td></tr></table>"
        "<table><tr><td><table><tr><td>甲</td><td>乙</td></tr><tr><td>丙</td><td>丁</td></tr>"
        "</table></td><td>旁注</td></tr><tr><td>下</td><td>行</td></tr></table></div>"
        "</body></html>"
    )
    parsed = HtmlParser().parse(source("layout.html", page.encode()))
    texts = [(b.kind, b.text) for b in parsed.blocks]
    assert ("text", "第一段正文，内容较长，是页面的主体文字。") in texts
    # The outer table holds a table: it lays the page out; the inner one is data.
    assert [b.text for b in parsed.blocks if b.kind == "table"] == ["甲\t乙\n丙\t丁"]


def test_the_tables_of_a_real_report_page_keep_their_row_labels_out_of_the_outline(
    library: Library,
) -> None:
    report = library.ingest([NIANBAO])
    article = library.get(report.files[0].article_ids[0])
    tables = [p for p in article.paragraphs if p.kind == "table"]
    assert len(tables) == 3
    # Every row keeps all its cells, also the empty ones at either end.
    assert all(len({len(row) for row in p.rows}) == 1 for p in tables)
    assert tables[0].rows[-1] == ("政府集中采购", "6", "", "251000元", "")
    labels = {row[0] for p in tables for row in p.rows} | {
        cell for p in tables for row in p.rows for cell in row
    }
    assert {"（一）予以公开", "一、本年新收政府信息公开申请数量", "第二十条第（一）项"} <= labels
    outline = [e.text for e in article.outline]
    assert not [entry for entry in outline if entry in labels]
    assert "三、收到和处理政府信息公开申请情况" in outline


def test_a_table_is_exported_as_a_word_table_and_as_rows(library: Library, tmp_path: Path) -> None:
    report = library.ingest([notice_with_table(tmp_path / "名单.docx")])
    article_id = report.files[0].article_ids[0]
    _, data = library.export(article_id, "docx")
    document = docx.Document(io.BytesIO(data))
    [table] = document.tables
    assert [[cell.text for cell in row.cells] for row in table.rows] == [
        ["一、城关镇", "防汛办", "张三"],
        ["二、临湖乡", "水利站", "李四"],
        ["合计", "2", "2人"],
    ]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        body = package.read("word/document.xml").decode()
    assert "城关镇" not in body.split("<w:tbl>")[0]  # the cells are in the table only
    _, text = library.export(article_id, "txt")
    assert "一、城关镇\t防汛办\t张三\n二、临湖乡\t水利站\t李四\n合计\t2\t2人\n" in text.decode()
    _, markdown = library.export(article_id, "md")
    assert (
        "| 一、城关镇 | 防汛办 | 张三 |\n| --- | --- | --- |\n| 二、临湖乡 | 水利站 | 李四 |\n"
        "| 合计 | 2 | 2人 |\n"
    ) in markdown.decode()


@pytest.mark.parametrize("cell", ["a|b", "甲|乙"])
def test_a_pipe_in_a_cell_does_not_break_the_markdown_table(
    library: Library, tmp_path: Path, cell: str
) -> None:
    document = docx.Document()
    document.add_paragraph("正文第一段，说明表格的内容。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "说明"
    table.cell(1, 0).text, table.cell(1, 1).text = "一", cell
    document.save(tmp_path / "pipe.docx")
    report = library.ingest([tmp_path / "pipe.docx"])
    _, markdown = library.export(report.files[0].article_ids[0], "md")
    assert f"| 一 | {cell.replace('|', chr(92) + '|')} |" in markdown.decode()
