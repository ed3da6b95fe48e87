"""Reading a draft: pasted text, or a .txt/.md/.docx file through the import parsers."""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePath
from typing import TYPE_CHECKING, Final

from sucai.errors import IngestError, UnsupportedFormatError
from sucai.ingest.parsers import get_parser
from sucai.ingest.sources import Candidate, load_file
from sucai.models import SourceFile

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["DRAFT_SUFFIXES", "draft_from_bytes", "draft_from_path", "split_paragraphs"]

#: Suffixes a draft may have (the formats drafts are written in).
DRAFT_SUFFIXES: Final = frozenset({".txt", ".text", ".md", ".markdown", ".docx"})
_LINE: Final = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


def split_paragraphs(text: str) -> list[str]:
    """One paragraph a non-blank line, stripped of surrounding whitespace and indentation."""
    return [line.strip() for line in _LINE.split(text) if line.strip()]


def _check_suffix(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix not in DRAFT_SUFFIXES:
        kinds = ", ".join(sorted(DRAFT_SUFFIXES))
        raise UnsupportedFormatError(
            f"{name}: a draft to check must be one of {kinds}; save it as .docx or .txt "
            "and check it again."
        )
    return suffix


def _parse(source: SourceFile, encoding: str | None) -> list[str]:
    parsed = get_parser(source.suffix, source.path).parse(source, encoding)
    paragraphs = [b.text.strip() for b in parsed.blocks if b.text.strip()]
    if not paragraphs:
        raise IngestError("empty", f"{source.path}: the draft has no text to check.")
    return paragraphs


def draft_from_path(path: Path, encoding: str | None = None) -> list[str]:
    """The paragraphs of a draft file.

    Raises:
        IngestError: the file is missing, empty, undecodable or damaged;
            :class:`~sucai.errors.UnsupportedFormatError` for other formats.
    """
    if not path.is_file():
        raise IngestError(
            "missing", f"{path}: no such file. Check the path of the draft and try again."
        )
    _check_suffix(str(path))
    return _parse(load_file(Candidate(str(path), fs_path=path)), encoding)


def draft_from_bytes(name: str, data: bytes, encoding: str | None = None) -> list[str]:
    """The paragraphs of an uploaded draft (``name`` gives the format).

    Raises:
        IngestError: as :func:`draft_from_path`.
    """
    suffix = _check_suffix(name)
    return _parse(SourceFile(name, data, hashlib.sha256(data).hexdigest(), suffix), encoding)
