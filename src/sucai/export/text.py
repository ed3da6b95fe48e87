"""Plain-text and Markdown export of an :class:`~sucai.export.document.ExportDoc` (issue 5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sucai.export.document import ExportDoc

__all__ = ["render_markdown", "render_text"]


def render_text(doc: ExportDoc) -> bytes:
    """UTF-8 text: title, 题注, then paragraphs (body indented with two ideographic spaces)."""
    lines = [doc.title]
    if doc.subtitle:
        lines.append(doc.subtitle)
    lines.append("")
    for piece in doc.pieces:
        if piece.kind == "body":
            lines.append("　　" + piece.text)
        elif piece.kind == "sources-title":
            lines += ["", piece.text]
        else:
            lines.append(piece.text)
    return ("\n".join(lines) + "\n").encode()


def render_markdown(doc: ExportDoc) -> bytes:
    """UTF-8 Markdown: ``#`` title, headings by level, and a 校对提示 list of the findings."""
    lines = [f"# {doc.title}", ""]
    if doc.subtitle:
        lines += [f"> {doc.subtitle}", ""]
    notes: list[str] = []
    for n, piece in enumerate(doc.pieces, 1):
        if piece.kind == "heading":
            lines += ["#" * min(6, piece.level + 1) + " " + piece.text, ""]
        elif piece.kind == "sources-title":
            lines += [f"## {piece.text}", ""]
        elif piece.kind == "note":
            lines += [f"> {piece.text}", ""]
        elif piece.kind == "source" and piece.text.startswith("——"):
            lines += [f"*{piece.text}*", ""]
        else:
            lines += [piece.text, ""]
        notes += [f"- 第{n}段 “{piece.text[m.start : m.end]}”：{m.message}" for m in piece.marks]
    if notes:
        lines += ["---", "", "**校对提示**", "", *notes, ""]
    return "\n".join(lines).encode()
