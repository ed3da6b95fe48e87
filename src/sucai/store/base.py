"""SqlBase: what the SQL both stores share stands on, and the helpers it uses.

The shared SQL (one module a concern: ``articles``, ``accounts``, ``jobs``, ``baskets``,
``copies``, ``changes``, composed into :class:`~sucai.store.sql.Store`) is written with
``?`` placeholders and runs unchanged on SQLite and PostgreSQL;
:class:`~sucai.store.postgres.PostgresStore` turns ``?`` into ``%s`` in one place (its
``_fetch``/``_execute``). What truly differs stays in the backends: connections and pools,
locking and ``atomic()``, ids of new rows (``lastrowid`` or ``RETURNING``), membership in a
list of ids, backup, and errors.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from abc import ABC, abstractmethod
from dataclasses import astuple, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol, Self, TypeVar

from sucai.models import ArticleDraft, OutlineEntry, Paragraph
from sucai.store.records import (
    ArticleFilter,
    ArticleHead,
    AuditEntry,
    Correction,
    ImportJobRow,
    User,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from contextlib import AbstractContextManager


__all__ = ["SqlBase", "content_hash", "utc_now"]

T = TypeVar("T")


def columns(record: type[Any], alias: str = "") -> str:
    """The columns a record is read from: its fields' names in order (``alias.`` before each)."""
    return ", ".join(f"{alias}.{f.name}" if alias else f.name for f in fields(record))


AUDIT_COLUMNS: Final = columns(AuditEntry)
USER_COLUMNS: Final = columns(User)
#: The columns :func:`job_from_row` reads, in order (on ``import_jobs j``).
JOB_COLUMNS: Final = (
    "j.id, j.user_name, j.names, j.state, j.total, "
    "(SELECT count(*) FROM import_job_files f WHERE f.job_id = j.id), "
    "j.error, j.report, j.host, j.pid, j.created_at, j.updated_at"
)


