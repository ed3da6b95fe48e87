"""Near-duplicates: sketches, links, merged copies and law versions (the rules of keeping and
splitting a copy are in :mod:`sucai.ingest.copies`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from sucai.errors import NotFoundError
from sucai.groups import connected_groups
from sucai.i18n import N_
from sucai.models import ArticleDraft
from sucai.store.base import DRAFT_COLUMNS, _unpack, content_hash, draft_values, utc_now
from sucai.store.records import (
    ArticleText,
    CopyDraft,
    Correction,
    LawVersion,
    Merge,
    MergedCopy,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

from sucai.store.articles import SqlArticles

__all__ = ["SqlCopies"]

#: What an :class:`ArticleText` takes from ``articles a``, in its order.
_TEXT_HEADS: Final = "SELECT a.id, a.title, a.genre, a.issued_on, a.year FROM articles a"


class SqlCopies(SqlArticles):
    """Sketches, links, merged copies and law versions."""

    #: The columns of a :class:`MergedCopy`.
    _COPY_SELECT: Final = (
        "SELECT m.id, m.article_id, m.title, m.similarity, f.path, m.position, m.merged_at "
        "FROM merged_copies m JOIN files f ON f.id = m.file_id"
    )

    def iter_unsketched(self, batch: int = 200) -> Iterator[list[ArticleText]]:
        """The articles without a sketch, in id order, in batches.

        Each batch is read afresh, so sketching a batch before asking for the next is fine.
        """
        sql = (
            f"{_TEXT_HEADS} LEFT JOIN article_sketches k ON k.article_id = a.id "
            "WHERE k.article_id IS NULL AND a.id > ? ORDER BY a.id LIMIT ?"
        )
        for heads in self._pages(sql, batch, primary=True):
            yield self._texts(heads)

    def same_title(self, title_key: str, genre: str) -> list[tuple[int, str | None]]:
        """``(article_id, version)`` of the sketched articles of a genre with this title."""
        rows = self._fetch(
            "SELECT k.article_id, k.version FROM article_sketches k "
            "JOIN articles a ON a.id = k.article_id WHERE k.title_key = ? AND a.genre = ? "
            "ORDER BY k.article_id",
            (title_key, genre),
            primary=True,
        )
        return [(int(r[0]), r[1]) for r in rows]

    def article_text(self, article_id: int) -> ArticleText:
        """An article's title, genre, date and paragraph texts.

        Raises:
            NotFoundError: no article has this id.
        """
        heads = self._fetch(f"{_TEXT_HEADS} WHERE a.id = ?", (article_id,), primary=True)
        if not heads:
            raise self._no_article(article_id)
        return self._texts(heads)[0]

    def _texts(self, heads: list[tuple[Any, ...]]) -> list[ArticleText]:
        """The :class:`ArticleText` of each of ``heads`` (rows of :data:`_TEXT_HEADS`)."""
        texts = self._grouped(
            "SELECT article_id, text FROM paragraphs WHERE article_id {} ORDER BY article_id, idx",
            [h[0] for h in heads],
            str,
            primary=True,
        )
        return [
            ArticleText(aid, title, genre, issued_on, year, tuple(texts[aid]))
            for aid, title, genre, issued_on, year in heads
        ]

    def merged_copies(self, article_id: int | None = None) -> list[MergedCopy]:
        """The copies of one canonical article (of all when ``None``), by article and id."""
        params = () if article_id is None else (article_id,)
        where = " WHERE m.article_id = ?" if params else ""
        sql = f"{self._COPY_SELECT}{where} ORDER BY m.article_id, m.id"
        return self._records(MergedCopy, sql, params, primary=True)

    def set_copy_similarity(self, copy_id: int, similarity: float) -> None:
        """Record a copy's similarity to its (new) canonical text."""
        self._write("UPDATE merged_copies SET similarity = ? WHERE id = ?", (similarity, copy_id))

    def _copy_row(self, copy_id: int) -> tuple[MergedCopy, int, bytes]:
        """A copy, its file's id and its packed article; raises NotFoundError."""
        copy = self.merged_copy(copy_id)
        file_id, blob = self._one(
            "SELECT file_id, article FROM merged_copies WHERE id = ?", (copy_id,), primary=True
        )
        return copy, int(file_id), bytes(blob)

    def copy_text(self, copy_id: int) -> ArticleText:
        """A merged copy's title, genre, date and paragraph texts; raises NotFoundError."""
        d, _ = _unpack(self._copy_row(copy_id)[2])
        texts = tuple(p.text for p in d.paragraphs)
        return ArticleText(copy_id, d.title, d.genre, d.issued_on, d.year, texts)

    def copy_draft(self, copy_id: int) -> CopyDraft:
        """A copy with its whole text and corrections, read under the write lock that
        :meth:`add_file` takes: inside ``atomic()``, no import changes the copies until the
        block ends.

        Raises:
            NotFoundError: no copy has this id.
        """
        with self.atomic():
            self._lock_writes()
            copy, file_id, blob = self._copy_row(copy_id)
        draft, corrections = _unpack(blob)
        return CopyDraft(copy, file_id, draft, tuple(corrections))

    def article_by_text(self, draft: ArticleDraft) -> int | None:
        """The id of the article with this title and text, if one is stored."""
        row = self._one(
            "SELECT id FROM articles WHERE content_hash = ?", (content_hash(draft),), primary=True
        )
        return None if row is None else int(row[0])

    def delete_copy(self, copy_id: int) -> None:
        """Forget a merged copy (its file stays a source of its article)."""
        self._write("DELETE FROM merged_copies WHERE id = ?", (copy_id,))

    def add_copy(self, article_id: int, file_id: int, draft: ArticleDraft, merge: Merge) -> None:
        """Store ``draft``, found in the file ``file_id``, as a merged copy of an article."""
        with self.atomic():
            self._lock_writes()
            self._insert_copy(article_id, file_id, draft, content_hash(draft), merge, utc_now())

    def add_article(
        self, draft: ArticleDraft, source: str, corrections: tuple[Correction, ...]
    ) -> int:
        """Store ``draft`` as a new article (no file yet: see :meth:`move_source`)."""
        with self.atomic():
            new_id = self._insert_article(draft, content_hash(draft), utc_now(), source)
            self.add_corrections(article_id=new_id, file_id=None, corrections=corrections)
        return new_id

    def move_source(self, file_id: int, position: int, article_id: int, new_id: int) -> None:
        """Make the article at ``position`` of a file ``new_id`` instead of ``article_id``."""
        self._write(
            "UPDATE article_sources SET article_id = ? "
            "WHERE article_id = ? AND file_id = ? AND position = ?",
            (new_id, article_id, file_id, position),
        )

    def replace_text(
        self, article_id: int, draft: ArticleDraft, corrections: tuple[Correction, ...]
    ) -> None:
        """Give an article another title and text (its id, sources and baskets stay)."""
        with self.atomic():
            for table in ("paragraphs", "outline", "corrections", "jinju"):
                self._execute(f"DELETE FROM {table} WHERE article_id = ?", (article_id,))
            columns = "".join(f"{c} = ?, " for c in DRAFT_COLUMNS)
            chars = sum(len(p.text) for p in draft.paragraphs)
            self._execute(
                f"UPDATE articles SET content_hash = ?, {columns}chars = ? WHERE id = ?",
                (content_hash(draft), *draft_values(draft), chars, article_id),
            )
            self._insert_text(article_id, draft)
            self.add_corrections(article_id=article_id, file_id=None, corrections=corrections)
        self._heads.pop(article_id, None)
        self._paths.clear()

    def iter_sketches(self) -> Iterator[tuple[int, bytes]]:
        """``(article_id, sketch)`` of every sketched article (128 little-endian uint32)."""
        sql = (
            "SELECT article_id, sketch FROM article_sketches "
            "WHERE sketch IS NOT NULL AND article_id > ? ORDER BY article_id LIMIT ?"
        )
        for rows in self._pages(sql, 4096, primary=True):
            for article_id, sketch in rows:
                yield int(article_id), bytes(sketch)

    def set_sketch(
        self, article_id: int, sketch: bytes | None, title_key: str, version: str | None
    ) -> None:
        """Store (or replace) an article's sketch, normalised title and law version."""
        self._write(
            "INSERT INTO article_sketches (article_id, sketch, title_key, version) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET "
            "sketch = excluded.sketch, title_key = excluded.title_key, "
            "version = excluded.version",
            (article_id, sketch, title_key, version),
        )

    def link_articles(self, article_id: int, other_id: int, kind: str) -> None:
        """Relate two distinct articles (``kind="version"``); idempotent."""
        low, high = sorted((article_id, other_id))
        self._write(
            "INSERT INTO article_links (article_id, other_id, kind) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (low, high, kind),
        )

    def merged_copy(self, copy_id: int) -> MergedCopy:
        """One copy.

        Raises:
            NotFoundError: no copy has this id.
        """
        row = self._one(f"{self._COPY_SELECT} WHERE m.id = ?", (copy_id,), primary=True)
        if row is None:
            raise NotFoundError.of(
                N_("no merged copy {id} in {library}. `sucai duplicates` lists the copies."),
                id=copy_id,
                library=self.where,
            )
        return MergedCopy(*row)

    def law_versions(self, article_id: int | None = None) -> list[list[LawVersion]]:
        """Groups of linked law versions (the one of ``article_id``, or all).

        Each group is ordered by version date (undated last), then id; groups by their
        first article.
        """
        if article_id is None:
            links = self._fetch(
                "SELECT article_id, other_id FROM article_links WHERE kind = 'version' "
                "ORDER BY article_id, other_id",
                primary=True,
            )
        else:
            links = self._fetch(
                "WITH RECURSIVE g(id) AS (SELECT CAST(? AS BIGINT) UNION SELECT CASE "
                "WHEN l.article_id = g.id THEN l.other_id ELSE l.article_id END "
                "FROM article_links l JOIN g "
                "ON (l.article_id = g.id OR l.other_id = g.id) AND l.kind = 'version') "
                "SELECT l.article_id, l.other_id FROM article_links l "
                "WHERE l.kind = 'version' AND l.article_id IN (SELECT id FROM g) "
                "ORDER BY l.article_id, l.other_id",
                (article_id,),
                primary=True,
            )
        groups = connected_groups((), ((int(low), int(high)) for low, high in links))
        found = self._fetch_in(
            "SELECT a.id, a.title, k.version, a.issued_on FROM articles a "
            "LEFT JOIN article_sketches k ON k.article_id = a.id "
            "WHERE a.id {}",
            [node for group in groups for node in group],
            primary=True,
        )
        rows = {r[0]: LawVersion(*r) for r in found}
        out = [
            sorted(
                (rows[i] for i in members if i in rows),
                key=lambda v: (v.version is None, v.version or "", v.article_id),
            )
            for members in groups
        ]
        return sorted((g for g in out if len(g) > 1), key=lambda g: min(v.article_id for v in g))
