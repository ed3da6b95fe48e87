"""Paths → :class:`~sucai.models.SourceFile`; text decoding with encoding detection.

Folders are walked recursively and ``.zip`` archives expanded (member names in UTF-8 or, as
Windows tools write them, GBK). Files of types sucai does not read are reported as skipped when
found inside a folder or archive, and as an error when named directly.

Only regular files are read (issue 22): named pipes, devices and sockets are refused by name
and never opened for reading (a pipe would block the import forever, ``/dev/zero`` would fill
memory), and so are symbolic links that lead out of the folder being imported. Names are
shown and stored in a safe form: bytes that are not UTF-8 and control characters appear as
``\\xNN`` escapes, so every file keeps one line of the report.
"""

from __future__ import annotations

import codecs
import errno
import hashlib
import itertools
import os
import re
import stat
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Final

import charset_normalizer

from sucai.errors import DecodeError, IngestError
from sucai.ingest.archive import is_link, open_archive, read_member, too_large
from sucai.ingest.limits import MAX_FILE_BYTES
from sucai.models import SourceFile

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "MAX_FILE_BYTES",
    "Candidate",
    "check_binary",
    "count_inputs",
    "decode_text",
    "display_name",
    "iter_candidates",
    "load_file",
    "text_codec",
]

_IGNORED_NAMES: Final = frozenset({".ds_store", "thumbs.db", "desktop.ini"})
# C0 and C1 controls and DEL break a report line (or drive the terminal); bidi controls
# reorder what is shown (``a\u202etxt.exe``).
_UNSAFE_CHARS: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


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


def display_name(name: str | Path) -> str:
    """A file or member name as reports show and the library stores it.

    Bytes that are not UTF-8 (kept by Python as surrogate escapes) and control characters
    become ``\\xNN``, bidi controls ``\\uNNNN``; everything else is kept as it is.
    """
    text = os.fsencode(name).decode("utf-8", "backslashreplace")
    return _UNSAFE_CHARS.sub(lambda m: _escape(m.group()), text)


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _suffix(name: str) -> str:
    return PurePosixPath(name).suffix.lower()


def iter_candidates(
    paths: list[Path], suffixes: frozenset[str], shown_as: tuple[Path, str] | None = None
) -> Iterator[Candidate]:
    """Yield every file to import from files, folders (recursive) and .zip archives.

    Args:
        paths: what the user named.
        suffixes: suffixes sucai reads (``.zip`` included).
        shown_as: ``(folder, name)``: show and store the paths inside ``folder`` as inside a
            folder called ``name`` (the web import's upload folder, a temporary one, is shown
            as 上传: what the operator uploaded, not where the server kept it).
    """
    for path in paths:
        shown = _shown(path, shown_as)
        if path.is_dir():
            found = False
            for candidate in _walk(path, suffixes, shown_as):
                found = True
                yield candidate
            if not found:
                yield Candidate(
                    shown,
                    error=IngestError(
                        "empty-folder",
                        f"{shown}: a folder with no files in it (though its name may look like "
                        "a file's); nothing to import. Name the files or folders to import.",
                    ),
                )
        elif os.path.lexists(path):
            yield from _candidate(path, shown, suffixes, root=None)
        else:
            yield Candidate(
                shown,
                error=IngestError(
                    "missing", f"{shown}: no such file or folder. Check the path and try again."
                ),
            )


def _shown(path: Path, shown_as: tuple[Path, str] | None) -> str:
    """``path`` as reports show and the library stores it (see :func:`iter_candidates`)."""
    if shown_as is not None and path.is_relative_to(shown_as[0]):
        path = Path(shown_as[1], path.relative_to(shown_as[0]))
    return display_name(path)


