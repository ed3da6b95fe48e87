"""The .docx, HTML and PDF parsers: blocks, kinds, chrome removal and error messages."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from sucai.errors import IngestError, UnsupportedFormatError
from sucai.ingest.normalize import join_wrapped
from sucai.ingest.parsers.docx import DocxParser
from sucai.ingest.parsers.html import HtmlParser
from sucai.ingest.parsers.pdf import PdfParser
from sucai.models import Block, SourceFile

if TYPE_CHECKING:
    from types import ModuleType

    from docx.document import Document

DATA = Path(__file__).resolve().parents[1] / "data"
SHARED = Path(__file__).resolve().parents[2].parent / "shared"
RAW = SHARED / "corpus" / "raw"
HTML_PAGES = sorted((RAW / "html").glob("*.shtml")) if (RAW / "html").is_dir() else []
SAMPLE_DOCX = RAW / "docx" / "SYNTHETIC_示例公文_通知.docx"
CJK = re.compile(r"[\u4e00-\u9fff]")


def make_source(name: str, data: bytes) -> SourceFile:
    return SourceFile(name, data, hashlib.sha256(data).hexdigest(), Path(name).suffix.lower())


def shape(blocks: tuple[Block, ...]) -> list[tuple[str, str, int]]:
    return [(b.text, b.kind, b.level) for b in blocks]


def fail(parser: DocxParser | HtmlParser | PdfParser, name: str, data: bytes) -> IngestError:
    with pytest.raises(IngestError) as info:
        parser.parse(make_source(name, data))
    assert info.value.message.startswith(f"{name}: ")
    return info.value


# --- .docx ---------------------------------------------------------------------------------


def docx_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def notice_docx() -> bytes:
    """A notice as people type it: a centred bold title (no Title style), headings, a table."""
    document = docx.Document()
    document.core_properties.title = "春节安全检查通知"
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("关于开展春节前安全检查的通知").bold = True
    document.add_paragraph("各区人民政府，市政府各部门：")
    document.add_paragraph("")
    document.add_heading("一、检查范围", level=1)
    document.add_paragraph("全市所有人员密集场所，（一）商场、（二）车站。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "单位"
    table.cell(0, 1).text = "联系人"
    table.cell(1, 0).text = "市应急局"
    table.cell(1, 1).text = "张三"
    document.add_heading("检查要求", level=2)
    broken = document.add_paragraph("第一行")
    run = broken.add_run()
    run.add_break(WD_BREAK.LINE)
    run.add_text("第二行")
    return docx_bytes(document)


def test_docx_blocks_follow_body_order_with_title_headings_and_a_table() -> None:
    parsed = DocxParser().parse(make_source("notice.docx", notice_docx()))
    assert shape(parsed.blocks) == [
        ("关于开展春节前安全检查的通知", "title", 0),
        ("各区人民政府，市政府各部门：", "text", 0),
        ("", "text", 0),
        ("一、检查范围", "heading", 1),
        ("全市所有人员密集场所，（一）商场、（二）车站。", "text", 0),
        ("单位\t联系人\n市应急局\t张三", "table", 0),
        ("检查要求", "heading", 2),
        ("第一行", "text", 0),
        ("第二行", "text", 0),
    ]
    # The table is numbered as its first cell paragraph; its four paragraphs count.
    assert [b.line for b in parsed.blocks] == [1, 2, 3, 4, 5, 6, 10, 11, 11]
    assert parsed.title_hint == "春节安全检查通知"
    assert parsed.encoding is None
    assert parsed.notes == ()


def test_docx_title_and_heading_styles_set_kinds_and_a_second_title_is_a_heading() -> None:
    document = docx.Document()
    document.add_paragraph("文件标题", style="Title")
    document.add_heading("第一章 总则", level=1)
    document.add_heading("第一节 目的", level=3)
    document.add_paragraph("附件标题", style="Title")
    document.add_paragraph("正文。")
    parsed = DocxParser().parse(make_source("styled.docx", docx_bytes(document)))
    assert shape(parsed.blocks) == [
        ("文件标题", "title", 0),
        ("第一章 总则", "heading", 1),
        ("第一节 目的", "heading", 3),
        ("附件标题", "heading", 1),
        ("正文。", "text", 0),
    ]
    assert parsed.title_hint is None


def test_docx_large_centred_masthead_above_a_document_number_is_not_the_title() -> None:
    document = docx.Document()
    for text, points in (
        ("某某市人民政府", 26),
        ("某政发〔2024〕3号", 16),
        ("关于印发某某办法的通知", 22),
    ):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(text).font.size = Pt(points)
    document.add_paragraph("各区人民政府：")
    parsed = DocxParser().parse(make_source("gongwen.docx", docx_bytes(document)))
    assert [b.text for b in parsed.blocks if b.kind == "title"] == ["关于印发某某办法的通知"]


def test_docx_centred_paragraph_that_is_neither_bold_nor_large_is_not_a_title() -> None:
    document = docx.Document()
    paragraph = document.add_paragraph("（2024年1月5日）")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("正文。")
    parsed = DocxParser().parse(make_source("plain.docx", docx_bytes(document)))
    assert {b.kind for b in parsed.blocks} == {"text"}


def test_docx_merged_table_cells_are_read_once_and_keep_their_columns() -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))
    merged.text = "合并单元格"
    table.cell(0, 2).text = "右侧"
    for column, text in enumerate(("甲", "乙", "丙")):
        table.cell(1, column).text = text
    parsed = DocxParser().parse(make_source("merged.docx", docx_bytes(document)))
    assert shape(parsed.blocks) == [("合并单元格\t\t右侧\n甲\t乙\t丙", "table", 0)]


def test_docx_automatic_numbering_is_noted() -> None:
    document = docx.Document()
    document.add_paragraph("第一项任务", style="List Number")
    document.add_paragraph("第二项任务", style="List Number")
    parsed = DocxParser().parse(make_source("numbered.docx", docx_bytes(document)))
    assert [b.text for b in parsed.blocks] == ["第一项任务", "第二项任务"]
    assert parsed.notes == (
        "2 paragraph(s) use Word automatic numbering; the numbers Word shows before them "
        "(一、, 1. …) are not part of the imported text.",
    )


def test_docx_text_in_hyperlinks_and_insertions_is_kept_but_deletions_are_not() -> None:
    document = docx.Document()
    paragraph = parse_xml(
        f"<w:p {nsdecls('w', 'r')}>"
        "<w:r><w:t>详见</w:t></w:r>"
        '<w:hyperlink r:id="rId99"><w:r><w:t>附件一</w:t></w:r></w:hyperlink>'
        '<w:ins w:id="1" w:author="a"><w:r><w:t>（新增）</w:t></w:r></w:ins>'
        '<w:del w:id="2" w:author="a"><w:r><w:delText>（删除）</w:delText></w:r></w:del>'
        "<w:r><w:t>。</w:t></w:r>"
        "</w:p>"
    )
    append_to_body(document, paragraph)
    parsed = DocxParser().parse(make_source("links.docx", docx_bytes(document)))
    assert [b.text for b in parsed.blocks] == ["详见附件一（新增）。"]


def append_to_body(document: Document, element: object) -> None:
    body = document.element.body
    body.insert(len(body) - 1, element)  # before the closing w:sectPr


MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"


def text_box(lines: tuple[str, ...], *, fallback: bool = True) -> str:
    """A floating text box as Word 2010+ writes it: DrawingML, with a VML copy for old Word."""
    content = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in lines)
    choice = (
        f'<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData>'
        f"<wps:wsp><wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx></wps:wsp>"
        f"</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
    )
    vml = (
        f"<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{content}"
        f"</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
    )
    return (
        f"<w:r><mc:AlternateContent>{choice}{vml if fallback else ''}</mc:AlternateContent></w:r>"
    )


def boxed_paragraph(before: str, box: str, after: str) -> object:
    return parse_xml(
        f"<w:p {nsdecls('w', 'wp', 'a')} xmlns:mc='{MC}' xmlns:wps='{WPS}' "
        "xmlns:v='urn:schemas-microsoft-com:vml'>"
        f"<w:r><w:t>{before}</w:t></w:r>{box}<w:r><w:t>{after}</w:t></w:r></w:p>"
    )


def test_docx_text_boxes_are_read_once_where_they_are_anchored() -> None:
    """The 版头 and 落款 of a 公文 in text boxes (issue 16): each read once, in reading order,
    although Word stores each box twice (DrawingML and its VML fallback)."""
    document = docx.Document()
    append_to_body(document, boxed_paragraph("", text_box(("某某市人民政府文件",)), ""))
    document.add_paragraph("某政发〔2024〕3号")
    document.add_paragraph("各区人民政府：")
    document.add_paragraph("现将有关事项通知如下。")
    signature = text_box(("某某市人民政府", "2024年3月1日"), fallback=False)
    append_to_body(document, boxed_paragraph("特此通知。", signature, ""))
    parsed = DocxParser().parse(make_source("boxes.docx", docx_bytes(document)))
    assert [b.text for b in parsed.blocks] == [
        "某某市人民政府文件",
        "某政发〔2024〕3号",
        "各区人民政府：",
        "现将有关事项通知如下。",
        "特此通知。",
        "某某市人民政府",
        "2024年3月1日",
    ]


def test_docx_text_box_inside_a_table_cell_is_part_of_the_cell() -> None:
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "联系人"
    cell = table.cell(0, 1)._tc
    cell.remove(cell.find(qn("w:p")))
    cell.append(boxed_paragraph("张三", text_box(("电话：12345",)), ""))
    parsed = DocxParser().parse(make_source("cellbox.docx", docx_bytes(document)))
    assert shape(parsed.blocks) == [("联系人\t张三电话：12345", "table", 0)]


def test_docx_table_of_one_column_is_read_as_paragraphs() -> None:
    """A one-column table frames text (a layout device): its paragraphs stay paragraphs."""
    document = docx.Document()
    frame = document.add_table(rows=1, cols=1).cell(0, 0)
    frame.text = "关于做好防汛工作的通知"
    frame.add_paragraph("各乡镇：")
    frame.add_paragraph("一、压实责任")
    parsed = DocxParser().parse(make_source("frame.docx", docx_bytes(document)))
    assert shape(parsed.blocks) == [
        ("关于做好防汛工作的通知", "text", 0),
        ("各乡镇：", "text", 0),
        ("一、压实责任", "text", 0),
    ]


def test_docx_with_a_link_to_a_missing_picture_is_read() -> None:
    """WPS links pictures it never stored (Target="../NULL"); the text is read all the same."""
    document = docx.Document()
    document.add_paragraph("正文第一段。")
    data = docx_bytes(document)
    rels = "word/_rels/document.xml.rels"
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = {info: package.read(info) for info in package.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as rebuilt:
        for info, part in parts.items():
            if info.filename == rels:
                link = (
                    '<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/'
                    'officeDocument/2006/relationships/image" Target="../NULL"/>'
                )
                part = part.replace(b"</Relationships>", link.encode() + b"</Relationships>")
            rebuilt.writestr(info, part)
    with pytest.raises(KeyError):  # python-docx alone refuses the document
        docx.Document(io.BytesIO(out.getvalue()))
    parsed = DocxParser().parse(make_source("wps.docx", out.getvalue()))
    assert [b.text for b in parsed.blocks] == ["正文第一段。"]


def test_truncated_docx_is_reported_as_damaged(tmp_path: Path) -> None:
    data = notice_docx()
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(data[: len(data) // 2])
    error = fail(DocxParser(), "truncated.docx", truncated.read_bytes())
    assert error.code == "damaged"
    assert error.message == (
        "truncated.docx: this .docx is damaged or truncated (not a valid zip package). "
        "Re-save it from Word/WPS and import it again."
    )


def test_docx_with_corrupted_contents_is_reported_as_damaged() -> None:
    data = notice_docx()
    middle = len(data) // 3
    corrupted = data[:middle] + bytes(64) + data[middle + 64 :]
    error = fail(DocxParser(), "corrupted.docx", corrupted)
    assert error.code == "damaged"
    assert error.message.startswith("corrupted.docx: this .docx is damaged or truncated (")


def test_zip_that_is_not_a_word_document_is_reported_as_damaged() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "不是 Word 文档")
    error = fail(DocxParser(), "other.docx", buffer.getvalue())
    assert error.code == "damaged"
    assert "Re-save it from Word/WPS" in error.message


def test_old_doc_file_named_docx_is_unsupported_with_a_save_as_hint() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512
    error = fail(DocxParser(), "old.docx", data)
    assert isinstance(error, UnsupportedFormatError)
    assert "Word 97–2003 .doc" in error.message
    assert "save it as .docx" in error.message


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "empty"), (docx_bytes(docx.Document()), "empty")],
    ids=["no-bytes", "no-text"],
)
def test_docx_without_text_is_reported_empty(data: bytes, code: str) -> None:
    assert fail(DocxParser(), "blank.docx", data).code == code


@pytest.mark.corpus
def test_sample_gongwen_docx_keeps_every_paragraph_in_order_and_finds_its_title() -> None:
    if not SAMPLE_DOCX.is_file():
        pytest.skip("../shared/corpus is not beside the project")
    data = SAMPLE_DOCX.read_bytes()
    parsed = DocxParser().parse(make_source(SAMPLE_DOCX.name, data))
    expected = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert [b.text for b in parsed.blocks] == expected
    assert [b.text for b in parsed.blocks if b.kind == "title"] == ["关于加快推进数字化转型的通知"]
    # The masthead (版头) and the document number stay as text before the title.
    assert shape(parsed.blocks[:3]) == [
        ("国务院办公厅", "text", 0),
        ("", "text", 0),
        ("国办发〔2026〕15号", "text", 0),
    ]
    assert parsed.blocks[-1].text == "国务院办公厅秘书局\u3000\u3000\u3000\u30002026年5月27日印发"


# --- HTML ----------------------------------------------------------------------------------


def test_noisy_gbk_page_yields_only_its_article_blocks() -> None:
    data = (DATA / "noisy.html").read_bytes()
    parsed = HtmlParser().parse(make_source("noisy.html", data))
    assert [(b.text, b.kind, b.level, b.line) for b in parsed.blocks] == [
        ("关于做好春节期间安全生产工作的通知", "title", 0, 21),
        ("发布时间：2024-01-20", "text", 0, 22),
        ("各区人民政府，市政府各部门：", "text", 0, 23),
        (
            "春节将至，为切实做好节日期间安全生产工作，确保人民群众度过一个安定祥和的节日，"
            "现将有关事项通知如下：",
            "text",
            0,
            24,
        ),
        ("一、加强风险隐患排查", "heading", 2, 26),
        ("各单位要组织开展全面排查，", "text", 0, 27),
        ("做到不留死角、不留盲区。", "text", 0, 27),
        ("二、严格值班值守", "heading", 2, 28),
        ("严格执行领导带班和24小时值班制度，联系人：王堃，电话：12345。", "text", 0, 29),
        ("特此通知。", "text", 0, 36),
    ]
    # Declared gb2312, but 堃 is only in GBK: the page is read as GB18030, its superset.
    assert parsed.encoding == "gb18030"
    assert parsed.title_hint == "关于做好春节期间安全生产工作的通知"
    assert parsed.notes == ()


def test_page_with_wrong_meta_charset_is_detected_and_noted() -> None:
    page = (
        '<html><head><meta charset="utf-8"></head><body><p>各区人民政府：现将有关事项通知如下。</p>'
    )
    parsed = HtmlParser().parse(make_source("wrong.html", page.encode("gbk")))
    assert [b.text for b in parsed.blocks] == ["各区人民政府：现将有关事项通知如下。"]
    assert parsed.encoding == "gbk"
    assert len(parsed.notes) == 1
    assert parsed.notes[0].startswith("the page declares charset utf-8 but byte offset ")


def test_forced_encoding_wins_over_meta_charset() -> None:
    page = '<meta charset="gbk"><p>通知全文如下，请认真贯彻执行。</p>'
    parsed = HtmlParser().parse(make_source("forced.html", page.encode("utf-8")), "utf-8")
    assert [b.text for b in parsed.blocks] == ["通知全文如下，请认真贯彻执行。"]
    assert parsed.encoding == "utf-8"


@pytest.mark.parametrize(
    ("title", "hint"),
    [
        ("[视频]李强在江苏调研_CCTV节目官网-CCTV-1_央视网(cctv.com)", "李强在江苏调研"),
        ("国务院关于印发某某规划的通知 - 中国政府网", "国务院关于印发某某规划的通知"),
        ("学习贯彻党的二十大精神_理论专题", "学习贯彻党的二十大精神_理论专题"),
    ],
)
def test_title_hint_drops_the_site_name_and_video_tag(title: str, hint: str) -> None:
    page = f"<title>{title}</title><body><p>正文内容，用于测试标题提示。</p></body>"
    parsed = HtmlParser().parse(make_source("t.html", page.encode("utf-8")))
    assert parsed.title_hint == hint


def test_page_without_text_says_what_to_do() -> None:
    page = b"<html><body><script>render()</script><div id='app'></div></body></html>"
    error = fail(HtmlParser(), "app.html", page)
    assert error.code == "no-text"
    assert "JavaScript" in error.message


@pytest.mark.parametrize("data", [b"", b"  \n "], ids=["no-bytes", "whitespace"])
def test_empty_html_is_reported_empty(data: bytes) -> None:
    assert fail(HtmlParser(), "empty.html", data).code == "empty"


#: Page chrome these CCTV pages contain outside their article (checked below to be present).
CCTV_CHROME = (
    "var ",
    "function(",
    "播放",
    "客户端",
    "相关推荐",
    "热播榜",
    "版权所有",
    "分享到",
    "登录",
    "责任编辑",
    "视频简介",
    "主要内容",
    "全部评论",
    "更新时间",
    "完整版",
    "首页",
    "京ICP",
    "相关稿件",
)


@pytest.mark.corpus
@pytest.mark.parametrize("page", HTML_PAGES, ids=[p.name for p in HTML_PAGES])
def test_cctv_page_yields_article_text_without_chrome(page: Path) -> None:
    data = page.read_bytes()
    parsed = HtmlParser().parse(make_source(page.name, data))
    assert any(len(CJK.findall(b.text)) >= 20 for b in parsed.blocks if b.kind == "text")
    raw = data.decode("utf-8")
    for chrome in CCTV_CHROME:
        if chrome in raw:
            leaked = [b.text for b in parsed.blocks if chrome in b.text]
            assert leaked == [], f"{chrome!r} leaked into the blocks"


@pytest.mark.corpus
def test_cctv_pages_contain_the_chrome_the_test_looks_for() -> None:
    if not HTML_PAGES:
        pytest.skip("../shared/corpus is not beside the project")
    raw = "".join(p.read_text("utf-8") for p in HTML_PAGES)
    assert [c for c in CCTV_CHROME if c not in raw] == []


def read_shared_page(name: str) -> bytes:
    path = RAW / "html" / name
    if not path.is_file():
        pytest.skip("../shared/corpus is not beside the project")
    return path.read_bytes()


@pytest.mark.corpus
def test_cctv_article_in_new_template_keeps_title_and_body_verbatim() -> None:
    name = "VIDE00Fb8tZtX37PFOkBV9Rf250204.shtml"
    parsed = HtmlParser().parse(make_source(name, read_shared_page(name)))
    assert shape(parsed.blocks[:1]) == [("[视频]长三角区域外贸创新高", "title", 0)]
    assert parsed.blocks[1].text.startswith(
        "央视网消息（新闻联播）：海关最新数据显示，长三角区域2024年全年货物贸易规模创历史新高。"
        "作为中国外贸的“压舱石”，"
    )
    assert parsed.blocks[2].text.startswith(
        "据上海海关统计，2024年全年，长三角区域进出口总值16.01万"
    )
    assert len(parsed.blocks) == 5
    assert parsed.title_hint == "长三角区域外贸创新高"


@pytest.mark.corpus
def test_cctv_article_in_old_template_keeps_its_subheadings_as_paragraphs() -> None:
    name = "VIDEIjQNNUfeGP4vJjWPiENC220212.shtml"
    parsed = HtmlParser().parse(make_source(name, read_shared_page(name)))
    texts = [b.text for b in parsed.blocks]
    assert texts[0] == "[视频]俄外交部发言人谴责美国煽动紧张局势"
    assert parsed.blocks[0].kind == "title"
    assert texts[4:6] == [
        "俄防长要求西方停止向乌克兰提供武器",
        "俄罗斯国防部长绍伊古11日在莫斯科与到访的英国国防大臣华莱士举行会谈，"
        "要求西方国家停止向乌克兰提供武器，避免局势升级。",
    ]
    assert len(texts) == 8


@pytest.mark.corpus
def test_cctv_day_index_page_yields_its_headlines_with_a_note() -> None:
    name = "20220101.shtml"
    parsed = HtmlParser().parse(make_source(name, read_shared_page(name)))
    texts = [b.text for b in parsed.blocks]
    assert texts[:2] == [
        "《新闻联播》 20220101 19:00",
        "[视频]《求是》杂志发表习近平总书记重要讲话《以史为鉴、开创未来 埋头苦干、勇毅前行》",
    ]
    assert len(texts) == len(set(texts)) == 18
    assert parsed.notes == (
        "the page has no article text, only a list of 18 links (an index page?); "
        "their texts were imported as paragraphs.",
    )


# --- PDF -----------------------------------------------------------------------------------


def load_fixture_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_pdf_fixture", DATA / "make_pdf_fixture.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return load_fixture_generator()


@pytest.fixture(scope="module")
def report() -> SourceFile:
    return make_source("report.pdf", (DATA / "report.pdf").read_bytes())


def test_report_pdf_paragraphs_are_rebuilt_exactly(
    generator: ModuleType, report: SourceFile
) -> None:
    parsed = PdfParser().parse(report)
    assert [b.text for b in parsed.blocks] == generator.expected_paragraphs()
    assert {b.kind for b in parsed.blocks} == {"text"}
    assert parsed.title_hint == generator.TITLE
    assert parsed.notes == ()


def test_report_pdf_has_three_pages_and_paragraphs_across_page_breaks(
    generator: ModuleType, report: SourceFile
) -> None:
    pages = generator.layout()
    assert len(PdfReader(io.BytesIO(report.data)).pages) == len(pages) == 3
    crossing = [
        pages[i][-1][0] for i in range(len(pages) - 1) if pages[i][-1][0] == pages[i + 1][0][0]
    ]
    assert len(crossing) == 2
    texts = [b.text for b in PdfParser().parse(report).blocks]
    for index in crossing:
        assert generator.PARAGRAPHS[index] in texts


def test_report_pdf_running_header_and_page_numbers_are_removed_and_listed(
    report: SourceFile,
) -> None:
    parsed = PdfParser().parse(report)
    assert not [b.text for b in parsed.blocks if "人民政府文件" in b.text or "—" in b.text]
    assert [(r.text, r.reason) for r in parsed.removed] == [
        ("某某市人民政府文件", "page-header"),
        ("— 1 —", "page-number"),
        ("某某市人民政府文件", "page-header"),
        ("— 2 —", "page-number"),
        ("某某市人民政府文件", "page-header"),
        ("— 3 —", "page-number"),
    ]


def draw_pdf(pages: list[list[str]], title: str = "") -> bytes:
    """A PDF with the given lines on each page (STSong-Light, one line per baseline)."""
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(title)
    for lines in pages:
        pdf.setFont("STSong-Light", 12)
        for n, line in enumerate(lines):
            pdf.drawString(72, 780 - 20 * n, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def test_outline_marker_starts_a_paragraph_even_after_a_full_line() -> None:
    lines = [
        "这是一段足够长的正文内容用来确定整行宽度的第一行文字",
        "这是一段足够长的正文内容用来确定整行宽度的第二行文字",
        "一、这一行以提纲序号开头所以必须另起一段不能接在上一行",
        "后面的文字。",
    ]
    parsed = PdfParser().parse(make_source("outline.pdf", draw_pdf([lines])))
    assert [b.text for b in parsed.blocks] == [
        lines[0] + lines[1],
        lines[2] + lines[3],
    ]


def test_closing_quote_ends_a_paragraph_only_after_sentence_final_punctuation() -> None:
    lines = [
        "这是一段足够长的正文内容用来确定整行宽度，要深刻领会“两个确立”",
        "的决定性意义，这一行也写得足够长以便成为整行宽度。他说：“好。”",
        "下一段从这里开始，这一行同样写得足够长以便成为整行宽度的文字，",
        "结尾。",
    ]
    parsed = PdfParser().parse(make_source("quotes.pdf", draw_pdf([lines])))
    assert [b.text for b in parsed.blocks] == [lines[0] + lines[1], lines[2] + lines[3]]


def test_latin_words_across_a_line_break_are_joined_with_one_space() -> None:
    lines = [
        "The State Council issued the plan on digital government,",
        "which sets targets for 2025.",
        "A short line.",
    ]
    parsed = PdfParser().parse(
        make_source("latin.pdf", draw_pdf([lines], "Microsoft Word - plan.docx"))
    )
    assert [b.text for b in parsed.blocks] == [f"{lines[0]} {lines[1]}", lines[2]]
    assert parsed.title_hint == "plan"


def test_page_number_lines_are_removed_even_on_a_single_page() -> None:
    parsed = PdfParser().parse(
        make_source("one.pdf", draw_pdf([["第 1 页 共 1 页", "正文。", "1 / 1"]]))
    )
    assert [b.text for b in parsed.blocks] == ["正文。"]
    assert [r.reason for r in parsed.removed] == ["page-number", "page-number"]


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("推进数字政府", "建设", "推进数字政府建设"),
        ("占GDP", "比重", "占GDP比重"),
        ("到2025", "年", "到2025年"),
        ("digital", "government", "digital government"),
        ("plan,", "which", "plan, which"),
        ("well-", "known", "well-known"),
    ],
)
def test_join_wrapped_adds_a_space_only_between_latin_words(
    left: str, right: str, joined: str
) -> None:
    assert join_wrapped(left, right) == joined


def test_scanned_pdf_without_text_layer_asks_for_ocr() -> None:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.rect(72, 72, 400, 600, fill=1)
    pdf.showPage()
    pdf.save()
    error = fail(PdfParser(), "scan.pdf", buffer.getvalue())
    assert error.code == "no-text"
    assert "no text layer (scanned images?); run OCR first" in error.message


def test_password_protected_pdf_is_reported_encrypted(report: SourceFile) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(report.data))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    error = fail(PdfParser(), "locked.pdf", buffer.getvalue())
    assert error.code == "encrypted"
    assert "protected by a password" in error.message


def test_pdf_encrypted_only_against_editing_is_read(
    generator: ModuleType, report: SourceFile
) -> None:
    writer = PdfWriter(clone_from=io.BytesIO(report.data))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    parsed = PdfParser().parse(make_source("restricted.pdf", buffer.getvalue()))
    assert [b.text for b in parsed.blocks] == generator.expected_paragraphs()


def test_truncated_pdf_is_reported_as_damaged(report: SourceFile) -> None:
    error = fail(PdfParser(), "cut.pdf", report.data[: len(report.data) // 2])
    assert error.code == "damaged"
    assert error.message.startswith("cut.pdf: this PDF is damaged or truncated (")
    assert error.message.endswith("Re-export or download it again and import it again.")


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "empty"), (b"<html>not a pdf</html>", "damaged")],
    ids=["no-bytes", "not-pdf"],
)
def test_pdf_that_is_empty_or_not_a_pdf_is_refused(data: bytes, code: str) -> None:
    assert fail(PdfParser(), "x.pdf", data).code == code


def test_committed_report_pdf_is_small() -> None:
    assert (DATA / "report.pdf").stat().st_size < 50_000


def test_form_wrapping_a_whole_page_is_kept_but_a_login_form_is_dropped() -> None:
    page = (
        "<body><form id='form1'>"
        "<div class='login'><form><input name='u'><a href='/reg'>注册</a></form></div>"
        "<div class='zoom'><p>为进一步规范政务信息公开工作，根据有关规定，结合我市实际，"
        "制定本办法，请各单位认真遵照执行。</p></div>"
        "</form></body>"
    )
    parsed = HtmlParser().parse(make_source("aspnet.html", page.encode("utf-8")))
    assert [b.text for b in parsed.blocks] == [
        "为进一步规范政务信息公开工作，根据有关规定，结合我市实际，制定本办法，请各单位认真遵照执行。"
    ]


def test_title_inside_a_dropped_header_still_leads_the_blocks() -> None:
    page = (
        "<html><head><title>关于印发某某实施方案的通知 - 某某市人民政府</title></head><body>"
        "<article><header><h1>关于印发某某实施方案的通知</h1><p>2024-05-06</p></header>"
        "<p>现将《某某实施方案》印发给你们，请结合实际认真贯彻落实。</p></article></body></html>"
    )
    parsed = HtmlParser().parse(make_source("article.html", page.encode("utf-8")))
    assert shape(parsed.blocks) == [
        ("关于印发某某实施方案的通知", "title", 0),
        ("现将《某某实施方案》印发给你们，请结合实际认真贯彻落实。", "text", 0),
    ]


def test_site_name_as_page_title_does_not_make_the_logo_a_title() -> None:
    page = (
        "<html><head><title>央视网</title></head><body><div class='logo'>央视网</div>"
        "<div><p>这是一段正文内容，用于检查站点名称不会被当作文章标题。</p></div></body></html>"
    )
    parsed = HtmlParser().parse(make_source("site.html", page.encode("utf-8")))
    assert [b.kind for b in parsed.blocks] == ["text"]
    assert parsed.blocks[0].text.startswith("这是一段正文内容")


def test_related_links_line_is_dropped_but_prose_with_a_link_is_kept() -> None:
    page = (
        "<body><div class='text'>"
        "<p>更多市民将在<a href='/map'>全市便民服务地图</a>上找到就近的办事网点和服务窗口。</p>"
        "<p>相关新闻：<a href='/n1'>我市便民服务网点实现全覆盖</a></p>"
        "</div></body>"
    )
    parsed = HtmlParser().parse(make_source("related.html", page.encode("utf-8")))
    assert [b.text for b in parsed.blocks] == [
        "更多市民将在全市便民服务地图上找到就近的办事网点和服务窗口。"
    ]
