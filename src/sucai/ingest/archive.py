"""Zip archives read with bounded memory: .zip inputs and .docx packages (issue 22).

An archive is opened only after its central directory has been counted (zipfile holds every
entry of it in memory), and a member is inflated in pieces, refused as soon as it passes its
cap — whatever its header declares. Symbolic links, encrypted members and compression
methods zipfile cannot unpack are refused by name, in our own words.
"""

from __future__ import annotations

import stat
import struct
import zipfile
from typing import IO, Final

from sucai.errors import IngestError, LimitExceededError
from sucai.ingest.limits import MAX_ARCHIVE_MEMBERS

__all__ = ["is_link", "open_archive", "read_member", "too_large"]

_END: Final = b"PK\x05\x06"
_END64_LOCATOR: Final = b"PK\x06\x07"
_END64: Final = b"PK\x06\x06"
_CENTRAL: Final = b"PK\x01\x02"
_CENTRAL_SIZE: Final = 46
_MAX_COMMENT: Final = 65535
_PIECE: Final = 1024 * 1024
_METHODS: Final = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)


def _central_directory(fp: IO[bytes]) -> tuple[int, int] | None:
    """``(offset, size)`` of the central directory from the end record, or ``None``."""
    fp.seek(0, 2)
    size = fp.tell()
    start = max(0, size - _MAX_COMMENT - 22)
    fp.seek(start)
    tail = fp.read()
    at = tail.rfind(_END)
    if at < 0 or len(tail) - at < 22:
        return None
    cd_size, cd_offset = struct.unpack_from("<II", tail, at + 12)
    locator = at - 20
    if locator >= 0 and tail[locator : locator + 4] == _END64_LOCATOR:
        (end64,) = struct.unpack_from("<Q", tail, locator + 8)
        fp.seek(end64)
        record = fp.read(56)
        if len(record) == 56 and record[:4] == _END64:
            cd_size, cd_offset = struct.unpack_from("<QQ", record, 40)
    return cd_offset, cd_size


def _count_members(fp: IO[bytes], limit: int) -> int:
    """Entries of the central directory, counted up to ``limit + 1`` (end-record counts lie)."""
    found = _central_directory(fp)
    if found is None:
        return 0
    offset, size = found
    fp.seek(offset)
    count = read = 0
    while read + _CENTRAL_SIZE <= size and count <= limit:
        header = fp.read(_CENTRAL_SIZE)
        if len(header) < _CENTRAL_SIZE or header[:4] != _CENTRAL:
            break
        name, extra, comment = struct.unpack_from("<HHH", header, 28)
        fp.seek(name + extra + comment, 1)
        read += _CENTRAL_SIZE + name + extra + comment
        count += 1
    return count


def open_archive(fp: IO[bytes], shown: str, what: str = "a .zip archive") -> zipfile.ZipFile:
    """Open a zip archive once its central directory is known to be of a sane size.

    Args:
        fp: the archive, seekable.
        shown: its name, for messages.
        what: what it should be, for messages (``"a .zip archive"``, ``"a .docx"``).

    Raises:
        LimitExceededError: more than :data:`~sucai.ingest.limits.MAX_ARCHIVE_MEMBERS`
            members (``too-many-members``).
        IngestError: not a readable zip archive (``bad-archive``).
    """
    try:
        members = _count_members(fp, MAX_ARCHIVE_MEMBERS)
        fp.seek(0)
    except (OSError, struct.error, OverflowError, ValueError):
        members = 0
    if members > MAX_ARCHIVE_MEMBERS:
        raise LimitExceededError(
            "too-many-members",
            f"{shown}: holds more than {MAX_ARCHIVE_MEMBERS:,} members; sucai takes at most "
            f"{MAX_ARCHIVE_MEMBERS:,} in one archive. Split it into several archives.",
        )
    try:
        return zipfile.ZipFile(fp)
    except UnicodeDecodeError:
        reason = "a member's name is marked as UTF-8 but is not valid UTF-8"
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error, OverflowError):
        reason = "damaged or truncated"
    raise IngestError(
        "bad-archive",
        f"{shown}: not readable as {what} ({reason}). Re-create it with an ordinary zip "
        "tool (or re-save the document) and try again.",
    )


def is_link(info: zipfile.ZipInfo) -> bool:
    """Whether a member is a symbolic link (stored by Unix zip tools with its mode)."""
    return info.create_system == 3 and stat.S_ISLNK(info.external_attr >> 16)


def too_large(shown: str, size: int | None, limit: int) -> IngestError:
    """The error for a file or member of ``size`` bytes (``None``: unpacking to more) over
    ``limit`` (``too-large``)."""
    what = f"{size / 1048576:,.0f} MB is" if size is not None else "unpacks to more, which is"
    return LimitExceededError(
        "too-large",
        f"{shown}: {what} larger than the {limit // 1048576} MB limit for one document. "
        "Split it into smaller files and import those.",
    )


def read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str, limit: int
) -> bytes | None:
    """A member's bytes, inflated in pieces; ``None`` once it passes ``limit`` bytes.

    Reading a member whole would not do: zipfile inflates all of it before cutting it to the
    size its header declares, so a header that understates a bomb takes all its memory.

    Args:
        archive: the open archive.
        info: the member.
        shown: the member's name, for messages.
        limit: the most bytes it may inflate to.

    Raises:
        IngestError: ``encrypted``; ``bad-archive`` for an unknown compression method or a
            damaged member.
    """
    if info.flag_bits & 0x1:
        raise IngestError(
            "encrypted",
            f"{shown}: this member is encrypted (password-protected); it was not read. "
            "Extract it with the password, and import the extracted file.",
        )
    if info.compress_type not in _METHODS:
        raise IngestError(
            "bad-archive",
            f"{shown}: compressed with a method sucai cannot unpack (number "
            f"{info.compress_type}). Re-create the archive with ordinary (Deflate) compression.",
        )
    if info.file_size > limit:
        return None
    pieces: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as member:
            while piece := member.read(_PIECE):
                size += len(piece)
                if size > limit:
                    return None
                pieces.append(piece)
    except Exception:
        # zipfile, zlib, bz2 and lzma each have their own errors for a damaged member
        # (bad CRC, truncated stream, invalid data): all mean the same to the user.
        raise IngestError(
            "bad-archive",
            f"{shown}: this member is damaged (its data does not unpack to what its header "
            "says). Re-create the archive and try again.",
        ) from None
    return b"".join(pieces)
