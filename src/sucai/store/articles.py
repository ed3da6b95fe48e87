"""Files, articles and their hygiene corrections."""

from __future__ import annotations

import json
from dataclasses import astuple
from typing import TYPE_CHECKING, Any, Final

from sucai.errors import NotFoundError
from sucai.i18n import N_
from sucai.jinju import paragraph_rows
from sucai.models import (
    Article,
    ArticleDraft,
    ArticleSource,
    OutlineEntry,
    Paragraph,
    source_folder,
)
from sucai.store.base import (
    DRAFT_COLUMNS,
    SqlBase,
    _pack,
    columns,
    content_hash,
    draft_values,
    utc_now,
    where_sql,
)
from sucai.store.records import (
    AddedArticles,
    ArticleFilter,
    ArticleHead,
    ArticleSummary,
    Correction,
    Merge,
    ParagraphRow,
    StoredFile,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from sucai.models import Compilation, RemovedLine

__all__ = ["SqlArticles"]

#: Entries kept in each of the caches of unchanging article data (heads, outline paths).
_CACHE_LIMIT: Final = 200_000
#: The columns of ``articles`` an :class:`~sucai.models.Article` takes (its fields' names).
_ARTICLE_COLUMNS: Final = ("id", *DRAFT_COLUMNS, "chars", "added_at")
SUMMARY_SQL: Final = (
    "SELECT a.id, a.title, a.role, a.genre, a.issued_on, a.year, a.chars, a.added_at, "
    "(SELECT count(*) FROM paragraphs p WHERE p.article_id = a.id), "
    "(SELECT count(*) FROM article_sources s WHERE s.article_id = a.id) FROM articles a"
)


class SqlArticles(SqlBase):
    """Files, articles and corrections."""

    def has_file(self, sha256: str) -> bool:
        """True when a file with these bytes was imported before."""
        return self.file_id(sha256) is not None

    def _insert_text(self, article_id: int, draft: ArticleDraft) -> None:
        """Store an article's paragraphs and outline."""
        self._executemany(
            "INSERT INTO paragraphs (article_id, idx, text, paid, heading, section, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (article_id, p.index, p.text, int(p.paid), p.heading, p.section, p.kind)
                for p in draft.paragraphs
            ],
        )
        self._executemany(
            "INSERT INTO outline (article_id, idx, level, text, paragraph, parent, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (article_id, e.index, e.level, e.text, e.paragraph, e.parent, e.kind)
                for e in draft.outline
            ],
        )
        self._executemany(
            "INSERT INTO jinju (article_id, paragraph, start, stop, kind) VALUES (?, ?, ?, ?, ?)",
            paragraph_rows(article_id, draft.genre, draft.paragraphs),
        )

    def files(self) -> list[StoredFile]:
        """Every stored file, oldest first."""
        rows = self._fetch(f"SELECT {columns(StoredFile)} FROM files ORDER BY id")
        return [StoredFile(*(*r[:8], tuple(json.loads(r[8])), r[9])) for r in rows]

    def removed_lines(self, file_id: int) -> list[tuple[int, str, str]]:
        """``(line, text, reason)`` of what cleaning removed from a file."""
        return self._fetch(
            "SELECT line, text, reason FROM removed_lines WHERE file_id = ? ORDER BY rowid",
            (file_id,),
        )

    def count_matching(self, where: ArticleFilter | None = None) -> int:
        """Number of articles matching ``where``."""
        clause, params = where_sql(where)
        return self._count(f"SELECT count(*) FROM articles a{clause}", params)

    def facets(self, where: ArticleFilter | None = None) -> dict[str, list[tuple[str, int]]]:
        """Counts per genre, role, year and source among the articles matching ``where``."""
        clause, params = where_sql(where)
        out: dict[str, list[tuple[str, int]]] = {}
        for name in ("genre", "role", "year", "source"):
            column = f"a.{name}"
            # CAST: year is an integer, and PostgreSQL will not compare it with ''.
            rows = self._fetch(
                f"SELECT {column}, count(*) FROM articles a{clause} "
                f"{'AND' if clause else 'WHERE'} {column} IS NOT NULL "
                f"AND CAST({column} AS TEXT) <> '' "
                f"GROUP BY {column} ORDER BY count(*) DESC, {column} DESC",
                params,
            )
            out[name] = [(str(value), int(count)) for value, count in rows]
        return out

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
        rows = self._fetch(
            "WITH RECURSIVE up(idx, text, parent, paragraph, depth) AS ("
            " SELECT idx, text, parent, paragraph, 0 FROM outline"
            " WHERE article_id = ? AND idx = ?"
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

    def file_id(self, sha256: str) -> int | None:
        """The id of the stored file with these bytes."""
        row = self._one("SELECT id FROM files WHERE sha256 = ?", (sha256,), primary=True)
        return int(row[0]) if row else None

    def add_corrections(
        self, *, article_id: int | None, file_id: int | None, corrections: tuple[Correction, ...]
    ) -> None:
        """Record what hygiene changed in an article (or a file's header); idempotent.

        An article found again in another file has the same text and corrections, so the
        rows are ignored when present.
        """
        with self.atomic():
            self._executemany(
                'INSERT INTO corrections (article_id, file_id, part, idx, "offset", '
                "original, replacement, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                [(article_id, file_id, *astuple(c)) for c in corrections],
            )

    def _correction_rows(self, column: str, value: int) -> list[Correction]:
        return self._records(
            Correction,
            'SELECT part, idx, "offset", original, replacement, rule FROM corrections '
            f'WHERE {column} = ? ORDER BY part, idx, "offset"',
            (value,),
        )

    def corrections(self, article_id: int) -> list[Correction]:
        """An article's corrections, by part, index and offset."""
        return self._correction_rows("article_id", article_id)

    def file_corrections(self, file_id: int) -> list[Correction]:
        """The corrections of a compilation file's own title and header."""
        return self._correction_rows("file_id", file_id)

    def count_corrections(self) -> int:
        """Number of corrections in the library (articles and file headers)."""
        return self._count("SELECT count(*) FROM corrections")

    def file_articles(self, sha256: str) -> tuple[int, ...]:
        """Article ids of a stored file, in order."""
        rows = self._fetch(
            "SELECT s.article_id FROM article_sources s JOIN files f ON f.id = s.file_id "
            "WHERE f.sha256 = ? ORDER BY s.position",
            (sha256,),
            primary=True,
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
        source too. Files are written one at a time across all servers (an advisory lock),
        so concurrent imports of overlapping files never store an article twice; a file
        another server stored meanwhile is not stored again (its articles are "existing").
        """
        merges = merges or {}
        now = utc_now()
        source = source_folder(path)
        with self.atomic():
            self._lock_writes()
            if self._one("SELECT 1 FROM files WHERE sha256 = ?", (sha256,)) is not None:
                stored = self.file_articles(sha256)
                return AddedArticles(stored, ("existing",) * len(stored))
            file_id = self._insert_id(
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
            self._executemany(
                "INSERT INTO removed_lines (file_id, line, text, reason) VALUES (?, ?, ?, ?)",
                [(file_id, r.line, r.text, r.reason) for r in removed],
            )
            ids: list[int] = []
            kinds: list[str] = []
            for index, draft in enumerate(compilation.articles):
                key = content_hash(draft)
                row = self._one("SELECT id FROM articles WHERE content_hash = ?", (key,))
                merge = merges.get(index)
                if row is not None:
                    article_id, kind = int(row[0]), "existing"
                elif merge is not None:
                    canonical = merge.article_id if merge.draft is None else ids[merge.draft]
                    assert canonical is not None
                    article_id = canonical
                    self._insert_copy(article_id, file_id, draft, key, merge, now)
                    kind = "merged"
                else:
                    article_id, kind = self._insert_article(draft, key, now, source), "new"
                ids.append(article_id)
                kinds.append(kind)
                self._execute(
                    "INSERT INTO article_sources (article_id, file_id, position) "
                    "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (article_id, file_id, draft.position),
                )
        return AddedArticles(tuple(ids), tuple(kinds))

    def _insert_copy(
        self, article_id: int, file_id: int, draft: ArticleDraft, key: str, merge: Merge, now: str
    ) -> None:
        # The id SQLite gives (its highest + 1, reused after the highest copy was kept or
        # split); callers hold the write lock, so no other writer takes it meanwhile.
        packed = _pack(draft, merge.corrections)
        self._execute(
            "INSERT INTO merged_copies (id, article_id, file_id, position, title, similarity, "
            "content_hash, article, merged_at) VALUES ((SELECT coalesce(max(id), 0) + 1 "
            "FROM merged_copies), ?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, file_id, draft.position, draft.title, merge.similarity, key, packed, now),
        )

    def _insert_article(self, draft: ArticleDraft, key: str, now: str, source: str) -> int:
        chars = sum(len(p.text) for p in draft.paragraphs)
        article_id = self._insert_id(
            f"INSERT INTO articles (content_hash, {', '.join(DRAFT_COLUMNS)}, chars, added_at, "
            f"source) VALUES (?, {', '.join('?' * len(DRAFT_COLUMNS))}, ?, ?, ?)",
            (key, *draft_values(draft), chars, now, source),
        )
        self._insert_text(article_id, draft)
        return article_id

    def count_articles(self, *, primary: bool = False) -> int:
        """Number of stored articles (``primary``: as the primary has them, for what is fed
        from it — the search index — not as a replica that may lag has them)."""
        return self._count("SELECT count(*) FROM articles", primary=primary)

    def list_articles(
        self,
        where: ArticleFilter | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[ArticleSummary]:
        """Articles matching ``where``, in id order or newest first (by date, then id)."""
        clause, params = where_sql(where)
        # NULLS LAST: SQLite sorts NULL lowest, so undated articles come last when descending.
        order = (
            "coalesce(a.issued_on, a.year || '-00-00') DESC NULLS LAST, a.id DESC"
            if newest_first
            else "a.id"
        )
        sql = f"{SUMMARY_SQL}{clause} ORDER BY {order} LIMIT ? OFFSET ?"
        params += [self._NO_LIMIT if limit is None else limit, offset]
        return self._records(ArticleSummary, sql, params)

    def get_article(self, article_id: int) -> Article:
        """One article with its paragraphs, outline and sources.

        Raises:
            NotFoundError: no article has this id.
        """
        rows = self._fetch(
            f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles WHERE id = ?", (article_id,)
        )
        if not rows:
            raise self._no_article(article_id)
        return self._articles(rows)[0]

    def _no_article(self, article_id: int) -> NotFoundError:
        return NotFoundError.of(
            N_("no article {id} in {library}. `sucai list` shows the ids."),
            id=article_id,
            library=self.where,
        )

    def iter_articles(self) -> Iterator[Article]:
        """Every article in id order, 256 at a time (no connection is held between batches)."""
        sql = f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles WHERE id > ? ORDER BY id LIMIT ?"
        for rows in self._pages(sql, 256):
            yield from self._articles(rows)

    def _articles(self, rows: list[tuple[Any, ...]]) -> list[Article]:
        """Whole articles for rows of ``_ARTICLE_COLUMNS``, with three queries in all."""
        ids = [r[0] for r in rows]
        paragraphs = self._grouped(
            "SELECT article_id, idx, text, paid, heading, section, kind FROM paragraphs "
            "WHERE article_id {} ORDER BY article_id, idx",
            ids,
            lambda idx, text, paid, *rest: Paragraph(idx, text, bool(paid), *rest),
        )
        outline = self._grouped(
            "SELECT article_id, idx, level, text, paragraph, parent, kind FROM outline "
            "WHERE article_id {} ORDER BY article_id, idx",
            ids,
            OutlineEntry,
        )
        sources = self._grouped(
            "SELECT s.article_id, f.id, f.path, f.sha256, s.position, f.title, m.id, "
            "m.similarity FROM article_sources s JOIN files f ON f.id = s.file_id "
            "LEFT JOIN merged_copies m ON m.article_id = s.article_id "
            "AND m.file_id = s.file_id AND m.position = s.position "
            "WHERE s.article_id {} ORDER BY s.article_id, f.id, s.position",
            ids,
            ArticleSource,
        )
        articles = []
        for row in rows:
            values = dict(zip(_ARTICLE_COLUMNS, row, strict=True))
            values["attachments"] = tuple(values["attachments"].splitlines())
            articles.append(
                Article(
                    **values,
                    paragraphs=tuple(paragraphs[row[0]]),
                    outline=tuple(outline[row[0]]),
                    sources=tuple(sources[row[0]]),
                )
            )
        return articles

    def max_article_id(self) -> int:
        """The highest article id (0 for an empty library).

        Read from the primary, as the articles the search index takes in: the index is
        brought up to date on the primary, with what was just imported there.
        """
        return self._count("SELECT coalesce(max(id), 0) FROM articles", primary=True)

    def paragraphs_by_rowid(self, rowids: list[int]) -> dict[int, ParagraphRow]:
        """Paragraphs by their rowid."""
        rows = self._fetch_in(
            "SELECT rowid, article_id, idx, text, paid, section FROM paragraphs WHERE rowid {}",
            rowids,
        )
        return {r[0]: ParagraphRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows}

    def summaries(self, article_ids: list[int]) -> dict[int, ArticleSummary]:
        """Article summaries by id."""
        rows = self._fetch_in(f"{SUMMARY_SQL} WHERE a.id {{}}", article_ids)
        return {r[0]: ArticleSummary(*r) for r in rows}

    def article_heads(self, article_ids: list[int]) -> dict[int, ArticleHead]:
        """Title, role, genre and date of articles, by id."""
        # Stored articles never change, so their heads are kept for the next search.
        missing = [a for a in article_ids if a not in self._heads]
        if missing:
            if len(self._heads) > _CACHE_LIMIT:
                self._heads.clear()
            rows = self._fetch_in(
                f"SELECT {columns(ArticleHead)} FROM articles WHERE id {{}}", missing
            )
            self._heads.update((r[0], ArticleHead(*r)) for r in rows)
        return {a: self._heads[a] for a in article_ids if a in self._heads}
