"""SqlStore: the SQL both stores share, composed from one part a concern."""

from __future__ import annotations

from sucai.store.accounts import SqlAccounts
from sucai.store.baskets import SqlBaskets
from sucai.store.changes import SqlChanges
from sucai.store.copies import SqlCopies
from sucai.store.jobs import SqlJobs

__all__ = ["SqlStore"]


class SqlStore(SqlCopies, SqlAccounts, SqlBaskets, SqlJobs, SqlChanges):
    """Every query of :class:`~sucai.store.Store` (SqliteStore and PostgresStore add the
    connections, transactions and the few statements that differ; see
    :mod:`sucai.store.base`)."""
