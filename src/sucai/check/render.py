"""An overlap report as HTML (a web page fragment or a standalone file) and as .docx.

Both renderings mark each copied span in the colour of its paragraph's ratio — red at 70 % or
more, orange from 40 %, green below — and grey out stock phrases, which never count.
"""

from __future__ import annotations

import io
import tempfile
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Final

from markupsafe import Markup, escape

from sucai.check.align import ANCHOR, GAP
from sucai.check.report import HIGH, MEDIUM
from sucai.check.text import QUOTATION_CHARS, TERM_CHARS
from sucai.errors import UserError
from sucai.i18n import N_
from sucai.ingest.parsers.office import convert, find_libreoffice

if TYPE_CHECKING:
    from collections.abc import Callable

    from docx.text.run import Run

    from sucai.check.report import CheckedParagraph, MatchSpan, OverlapReport, SourceShare

__all__ = ["report_css", "report_docx", "report_html", "write_docx", "write_html"]

_DOCX_FILL: Final = {"high": "FFB3B3", "medium": "FFD59E", "low": "BFE8C0"}
#: Copied text is written in red in the .docx and PDF reports, as CNKI's are.
_COPIED_RED: Final = (0xC0, 0x00, 0x00)
#: Seconds LibreOffice may take to render a report as PDF.
PDF_TIMEOUT: Final = 120


def report_css() -> str:
    """The report's style sheet."""
    return files("sucai.check").joinpath("report.css").read_text(encoding="utf-8")


def _pct(ratio: float) -> str:
    return f"{ratio * 100:.1f}%"


def _source_label(source: SourceShare | None, article_id: int) -> str:
    if source is None:
        return f"#{article_id}"
    role = f"（{source.role}）" if source.role else ""
    return f"{source.title}{role}"


def _segments(paragraph: CheckedParagraph) -> list[tuple[str, int, int]]:
    """``(kind, start, end)`` pieces of the text: ``copy:<n>`` (span n), ``stock`` or ``""``."""
    labels = [""] * len(paragraph.text)
    for n, span in enumerate(paragraph.spans):
        for k in range(span.start, span.end):
            labels[k] = f"copy:{n}"
    for start, end in paragraph.excluded:
        for k in range(start, end):
            labels[k] = "stock"
    pieces: list[tuple[str, int, int]] = []
    for k, label in enumerate(labels):
        if pieces and pieces[-1][0] == label:
            pieces[-1] = (label, pieces[-1][1], k + 1)
        else:
            pieces.append((label, k, k + 1))
    return pieces


def _paragraph_html(
    paragraph: CheckedParagraph,
    sources: dict[int, SourceShare],
    link: Callable[[MatchSpan], str] | None,
) -> str:
    out = [
        f'<div class="ck-para ck-{paragraph.level}" id="d{paragraph.index}">',
        f'<span class="ck-rate">{_pct(paragraph.ratio)}</span><p>',
    ]
    for label, start, end in _segments(paragraph):
        text = escape(paragraph.text[start:end])
        if label.startswith("copy:"):
            span = paragraph.spans[int(label[5:])]
            title = escape(
                f"{_source_label(sources.get(span.article_id), span.article_id)} "
                f"第{span.paragraph_index + 1}段"
            )
            out.append(f'<mark class="ck-copy" title="{title}">{text}</mark>')
        elif label == "stock":
            out.append(f'<span class="ck-stock" title="套话，不计入">{text}</span>')
        else:
            out.append(str(text))
    out.append("</p>")
    if paragraph.spans:
        out.append(f"<details><summary>{len(paragraph.spans)} 处相似</summary><ul>")
        for span in paragraph.spans:
            label = escape(_source_label(sources.get(span.article_id), span.article_id))
            where = f"第{span.paragraph_index + 1}段"
            href = link(span) if link else ""
            head = f'<a href="{escape(href)}">{label}</a>' if href else str(label)
            source = f"“{escape(span.source_text)}”"
            out.append(
                f"<li>{head} · {where} · {span.chars} 字"
                + (f"（引用 {span.quoted} 字）" if span.quoted else "")
                + f"<br>{source}</li>"
            )
        out.append("</ul></details>")
    out.append("</div>")
    return "".join(out)


