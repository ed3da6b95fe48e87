"""SqliteStore: the library as one SQLite file. All of sucai's SQL lives in ``store/``."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sucai.errors import NotFoundError, SchemaVersionError, StoreError
from sucai.models import Article, ArticleSource, OutlineEntry, Paragraph
from sucai.store.migrations import MIGRATIONS, SCHEMA_VERSION

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sucai.models import ArticleDraft, Compilation, RemovedLine
    from sucai.store import (
        ArticleFilter,
        ArticleSummary,
        IndexArticle,
        ParagraphRow,
        StoredFile,
    )

__all__ = ["SqliteStore", "content_hash"]


def content_hash(draft: ArticleDraft) -> str:
    """The key under which an article is stored once: its title and paragraph texts."""
    digest = hashlib.sha256(draft.title.encode())
    for paragraph in draft.paragraphs:
        digest.update(b"\n")
        digest.update(paragraph.text.encode())
    return digest.hexdigest()


def _where(where: ArticleFilter | None) -> tuple[str, list[Any]]:
    """``(" WHERE …", params)`` for an article filter on table alias ``a``."""
    if where is None:
        return "", []
    parts: list[str] = []
    params: list[Any] = []
    for column, value in (("a.genre", where.genre), ("a.role", where.role)):
        if value is not None:
            parts.append(f"{column} = ?")
            params.append(value)
    if where.year_from is not None:
        parts.append("a.year >= ?")
        params.append(where.year_from)
    if where.year_to is not None:
        parts.append("a.year <= ?")
        params.append(where.year_to)
    return (" WHERE " + " AND ".join(parts), params) if parts else ("", [])


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class SqliteStore:
    """A library in one SQLite file (WAL mode).

    Args:
        path: the library file; created (with its folder) when missing.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path} is a folder; give a file name such as library.db.")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE in atomic()).
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            # WAL: readers (searches, the web app) never wait for an import's writes.
            self.db.execute("PRAGMA journal_mode=WAL")
            # Wait up to 5 s for another writer instead of failing with "database is locked".
            self.db.execute("PRAGMA busy_timeout=5000")
            # NORMAL is durable across application crashes in WAL mode, and much faster.
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a sucai library ({exc}). Give another --db file, "
                "or move this one away."
            ) from None
        self._depth = 0

    def _migrate(self) -> None:
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS _sucai_migrations "
            "(id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
        )
        done = {row[0] for row in self.db.execute("SELECT name FROM _sucai_migrations")}
        known = {name for name, _ in MIGRATIONS}
        if done - known:
            raise SchemaVersionError(
                f"{self.path} was written by a newer sucai (schema steps "
                f"{', '.join(sorted(done - known))}). Upgrade sucai to open it."
            )
        for number, (name, fn) in enumerate(MIGRATIONS, 1):
            if name in done:
                continue
            self.db.execute("BEGIN IMMEDIATE")
            try:
                fn(self.db)
                self.db.execute(
                    "INSERT INTO _sucai_migrations (id, name, applied_at) VALUES (?, ?, ?)",
                    (number, name, _now()),
                )
                self.db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    @contextmanager
    def atomic(self) -> Iterator[SqliteStore]:
        """A write transaction; nested blocks use savepoints.

        The outer block takes the write lock at once (``BEGIN IMMEDIATE``) so that a
        concurrent writer waits at the start rather than failing half-way.
        """
        if self._depth == 0:
            self.db.execute("BEGIN IMMEDIATE")
        else:
            self.db.execute(f"SAVEPOINT sp{self._depth}")
        self._depth += 1
        try:
            yield self
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.db.execute("ROLLBACK")
            else:
                self.db.execute(f"ROLLBACK TO sp{self._depth}")
                self.db.execute(f"RELEASE sp{self._depth}")
            raise
        self._depth -= 1
        if self._depth == 0:
            self.db.execute("COMMIT")
        else:
            self.db.execute(f"RELEASE sp{self._depth}")

    def close(self) -> None:
        """Close the connection (the WAL is checkpointed by SQLite)."""
        self.db.close()

    # --- files -------------------------------------------------------------------------------

    def has_file(self, sha256: str) -> bool:
        """True when a file with these bytes was imported before."""
        row = self.db.execute("SELECT 1 FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    def file_articles(self, sha256: str) -> tuple[int, ...]:
        """Article ids of a stored file, in order."""
        rows = self.db.execute(
            "SELECT s.article_id FROM article_sources s JOIN files f ON f.id = s.file_id "
            "WHERE f.sha256 = ? ORDER BY s.position",
            (sha256,),
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
    ) -> tuple[tuple[int, ...], int]:
        """Store one file and its articles in one transaction.

        Articles already stored (same title and text, from another file) are not stored
        again; the file is added to their sources.

        Returns:
            ``(article_ids, new_count)``.
        """
        now = _now()
        with self.atomic():
            cur = self.db.execute(
                "INSERT INTO files (path, sha256, size, encoding, title, header, declared_count, "
                "article_count, notes, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            )
            file_id = cur.lastrowid
            self.db.executemany(
                "INSERT INTO removed_lines (file_id, line, text, reason) VALUES (?, ?, ?, ?)",
                [(file_id, r.line, r.text, r.reason) for r in removed],
            )
            ids: list[int] = []
            new = 0
            for draft in compilation.articles:
                key = content_hash(draft)
                row = self.db.execute(
                    "SELECT id FROM articles WHERE content_hash = ?", (key,)
                ).fetchone()
                if row is None:
                    article_id = self._insert_article(draft, key, now)
                    new += 1
                else:
                    article_id = row[0]
                ids.append(article_id)
                self.db.execute(
                    "INSERT OR IGNORE INTO article_sources (article_id, file_id, position) "
                    "VALUES (?, ?, ?)",
                    (article_id, file_id, draft.position),
                )
        return tuple(ids), new

    def _insert_article(self, draft: ArticleDraft, key: str, now: str) -> int:
        chars = sum(len(p.text) for p in draft.paragraphs)
        cur = self.db.execute(
            "INSERT INTO articles (content_hash, title, role, genre, issued_on, year, doc_number, "
            "issuer, chars, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
            ),
        )
        article_id = cur.lastrowid
        assert article_id is not None
        self.db.executemany(
            "INSERT INTO paragraphs (article_id, idx, text, paid, heading, section) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (article_id, p.index, p.text, int(p.paid), p.heading, p.section)
                for p in draft.paragraphs
            ],
        )
        self.db.executemany(
            "INSERT INTO outline (article_id, idx, level, text, paragraph, parent, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (article_id, e.index, e.level, e.text, e.paragraph, e.parent, e.kind)
                for e in draft.outline
            ],
        )
        return article_id

    def files(self) -> list[StoredFile]:
        """Every stored file, oldest first."""
        from sucai.store import StoredFile

        rows = self.db.execute(
            "SELECT id, path, sha256, size, encoding, title, declared_count, article_count, "
            "notes, imported_at FROM files ORDER BY id"
        )
        return [
            StoredFile(
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], tuple(json.loads(r[8])), r[9]
            )
            for r in rows
        ]

    # --- articles ----------------------------------------------------------------------------

    def count_articles(self) -> int:
        """Number of stored articles."""
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    def list_articles(
        self,
        where: ArticleFilter | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[ArticleSummary]:
        """Articles matching ``where``, in id order or newest first (by date, then id)."""
        from sucai.store import ArticleSummary

        clause, params = _where(where)
        order = (
            "coalesce(a.issued_on, a.year || '-00-00') DESC, a.id DESC" if newest_first else "a.id"
        )
        sql = (
            "SELECT a.id, a.title, a.role, a.genre, a.issued_on, a.year, a.chars, a.added_at, "
            "(SELECT count(*) FROM paragraphs p WHERE p.article_id = a.id), "
            "(SELECT count(*) FROM article_sources s WHERE s.article_id = a.id) "
            f"FROM articles a{clause} ORDER BY {order} LIMIT ? OFFSET ?"
        )
        params += [-1 if limit is None else limit, offset]
        return [ArticleSummary(*row) for row in self.db.execute(sql, params)]

    def count_matching(self, where: ArticleFilter | None = None) -> int:
        """Number of articles matching ``where``."""
        clause, params = _where(where)
        return int(
            self.db.execute(f"SELECT count(*) FROM articles a{clause}", params).fetchone()[0]
        )

    def facets(self, where: ArticleFilter | None = None) -> dict[str, list[tuple[str, int]]]:
        """Counts per genre, role and year among the articles matching ``where``."""
        clause, params = _where(where)
        out: dict[str, list[tuple[str, int]]] = {}
        for name, column in (("genre", "a.genre"), ("role", "a.role"), ("year", "a.year")):
            rows = self.db.execute(
                f"SELECT {column}, count(*) FROM articles a{clause} "
                f"{'AND' if clause else 'WHERE'} {column} IS NOT NULL "
                f"GROUP BY {column} ORDER BY count(*) DESC, {column} DESC",
                params,
            )
            out[name] = [(str(value), count) for value, count in rows]
        return out

    def get_article(self, article_id: int) -> Article:
        """One article with its paragraphs, outline and sources.

        Raises:
            NotFoundError: no article has this id.
        """
        row = self.db.execute(
            "SELECT id, title, role, genre, issued_on, year, chars, added_at, doc_number, issuer "
            "FROM articles "
            "WHERE id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"no article {article_id} in {self.path}. `sucai list` shows the ids."
            )
        return self._article(row)

    def iter_articles(self) -> Iterator[Article]:
        """Every article in id order, one at a time."""
        cursor = self.db.execute(
            "SELECT id, title, role, genre, issued_on, year, chars, added_at, doc_number, issuer "
            "FROM articles "
            "ORDER BY id"
        )
        while rows := cursor.fetchmany(256):
            for row in rows:
                yield self._article(row)

    def _article(self, row: tuple[Any, ...]) -> Article:
        article_id = row[0]
        paragraphs = tuple(
            Paragraph(r[0], r[1], bool(r[2]), r[3], r[4])
            for r in self.db.execute(
                "SELECT idx, text, paid, heading, section FROM paragraphs WHERE article_id = ? "
                "ORDER BY idx",
                (article_id,),
            )
        )
        outline = tuple(
            OutlineEntry(*r)
            for r in self.db.execute(
                "SELECT idx, level, text, paragraph, parent, kind FROM outline "
                "WHERE article_id = ? ORDER BY idx",
                (article_id,),
            )
        )
        sources = tuple(
            ArticleSource(*r)
            for r in self.db.execute(
                "SELECT f.id, f.path, f.sha256, s.position, f.title FROM article_sources s "
                "JOIN files f ON f.id = s.file_id WHERE s.article_id = ? ORDER BY f.id, s.position",
                (article_id,),
            )
        )
        return Article(
            id=article_id,
            title=row[1],
            role=row[2],
            genre=row[3],
            issued_on=row[4],
            year=row[5],
            paragraphs=paragraphs,
            outline=outline,
            sources=sources,
            added_at=row[7],
            chars=row[6],
            doc_number=row[8],
            issuer=row[9],
        )

    def max_article_id(self) -> int:
        """The highest article id (0 for an empty library)."""
        return int(self.db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])

    def iter_index_articles(self, after: int, batch: int = 1000) -> Iterator[list[IndexArticle]]:
        """Articles with ids above ``after``, in id order, in batches (for the search index)."""
        from sucai.store import IndexArticle

        while True:
            heads = self.db.execute(
                "SELECT id, title, role, genre, year FROM articles WHERE id > ? "
                "ORDER BY id LIMIT ?",
                (after, batch),
            ).fetchall()
            if not heads:
                return
            low, high = heads[0][0], heads[-1][0]
            paragraphs: dict[int, list[tuple[int, int, str, int, bool]]] = {}
            for rowid, aid, idx, text, heading, paid in self.db.execute(
                "SELECT rowid, article_id, idx, text, heading, paid FROM paragraphs "
                "WHERE article_id BETWEEN ? AND ? ORDER BY article_id, idx",
                (low, high),
            ):
                paragraphs.setdefault(aid, []).append((rowid, idx, text, heading, bool(paid)))
            outline: dict[int, list[tuple[int, str, int]]] = {}
            for aid, idx, text, paragraph in self.db.execute(
                "SELECT article_id, idx, text, paragraph FROM outline "
                "WHERE article_id BETWEEN ? AND ? ORDER BY article_id, idx",
                (low, high),
            ):
                outline.setdefault(aid, []).append((idx, text, paragraph))
            yield [
                IndexArticle(
                    aid,
                    title,
                    role,
                    genre,
                    year,
                    tuple(paragraphs.get(aid, ())),
                    tuple(outline.get(aid, ())),
                )
                for aid, title, role, genre, year in heads
            ]
            after = high

    def paragraphs_by_rowid(self, rowids: list[int]) -> dict[int, ParagraphRow]:
        """Paragraphs by their rowid."""
        from sucai.store import ParagraphRow

        out: dict[int, ParagraphRow] = {}
        for start in range(0, len(rowids), 500):
            chunk = rowids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                "SELECT rowid, article_id, idx, text, paid, section FROM paragraphs "
                f"WHERE rowid IN ({marks})",
                chunk,
            ):
                out[row[0]] = ParagraphRow(row[0], row[1], row[2], row[3], bool(row[4]), row[5])
        return out

    def summaries(self, article_ids: list[int]) -> dict[int, ArticleSummary]:
        """Article summaries by id."""
        from sucai.store import ArticleSummary

        out: dict[int, ArticleSummary] = {}
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(
                "SELECT a.id, a.title, a.role, a.genre, a.issued_on, a.year, a.chars, a.added_at, "
                "(SELECT count(*) FROM paragraphs p WHERE p.article_id = a.id), "
                "(SELECT count(*) FROM article_sources s WHERE s.article_id = a.id) "
                f"FROM articles a WHERE a.id IN ({marks})",
                chunk,
            ):
                out[row[0]] = ArticleSummary(*row)
        return out

    def outlines(self, article_ids: list[int]) -> dict[int, list[tuple[str, int | None]]]:
        """``(text, parent)`` of each outline entry in order, by article id."""
        out: dict[int, list[tuple[str, int | None]]] = {a: [] for a in article_ids}
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for aid, text, parent in self.db.execute(
                f"SELECT article_id, text, parent FROM outline WHERE article_id IN ({marks}) "
                "ORDER BY article_id, idx",
                chunk,
            ):
                out[aid].append((text, parent))
        return out

    def removed_lines(self, file_id: int) -> list[tuple[int, str, str]]:
        """``(line, text, reason)`` of what cleaning removed from a file."""
        return list(
            self.db.execute(
                "SELECT line, text, reason FROM removed_lines WHERE file_id = ? ORDER BY rowid",
                (file_id,),
            )
        )
