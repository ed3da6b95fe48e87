"""Uploads and background imports for the import page (admins only).

An upload is streamed to a fresh folder on disk (never held in memory whole), checked — a
size limit, plain file names only, no archive member that would escape a folder (zip-slip) —
and imported by :meth:`Library.ingest` in a background thread with its **own** library
connection, so that searches keep running on the web app's connection while the import
writes (SQLite WAL: readers never wait for the writer). The job keeps going when the browser
goes away; its progress and report are polled as JSON.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any, Final

from sucai.errors import UploadError, UploadTooLargeError
from sucai.library import open_library
from sucai.serialize import file_report_to_dict, report_to_dict

if TYPE_CHECKING:
    from collections.abc import Callable

    from sucai.models import FileReport, IngestReport
    from sucai.users import Account

__all__ = ["ImportJob", "ImportJobs", "check_archive", "safe_name"]

_CHUNK: Final = 1024 * 1024
_UNSAFE: Final = re.compile(r"[\x00-\x1f/\\:*?\"<>|]")


def safe_name(name: str) -> str:
    """An uploaded file's name, when it is a plain file name.

    Raises:
        UploadError: the name is empty, has a folder part (``../../evil``, ``/etc/x``,
            ``C:\\x``) or characters no file name should have.
    """
    if (
        not name
        or name in {".", ".."}
        or name.startswith(".")
        or len(name) > 200
        or _UNSAFE.search(name)
    ):
        raise UploadError(
            f"文件名“{name[:60]}”不安全或无效，已拒绝上传：请只上传普通文件名的文件（不含路径）。"
        )
    return name


def _member_unsafe(name: str) -> bool:
    for path in (PurePosixPath(name), PureWindowsPath(name)):
        if path.is_absolute() or path.drive or ".." in path.parts:
            return True
    return False


def check_archive(path: Path) -> None:
    """Refuse a .zip whose member names would escape a folder when extracted (zip-slip).

    sucai reads archives in memory and never extracts them, but an archive built to attack
    extractors is refused outright rather than half-imported.

    Raises:
        UploadError: a member name is absolute or climbs out with ``..``.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return  # not a readable archive: the import reports it as a failed file
    for name in names:
        if _member_unsafe(name):
            raise UploadError(
                f"压缩包 {path.name} 含有不安全的路径“{name[:60]}”（zip-slip），已拒绝上传。"
            )


def too_large(limit: int) -> UploadTooLargeError:
    """The error for an upload over ``limit`` bytes."""
    return UploadTooLargeError(
        f"上传内容超过大小上限 {limit // (1024 * 1024) or 1} MB，已拒绝。"
        "请分批上传，或请管理员调高上限（--max-upload-mb）。"
    )


@dataclass
class ImportJob:
    """One upload being imported: its files, progress and, when done, the report."""

    id: str
    folder: Path
    names: list[str]
    account: Account
    state: str = "queued"  # queued → running → done | failed
    total: int = 0
    files: list[FileReport] = field(default_factory=list)
    report: IngestReport | None = None
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The job as JSON (``GET /import/{id}.json``)."""
        return {
            "id": self.id,
            "state": self.state,
            "user": self.account.name,
            "names": list(self.names),
            "total": self.total,
            "done": len(self.files),
            "files": [file_report_to_dict(f) for f in self.files],
            "report": report_to_dict(self.report) if self.report is not None else None,
            "error": self.error,
        }


class ImportJobs:
    """Runs uploads through ``Library.ingest`` one at a time, in background threads.

    Args:
        db: the library file or PostgreSQL URL; each job opens its own connection to it.
        root: where upload folders are made (the system temp folder when ``None``).
        on_done: called with each finished job (e.g. to write the audit log).
    """

    def __init__(
        self,
        db: Path | str,
        root: Path | None = None,
        on_done: Callable[[ImportJob], None] | None = None,
    ) -> None:
        self.db = db
        self.root = root
        self.on_done = on_done
        self.jobs: dict[str, ImportJob] = {}
        self._run_lock = threading.Lock()  # one import at a time: they would queue on SQLite
        self._threads: list[threading.Thread] = []

    def new_folder(self) -> Path:
        """A fresh folder for one upload."""
        if self.root is not None:
            self.root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix="sucai-upload-", dir=self.root))

    def start(self, folder: Path, names: list[str], account: Account) -> ImportJob:
        """Import the files of ``folder`` in the background; return the job at once."""
        job = ImportJob(uuid.uuid4().hex[:12], folder, names, account)
        self.jobs[job.id] = job
        thread = threading.Thread(target=self._run, args=(job,), name=f"import-{job.id}")
        thread.daemon = True  # an interrupted import is completed by importing again
        self._threads.append(thread)
        thread.start()
        return job

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the started jobs to finish (tests, shutdown)."""
        for thread in list(self._threads):
            thread.join(timeout)

    def _run(self, job: ImportJob) -> None:
        with self._run_lock:
            job.state = "running"
            paths = [job.folder / name for name in job.names]
            try:
                with open_library(self.db) as library:
                    job.total = library.count_inputs(paths)
                    job.report = library.ingest(paths, on_file=job.files.append)
                job.state = "done"
            except Exception as exc:
                job.error = f"导入中断：{exc}。再次上传同样的文件即可继续（已导入的不会重复）。"
                job.state = "failed"
            finally:
                shutil.rmtree(job.folder, ignore_errors=True)
            if self.on_done is not None:
                self.on_done(job)


async def save_upload(upload: Any, folder: Path, limit: int, used: int) -> tuple[str, int]:
    """Copy one ``UploadFile`` into ``folder`` in chunks; return its name and new total.

    Raises:
        UploadError: an unsafe name or an unsafe archive.
        UploadTooLargeError: the running total passes ``limit`` bytes.
    """
    name = safe_name(str(upload.filename or ""))
    target = folder / name
    with target.open("wb") as out:
        while chunk := await upload.read(_CHUNK):
            used += len(chunk)
            if used > limit:
                raise too_large(limit)
            out.write(chunk)
    if target.suffix.lower() == ".zip":
        check_archive(target)
    return name, used
