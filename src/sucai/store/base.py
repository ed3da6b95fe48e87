"""SqlBase: what the shared SQL stands on, and its helpers.

The SQL (a module a concern, composed into :class:`~sucai.store.sql.Store`) is written once
with ``?`` placeholders and runs on SQLite and PostgreSQL. What truly differs stays in the
backends: connections, locking and ``atomic()``, ids of new rows, ``IN`` lists, backup, errors.
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
from sucai.store.records import ArticleFilter, ArticleHead, Correction

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence
    from contextlib import AbstractContextManager


__all__ = ["SqlBase", "content_hash", "utc_now"]

T = TypeVar("T")


def columns(record: type[Any], alias: str = "") -> str:
    """The columns a record is read from: its fields' names in order (``alias.`` before each)."""
    return ", ".join(f"{alias}.{f.name}" if alias else f.name for f in fields(record))


def utc_now() -> str:
    """The time stored with rows: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def where_sql(where: ArticleFilter | None) -> tuple[str, list[Any]]:
    """``(" WHERE …", params)`` for an article filter on table alias ``a``."""
    w = where or ArticleFilter()
    tests = (
        ("a.genre = ?", w.genre),
        ("a.role = ?", w.role),
        ("a.source = ?", w.source),
        ("a.year >= ?", w.year_from),
        ("a.year <= ?", w.year_to),
    )
    given = [(test, value) for test, value in tests if value is not None]
    clause = " WHERE " + " AND ".join(t for t, _ in given) if given else ""
    return clause, [v for _, v in given]


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


class Cursor(Protocol):
    """What a write returns on both backends."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...


class SqlBase(ABC):
    """The shared half of SqliteStore and PostgresStore: a backend provides the abstract
    methods below, the concern modules build their SQL on them."""

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
