"""The inbox (收件箱, issue 19): folders whose dropped files import themselves.

:class:`Inbox` watches folders and imports each file once it is complete, by
:meth:`Library.ingest` — the same rules and report as ``sucai import`` — then moves it out of
the way: to ``DIR/.done/YYYY-MM-DD/`` when it was imported (or was already in the library),
to ``DIR/.failed/`` with the reason in ``NAME.error.txt`` beside it otherwise. A file is
never deleted: a move that would overwrite takes a free name (``a~2.txt``) instead.

Complete means: no process of this machine has the file open for writing, and its size
and modification time have not changed for :data:`CLOSED_SETTLE` seconds — a file renamed
into the folder, or written and closed, is imported at once. Whether a file is open for
writing is asked of the kernel (a read lease is refused while it is: ``fcntl(F_SETLEASE)``).
Where that cannot be told — a file of another user, a network share (NFS, SMB), whose writers
are on other machines — the size and time must stay the same for ``settle`` seconds instead.
A file some process keeps open for writing is never imported, however long it pauses.
Names that writers use while they write (``.part``, ``.tmp``, ``.crdownload``, Office's
``~$`` lock files, dot-files) are left alone until renamed into place. Folders dropped whole
are walked; the sub-folders they leave empty are removed.

Nothing is lost or imported twice across a crash: each file is stored in a transaction of
its own and moved only after it commits; a file still in the inbox whose bytes are already
stored (killed between the commit and the move) is reported as a duplicate — the pipeline
compares SHA-256 before parsing — and moved to ``.done``.

Each file is **claimed** before it is read: renamed into ``DIR/.importing/<host>-<pid>/``, its
watcher's own folder (a rename is atomic, also on NFS and SMB: of two watchers that see the
same file, exactly one takes it; the other finds it gone and leaves it). It is stored under
its inbox path all the same (``DIR/a.txt``, not the claim folder). Claims of a watcher that
is gone — a process of this machine that no longer runs, or another machine's claim
untouched for :data:`STALE_CLAIM` seconds — go back into the inbox and are imported again
(as duplicates, when their bytes were stored).

Changes are noticed with ``watchfiles`` (inotify on Linux). Where events do not arrive —
network shares (NFS, SMB) and any folder where a rescan finds a file no event announced —
the inbox polls every ``poll`` seconds instead. One inbox imports a folder at a time, across
processes and machines (an ``flock`` on ``DIR/.sucai-watch.lock``); its imports queue with
the web server's on the library's import lock. Where the lock does not reach (a share mounted
without working locks: NFS with ``nolock``, sshfs, SMB with ``nobrl``) two watchers may run
at once; the claims keep each file imported and moved once.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import socket
import stat
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sucai.errors import StoreUnavailableError, UserError
from sucai.i18n import N_
from sucai.inbox_files import on_network_share, open_for_writing
from sucai.ingest.neardup import Matcher
from sucai.ingest.pipeline import DEFAULT_IMPORT
from sucai.ingest.sources import display_name
from sucai.locks import file_lock
from sucai.serving import import_lock, process_alive

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from multiprocessing.process import BaseProcess

    from sucai.ingest.pipeline import ImportOptions
    from sucai.library import Library
    from sucai.models import FileReport

__all__ = [
    "CLAIM_FOLDER",
    "DEFAULT_POLL",
    "DEFAULT_SETTLE",
    "DONE_FOLDER",
    "FAILED_FOLDER",
    "Inbox",
    "InboxFile",
    "InboxProcess",
    "claim",
    "describe",
    "make_folders",
    "run_inbox",
]

log = logging.getLogger("sucai.watch")

#: Seconds a file's size and modification time must stay the same before it is imported,
#: where the inbox cannot tell whether someone still writes it (see
#: :func:`~sucai.inbox_files.open_for_writing`).
DEFAULT_SETTLE: Final = 1.0
#: Seconds the same for a file no process has open for writing (at most ``settle``): a writer
#: that closes the file and opens it again at once to append is waited for.
CLOSED_SETTLE: Final = 0.2
#: Seconds between two looks at a folder where change events do not arrive.
DEFAULT_POLL: Final = 2.0
DONE_FOLDER: Final = ".done"
FAILED_FOLDER: Final = ".failed"
#: Where a watcher keeps the files it claimed, in a folder of its own (``<host>-<pid>``).
CLAIM_FOLDER: Final = ".importing"
#: Seconds after which another machine's claim folder, untouched, is taken to be abandoned.
STALE_CLAIM: Final = 3600.0
LOCK_NAME: Final = ".sucai-watch.lock"
#: Files imported in one :meth:`Library.ingest` (each is moved as soon as it is stored).
BATCH: Final = 64
#: With change events, a full rescan this often all the same (a lost event, a folder on a
#: share mounted later): one that finds a file no event announced turns polling on.
RESCAN: Final = 30.0
#: Seconds between two looks for the claims of watchers that are gone.
RECLAIM: Final = 10.0
#: Seconds within which a change event follows a change (watchfiles debounces them).
EVENT_DELAY: Final = 1.0
#: How much nicer than the server its inbox process is (``nice``: 0 to 19, lower priority).
INBOX_NICE: Final = 19
#: Seconds before trying again when the library cannot be reached.
RETRY: Final = 5.0
#: Names writers give a file until it is complete.
_WRITING_SUFFIXES: Final = (".part", ".partial", ".tmp", ".crdownload", ".download", ".swp")
#: The reason headline of the ``.error.txt`` files, by the report's code.
_REASONS: Final = {
    "unsupported": "不支持的文件类型",
    "decode": "无法识别文字编码",
    "binary": "不是文本文件",
    "empty": "文件是空的",
    "no-text": "清理后没有可导入的正文",
    "classified": "版头标有密级，未导入",
    "damaged": "文件已损坏",
    "bad-archive": "压缩包已损坏",
    "encrypted": "文件已加密",
    "file-too-large": "文件过大",
    "too-large": "文件过大",
    "unpacked-too-large": "压缩包解开后过大",
    "needs-libreoffice": "需要 LibreOffice 才能读取",
    "internal": "导入时发生意外错误",
}


@dataclass(frozen=True, slots=True)
class InboxFile:
    """What became of one file dropped into an inbox.

    Attributes:
        name: the file, relative to its inbox folder.
        status: ``"imported"``, ``"duplicate"`` (its bytes were already stored) or
            ``"failed"`` (also: refused, or of a type sucai does not read).
        reports: the import's report of the file (one per member of a .zip archive).
        moved_to: where the file is now (under ``.done`` or ``.failed``).
        reason: why it failed (empty otherwise), as written to its ``.error.txt``.
    """

    name: str
    status: str
    reports: tuple[FileReport, ...]
    moved_to: Path
    reason: str = ""


@dataclass(slots=True)
class _Seen:
    """A file not yet imported: what it looked like, since when, when to look again whether
    it is complete, and whether the kernel may be asked if it is open for writing."""

    signature: tuple[int, int, int]
    since: float
    look: float
    ask: bool


class Inbox:
    """Watches folders and imports what is dropped into them, until :meth:`stop`.

    Args:
        library: the library to import into, for the inbox's use alone (its thread).
        folders: the inbox folders (created if missing).
        settle: seconds a file must stay unchanged before it is imported.
        poll: seconds between looks at the folders; ``None`` uses change events, and polls
            every :data:`DEFAULT_POLL` seconds where they do not arrive.
        on_file: called with what became of each file, as soon as it is moved.
        options: how to read the files and what to store of them, as for
            :meth:`Library.ingest`.
    """

    def __init__(
        self,
        library: Library,
        folders: list[Path],
        options: ImportOptions = DEFAULT_IMPORT,
        *,
        settle: float = DEFAULT_SETTLE,
        poll: float | None = None,
        on_file: Callable[[InboxFile], None] | None = None,
    ) -> None:
        self.library = library
        self.folders = [Path(f).resolve() for f in folders]
        self.settle = settle
        self.poll = poll
        self.on_file = on_file
        self.options = options
        self._stop = threading.Event()
        self._changed = threading.Event()
        self._seen: dict[Path, _Seen] = {}
        self._quiet_dirs: list[float] = []
        self._polling = poll is not None
        #: The folders where the kernel tells whether a file is open for writing (not on a
        #: network share: its writers are on other machines).
        self._leases: set[Path] = set()
        #: When the last change event arrived, and since when a file is known that no event
        #: announced (see :meth:`_check_events`).
        self._last_event = float("-inf")
        self._unannounced: float | None = None
        #: The near-duplicate matcher of the last import, and the change log's last change
        #: then: kept while nothing else changes the library (opening one reads every sketch).
        self._matcher: Matcher | None = None
        self._mark = -1
        #: This watcher's name in the claim folders, and when they were last looked at.
        self._claimant = f"{_host()}-{os.getpid()}"
        self._reclaimed = float("-inf")
        #: Files that could not be claimed (no write access), and when that was last tried.
        self._unmovable: dict[Path, float] = {}

    @property
    def polling(self) -> bool:
        """Whether the inbox polls (``--poll``, a network share, or events that do not
        arrive) rather than waiting for change events."""
        return self._polling

    def stop(self) -> None:
        """Stop after the file being imported (from any thread or a signal handler)."""
        self._stop.set()
        self._changed.set()

    def run(self, on_ready: Callable[[], None] | None = None) -> None:
        """Take the folders' locks, then import what is in them and what arrives, until
        :meth:`stop` is called. ``on_ready`` is called once the folders are watched.

        Raises:
            StoreError: the library cannot be written (the files not yet imported stay in
                the inbox).
        """
        for folder in self.folders:
            folder.mkdir(parents=True, exist_ok=True)
        with contextlib.ExitStack() as stack:
            for folder in self.folders:
                if not stack.enter_context(self._folder_lock(folder)):
                    return  # stopped while waiting
            for folder in self.folders:
                self._reclaim(folder, starting=True)
            self._reclaimed = time.monotonic()
            shares = {f for f in self.folders if on_network_share(f)}
            self._leases = set(self.folders) - shares
            if not self._polling and shares:
                log.info("network share: polling every %s s", DEFAULT_POLL)
                self._polling = True
            watcher = None if self._polling else self._start_events()
            if on_ready is not None:
                on_ready()
            try:
                self._loop()
            finally:
                self.stop()
                if watcher is not None:
                    watcher.join()

    # --- watching -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _folder_lock(self, folder: Path) -> Iterator[bool]:
        """Hold ``folder``'s lock, waiting while another inbox holds it (``False``: stopped
        while waiting)."""
        told = False
        while True:
            with file_lock(folder / LOCK_NAME, wait=False) as taken:
                if taken:
                    yield True
                    return
            if not told:
                log.info("%s: another inbox imports this folder; waiting for it", folder)
                told = True
            if self._stop.wait(1.0):
                yield False
                return

    def _start_events(self) -> threading.Thread:
        """A thread that sets ``_changed`` on each change event, or turns polling on when
        events cannot be had (inotify limits reached, a folder removed …)."""
        import watchfiles

        def interesting(_change: object, path: str) -> bool:
            return not _ignored_path(path, self.folders)

        def follow() -> None:
            try:
                for _changes in watchfiles.watch(
                    *self.folders,
                    watch_filter=interesting,
                    debounce=200,
                    step=50,
                    stop_event=self._stop,
                    rust_timeout=0,
                    raise_interrupt=False,
                ):
                    self._last_event = time.monotonic()
                    self._changed.set()
            except Exception as exc:
                log.warning("change events stopped (%s); polling every %s s", exc, DEFAULT_POLL)
                self._polling = True
                self._changed.set()

        thread = threading.Thread(target=follow, name="sucai-watch-events", daemon=True)
        thread.start()
        return thread

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._changed.clear()
            now = time.monotonic()
            known = len(self._seen)
            ready = self._scan(now)
            self._check_events(now, new=len(self._seen) > known)
            if ready:
                try:
                    self._import(ready)
                except StoreUnavailableError as exc:
                    log.warning("the library cannot be reached (%s); trying again", exc)
                    self._stop.wait(RETRY)
                continue  # look again at once: more may have arrived meanwhile
            self._changed.wait(self._timeout(time.monotonic()))

    def _check_events(self, now: float, *, new: bool) -> None:
        """Turn polling on when files appear that no change event announced (a share
        mounted on the folder, a lost inotify watch): a second later, still no event."""
        if self._polling:
            return
        if new and self._unannounced is None:
            self._unannounced = now
        if self._unannounced is None:
            return
        if self._last_event >= self._unannounced - EVENT_DELAY:
            self._unannounced = None
        elif now - self._unannounced >= EVENT_DELAY:
            log.warning("files arrive without change events; polling every %s s", DEFAULT_POLL)
            self._polling = True

    def _timeout(self, now: float) -> float:
        """Seconds until the next look: when the first waiting file may be complete (or an
        empty folder may be removed), else the poll interval, else the safety rescan."""
        waits = [s.look - now for p, s in self._seen.items() if p not in self._unmovable]
        waits += [t + RECLAIM - now for t in self._unmovable.values()]
        waits += [t + self.settle - now for t in self._quiet_dirs]
        if self._unannounced is not None:
            waits.append(self._unannounced + EVENT_DELAY - now)
        waits.append((self.poll or DEFAULT_POLL) if self._polling else RESCAN)
        return max(0.01, min(waits))

    def _scan(self, now: float) -> list[tuple[Path, Path]]:
        """Look at every file of the folders (and remove the empty sub-folders that have
        been empty for a moment); return ``(folder, file)`` of those complete."""
        ready: list[tuple[Path, Path]] = []
        present: set[Path] = set()
        self._quiet_dirs = []
        if now - self._reclaimed >= RECLAIM:
            for folder in self.folders:
                self._reclaim(folder)
            self._reclaimed = now
        for folder in self.folders:
            for path, st in self._walk(folder, now):
                present.add(path)
                signature = (st.st_size, st.st_mtime_ns, st.st_ino)
                seen = self._seen.get(path)
                if seen is None or seen.signature != signature:
                    # Unchanged since its last modification — unless that is in the future
                    # (another machine's clock): the moment may be over already.
                    quiet = min(max(0.0, time.time() - st.st_mtime), self.settle)
                    since = now - quiet if seen is None else now
                    # The kernel is asked about regular files alone (opening a device or a
                    # pipe to ask may do something).
                    ask = folder in self._leases and stat.S_ISREG(st.st_mode)
                    wait = min(CLOSED_SETTLE, self.settle) if ask else self.settle
                    self._seen[path] = _Seen(signature, since, since + wait, ask)
                elif (
                    now >= seen.look
                    and now - self._unmovable.get(path, float("-inf")) >= RECLAIM
                    and self._complete(path, seen, now)
                ):
                    ready.append((folder, path))
        for gone in set(self._seen) - present:
            del self._seen[gone]
            self._unmovable.pop(gone, None)
        return ready[:BATCH]

    def _complete(self, path: Path, seen: _Seen, now: float) -> bool:
        """Whether a file unchanged since ``seen.since`` is complete (else, when to look
        again is set in ``seen.look``): see the module docstring."""
        writing = open_for_writing(path) if seen.ask else None
        if writing is False:
            return True
        if writing is None and now - seen.since >= self.settle:
            return True
        # Someone writes it (look again in a moment: its writes are events too), or it
        # cannot be told and the moment is not over.
        seen.look = now + self.settle if writing else seen.since + self.settle
        return False

    def _walk(self, folder: Path, now: float) -> Iterator[tuple[Path, os.stat_result]]:
        """The files of an inbox folder and its sub-folders, but not hidden or half-written
        ones; sub-folders left empty for ``settle`` seconds are removed."""
        empty: list[str] = []
        for root, dirs, names in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if not _ignored_name(d))
            if root != str(folder) and not dirs and not names:
                empty.append(root)
            for name in sorted(names):
                if not _ignored_name(name):
                    path = Path(root, name)
                    with contextlib.suppress(OSError):  # gone meanwhile
                        yield path, path.stat()
        for root in empty:
            with contextlib.suppress(OSError):
                quiet = time.time() - Path(root).stat().st_mtime
                if quiet < self.settle:
                    self._quiet_dirs.append(now - max(0.0, quiet))  # look again once quiet
                    continue
                Path(root).rmdir()  # only when still empty
                self._changed.set()  # its parent may be empty now

    # --- importing ------------------------------------------------------------------------

    def _import(self, ready: list[tuple[Path, Path]]) -> None:
        """Claim complete files, import them, and move each out of the way as soon as its
        report is known; files claimed but not done (the library went away) go back."""
        claimed: dict[Path, list[Path]] = {}  # inbox folder → the files claimed in it
        by_name: dict[str, tuple[Path, Path, Path]] = {}
        for folder, path in ready:
            try:
                held = claim(folder, path, self._claimant)
            except OSError as exc:
                if path not in self._unmovable:
                    log.error(
                        "%s: cannot be moved out of the inbox (%s), so it is not imported; "
                        "give the watcher's user write access to its folder (tried again "
                        "every %g s)",
                        path,
                        exc.strerror or exc,
                        RECLAIM,
                    )
                self._unmovable[path] = time.monotonic()
                continue
            self._unmovable.pop(path, None)
            if held is None:
                self._seen.pop(path, None)  # another watcher took it
                continue
            claimed.setdefault(folder, []).append(held)
            by_name[display_name(path)] = (folder, path, held)
        pending: dict[Path, list[FileReport]] = {path: [] for _f, path, _h in by_name.values()}
        ours: set[int] = set()

        def on_file(report: FileReport) -> None:
            ours.update(report.article_ids)
            owner = _owner(report.path, by_name)
            if owner is None or owner[1] not in pending:
                return
            folder, path, held = owner
            pending[path].append(report)
            if path.suffix.lower() != ".zip":  # an archive has a report per member
                self._finish(folder, path, held, pending.pop(path))

        store = self.library.store
        try:
            with import_lock(self.library.db):
                before = store.last_change()
                if self._matcher is None or before != self._mark:
                    # The library changed since: read it again.
                    self._matcher = Matcher(store, self.options.similarity)
                for folder, files in claimed.items():
                    self.library.ingest(
                        files,
                        self.options,
                        on_file=on_file,
                        matcher=self._matcher,
                        # Stored and reported under its inbox path, not the claim folder.
                        shown_as=(_claims(folder, self._claimant), str(folder)),
                    )
                self._mark = store.last_change()
                if not set(store.changed_articles(before, self._mark)) <= ours:
                    self._matcher = None  # another process changed articles meanwhile
        except BaseException:
            for _folder, path, held in by_name.values():
                if path in pending:
                    with contextlib.suppress(OSError):
                        _move(held, path)  # back into the inbox, to be tried again
                    self._seen.pop(path, None)
            raise
        for folder, path, held in by_name.values():
            if path in pending:
                self._finish(folder, path, held, pending.pop(path))

    def _finish(self, folder: Path, path: Path, held: Path, reports: list[FileReport]) -> None:
        """Move one imported (or failed) file, ``held`` in its claim folder, out of the inbox
        and say so."""
        self._seen.pop(path, None)
        stored = any(r.status in ("imported", "duplicate") for r in reports)
        failed = [r for r in reports if r.status in ("failed", "refused")]
        if not stored and not failed:
            failed = reports  # nothing read (an archive of other types only)
        name = path.relative_to(folder).as_posix()
        reason = "；".join(_reason(r) for r in failed)
        try:
            if failed:
                status = "failed"
                moved = _move(held, folder / FAILED_FOLDER / name)
                _write_error(moved, name, failed)
            else:
                status = "imported" if any(r.status == "imported" for r in reports) else "duplicate"
                moved = _move(held, folder / DONE_FOLDER / date.today().isoformat() / name)
        except OSError as exc:
            log.error("%s: imported, but not moved out of %s: %s", path, held.parent, exc)
            return
        if self.on_file is not None:
            self.on_file(InboxFile(name, status, tuple(reports), moved, reason))

    def _reclaim(self, folder: Path, *, starting: bool = False) -> None:
        """Put the files of abandoned claim folders back into the inbox: those of processes
        of this machine that are gone (and, at start, this process's own: a pid used again
        after a reboot), and another machine's untouched for :data:`STALE_CLAIM` seconds."""
        root = folder / CLAIM_FOLDER
        try:
            owners = sorted(root.iterdir())
        except OSError:
            return  # none yet
        host = _host()
        for claims in owners:
            name, _, pid = claims.name.rpartition("-")
            if claims.name == self._claimant:
                abandoned = starting
            elif name == host and pid.isdigit():
                abandoned = not process_alive(int(pid))
            else:
                abandoned = _untouched(claims) >= STALE_CLAIM
            if abandoned:
                _give_back(claims, folder)


