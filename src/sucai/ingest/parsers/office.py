"""Legacy Word ``.doc`` and WPS ``.wps`` files, read through LibreOffice (issue 16).

Both are binary (OLE) documents that no Python library reads well; LibreOffice, run
headless, converts them to ``.docx``, which :class:`~sucai.ingest.parsers.docx.DocxParser`
then reads under the same limits as any ``.docx`` (the converted package is checked part by
part like an imported one). A file that is already a ``.docx`` under the old name is read
as one.

LibreOffice runs with a private profile folder of its own (never the user's), with a
timeout, and one conversion at a time in a process. Where it is not installed, the file
fails with a message that names the package to install.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sucai.errors import IngestError, LimitExceededError
from sucai.ingest.limits import MAX_FILE_BYTES
from sucai.ingest.parsers.docx import DocxParser
from sucai.models import SourceFile

if TYPE_CHECKING:
    from sucai.models import ParsedText

__all__ = ["CONVERT_TIMEOUT", "LegacyWordParser", "convert", "find_libreoffice"]

#: Seconds one conversion may take (a real document takes a few).
CONVERT_TIMEOUT: Final = 120
_LOCK: Final = threading.Lock()
_PROGRAMS: Final = ("soffice", "libreoffice")
_KINDS: Final = {".doc": "Word 97–2003 .doc", ".wps": "WPS .wps"}
_ZIP: Final = b"PK\x03\x04"


def find_libreoffice() -> str | None:
    """The path of LibreOffice's ``soffice`` program, or ``None`` when it is not installed."""
    return next((found for name in _PROGRAMS if (found := shutil.which(name))), None)


def _missing(source: SourceFile, kind: str) -> IngestError:
    return IngestError(
        "needs-libreoffice",
        f"{source.path}: sucai reads {kind} files through LibreOffice, which is not installed. "
        "Install it (Debian/Ubuntu: apt install libreoffice-writer; elsewhere from "
        "libreoffice.org) and import the file again, or open it in Word/WPS, save it as "
        ".docx and import that.",
    )


def _unreadable(source: SourceFile, kind: str, why: str) -> IngestError:
    return IngestError(
        "damaged",
        f"{source.path}: LibreOffice could not convert this {kind} file ({why}); it may be "
        "damaged or protected by a password. Open it in Word/WPS, save it as .docx and "
        "import that.",
    )


def convert(program: str, document: Path, target: str, timeout: float) -> tuple[Path | None, int]:
    """Convert ``document`` (alone in its folder) with LibreOffice to ``target`` (its
    ``--convert-to`` argument, e.g. ``pdf``), in a profile and a session of its own.

    Returns:
        The converted file in ``out/`` beside the document (``None`` when LibreOffice made
        none) and LibreOffice's exit code.

    Raises:
        TimeoutError: past ``timeout`` seconds; every process LibreOffice started is ended.
    """
    folder = document.parent
    command = [
        program,
        f"-env:UserInstallation={(folder / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        target,
        "--outdir",
        str(folder / "out"),
        str(document),
    ]
    # A session of its own, so that a conversion past its time is ended with every process
    # LibreOffice started.
    process = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "HOME": str(folder)},
        start_new_session=True,
    )
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise TimeoutError from None
    converted = folder / "out" / f"{document.stem}.{target.split(':')[0]}"
    return (converted if converted.is_file() else None), process.returncode


def _convert(program: str, data: bytes, suffix: str, source: SourceFile, kind: str) -> bytes:
    """The ``.docx`` LibreOffice makes of the document, in a folder of its own."""
    with tempfile.TemporaryDirectory(prefix="sucai-office-") as tmp:
        document = Path(tmp) / f"document{suffix}"
        document.write_bytes(data)
        try:
            converted, code = convert(program, document, "docx:MS Word 2007 XML", CONVERT_TIMEOUT)
        except TimeoutError:
            raise _unreadable(
                source, kind, f"it took more than {CONVERT_TIMEOUT} seconds"
            ) from None
        if converted is None:
            raise _unreadable(source, kind, f"LibreOffice exited with code {code}")
        if converted.stat().st_size > MAX_FILE_BYTES:
            raise LimitExceededError(
                "file-too-large",
                f"{source.path}: converted to .docx it takes more than "
                f"{MAX_FILE_BYTES // 1048576} MB, the most sucai reads from one file. Split the "
                "document into smaller ones and import those.",
            )
        return converted.read_bytes()


class LegacyWordParser:
    """Word 97–2003 ``.doc`` and WPS ``.wps`` documents, converted to ``.docx`` by LibreOffice
    and read as ``.docx``; the report notes the conversion."""

    name = "doc"
    suffixes = frozenset(_KINDS)

    def parse(self, source: SourceFile, encoding: str | None = None) -> ParsedText:
        """Convert and read the document; ``encoding`` is ignored (the format states it)."""
        if not source.data.strip(b"\0 \r\n\t"):
            raise IngestError(
                "empty", f"{source.path}: the file is empty (0 bytes). Nothing to import."
            )
        kind = _KINDS.get(source.suffix, "Word")
        docx_parser = DocxParser()
        if source.data.startswith(_ZIP):
            # A .docx saved under the old name: no conversion needed.
            return docx_parser.parse(source)
        program = find_libreoffice()
        if program is None:
            raise _missing(source, kind)
        with _LOCK:
            data = _convert(program, source.data, source.suffix, source, kind)
        converted = SourceFile(source.path, data, hashlib.sha256(data).hexdigest(), ".docx")
        parsed = docx_parser.parse(converted)
        note = f"a {kind} file, read through LibreOffice (converted to .docx)."
        return replace(parsed, notes=(note, *parsed.notes))