def utc_now() -> str:
    """The time stored with rows: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def download_sql() -> str:
    """The INSERT of a ``download`` line of the audit log that inserts nothing when the account
    already has ``quota`` downloads since ``since``.

    Parameters, in order: ``at, user_id, user_name, target, format, ip, code, user_id, since,
    quota``. The store runs it where no other download of the account can commit meanwhile.
    """
    values = "?, ?, ?, 'download', ?, ?, ?, ?"
    return (
        "INSERT INTO audit_log (at, user_id, user_name, action, target, format, ip, code) "
        f"SELECT {values} WHERE (SELECT count(*) FROM audit_log WHERE user_id = ? "
        "AND action = 'download' AND at >= ?) < ?"
    )


def where_sql(where: ArticleFilter | None) -> tuple[str, list[Any]]:
    """``(" WHERE …", params)`` for an article filter on table alias ``a``."""
    if where is None:
        return "", []
    tests = (
        ("a.genre = ?", where.genre),
        ("a.role = ?", where.role),
        ("a.source = ?", where.source),
        ("a.year >= ?", where.year_from),
        ("a.year <= ?", where.year_to),
    )
    given = [(test, value) for test, value in tests if value is not None]
    if not given:
        return "", []
    return " WHERE " + " AND ".join(t for t, _ in given), [v for _, v in given]


def user_from_row(row: Sequence[Any] | None) -> User | None:
    """A :class:`User` from a row of :data:`USER_COLUMNS` (``disabled`` is stored as 0/1)."""
    if row is None:
        return None
    return User(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]))


def job_from_row(row: Sequence[Any], files: tuple[dict[str, Any], ...] = ()) -> ImportJobRow:
    """An :class:`ImportJobRow` from a row of :data:`JOB_COLUMNS` (and its files' reports)."""
    return ImportJobRow(
        id=row[0],
        user_name=row[1],
        names=tuple(json.loads(row[2])),
        state=row[3],
        total=row[4],
        done=int(row[5]),
        error=row[6],
        report=json.loads(row[7]) if row[7] is not None else None,
        files=files,
        host=row[8],
        pid=row[9],
        created_at=row[10],
        updated_at=row[11],
    )


#: Entries kept in each of the caches of unchanging article data (heads, outline paths).
_CACHE_LIMIT = 200_000


def content_hash(draft: ArticleDraft) -> str:
    """The key under which an article is stored once: its title and paragraph texts."""
    digest = hashlib.sha256(draft.title.encode())
    for paragraph in draft.paragraphs:
        digest.update(b"\n")
        digest.update(paragraph.text.encode())
    return digest.hexdigest()


#: The columns of ``articles`` written from an :class:`ArticleDraft`: its fields of the same
#: names (``attachments`` one a line); a new field of the draft that ``articles`` keeps is
#: added here (and to the schema, ``migrations.py``).
DRAFT_COLUMNS: Final = (
    "title",
    "role",
    "genre",
    "issued_on",
    "year",
    "doc_number",
    "issuer",
    "addressee",
    "signer",
    "attachments",
)


def draft_values(draft: ArticleDraft) -> tuple[Any, ...]:
    """The values of :data:`DRAFT_COLUMNS` for a draft, in order."""
    values = [getattr(draft, column) for column in DRAFT_COLUMNS]
    values[DRAFT_COLUMNS.index("attachments")] = "\n".join(draft.attachments)
    return tuple(values)


def _pack(draft: ArticleDraft, corrections: Iterable[Correction]) -> bytes:
    """A whole article and its hygiene corrections as zlib-compressed JSON (a merged copy):
    the draft's fields by name; paragraphs, outline entries and corrections as lists of their
    fields, in order."""
    data = {field.name: getattr(draft, field.name) for field in fields(draft)}
    data["paragraphs"] = [astuple(p) for p in draft.paragraphs]
    data["outline"] = [astuple(e) for e in draft.outline]
    data["corrections"] = [astuple(c) for c in corrections]
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 6)


def _unpack(blob: bytes) -> tuple[ArticleDraft, list[Correction]]:
    """The inverse of :func:`_pack` (copies packed before a field existed get its default)."""
    data = json.loads(zlib.decompress(blob))
    corrections = [Correction(*c) for c in data.pop("corrections")]
    data["paragraphs"] = tuple(Paragraph(*p) for p in data["paragraphs"])
    data["outline"] = tuple(OutlineEntry(*e) for e in data["outline"])
    data["attachments"] = tuple(data.get("attachments", ()))
    return ArticleDraft(**data), corrections


#: Facet name → column of ``articles a``, for browse counts.
FACET_COLUMNS: Final = (
    ("genre", "a.genre"),
    ("role", "a.role"),
    ("year", "a.year"),
    ("source", "a.source"),
)


#: The columns of ``articles`` an :class:`~sucai.models.Article` takes (its fields of the
#: same names).
_ARTICLE_COLUMNS: Final = ("id", *DRAFT_COLUMNS, "chars", "added_at")
_SUMMARY_SQL: Final = (
    "SELECT a.id, a.title, a.role, a.genre, a.issued_on, a.year, a.chars, a.added_at, "
    "(SELECT count(*) FROM paragraphs p WHERE p.article_id = a.id), "
    "(SELECT count(*) FROM article_sources s WHERE s.article_id = a.id) FROM articles a"
)