def make_folders(folders: Sequence[Path]) -> list[Path]:
    """Check the inbox folders before watching them: make those missing whose parent exists,
    and return them (so that the operator is told: a mistyped name must not look like a
    working inbox).

    Raises:
        UserError: a folder's parent does not exist either (a mistyped path, a share not
            mounted), or a folder cannot be made.
    """
    made = []
    for folder in folders:
        if folder.is_dir():
            continue
        if not folder.parent.is_dir():
            raise UserError.of(
                N_(
                    "{folder}: no such folder, nor its parent {parent}; nothing to watch. "
                    "Check the path (is the share mounted?), or create the folder first."
                ),
                folder=str(folder),
                parent=str(folder.parent),
            )
        try:
            folder.mkdir()
        except OSError as exc:
            raise UserError.of(
                N_(
                    "{folder}: cannot create the inbox folder ({reason}). Create it yourself, "
                    "writable by the user that runs sucai."
                ),
                folder=str(folder),
                reason=str(exc.strerror or exc),
            ) from None
        made.append(folder)
    return made


def claim(folder: Path, path: Path, owner: str) -> Path | None:
    """Take ``path`` (a file of the inbox ``folder``) for the watcher ``owner``: rename it into
    ``folder/.importing/<owner>/`` and return where it is now — or ``None`` when it is gone
    (another watcher claimed it first: a rename is atomic, so exactly one of them has it)."""
    held = _claims(folder, owner) / path.relative_to(folder)
    held.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.rename(held)
    except FileNotFoundError:
        return None
    return held


