"""What the search index takes in: articles by id, and the change log."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any, Final

from sucai.store.base import SqlBase
from sucai.store.records import IndexArticle

if TYPE_CHECKING:
    from collections.abc import Iterator


__all__ = ["SqlChanges"]

#: The columns of ``articles`` an :class:`IndexArticle` takes (its fields of the same names).
_INDEX_HEAD: Final = ("id", "title", "role", "genre", "year", "source", "doc_number", "issuer")


class SqlChanges(SqlBase):
    """What the search index takes in."""

    def library_id(self) -> str:
        """The random id the library was given when it was created: a search index built from
        another library (a copy made by ``sucai migrate``) is rebuilt."""
        rows = self._fetch("SELECT value FROM meta WHERE key = 'library_id'", (), primary=True)
        return str(rows[0][0])

    def last_change(self) -> int:
        """The number of the latest change in the change log (0 when none)."""
        return self._count("SELECT coalesce(max(seq), 0) FROM changes", primary=True)

    def change_mark(self, seq: int) -> str:
        """What identifies change ``seq`` of the log (``""`` for 0 and for a change the log
        does not hold): an index that applied up to ``seq`` checks it still matches, since a
        library restored from a backup may number other changes the same."""
        rows = self._fetch(
            "SELECT article_id, op, at FROM changes WHERE seq = ?", (seq,), primary=True
        )
        return "" if not rows else f"{rows[0][0]} {rows[0][1]} {rows[0][2]}"

    def iter_index_articles(self, after: int, batch: int = 1000) -> Iterator[list[IndexArticle]]:
        """Articles with ids above ``after``, in id order, in batches (for the search index)."""
        sql = f"SELECT {', '.join(_INDEX_HEAD)} FROM articles WHERE id > ? ORDER BY id LIMIT ?"
        for heads in self._pages(sql, batch, after=after, primary=True):
            yield self._index_batch(heads)

    def index_articles(self, article_ids: list[int]) -> list[IndexArticle]:
        """What the search index needs of these articles, in id order (missing ids are left
        out). Give a few hundred at a time: they are read at once."""
        ids = sorted(set(article_ids))
        heads = self._fetch_in(
            f"SELECT {', '.join(_INDEX_HEAD)} FROM articles WHERE id {{}} ORDER BY id",
            ids,
            primary=True,
        )
        if not heads:
            return []
        return self._index_batch(heads, ids)

    def changed_articles(self, after: int, upto: int) -> list[int]:
        """The articles changed by the log's changes ``after < seq <= upto``, each once, in
        id order."""
        rows = self._fetch(
            "SELECT DISTINCT article_id FROM changes WHERE seq > ? AND seq <= ? "
            "ORDER BY article_id",
            (after, upto),
            primary=True,
        )
        return [int(r[0]) for r in rows]

    def _index_batch(
        self, heads: list[tuple[Any, ...]], ids: list[int] | None = None
    ) -> list[IndexArticle]:
        """:class:`IndexArticle` records of ``heads`` (in id order): their rows are read by
        ``ids``, or (``None``) by the range of ids from the first head to the last."""

        def rows(sql: str) -> list[tuple[Any, ...]]:
            if ids is None:
                low, high = heads[0][0], heads[-1][0]
                return self._fetch(sql.format("BETWEEN ? AND ?"), (low, high), primary=True)
            return self._fetch_in(sql, ids, primary=True)

        paragraphs: defaultdict[int, list[tuple[int, int, str, int, bool]]] = defaultdict(list)
        for rowid, aid, idx, text, heading, paid in rows(
            "SELECT rowid, article_id, idx, text, heading, paid FROM paragraphs "
            "WHERE article_id {} ORDER BY article_id, idx"
        ):
            paragraphs[aid].append((rowid, idx, text, heading, bool(paid)))
        outline: defaultdict[int, list[tuple[int, str, int]]] = defaultdict(list)
        for aid, idx, text, paragraph in rows(
            "SELECT article_id, idx, text, paragraph FROM outline WHERE article_id {} "
            "ORDER BY article_id, idx"
        ):
            outline[aid].append((idx, text, paragraph))
        return [
            IndexArticle(
                **dict(zip(_INDEX_HEAD, head, strict=True)),
                paragraphs=tuple(paragraphs[head[0]]),
                outline=tuple(outline[head[0]]),
            )
            for head in heads
        ]
