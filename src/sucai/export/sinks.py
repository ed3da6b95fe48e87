"""Where exported files go: one file, a folder, or a streamed .zip (issue 5).

A sink is a context manager. Files are added one at a time (nothing is held back), and the
output appears under its final name only when the block ends without an exception; on an
exception (a bad article, Ctrl-C, a full disk) the partial output is removed.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import zipfile
from abc import ABC, abstractmethod
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["DirectorySink", "ExportSink", "FileSink", "ZipSink"]


class ExportSink(ABC):
    """Receives exported files; finalises on success, removes partial output on failure."""

    def __enter__(self) -> ExportSink:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    @abstractmethod
    def add(self, name: str, data: bytes) -> None:
        """Write one file called ``name`` (a relative path)."""

    @abstractmethod
    def close(self) -> None:
        """Finish: the output is complete under its final name."""

    @abstractmethod
    def abort(self) -> None:
        """Give up: remove whatever was written."""


def _temp_beside(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    # mkstemp makes the file private (0600); the finished export gets the usual permissions.
    umask = os.umask(0)
    os.umask(umask)
    Path(name).chmod(0o666 & ~umask)
    return Path(name)


class FileSink(ExportSink):
    """Exactly one file at ``path``, written to a temporary name then renamed into place."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.temp = _temp_beside(path)
        self.written = False

    def add(self, name: str, data: bytes) -> None:
        """Write the one file (``name`` is ignored: the path was given)."""
        if self.written:
            raise ValueError("FileSink holds one file; export several into a .zip")
        self.temp.write_bytes(data)
        self.written = True

    def close(self) -> None:
        """Rename the file into place."""
        self.temp.replace(self.path)

    def abort(self) -> None:
        """Remove the temporary file."""
        self.temp.unlink(missing_ok=True)


class DirectorySink(ExportSink):
    """Files in a folder; on failure the files this sink wrote are removed."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.written: list[Path] = []
        folder.mkdir(parents=True, exist_ok=True)

    def add(self, name: str, data: bytes) -> None:
        """Write ``folder/name``."""
        target = self.folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.written.append(target)

    def close(self) -> None:
        """Nothing to do: each file is complete when written."""

    def abort(self) -> None:
        """Remove the files written so far."""
        for path in self.written:
            path.unlink(missing_ok=True)


class ZipSink(ExportSink):
    """A .zip written entry by entry (deflated) to a temporary file, renamed on success.

    Each :meth:`add` compresses and writes its entry at once, so memory holds one file at a
    time however many articles are exported.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.temp = _temp_beside(path)
        self.zip = zipfile.ZipFile(self.temp, "w", compression=zipfile.ZIP_DEFLATED)
        self.names: set[str] = set()

    def add(self, name: str, data: bytes) -> None:
        """Write one entry (a repeated name gets ``-2``, ``-3`` … before its suffix)."""
        stem, dot, suffix = name.rpartition(".")
        unique, n = name, 1
        while unique in self.names:
            n += 1
            unique = f"{stem}-{n}.{suffix}" if dot else f"{name}-{n}"
        self.names.add(unique)
        self.zip.writestr(unique, data)

    def close(self) -> None:
        """Finish the archive and rename it into place."""
        self.zip.close()
        self.temp.replace(self.path)

    def abort(self) -> None:
        """Drop the partial archive."""
        with contextlib.suppress(Exception):
            self.zip.close()
        self.temp.unlink(missing_ok=True)