def _walk(
    root: Path, suffixes: frozenset[str], shown_as: tuple[Path, str] | None
) -> Iterator[Candidate]:
    """The candidates of a folder, in name order; links are not followed out of it."""
    real_root = os.path.realpath(root)
    unreadable: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=unreadable.append):
        kept = []
        for name in sorted(dirs):
            if name.startswith("."):
                continue
            path = Path(folder) / name
            if path.is_symlink():
                yield _link(path, _shown(path, shown_as), real_root)
            else:
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            path = Path(folder) / name
            yield from _candidate(path, _shown(path, shown_as), suffixes, root=real_root)
    for error in unreadable:
        shown = _shown(Path(error.filename), shown_as)
        yield Candidate(
            shown,
            error=IngestError(
                "unreadable",
                f"{shown}: cannot read this folder ({error.strerror}). Check its permissions.",
            ),
        )


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _link(path: Path, shown: str, real_root: str) -> Candidate:
    """A symbolic link met in a walk: refused when it leads out of the folder imported."""
    target = os.path.realpath(path)
    if not _inside(target, real_root):
        return Candidate(
            shown,
            error=IngestError(
                "outside-link",
                f"{shown}: a symbolic link to {display_name(Path(target))}, outside the folder "
                "being imported; it was not followed. Import that file or folder by its own "
                "name if you mean it.",
            ),
        )
    return Candidate(shown, skip="link to a folder inside the import (read from its own place)")


_KINDS: Final = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def _not_a_file(shown: str, mode: int) -> IngestError:
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return IngestError(
        "not-a-file",
        f"{shown}: {kind}, not a regular file; it was not read. Import documents saved as files.",
    )


def _candidate(
    path: Path, shown: str, suffixes: frozenset[str], *, root: str | None
) -> Iterator[Candidate]:
    """The candidate(s) of one path: named directly (``root`` is ``None``) or walked."""
    suffix = path.suffix.lower()
    if root is not None and suffix not in suffixes:
        why = "hidden or system file" if path.name.lower() in _IGNORED_NAMES else "other type"
        yield Candidate(shown, skip=why)
        return
    if root is not None and path.is_symlink() and not _inside(os.path.realpath(path), root):
        yield _link(path, shown, root)
        return
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        yield Candidate(shown, error=_open_error(shown, exc, path))
        return
    if not stat.S_ISREG(mode):
        yield Candidate(shown, error=_not_a_file(shown, mode))
    elif suffix == ".zip":
        yield from _zip_members(path, shown, suffixes)
    elif suffix in suffixes:
        yield Candidate(shown, fs_path=path)
    else:
        kinds = ", ".join(sorted(suffixes))
        yield Candidate(
            shown,
            error=IngestError(
                "unsupported",
                f"{shown}: sucai cannot read '{display_name(suffix) or 'suffix-less'}' files; it "
                f"reads {kinds}. Convert it (e.g. save as .docx or .txt) and import it again.",
            ),
        )


def count_inputs(paths: list[Path]) -> int:
    """How many files :func:`iter_candidates` will yield, without reading them (for progress).

    Archives count their members; nothing but a regular file is opened.
    """
    total = 0
    for path in paths:
        if not path.is_dir():
            total += _count(path)
            continue
        for root, dirs, names in os.walk(path):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            total += sum(_count(Path(root, name)) for name in names)
    return total


def _count(file: Path) -> int:
    """1, or the members of a .zip archive."""
    if file.suffix.lower() != ".zip" or file.is_symlink() or not file.is_file():
        return 1
    try:
        with file.open("rb") as fp, open_archive(fp, str(file)) as archive:
            return max(1, sum(1 for info in archive.infolist() if not info.is_dir()))
    except (IngestError, OSError):
        return 1


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


def _unsafe(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return name.startswith(("/", "\\")) or ".." in parts or bool(re.match(r"^[A-Za-z]:", name))


def _zip_members(path: Path, shown: str, suffixes: frozenset[str]) -> Iterator[Candidate]:
    try:
        fp = path.open("rb")
    except OSError as exc:
        yield Candidate(shown, error=_open_error(shown, exc, path))
        return
    with fp:
        try:
            archive = open_archive(fp, shown)
        except IngestError as exc:
            yield Candidate(shown, error=exc)
            return
        with archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
            if not members:
                yield Candidate(
                    shown,
                    error=IngestError(
                        "empty-archive", f"{shown}: the archive holds no files. Nothing to import."
                    ),
                )
            for info in members:
                yield _zip_member(archive, info, shown, suffixes)


def _zip_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, archive_name: str, suffixes: frozenset[str]
) -> Candidate:
    name = _member_name(info)
    shown = f"{archive_name}!{display_name(name)}"
    if _unsafe(name):
        return Candidate(
            shown,
            error=IngestError(
                "unsafe-name",
                f"{shown}: archive member has an unsafe name (absolute or with '..'); "
                "it was not read. Re-create the archive with plain relative names.",
            ),
        )
    suffix = _suffix(name)
    if suffix not in suffixes or suffix == ".zip":
        base = PurePosixPath(name).name.lower()
        hidden = base in _IGNORED_NAMES or base.startswith(("._", "."))
        return Candidate(shown, skip="hidden or system file" if hidden else "other type")
    if is_link(info):
        return Candidate(
            shown,
            error=IngestError(
                "not-a-file",
                f"{shown}: this archive member is a symbolic link, not a file; it was not read.",
            ),
        )
    try:
        data = read_member(archive, info, shown, MAX_FILE_BYTES)
    except IngestError as exc:
        return Candidate(shown, error=exc)
    if data is None:
        return Candidate(shown, error=too_large(shown, None, MAX_FILE_BYTES))
    return Candidate(shown, source=_source(shown, data, suffix))


