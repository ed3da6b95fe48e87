"""Plain text (.txt) and Markdown (.md) parsers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from sucai.errors import IngestError
from sucai.ingest.limits import check_text
from sucai.ingest.sources import decode_text
from sucai.models import Block, ParsedText

if TYPE_CHECKING:
    from sucai.models import SourceFile

__all__ = ["MarkdownParser", "TextParser", "text_blocks"]

_LINE_BREAK: Final = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


def text_blocks(text: str) -> list[Block]:
    """Split text into one block per line (universal line endings), numbered from 1."""
    return [Block(line, line=i) for i, line in enumerate(_LINE_BREAK.split(text), 1)]


def _decode(source: SourceFile, encoding: str | None) -> tuple[str, str, list[str]]:
    """Decode, refuse an empty text, and check the limits before the text is split."""
    text, used, notes = (
        decode_text(source.data, source.path, encoding) if source.data.strip() else ("", "", [])
    )
    if not text.replace("\ufeff", "").strip():
        raise IngestError(
            "empty", f"{source.path}: the file is empty (no text). Nothing to import."
        )
    check_text(text, source.path)
    return text, used, notes


class TextParser:
    """Plain text in any encoding :func:`~sucai.ingest.sources.decode_text` detects."""

    name = "text"
    suffixes = frozenset({".txt", ".text"})

    def parse(self, source: SourceFile, encoding: str | None = None) -> ParsedText:
        """Decode and split into line blocks; Markdown saved as .txt is read as Markdown."""
        text, used, notes = _decode(source, encoding)
        if _looks_markdown(text):
            return _markdown(text, used, notes)
        return ParsedText(tuple(text_blocks(text)), used, tuple(notes))


def _looks_markdown(text: str) -> bool:
    """A ``# title`` first line and further ``#`` headings: Markdown, whatever the suffix."""
    head = text.lstrip("\ufeff \r\n")
    return head.startswith("# ") and len(_ANY_HEADING.findall(text, 0, 200_000)) >= 2


_HEADING: Final = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_COMMENT: Final = re.compile(r"<!--.*?-->", re.S)
_ANY_HEADING: Final = re.compile(r"^#{1,6} \S", re.M)
_RULE: Final = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_EMPHASIS: Final = re.compile(r"(\*\*|__)(.+?)\1")


class MarkdownParser:
    """Markdown as the corpora write it: ``#`` headings, ``**bold**``, HTML comments."""

    name = "markdown"
    suffixes = frozenset({".md", ".markdown"})

    def parse(self, source: SourceFile, encoding: str | None = None) -> ParsedText:
        """Decode, then mark ``#`` lines as title (the first level-1) or headings."""
        text, used, notes = _decode(source, encoding)
        return _markdown(text, used, notes)


def _markdown(text: str, used: str, notes: list[str]) -> ParsedText:
    """Blocks of a Markdown text: ``#`` lines become the title or headings."""
    # Comments such as <!-- INFO END --> are markup, not content; keep the line numbering.
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    blocks: list[Block] = []
    have_title = False
    for block in text_blocks(text):
        line = (
            _EMPHASIS.sub(r"\2", block.text)
            if "*" in block.text or "__" in block.text
            else block.text
        )
        if _RULE.match(line):
            # A thematic break (---) separates parts like a blank line does.
            blocks.append(Block("", line=block.line))
            continue
        match = _HEADING.match(line)
        if match is None:
            blocks.append(Block(line, line=block.line))
            continue
        level = len(match.group(1))
        if level == 1 and not have_title:
            have_title = True
            blocks.append(Block(match.group(2), "title", 0, line=block.line))
        else:
            blocks.append(Block(match.group(2), "heading", level, line=block.line))
    return ParsedText(tuple(blocks), used, tuple(notes))
