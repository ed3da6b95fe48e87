"""PostgresStore: the library in a PostgreSQL database (issue 7), for several servers.

It implements the same :class:`~sucai.store.Store` Protocol as SqliteStore, with the same
results to the character (ids, order, NULLs, text); ``tests/contract/`` runs one suite
against both. All of its SQL lives here and in ``pg_migrations.py``.

Connections come from a pool (psycopg_pool). Outside ``atomic()`` every call borrows a
connection in autocommit mode for one statement or a few; inside ``atomic()`` the thread keeps
one connection and a transaction (savepoints when nested). With a read URL (a streaming
replica, ``SUCAI_DB_READ``) the library's reads go to a second pool; accounts, sessions,
quotas, baskets, what an import checks and what the search index takes in are read from the
primary, which has the latest writes.

A lost connection (the server restarting, a network cut) becomes
:class:`~sucai.errors.StoreUnavailableError` (HTTP 503); a read is first retried once on a
fresh connection. A transaction cut off this way is rolled back by the server, so an import
never leaves half a file behind.
"""

from __future__ import annotations

import copy
import json
import threading
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from sucai.errors import (
    ConfigError,
    NotFoundError,
    SchemaVersionError,
    StoreUnavailableError,
    UserError,
)
from sucai.models import (
    Article,
    ArticleDraft,
    ArticleSource,
    OutlineEntry,
    Paragraph,
    source_folder,
)
from sucai.store.migrations import SCHEMA_VERSION
from sucai.store.pg_migrations import PG_BACKFILLS, PG_MIGRATIONS
from sucai.store.rows import (
    AUDIT_COLUMNS,
    JOB_COLUMNS,
    USER_COLUMNS,
    download_sql,
    job_from_row,
    user_from_row,
    utc_now,
    where_sql,
)
from sucai.store.sqlite import FACET_COLUMNS, _pack, _unpack, content_hash

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence

    from psycopg.rows import TupleRow

    from sucai.models import Compilation, RemovedLine
    from sucai.store.records import (
        AddedArticles,
        ApiToken,
        ArticleFilter,
        ArticleHead,
        ArticleSummary,
        ArticleText,
        AuditEntry,
        Basket,
        Correction,
        ImportJobRow,
        IndexArticle,
        LawVersion,
        Merge,
        MergedCopy,
        ParagraphRow,
        StoredFile,
        User,
    )

    Connection = psycopg.Connection[TupleRow]

__all__ = ["PostgresStore", "describe_url", "first_line"]

#: ``pg_advisory_xact_lock`` keys ("Sucai" in ASCII, then +1): one writer of files at a
#: time across all servers (as SQLite's BEGIN IMMEDIATE), and one migrating server.
_WRITE_LOCK: Final = 0x5375636169
_MIGRATE_LOCK: Final = 0x537563616A

#: Entries kept in each of the caches of unchanging article data (heads, outline paths).
_CACHE_LIMIT: Final = 200_000

#: Seconds to wait for a connection (from the pool, or a new one) before answering 503.
CONNECT_TIMEOUT: Final = 5

#: Connections per pool: enough for a web server's worker threads, small enough that
#: several servers stay well under PostgreSQL's default max_connections (100).
POOL_SIZE: Final = 10

_ARTICLE_COLUMNS: Final = (
    "id, title, role, genre, issued_on, year, chars, added_at, doc_number, issuer"
)
_SUMMARY_SQL: Final = (
    "SELECT a.id, a.title, a.role, a.genre, a.issued_on, a.year, a.chars, a.added_at, "
    "(SELECT count(*) FROM paragraphs p WHERE p.article_id = a.id), "
    "(SELECT count(*) FROM article_sources s WHERE s.article_id = a.id) FROM articles a"
)
_U_USER_COLUMNS: Final = ", ".join("u." + c for c in USER_COLUMNS.split(", "))


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