def _source(path: str, data: bytes, suffix: str) -> SourceFile:
    return SourceFile(path, data, hashlib.sha256(data).hexdigest(), suffix)


def _open_error(shown: str, exc: OSError, path: Path) -> IngestError:
    """Our words for why a file could not be opened."""
    if isinstance(exc, FileNotFoundError) and path.is_symlink():
        return IngestError(
            "missing", f"{shown}: a symbolic link to a file that does not exist; not read."
        )
    if isinstance(exc, FileNotFoundError):
        return IngestError(
            "missing",
            f"{shown}: the file disappeared before it could be read. "
            "If it was moved, import it from its new place.",
        )
    if exc.errno == errno.ELOOP:
        return IngestError(
            "missing", f"{shown}: a loop of symbolic links that leads to no file; not read."
        )
    return IngestError(
        "unreadable",
        f"{shown}: cannot read the file ({exc.strerror or 'access refused'}). "
        "Check its permissions.",
    )


def load_file(candidate: Candidate) -> SourceFile:
    """Read a candidate's bytes; only a regular file is read, and at most
    :data:`~sucai.ingest.limits.MAX_FILE_BYTES` of it.

    Raises:
        IngestError: the file vanished, cannot be read, is not a regular file, or is too
            large.
    """
    if candidate.source is not None:
        return candidate.source
    assert candidate.fs_path is not None
    path = candidate.fs_path
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        # Non-blocking: should a pipe have taken the file's place, opening it returns at once.
        fd = os.open(path, flags)
    except OSError as exc:
        raise _open_error(candidate.path, exc, path) from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _not_a_file(candidate.path, info.st_mode)
        if info.st_size > MAX_FILE_BYTES:
            raise too_large(candidate.path, info.st_size, MAX_FILE_BYTES)
        try:
            data = file.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise _open_error(candidate.path, exc, path) from None
    if len(data) > MAX_FILE_BYTES:
        raise too_large(candidate.path, len(data), MAX_FILE_BYTES)
    return _source(candidate.path, data, path.suffix.lower())


_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: GB18030 text is checked for unlikely characters on this many characters at its start…
_SAMPLE_CHARS: Final = 20_000
#: …and charset-normalizer is asked about this many bytes at most.
_DETECT_BYTES: Final = 200_000
#: Above this share of Chinese characters outside GB2312 (and with this many at least), text
#: read as GB18030 is suspect: real GB text has a few percent, Big5 misread a third.
_RARE_SHARE: Final = 0.2
_MIN_HANZI: Final = 20
_PRIVATE_USE: Final = re.compile("[\ue000-\uf8ff]")
_HANZI: Final = re.compile("[\u4e00-\u9fff]")
_GB_CODECS: Final = frozenset({"gb18030", "gbk", "gb2312", "hz"})

#: Lost characters noted one by one; the rest are counted.
_MAX_LOST_NOTES: Final = 20
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


def text_codec(name: str, *, ascii_compatible: bool = False) -> str | None:
    """The codec ``name`` stands for if it is a real text encoding, else ``None``.

    Python also has codecs that are no text encodings — bytes-to-bytes transforms (rot13,
    hex, zlib, uu, base64, quopri, bz2) and ``undefined``, which always fails — and a
    ``<meta charset>`` may name any of them (issue 22).

    Args:
        name: an encoding name or alias.
        ascii_compatible: also require that ASCII reads as ASCII, as it must in any encoding
            a page can declare in an ASCII ``<meta>`` tag (not UTF-16, UTF-7, EBCDIC, idna,
            unicode_escape …).
    """
    try:
        codec = codecs.lookup(name).name
        # bytes.decode refuses transforms with LookupError; "undefined" raises UnicodeError.
        decoded = _ASCII_PROBE.decode(codec)
    except (LookupError, UnicodeError, ValueError, TypeError):
        return None
    if ascii_compatible and decoded != _ASCII_PROBE.decode("ascii"):
        return None
    return codec


