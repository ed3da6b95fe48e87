"""Baskets (素材篮) of articles and passages."""

from __future__ import annotations

from typing import Any

from sucai.store.base import SqlBase, columns
from sucai.store.records import Basket, BasketItem

__all__ = ["SqlBaskets"]


class SqlBaskets(SqlBase):
    """Baskets and their items."""

    def baskets(self, owner: str) -> list[Basket]:
        """An owner's baskets, by name, with their items."""
        return self._basket_rows("owner = ?", (owner,))

    def basket(self, owner: str, name: str) -> Basket | None:
        """One basket of an owner."""
        found = self._basket_rows("owner = ? AND name = ?", (owner, name))
        return found[0] if found else None

    def _renumber(self, basket_id: int, order: list[int]) -> None:
        """Give the items at the 1-based positions ``order`` the positions 1, 2, 3 …"""
        # Two passes through negative positions: the primary key forbids a transient clash.
        self._executemany(
            "UPDATE basket_items SET position = ? WHERE basket_id = ? AND position = ?",
            [(-new, basket_id, old) for new, old in enumerate(order, 1)],
        )
        self._execute(
            "UPDATE basket_items SET position = -position WHERE basket_id = ? AND position < 0",
            (basket_id,),
        )

    def _positions(self, basket_id: int) -> list[int]:
        rows = self._fetch(
            "SELECT position FROM basket_items WHERE basket_id = ? "
            f"ORDER BY position{self._lock_rows}",
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
            self._execute(
                "DELETE FROM basket_items WHERE basket_id = ? AND position = ?",
                (basket_id, position),
            )
            self._renumber(basket_id, self._positions(basket_id))

    def create_basket(self, owner: str, name: str, now: str) -> bool:
        """Create an empty basket; ``False`` when ``owner`` has one of that name already."""
        with self.atomic():
            cursor = self._execute(
                "INSERT INTO baskets (owner, name, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (owner, name) DO NOTHING",
                (owner, name, now),
            )
            return bool(cursor.rowcount)

    def rename_basket(self, basket_id: int, name: str) -> None:
        """Give a basket another name (its owner has none of that name: check first)."""
        self._write("UPDATE baskets SET name = ? WHERE id = ?", (name, basket_id))

    def delete_basket(self, basket_id: int) -> None:
        """Delete a basket and its items."""
        self._write("DELETE FROM baskets WHERE id = ?", (basket_id,))

    def add_basket_items(
        self, owner: str, name: str, items: list[tuple[int, str, int | None]], now: str
    ) -> Basket:
        """Append ``(article_id, kind, ref)`` items to a basket, creating it when new."""
        with self.atomic():
            # Look first: an INSERT … ON CONFLICT would use up an id even when the basket exists.
            row = self._one(
                f"SELECT id FROM baskets WHERE owner = ? AND name = ?{self._lock_rows}",
                (owner, name),
            )
            if row is None:
                self._execute(
                    "INSERT INTO baskets (owner, name, created_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (owner, name) DO NOTHING",
                    (owner, name, now),
                )
                row = self._one(
                    "SELECT id FROM baskets WHERE owner = ? AND name = ?", (owner, name)
                )
            basket_id = int(row[0])
            last = self._count(
                "SELECT coalesce(max(position), 0) FROM basket_items WHERE basket_id = ?",
                (basket_id,),
            )
            self._executemany(
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

    def _basket_rows(self, where: str, params: tuple[Any, ...]) -> list[Basket]:
        heads = self._fetch(
            f"SELECT id, owner, name, created_at FROM baskets WHERE {where} ORDER BY name",
            params,
            primary=True,
        )
        items = self._grouped(
            f"SELECT basket_id, {columns(BasketItem)} FROM basket_items "
            "WHERE basket_id {} ORDER BY basket_id, position",
            [h[0] for h in heads],
            BasketItem,
            primary=True,
        )
        return [Basket(b, owner, name, at, tuple(items[b])) for b, owner, name, at in heads]
