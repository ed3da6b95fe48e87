"""What a server runs beside its requests: the index follower and background imports.

:class:`IndexFollower` keeps the server's search index up to date with the library's change
log. :class:`ImportJobs` imports uploads by :meth:`Library.ingest` in background threads,
each with its **own** library connection, so that searches keep running while the import
writes (SQLite WAL: readers never wait for the writer). A job keeps going when the browser
goes away; its progress and report are stored in the library as it goes, and polled as JSON
from any server process.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing.synchronize
import os
import shutil
import socket
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sucai.errors import StoreUnavailableError, SucaiError
from sucai.i18n import WEB_LANGUAGE, user_message
from sucai.ingest.pipeline import DEFAULT_IMPORT
from sucai.locks import file_lock
from sucai.models import UPLOAD_FOLDER_PREFIX, UPLOAD_SOURCE
from sucai.serialize import file_report_to_dict, report_to_dict
from sucai.store import is_postgres_url

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from sucai.ingest.pipeline import ImportOptions
    from sucai.library import Library
    from sucai.models import IngestReport
    from sucai.users import Account

__all__ = [
    "FinishedJob",
    "ImportJobs",
    "IndexFollower",
    "import_lock",
    "import_under_way",
    "index_while_importing",
    "process_alive",
]

log = logging.getLogger("sucai.index")

#: Seconds the index follower leaves the library's changes to an import under way: longer
#: than a batch of the inbox takes on a busy machine (at 5 s, the web workers still did a
#: third of a burst's indexing); an upload of many files indexes alongside as it goes (see
#: :meth:`Library.ingest`).
DEFER: Final = 30.0


class IndexFollower:
    """Keeps this server's search index up to date with the library: every ``interval``
    seconds, a thread applies the changes of the library's log that the index has not seen
    (made by this server, another server, or ``sucai import`` on any machine) — or builds the
    index when there is none. A server runs one (``sucai serve``).

    When another process of this server is writing the index, the follower leaves it to it;
    while an import of this machine holds the library's import lock (the inbox's, an upload's),
    it leaves the changes to that import for up to ``defer`` seconds: an import brings the
    index up to date at its end, once for all its files, in its own process — not in a web
    server's, whose searches would wait for the work and reload their searchers after each
    file of a burst. A database that cannot be reached is logged once and tried again at the
    next tick.

    Args:
        library: the server's library; the follower reads through a reader of its own.
        interval: seconds between two looks at the change log (two cheap queries).
        defer: seconds at most that changes are left to an import under way.
    """

    def __init__(self, library: Library, interval: float = 0.5, defer: float = DEFER) -> None:
        self._reader = library.reader()
        self._interval = interval
        self._defer = defer
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sucai-index", daemon=True)

    def start(self) -> None:
        """Start following."""
        self._thread.start()

    def stop(self) -> None:
        """Stop, after the sync under way (if any)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self._reader.close()

    def _run(self) -> None:
        down = False
        deferred: float | None = None  # since when an import is left to index its changes
        while not self._stop.is_set():
            if import_under_way(self._reader.db):
                now = time.monotonic()
                deferred = now if deferred is None else deferred
                if now - deferred < self._defer:
                    self._stop.wait(self._interval)
                    continue
            deferred = None
            try:
                self._reader.sync_index(wait=False)
                if down:
                    log.warning("the library answers again; the search index follows it")
                down = False
            except StoreUnavailableError as exc:
                if not down:
                    log.warning("the search index cannot follow the library: %s", exc)
                down = True
            except Exception:
                log.exception("the search index could not apply the library's changes")
            self._stop.wait(self._interval)