def rules(min_span: int) -> tuple[str, ...]:
    """检测说明: how the figures are counted, as the report states them (README, issue 18)."""
    anchor = min(ANCHOR, min_span)
    return (
        "只计汉字、字母和数字，标点和空格不计；繁体与简体、全角与半角视为相同。",
        f"与库内某一段落有连续 {anchor} 字以上完全相同、全长 {min_span} 字以上的片段计为复制；"
        f"片段中间每处改动不超过 {GAP} 字（改字、增删字、改年份、“我国”改“我省”）的，"
        "改动处一并计入。",
        f"不计入：不足 {min_span} 字的相同片段；隔着较大改动零星相同的短语；套话表里的套话"
        "（灰色）。",
        "引用计入总文字复制比，不计入去除引用复制比。引用指：有出处（“指出：”“强调：”等）、"
        f"成句或 {QUOTATION_CHARS} 字以上的引号内文字，以及带 [1]、① 等引注标记的句子；"
        f"引号里不足 {TERM_CHARS} 字的词语（如“链主”）不是引用。",
    )


def report_html(
    report: OverlapReport,
    *,
    link: Callable[[MatchSpan], str] | None = None,
    source_link: Callable[[SourceShare], str] | None = None,
) -> Markup:
    """The report as an HTML fragment (``<div class="ck-report">``), escaped and safe to embed.

    Args:
        report: the report (already redacted for the viewer).
        link: the URL of a span's source paragraph, or ``None`` for no links.
        source_link: the URL of a source article, or ``None``.
    """
    by_id = {s.article_id: s for s in report.sources}
    figures = (
        ("总文字复制比", _pct(report.ratio), report.level),
        ("去除引用复制比", _pct(report.ratio_without_quotes), ""),
        ("单篇最大复制比", _pct(report.top_source_ratio), ""),
        ("总字数", str(report.chars), ""),
        ("复制字数", str(report.copied), ""),
        ("套话（不计）", str(report.excluded), ""),
    )
    out = ['<div class="ck-report"><div class="ck-summary">']
    for label, value, level in figures:
        cls = f"ck-figure ck-{level}" if level else "ck-figure"
        out.append(f'<div class="{cls}"><b>{escape(value)}</b>{escape(label)}</div>')
    out.append("</div>")
    out.append(
        f'<p class="ck-legend">段落复制比：<span class="ck-h">≥ {HIGH:.0%}</span>'
        f'<span class="ck-m">{MEDIUM:.0%}–{HIGH:.0%}</span>'
        f'<span class="ck-l">&lt; {MEDIUM:.0%}</span>'
        f"连续 {report.min_span} 字以上相同才计入；灰色虚线为套话，不计入。</p>"
    )
    out.append('<details class="ck-rules"><summary>检测说明</summary><ol>')
    out.extend(f"<li>{escape(line)}</li>" for line in rules(report.min_span))
    out.append("</ol></details>")
    out.append('<section class="ck-sources"><h2>相似来源</h2>')
    if report.sources:
        out.append("<ol>")
        for s in report.sources:
            label = escape(_source_label(s, s.article_id))
            href = source_link(s) if source_link else ""
            head = f'<a href="{escape(href)}">{label}</a>' if href else str(label)
            meta = " · ".join(x for x in (s.genre, str(s.year) if s.year else "") if x)
            paras = "、".join(str(i + 1) for i in s.paragraphs[:12])
            more = "…" if len(s.paragraphs) > 12 else ""
            out.append(
                f'<li><meter class="ck-bar" min="0" max="1" value="{s.ratio:.4f}"></meter>'
                f"<b>{_pct(s.ratio)}</b>（{s.chars} 字） {head}"
                f"{' · ' + escape(meta) if meta else ''} · 第 {paras}{more} 段</li>"
            )
        out.append("</ol>")
    else:
        out.append("<p>没有找到相似的库内材料。</p>")
    out.append('</section><section class="ck-paras"><h2>全文对照</h2>')
    out.extend(_paragraph_html(p, by_id, link) for p in report.paragraphs)
    out.append("</section></div>")
    return Markup("".join(out))


