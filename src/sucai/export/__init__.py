"""Export of articles and baskets as Word (GB/T 9704), text or Markdown files (issue 5).

``render(doc, fmt, template, stamp)`` gives one file's bytes; :func:`export_articles` streams
many articles into a sink (a .zip, a folder), one at a time, with an index file at the end.
A :class:`Stamp` marks an export as made for someone (issue 15, :mod:`.fingerprint`);
:func:`read_codes` finds the codes in a file again.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING, Final

from sucai.errors import UserError
from sucai.export.document import (
    ExportDoc,
    article_document,
    basket_document,
    digest_document,
)
from sucai.export.docx import MEDIA_TYPE as DOCX_MEDIA_TYPE
from sucai.export.docx import render_docx
from sucai.export.fingerprint import Stamp
from sucai.export.reading import FoundCode, read_codes
from sucai.export.sinks import DirectorySink, ExportSink, FileSink, ZipSink
from sucai.export.templates import DEFAULT_TEMPLATE, TEMPLATES, DocxTemplate, get_template
from sucai.export.text import render_html, render_markdown, render_text
from sucai.hygiene import find_issues
from sucai.i18n import N_

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from sucai.models import Article

__all__ = [
    "DEFAULT_TEMPLATE",
    "FORMATS",
    "INDEX_NAME",
    "MEDIA_TYPES",
    "TEMPLATES",
    "DirectorySink",
    "DocxTemplate",
    "ExportDoc",
    "ExportSink",
    "FileSink",
    "FoundCode",
    "Stamp",
    "ZipSink",
    "article_document",
    "basket_document",
    "check_format",
    "digest_document",
    "export_articles",
    "get_template",
    "read_codes",
    "render",
    "render_html",
]

FORMATS: Final = ("docx", "txt", "md")
MEDIA_TYPES: Final = {
    "docx": DOCX_MEDIA_TYPE,
    "txt": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
INDEX_NAME: Final = "index.csv"
#: What a spreadsheet reads as a formula at the start of a cell (OWASP, CSV injection).
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def check_format(fmt: str) -> str:
    """``fmt`` when it is one of :data:`FORMATS`; else a :class:`UserError` naming them."""
    if fmt not in FORMATS:
        raise UserError.of(
            N_("format '{format}' is unknown; choose one of {choices}."),
            format=fmt,
            choices=FORMATS,
        )
    return fmt


def render(
    doc: ExportDoc, fmt: str, template: DocxTemplate | None = None, stamp: Stamp | None = None
) -> bytes:
    """One document as the bytes of a ``fmt`` file (``template`` is for .docx only), carrying
    ``stamp`` (whom it is for) if any."""
    check_format(fmt)
    if fmt == "docx":
        return render_docx(doc, template or get_template(None), stamp)
    if fmt == "md":
        return render_markdown(doc, stamp)
    return render_text(doc, stamp)


def _cell(value: object) -> object:
    """A text cell that Excel or WPS would run as a formula gets a leading apostrophe, as
    OWASP recommends (issue 21): ``=HYPERLINK(…)`` is shown, not followed."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def export_articles(
    articles: Iterable[Article],
    sink: ExportSink,
    fmt: str,
    template: DocxTemplate | None = None,
    *,
    on_article: Callable[[Article], None] | None = None,
    stamp: Stamp | None = None,
) -> int:
    """Write each article as one file into ``sink``, then ``index.csv``; return the count.

    ``articles`` is consumed lazily (pass a generator to stream a large set). The index
    lists id, file, title, role, genre, date and the hygiene findings of each article; it is
    UTF-8 with a BOM so that Excel opens it correctly, and no cell of it runs as a formula.
    Every file carries ``stamp`` if any.
    """
    check_format(fmt)
    template = template or get_template(None)
    index = io.StringIO()
    writer = csv.writer(index)
    writer.writerow(["id", "file", "title", "role", "genre", "date", "placeholders", "gaps"])
    count = 0
    for article in articles:
        doc = article_document(article)
        name = f"{doc.name}.{fmt}"
        sink.add(name, render(doc, fmt, template, stamp))
        kinds = [f.kind for p in article.paragraphs for f in find_issues(p.text)]
        row = [
            article.id,
            name,
            article.title,
            article.role or "",
            article.genre,
            article.issued_on or (article.year or ""),
            kinds.count("placeholder"),
            kinds.count("missing-name"),
        ]
        writer.writerow([_cell(value) for value in row])
        count += 1
        if on_article is not None:
            on_article(article)
    sink.add(INDEX_NAME, index.getvalue().encode("utf-8-sig"))
    return count