def index_while_importing(
    open_library: Callable[..., Library],
    location: str,
    index_dir: str,
    stop: multiprocessing.synchronize.Event,
    parent: int,
) -> None:
    """The body of :meth:`Library._index_alongside`'s process: open the library with
    ``open_library``, then sync the index every second until told to stop, or until the
    import is gone (killed: nobody will tell it to stop). Errors are left to the import's own
    final sync, which follows."""
    try:
        with open_library(location, index_dir=index_dir) as library:
            while not stop.wait(1.0) and os.getppid() == parent:
                library.index.sync(library.store)
    except Exception:
        log.exception("indexing alongside the import stopped; the import indexes at its end")


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
        library: the server's library; each job opens its own connection to it.
        root: where upload folders are made (the system temp folder when ``None``).
        on_done: called with each finished job (e.g. to write the audit log).
    """

    def __init__(
        self,
        library: Library,
        root: Path | None = None,
        on_done: Callable[[FinishedJob], None] | None = None,
    ) -> None:
        self.library = library
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

    def mark_interrupted(self) -> None:
        """Jobs of this machine whose process is gone did not finish: say so."""
        store = self.library.store
        host = socket.gethostname()
        for job in store.import_jobs(_RECENT):
            if (
                job.state in ("queued", "running")
                and job.host == host
                and not process_alive(job.pid)
            ):
                store.update_import_job(job.id, _now(), state="failed", error=_INTERRUPTED)

    def start(
        self,
        folder: Path,
        names: list[str],
        account: Account,
        options: ImportOptions = DEFAULT_IMPORT,
    ) -> str:
        """Record a job in the library and import ``folder``'s files in the background (call
        it under the app's lock: it writes through the app's connection).

        ``options`` are :meth:`Library.ingest`'s.
        """
        job_id = uuid.uuid4().hex[:12]
        self.library.store.add_import_job(
            job_id, account.name, names, socket.gethostname(), os.getpid(), _now()
        )
        thread = threading.Thread(
            target=self._run,
            args=(job_id, folder, names, account, options),
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
        options: ImportOptions,
    ) -> None:
        paths = [folder / name for name in names]
        report: IngestReport | None = None
        try:
            with self._run_lock, import_lock(self.library.db), self.library.reopen() as library:
                # One writer thread: a PostgreSQL library's import needs no more (issue 22).
                library.limit_connections(_IMPORT_CONNECTIONS)
                store = library.store
                total = library.count_inputs(paths)
                store.update_import_job(job_id, _now(), state="running", total=total)
                report = library.ingest(
                    paths,
                    options,
                    on_file=lambda f: store.add_import_job_file(
                        job_id, file_report_to_dict(f), _now()
                    ),
                    # What the operator uploaded, not where this server kept it (issue 22).
                    shown_as=(folder, UPLOAD_SOURCE),
                )
                store.update_import_job(job_id, _now(), state="done", report=report_to_dict(report))
        except Exception as exc:
            # Shown on the import page: a sucai error in Chinese, anything else for the log.
            if isinstance(exc, SucaiError):
                reason = user_message(exc, WEB_LANGUAGE)
            else:
                log.exception("import job %s failed", job_id)
                reason = "服务器内部错误"
            error = (
                f"导入中断：{reason.rstrip('。.')}。"
                "再次上传同样的文件即可继续（已导入的不会重复）。"
            )
            with contextlib.suppress(Exception), self.library.reopen() as library:
                library.store.update_import_job(job_id, _now(), state="failed", error=error)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        if self.on_done is not None:
            state = "done" if report is not None else "failed"
            self.on_done(FinishedJob(job_id, account, len(names), state, report))


_RECENT: Final = 50
#: PostgreSQL connections a web import holds (its own library, beside the server's budget).
_IMPORT_CONNECTIONS: Final = 2
_INTERRUPTED: Final = "导入中断：服务进程已退出。再次上传同样的文件即可继续（已导入的不会重复）。"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def process_alive(pid: int) -> bool:
    """Whether a process of this machine with ``pid`` runs (one of another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def import_under_way(db: Path | str) -> bool:
    """Whether an import of this machine holds :func:`import_lock` now (never for a
    PostgreSQL library, which takes no such lock)."""
    if is_postgres_url(db):
        return False
    try:
        with file_lock(Path(f"{db}-import.lock"), wait=False, shared=True) as taken:
            return not taken
    except OSError:
        pass  # a folder the server may not write: no import of this machine either
    return False


@contextlib.contextmanager
def import_lock(db: Path | str) -> Iterator[None]:
    """One import at a time across the server's processes (``<db>-import.lock``).

    A PostgreSQL library (a URL, which names no file to lock beside) needs no lock here:
    its store writes one file at a time across all servers (an advisory lock), and its
    search index syncs under a lock of its own, so concurrent imports are already safe.
    """
    if is_postgres_url(db):
        yield
        return
    with file_lock(Path(f"{db}-import.lock")):
        yield