def _claims(folder: Path, owner: str) -> Path:
    """The claim folder of one watcher in an inbox folder."""
    return folder / CLAIM_FOLDER / owner


def _host() -> str:
    return socket.gethostname().replace("/", "_") or "localhost"


def _untouched(claims: Path) -> float:
    """Seconds since anything in a claim folder last changed."""
    newest = 0.0
    for root, dirs, names in os.walk(claims):
        for name in [*dirs, *names, "."]:
            with contextlib.suppress(OSError):
                newest = max(newest, Path(root, name).lstat().st_mtime)
    return time.time() - newest


def _give_back(claims: Path, folder: Path) -> None:
    """Move an abandoned claim folder's files back to their places in the inbox."""
    for root, _dirs, names in os.walk(claims):
        for name in names:
            held = Path(root, name)
            back = folder / held.relative_to(claims)
            try:
                _move(held, back)
            except OSError as exc:
                log.error("%s: could not put it back into the inbox: %s", held, exc)
                continue
            log.info("%s: back in the inbox (its watcher stopped before it was done)", back)
    for root, _dirs, _names in sorted(os.walk(claims), key=lambda w: -len(w[0])):
        with contextlib.suppress(OSError):
            Path(root).rmdir()  # only when empty


def _owner(
    report_path: str, by_name: dict[str, tuple[Path, Path, Path]]
) -> tuple[Path, Path, Path] | None:
    """The inbox file a report is about: the file itself, or the archive of a member
    (``archive.zip!member``; a name may hold ``!`` too)."""
    if report_path in by_name:
        return by_name[report_path]
    for n, char in enumerate(report_path):
        if char == "!" and report_path[:n] in by_name:
            return by_name[report_path[:n]]
    return None


