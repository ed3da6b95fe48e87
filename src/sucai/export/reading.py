"""Reading export codes back out of a file someone found (``sucai trace``, issue 15).

A .docx is read as its parts: the text of every paragraph of every Word XML part (body,
headers, footers, footnotes, comments — runs joined, so a code split across runs by a word
processor still reads), and the core and custom properties. Text files and pasted text are
read as they are. What is found is a list of :class:`FoundCode`; which download each code
was is the audit log's answer (:meth:`sucai.library.Library.trace`).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from lxml import etree

from sucai.errors import UserError
from sucai.export.fingerprint import CUSTOM_PROPERTY, find_codes, is_code
from sucai.ingest.sources import decode_text

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["FILE_SUFFIXES", "MAX_PART_BYTES", "FoundCode", "read_codes"]

#: What ``sucai trace`` reads besides pasted text.
FILE_SUFFIXES: Final = (".docx", ".txt", ".md")
#: The largest part of a .docx read, unpacked (a found file may be hostile: a zip bomb is
#: refused, not inflated).
MAX_PART_BYTES: Final = 64 * 1024 * 1024
_W: Final = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_PARSER: Final = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_WORD_PART: Final = re.compile(r"word/[^/]+\.xml")
_PROPERTY_CODE: Final = re.compile(r"sucai(?::| 导出编号 )([0-9A-Z]{8})")


@dataclass(frozen=True, slots=True)
class FoundCode:
    """A code found in a file.

    Attributes:
        code: the code (8 characters of Crockford base 32).
        in_text: how many copies of it the text holds (0: only in the properties).
        in_properties: the .docx properties hold it.
    """

    code: str
    in_text: int
    in_properties: bool


def _part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str) -> etree._Element:
    if info.file_size > MAX_PART_BYTES:
        raise UserError(
            f"{shown}: part {info.filename} unpacks to {info.file_size:,} bytes, more than "
            f"{MAX_PART_BYTES:,}; this is not an export (or it is damaged)."
        )
    with archive.open(info) as stream:
        data = stream.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise UserError(f"{shown}: part {info.filename} unpacks to more than it says; damaged.")
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        raise UserError(f"{shown}: part {info.filename} is not well-formed XML; damaged.") from None


def _docx(path: Path) -> tuple[str, set[str]]:
    """The text of a .docx (one paragraph a line) and the codes its properties name."""
    shown = str(path)
    paragraphs: list[str] = []
    in_properties: set[str] = set()
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if _WORD_PART.fullmatch(info.filename):
                    root = _part(archive, info, shown)
                    paragraphs += [
                        "".join(t.text or "" for t in p.iter(f"{_W}t")) for p in root.iter(f"{_W}p")
                    ]
                elif info.filename in ("docProps/core.xml", "docProps/custom.xml"):
                    root = _part(archive, info, shown)
                    in_properties.update(_property_codes(root))
    except (zipfile.BadZipFile, OSError) as exc:
        raise UserError(
            f"{shown}: cannot be read as a Word (.docx) file ({type(exc).__name__}). If it is "
            "text, save it as .txt, or paste its text on standard input: sucai trace -"
        ) from None
    return "\n".join(paragraphs), in_properties


def _property_codes(root: etree._Element) -> set[str]:
    found: set[str] = set()
    for element in root.iter():
        text = (element.text or "").strip()
        if not isinstance(element.tag, str):
            continue
        parent = element.getparent()
        if parent is not None and parent.get("name") == CUSTOM_PROPERTY and is_code(text):
            found.add(text)
        found.update(_PROPERTY_CODE.findall(text))
    return found


def read_codes(source: Path | str) -> list[FoundCode]:
    """The export codes in a file (.docx, .txt, .md) or in a ``str`` of pasted text.

    Raises:
        UserError: the file is missing, not one of :data:`FILE_SUFFIXES`, or damaged.
        DecodeError: a text file in no encoding sucai can detect.
    """
    in_properties: set[str] = set()
    if isinstance(source, str):
        text = source
    else:
        suffix = source.suffix.lower()
        if suffix not in FILE_SUFFIXES:
            raise UserError(
                f"{source}: sucai trace reads {', '.join(FILE_SUFFIXES)} files; copy the text "
                "out of it and paste it on standard input instead: sucai trace -"
            )
        if not source.is_file():
            raise UserError(f"{source}: no such file.")
        if suffix == ".docx":
            text, in_properties = _docx(source)
        else:
            text, _encoding, _notes = decode_text(source.read_bytes(), str(source))
    counts = find_codes(text)
    codes = list(counts) + sorted(in_properties - set(counts))
    return [FoundCode(code, counts.get(code, 0), code in in_properties) for code in codes]
