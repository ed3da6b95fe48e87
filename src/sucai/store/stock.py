"""The operator's edits of the 套话 list (issue 18): the part of :class:`~sucai.store.Store`
that keeps them, the same SQL on SQLite and PostgreSQL (see :mod:`sucai.store.base`)."""

from __future__ import annotations

from sucai.store.base import SqlBase
from sucai.store.records import StockPhraseEdit

__all__ = ["SqlStockPhrases"]


class SqlStockPhrases(SqlBase):
    """Stock phrases added to or taken out of the shipped list, one row a phrase."""

    def stock_phrase_edits(self) -> list[StockPhraseEdit]:
        """Every edit, oldest first (read from the primary: an edit counts at once)."""
        rows = self._fetch(
            "SELECT phrase, included, edited_at, edited_by FROM stock_phrase_edits "
            "ORDER BY edited_at, phrase",
            primary=True,
        )
        return [StockPhraseEdit(p, bool(i), at, by) for p, i, at, by in rows]

    def edit_stock_phrase(self, phrase: str, *, included: bool, at: str, by: str) -> None:
        """Record that ``phrase`` is in (``included``) or out of the library's list; the
        latest edit of a phrase replaces its earlier one."""
        self._write(
            "INSERT INTO stock_phrase_edits (phrase, included, edited_at, edited_by) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (phrase) DO UPDATE SET "
            "included = excluded.included, edited_at = excluded.edited_at, "
            "edited_by = excluded.edited_by",
            (phrase, int(included), at, by),
        )
