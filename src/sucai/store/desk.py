"""The writer's desk (issue 21): an owner's favourite articles, the labels the operator gives
sources, and the library's size and freshness — the part of :class:`~sucai.store.Store` that
keeps them, the same SQL on SQLite and PostgreSQL (see :mod:`sucai.store.base`)."""

from __future__ import annotations

from sucai.store.articles import SUMMARY_SQL
from sucai.store.base import SqlBase
from sucai.store.records import ArticleSummary

__all__ = ["SqlDesk"]


class SqlDesk(SqlBase):
    """Favourites (收藏), source labels and the library's figures."""

    def favourites(self, owner: str, limit: int | None = None) -> list[ArticleSummary]:
        """``owner``'s favourite articles, the latest marked first."""
        return self._records(
            ArticleSummary,
            f"{SUMMARY_SQL} JOIN favourites f ON f.article_id = a.id WHERE f.owner = ? "
            "ORDER BY f.added_at DESC, a.id DESC LIMIT ?",
            (owner, self._NO_LIMIT if limit is None else limit),
            primary=True,
        )

    def is_favourite(self, owner: str, article_id: int) -> bool:
        """Whether ``owner`` marked ``article_id``."""
        return (
            self._one(
                "SELECT 1 FROM favourites WHERE owner = ? AND article_id = ?",
                (owner, article_id),
                primary=True,
            )
            is not None
        )

    def set_favourite(self, owner: str, article_id: int, on: bool, now: str) -> None:
        """Mark (``on``) or unmark ``article_id`` as one of ``owner``'s favourites."""
        if on:
            self._write(
                "INSERT INTO favourites (owner, article_id, added_at) VALUES (?, ?, ?) "
                "ON CONFLICT (owner, article_id) DO NOTHING",
                (owner, article_id, now),
            )
        else:
            self._write(
                "DELETE FROM favourites WHERE owner = ? AND article_id = ?", (owner, article_id)
            )

    def source_labels(self) -> dict[str, str]:
        """``{source folder: label}`` as the operator set them."""
        return dict(self._fetch("SELECT source, label FROM source_labels ORDER BY source"))

    def set_source_label(self, source: str, label: str | None) -> None:
        """Label ``source`` (``None``: show its folder name again)."""
        with self.atomic():
            self._execute("DELETE FROM source_labels WHERE source = ?", (source,))
            if label is not None:
                self._execute(
                    "INSERT INTO source_labels (source, label) VALUES (?, ?)", (source, label)
                )

    def newest_import(self) -> str | None:
        """When the latest article was added (ISO 8601), ``None`` in an empty library."""
        row = self._one("SELECT max(added_at) FROM articles")
        return None if row is None else row[0]

    def added_since(self, since: str) -> list[tuple[str, int]]:
        """Articles added at or after ``since`` (ISO 8601), counted per genre, most first."""
        rows = self._fetch(
            "SELECT genre, count(*) FROM articles WHERE added_at >= ? "
            "GROUP BY genre ORDER BY count(*) DESC, genre",
            (since,),
        )
        return [(str(g), int(n)) for g, n in rows]