class PostgresStore:
    """A library in a PostgreSQL database; the schema is created and upgraded on open.

    Args:
        url: ``postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE`` of the primary.
        read_url: a streaming replica of it for the library's reads and searches
            (``None``: the primary serves everything).
        pool_size: at most this many connections per pool.
        timeout: seconds to wait for a connection before giving up (StoreUnavailableError).

    Raises:
        ConfigError: a URL cannot be parsed, or the database is not UTF-8.
        StoreUnavailableError: the server cannot be reached.
        SchemaVersionError: the database was written by a newer sucai.
    """

    def __init__(
        self,
        url: str,
        *,
        read_url: str | None = None,
        pool_size: int = POOL_SIZE,
        timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self.url = url
        self.read_url = read_url
        self.timeout = timeout
        #: Whether close() closes the pools: a reader view (see reader()) shares them.
        self._owner = True
        self.where = describe_url(url)
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
        self._heads: dict[int, ArticleHead] = {}
        self._paths: dict[tuple[int, int], tuple[tuple[str, bool], ...]] = {}
        self._pool = self._open_pool(url, kwargs, pool_size)
        self._read_pool = self._pool
        if read_url:
            self._read_pool = self._open_pool(read_url, kwargs, pool_size)
            try:
                # Fail at start-up, not at the first search, when the replica is unreachable.
                self._fetch("SELECT 1")
            except StoreUnavailableError:
                self.close()
                raise

    def _open_pool(self, url: str, kwargs: dict[str, Any], size: int) -> ConnectionPool[Connection]:
        # min_size=1: a server keeps one warm connection; more are opened under load, up to
        # ``size``, and closed again after 10 idle minutes (max_idle).
        return ConnectionPool(
            url,
            kwargs=kwargs,
            min_size=1,
            max_size=size,
            timeout=self.timeout,
            max_idle=600,
            # Retry connecting for a minute at most when the server is down (then 503s).
            reconnect_timeout=60,
            num_workers=1,
            name="sucai",
            open=True,
        )

    def _migrate(self, conn: Connection) -> None:
        """Apply the missing migrations, one transaction each, one server at a time."""
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
            known = {name for name, _ in PG_MIGRATIONS}
            if done - known:
                raise SchemaVersionError(
                    f"{self.where} was written by a newer sucai (schema steps "
                    f"{', '.join(sorted(done - known))}). Upgrade sucai to open it."
                )
            for number, (name, ddl) in enumerate(PG_MIGRATIONS, 1):
                if name in done:
                    continue
                conn.execute(ddl.encode())
                backfill = PG_BACKFILLS.get(name)
                if backfill is not None:
                    backfill(conn)
                conn.execute(
                    "INSERT INTO _sucai_migrations (id, name, applied_at) VALUES (%s, %s, %s)",
                    (number, name, utc_now()),
                )
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', %s) "
                    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                    (str(SCHEMA_VERSION),),
                )

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

    def _tx(self) -> Connection | None:
        """The connection of this thread's open ``atomic()`` block, if any."""
        return getattr(self._local, "conn", None)

    def _fetch(
        self, sql: str, params: Sequence[Any] = (), *, primary: bool = False
    ) -> list[tuple[Any, ...]]:
        """Rows of one query: in the open transaction, else from a pooled connection.

        A broken pooled connection (the server restarted since it was opened) is retried
        once on a fresh one, after the pool has thrown away its other dead connections.
        """
        conn = self._tx()
        if conn is not None:
            try:
                return conn.execute(sql, params).fetchall()
            except psycopg.OperationalError as exc:
                raise self._unavailable(exc) from None
        pool = self._pool if primary else self._read_pool
        where = self.where if primary else self.read_where
        for attempt in (1, 2):
            try:
                with pool.connection() as conn:
                    return conn.execute(sql, params).fetchall()
            except PoolTimeout as exc:
                raise self._unavailable(exc, where) from None
            except psycopg.OperationalError as exc:
                if attempt == 2:
                    raise self._unavailable(exc, where) from None
                pool.check()
        raise AssertionError("unreachable")  # pragma: no cover

    def _one(self, sql: str, params: Sequence[Any] = (), *, primary: bool = False) -> Any:
        """The first row of a query, or ``None``."""
        rows = self._fetch(sql, params, primary=primary)
        return rows[0] if rows else None

    def _count(self, sql: str, params: Sequence[Any] = (), *, primary: bool = False) -> int:
        return int(self._fetch(sql, params, primary=primary)[0][0])

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> psycopg.Cursor[TupleRow]:
        """Run a write inside ``atomic()``."""
        conn = self._tx()
        assert conn is not None, "writes run inside atomic()"
        try:
            return conn.execute(sql, params)
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from None

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        conn = self._tx()
        assert conn is not None, "writes run inside atomic()"
        if not rows:
            return
        try:
            with conn.cursor() as cur:
                cur.executemany(sql, rows)
        except psycopg.OperationalError as exc:
            raise self._unavailable(exc) from None

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
            conn = self._borrow()
            try:
                self._local.conn = conn
                with conn.transaction():
                    yield self
            finally:
                self._local.conn = None
                self._pool.putconn(conn)
        except (PoolTimeout, psycopg.OperationalError) as exc:
            raise self._unavailable(exc) from None

    def _borrow(self) -> Connection:
        """A live connection to the primary for a transaction.

        A write is not retried once begun, so the connection is tried first: after a server
        restart the pool's old connections are dead, and a new one is taken instead.
        """
        for attempt in (1, 2):
            conn = self._pool.getconn()
            try:
                conn.execute("SELECT 1")
            except psycopg.OperationalError:
                self._pool.putconn(conn)
                if attempt == 2:
                    raise
                self._pool.check()
                continue
            return conn
        raise AssertionError("unreachable")  # pragma: no cover

    # --- files -------------------------------------------------------------------------------

    def has_file(self, sha256: str) -> bool:
        """True when a file with these bytes was imported before."""
        return (
            self._one("SELECT 1 FROM files WHERE sha256 = %s", (sha256,), primary=True) is not None
        )

    def file_articles(self, sha256: str) -> tuple[int, ...]:
        """Article ids of a stored file, in order."""
        rows = self._fetch(
            "SELECT s.article_id FROM article_sources s JOIN files f ON f.id = s.file_id "
            "WHERE f.sha256 = %s ORDER BY s.position",
            (sha256,),
            primary=True,
        )
        return tuple(r[0] for r in rows)

    def add_file(
        self,
        *,
        path: str,
        sha256: str,
        size: int,
        encoding: str | None,
        compilation: Compilation,
        removed: tuple[RemovedLine, ...],
        notes: tuple[str, ...],
        merges: Mapping[int, Merge] | None = None,
    ) -> AddedArticles:
        """Store one file and its articles in one transaction.

        Articles already stored (same title and text, from another file) are not stored
        again; the file is added to their sources. Articles in ``merges`` (by index) are
        stored as copies of their canonical article (issue 6), which gets the file as a
        source too. Files are written one at a time across all servers (an advisory lock),
        so concurrent imports of overlapping files never store an article twice; a file
        another server stored meanwhile is not stored again (its articles are "existing").
        """
        from sucai.store.records import AddedArticles

        merges = merges or {}
        now = utc_now()
        source = source_folder(path)
        with self.atomic():
            self._execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            if self._one("SELECT 1 FROM files WHERE sha256 = %s", (sha256,)) is not None:
                stored = self.file_articles(sha256)
                return AddedArticles(stored, ("existing",) * len(stored))
            inserted = self._execute(
                "INSERT INTO files (path, sha256, size, encoding, title, header, declared_count, "
                "article_count, notes, imported_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                (
                    path,
                    sha256,
                    size,
                    encoding,
                    compilation.title,
                    "\n".join(compilation.header),
                    compilation.declared_count,
                    len(compilation.articles),
                    json.dumps(list(notes), ensure_ascii=False),
                    now,
                ),
            ).fetchone()
            assert inserted is not None
            file_id = inserted[0]
            self._executemany(
                "INSERT INTO removed_lines (file_id, line, text, reason) VALUES (%s, %s, %s, %s)",
                [(file_id, r.line, r.text, r.reason) for r in removed],
            )
            ids: list[int] = []
            kinds: list[str] = []
            for index, draft in enumerate(compilation.articles):
                key = content_hash(draft)
                row = self._one("SELECT id FROM articles WHERE content_hash = %s", (key,))
                merge = merges.get(index)
                if row is not None:
                    article_id, kind = int(row[0]), "existing"
                elif merge is not None:
                    canonical = merge.article_id if merge.draft is None else ids[merge.draft]
                    assert canonical is not None
                    article_id = canonical
                    self._insert_copy(article_id, file_id, draft, key, merge, now)
                    kind = "merged"
                else:
                    article_id, kind = self._insert_article(draft, key, now, source), "new"
                ids.append(article_id)
                kinds.append(kind)
                self._execute(
                    "INSERT INTO article_sources (article_id, file_id, position) "
                    "VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                    (article_id, file_id, draft.position),
                )
        return AddedArticles(tuple(ids), tuple(kinds))

    def _insert_copy(
        self, article_id: int, file_id: int, draft: ArticleDraft, key: str, merge: Merge, now: str
    ) -> None:
        # The id SQLite gives (its highest + 1, reused after the highest copy was kept or
        # split); callers hold the write lock, so no other writer takes it meanwhile.
        self._execute(
            "INSERT INTO merged_copies (id, article_id, file_id, position, title, similarity, "
            "content_hash, article, merged_at) VALUES ((SELECT coalesce(max(id), 0) + 1 "
            "FROM merged_copies), %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                article_id,
                file_id,
                draft.position,
                draft.title,
                merge.similarity,
                key,
                _pack(draft, merge.corrections),
                now,
            ),
        )

    def _insert_article(self, draft: ArticleDraft, key: str, now: str, source: str) -> int:
        chars = sum(len(p.text) for p in draft.paragraphs)
        row = self._execute(
            "INSERT INTO articles (content_hash, title, role, genre, issued_on, year, doc_number, "
            "issuer, chars, added_at, source) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (
                key,
                draft.title,
                draft.role,
                draft.genre,
                draft.issued_on,
                draft.year,
                draft.doc_number,
                draft.issuer,
                chars,
                now,
                source,
            ),
        ).fetchone()
        assert row is not None
        article_id = int(row[0])
        self._insert_text(article_id, draft)
        return article_id

    def _insert_text(self, article_id: int, draft: ArticleDraft) -> None:
        """Store an article's paragraphs and outline."""
        self._executemany(
            "INSERT INTO paragraphs (article_id, idx, text, paid, heading, section, kind) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [
                (article_id, p.index, p.text, int(p.paid), p.heading, p.section, p.kind)
                for p in draft.paragraphs
            ],
        )
        self._executemany(
            "INSERT INTO outline (article_id, idx, level, text, paragraph, parent, kind) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [
                (article_id, e.index, e.level, e.text, e.paragraph, e.parent, e.kind)
                for e in draft.outline
            ],
        )

    def files(self) -> list[StoredFile]:
        """Every stored file, oldest first."""
        from sucai.store.records import StoredFile

        rows = self._fetch(
            "SELECT id, path, sha256, size, encoding, title, declared_count, article_count, "
            "notes, imported_at FROM files ORDER BY id"
        )
        return [
            StoredFile(
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], tuple(json.loads(r[8])), r[9]
            )
            for r in rows
        ]

    def removed_lines(self, file_id: int) -> list[tuple[int, str, str]]:
        """``(line, text, reason)`` of what cleaning removed from a file."""
        rows = self._fetch(
            "SELECT line, text, reason FROM removed_lines WHERE file_id = %s ORDER BY rowid",
            (file_id,),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    # --- articles ----------------------------------------------------------------------------

    def count_articles(self) -> int:
        """Number of stored articles."""
        return self._count("SELECT count(*) FROM articles")

    def list_articles(
        self,
        where: ArticleFilter | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[ArticleSummary]:
        """Articles matching ``where``, in id order or newest first (by date, then id)."""
        from sucai.store.records import ArticleSummary

        clause, params = where_sql(where, "%s")
        # NULLS LAST: SQLite sorts NULL lowest, so undated articles come last when descending.
        order = (
            "coalesce(a.issued_on, a.year || '-00-00') DESC NULLS LAST, a.id DESC"
            if newest_first
            else "a.id"
        )
        sql = f"{_SUMMARY_SQL}{clause} ORDER BY {order} LIMIT %s OFFSET %s"
        params += [limit, offset]
        return [ArticleSummary(*row) for row in self._fetch(sql, params)]

    def count_matching(self, where: ArticleFilter | None = None) -> int:
        """Number of articles matching ``where``."""
        clause, params = where_sql(where, "%s")
        return self._count(f"SELECT count(*) FROM articles a{clause}", params)

    def facets(self, where: ArticleFilter | None = None) -> dict[str, list[tuple[str, int]]]:
        """Counts per genre, role, year and source among the articles matching ``where``."""
        clause, params = where_sql(where, "%s")
        out: dict[str, list[tuple[str, int]]] = {}
        for name, column in FACET_COLUMNS:
            # ``::text``: year is an integer, and SQLite's ``year != ''`` holds for every one.
            rows = self._fetch(
                f"SELECT {column}, count(*) FROM articles a{clause} "
                f"{'AND' if clause else 'WHERE'} {column} IS NOT NULL "
                f"AND {column}::text <> '' "
                f"GROUP BY {column} ORDER BY count(*) DESC, {column} DESC",
                params,
            )
            out[name] = [(str(value), int(count)) for value, count in rows]
        return out

    def get_article(self, article_id: int) -> Article:
        """One article with its paragraphs, outline and sources.

        Raises:
            NotFoundError: no article has this id.
        """
        rows = self._fetch(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = %s", (article_id,))
        if not rows:
            raise NotFoundError(
                f"no article {article_id} in {self.where}. `sucai list` shows the ids."
            )
        return self._articles(rows)[0]

    def iter_articles(self) -> Iterator[Article]:
        """Every article in id order, 256 at a time (no connection is held between batches)."""
        after = 0
        while True:
            rows = self._fetch(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id > %s ORDER BY id LIMIT 256",
                (after,),
            )
            if not rows:
                return
            yield from self._articles(rows)
            after = rows[-1][0]

    def _articles(self, rows: list[tuple[Any, ...]]) -> list[Article]:
        """Whole articles for rows of ``_ARTICLE_COLUMNS``, with three queries in all."""
        ids = [r[0] for r in rows]
        paragraphs: dict[int, list[Paragraph]] = {i: [] for i in ids}
        for aid, *rest in self._fetch(
            "SELECT article_id, idx, text, paid, heading, section, kind FROM paragraphs "
            "WHERE article_id = ANY(%s::bigint[]) ORDER BY article_id, idx",
            (ids,),
        ):
            paragraphs[aid].append(
                Paragraph(rest[0], rest[1], bool(rest[2]), rest[3], rest[4], rest[5])
            )
        outline: dict[int, list[OutlineEntry]] = {i: [] for i in ids}
        for aid, *rest in self._fetch(
            "SELECT article_id, idx, level, text, paragraph, parent, kind FROM outline "
            "WHERE article_id = ANY(%s::bigint[]) ORDER BY article_id, idx",
            (ids,),
        ):
            outline[aid].append(OutlineEntry(*rest))
        sources: dict[int, list[ArticleSource]] = {i: [] for i in ids}
        for aid, *rest in self._fetch(
            "SELECT s.article_id, f.id, f.path, f.sha256, s.position, f.title, m.id, "
            "m.similarity FROM article_sources s JOIN files f ON f.id = s.file_id "
            "LEFT JOIN merged_copies m ON m.article_id = s.article_id "
            "AND m.file_id = s.file_id AND m.position = s.position "
            "WHERE s.article_id = ANY(%s::bigint[]) ORDER BY s.article_id, f.id, s.position",
            (ids,),
        ):
            sources[aid].append(ArticleSource(*rest))
        return [
            Article(
                id=row[0],
                title=row[1],
                role=row[2],
                genre=row[3],
                issued_on=row[4],
                year=row[5],
                paragraphs=tuple(paragraphs[row[0]]),
                outline=tuple(outline[row[0]]),
                sources=tuple(sources[row[0]]),
                added_at=row[7],
                chars=row[6],
                doc_number=row[8],
                issuer=row[9],
            )
            for row in rows
        ]

    def max_article_id(self) -> int:
        """The highest article id (0 for an empty library).

        Read from the primary, as the articles the search index takes in: the index is
        brought up to date on the primary, with what was just imported there.
        """
        return self._count("SELECT coalesce(max(id), 0) FROM articles", primary=True)

    def iter_index_articles(self, after: int, batch: int = 1000) -> Iterator[list[IndexArticle]]:
        """Articles with ids above ``after``, in id order, in batches (for the search index)."""
        while True:
            heads = self._fetch(
                "SELECT id, title, role, genre, year, source FROM articles WHERE id > %s "
                "ORDER BY id LIMIT %s",
                (after, batch),
                primary=True,
            )
            if not heads:
                return
            low, high = heads[0][0], heads[-1][0]
            yield self._index_batch(heads, "article_id BETWEEN %s AND %s", [low, high])
            after = high

    def index_articles(self, article_ids: list[int]) -> list[IndexArticle]:
        """What the search index needs of these articles, in id order (missing ids are left
        out). Give a few hundred at a time: they are read at once."""
        ids = sorted(set(article_ids))
        heads = self._fetch(
            "SELECT id, title, role, genre, year, source FROM articles "
            "WHERE id = ANY(%s::bigint[]) ORDER BY id",
            (ids,),
            primary=True,
        )
        if not heads:
            return []
        return self._index_batch(heads, "article_id = ANY(%s::bigint[])", [ids])

    # --- the change log (issue 17) -------------------------------------------------------------
    # Read from the primary, as the articles the search index takes in: a server applies the
    # changes with the text they made, never a replica's older rows.

    def library_id(self) -> str:
        """The random id the library was given when it was created: a search index built from
        another library (a copy made by ``sucai migrate``) is rebuilt."""
        rows = self._fetch("SELECT value FROM meta WHERE key = 'library_id'", (), primary=True)
        return str(rows[0][0])

    def last_change(self) -> int:
        """The number of the latest change in the change log (0 when none)."""
        return self._count("SELECT coalesce(max(seq), 0) FROM changes", primary=True)

    def change_mark(self, seq: int) -> str:
        """What identifies change ``seq`` of the log (``""`` for 0 and for a change the log
        does not hold): an index that applied up to ``seq`` checks it still matches, since a
        library restored from a backup may number other changes the same."""
        rows = self._fetch(
            "SELECT article_id, op, at FROM changes WHERE seq = %s", (seq,), primary=True
        )
        return "" if not rows else f"{rows[0][0]} {rows[0][1]} {rows[0][2]}"

    def changed_articles(self, after: int, upto: int) -> list[int]:
        """The articles changed by the log's changes ``after < seq <= upto``, each once, in
        id order."""
        rows = self._fetch(
            "SELECT DISTINCT article_id FROM changes WHERE seq > %s AND seq <= %s "
            "ORDER BY article_id",
            (after, upto),
            primary=True,
        )
        return [int(r[0]) for r in rows]

    def _index_batch(
        self, heads: list[tuple[Any, ...]], clause: str, params: list[Any]
    ) -> list[IndexArticle]:
        """:class:`IndexArticle` records of ``heads``; ``clause`` selects their rows."""
        from sucai.store.records import IndexArticle

        paragraphs: dict[int, list[tuple[int, int, str, int, bool]]] = {}
        for rowid, aid, idx, text, heading, paid in self._fetch(
            "SELECT rowid, article_id, idx, text, heading, paid FROM paragraphs "
            f"WHERE {clause} ORDER BY article_id, idx",
            params,
            primary=True,
        ):
            paragraphs.setdefault(aid, []).append((rowid, idx, text, heading, bool(paid)))
        outline: dict[int, list[tuple[int, str, int]]] = {}
        for aid, idx, text, paragraph in self._fetch(
            f"SELECT article_id, idx, text, paragraph FROM outline WHERE {clause} "
            "ORDER BY article_id, idx",
            params,
            primary=True,
        ):
            outline.setdefault(aid, []).append((idx, text, paragraph))
        return [
            IndexArticle(
                aid,
                title,
                role,
                genre,
                year,
                source,
                tuple(paragraphs.get(aid, ())),
                tuple(outline.get(aid, ())),
            )
            for aid, title, role, genre, year, source in heads
        ]

    def paragraphs_by_rowid(self, rowids: list[int]) -> dict[int, ParagraphRow]:
        """Paragraphs by their rowid."""
        from sucai.store.records import ParagraphRow

        rows = self._fetch(
            "SELECT rowid, article_id, idx, text, paid, section FROM paragraphs "
            "WHERE rowid = ANY(%s::bigint[])",
            (list(rowids),),
        )
        return {r[0]: ParagraphRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows}

    def summaries(self, article_ids: list[int]) -> dict[int, ArticleSummary]:
        """Article summaries by id."""
        from sucai.store.records import ArticleSummary

        rows = self._fetch(f"{_SUMMARY_SQL} WHERE a.id = ANY(%s::bigint[])", (list(article_ids),))
        return {r[0]: ArticleSummary(*r) for r in rows}

    def article_heads(self, article_ids: list[int]) -> dict[int, ArticleHead]:
        """Title, role, genre and date of articles, by id."""
        from sucai.store.records import ArticleHead

        # Stored articles never change, so their heads are kept for the next search.
        missing = [a for a in article_ids if a not in self._heads]
        if missing:
            if len(self._heads) > _CACHE_LIMIT:
                self._heads.clear()
            rows = self._fetch(
                "SELECT id, title, role, genre, issued_on, year FROM articles "
                "WHERE id = ANY(%s::bigint[])",
                (missing,),
            )
            self._heads.update((r[0], ArticleHead(*r)) for r in rows)
        return {a: self._heads[a] for a in article_ids if a in self._heads}

    def forget_cached(self) -> None:
        """Drop the article heads and outline paths kept for searches (and its readers')."""
        self._heads.clear()
        self._paths.clear()

    def outline_path(self, article_id: int, entry: int) -> tuple[tuple[str, bool], ...]:
        """An outline entry and its ancestors, top first: ``(text, paid)``, where ``paid``
        says whether the paragraph the entry stands on is in the paid part."""
        key = (article_id, entry)
        if key in self._paths:
            return self._paths[key]
        if len(self._paths) > _CACHE_LIMIT:
            self._paths.clear()
        rows = self._fetch(
            "WITH RECURSIVE up(idx, text, parent, paragraph, depth) AS ("
            " SELECT idx, text, parent, paragraph, 0 FROM outline"
            " WHERE article_id = %s AND idx = %s"
            " UNION ALL"
            " SELECT o.idx, o.text, o.parent, o.paragraph, up.depth + 1 FROM outline o JOIN up"
            " ON o.article_id = %s AND o.idx = up.parent"
            ") SELECT up.text, coalesce(p.paid, 0) FROM up LEFT JOIN paragraphs p"
            " ON p.article_id = %s AND p.idx = up.paragraph ORDER BY up.depth DESC",
            (article_id, entry, article_id, article_id),
        )
        path = tuple((text, bool(paid)) for text, paid in rows)
        self._paths[key] = path
        return path

    # --- accounts (issue 4): read from the primary, which has the latest sign-ins ------------

    def add_user(
        self,
        *,
        name: str,
        password_hash: str,
        role: str,
        tier: str | None,
        expires_on: str | None,
        daily_quota: int | None,
        now: str,
    ) -> User:
        """Store a new account (the name must be new)."""
        with self.atomic():
            row = self._execute(
                "INSERT INTO users (name, password_hash, role, tier, expires_on, daily_quota, "
                f"created_at) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING {USER_COLUMNS}",
                (name, password_hash, role, tier, expires_on, daily_quota, now),
            ).fetchone()
        user = user_from_row(row)
        assert user is not None
        return user

    def get_user(self, user_id: int) -> User | None:
        """The account with this id."""
        return user_from_row(
            self._one(f"SELECT {USER_COLUMNS} FROM users WHERE id = %s", (user_id,), primary=True)
        )

    def get_user_by_name(self, name: str) -> User | None:
        """The account with this name."""
        return user_from_row(
            self._one(f"SELECT {USER_COLUMNS} FROM users WHERE name = %s", (name,), primary=True)
        )

    def list_users(self) -> list[User]:
        """Every account, by name."""
        rows = self._fetch(f"SELECT {USER_COLUMNS} FROM users ORDER BY name", primary=True)
        return [u for u in (user_from_row(r) for r in rows) if u is not None]

    def password_hash(self, user_id: int) -> str:
        """The stored password hash of an account ("" when there is no such account)."""
        row = self._one("SELECT password_hash FROM users WHERE id = %s", (user_id,), primary=True)
        return str(row[0]) if row else ""

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace an account's password hash."""
        with self.atomic():
            self._execute(
                "UPDATE users SET password_hash = %s WHERE id = %s", (password_hash, user_id)
            )

    def update_user(
        self,
        user_id: int,
        *,
        role: str,
        tier: str | None,
        expires_on: str | None,
        daily_quota: int | None,
        disabled: bool,
    ) -> None:
        """Change an account's role, tier, expiry, quota and whether it is disabled."""
        with self.atomic():
            self._execute(
                "UPDATE users SET role = %s, tier = %s, expires_on = %s, daily_quota = %s, "
                "disabled = %s WHERE id = %s",
                (role, tier, expires_on, daily_quota, int(disabled), user_id),
            )

    def add_session(self, token_hash: str, user_id: int, now: str, expires_at: str) -> None:
        """Store a sign-in session (and drop expired ones, so the table stays small)."""
        with self.atomic():
            self._execute("DELETE FROM sessions WHERE expires_at < %s", (now,))
            self._execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
                "VALUES (%s, %s, %s, %s)",
                (token_hash, user_id, now, expires_at),
            )

    def session_user(self, token_hash: str, now: str) -> User | None:
        """The enabled account of an unexpired session."""
        return user_from_row(
            self._one(
                f"SELECT {_U_USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id "
                "WHERE s.token_hash = %s AND s.expires_at > %s AND u.disabled = 0",
                (token_hash, now),
                primary=True,
            )
        )

    def delete_session(self, token_hash: str) -> None:
        """End one session."""
        with self.atomic():
            self._execute("DELETE FROM sessions WHERE token_hash = %s", (token_hash,))

    def delete_user_sessions(self, user_id: int, keep: str | None = None) -> None:
        """End every session of an account except ``keep`` (a token hash)."""
        with self.atomic():
            self._execute(
                "DELETE FROM sessions WHERE user_id = %s AND token_hash != %s",
                (user_id, keep or ""),
            )

    def add_api_token(self, token_hash: str, user_id: int, label: str, now: str) -> int:
        """Store an API token; return its id."""
        with self.atomic():
            row = self._execute(
                "INSERT INTO api_tokens (token_hash, user_id, label, created_at) "
                "VALUES (%s, %s, %s, %s) RETURNING id",
                (token_hash, user_id, label, now),
            ).fetchone()
        assert row is not None
        return int(row[0])

    def api_token_user(self, token_hash: str) -> User | None:
        """The enabled account of an unrevoked API token."""
        return user_from_row(
            self._one(
                f"SELECT {_U_USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id "
                "WHERE t.token_hash = %s AND t.revoked_at IS NULL AND u.disabled = 0",
                (token_hash,),
                primary=True,
            )
        )

    def list_api_tokens(self, user_id: int) -> list[ApiToken]:
        """An account's API tokens, newest first."""
        from sucai.store.records import ApiToken

        rows = self._fetch(
            "SELECT id, user_id, label, created_at, revoked_at FROM api_tokens "
            "WHERE user_id = %s ORDER BY id DESC",
            (user_id,),
            primary=True,
        )
        return [ApiToken(*r) for r in rows]

    def revoke_api_token(self, user_id: int, token_id: int, now: str) -> bool:
        """Revoke one of an account's tokens; ``False`` when there is no such live token."""
        with self.atomic():
            cur = self._execute(
                "UPDATE api_tokens SET revoked_at = %s "
                "WHERE id = %s AND user_id = %s AND revoked_at IS NULL",
                (now, token_id, user_id),
            )
        return cur.rowcount > 0

    def add_audit(
        self,
        *,
        at: str,
        user_id: int | None,
        user_name: str,
        action: str,
        target: str,
        format: str,
        ip: str,
        code: str = "",
    ) -> None:
        """Append a line to the audit log (``code``: the code of the file it gave out)."""
        with self.atomic():
            self._execute(
                "INSERT INTO audit_log (at, user_id, user_name, action, target, format, ip, "
                "code) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (at, user_id, user_name, action, target, format, ip, code),
            )

    def audit_entries(self, *, limit: int, user_id: int | None = None) -> list[AuditEntry]:
        """The newest lines of the audit log (of one account when ``user_id`` is given)."""
        from sucai.store.records import AuditEntry

        columns = AUDIT_COLUMNS
        if user_id is None:
            rows = self._fetch(
                f"SELECT {columns} FROM audit_log ORDER BY id DESC LIMIT %s",
                (limit,),
                primary=True,
            )
        else:
            rows = self._fetch(
                f"SELECT {columns} FROM audit_log WHERE user_id = %s ORDER BY id DESC LIMIT %s",
                (user_id, limit),
                primary=True,
            )
        return [AuditEntry(*r) for r in rows]

    def audit_by_code(self, code: str) -> list[AuditEntry]:
        """The lines of the audit log that gave out a file with ``code``, oldest first."""
        from sucai.store.records import AuditEntry

        rows = self._fetch(
            f"SELECT {AUDIT_COLUMNS} FROM audit_log WHERE code = %s ORDER BY id",
            (code,),
            primary=True,
        )
        return [AuditEntry(*r) for r in rows]

    def count_audit(self, user_id: int, action: str, since: str) -> int:
        """How many ``action`` lines an account has since ``since``."""
        return self._count(
            "SELECT count(*) FROM audit_log WHERE user_id = %s AND action = %s AND at >= %s",
            (user_id, action, since),
            primary=True,
        )

    def add_download(
        self,
        *,
        at: str,
        user_id: int,
        user_name: str,
        target: str,
        format: str,
        ip: str,
        since: str,
        quota: int,
        code: str = "",
    ) -> bool:
        """Record a download in the audit log unless the account's quota is used up.

        The account's row is locked first, so the downloads of one account (from any
        server) take turns and each one's count sees the ones before it; other accounts do
        not wait. Returns whether it was recorded.
        """
        with self.atomic():
            # NO KEY UPDATE: foreign-key checks on the account (sessions, tokens) go on.
            self._execute("SELECT 1 FROM users WHERE id = %s FOR NO KEY UPDATE", (user_id,))
            # A new statement, a new snapshot (READ COMMITTED): the earlier downloads count.
            cur = self._execute(
                download_sql("%s"),
                (at, user_id, user_name, target, format, ip, code, user_id, since, quota),
            )
        return cur.rowcount == 1

    # --- web imports (issue 4) ----------------------------------------------------------------

    def add_import_job(
        self, job_id: str, user_name: str, names: list[str], host: str, pid: int, now: str
    ) -> None:
        """Record a new, queued web import, run by process ``pid`` on ``host``."""
        with self.atomic():
            self._execute(
                "INSERT INTO import_jobs (id, user_name, names, state, host, pid, created_at, "
                "updated_at) VALUES (%s, %s, %s, 'queued', %s, %s, %s, %s)",
                (job_id, user_name, json.dumps(names, ensure_ascii=False), host, pid, now, now),
            )

    def update_import_job(
        self,
        job_id: str,
        now: str,
        *,
        state: str | None = None,
        total: int | None = None,
        error: str | None = None,
        report: dict[str, Any] | None = None,
    ) -> None:
        """Change what is given of a job (``None`` leaves a field as it is)."""
        with self.atomic():
            self._execute(
                "UPDATE import_jobs SET state = coalesce(%s, state), "
                "total = coalesce(%s::integer, total), error = coalesce(%s, error), "
                "report = coalesce(%s, report), updated_at = %s WHERE id = %s",
                (
                    state,
                    total,
                    error,
                    json.dumps(report, ensure_ascii=False) if report is not None else None,
                    now,
                    job_id,
                ),
            )

    def add_import_job_file(self, job_id: str, report: dict[str, Any], now: str) -> None:
        """Append one file's report to a job."""
        with self.atomic():
            self._execute(
                "INSERT INTO import_job_files (job_id, seq, report) VALUES (%s, "
                "(SELECT count(*) FROM import_job_files WHERE job_id = %s), %s)",
                (job_id, job_id, json.dumps(report, ensure_ascii=False)),
            )
            self._execute("UPDATE import_jobs SET updated_at = %s WHERE id = %s", (now, job_id))

    def import_job(self, job_id: str) -> ImportJobRow | None:
        """One job with every file's report, or ``None`` (read from the primary: the job
        is polled while it runs)."""
        row = self._one(
            f"SELECT {JOB_COLUMNS} FROM import_jobs j WHERE j.id = %s",
            (job_id,),
            primary=True,
        )
        if row is None:
            return None
        files = tuple(
            json.loads(r[0])
            for r in self._fetch(
                "SELECT report FROM import_job_files WHERE job_id = %s ORDER BY seq",
                (job_id,),
                primary=True,
            )
        )
        return job_from_row(row, files)

    def import_jobs(self, limit: int) -> list[ImportJobRow]:
        """The newest jobs, newest first (without their files' reports)."""
        rows = self._fetch(
            f"SELECT {JOB_COLUMNS} FROM import_jobs j "
            "ORDER BY j.created_at DESC, j.rowid DESC LIMIT %s",
            (limit,),
            primary=True,
        )
        return [job_from_row(row) for row in rows]

    def add_login_attempt(self, name: str, ip: str, at: str, ok: bool) -> None:
        """Record a sign-in attempt."""
        with self.atomic():
            self._execute(
                "INSERT INTO login_attempts (name, ip, at, ok) VALUES (%s, %s, %s, %s)",
                (name, ip, at, int(ok)),
            )

    def count_failed_logins(self, since: str, *, name: str | None, ip: str | None) -> int:
        """Failed sign-ins since ``since`` for this name and/or address."""
        sql = "SELECT count(*) FROM login_attempts WHERE ok = 0 AND at >= %s"
        params: list[Any] = [since]
        if name is not None:
            sql += " AND name = %s"
            params.append(name)
        if ip is not None:
            sql += " AND ip = %s"
            params.append(ip)
        return self._count(sql, params, primary=True)

    def clear_failed_logins(self, name: str, ip: str) -> None:
        """Forget the failed sign-ins of a name from an address (after a success)."""
        with self.atomic():
            self._execute(
                "DELETE FROM login_attempts WHERE name = %s AND ip = %s AND ok = 0", (name, ip)
            )

    # --- hygiene and baskets (issue 5) -------------------------------------------------------

    def file_id(self, sha256: str) -> int | None:
        """The id of the stored file with these bytes."""
        row = self._one("SELECT id FROM files WHERE sha256 = %s", (sha256,), primary=True)
        return int(row[0]) if row else None

    def add_corrections(
        self, *, article_id: int | None, file_id: int | None, corrections: tuple[Correction, ...]
    ) -> None:
        """Record what hygiene changed in an article (or a file's header); idempotent.

        An article found again in another file has the same text and corrections, so the
        rows are ignored when present.
        """
        with self.atomic():
            self._executemany(
                'INSERT INTO corrections (article_id, file_id, part, idx, "offset", '
                "original, replacement, rule) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                [
                    (
                        article_id,
                        file_id,
                        c.part,
                        c.index,
                        c.offset,
                        c.original,
                        c.replacement,
                        c.rule,
                    )
                    for c in corrections
                ],
            )

    def _correction_rows(self, column: str, value: int) -> list[Correction]:
        from sucai.store.records import Correction

        rows = self._fetch(
            'SELECT part, idx, "offset", original, replacement, rule FROM corrections '
            f'WHERE {column} = %s ORDER BY part, idx, "offset"',
            (value,),
        )
        return [Correction(*r) for r in rows]

    def corrections(self, article_id: int) -> list[Correction]:
        """An article's corrections, by part, index and offset."""
        return self._correction_rows("article_id", article_id)

    def file_corrections(self, file_id: int) -> list[Correction]:
        """The corrections of a compilation file's own title and header."""
        return self._correction_rows("file_id", file_id)

    def count_corrections(self) -> int:
        """Number of corrections in the library (articles and file headers)."""
        return self._count("SELECT count(*) FROM corrections")

    def _basket_rows(self, where: str, params: tuple[Any, ...]) -> list[Basket]:
        from sucai.store.records import Basket, BasketItem

        heads = self._fetch(
            f"SELECT id, owner, name, created_at FROM baskets WHERE {where} ORDER BY name",
            params,
            primary=True,
        )
        items: dict[int, list[BasketItem]] = {h[0]: [] for h in heads}
        if heads:
            for basket_id, *rest in self._fetch(
                "SELECT basket_id, position, article_id, kind, ref, added_at FROM basket_items "
                "WHERE basket_id = ANY(%s::bigint[]) ORDER BY basket_id, position",
                (list(items),),
                primary=True,
            ):
                items[basket_id].append(BasketItem(*rest))
        return [Basket(b, owner, name, at, tuple(items[b])) for b, owner, name, at in heads]

    def baskets(self, owner: str) -> list[Basket]:
        """An owner's baskets, by name, with their items."""
        return self._basket_rows("owner = %s", (owner,))

    def basket(self, owner: str, name: str) -> Basket | None:
        """One basket of an owner."""
        found = self._basket_rows("owner = %s AND name = %s", (owner, name))
        return found[0] if found else None

    def add_basket_items(
        self, owner: str, name: str, items: list[tuple[int, str, int | None]], now: str
    ) -> Basket:
        """Append ``(article_id, kind, ref)`` items to a basket, creating it when new."""
        with self.atomic():
            # Look first: an INSERT … ON CONFLICT would use up an id even when the basket exists.
            row = self._one(
                "SELECT id FROM baskets WHERE owner = %s AND name = %s FOR UPDATE", (owner, name)
            )
            if row is None:
                row = self._execute(
                    "INSERT INTO baskets (owner, name, created_at) VALUES (%s, %s, %s) "
                    "ON CONFLICT (owner, name) DO UPDATE SET owner = EXCLUDED.owner RETURNING id",
                    (owner, name, now),
                ).fetchone()
            assert row is not None
            basket_id = row[0]
            last = self._count(
                "SELECT coalesce(max(position), 0) FROM basket_items WHERE basket_id = %s",
                (basket_id,),
            )
            self._executemany(
                "INSERT INTO basket_items (basket_id, position, article_id, kind, ref, added_at) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                [
                    (basket_id, last + n, article_id, kind, ref, now)
                    for n, (article_id, kind, ref) in enumerate(items, 1)
                ],
            )
        found = self.basket(owner, name)
        assert found is not None
        return found

    def _renumber(self, basket_id: int, order: list[int]) -> None:
        """Give the items at the 1-based positions ``order`` the positions 1, 2, 3 …"""
        # Two passes through negative positions: the primary key forbids a transient clash.
        self._executemany(
            "UPDATE basket_items SET position = %s WHERE basket_id = %s AND position = %s",
            [(-new, basket_id, old) for new, old in enumerate(order, 1)],
        )
        self._execute(
            "UPDATE basket_items SET position = -position WHERE basket_id = %s AND position < 0",
            (basket_id,),
        )

    def _positions(self, basket_id: int) -> list[int]:
        rows = self._fetch(
            "SELECT position FROM basket_items WHERE basket_id = %s ORDER BY position FOR UPDATE",
            (basket_id,),
        )
        return [r[0] for r in rows]

    def move_basket_item(self, basket_id: int, source: int, target: int) -> None:
        """Move the item at 1-based ``source`` to ``target`` (others shift)."""
        with self.atomic():
            order = self._positions(basket_id)
            item = order.pop(source - 1)
            order.insert(target - 1, item)
            self._renumber(basket_id, order)

    def remove_basket_item(self, basket_id: int, position: int) -> None:
        """Remove the item at 1-based ``position`` (later ones move up)."""
        with self.atomic():
            self._execute(
                "DELETE FROM basket_items WHERE basket_id = %s AND position = %s",
                (basket_id, position),
            )
            self._renumber(basket_id, self._positions(basket_id))

    def delete_basket(self, basket_id: int) -> None:
        """Delete a basket and its items."""
        with self.atomic():
            self._execute("DELETE FROM baskets WHERE id = %s", (basket_id,))

    # --- near-duplicates and law versions (issue 6): read from the primary, as an import ---

    def iter_sketches(self) -> Iterator[tuple[int, bytes]]:
        """``(article_id, sketch)`` of every sketched article (128 little-endian uint32)."""
        after = 0
        while True:
            rows = self._fetch(
                "SELECT article_id, sketch FROM article_sketches "
                "WHERE sketch IS NOT NULL AND article_id > %s ORDER BY article_id LIMIT 4096",
                (after,),
                primary=True,
            )
            if not rows:
                return
            for article_id, sketch in rows:
                yield int(article_id), bytes(sketch)
            after = rows[-1][0]

    def iter_unsketched(self, batch: int = 200) -> Iterator[list[ArticleText]]:
        """The articles without a sketch, in id order, in batches.

        Each batch is read afresh, so sketching a batch before asking for the next is fine.
        """
        from sucai.store.records import ArticleText

        after = 0
        while True:
            heads = self._fetch(
                "SELECT a.id, a.title, a.genre, a.issued_on, a.year FROM articles a "
                "LEFT JOIN article_sketches k ON k.article_id = a.id "
                "WHERE k.article_id IS NULL AND a.id > %s ORDER BY a.id LIMIT %s",
                (after, batch),
                primary=True,
            )
            if not heads:
                return
            texts: dict[int, list[str]] = {}
            for aid, text in self._fetch(
                "SELECT article_id, text FROM paragraphs WHERE article_id BETWEEN %s AND %s "
                "ORDER BY article_id, idx",
                (heads[0][0], heads[-1][0]),
                primary=True,
            ):
                texts.setdefault(aid, []).append(text)
            yield [
                ArticleText(aid, title, genre, issued_on, year, tuple(texts.get(aid, ())))
                for aid, title, genre, issued_on, year in heads
            ]
            after = heads[-1][0]

    def set_sketch(
        self, article_id: int, sketch: bytes | None, title_key: str, version: str | None
    ) -> None:
        """Store (or replace) an article's sketch, normalised title and law version."""
        with self.atomic():
            self._execute(
                "INSERT INTO article_sketches (article_id, sketch, title_key, version) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (article_id) DO UPDATE SET "
                "sketch = excluded.sketch, title_key = excluded.title_key, "
                "version = excluded.version",
                (article_id, sketch, title_key, version),
            )

    def same_title(self, title_key: str, genre: str) -> list[tuple[int, str | None]]:
        """``(article_id, version)`` of the sketched articles of a genre with this title."""
        rows = self._fetch(
            "SELECT k.article_id, k.version FROM article_sketches k "
            "JOIN articles a ON a.id = k.article_id WHERE k.title_key = %s AND a.genre = %s "
            "ORDER BY k.article_id",
            (title_key, genre),
            primary=True,
        )
        return [(int(r[0]), r[1]) for r in rows]

    def link_articles(self, article_id: int, other_id: int, kind: str) -> None:
        """Relate two distinct articles (``kind="version"``); idempotent."""
        low, high = sorted((article_id, other_id))
        with self.atomic():
            self._execute(
                "INSERT INTO article_links (article_id, other_id, kind) VALUES (%s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                (low, high, kind),
            )

    def article_text(self, article_id: int) -> ArticleText:
        """An article's title, genre, date and paragraph texts.

        Raises:
            NotFoundError: no article has this id.
        """
        from sucai.store.records import ArticleText

        row = self._one(
            "SELECT id, title, genre, issued_on, year FROM articles WHERE id = %s",
            (article_id,),
            primary=True,
        )
        if row is None:
            raise NotFoundError(
                f"no article {article_id} in {self.where}. `sucai list` shows the ids."
            )
        texts = self._fetch(
            "SELECT text FROM paragraphs WHERE article_id = %s ORDER BY idx",
            (article_id,),
            primary=True,
        )
        return ArticleText(row[0], row[1], row[2], row[3], row[4], tuple(r[0] for r in texts))

    _COPY_SELECT = (
        "SELECT m.id, m.article_id, m.title, m.similarity, f.path, m.position, m.merged_at "
        "FROM merged_copies m JOIN files f ON f.id = m.file_id"
    )

    def merged_copies(self, article_id: int | None = None) -> list[MergedCopy]:
        """The copies of one canonical article (of all when ``None``), by article and id."""
        from sucai.store.records import MergedCopy

        where, params = (
            ("", ()) if article_id is None else (" WHERE m.article_id = %s", (article_id,))
        )
        rows = self._fetch(
            f"{self._COPY_SELECT}{where} ORDER BY m.article_id, m.id", params, primary=True
        )
        return [MergedCopy(*r) for r in rows]

    def merged_copy(self, copy_id: int) -> MergedCopy:
        """One copy.

        Raises:
            NotFoundError: no copy has this id.
        """
        from sucai.store.records import MergedCopy

        row = self._one(f"{self._COPY_SELECT} WHERE m.id = %s", (copy_id,), primary=True)
        if row is None:
            raise NotFoundError(
                f"no merged copy {copy_id} in {self.where}. `sucai duplicates` lists the copies."
            )
        return MergedCopy(*row)

    def set_copy_similarity(self, copy_id: int, similarity: float) -> None:
        """Record a copy's similarity to its (new) canonical text."""
        with self.atomic():
            self._execute(
                "UPDATE merged_copies SET similarity = %s WHERE id = %s", (similarity, copy_id)
            )

    def _copy_row(self, copy_id: int) -> tuple[int, int, int, bytes]:
        """``(article_id, file_id, position, packed article)`` of a copy."""
        self.merged_copy(copy_id)  # NotFoundError with the message
        row = self._one(
            "SELECT article_id, file_id, position, article FROM merged_copies WHERE id = %s",
            (copy_id,),
            primary=True,
        )
        return int(row[0]), int(row[1]), int(row[2]), bytes(row[3])

    def copy_text(self, copy_id: int) -> ArticleText:
        """A merged copy's title, genre, date and paragraph texts; raises NotFoundError."""
        from sucai.store.records import ArticleText

        draft, _ = _unpack(self._copy_row(copy_id)[3])
        return ArticleText(
            copy_id,
            draft.title,
            draft.genre,
            draft.issued_on,
            draft.year,
            tuple(p.text for p in draft.paragraphs),
        )

    def _check_new_text(self, key: str, copy_id: int) -> None:
        row = self._one("SELECT id FROM articles WHERE content_hash = %s", (key,), primary=True)
        if row is not None:
            raise UserError(
                f"copy {copy_id} has the same title and text as article {row[0]}; "
                f"nothing to do (see `sucai show {row[0]}`)."
            )

    def _replace_text(
        self, article_id: int, draft: ArticleDraft, key: str, corrections: list[Correction]
    ) -> None:
        """Give an article another title and text (its id, sources and baskets stay)."""
        self._execute("DELETE FROM paragraphs WHERE article_id = %s", (article_id,))
        self._execute("DELETE FROM outline WHERE article_id = %s", (article_id,))
        self._execute("DELETE FROM corrections WHERE article_id = %s", (article_id,))
        self._execute(
            "UPDATE articles SET content_hash = %s, title = %s, role = %s, genre = %s, "
            "issued_on = %s, year = %s, doc_number = %s, issuer = %s, chars = %s WHERE id = %s",
            (
                key,
                draft.title,
                draft.role,
                draft.genre,
                draft.issued_on,
                draft.year,
                draft.doc_number,
                draft.issuer,
                sum(len(p.text) for p in draft.paragraphs),
                article_id,
            ),
        )
        self._insert_text(article_id, draft)
        self.add_corrections(article_id=article_id, file_id=None, corrections=tuple(corrections))
        self._heads.pop(article_id, None)
        self._paths.clear()

    def keep_copy(self, copy_id: int) -> int:
        """Make a copy the canonical text of its article; return the article id.

        The article keeps its id, sources and basket items. Its old text becomes a copy, once
        for each source that had exactly that text.

        Raises:
            NotFoundError: no copy has this id.
            UserError: the copy's text is already another article.
        """
        from sucai.store.records import Merge

        with self.atomic():
            self._execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            article_id, _file, _position, blob = self._copy_row(copy_id)
            draft, corrections = _unpack(blob)
            key = content_hash(draft)
            self._check_new_text(key, copy_id)
            article = self.get_article(article_id)
            old = ArticleDraft(
                title=article.title,
                role=article.role,
                genre=article.genre,
                issued_on=article.issued_on,
                year=article.year,
                paragraphs=article.paragraphs,
                outline=article.outline,
                doc_number=article.doc_number,
                issuer=article.issuer,
            )
            old_key = self._one(
                "SELECT content_hash FROM articles WHERE id = %s", (article_id,), primary=True
            )[0]
            kept_as = Merge(
                self.merged_copy(copy_id).similarity,
                corrections=tuple(self.corrections(article_id)),
            )
            now = utc_now()
            self._execute("DELETE FROM merged_copies WHERE id = %s", (copy_id,))
            self._replace_text(article_id, draft, key, corrections)
            for source in article.sources:
                if source.copy_id is None:
                    old_here = replace(old, position=source.position)
                    self._insert_copy(article_id, source.file_id, old_here, old_key, kept_as, now)
        return article_id

    def split_copy(self, copy_id: int) -> int:
        """Turn a copy into an article of its own; return the new article's id.

        Raises:
            NotFoundError: no copy has this id.
            UserError: the copy's text is already another article.
        """
        with self.atomic():
            self._execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            article_id, file_id, position, blob = self._copy_row(copy_id)
            draft, corrections = _unpack(blob)
            key = content_hash(draft)
            self._check_new_text(key, copy_id)
            self._execute("DELETE FROM merged_copies WHERE id = %s", (copy_id,))
            (path,) = self._one("SELECT path FROM files WHERE id = %s", (file_id,), primary=True)
            new_id = self._insert_article(draft, key, utc_now(), source_folder(path))
            self._execute(
                "UPDATE article_sources SET article_id = %s "
                "WHERE article_id = %s AND file_id = %s AND position = %s",
                (new_id, article_id, file_id, position),
            )
            self.add_corrections(article_id=new_id, file_id=None, corrections=tuple(corrections))
        return new_id

    def law_versions(self, article_id: int | None = None) -> list[list[LawVersion]]:
        """Groups of linked law versions (the one of ``article_id``, or all).

        Each group is ordered by version date (undated last), then id; groups by their
        first article.
        """
        from sucai.store.records import LawVersion

        if article_id is None:
            links = self._fetch(
                "SELECT article_id, other_id FROM article_links WHERE kind = 'version' "
                "ORDER BY article_id, other_id",
                primary=True,
            )
        else:
            links = self._fetch(
                "WITH RECURSIVE g(id) AS (SELECT %s::bigint UNION SELECT CASE "
                "WHEN l.article_id = g.id THEN l.other_id ELSE l.article_id END "
                "FROM article_links l JOIN g "
                "ON (l.article_id = g.id OR l.other_id = g.id) AND l.kind = 'version') "
                "SELECT l.article_id, l.other_id FROM article_links l "
                "WHERE l.kind = 'version' AND l.article_id IN (SELECT id FROM g) "
                "ORDER BY l.article_id, l.other_id",
                (article_id,),
                primary=True,
            )
        parent: dict[int, int] = {}

        def root(node: int) -> int:
            while parent.setdefault(node, node) != node:
                node = parent[node]
            return node

        for low, high in links:
            parent[root(int(high))] = root(int(low))
        groups: dict[int, list[int]] = {}
        for node in parent:
            groups.setdefault(root(node), []).append(node)
        found = self._fetch(
            "SELECT a.id, a.title, k.version, a.issued_on FROM articles a "
            "LEFT JOIN article_sketches k ON k.article_id = a.id "
            "WHERE a.id = ANY(%s::bigint[])",
            (list(parent),),
            primary=True,
        )
        rows = {r[0]: LawVersion(*r) for r in found}
        out = [
            sorted(
                (rows[i] for i in members if i in rows),
                key=lambda v: (v.version is None, v.version or "", v.article_id),
            )
            for members in groups.values()
        ]
        return sorted((g for g in out if len(g) > 1), key=lambda g: min(v.article_id for v in g))
