"""SqlTables: whole tables read and written as rows, ids and all (``sucai migrate``, issue 7).

The statements are built once here; a backend adds what differs: its list of tables, a
read snapshot, streaming, a bulk insert where it has a faster one, and how its ids go on.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import TYPE_CHECKING, Any

from sucai.store.base import SqlBase

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from contextlib import AbstractContextManager

__all__ = ["SqlTables", "quote"]


def quote(name: str) -> str:
    """A quoted identifier (``offset`` is a keyword of PostgreSQL)."""
    return '"' + name.replace('"', '""') + '"'


def _names(columns: Sequence[str]) -> str:
    # ``rowid`` unquoted: quoted, SQLite would look for a real column of that name.
    return ", ".join(c if c == "rowid" else quote(c) for c in columns)


class SqlTables(SqlBase):
    """Tables as rows, for copying a whole library between backends."""

    @abstractmethod
    def table_names(self) -> set[str]:
        """The names of the library's tables, bookkeeping included."""

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[None]:
        """A block in which every read sees the library as of one moment."""

    @abstractmethod
    def _stream(self, sql: str, batch: int) -> Iterator[list[tuple[Any, ...]]]:
        """The rows of ``sql`` a batch at a time (inside :meth:`snapshot`)."""

    def continue_ids(self, identities: Sequence[tuple[str, str]]) -> None:
        """After rows were inserted with their ids: new rows of each ``(table, column)`` get
        ids above the largest one (inside ``atomic()``); SQLite does so by itself."""

    def count_rows(self, table: str) -> int:
        """How many rows ``table`` holds."""
        return self._count(f"SELECT count(*) FROM {quote(table)}", primary=True)

    def table_rows(
        self, table: str, columns: Sequence[str], key: int, batch: int
    ) -> Iterator[list[tuple[Any, ...]]]:
        """The ``columns`` of every row of ``table`` ordered by its first ``key`` columns, a
        batch at a time (inside :meth:`snapshot`)."""
        order = _names(columns[:key])
        yield from self._stream(
            f"SELECT {_names(columns)} FROM {quote(table)} ORDER BY {order}", batch
        )

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Any]) -> None:
        """Insert ``rows`` (values of ``columns``) as they are (inside ``atomic()``)."""
        marks = ", ".join("?" * len(columns))
        self._executemany(f"INSERT INTO {quote(table)} ({_names(columns)}) VALUES ({marks})", rows)
