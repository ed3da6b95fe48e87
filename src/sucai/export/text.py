"""Plain-text, Markdown and HTML export of an :class:`~sucai.export.document.ExportDoc`
(issue 5; HTML for pasting a digest into a mail, issue 19).

An export made for someone (a :class:`~sucai.export.fingerprint.Stamp`, issue 15) carries its
code in every paragraph and, when the stamp is visible, ends with the line
``仅供 … 使用 · date`` after a rule.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Final

from sucai.export.fingerprint import embed

if TYPE_CHECKING:
    from sucai.export.document import ExportDoc, Piece
    from sucai.export.fingerprint import Stamp

__all__ = ["render_html", "render_markdown", "render_text"]


def _text(text: str, stamp: Stamp | None) -> str:
    return embed(text, stamp.code) if stamp is not None else text


def render_text(doc: ExportDoc, stamp: Stamp | None = None) -> bytes:
    """UTF-8 text: title, 题注, then paragraphs (body indented with two ideographic spaces;
    a table one line a row, its cells separated by tabs), carrying ``stamp`` if any."""
    lines = [_text(doc.title, stamp)]
    if doc.subtitle:
        lines += [_text(line, stamp) for line in doc.subtitle.splitlines()]
    lines.append("")
    for piece in doc.pieces:
        text = _text(piece.text, stamp)
        if piece.kind == "table":
            # One line a row, cells separated by tabs (issue 16).
            lines += ["\t".join(_text(cell, stamp) for cell in row) for row in piece.rows]
        elif piece.kind == "body":
            lines.append("　　" + text)
        elif piece.kind == "sources-title":
            lines += ["", text]
        else:
            lines.append(text)
    if stamp is not None and stamp.visible:
        lines += ["", "————", _text(stamp.line, stamp)]
    return ("\n".join(lines) + "\n").encode()


def _markdown_table(piece: Piece, stamp: Stamp | None) -> list[str]:
    """A table as a GitHub-flavoured Markdown table: its first row as the header."""
    rows = [[_text(cell, stamp).replace("|", "\\|") for cell in row] for row in piece.rows]
    lines = [f"| {' | '.join(row)} |" for row in rows]
    return [lines[0], "|" + " --- |" * len(rows[0]), *lines[1:]]


def render_markdown(doc: ExportDoc, stamp: Stamp | None = None) -> bytes:
    """UTF-8 Markdown: ``#`` title, headings by level, tables as Markdown tables, and a 校对提示
    list of the findings, carrying ``stamp`` if any."""
    lines = [f"# {_text(doc.title, stamp)}", ""]
    if doc.subtitle:
        lines += [f"> {_text(line, stamp)}" for line in doc.subtitle.splitlines()] + [""]
    notes: list[str] = []
    for n, piece in enumerate(doc.pieces, 1):
        text = _text(piece.text, stamp)
        if piece.kind == "table":
            lines += [*_markdown_table(piece, stamp), ""]
        elif piece.kind == "heading":
            lines += ["#" * min(6, piece.level + 1) + " " + text, ""]
        elif piece.kind in ("sources-title", "title"):
            lines += [f"## {text}", ""]
        elif piece.kind == "note":
            lines += [f"> {text}", ""]
        elif piece.kind == "source" and piece.text.startswith("——"):
            lines += [f"*{text}*", ""]
        else:
            lines += [text, ""]
        notes += [f"- 第{n}段 “{piece.text[m.start : m.end]}”：{m.message}" for m in piece.marks]
    if notes:
        lines += ["---", "", "**校对提示**", "", *notes, ""]
    if stamp is not None and stamp.visible:
        lines += ["---", "", _text(stamp.line, stamp), ""]
    return "\n".join(lines).encode()


#: The element of each kind of piece in HTML (headings by level).
_HTML_TAGS: Final = {"body": "p", "source": "p", "note": "p", "sources-title": "h2", "table": "pre"}


def render_html(doc: ExportDoc) -> bytes:
    """One UTF-8 HTML page (inline styles only, so that a mail keeps them): title, 题注,
    headings by level, paragraphs."""
    lines = [
        '<!doctype html>\n<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{escape(doc.title)}</title></head>",
        '<body style="font-family: FangSong, STFangsong, serif; max-width: 46em">',
        f'<h1 style="text-align: center">{escape(doc.title)}</h1>',
    ]
    if doc.subtitle:
        lines.append(f'<p style="text-align: center">{escape(doc.subtitle)}</p>')
    for piece in doc.pieces:
        tag = f"h{min(piece.level + 1, 6)}" if piece.kind == "heading" else _HTML_TAGS[piece.kind]
        style = {"source": ' style="color: #555"', "note": ' style="color: #888"'}
        body = ' style="text-indent: 2em"' if piece.kind == "body" else ""
        lines.append(f"<{tag}{style.get(piece.kind, body)}>{escape(piece.text)}</{tag}>")
    lines.append("</body></html>\n")
    return "\n".join(lines).encode()
