"""PostgresStore: the library in a PostgreSQL database (issue 7), for several servers.

It runs the SQL of :class:`~sucai.store.sql.Store` (``?`` turned into ``%s`` in :func:`_pg`)
with SqliteStore's results to the character; ``tests/contract/`` runs one suite against both.

Outside ``atomic()`` every call borrows a pooled connection in autocommit mode; inside it the
thread keeps one connection and a transaction (savepoints when nested). With a read URL (a
streaming replica, ``SUCAI_DB_READ``) reads go to a second pool, except those that need the
latest writes (accounts, quotas, baskets, what an import checks, what the index takes in).

A lost connection becomes :class:`~sucai.errors.StoreUnavailableError` (HTTP 503); a read is
first retried once on a fresh connection. A transaction cut off this way is rolled back by the
server, so an import never leaves half a file behind.

Connections (issue 22): a process holds at most its share of the server's budget
(:meth:`PostgresStore.limit_connections`), split between the two pools; an idle connection is
closed after :data:`MAX_IDLE` seconds; a call waits at most :data:`CONNECT_TIMEOUT` seconds in
all for a connection; and a pool that lost the server tries again every second or so, however
long the outage lasted (:data:`RECONNECT_WINDOW`), so that it is back within two seconds of
the server.
"""

from __future__ import annotations

import copy
import functools
import logging
import os
import threading
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from sucai.errors import ConfigError, StoreUnavailableError
from sucai.store.migrations import pending, record_sql
from sucai.store.pg_migrations import PG_BACKFILLS, PG_MIGRATIONS
from sucai.store.records import ConnectionUse, PoolUse
from sucai.store.sql import Store
from sucai.store.tables import quote

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from psycopg.rows import TupleRow

    Connection = psycopg.Connection[TupleRow]

__all__ = ["PostgresStore", "split_budget"]

log = logging.getLogger("sucai.store")


@functools.lru_cache(maxsize=1024)
def _pg(sql: str) -> str:
    """Store's ``?`` placeholders as psycopg's ``%s``: the one place they are translated."""
    return sql.replace("?", "%s")


#: ``pg_advisory_xact_lock`` keys ("Sucai" in ASCII, then +1): one writer of files at a
#: time across all servers (as SQLite's BEGIN IMMEDIATE), and one migrating server.
_WRITE_LOCK: Final = 0x5375636169
_MIGRATE_LOCK: Final = 0x537563616A

#: Seconds a call waits in all for a connection (from the pool, or a new one, retry included)
#: before it gives up (HTTP 503).
CONNECT_TIMEOUT: Final = 4

#: Connections a process holds at most when no budget is set (``sucai import``, ``sucai
#: info`` …): shared by its pools as :func:`split_budget` says.
DEFAULT_CONNECTIONS: Final = 10

#: The most connections one pool of a process opens, however large its share: a server process
#: has a handful of threads that use the database (two readers, one writer, the index follower,
#: an import), so more would only sit idle.
POOL_CAP: Final = 10

#: Seconds an unused connection stays open; the pool then closes one every as many seconds,
#: down to one, so that a quiet server gives its connections back (it held them ten minutes).
MAX_IDLE: Final = 5.0

#: Seconds a pool keeps retrying one failed connection (its delays grow from 1 s) before it
#: gives up and starts afresh at the next request: the retries stay one second or so apart
#: however long the server was down (with a minute, the delays had grown to 30 s).
RECONNECT_WINDOW: Final = 2.0

#: Seconds a call waits for a connection while the last wait of its pool found none (the
#: database is down or full): a request that needs several calls then still ends within
#: about CONNECT_TIMEOUT + 1 s, instead of waiting CONNECT_TIMEOUT for each.
FAILING_WAIT: Final = 0.5

#: Seconds a read waits for the replica before it is sent to the primary (when it falls back).
REPLICA_TIMEOUT: Final = 1.0

#: Seconds the reads stay on the primary after the replica failed, before it is tried again.
REPLICA_RETRY: Final = 5.0

#: Connections of PostgreSQL's ``max_connections`` left out of the servers' budgets for
#: ``sucai import``, ``sucai migrate``, psql and the like (besides the reserved slots).
TOOL_CONNECTIONS: Final = 5

