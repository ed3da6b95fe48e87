"""Ordered schema migrations, recorded in ``_sucai_migrations``.

Add a new decorated function for every schema change; never edit one that has shipped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migration"]

Migration = tuple[str, "Callable[[sqlite3.Connection], None]"]
MIGRATIONS: list[Migration] = []


def migration(fn: Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
    """Register ``fn`` as the next migration."""
    MIGRATIONS.append((fn.__name__, fn))
    return fn


def _run(db: sqlite3.Connection, script: str) -> None:
    """Run DDL statements one by one: ``executescript`` would commit the open transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


@migration
def m001_initial(db: sqlite3.Connection) -> None:
    """Files, articles (deduplicated by content), their sources, paragraphs and outline."""
    _run(
        db,
        """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE files (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            encoding TEXT,
            title TEXT NOT NULL,
            header TEXT NOT NULL,
            declared_count INTEGER,
            article_count INTEGER NOT NULL,
            notes TEXT NOT NULL,
            imported_at TEXT NOT NULL
        );
        CREATE TABLE removed_lines (
            file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
            line INTEGER NOT NULL,
            text TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        CREATE INDEX removed_lines_file ON removed_lines(file_id);
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            role TEXT,
            genre TEXT NOT NULL,
            issued_on TEXT,
            year INTEGER,
            doc_number TEXT,
            issuer TEXT,
            chars INTEGER NOT NULL,
            added_at TEXT NOT NULL
        );
        CREATE INDEX articles_genre ON articles(genre);
        CREATE INDEX articles_year ON articles(year);
        CREATE TABLE article_sources (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            PRIMARY KEY (article_id, file_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX article_sources_file ON article_sources(file_id);
        CREATE TABLE paragraphs (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            text TEXT NOT NULL,
            paid INTEGER NOT NULL,
            heading INTEGER NOT NULL,
            section INTEGER,
            UNIQUE (article_id, idx)
        );
        CREATE TABLE outline (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            level INTEGER NOT NULL,
            text TEXT NOT NULL,
            paragraph INTEGER NOT NULL,
            parent INTEGER,
            kind TEXT NOT NULL,
            PRIMARY KEY (article_id, idx)
        ) WITHOUT ROWID;
        """,
    )


SCHEMA_VERSION: Final = len(MIGRATIONS)
