"""The library's storage: ``open_store(url)`` opens a SQLite file or a ``postgresql://`` URL as
a :class:`Store`. The records it returns (:mod:`sucai.store.records`) are importable from here.
"""

from __future__ import annotations

from pathlib import Path

from sucai.errors import ConfigError, StoreError
from sucai.i18n import N_
from sucai.store import records
from sucai.store.records import *  # noqa: F403  (the records are part of this package's API)
from sucai.store.sql import Store
from sucai.store.sqlite import SqliteStore

__all__ = ["Store", "is_postgres_url", "open_store"]
__all__ += records.__all__


def is_postgres_url(url: str | Path) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) URL, False for a file path."""
    return str(url).startswith(("postgresql://", "postgres://"))


def open_store(url: str | Path, *, read_url: str | None = None, create: bool = True) -> Store:
    """Open (creating if needed) the library at ``url``.

    Args:
        url: a file path (SQLite), or ``postgresql://USER@HOST[:PORT]/DATABASE``.
        read_url: PostgreSQL only: a streaming replica of ``url`` that serves the
            library's reads and searches (``SUCAI_DB_READ``); writes go to ``url``.
        create: make a new, empty SQLite library when no file is at ``url``; with
            ``False`` a missing file is a :class:`StoreError` (a mistyped path is not taken
            for an empty library).

    Raises:
        ConfigError: a bad URL, a read URL for SQLite, or psycopg is not installed.
        StoreUnavailableError: the PostgreSQL server cannot be reached.
        StoreError: the file cannot be opened as a library.
    """
    text = str(url)
    if read_url and not is_postgres_url(read_url):
        raise ConfigError(
            f"db_read: '{read_url}' is not a postgresql:// URL. A read replica needs a "
            "PostgreSQL library; leave SUCAI_DB_READ empty for SQLite."
        )
    if not is_postgres_url(text):
        if read_url:
            raise ConfigError(
                "db_read: a read replica needs a PostgreSQL library (--db postgresql://…); "
                "a SQLite file serves its own reads. Leave SUCAI_DB_READ empty."
            )
        if not create and not Path(text).exists():
            raise StoreError.of(
                N_(
                    "There is no library at {db}. Check the path (--db or SUCAI_DB), or "
                    "import material into it first: sucai import --db {db} PATH …"
                ),
                db=text,
            )
        return SqliteStore(text)
    try:
        from sucai.store.postgres import PostgresStore
    except ImportError:
        raise ConfigError(
            "db: PostgreSQL libraries need psycopg. Install it with: pip install 'sucai[postgres]'"
        ) from None
    return PostgresStore(text, read_url=read_url)