class Cursor(Protocol):
    """What a write returns on both backends."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...


class SqlBase(ABC):
    """The shared half of SqliteStore and PostgresStore (see the module's docstring).

    A backend provides ``atomic()``, ``_fetch``, ``_execute``, ``_executemany``,
    ``_insert_id``, ``_fetch_in``, ``_lock_writes`` and ``_lock_account``; the SQL built on
    them is written once, in the concern modules.
    """

    #: Where the library is, for messages (a file path, or ``host:port/database``).
    where: str
    #: Appended to a SELECT that reads rows it will change (PostgreSQL: `` FOR UPDATE``;
    #: SQLite's ``BEGIN IMMEDIATE`` already holds the whole file).
    _lock_rows: ClassVar[str] = ""
    #: What ``LIMIT ?`` takes for "no limit" (SQLite: -1; PostgreSQL: NULL).
    _NO_LIMIT: ClassVar[int | None] = None

    def __init__(self, where: str) -> None:
        self.where = where
        # Stored articles never change: their heads and outline paths are kept for searches.
        self._heads: dict[int, ArticleHead] = {}
        self._paths: dict[tuple[int, int], tuple[tuple[str, bool], ...]] = {}

    # --- what each backend provides ----------------------------------------------------------

    @abstractmethod
    def atomic(self) -> AbstractContextManager[Self]:
        """A write transaction (savepoints when nested)."""

    @abstractmethod
    def _fetch(
        self, sql: str, params: Sequence[Any] = (), *, primary: bool = False
    ) -> list[tuple[Any, ...]]:
        """Rows of one query (``primary``: not from a read replica)."""

    @abstractmethod
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one write (inside ``atomic()``)."""

    @abstractmethod
    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one write for each of ``rows`` (inside ``atomic()``)."""

    @abstractmethod
    def _insert_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run one INSERT of a row and return its new ``id``."""

    @abstractmethod
    def _fetch_in(
        self, sql: str, ids: Sequence[int], params: Sequence[Any] = (), *, primary: bool = False
    ) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` whose ``{}`` (after a column) is the test that the column is one of
        ``ids``; ``params`` are bound before the ids."""

    @abstractmethod
    def _lock_writes(self) -> None:
        """Make the open transaction the only one writing files and merged copies."""

    @abstractmethod
    def _lock_account(self, user_id: int) -> None:
        """Make the open transaction the only one counting this account's downloads."""

    # --- shared helpers ----------------------------------------------------------------------

    def _one(self, sql: str, params: Sequence[Any] = (), *, primary: bool = False) -> Any:
        """The first row of a query, or ``None``."""
        rows = self._fetch(sql, params, primary=primary)
        return rows[0] if rows else None

    def _pages(
        self, sql: str, batch: int, *, after: int = 0, primary: bool = False
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of ``sql`` (``… > ? ORDER BY <its first column> LIMIT ?``) a batch at a
        time, each batch read afresh after the last row's first column: no connection is held
        between batches, and changes made meanwhile to later rows are seen."""
        while rows := self._fetch(sql, (after, batch), primary=primary):
            yield rows
            after = rows[-1][0]

    def _records(
        self,
        record: Callable[..., T],
        sql: str,
        params: Sequence[Any] = (),
        *,
        primary: bool = False,
    ) -> list[T]:
        """``record(*row)`` for each row of a query."""
        return [record(*row) for row in self._fetch(sql, params, primary=primary)]

    def _grouped(
        self,
        sql: str,
        ids: Sequence[int],
        make: Callable[..., T],
        *,
        primary: bool = False,
    ) -> dict[int, list[T]]:
        """``make(*rest)`` for each row ``(id, *rest)`` of ``sql`` (see :meth:`_fetch_in`), in
        order, grouped by id; every one of ``ids`` has a list, empty when it has no rows."""
        out: dict[int, list[T]] = {i: [] for i in ids}
        if ids:
            for key, *rest in self._fetch_in(sql, ids, primary=primary):
                out[key].append(make(*rest))
        return out

    def _write(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one write in a transaction of its own (or as part of the open one)."""
        with self.atomic():
            return self._execute(sql, params)

    def _count(self, sql: str, params: Sequence[Any] = (), *, primary: bool = False) -> int:
        """The integer in the first column of the first row."""
        return int(self._fetch(sql, params, primary=primary)[0][0])
