"""Baskets and hygiene corrections on both stores (issue 7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sucai.ingest.pipeline import ingest
from sucai.store import BasketItem, Correction
from tests.conftest import SEED

if TYPE_CHECKING:
    from sucai.store import Store

NOW = "2026-01-01T08:00:00+00:00"


@pytest.fixture
def seeded(store: Store) -> Store:
    if not SEED.is_file():
        pytest.skip(f"{SEED} is not beside the project")
    ingest(store, [SEED])
    return store


def test_baskets_keep_their_items_in_order(seeded: Store) -> None:
    store = seeded
    first = store.add_basket_items(
        "甲", "讲话素材", [(1, "article", None), (2, "paragraph", 3)], NOW
    )
    assert first.id == 1
    assert first.items == (
        BasketItem(1, 1, "article", None, NOW),
        BasketItem(2, 2, "paragraph", 3, NOW),
    )
    again = store.add_basket_items("甲", "讲话素材", [(3, "section", 0)], NOW)
    assert again.id == 1 and len(again.items) == 3
    other = store.add_basket_items("甲", "A 清单", [(4, "article", None)], NOW)
    assert other.id == 2  # an existing basket used up no id
    store.add_basket_items("乙", "讲话素材", [(5, "article", None)], NOW)
    assert [b.name for b in store.baskets("甲")] == ["A 清单", "讲话素材"]
    store.move_basket_item(1, 3, 1)
    assert [i.article_id for i in store.basket("甲", "讲话素材").items] == [3, 1, 2]  # type: ignore[union-attr]
    store.remove_basket_item(1, 2)
    moved = store.basket("甲", "讲话素材")
    assert moved is not None
    assert [(i.position, i.article_id) for i in moved.items] == [(1, 3), (2, 2)]
    store.delete_basket(1)
    assert store.basket("甲", "讲话素材") is None
    assert [b.owner for b in store.baskets("乙")] == ["乙"]
    assert store.baskets("丙") == []


def test_corrections_are_idempotent_and_ordered(seeded: Store) -> None:
    store = seeded
    fixes = (
        Correction("paragraph", 2, 5, "D", "党", "D员"),
        Correction("paragraph", 0, 9, "D", "党", "全D"),
        Correction("title", 0, 1, "D", "党", "D委"),
    )
    before = store.count_corrections()
    store.add_corrections(article_id=1, file_id=None, corrections=fixes)
    store.add_corrections(article_id=1, file_id=None, corrections=fixes)
    store.add_corrections(article_id=None, file_id=1, corrections=fixes[:1])
    assert store.count_corrections() == before + 4
    mine = [c for c in store.corrections(1) if c in fixes]
    assert mine == [fixes[1], fixes[0], fixes[2]]
    assert fixes[0] in store.file_corrections(1)
