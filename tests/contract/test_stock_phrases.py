"""The operator's 套话 edits (issue 18) are kept the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sucai.store import StockPhraseEdit

if TYPE_CHECKING:
    from sucai.store import Store


def test_the_latest_edit_of_a_phrase_replaces_the_earlier_one(store: Store) -> None:
    assert store.stock_phrase_edits() == []
    store.edit_stock_phrase("高举…伟大旗帜", included=False, at="2026-01-02T08:00:00+00:00", by="a")
    store.edit_stock_phrase("推进县域商业", included=True, at="2026-01-01T08:00:00+00:00", by="b")
    store.edit_stock_phrase("推进县域商业", included=False, at="2026-01-03T08:00:00+00:00", by="c")
    assert store.stock_phrase_edits() == [
        StockPhraseEdit("高举…伟大旗帜", False, "2026-01-02T08:00:00+00:00", "a"),
        StockPhraseEdit("推进县域商业", False, "2026-01-03T08:00:00+00:00", "c"),
    ]