#: What reads do when the replica fails: ``primary`` (go there, /health says degraded) or
#: ``fail`` (answer 503).
READ_FALLBACK_ENV: Final = "SUCAI_DB_READ_FALLBACK"
READ_FALLBACKS: Final = ("primary", "fail")


def split_budget(connections: int, replica: bool) -> tuple[int, int]:
    """The most connections of the write pool and of the read pool of a process allowed
    ``connections`` in all: both :data:`POOL_CAP` at most, summing to at most ``connections``.
    With a replica, the primary gets the larger half (it also serves accounts and sessions);
    without one, the read pool is the write pool (``(n, 0)``).

    Raises:
        ConfigError: too few connections for the pools (one each).
    """
    needed = 2 if replica else 1
    if connections < needed:
        pools = "one per pool, primary and replica" if replica else "one"
        raise ConfigError(
            f"db_connections: {connections} connection(s) a process is too few: each server "
            f"process needs at least {needed} ({pools}). Give more with --db-connections, or "
            "fewer --workers."
        )
    if not replica:
        return min(connections, POOL_CAP), 0
    write = (connections + 1) // 2
    return min(write, POOL_CAP), min(connections - write, POOL_CAP)


def describe_url(url: str) -> str:
    """``host:port/database`` of a PostgreSQL URL, without user or password (for messages).

    Raises:
        ConfigError: the URL cannot be parsed.
    """
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise ConfigError(
            f"db: not a valid PostgreSQL URL ({first_line(exc)}). "
            "Write it as postgresql://USER@HOST[:PORT]/DATABASE."
        ) from None
    host = parts.get("host") or "localhost"
    port = parts.get("port") or "5432"
    return f"{host}:{port}/{parts.get('dbname') or parts.get('user') or ''}"


def first_line(exc: BaseException) -> str:
    """The first line of an error's message, for one-line messages."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0].removeprefix("connection failed: ")


class _PoolState:
    """What a store and its reader views share besides the pools."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        #: Until when (``time.monotonic()``) reads skip the failed replica; 0: it answers.
        self.replica_down_until = 0.0
        #: Per pool (its name of the server), until when a call waits FAILING_WAIT at most.
        self.failing_until: dict[str, float] = {}