# Printable ASCII (no backslash) and what idna, unicode_escape and UTF-7 read otherwise.
_ASCII_PROBE: Final = bytes(range(0x20, 0x7F)).replace(b"\\", b"") + b"+-\t\n\\u0041.xn--fsq."
# C0 controls other than tab, line feed, vertical tab, form feed and carriage return.
_CONTROLS: Final = "".join(chr(c) for c in (*range(0x09), *range(0x0E, 0x20), 0x7F))
#: Above this share of control characters (and this many) a "text" is binary data; a few
#: are left out as they are (a DOS end-of-file mark, a form feed, an ESC of a terminal).
_BINARY_SHARE: Final = 0.01
_BINARY_MIN: Final = 16
#: A UTF-8 file with this share of bad sequences or fewer (among its multi-byte
#: characters) is damaged UTF-8, not a file in another encoding.
_DAMAGED_UTF8_SHARE: Final = 0.01
_UTF8_LEADS: Final = bytes(range(0xC2, 0xF5))
_NOT_UTF8_LEADS: Final = bytes(b for b in range(256) if b not in _UTF8_LEADS)


def check_binary(text: str, path: str) -> None:
    """Refuse a decoded text holding NUL or many other control characters (issue 22).

    Raises:
        DecodeError: with ``code`` ``"binary"``.
    """
    nul = text.find("\0")
    controls = sum(text.count(c) for c in _CONTROLS)
    if nul >= 0 or controls > max(_BINARY_MIN, _BINARY_SHARE * len(text)):
        what = "zero bytes" if nul >= 0 else "control characters"
        where = nul if nul >= 0 else next(i for i, c in enumerate(text) if c in _CONTROLS)
        raise DecodeError(
            f"{path}: this looks like a binary file, not text ({what} from character {where}). "
            "Check that it is the document you meant to import.",
            code="binary",
        )


def _damaged_utf8(data: bytes, error: UnicodeDecodeError, path: str) -> DecodeError | None:
    """The error for a UTF-8 file with a few bad bytes, or ``None`` if it is not UTF-8.

    Read as GB18030 such a file would be stored as mojibake (钀ュ晢鐜…), so it is refused.
    """
    characters = len(data.translate(None, _NOT_UTF8_LEADS))
    bad = data.decode("utf-8", "replace").count("\ufffd") - data.count(b"\xef\xbf\xbd")
    if characters < 8 or bad > _DAMAGED_UTF8_SHARE * characters:
        return None
    line = data.count(b"\n", 0, error.start) + 1
    return DecodeError(
        f"{path}: a UTF-8 file damaged at byte offset {error.start} (line {line}): "
        f"{bad} byte sequence(s) are not valid UTF-8. Fix that place in an editor, save the "
        "file as UTF-8 and import it again."
    )


def _unlikely_gb(text: str) -> bool:
    """Whether text read as GB18030 looks like another encoding misread: it holds characters
    of the private use area, or too many Chinese characters outside GB2312's 6,763."""
    sample = text[:_SAMPLE_CHARS]
    if _PRIVATE_USE.search(sample):
        return True
    hanzi = _HANZI.findall(sample)
    if len(hanzi) < _MIN_HANZI:
        return False
    rare = sum(1 for char in hanzi if not _in_gb2312(char))
    return rare > _RARE_SHARE * len(hanzi)


@cache
def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _not_gb(data: bytes, text: str) -> tuple[str, str, list[str]] | None:
    """The file read in the encoding charset-normalizer finds, when GB18030 gave unlikely
    characters and that encoding (Big5 …) reads the whole file; else ``None`` (issue 16)."""
    if not _unlikely_gb(text):
        return None
    best = charset_normalizer.from_bytes(data[:_DETECT_BYTES]).best()
    if best is None:
        return None
    codec = text_codec(best.encoding, ascii_compatible=True)
    if codec is None or codec in _GB_CODECS:
        return None
    try:
        decoded = data.decode(codec)
    except UnicodeDecodeError:
        return None
    if _PRIVATE_USE.search(decoded[:_SAMPLE_CHARS]):
        return None
    note = (
        f"read as {codec}: as GB18030 the text held unlikely characters; if it reads wrong, "
        "import it again with --encoding gb18030."
    )
    return decoded, codec, [note]


