"""SqliteStore: the library as one SQLite file. The SQL it shares with PostgreSQL is in
:class:`~sucai.store.sql.Store`; here are the connection, migrations, transactions and
backup."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sucai.errors import StoreError
from sucai.store.migrations import MIGRATIONS, pending, record_sql
from sucai.store.sql import Store

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence


__all__ = ["SqliteStore"]


def _create_private(path: Path) -> None:
    """Create ``path`` empty and readable by its owner only, unless it exists (issue 15).

    The library holds password and session hashes. SQLite gives its ``-wal`` and ``-shm``
    files the mode of the database file, so they are private too.
    """
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class SqliteStore(Store):
    """A library in one SQLite file (WAL mode).

    Args:
        path: the library file; created (with its folder) when missing.
        read_only: refuse writes on this connection (a reader beside the writer, see
            :meth:`reader`).
    """

    _NO_LIMIT = -1

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        super().__init__(str(self.path))
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path} is a folder; give a file name such as library.db.")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not read_only:
                _create_private(self.path)
            # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE in atomic()).
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            # WAL: readers (searches, the web app) never wait for an import's writes.
            self.db.execute("PRAGMA journal_mode=WAL")
            # Wait up to 5 s for another writer instead of failing with "database is locked".
            self.db.execute("PRAGMA busy_timeout=5000")
            # NORMAL is durable across application crashes in WAL mode, and much faster.
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._depth = 0
            self._migrate()
            if read_only:
                self.db.execute("PRAGMA query_only=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a sucai library ({exc}). Give another --db file, "
                "or move this one away."
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot create the library {self.path} ({exc}).") from None

    def _migrate(self) -> None:
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS _sucai_migrations "
            "(id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in self.db.execute("SELECT name FROM _sucai_migrations")}
        steps = dict(MIGRATIONS)
        for number, name in pending(self.where, done):
            with self.atomic():
                steps[name](self.db)
                for sql, params in record_sql(number, name):
                    self.db.execute(sql, params)

    @contextmanager
    def atomic(self) -> Iterator[SqliteStore]:
        """A write transaction; nested blocks use savepoints.

        The outer block takes the write lock at once (``BEGIN IMMEDIATE``) so that a
        concurrent writer waits at the start rather than failing half-way.
        """
        point = f"sp{self._depth}"
        outer = self._depth == 0
        self.db.execute("BEGIN IMMEDIATE" if outer else f"SAVEPOINT {point}")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self.db.execute("ROLLBACK" if outer else f"ROLLBACK TO {point}")
            if not outer:
                self.db.execute(f"RELEASE {point}")
            raise
        finally:
            self._depth -= 1
        self.db.execute("COMMIT" if outer else f"RELEASE {point}")

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite)."""
        self.db.close()

    def backup(self, target: Path) -> None:
        """Copy the library, while it is in use, into the new file ``target``.

        SQLite's online backup API copies a consistent snapshot page by page (imports and
        the web app carry on meanwhile). The copy is written beside ``target`` and renamed
        into place only when complete. The search index is not copied: it is rebuilt on
        first use.

        Args:
            target: the backup file; it must not exist.

        Raises:
            StoreError: ``target`` exists, or cannot be written.
        """
        if target.exists():
            raise StoreError(f"{target} exists; give a new file name for the backup.")
        partial = target.with_name(target.name + ".partial")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _create_private(partial)
            with closing(sqlite3.connect(partial)) as copy:
                self.db.backup(copy, pages=1024)
            partial.replace(target)
        except (OSError, sqlite3.Error) as exc:
            with suppress(OSError):  # missing, or its folder is what could not be made
                partial.unlink()
            raise StoreError(f"cannot write the backup {target} ({exc}).") from None

    def reader(self) -> SqliteStore:
        """A read-only store over the same file with its own connection, for another thread.

        WAL lets it read while this one writes; it sees each write once committed. The
        caches of unchanging article data are shared (dict operations are atomic in Python).
        """
        reader = SqliteStore(self.path, read_only=True)
        reader._heads = self._heads
        reader._paths = self._paths
        return reader

    # --- the primitives Store runs its queries with ----------------------------------------

    # BEGIN IMMEDIATE (atomic()) already makes a transaction the only writer of the file.
    def _lock_writes(self) -> None:
        pass

    def _lock_account(self, user_id: int) -> None:
        pass

    def _fetch(
        self, sql: str, params: Sequence[Any] = (), *, primary: bool = False
    ) -> list[tuple[Any, ...]]:
        return self.db.execute(sql, params).fetchall()

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, params)

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.db.executemany(sql, rows)

    def _insert_id(self, sql: str, params: Sequence[Any]) -> int:
        return int(self.db.execute(sql, params).lastrowid or 0)

    def table_names(self) -> set[str]:
        return {r[0] for r in self._fetch("SELECT name FROM sqlite_master WHERE type = 'table'")}

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        # One read transaction, begun by its first read: every table is read as of the same
        # moment (WAL snapshot).
        self.db.execute("BEGIN")
        try:
            self.db.execute("SELECT count(*) FROM meta").fetchone()
            yield
        finally:
            self.db.execute("ROLLBACK")

    def _stream(self, sql: str, batch: int) -> Iterator[list[tuple[Any, ...]]]:
        cursor = self.db.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield rows

    def _fetch_in(
        self, sql: str, ids: Sequence[int], params: Sequence[Any] = (), *, primary: bool = False
    ) -> list[tuple[Any, ...]]:
        """``IN (?, …)``, 500 bound values at a time (SQLite limits a statement's values)."""
        rows: list[tuple[Any, ...]] = []
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = f"IN ({','.join('?' * len(chunk))})"
            rows += self.db.execute(sql.format(marks), [*params, *chunk]).fetchall()
        return rows
