"""Paths → :class:`~sucai.models.SourceFile`; text decoding with encoding detection.

Folders are walked recursively and ``.zip`` archives expanded (member names in UTF-8 or, as
Windows tools write them, GBK). Files of types sucai does not read are reported as skipped when
found inside a folder or archive, and as an error when named directly.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Final

from sucai.errors import DecodeError, IngestError
from sucai.models import SourceFile

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "MAX_FILE_BYTES",
    "Candidate",
    "count_inputs",
    "decode_text",
    "iter_candidates",
    "load_file",
]

#: Larger inputs are refused: no real document is this big, and one must not exhaust memory.
MAX_FILE_BYTES: Final = 64 * 1024 * 1024

_IGNORED_NAMES: Final = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file found by walking the inputs, not yet read.

    Exactly one of ``source`` (already read: archive members) or ``fs_path`` is set, or
    ``error``/``skip`` says why it will not be read.
    """

    path: str
    fs_path: Path | None = None
    source: SourceFile | None = None
    error: IngestError | None = None
    skip: str = ""


def _suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def iter_candidates(paths: list[Path], suffixes: frozenset[str]) -> Iterator[Candidate]:
    """Yield every file to import from files, folders (recursive) and .zip archives.

    Args:
        paths: what the user named.
        suffixes: suffixes sucai reads (``.zip`` included).
    """
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    yield from _candidate(Path(root) / name, suffixes, named=False)
        elif path.exists():
            yield from _candidate(path, suffixes, named=True)
        else:
            yield Candidate(
                str(path),
                error=IngestError(
                    "missing", f"{path}: no such file or folder. Check the path and try again."
                ),
            )


def count_inputs(paths: list[Path]) -> int:
    """How many files :func:`iter_candidates` will yield, without reading them (for progress)."""
    total = 0
    for path in paths:
        files = (
            [Path(root, n) for root, _, names in os.walk(path) for n in names]
            if path.is_dir()
            else [path]
        )
        for file in files:
            if file.suffix.lower() != ".zip":
                total += 1
                continue
            try:
                with zipfile.ZipFile(file) as archive:
                    total += sum(1 for info in archive.infolist() if not info.is_dir())
            except (zipfile.BadZipFile, OSError):
                total += 1
    return total


def _candidate(path: Path, suffixes: frozenset[str], *, named: bool) -> Iterator[Candidate]:
    suffix = path.suffix.lower()
    if suffix == ".zip":
        yield from _zip_members(path, suffixes)
    elif suffix in suffixes:
        yield Candidate(str(path), fs_path=path)
    elif named:
        kinds = ", ".join(sorted(suffixes))
        yield Candidate(
            str(path),
            error=IngestError(
                "unsupported",
                f"{path}: sucai cannot read '{suffix or 'suffix-less'}' files; it reads {kinds}. "
                "Convert it (e.g. save as .docx or .txt) and import it again.",
            ),
        )
    else:
        why = "hidden or system file" if path.name.lower() in _IGNORED_NAMES else "other type"
        yield Candidate(str(path), skip=why)


