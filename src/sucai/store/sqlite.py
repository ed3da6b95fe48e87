"""SqliteStore: the library as one SQLite file. All of sucai's SQL lives in ``store/``."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import zlib
from contextlib import closing, contextmanager, suppress
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from sucai.errors import NotFoundError, SchemaVersionError, StoreError, UserError
from sucai.models import (
    Article,
    ArticleDraft,
    ArticleSource,
    OutlineEntry,
    Paragraph,
    source_folder,
)
from sucai.store.migrations import MIGRATIONS, SCHEMA_VERSION
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

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

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

__all__ = ["SqliteStore", "content_hash"]


#: Entries kept in each of the caches of unchanging article data (heads, outline paths).
_CACHE_LIMIT = 200_000


def content_hash(draft: ArticleDraft) -> str:
    """The key under which an article is stored once: its title and paragraph texts."""
    digest = hashlib.sha256(draft.title.encode())
    for paragraph in draft.paragraphs:
        digest.update(b"\n")
        digest.update(paragraph.text.encode())
    return digest.hexdigest()


def _pack(draft: ArticleDraft, corrections: Iterable[Correction]) -> bytes:
    """A whole article and its hygiene corrections as zlib-compressed JSON (a merged copy)."""
    data = {
        "title": draft.title,
        "role": draft.role,
        "genre": draft.genre,
        "issued_on": draft.issued_on,
        "year": draft.year,
        "doc_number": draft.doc_number,
        "issuer": draft.issuer,
        "position": draft.position,
        "paragraphs": [
            [p.index, p.text, p.paid, p.heading, p.section, p.kind] for p in draft.paragraphs
        ],
        "outline": [
            [e.index, e.level, e.text, e.paragraph, e.parent, e.kind] for e in draft.outline
        ],
        "corrections": [
            [c.part, c.index, c.offset, c.original, c.replacement, c.rule] for c in corrections
        ],
    }
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 6)


def _unpack(blob: bytes) -> tuple[ArticleDraft, list[Correction]]:
    """The inverse of :func:`_pack`."""
    from sucai.store.records import Correction

    data = json.loads(zlib.decompress(blob))
    draft = ArticleDraft(
        title=data["title"],
        role=data["role"],
        genre=data["genre"],
        issued_on=data["issued_on"],
        year=data["year"],
        paragraphs=tuple(Paragraph(*p) for p in data["paragraphs"]),
        outline=tuple(OutlineEntry(*e) for e in data["outline"]),
        position=data["position"],
        doc_number=data["doc_number"],
        issuer=data["issuer"],
    )
    return draft, [Correction(*c) for c in data["corrections"]]


def _create_private(path: Path) -> None:
    """Create ``path`` empty and readable by its owner only, unless it exists (issue 15).

    The library holds password and session hashes. SQLite gives its ``-wal`` and ``-shm``
    files the mode of the database file, so they are private too.
    """
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


#: Facet name → column of ``articles a``, for browse counts.
FACET_COLUMNS: Final = (
    ("genre", "a.genre"),
    ("role", "a.role"),
    ("year", "a.year"),
    ("source", "a.source"),
)


class SqliteStore:
    """A library in one SQLite file (WAL mode).

    Args:
        path: the library file; created (with its folder) when missing.
        read_only: refuse writes on this connection (a reader beside the writer, see
            :meth:`reader`).
    """

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = Path(path)
        if self.path.exists() and self.path.is_dir():
            raise StoreError(f"{self.path} is a folder; give a file name such as library.db.")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if not read_only:
                _create_private(self.path)
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
            if read_only:
                self.db.execute("PRAGMA query_only=ON")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{self.path} is not a sucai library ({exc}). Give another --db file, "
                "or move this one away."
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot create the library {self.path} ({exc}).") from None
        self._depth = 0
        self._heads: dict[int, ArticleHead] = {}
        self._paths: dict[tuple[int, int], tuple[tuple[str, bool], ...]] = {}

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
                    (number, name, utc_now()),
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

    def backup(self, target: Path, on_progress: Callable[[int, int], None] | None = None) -> None:
        """Copy the library, while it is in use, into the new file ``target``.

        SQLite's online backup API copies a consistent snapshot page by page (imports and
        the web app carry on meanwhile). The copy is written beside ``target`` and renamed
        into place only when complete. The search index is not copied: it is rebuilt on
        first use.

        Args:
            target: the backup file; it must not exist.
            on_progress: called with ``(pages copied, pages in all)``.

        Raises:
            StoreError: ``target`` exists, or cannot be written.
        """
        if target.exists():
            raise StoreError(f"{target} exists; give a new file name for the backup.")
        partial = target.with_name(target.name + ".partial")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            _create_private(partial)
            with closing(sqlite3.connect(partial)) as copy:
                self.db.backup(
                    copy,
                    pages=1024,
                    progress=(
                        None
                        if on_progress is None
                        else lambda _status, remaining, total: on_progress(total - remaining, total)
                    ),
                )
            partial.replace(target)
        except (OSError, sqlite3.Error) as exc:
            partial.unlink(missing_ok=True)
            raise StoreError(f"cannot write the backup {target} ({exc}).") from None

    def reader(self) -> SqliteStore:
        """A read-only store over the same file with its own connection, for another thread.

        WAL lets it read while this one writes; it sees each write once committed. The
        caches of unchanging article data are shared (dict operations are atomic in Python).
        """
        reader = SqliteStore(self.path, read_only=True)
        reader._heads = self._heads
        reader._paths = self._paths
        return reader

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
        merges: Mapping[int, Merge] | None = None,
    ) -> AddedArticles:
        """Store one file and its articles in one transaction.

        Articles already stored (same title and text, from another file) are not stored
        again; the file is added to their sources. Articles in ``merges`` (by index) are
        stored as copies of their canonical article (issue 6), which gets the file as a
        source too.
        """
        from sucai.store.records import AddedArticles

        merges = merges or {}
        now = utc_now()
        source = source_folder(path)
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
            assert file_id is not None
            self.db.executemany(
                "INSERT INTO removed_lines (file_id, line, text, reason) VALUES (?, ?, ?, ?)",
                [(file_id, r.line, r.text, r.reason) for r in removed],
            )
            ids: list[int] = []
            kinds: list[str] = []
            for index, draft in enumerate(compilation.articles):
                key = content_hash(draft)
                row = self.db.execute(
                    "SELECT id FROM articles WHERE content_hash = ?", (key,)
                ).fetchone()
                merge = merges.get(index)
                if row is not None:
                    article_id, kind = row[0], "existing"
                elif merge is not None:
                    article_id = merge.article_id if merge.draft is None else ids[merge.draft]
                    assert article_id is not None
                    self._insert_copy(article_id, file_id, draft, key, merge, now)
                    kind = "merged"
                else:
                    article_id, kind = self._insert_article(draft, key, now, source), "new"
                ids.append(article_id)
                kinds.append(kind)
                self.db.execute(
                    "INSERT OR IGNORE INTO article_sources (article_id, file_id, position) "
                    "VALUES (?, ?, ?)",
                    (article_id, file_id, draft.position),
                )
        return AddedArticles(tuple(ids), tuple(kinds))

    def _insert_copy(
        self, article_id: int, file_id: int, draft: ArticleDraft, key: str, merge: Merge, now: str
    ) -> None:
        self.db.execute(
            "INSERT INTO merged_copies (article_id, file_id, position, title, similarity, "
            "content_hash, article, merged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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
        cur = self.db.execute(
            "INSERT INTO articles (content_hash, title, role, genre, issued_on, year, doc_number, "
            "issuer, chars, added_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        )
        article_id = cur.lastrowid
        assert article_id is not None
        self._insert_text(article_id, draft)
        return article_id

    def _insert_text(self, article_id: int, draft: ArticleDraft) -> None:
        """Store an article's paragraphs and outline."""
        self.db.executemany(
            "INSERT INTO paragraphs (article_id, idx, text, paid, heading, section, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (article_id, p.index, p.text, int(p.paid), p.heading, p.section, p.kind)
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

    def files(self) -> list[StoredFile]:
        """Every stored file, oldest first."""
        from sucai.store.records import StoredFile

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
        from sucai.store.records import ArticleSummary

        clause, params = where_sql(where, "?")
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
        clause, params = where_sql(where, "?")
        return int(
            self.db.execute(f"SELECT count(*) FROM articles a{clause}", params).fetchone()[0]
        )

    def facets(self, where: ArticleFilter | None = None) -> dict[str, list[tuple[str, int]]]:
        """Counts per genre, role, year and source among the articles matching ``where``."""
        clause, params = where_sql(where, "?")
        out: dict[str, list[tuple[str, int]]] = {}
        for name, column in FACET_COLUMNS:
            rows = self.db.execute(
                f"SELECT {column}, count(*) FROM articles a{clause} "
                f"{'AND' if clause else 'WHERE'} {column} IS NOT NULL AND {column} != '' "
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
            Paragraph(r[0], r[1], bool(r[2]), r[3], r[4], r[5])
            for r in self.db.execute(
                "SELECT idx, text, paid, heading, section, kind FROM paragraphs "
                "WHERE article_id = ? "
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
                "SELECT f.id, f.path, f.sha256, s.position, f.title, m.id, m.similarity "
                "FROM article_sources s JOIN files f ON f.id = s.file_id "
                "LEFT JOIN merged_copies m ON m.article_id = s.article_id "
                "AND m.file_id = s.file_id AND m.position = s.position "
                "WHERE s.article_id = ? ORDER BY f.id, s.position",
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
        while True:
            heads = self.db.execute(
                "SELECT id, title, role, genre, year, source FROM articles WHERE id > ? "
                "ORDER BY id LIMIT ?",
                (after, batch),
            ).fetchall()
            if not heads:
                return
            low, high = heads[0][0], heads[-1][0]
            yield self._index_batch(heads, "article_id BETWEEN ? AND ?", [low, high])
            after = high

    def index_articles(self, article_ids: list[int]) -> list[IndexArticle]:
        """What the search index needs of these articles, in id order (missing ids are left
        out). Give a few hundred at a time: they are read at once."""
        ids = sorted(set(article_ids))
        out: list[IndexArticle] = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            heads = self.db.execute(
                "SELECT id, title, role, genre, year, source FROM articles "
                f"WHERE id IN ({marks}) ORDER BY id",
                chunk,
            ).fetchall()
            if heads:
                out += self._index_batch(heads, f"article_id IN ({marks})", chunk)
        return out

    # --- the change log (issue 17) -------------------------------------------------------------

    def library_id(self) -> str:
        """The random id the library was given when it was created: a search index built from
        another library (a replaced file, a copy made by ``sucai migrate``) is rebuilt."""
        row = self.db.execute("SELECT value FROM meta WHERE key = 'library_id'").fetchone()
        return str(row[0])

    def last_change(self) -> int:
        """The number of the latest change in the change log (0 when none)."""
        return int(self.db.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0])

    def change_mark(self, seq: int) -> str:
        """What identifies change ``seq`` of the log (``""`` for 0 and for a change the log
        does not hold): an index that applied up to ``seq`` checks it still matches, since a
        library restored from a backup may number other changes the same."""
        row = self.db.execute(
            "SELECT article_id, op, at FROM changes WHERE seq = ?", (seq,)
        ).fetchone()
        return "" if row is None else f"{row[0]} {row[1]} {row[2]}"

    def changed_articles(self, after: int, upto: int) -> list[int]:
        """The articles changed by the log's changes ``after < seq <= upto``, each once, in
        id order."""
        rows = self.db.execute(
            "SELECT DISTINCT article_id FROM changes WHERE seq > ? AND seq <= ? "
            "ORDER BY article_id",
            (after, upto),
        )
        return [int(r[0]) for r in rows]

    def _index_batch(
        self, heads: list[tuple[Any, ...]], clause: str, params: list[Any]
    ) -> list[IndexArticle]:
        """:class:`IndexArticle` records of ``heads``; ``clause`` selects their rows."""
        from sucai.store.records import IndexArticle

        paragraphs: dict[int, list[tuple[int, int, str, int, bool]]] = {}
        for rowid, aid, idx, text, heading, paid in self.db.execute(
            "SELECT rowid, article_id, idx, text, heading, paid FROM paragraphs "
            f"WHERE {clause} ORDER BY article_id, idx",
            params,
        ):
            paragraphs.setdefault(aid, []).append((rowid, idx, text, heading, bool(paid)))
        outline: dict[int, list[tuple[int, str, int]]] = {}
        for aid, idx, text, paragraph in self.db.execute(
            f"SELECT article_id, idx, text, paragraph FROM outline WHERE {clause} "
            "ORDER BY article_id, idx",
            params,
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

    def _rows_in(self, sql: str, ids: list[int]) -> Iterator[tuple[Any, ...]]:
        """Rows of ``sql`` (ending in ``IN ({})``) for ``ids``, 500 bound values at a time."""
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            yield from self.db.execute(sql.format(",".join("?" * len(chunk))), chunk)

    def paragraphs_by_rowid(self, rowids: list[int]) -> dict[int, ParagraphRow]:
        """Paragraphs by their rowid."""
        from sucai.store.records import ParagraphRow

        sql = (
            "SELECT rowid, article_id, idx, text, paid, section FROM paragraphs WHERE rowid IN ({})"
        )
        return {
            r[0]: ParagraphRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5])
            for r in self._rows_in(sql, rowids)
        }

    def summaries(self, article_ids: list[int]) -> dict[int, ArticleSummary]:
        """Article summaries by id."""
        from sucai.store.records import ArticleSummary

        sql = (
            "SELECT a.id, a.title, a.role, a.genre, a.issued_on, a.year, a.chars, a.added_at, "
            "(SELECT count(*) FROM paragraphs p WHERE p.article_id = a.id), "
            "(SELECT count(*) FROM article_sources s WHERE s.article_id = a.id) "
            "FROM articles a WHERE a.id IN ({})"
        )
        return {r[0]: ArticleSummary(*r) for r in self._rows_in(sql, article_ids)}

    def article_heads(self, article_ids: list[int]) -> dict[int, ArticleHead]:
        """Title, role, genre and date of articles, by id."""
        from sucai.store.records import ArticleHead

        # Stored articles never change, so their heads are kept for the next search.
        missing = [a for a in article_ids if a not in self._heads]
        if missing:
            if len(self._heads) > _CACHE_LIMIT:
                self._heads.clear()
            sql = "SELECT id, title, role, genre, issued_on, year FROM articles WHERE id IN ({})"
            self._heads.update((r[0], ArticleHead(*r)) for r in self._rows_in(sql, missing))
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
        rows = self.db.execute(
            "WITH RECURSIVE up(idx, text, parent, paragraph, depth) AS ("
            " SELECT idx, text, parent, paragraph, 0 FROM outline WHERE article_id = ? AND idx = ?"
            " UNION ALL"
            " SELECT o.idx, o.text, o.parent, o.paragraph, up.depth + 1 FROM outline o JOIN up"
            " ON o.article_id = ? AND o.idx = up.parent"
            ") SELECT up.text, coalesce(p.paid, 0) FROM up LEFT JOIN paragraphs p"
            " ON p.article_id = ? AND p.idx = up.paragraph ORDER BY up.depth DESC",
            (article_id, entry, article_id, article_id),
        )
        path = tuple((text, bool(paid)) for text, paid in rows)
        self._paths[key] = path
        return path

    def removed_lines(self, file_id: int) -> list[tuple[int, str, str]]:
        """``(line, text, reason)`` of what cleaning removed from a file."""
        return list(
            self.db.execute(
                "SELECT line, text, reason FROM removed_lines WHERE file_id = ? ORDER BY rowid",
                (file_id,),
            )
        )

    # --- accounts (issue 4) ------------------------------------------------------------------

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
            cur = self.db.execute(
                "INSERT INTO users (name, password_hash, role, tier, expires_on, daily_quota, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, password_hash, role, tier, expires_on, daily_quota, now),
            )
        user = self.get_user(int(cur.lastrowid or 0))
        assert user is not None
        return user

    def get_user(self, user_id: int) -> User | None:
        """The account with this id."""
        return user_from_row(
            self.db.execute(f"SELECT {USER_COLUMNS} FROM users WHERE id = ?", (user_id,)).fetchone()
        )

    def get_user_by_name(self, name: str) -> User | None:
        """The account with this name."""
        return user_from_row(
            self.db.execute(f"SELECT {USER_COLUMNS} FROM users WHERE name = ?", (name,)).fetchone()
        )

    def list_users(self) -> list[User]:
        """Every account, by name."""
        rows = self.db.execute(f"SELECT {USER_COLUMNS} FROM users ORDER BY name")
        return [u for u in (user_from_row(r) for r in rows) if u is not None]

    def password_hash(self, user_id: int) -> str:
        """The stored password hash of an account ("" when there is no such account)."""
        row = self.db.execute("SELECT password_hash FROM users WHERE id = ?", (user_id,)).fetchone()
        return str(row[0]) if row else ""

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace an account's password hash."""
        with self.atomic():
            self.db.execute(
                "UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id)
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
            self.db.execute(
                "UPDATE users SET role = ?, tier = ?, expires_on = ?, daily_quota = ?, "
                "disabled = ? WHERE id = ?",
                (role, tier, expires_on, daily_quota, int(disabled), user_id),
            )

    def add_session(self, token_hash: str, user_id: int, now: str, expires_at: str) -> None:
        """Store a sign-in session (and drop expired ones, so the table stays small)."""
        with self.atomic():
            self.db.execute("DELETE FROM sessions WHERE expires_at < ?", (now,))
            self.db.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
                "VALUES (?, ?, ?, ?)",
                (token_hash, user_id, now, expires_at),
            )

    def session_user(self, token_hash: str, now: str) -> User | None:
        """The enabled account of an unexpired session."""
        return user_from_row(
            self.db.execute(
                f"SELECT {', '.join('u.' + c for c in USER_COLUMNS.split(', '))} "
                "FROM sessions s JOIN users u ON u.id = s.user_id "
                "WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0",
                (token_hash, now),
            ).fetchone()
        )

    def delete_session(self, token_hash: str) -> None:
        """End one session."""
        with self.atomic():
            self.db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    def delete_user_sessions(self, user_id: int, keep: str | None = None) -> None:
        """End every session of an account except ``keep`` (a token hash)."""
        with self.atomic():
            self.db.execute(
                "DELETE FROM sessions WHERE user_id = ? AND token_hash != ?",
                (user_id, keep or ""),
            )

    def add_api_token(self, token_hash: str, user_id: int, label: str, now: str) -> int:
        """Store an API token; return its id."""
        with self.atomic():
            cur = self.db.execute(
                "INSERT INTO api_tokens (token_hash, user_id, label, created_at) "
                "VALUES (?, ?, ?, ?)",
                (token_hash, user_id, label, now),
            )
        return int(cur.lastrowid or 0)

    def api_token_user(self, token_hash: str) -> User | None:
        """The enabled account of an unrevoked API token."""
        return user_from_row(
            self.db.execute(
                f"SELECT {', '.join('u.' + c for c in USER_COLUMNS.split(', '))} "
                "FROM api_tokens t JOIN users u ON u.id = t.user_id "
                "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0",
                (token_hash,),
            ).fetchone()
        )

    def list_api_tokens(self, user_id: int) -> list[ApiToken]:
        """An account's API tokens, newest first."""
        from sucai.store.records import ApiToken

        rows = self.db.execute(
            "SELECT id, user_id, label, created_at, revoked_at FROM api_tokens "
            "WHERE user_id = ? ORDER BY id DESC",
            (user_id,),
        )
        return [ApiToken(*r) for r in rows]

    def revoke_api_token(self, user_id: int, token_id: int, now: str) -> bool:
        """Revoke one of an account's tokens; ``False`` when there is no such live token."""
        with self.atomic():
            cur = self.db.execute(
                "UPDATE api_tokens SET revoked_at = ? "
                "WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
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
            self.db.execute(
                "INSERT INTO audit_log (at, user_id, user_name, action, target, format, ip, "
                "code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (at, user_id, user_name, action, target, format, ip, code),
            )

    def audit_entries(self, *, limit: int, user_id: int | None = None) -> list[AuditEntry]:
        """The newest lines of the audit log (of one account when ``user_id`` is given)."""
        from sucai.store.records import AuditEntry

        columns = AUDIT_COLUMNS
        if user_id is None:
            rows = self.db.execute(
                f"SELECT {columns} FROM audit_log ORDER BY id DESC LIMIT ?", (limit,)
            )
        else:
            rows = self.db.execute(
                f"SELECT {columns} FROM audit_log WHERE user_id = ? ORDER BY id DESC LIMIT ?",
                (user_id, limit),
            )
        return [AuditEntry(*r) for r in rows]

    def audit_by_code(self, code: str) -> list[AuditEntry]:
        """The lines of the audit log that gave out a file with ``code``, oldest first."""
        from sucai.store.records import AuditEntry

        rows = self.db.execute(
            f"SELECT {AUDIT_COLUMNS} FROM audit_log WHERE code = ? ORDER BY id", (code,)
        )
        return [AuditEntry(*r) for r in rows]

    def count_audit(self, user_id: int, action: str, since: str) -> int:
        """How many ``action`` lines an account has since ``since``."""
        return int(
            self.db.execute(
                "SELECT count(*) FROM audit_log WHERE user_id = ? AND action = ? AND at >= ?",
                (user_id, action, since),
            ).fetchone()[0]
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

        One ``INSERT … SELECT`` in a ``BEGIN IMMEDIATE`` transaction: no other writer (thread
        or process) commits between the count and the insert. Returns whether it was recorded.
        """
        with self.atomic():
            cur = self.db.execute(
                download_sql("?"),
                (at, user_id, user_name, target, format, ip, code, user_id, since, quota),
            )
        return cur.rowcount == 1

    # --- web imports (issue 4) ----------------------------------------------------------------

    def add_import_job(
        self, job_id: str, user_name: str, names: list[str], host: str, pid: int, now: str
    ) -> None:
        """Record a new, queued web import, run by process ``pid`` on ``host``."""
        with self.atomic():
            self.db.execute(
                "INSERT INTO import_jobs (id, user_name, names, state, host, pid, created_at, "
                "updated_at) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?)",
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
            self.db.execute(
                "UPDATE import_jobs SET state = coalesce(?, state), total = coalesce(?, total), "
                "error = coalesce(?, error), report = coalesce(?, report), updated_at = ? "
                "WHERE id = ?",
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
            self.db.execute(
                "INSERT INTO import_job_files (job_id, seq, report) VALUES (?, "
                "(SELECT count(*) FROM import_job_files WHERE job_id = ?), ?)",
                (job_id, job_id, json.dumps(report, ensure_ascii=False)),
            )
            self.db.execute("UPDATE import_jobs SET updated_at = ? WHERE id = ?", (now, job_id))

    def import_job(self, job_id: str) -> ImportJobRow | None:
        """One job with every file's report, or ``None``."""
        row = self.db.execute(
            f"SELECT {JOB_COLUMNS} FROM import_jobs j WHERE j.id = ?", (job_id,)
        ).fetchone()
        if row is None:
            return None
        files = tuple(
            json.loads(r[0])
            for r in self.db.execute(
                "SELECT report FROM import_job_files WHERE job_id = ? ORDER BY seq", (job_id,)
            )
        )
        return job_from_row(row, files)

    def import_jobs(self, limit: int) -> list[ImportJobRow]:
        """The newest jobs, newest first (without their files' reports)."""
        rows = self.db.execute(
            f"SELECT {JOB_COLUMNS} FROM import_jobs j "
            "ORDER BY j.created_at DESC, j.rowid DESC LIMIT ?",
            (limit,),
        )
        return [job_from_row(row) for row in rows]

    def add_login_attempt(self, name: str, ip: str, at: str, ok: bool) -> None:
        """Record a sign-in attempt."""
        with self.atomic():
            self.db.execute(
                "INSERT INTO login_attempts (name, ip, at, ok) VALUES (?, ?, ?, ?)",
                (name, ip, at, int(ok)),
            )

    def count_failed_logins(self, since: str, *, name: str | None, ip: str | None) -> int:
        """Failed sign-ins since ``since`` for this name and/or address."""
        sql = "SELECT count(*) FROM login_attempts WHERE ok = 0 AND at >= ?"
        params: list[Any] = [since]
        if name is not None:
            sql += " AND name = ?"
            params.append(name)
        if ip is not None:
            sql += " AND ip = ?"
            params.append(ip)
        return int(self.db.execute(sql, params).fetchone()[0])

    def clear_failed_logins(self, name: str, ip: str) -> None:
        """Forget the failed sign-ins of a name from an address (after a success)."""
        with self.atomic():
            self.db.execute(
                "DELETE FROM login_attempts WHERE name = ? AND ip = ? AND ok = 0", (name, ip)
            )

    # --- hygiene and baskets (issue 5) -------------------------------------------------------

    def file_id(self, sha256: str) -> int | None:
        """The id of the stored file with these bytes."""
        row = self.db.execute("SELECT id FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return int(row[0]) if row else None

    def add_corrections(
        self, *, article_id: int | None, file_id: int | None, corrections: tuple[Correction, ...]
    ) -> None:
        """Record what hygiene changed in an article (or a file's header); idempotent.

        An article found again in another file has the same text and corrections, so the
        rows are ignored when present.
        """
        with self.atomic():
            self.db.executemany(
                "INSERT OR IGNORE INTO corrections (article_id, file_id, part, idx, offset, "
                "original, replacement, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
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

        rows = self.db.execute(
            "SELECT part, idx, offset, original, replacement, rule FROM corrections "
            f"WHERE {column} = ? ORDER BY part, idx, offset",
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
        return int(self.db.execute("SELECT count(*) FROM corrections").fetchone()[0])

    def _basket_rows(self, where: str, params: tuple[Any, ...]) -> list[Basket]:
        from sucai.store.records import Basket, BasketItem

        heads = self.db.execute(
            f"SELECT id, owner, name, created_at FROM baskets WHERE {where} ORDER BY name", params
        ).fetchall()
        out = []
        for basket_id, owner, name, created_at in heads:
            items = tuple(
                BasketItem(*r)
                for r in self.db.execute(
                    "SELECT position, article_id, kind, ref, added_at FROM basket_items "
                    "WHERE basket_id = ? ORDER BY position",
                    (basket_id,),
                )
            )
            out.append(Basket(basket_id, owner, name, created_at, items))
        return out

    def baskets(self, owner: str) -> list[Basket]:
        """An owner's baskets, by name, with their items."""
        return self._basket_rows("owner = ?", (owner,))

    def basket(self, owner: str, name: str) -> Basket | None:
        """One basket of an owner."""
        found = self._basket_rows("owner = ? AND name = ?", (owner, name))
        return found[0] if found else None

    def add_basket_items(
        self, owner: str, name: str, items: list[tuple[int, str, int | None]], now: str
    ) -> Basket:
        """Append ``(article_id, kind, ref)`` items to a basket, creating it when new."""
        with self.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO baskets (owner, name, created_at) VALUES (?, ?, ?)",
                (owner, name, now),
            )
            basket_id = self.db.execute(
                "SELECT id FROM baskets WHERE owner = ? AND name = ?", (owner, name)
            ).fetchone()[0]
            last = self.db.execute(
                "SELECT coalesce(max(position), 0) FROM basket_items WHERE basket_id = ?",
                (basket_id,),
            ).fetchone()[0]
            self.db.executemany(
                "INSERT INTO basket_items (basket_id, position, article_id, kind, ref, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
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
        for new, old in enumerate(order, 1):
            self.db.execute(
                "UPDATE basket_items SET position = ? WHERE basket_id = ? AND position = ?",
                (-new, basket_id, old),
            )
        self.db.execute(
            "UPDATE basket_items SET position = -position WHERE basket_id = ? AND position < 0",
            (basket_id,),
        )

    def _positions(self, basket_id: int) -> list[int]:
        rows = self.db.execute(
            "SELECT position FROM basket_items WHERE basket_id = ? ORDER BY position",
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
            self.db.execute(
                "DELETE FROM basket_items WHERE basket_id = ? AND position = ?",
                (basket_id, position),
            )
            self._renumber(basket_id, self._positions(basket_id))

    def delete_basket(self, basket_id: int) -> None:
        """Delete a basket and its items."""
        with self.atomic():
            self.db.execute("DELETE FROM baskets WHERE id = ?", (basket_id,))

    # --- near-duplicates and law versions (issue 6) ------------------------------------------

    def iter_sketches(self) -> Iterator[tuple[int, bytes]]:
        """``(article_id, sketch)`` of every sketched article (128 little-endian uint32)."""
        cursor = self.db.execute(
            "SELECT article_id, sketch FROM article_sketches WHERE sketch IS NOT NULL"
        )
        while rows := cursor.fetchmany(4096):
            yield from rows

    def iter_unsketched(self, batch: int = 200) -> Iterator[list[ArticleText]]:
        """The articles without a sketch, in id order, in batches.

        Each batch is read afresh, so sketching a batch before asking for the next is fine.
        """
        from sucai.store.records import ArticleText

        after = 0
        while True:
            heads = self.db.execute(
                "SELECT a.id, a.title, a.genre, a.issued_on, a.year FROM articles a "
                "LEFT JOIN article_sketches k ON k.article_id = a.id "
                "WHERE k.article_id IS NULL AND a.id > ? ORDER BY a.id LIMIT ?",
                (after, batch),
            ).fetchall()
            if not heads:
                return
            texts: dict[int, list[str]] = {}
            for aid, text in self.db.execute(
                "SELECT article_id, text FROM paragraphs WHERE article_id BETWEEN ? AND ? "
                "ORDER BY article_id, idx",
                (heads[0][0], heads[-1][0]),
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
            self.db.execute(
                "INSERT OR REPLACE INTO article_sketches (article_id, sketch, title_key, version) "
                "VALUES (?, ?, ?, ?)",
                (article_id, sketch, title_key, version),
            )

    def same_title(self, title_key: str, genre: str) -> list[tuple[int, str | None]]:
        """``(article_id, version)`` of the sketched articles of a genre with this title."""
        rows = self.db.execute(
            "SELECT k.article_id, k.version FROM article_sketches k "
            "JOIN articles a ON a.id = k.article_id WHERE k.title_key = ? AND a.genre = ? "
            "ORDER BY k.article_id",
            (title_key, genre),
        )
        return [(r[0], r[1]) for r in rows]

    def link_articles(self, article_id: int, other_id: int, kind: str) -> None:
        """Relate two distinct articles (``kind="version"``); idempotent."""
        low, high = sorted((article_id, other_id))
        with self.atomic():
            self.db.execute(
                "INSERT OR IGNORE INTO article_links (article_id, other_id, kind) VALUES (?, ?, ?)",
                (low, high, kind),
            )

    def article_text(self, article_id: int) -> ArticleText:
        """An article's title, genre, date and paragraph texts.

        Raises:
            NotFoundError: no article has this id.
        """
        from sucai.store.records import ArticleText

        row = self.db.execute(
            "SELECT id, title, genre, issued_on, year FROM articles WHERE id = ?", (article_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"no article {article_id} in {self.path}. `sucai list` shows the ids."
            )
        texts = self.db.execute(
            "SELECT text FROM paragraphs WHERE article_id = ? ORDER BY idx", (article_id,)
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
            ("", ()) if article_id is None else (" WHERE m.article_id = ?", (article_id,))
        )
        rows = self.db.execute(f"{self._COPY_SELECT}{where} ORDER BY m.article_id, m.id", params)
        return [MergedCopy(*r) for r in rows]

    def merged_copy(self, copy_id: int) -> MergedCopy:
        """One copy.

        Raises:
            NotFoundError: no copy has this id.
        """
        from sucai.store.records import MergedCopy

        row = self.db.execute(f"{self._COPY_SELECT} WHERE m.id = ?", (copy_id,)).fetchone()
        if row is None:
            raise NotFoundError(
                f"no merged copy {copy_id} in {self.path}. `sucai duplicates` lists the copies."
            )
        return MergedCopy(*row)

    def set_copy_similarity(self, copy_id: int, similarity: float) -> None:
        """Record a copy's similarity to its (new) canonical text."""
        with self.atomic():
            self.db.execute(
                "UPDATE merged_copies SET similarity = ? WHERE id = ?", (similarity, copy_id)
            )

    def _copy_row(self, copy_id: int) -> tuple[int, int, int, bytes]:
        """``(article_id, file_id, position, packed article)`` of a copy."""
        self.merged_copy(copy_id)  # NotFoundError with the message
        row = self.db.execute(
            "SELECT article_id, file_id, position, article FROM merged_copies WHERE id = ?",
            (copy_id,),
        ).fetchone()
        return row[0], row[1], row[2], row[3]

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
        row = self.db.execute("SELECT id FROM articles WHERE content_hash = ?", (key,)).fetchone()
        if row is not None:
            raise UserError(
                f"copy {copy_id} has the same title and text as article {row[0]}; "
                f"nothing to do (see `sucai show {row[0]}`)."
            )

    def _replace_text(
        self, article_id: int, draft: ArticleDraft, key: str, corrections: list[Correction]
    ) -> None:
        """Give an article another title and text (its id, sources and baskets stay)."""
        self.db.execute("DELETE FROM paragraphs WHERE article_id = ?", (article_id,))
        self.db.execute("DELETE FROM outline WHERE article_id = ?", (article_id,))
        self.db.execute("DELETE FROM corrections WHERE article_id = ?", (article_id,))
        self.db.execute(
            "UPDATE articles SET content_hash = ?, title = ?, role = ?, genre = ?, issued_on = ?, "
            "year = ?, doc_number = ?, issuer = ?, chars = ? WHERE id = ?",
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
            old_key = self.db.execute(
                "SELECT content_hash FROM articles WHERE id = ?", (article_id,)
            ).fetchone()[0]
            kept_as = Merge(
                self.merged_copy(copy_id).similarity,
                corrections=tuple(self.corrections(article_id)),
            )
            now = utc_now()
            self.db.execute("DELETE FROM merged_copies WHERE id = ?", (copy_id,))
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
            article_id, file_id, position, blob = self._copy_row(copy_id)
            draft, corrections = _unpack(blob)
            key = content_hash(draft)
            self._check_new_text(key, copy_id)
            self.db.execute("DELETE FROM merged_copies WHERE id = ?", (copy_id,))
            (path,) = self.db.execute("SELECT path FROM files WHERE id = ?", (file_id,)).fetchone()
            new_id = self._insert_article(draft, key, utc_now(), source_folder(path))
            self.db.execute(
                "UPDATE article_sources SET article_id = ? "
                "WHERE article_id = ? AND file_id = ? AND position = ?",
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
            links = self.db.execute(
                "SELECT article_id, other_id FROM article_links WHERE kind = 'version'"
            ).fetchall()
        else:
            links = self.db.execute(
                "WITH RECURSIVE g(id) AS (SELECT ? UNION SELECT CASE WHEN l.article_id = g.id "
                "THEN l.other_id ELSE l.article_id END FROM article_links l JOIN g "
                "ON (l.article_id = g.id OR l.other_id = g.id) AND l.kind = 'version') "
                "SELECT l.article_id, l.other_id FROM article_links l "
                "WHERE l.kind = 'version' AND l.article_id IN (SELECT id FROM g)",
                (article_id,),
            ).fetchall()
        parent: dict[int, int] = {}

        def root(node: int) -> int:
            while parent.setdefault(node, node) != node:
                node = parent[node]
            return node

        for low, high in links:
            parent[root(high)] = root(low)
        groups: dict[int, list[int]] = {}
        for node in parent:
            groups.setdefault(root(node), []).append(node)
        sql = (
            "SELECT a.id, a.title, k.version, a.issued_on FROM articles a "
            "LEFT JOIN article_sketches k ON k.article_id = a.id WHERE a.id IN ({})"
        )
        rows = {r[0]: LawVersion(*r) for r in self._rows_in(sql, list(parent))}
        out = [
            sorted(
                (rows[i] for i in members if i in rows),
                key=lambda v: (v.version is None, v.version or "", v.article_id),
            )
            for members in groups.values()
        ]
        return sorted((g for g in out if len(g) > 1), key=lambda g: min(v.article_id for v in g))