def write_html(report: OverlapReport, path: Path) -> None:
    """Write the report as a standalone HTML file with its style sheet inline."""
    title = escape(f"查重报告 · {report.name}" if report.name else "查重报告")
    path.write_text(
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>body{{font-family:sans-serif;max-width:60rem;"
        f"margin:2rem auto;padding:0 1rem;background:#fafafa}}\n{report_css()}</style>"
        f"</head><body><h1>{title}</h1>{report_html(report)}</body></html>\n",
        encoding="utf-8",
    )


def _shade(run: Run, fill: str) -> None:
    """Give a python-docx run a background fill (Word's character shading)."""
    from docx.oxml.ns import qn
    from lxml import etree

    shading = etree.SubElement(run._r.get_or_add_rPr(), qn("w:shd"))
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)


def report_docx(report: OverlapReport) -> bytes:
    """The report as a Word document: figures, sources, and the draft with spans shaded."""
    import docx
    from docx.shared import RGBColor

    document = docx.Document()
    document.add_heading(f"查重报告 · {report.name}" if report.name else "查重报告", 0)
    table = document.add_table(rows=2, cols=4)
    table.style = "Table Grid"
    for n, (label, value) in enumerate(
        (
            ("总文字复制比", _pct(report.ratio)),
            ("去除引用复制比", _pct(report.ratio_without_quotes)),
            ("单篇最大复制比", _pct(report.top_source_ratio)),
            ("总字数 / 复制字数", f"{report.chars} / {report.copied}"),
        )
    ):
        table.cell(0, n).text = label
        table.cell(1, n).text = value
    document.add_heading("相似来源", 1)
    for s in report.sources:
        document.add_paragraph(
            f"{_pct(s.ratio)}（{s.chars} 字） {_source_label(s, s.article_id)}", "List Number"
        )
    if not report.sources:
        document.add_paragraph("没有找到相似的库内材料。")
    document.add_heading("全文对照", 1)
    document.add_paragraph(
        f"段落复制比 ≥ {HIGH:.0%} 红色、{MEDIUM:.0%}–{HIGH:.0%} 橙色、其余绿色；"
        "灰色为套话，不计入。"
    )
    for paragraph in report.paragraphs:
        out = document.add_paragraph()
        for label, start, end in _segments(paragraph):
            run = out.add_run(paragraph.text[start:end])
            if label.startswith("copy:"):
                _shade(run, _DOCX_FILL[paragraph.level])
                run.font.color.rgb = RGBColor(*_COPIED_RED)
            elif label == "stock":
                run.font.color.rgb = RGBColor(0x88, 0x88, 0x88)
        tail = out.add_run(f"　［{_pct(paragraph.ratio)}］")
        tail.font.color.rgb = RGBColor(0x88, 0x88, 0x88)
    document.add_heading("检测说明", 1)
    for line in rules(report.min_span):
        document.add_paragraph(line, "List Number")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_docx(report: OverlapReport, path: Path) -> None:
    """Write the report as a .docx file (see :func:`report_docx`)."""
    path.write_bytes(report_docx(report))


def report_pdf(report: OverlapReport) -> bytes:
    """The .docx report rendered as PDF by LibreOffice: copied text in red (issue 18).

    Raises:
        UserError: LibreOffice is not installed, or did not render the report in time.
    """
    program = find_libreoffice()
    if program is None:
        raise UserError.of(
            N_(
                "writing a PDF report needs LibreOffice (Debian/Ubuntu: apt install "
                "libreoffice-writer fonts-noto-cjk); write the report as .docx or .html instead."
            )
        )
    with tempfile.TemporaryDirectory(prefix="sucai-report-") as tmp:
        document = Path(tmp) / "report.docx"
        document.write_bytes(report_docx(report))
        try:
            pdf, code = convert(program, document, "pdf", PDF_TIMEOUT)
        except TimeoutError:
            raise UserError.of(
                N_(
                    "LibreOffice took more than {seconds} seconds to render the PDF report; "
                    "write it as .docx and convert it in Word or WPS."
                ),
                seconds=PDF_TIMEOUT,
            ) from None
        if pdf is None:
            raise UserError.of(
                N_(
                    "LibreOffice could not render the PDF report (exit code {code}); "
                    "write it as .docx and convert it in Word or WPS."
                ),
                code=code,
            )
        return pdf.read_bytes()


def write_pdf(report: OverlapReport, path: Path) -> None:
    """Write the report as a PDF file (see :func:`report_pdf`)."""
    path.write_bytes(report_pdf(report))
