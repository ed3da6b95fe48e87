"""Store: every query of the library, written once for SQLite and PostgreSQL."""

from __future__ import annotations

from abc import abstractmethod

from sucai.store.accounts import SqlAccounts
from sucai.store.baskets import SqlBaskets
from sucai.store.changes import SqlChanges
from sucai.store.copies import SqlCopies
from sucai.store.jinju import SqlJinju
from sucai.store.jobs import SqlJobs
from sucai.store.tables import SqlTables

__all__ = ["Store"]


class Store(SqlCopies, SqlAccounts, SqlBaskets, SqlJobs, SqlChanges, SqlTables, SqlJinju):
    """What the pipeline and the library need from a storage backend, one part a concern:
    files and articles (with near-duplicate copies), accounts, baskets, import jobs, what the
    search index takes in, 金句 and 提法 counts, and whole tables (``sucai migrate``). Each
    method is documented once, beside its SQL.

    :class:`~sucai.store.sqlite.SqliteStore` and :class:`~sucai.store.postgres.PostgresStore`
    add the connections, transactions and the few statements that differ (see
    :mod:`sucai.store.base`).
    """

    @abstractmethod
    def close(self) -> None:
        """Close the store's connections."""

    @abstractmethod
    def reader(self) -> Store:
        """This store for another thread (reads only; caches shared)."""
