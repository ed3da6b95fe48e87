"""Write the generated files of the real-file set (issue 16) from committed government text.

Run ``.venv/bin/python tests/data/realfiles/make_realfiles.py`` (needs LibreOffice, Chromium
and the Noto CJK fonts, which ``make test`` installs) to rebuild them into ``files/``, then
update their SHA-256 in ``manifest.jsonl`` (the script prints them). The files are committed:
the tests never run this script.

The texts, all government documents (著作权法 第五条):

- the 2019 政府信息公开工作年度报告 of 上海市人民政府办公厅, its page in ``files/`` (its text and
  tables, read through the search tool's file index);
- the 2025 政府工作报告, ``samples/reports/2025年政府工作报告.txt``;
- the 通知 ``files/关于加强本市优秀历史建筑管理的通知.md`` (沪房规范〔2025〕7号);
- 《优化营商环境条例》, ``samples/laws/优化营商环境条例(2019-10-22).md``.

Each becomes the kinds of file offices have: PDFs exported by LibreOffice (tables, first-line
indents) and printed by Chromium (two columns, spaces typed around numbers, a text layer of
Kangxi radicals as broken font mappings leave it), a scanned page, .docx with text boxes and
tables, .doc and WPS .wps written by LibreOffice, pages in GB2312, Big5 and GBK text files.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import docx
import opencc
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
FILES = HERE / "files"
NIANBAO = FILES / "2019年上海市人民政府办公厅政府信息公开工作年度报告.html"
REPORT = ROOT / "samples" / "reports" / "2025年政府工作报告.txt"
NOTICE = FILES / "关于加强本市优秀历史建筑管理的通知.md"
LAW = ROOT / "samples" / "laws" / "优化营商环境条例(2019-10-22).md"

STYLE = (
    "body{font-family:'Noto Serif CJK SC';font-size:16pt;line-height:1.6;margin:0}"
    "p{margin:0;text-indent:2em;text-align:justify}"
    "h1{font-size:22pt;text-align:center;font-weight:normal}"
    "@page{size:A4;margin:37mm 26mm 35mm 28mm}"
)


def soffice(source: Path, target: str, out: Path) -> Path:
    """Convert with LibreOffice (a profile of its own) and return the converted file."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    assert program, "LibreOffice is needed"
    profile = (out / "profile").as_uri()
    subprocess.run(
        [program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
         "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return out / f"{source.stem}.{target.split(':')[0]}"


def chromium(page: str, out: Path, name: str) -> Path:
    """Print an HTML page to PDF with headless Chromium."""
    program = shutil.which("chromium") or shutil.which("chromium-browser")
    assert program, "Chromium is needed"
    source = out / f"{name}.html"
    source.write_text(page, encoding="utf-8")
    target = out / f"{name}.pdf"
    subprocess.run(
        [program, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--print-to-pdf={target}", source.as_uri()],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return target


def page(title: str, body: str, style: str = STYLE) -> str:
    return (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{style}</style></head><body>{body}</body></html>"
    )


def report_excerpt() -> tuple[str, list[str]]:
    """The 2025 report's title and its paragraphs up to the end of its first part's opening."""
    lines = [line.strip() for line in REPORT.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    title, body = lines[0], lines[1:]
    end = next(i for i, line in enumerate(body) if line.startswith("回顾过去一年"))
    return title, body[: end + 1]


def notice_text() -> tuple[str, list[str]]:
    """The 通知's title and its lines (front matter, scraper's note and Markdown title off)."""
    text = NOTICE.read_text(encoding="utf-8")
    body = text.split("\n# ", 1)[1].splitlines()[1:]
    lines = [line.strip() for line in body if line.strip()]
    title = lines[0]
    return title, lines[1:]


def html_paragraphs(paragraphs: list[str]) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def kangxi(text: str) -> str:
    """The text as a PDF with broken font mappings holds it: ideographs that are also Kangxi
    radicals written as the radicals (一 → ⼀, 比 → ⽐, 工 → ⼯)."""
    radicals = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0x2F00, 0x2FD6)}
    return "".join(radicals.get(char, char) for char in text)


def spaced(text: str) -> str:
    """Spaces typed between Chinese and numbers or Latin words, as some writers do."""
    text = re.sub(r"(?<=[\u4e00-\u9fff])(?=[0-9A-Za-z])", " ", text)
    return re.sub(r"(?<=[0-9A-Za-z%])(?=[\u4e00-\u9fff])", " ", text)


def text_box(lines: list[str]) -> str:
    """A floating text box as Word writes it: DrawingML with its VML fallback."""
    content = "".join(f"<w:p><w:r><w:t>{html.escape(line)}</w:t></w:r></w:p>" for line in lines)
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor '
        'distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="5000000" cy="700000"/><wp:wrapTopAndBottom/>'
        '<wp:docPr id="1" name="Text Box 1"/><a:graphic><a:graphicData uri="http://schemas.'
        'microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/>'
        '<wps:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="5000000" cy="700000"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f"<wps:txbx><w:txbxContent>{content}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        '<v:shape style="width:394pt;height:55pt" type="#_x0000_t202"><v:textbox>'
        f"<w:txbxContent>{content}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def boxed(lines: list[str]) -> object:
    return parse_xml(
        f"<w:p {nsdecls('w', 'wp', 'a')} "
        "xmlns:mc='http://schemas.openxmlformats.org/markup-compatibility/2006' "
        "xmlns:wps='http://schemas.microsoft.com/office/word/2010/wordprocessingShape' "
        f"xmlns:v='urn:schemas-microsoft-com:vml'>{text_box(lines)}</w:p>"
    )


def notice_docx() -> bytes:
    """The 通知 as offices type it: its 文号 in a text box at the top, its 落款 in one at
    the end (issuer from the page's 发布单位, date from the text)."""
    title, lines = notice_text()
    document = docx.Document()
    body = document.element.body
    body.insert(len(body) - 1, boxed(["上海市房屋管理局", "沪房规范〔2025〕7号"]))
    heading = document.add_paragraph(title)
    heading.alignment = 1
    date = lines[-1]
    for line in lines[1:-1]:  # the first line is the 文号, now in the box
        document.add_paragraph(line)
    body.insert(len(body) - 1, boxed(["上海市房屋管理局", date]))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def report_docx(title: str, paragraphs: list[str]) -> bytes:
    """The report as a speech is typed in Word: a centred title, justified paragraphs of
    3号 (16 pt) type with a first-line indent of two characters."""
    document = docx.Document()
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.font.size = Pt(22)
    for text in paragraphs:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Pt(32)
        paragraph.add_run(text).font.size = Pt(16)
    for style in ("Normal",):
        font = document.styles[style].font
        font.name = "Noto Serif CJK SC"
        rpr = document.styles[style].element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Serif CJK SC")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def scanned_pdf() -> bytes:
    """《优化营商环境条例》's first articles on page 1, page 2 an image without text."""
    law = LAW.read_text(encoding="utf-8")
    articles = [line for line in law.splitlines() if line.startswith("第") and "条" in line[:6]]
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setFont("STSong-Light", 22)
    pdf.drawCentredString(A4[0] / 2, 770, "优化营商环境条例")
    pdf.setFont("STSong-Light", 12)
    y = 730.0
    for article in articles[:3]:
        text = article.replace("　", "")
        while text:
            pdf.drawString(72, y, text[:38])
            text, y = text[38:], y - 20
        y -= 8
    pdf.showPage()
    pdf.setFillGray(0.5)
    pdf.rect(72, 100, 450, 650, fill=1)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def main() -> None:
    written: dict[str, bytes] = {}
    s2t = opencc.OpenCC("s2tw")
    nianbao = NIANBAO.read_text(encoding="utf-8")
    report_title, report = report_excerpt()
    notice_title, notice = notice_text()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        written["2019年上海市人民政府办公厅政府信息公开工作年度报告.html"] = NIANBAO.read_bytes()
        # The 年报 page as a city site serves it in GB2312.
        gb = nianbao.replace('<meta charset="utf-8">', '<meta charset="gb2312">')
        written["2019年政府信息公开工作年度报告（gb2312）.html"] = gb.encode("gb18030")
        # The 年报 exported by LibreOffice: .docx and .doc with Word tables, a PDF with
        # ruled tables.
        for target, name in (
            ("docx:MS Word 2007 XML", "2019年政府信息公开工作年度报告.docx"),
            ("doc:MS Word 97", "2019年政府信息公开工作年度报告.doc"),
        ):
            written[name] = soffice(NIANBAO, target, out).read_bytes()
        exported = out / "nianbao.docx"
        exported.write_bytes(written["2019年政府信息公开工作年度报告.docx"])
        written["2019年政府信息公开工作年度报告.pdf"] = soffice(
            exported, "pdf:writer_pdf_Export", out
        ).read_bytes()
        # A 三线表: the 年报's first table ruled across only, printed by Chromium.
        first = re.search(r"<table.*?</table>", nianbao, re.S)
        assert first is not None
        three = first.group(0).replace('border="1"', "")
        style = STYLE + (
            "table{border-collapse:collapse;border-top:1.5px solid #000;"
            "border-bottom:1.5px solid #000;margin:8pt auto;font-size:12pt}"
            "tr:first-child td{border-bottom:1px solid #000}td{padding:2pt 8pt}"
        )
        body = (
            "<h1>2019年上海市人民政府办公厅政府信息公开工作年度报告（主动公开部分）</h1>"
            "<p>二、主动公开政府信息情况</p>" + three
        )
        written["2019年年报主动公开情况（三线表）.pdf"] = chromium(
            page("三线表", body, style), out, "three"
        ).read_bytes()
        # The 2025 report: one column (LibreOffice), two columns and Kangxi radicals
        # (Chromium).
        source = out / "report.docx"
        source.write_bytes(report_docx(report_title, report))
        written["2025年政府工作报告（节选）.pdf"] = soffice(
            source, "pdf:writer_pdf_Export", out
        ).read_bytes()
        columns = STYLE + "div.cols{column-count:2;column-gap:2em}"
        two = f"<h1>{report_title}</h1><div class='cols'>{html_paragraphs(report)}</div>"
        written["2025年政府工作报告（节选，两栏）.pdf"] = chromium(
            page(report_title, two, columns), out, "two"
        ).read_bytes()
        broken = f"<h1>{kangxi(report_title)}</h1>" + html_paragraphs(
            [kangxi(p) for p in report[:6]]
        )
        written["2025年政府工作报告（节选，浏览器打印）.pdf"] = chromium(
            page(report_title, broken), out, "kangxi"
        ).read_bytes()
        # The 年报's opening typed with spaces around numbers, its title spaced out.
        opening = re.findall(r"<p>(.*?)</p>", nianbao)[:6]
        spaced_body = (
            "<h1 style='letter-spacing:0.5em'>2019年上海市人民政府办公厅<br>"
            "政府信息公开工作年度报告</h1>" + html_paragraphs([spaced(p) for p in opening])
        )
        written["2019年政府信息公开工作年度报告（WPS空格）.pdf"] = chromium(
            page("年报", spaced_body), out, "spaced"
        ).read_bytes()
        # The 通知 with its 文号 and 落款 in text boxes, and as a .doc through LibreOffice.
        boxed_docx = notice_docx()
        written["关于加强本市优秀历史建筑管理的通知（文本框）.docx"] = boxed_docx
        (out / "notice.docx").write_bytes(boxed_docx)
        doc = soffice(out / "notice.docx", "doc:MS Word 97", out).read_bytes()
        written["关于加强本市优秀历史建筑管理的通知.doc"] = doc
        # The report as WPS saves a .wps: a Word 97 binary document under WPS's name.
        written["2025年政府工作报告（节选）.wps"] = soffice(
            out / "report.docx", "doc:MS Word 97", out
        ).read_bytes()
        # Big5 and GBK text files of the same texts in traditional characters.
        traditional = s2t.convert("\n\n".join([notice_title, *notice]))
        written["關於加強本市優秀歷史建築管理的通知（Big5）.txt"] = traditional.encode("big5")
        report_tw = s2t.convert("\n\n".join([report_title, *report[:4]]))
        written["2025年政府工作報告（節選，Big5）.txt"] = report_tw.encode("big5")
        written["2025年政府工作報告（節選，GBK繁體）.txt"] = report_tw.encode("gbk")
        written["优化营商环境条例（含扫描页）.pdf"] = scanned_pdf()
    for name, data in written.items():
        (FILES / name).write_bytes(data)
        sys.stdout.write(f"{hashlib.sha256(data).hexdigest()} {name}\n")


if __name__ == "__main__":
    main()