def _ignored_name(name: str) -> bool:
    """A name a file has while it is written, or a hidden one."""
    lower = name.lower()
    return name.startswith((".", "~$")) or lower.endswith(_WRITING_SUFFIXES)


def _ignored_path(path: str, folders: list[Path]) -> bool:
    """A path under a hidden folder (``.done``, ``.failed``) or with an ignored name."""
    for folder in folders:
        with contextlib.suppress(ValueError):
            parts = Path(path).relative_to(folder).parts
            return any(_ignored_name(part) for part in parts)
    return False


def _move(path: Path, target: Path) -> Path:
    """Move ``path`` to ``target``, or to a free name beside it (``a~2.txt``): never over
    another file. Returns where it went."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for n in range(1, 10_000):
        candidate = target if n == 1 else target.with_name(f"{target.stem}~{n}{target.suffix}")
        try:
            os.link(path, candidate)  # fails if the name is taken: no overwriting
        except FileExistsError:
            if candidate.samefile(path):  # linked before a crash: finish that move
                break
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            if candidate.exists():  # a share without hard links: check, then rename
                continue
            path.rename(candidate)
            return candidate
        break
    else:
        raise FileExistsError(errno.EEXIST, "no free name", str(target))
    path.unlink()
    return candidate


def _reason(report: FileReport) -> str:
    headline = _REASONS.get(report.code, "无法导入")
    return f"{headline}（{report.code}）" if report.code else headline


def _write_error(moved: Path, name: str, reports: list[FileReport]) -> None:
    """``NAME.error.txt`` beside a failed file: why, in Chinese, with the import's message."""
    lines = [f"文件“{name}”未能导入素材库。", ""]
    for report in reports:
        lines += [
            f"原因：{_reason(report)}",
            f"错误代码：{report.code or report.status}",
            f"详情：{report.message}",
            "",
        ]
    lines.append("处理办法：按上述原因修改文件后，重新放入收件箱文件夹即可再次导入。")
    error = moved.with_name(moved.name + ".error.txt")
    temporary = error.with_name(f".{error.name}.tmp")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    temporary.replace(error)