def _member_name(info: zipfile.ZipInfo) -> str:
    """Decode a zip member name: UTF-8 when flagged, else GBK as Chinese Windows writes it."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def _zip_members(path: Path, suffixes: frozenset[str]) -> Iterator[Candidate]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        yield Candidate(
            str(path),
            error=IngestError(
                "bad-archive",
                f"{path}: not a readable .zip archive ({exc}). Re-create the archive and retry.",
            ),
        )
        return
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = _member_name(info)
            shown = f"{path}!{name}"
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
                yield Candidate(
                    shown,
                    error=IngestError(
                        "unsafe-name",
                        f"{shown}: archive member has an unsafe name (absolute or with '..'); "
                        "it was not read. Re-create the archive with plain relative names.",
                    ),
                )
                continue
            suffix = _suffix(name)
            if suffix not in suffixes or suffix == ".zip":
                base = PurePosixPath(name).name.lower()
                hidden = base in _IGNORED_NAMES or base.startswith(("._", "."))
                yield Candidate(shown, skip="hidden or system file" if hidden else "other type")
                continue
            if info.file_size > MAX_FILE_BYTES:
                yield Candidate(shown, error=_too_large(shown, info.file_size))
                continue
            try:
                data = archive.read(info)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
                yield Candidate(
                    shown,
                    error=IngestError(
                        "bad-archive",
                        f"{shown}: cannot extract this member ({exc}). Re-create the archive.",
                    ),
                )
                continue
            yield Candidate(shown, source=_source(shown, data, suffix))


def _too_large(shown: str, size: int) -> IngestError:
    return IngestError(
        "too-large",
        f"{shown}: {size / 1048576:.0f} MB is larger than the {MAX_FILE_BYTES // 1048576} MB "
        "limit for one document. Split it into smaller files and import those.",
    )


def _source(path: str, data: bytes, suffix: str) -> SourceFile:
    return SourceFile(path, data, hashlib.sha256(data).hexdigest(), suffix)


def load_file(candidate: Candidate) -> SourceFile:
    """Read a candidate's bytes.

    Raises:
        IngestError: the file vanished, cannot be read, or is too large.
    """
    if candidate.source is not None:
        return candidate.source
    assert candidate.fs_path is not None
    path = candidate.fs_path
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _too_large(candidate.path, size)
        data = path.read_bytes()
    except FileNotFoundError:
        raise IngestError(
            "missing",
            f"{candidate.path}: the file disappeared before it could be read. "
            "If it was moved, import it from its new place.",
        ) from None
    except OSError as exc:
        raise IngestError(
            "unreadable",
            f"{candidate.path}: cannot read the file ({exc.strerror}). Check its permissions.",
        ) from None
    return _source(candidate.path, data, path.suffix.lower())


_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# In a GBK file, '?' next to Chinese text is usually a character the encoder could not hold.
_LOST_CHAR = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])\?|\?(?=[\u4e00-\u9fff])")


def _plausible_text_share(text: str) -> float:
    """Share of characters that Chinese documents are made of (CJK, punctuation, ASCII)."""
    good = sum(
        1
        for c in text
        if "\u4e00" <= c <= "\u9fff"
        or "\u3000" <= c <= "\u303f"
        or "\uff00" <= c <= "\uffef"
        or "\u2010" <= c <= "\u2027"
        or " " <= c <= "~"
        or c in "\n\r\t"
    )
    return good / max(1, len(text))


def _looks_utf16(data: bytes) -> str | None:
    """Recognise BOM-less UTF-16: read that way, the sample must be almost all plausible text."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            continue
        if _plausible_text_share(text) >= 0.95:
            return name
    return None


def decode_text(data: bytes, path: str, encoding: str | None = None) -> tuple[str, str, list[str]]:
    """Decode a text file's bytes.

    Detection order: a byte-order mark (UTF-8/16/32), UTF-8, BOM-less UTF-16, GB18030 (which
    contains GBK and GB2312). Nothing is guessed silently: the encoding used is returned for the
    report, and undecodable bytes raise with their offset.

    Args:
        data: the bytes.
        path: the file's name, for messages.
        encoding: an encoding the user forced, or ``None`` to detect.

    Returns:
        ``(text, encoding_name, notes)``.

    Raises:
        DecodeError: the bytes are binary or in no detectable encoding.
    """
    if encoding is not None:
        try:
            return data.decode(encoding), encoding, []
        except LookupError:
            raise DecodeError(
                f"{path}: unknown encoding '{encoding}'. Use a name such as utf-8, gb18030, utf-16."
            ) from None
        except UnicodeDecodeError as exc:
            raise DecodeError(
                f"{path}: not valid {encoding}: byte 0x{data[exc.start]:02x} at offset "
                f"{exc.start} cannot be decoded. Try another --encoding, or omit it to detect."
            ) from None
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name, []
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"{path}: starts with a {name} byte-order mark but byte offset {exc.start} is "
                    f"not valid {name}; the file is damaged. Re-save it as UTF-8."
                ) from None
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    guess = _looks_utf16(data)
    if guess is not None:
        try:
            return data.decode(guess), guess, []
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:
        raise DecodeError(
            f"{path}: this looks like a binary file, not text (zero bytes near offset "
            f"{data.index(0)}). Check that it is the document you meant to import."
        )
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"{path}: not valid UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset "
            f"{utf8_error.start}) nor GB18030 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}). Re-save it as UTF-8, or name its encoding with --encoding."
        ) from None
    try:
        data.decode("gbk")
        name = "gbk"
    except UnicodeDecodeError:
        name = "gb18030"
    notes = []
    for match in _LOST_CHAR.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        context = text[max(0, match.start() - 8) : match.start()].replace("\n", " ")
        notes.append(
            f"line {line}, column {col}: '?' after “{context}” is probably a character that "
            f"{name.upper()} cannot hold (lost when the file was saved); check the original."
        )
    return text, name, notes
