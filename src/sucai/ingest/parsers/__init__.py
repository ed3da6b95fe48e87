"""Parsers turn one :class:`~sucai.models.SourceFile` into :class:`~sucai.models.ParsedText`.

A parser is any object with ``name``, ``suffixes`` and ``parse(source, encoding)``; the registry
maps suffixes to parsers. Add a format by writing a module with such an object and listing it in
:data:`PARSERS`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final, Protocol

from sucai.errors import UnsupportedFormatError
from sucai.ingest.limits import check_blocks
from sucai.ingest.parsers.docx import DocxParser
from sucai.ingest.parsers.html import HtmlParser
from sucai.ingest.parsers.office import LegacyWordParser
from sucai.ingest.parsers.pdf import PdfParser
from sucai.ingest.parsers.text import MarkdownParser, TextParser

if TYPE_CHECKING:
    from sucai.models import ParsedText, SourceFile

__all__ = ["PARSERS", "Parser", "get_parser", "parse", "supported_suffixes"]


class Parser(Protocol):
    """Reads one format.

    Attributes:
        name: short name shown in reports, e.g. ``"docx"``.
        suffixes: lower-case suffixes with the dot that this parser reads.
    """

    name: str
    suffixes: frozenset[str]

    def parse(self, source: SourceFile, encoding: str | None = None) -> ParsedText:
        """Return the file's text as blocks.

        Args:
            source: the file.
            encoding: for text formats, an encoding forced by the user; ``None`` to detect.

        Raises:
            IngestError: the file is empty, damaged or undecodable; the message says which
                and what to do.
        """
        ...


PARSERS: Final[tuple[Parser, ...]] = (
    TextParser(),
    MarkdownParser(),
    DocxParser(),
    LegacyWordParser(),
    HtmlParser(),
    PdfParser(),
)

_BY_SUFFIX: Final[dict[str, Parser]] = {s: p for p in PARSERS for s in p.suffixes}


def supported_suffixes() -> frozenset[str]:
    """Every suffix some parser reads (plus ``.zip``, which the source layer expands)."""
    return frozenset(_BY_SUFFIX) | {".zip"}


def get_parser(suffix: str, path: str = "") -> Parser:
    """Return the parser for a suffix.

    Raises:
        UnsupportedFormatError: no parser reads this suffix.
    """
    try:
        return _BY_SUFFIX[suffix.lower()]
    except KeyError:
        kinds = ", ".join(sorted(supported_suffixes()))
        raise UnsupportedFormatError(
            f"{path or suffix}: sucai cannot read '{suffix or 'files without a suffix'}' files; "
            f"it reads {kinds}. Convert the file to one of these (e.g. save as .docx or .txt)."
        ) from None


def parse(source: SourceFile, encoding: str | None = None) -> ParsedText:
    """Parse a file with the parser for its suffix and check it against the limits of
    :mod:`sucai.ingest.limits` (the one entry point of import and 查重 drafts).

    Raises:
        IngestError: the format is not read, the file is empty, damaged or undecodable, or
            it goes past a limit (:class:`~sucai.errors.LimitExceededError`).
    """
    parsed = get_parser(source.suffix, source.path).parse(source, encoding)
    check_blocks(parsed.blocks, source.path)
    return parsed