def describe(item: InboxFile) -> str:
    """One line for a file of the inbox (the CLI prints it, a server logs it)."""
    if item.status == "failed":
        return f"failed     {item.name}: {item.reason} → {item.moved_to}"
    if item.status == "duplicate":
        return f"duplicate  {item.name}: already in the library → {item.moved_to}"
    articles = sum(r.articles for r in item.reports)
    new = sum(r.new_articles for r in item.reports)
    plural = "" if articles == 1 else "s"
    return f"imported   {item.name}: {articles} article{plural} ({new} new) → {item.moved_to}"


class InboxProcess:
    """A server's inbox, in a process of its own so that its imports never hold up requests
    (see :meth:`Library.start_inbox`); it stops with :meth:`stop` or when the server is gone.
    It runs at a lower CPU priority (:data:`INBOX_NICE`): where the cores are all busy, the
    server's requests go first and a burst of files waits.
    """

    def __init__(self, process: BaseProcess) -> None:
        self.process = process

    def stop(self, timeout: float = 60.0) -> None:
        """Stop after the file being imported (SIGTERM; SIGKILL after ``timeout`` seconds:
        nothing is lost, see :class:`Inbox`)."""
        if self.process.is_alive():
            self.process.terminate()
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


def run_inbox(
    open_library: Callable[..., Library],
    location: str,
    index_dir: str,
    folders: list[Path],
    settle: float,
    poll: float | None,
    parent: int,
) -> None:
    """The body of an :class:`InboxProcess`: open the library, and run an :class:`Inbox`
    that logs a line per file, until SIGTERM or until the server is gone (killed)."""
    # First, so that every thread it starts (tantivy's writers, the watcher) inherits it.
    os.nice(INBOX_NICE)
    said = logging.StreamHandler()
    said.setFormatter(logging.Formatter("%(levelname)s:     [inbox] %(message)s"))
    log.addHandler(said)
    log.setLevel(logging.INFO)
    with open_library(location, index_dir=index_dir) as library:
        inbox = Inbox(
            library, folders, settle=settle, poll=poll, on_file=lambda f: log.info(describe(f))
        )
        # Ctrl-C reaches the whole process group: the server stops the inbox (SIGTERM).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *_: inbox.stop())

        def watch_parent() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            inbox.stop()

        threading.Thread(target=watch_parent, name="sucai-watch-parent", daemon=True).start()
        inbox.run(on_ready=lambda: log.info("watching %s", ", ".join(map(str, folders))))