class PostgresStore(Store):
    """A library in a PostgreSQL database; the schema is created and upgraded on open.

    Args:
        url: ``postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`` of the primary.
        read_url: a streaming replica of it for the library's reads and searches
            (``None``: the primary serves everything).
        connections: at most this many connections in all, both pools together (see
            :meth:`limit_connections`).
        timeout: seconds to wait in all for a connection before giving up
            (StoreUnavailableError).
        read_fallback: ``primary`` (reads go to the primary while the replica fails) or
            ``fail`` (they fail); ``None``: ``$SUCAI_DB_READ_FALLBACK``, else ``primary``.

    Raises:
        ConfigError: a URL cannot be parsed, the database is not UTF-8, a setting is bad.
        StoreUnavailableError: the server cannot be reached.
        SchemaVersionError: the database was written by a newer sucai.
    """

    _lock_rows = " FOR UPDATE"

    def __init__(
        self,
        url: str,
        *,
        read_url: str | None = None,
        connections: int = DEFAULT_CONNECTIONS,
        timeout: float = CONNECT_TIMEOUT,
        read_fallback: str | None = None,
    ) -> None:
        self.url = url
        self.read_url = read_url
        self.timeout = timeout
        fallback = read_fallback or os.environ.get(READ_FALLBACK_ENV) or "primary"
        if fallback not in READ_FALLBACKS:
            raise ConfigError(
                f"{READ_FALLBACK_ENV}: '{fallback}' is not one of {', '.join(READ_FALLBACKS)}: "
                "primary sends reads to the primary while the replica fails, fail answers 503."
            )
        self.read_fallback = fallback
        #: Whether close() closes the pools: a reader view (see reader()) shares them.
        self._owner = True
        super().__init__(describe_url(url))
        self.read_where = describe_url(read_url) if read_url else self.where
        kwargs: dict[str, Any] = {
            "autocommit": True,
            "connect_timeout": max(1, round(timeout)),
            "application_name": "sucai",
            "client_encoding": "UTF8",
        }
        try:
            with psycopg.connect(url, **kwargs) as conn:
                self._migrate(conn)
        except psycopg.OperationalError as exc:
            raise StoreUnavailableError(
                f"cannot connect to PostgreSQL at {self.where} ({first_line(exc)}). Check that "
                "the server is running and that the URL's user, host, port and database are "
                "right."
            ) from None
        self._local = threading.local()
        # Shared with the reader views (copy.copy keeps the same object).
        self._state = _PoolState(connections)
        write, read = split_budget(connections, bool(read_url))
        self._pool = self._open_pool(url, kwargs, write)
        self._read_pool = self._pool
        if read_url:
            self._read_pool = self._open_pool(read_url, kwargs, read)
            try:
                # Fail at start-up, not at the first search, when the replica is unreachable
                # and reads may not fall back to the primary.
                self._fetch("SELECT 1")
            except StoreUnavailableError:
                self.close()
                raise

    def _open_pool(self, url: str, kwargs: dict[str, Any], size: int) -> ConnectionPool[Connection]:
        # min_size=1: a server keeps one warm connection; more are opened under load, up to
        # ``size``, and closed again when unused (MAX_IDLE).
        return ConnectionPool(
            url,
            kwargs=kwargs,
            min_size=1,
            max_size=size,
            timeout=self.timeout,
            max_idle=MAX_IDLE,
            reconnect_timeout=RECONNECT_WINDOW,
            num_workers=1,
            name="sucai",
            open=True,
        )

    def limit_connections(self, connections: int) -> None:
        """Hold at most ``connections`` connections in this process, both pools together
        (a server process's share of the server's budget).

        Raises:
            ConfigError: too few for the pools (see :func:`split_budget`).
        """
        write, read = split_budget(connections, self._read_pool is not self._pool)
        self._pool.resize(1, write)
        if read:
            self._read_pool.resize(1, read)
        self._state.budget = connections

    def connection_budget(self, servers: int) -> int:
        """The connections one of ``servers`` servers may hold by default: PostgreSQL's
        ``max_connections``, less its reserved slots and :data:`TOOL_CONNECTIONS`, shared.

        Raises:
            ConfigError: nothing is left for a server.
        """
        row = self._fetch(
            "SELECT current_setting('max_connections')::int, "
            "current_setting('superuser_reserved_connections')::int, "
            "coalesce(current_setting('reserved_connections', true)::int, 0)",
            primary=True,
        )[0]
        most, superuser, reserved = (int(v) for v in row)
        budget = (most - superuser - reserved - TOOL_CONNECTIONS) // servers
        if budget < 1:
            raise ConfigError(
                f"db_connections: PostgreSQL at {self.where} allows {most} connections "
                f"({superuser + reserved} reserved, {TOOL_CONNECTIONS} kept for imports and "
                f"tools): none is left for each of {servers} servers. Raise max_connections, "
                "or set --db-connections."
            )
        return budget

    def connection_use(self) -> ConnectionUse:
        """This process's budget, and its pools' connections in use, idle and allowed."""
        pools = [("write", self._pool)]
        if self._read_pool is not self._pool:
            pools.append(("read", self._read_pool))
        uses = []
        for name, pool in pools:
            stats = pool.get_stats()
            idle = stats.get("pool_available", 0)
            uses.append(PoolUse(name, stats.get("pool_size", 0) - idle, idle, pool.max_size))
        replica = ""
        if self.read_url:
            replica = "down" if self._state.replica_down_until > time.monotonic() else "up"
        return ConnectionUse(self._state.budget, tuple(uses), replica)

    def _migrate(self, conn: Connection) -> None:
        """Apply the missing migrations in one transaction, one server at a time."""
        encoding = conn.execute("SHOW server_encoding").fetchone()
        if encoding is None or encoding[0] != "UTF8":
            raise ConfigError(
                f"db: the database {self.where} is not UTF-8 (it is {encoding and encoding[0]}). "
                "Create it with CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0."
            )
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATE_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS _sucai_migrations (id INTEGER PRIMARY KEY, "
                'name TEXT COLLATE "C" NOT NULL, applied_at TEXT COLLATE "C" NOT NULL)'
            )
            done = {r[0] for r in conn.execute("SELECT name FROM _sucai_migrations")}
            scripts = dict(PG_MIGRATIONS)
            for number, name in pending(self.where, done):
                conn.execute(scripts[name].encode())
                backfill = PG_BACKFILLS.get(name)
                if backfill is not None:
                    backfill(conn)
                for sql, params in record_sql(number, name):
                    conn.execute(_pg(sql), params)

    def close(self) -> None:
        """Close the connection pools (of a reader view: nothing, its store owns them)."""
        if not self._owner:
            return
        if self._read_pool is not self._pool:
            self._read_pool.close()
        self._pool.close()

    def reader(self) -> PostgresStore:
        """This store for another thread: a view sharing its pools and caches.

        The pools are thread-safe and every call borrows its own connection (a thread's
        ``atomic()`` block keeps one per thread), so the view needs no connection of its
        own. Closing the view leaves the pools open: the store that opened them closes them.
        """
        view = copy.copy(self)
        view._owner = False
        return view

    # --- connections and errors --------------------------------------------------------------

    def _unavailable(self, exc: BaseException, where: str | None = None) -> StoreUnavailableError:
        return StoreUnavailableError(
            f"the PostgreSQL server at {where or self.where} is unavailable "
            f"({first_line(exc)}); nothing was changed by the failed step. Try again in a "
            "moment, and check that the server is running."
        )

    def _deadline(self, where: str, timeout: float) -> float:
        """When a call to the pool of ``where`` stops waiting for a connection: ``timeout``
        from now, or FAILING_WAIT while its last wait found none."""
        if self._state.failing_until.get(where, 0.0) > time.monotonic():
            timeout = min(timeout, FAILING_WAIT)
        return time.monotonic() + timeout

    def _timed_out(self, exc: PoolTimeout, where: str) -> StoreUnavailableError:
        """No connection came in time: the next calls to ``where`` wait less for a while."""
        self._state.failing_until[where] = time.monotonic() + self.timeout
        return self._unavailable(exc, where)

    def _tx(self) -> Connection | None:
        """The connection of this thread's open ``atomic()`` block, if any."""
        return getattr(self._local, "conn", None)

    def _fetch(
        self, sql: str, params: Sequence[Any] = (), *, primary: bool = False
    ) -> list[tuple[Any, ...]]:
        """Rows of one query: in the open transaction, else from a pooled connection — of the
        replica, unless ``primary`` or the replica failed and reads fall back to the primary.
        """
        conn = self._tx()
        if conn is not None:
            try:
                return conn.execute(_pg(sql), params).fetchall()
            except psycopg.OperationalError as exc:
                raise self._unavailable(exc) from None
        if primary or self._read_pool is self._pool:
            return self._pooled(self._pool, self.where, sql, params, self.timeout)
        if self.read_fallback == "fail":
            return self._pooled(self._read_pool, self.read_where, sql, params, self.timeout)
        state = self._state
        if state.replica_down_until > time.monotonic():
            return self._pooled(self._pool, self.where, sql, params, self.timeout)
        try:
            rows = self._pooled(self._read_pool, self.read_where, sql, params, REPLICA_TIMEOUT)
        except StoreUnavailableError as exc:
            if not state.replica_down_until:
                log.warning("%s Reads go to the primary until it answers again.", exc)
            state.replica_down_until = time.monotonic() + REPLICA_RETRY
            return self._pooled(self._pool, self.where, sql, params, self.timeout)
        if state.replica_down_until:
            log.warning("the replica at %s answers again; reads go there", self.read_where)
            state.replica_down_until = 0.0
        return rows

    def _pooled(
        self,
        pool: ConnectionPool[Connection],
        where: str,
        sql: str,
        params: Sequence[Any],
        timeout: float,
    ) -> list[tuple[Any, ...]]:
        """Rows of one query on a connection of ``pool``, within ``timeout`` seconds of waiting.

        A broken pooled connection (the server restarted since it was opened) is retried
        once on a fresh one, after the pool has thrown away its other dead connections.
        """
        deadline = self._deadline(where, timeout)
        for attempt in (1, 2):
            try:
                with pool.connection(timeout=deadline - time.monotonic()) as conn:
                    rows = conn.execute(_pg(sql), params).fetchall()
                self._state.failing_until.pop(where, None)
                return rows
            except PoolTimeout as exc:
                raise self._timed_out(exc, where) from None
            except psycopg.OperationalError as exc:
                if attempt == 2:
                    raise self._unavailable(exc, where) from None
                pool.check()
        raise AssertionError("unreachable")  # pragma: no cover

    def _lock_writes(self) -> None:
        # One writer of files at a time across all servers (as SQLite's BEGIN IMMEDIATE).
        self._execute("SELECT pg_advisory_xact_lock(?)", (_WRITE_LOCK,))

    def _lock_account(self, user_id: int) -> None:
        # NO KEY UPDATE: foreign-key checks on the account (sessions, tokens) go on. The
        # next statement takes a new snapshot (READ COMMITTED): earlier downloads count.
        self._execute("SELECT 1 FROM users WHERE id = ? FOR NO KEY UPDATE", (user_id,))

    def _insert_id(self, sql: str, params: Sequence[Any]) -> int:
        row = self._execute(sql + " RETURNING id", params).fetchone()
        assert row is not None
        return int(row[0])

    def _fetch_in(
        self, sql: str, ids: Sequence[int], params: Sequence[Any] = (), *, primary: bool = False
    ) -> list[tuple[Any, ...]]:
        """``= ANY(?::bigint[])``: the ids travel as one array."""
        return self._fetch(sql.format("= ANY(?::bigint[])"), [*params, list(ids)], primary=primary)

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """The connection of the open ``atomic()`` block, for a write; a lost connection
        becomes StoreUnavailableError."""
        conn = self._tx()
        assert conn is not None, "writes run inside atomic()"
        try:
            yield conn
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from None

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[TupleRow]:
        """Run a write inside ``atomic()``."""
        with self._writing() as conn:
            return conn.execute(_pg(sql), params)

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            with self._writing() as conn, conn.cursor() as cur:
                cur.executemany(_pg(sql), rows)

    @contextmanager
    def atomic(self) -> Iterator[PostgresStore]:
        """A write transaction on the primary; nested blocks use savepoints.

        Raises:
            StoreUnavailableError: the server went away; the transaction did not commit.
        """
        conn = self._tx()
        if conn is not None:
            with conn.transaction():
                yield self
            return
        try:
            with self._hold() as conn, conn.transaction():
                yield self
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from None

    def table_names(self) -> set[str]:
        rows = self._fetch(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        )
        return {r[0] for r in rows}

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        # REPEATABLE READ: every table is read as of the same moment (and server-side cursors
        # need a transaction); it is never committed, only rolled back.
        with self._hold() as conn:
            try:
                conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                yield
            finally:
                conn.rollback()

    def _stream(self, sql: str, batch: int) -> Iterator[list[tuple[Any, ...]]]:
        conn = self._tx()
        assert conn is not None, "tables are streamed inside snapshot()"
        # A server-side cursor: the table is streamed, not loaded into memory.
        with conn.cursor(name="sucai_stream") as cursor:
            cursor.itersize = batch
            cursor.execute(sql)
            while rows := cursor.fetchmany(batch):
                yield rows

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Any]) -> None:
        """``COPY … FROM STDIN``: many times faster than one INSERT a row."""
        names = ", ".join(map(quote, columns))
        with (
            self._writing() as conn,
            conn.cursor() as cursor,
            cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def continue_ids(self, identities: Sequence[tuple[str, str]]) -> None:
        # Ids were copied, not drawn: continue each identity after the largest copied one.
        for table, column in identities:
            self._execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                f"coalesce(max({quote(column)}), 0) + 1, false) FROM {quote(table)}"
            )

    @contextmanager
    def _hold(self) -> Iterator[Connection]:
        """A live connection to the primary, held as this thread's for a transaction.

        A write is not retried once begun, so the connection is tried first: after a server
        restart the pool's old connections are dead, and a new one is taken instead.
        """
        deadline = self._deadline(self.where, self.timeout)
        for attempt in (1, 2):
            try:
                conn = self._pool.getconn(timeout=deadline - time.monotonic())
            except PoolTimeout as exc:
                raise self._timed_out(exc, self.where) from None
            except psycopg.OperationalError as exc:
                raise self._unavailable(exc) from None
            try:
                conn.execute("SELECT 1")
                break
            except psycopg.OperationalError as exc:
                self._pool.putconn(conn)
                if attempt == 2:
                    raise self._unavailable(exc) from None
                self._pool.check()
        self._state.failing_until.pop(self.where, None)
        self._local.conn = conn
        try:
            yield conn
        finally:
            self._local.conn = None
            self._pool.putconn(conn)
