"""Uploads and background imports for the import page (admins only).

An upload is streamed to a fresh folder on disk (never held in memory whole), checked — a
size limit, plain file names only, no archive member that would escape a folder (zip-slip) —
and imported by :meth:`Library.ingest` in a background thread with its **own** library
connection, so that searches keep running while the import writes (SQLite WAL: readers never
wait for the writer). The job keeps going when the browser goes away; its progress and report
are stored in the library as it goes, and polled as JSON from any server process.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import socket
import tempfile
import threading
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any, Final

from sucai.errors import UploadError, UploadTooLargeError
from sucai.library import open_library
from sucai.models import UPLOAD_FOLDER_PREFIX
from sucai.serialize import file_report_to_dict, report_to_dict
from sucai.store import is_postgres_url

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sucai.models import IngestReport
    from sucai.store import ImportJobRow, Store
    from sucai.users import Account

__all__ = ["FinishedJob", "ImportJobs", "check_archive", "job_to_dict", "safe_name"]

_CHUNK: Final = 1024 * 1024
_UNSAFE: Final = re.compile(r"[\x00-\x1f/\\:*?\"<>|]")


def safe_name(name: str) -> str:
    """An uploaded file's name, when it is a plain file name.

    Raises:
        UploadError: the name is empty, has a folder part (``../../evil``, ``/etc/x``,
            ``C:\\x``) or characters no file name should have: control characters, and
            invisible format characters (Unicode Cf) such as U+202E, which shows
            ``报告\u202etxt.exe`` as ``报告exe.txt`` on the import page (issue 15).
    """
    if (
        not name
        or name in {".", ".."}
        or name.startswith(".")
        or len(name) > 200
        or _UNSAFE.search(name)
        or any(unicodedata.category(ch) == "Cf" for ch in name)
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


def job_to_dict(job: ImportJobRow) -> dict[str, Any]:
    """A job as JSON (``GET /import/{id}.json``); ``files`` only when the row has them."""
    return {
        "id": job.id,
        "state": job.state,
        "user": job.user_name,
        "names": list(job.names),
        "total": job.total,
        "done": job.done,
        "files": list(job.files),
        "report": job.report,
        "error": job.error,
    }


@dataclass(frozen=True, slots=True)
class FinishedJob:
    """What :class:`ImportJobs` tells its ``on_done`` callback about a job that ended."""

    id: str
    account: Account
    files: int
    state: str
    report: IngestReport | None


class ImportJobs:
    """Runs uploads through ``Library.ingest`` in background threads, one import at a time.

    A job's state and progress are written to the library as it goes (see
    :meth:`Store.add_import_job`), so every server process shows every job, and a restart
    keeps the list. Imports queue on an ``flock`` beside the library, across processes: the
    search index has one writer at a time.

    Args:
        db: the library file or PostgreSQL URL; each job opens its own connection to it.
        root: where upload folders are made (the system temp folder when ``None``).
        on_done: called with each finished job (e.g. to write the audit log).
    """

    def __init__(
        self,
        db: Path | str,
        root: Path | None = None,
        on_done: Callable[[FinishedJob], None] | None = None,
    ) -> None:
        self.db = db
        self.root = root
        self.on_done = on_done
        self._run_lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def new_folder(self) -> Path:
        """A fresh folder for one upload."""
        if self.root is not None:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        # mkdtemp makes the folder readable by its owner only (issue 15).
        return Path(tempfile.mkdtemp(prefix=UPLOAD_FOLDER_PREFIX, dir=self.root))

    def mark_interrupted(self, store: Store) -> None:
        """Jobs of this machine whose process is gone did not finish: say so."""
        host = socket.gethostname()
        for job in store.import_jobs(_RECENT):
            if job.state in ("queued", "running") and job.host == host and not _alive(job.pid):
                store.update_import_job(job.id, _now(), state="failed", error=_INTERRUPTED)

    def start(
        self,
        store: Store,
        folder: Path,
        names: list[str],
        account: Account,
        *,
        allow_classified: bool = False,
        redact_personal: bool = False,
    ) -> str:
        """Record a job in ``store`` and import ``folder``'s files in the background.

        ``allow_classified`` and ``redact_personal`` are :meth:`Library.ingest`'s options.
        """
        job_id = uuid.uuid4().hex[:12]
        store.add_import_job(job_id, account.name, names, socket.gethostname(), os.getpid(), _now())
        thread = threading.Thread(
            target=self._run,
            args=(job_id, folder, names, account, allow_classified, redact_personal),
            name=f"import-{job_id}",
        )
        thread.daemon = True  # an interrupted import is completed by importing again
        self._threads.append(thread)
        thread.start()
        return job_id

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the started jobs to finish (tests, shutdown)."""
        for thread in list(self._threads):
            thread.join(timeout)

    def _run(
        self,
        job_id: str,
        folder: Path,
        names: list[str],
        account: Account,
        allow_classified: bool,
        redact_personal: bool,
    ) -> None:
        paths = [folder / name for name in names]
        report: IngestReport | None = None
        try:
            with self._run_lock, _import_lock(self.db), open_library(self.db) as library:
                store = library.store
                total = library.count_inputs(paths)
                store.update_import_job(job_id, _now(), state="running", total=total)
                report = library.ingest(
                    paths,
                    on_file=lambda f: store.add_import_job_file(
                        job_id, file_report_to_dict(f), _now()
                    ),
                    allow_classified=allow_classified,
                    redact_personal=redact_personal,
                )
                store.update_import_job(job_id, _now(), state="done", report=report_to_dict(report))
        except Exception as exc:
            error = f"导入中断：{exc}。再次上传同样的文件即可继续（已导入的不会重复）。"
            with contextlib.suppress(Exception), open_library(self.db) as library:
                library.store.update_import_job(job_id, _now(), state="failed", error=error)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if self.on_done is not None:
            state = "done" if report is not None else "failed"
            self.on_done(FinishedJob(job_id, account, len(names), state, report))


_RECENT: Final = 50
_INTERRUPTED: Final = "导入中断：服务进程已退出。再次上传同样的文件即可继续（已导入的不会重复）。"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextlib.contextmanager
def _import_lock(db: Path | str) -> Iterator[None]:
    """One import at a time across the server's processes (``<db>-import.lock``).

    A PostgreSQL library (a URL, which names no file to lock beside) needs no lock here:
    its store writes one file at a time across all servers (an advisory lock), and its
    search index syncs under a lock of its own, so concurrent imports are already safe.
    """
    if is_postgres_url(db):
        yield
        return
    with Path(f"{db}-import.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