def decode_text(data: bytes, path: str, encoding: str | None = None) -> tuple[str, str, list[str]]:
    """Decode a text file's bytes.

    Detection order: a byte-order mark (UTF-8/16/32), UTF-8, BOM-less UTF-16, GB18030 (which
    contains GBK and GB2312) — unless GB18030 gives unlikely characters (private use, or
    many outside GB2312) and charset-normalizer finds another encoding (Big5) that reads
    the whole file. Nothing is guessed silently: the encoding used is returned for the
    report, and undecodable bytes raise with their offset. A UTF-8 file cut inside its last
    character is read as UTF-8 with a note; one damaged elsewhere is refused rather than read
    as GB18030 mojibake; NUL bytes and control characters mark a binary file.

    Args:
        data: the bytes.
        path: the file's name, for messages.
        encoding: an encoding the user forced, or ``None`` to detect.

    Returns:
        ``(text, encoding_name, notes)``.

    Raises:
        DecodeError: the bytes are binary (``code`` ``"binary"``) or in no detectable
            encoding.
    """
    text, name, notes = _decode(data, path, encoding)
    check_binary(text, path)
    return text, name, notes


def _strict(data: bytes, codec: str, name: str, what: str, hint: str) -> tuple[str, str, list[str]]:
    """``data`` decoded with ``codec`` (called ``name``), or DecodeError: ``what``, the byte
    that cannot be decoded (its offset in the file) and ``hint``."""
    try:
        return data.decode(codec), name, []
    except UnicodeDecodeError as exc:
        # utf-8-sig decodes what follows its byte-order mark: count from the file's start.
        at = exc.start + len(data) - len(exc.object)
        raise DecodeError(
            f"{what}: byte 0x{data[at]:02x} at offset {at} cannot be decoded. {hint}"
        ) from None


def _decode(data: bytes, path: str, encoding: str | None) -> tuple[str, str, list[str]]:
    if encoding is not None:
        codec = text_codec(encoding)
        if codec is None:
            raise DecodeError(
                f"{path}: unknown encoding '{encoding}' (not a text encoding sucai knows). Use a "
                "name such as utf-8, gb18030, utf-16."
            )
        hint = "Try another --encoding, or omit it to detect."
        return _strict(data, codec, encoding, f"{path}: not valid {encoding}", hint)
    for bom, name in _BOMS:
        if data.startswith(bom):
            what = f"{path}: starts with a {name} byte-order mark but is not valid {name}"
            return _strict(data, name, name, what, "The file is damaged. Re-save it as UTF-8.")
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if utf8_error.end == len(data) and utf8_error.reason == "unexpected end of data":
        cut = len(data) - utf8_error.start
        return (
            data[: utf8_error.start].decode("utf-8"),
            "utf-8",
            [
                f"the file ends inside a character (its last {cut} byte(s) are an incomplete "
                "UTF-8 sequence: was it cut off?); they were left out."
            ],
        )
    guess = _looks_utf16(data)
    if guess is not None:
        try:
            return data.decode(guess), guess, []
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:
        raise DecodeError(
            f"{path}: this looks like a binary file, not text (zero bytes near offset "
            f"{data.index(0)}). Check that it is the document you meant to import.",
            code="binary",
        )
    damaged = _damaged_utf8(data, utf8_error, path)
    if damaged is not None:
        raise damaged
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"{path}: not valid UTF-8 (byte 0x{data[utf8_error.start]:02x} at offset "
            f"{utf8_error.start}) nor GB18030 (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start}). Re-save it as UTF-8, or name its encoding with --encoding."
        ) from None
    other = _not_gb(data, text)
    if other is not None:
        return other
    try:
        data.decode("gbk")
        name = "gbk"
    except UnicodeDecodeError:
        name = "gb18030"
    notes = []
    lost = _LOST_CHAR.finditer(text)
    for match in itertools.islice(lost, _MAX_LOST_NOTES):
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        context = text[max(0, match.start() - 8) : match.start()].replace("\n", " ")
        notes.append(
            f"line {line}, column {col}: '?' after “{context}” is probably a character that "
            f"{name.upper()} cannot hold (lost when the file was saved); check the original."
        )
    more = sum(1 for _ in lost)
    if more:
        notes.append(f"{more} more '?' like these further on.")
    return text, name, notes
