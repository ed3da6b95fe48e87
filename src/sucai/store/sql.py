"""Store: every query of the library, written once for SQLite and PostgreSQL."""

from __future__ import annotations

from abc import abstractmethod

from sucai.store.accounts import SqlAccounts
from sucai.store.baskets import SqlBaskets
from sucai.store.changes import SqlChanges
from sucai.store.copies import SqlCopies
from sucai.store.desk import SqlDesk
from sucai.store.jobs import SqlJobs
from sucai.store.stock import SqlStockPhrases
from sucai.store.tables import SqlTables
from sucai.store.updates import SqlUpdates

__all__ = ["Store"]


class Store(
    SqlCopies,
    SqlAccounts,
    SqlBaskets,
    SqlDesk,
    SqlJobs,
    SqlChanges,
    SqlTables,
    SqlStockPhrases,
    SqlUpdates,
):
    """What the pipeline and the library need from a storage backend, a mixin a concern, each
    method documented once beside its SQL; :class:`~sucai.store.sqlite.SqliteStore` and
    :class:`~sucai.store.postgres.PostgresStore` add what differs (see :mod:`sucai.store.base`).
    """

    @abstractmethod
    def close(self) -> None:
        """Close the store's connections."""

    @abstractmethod
    def reader(self) -> Store:
        """This store for another thread (reads only; caches shared)."""
