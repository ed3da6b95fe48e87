"""The 素材篮 (basket) methods of :class:`~sucai.library.Library` (issue 5): a basket of an
owner, its items in order, and the basket as one document. The rules of one item (references
such as ``12:3``, names, labels) are in :mod:`sucai.basket`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sucai.basket import check_name, item_paragraphs, parse_ref, validate_item
from sucai.errors import NotFoundError, UserError
from sucai.export import basket_document, check_format, get_template, render
from sucai.i18n import N_

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sucai.compose import LawStatus
    from sucai.export import DocxTemplate, Stamp
    from sucai.models import Article, Paragraph
    from sucai.store import Basket, BasketItem, Store

__all__ = ["BasketMethods", "export_layout"]

_EXISTS = N_("{owner} has a basket '{name}' already: choose another name.")


class BasketMethods:
    """What :class:`~sucai.library.Library` does with baskets, over its store and articles."""

    store: Store
    get: Callable[[int], Article]
    law_status: Callable[..., LawStatus | None]

    def baskets(self, owner: str) -> list[Basket]:
        """The baskets of ``owner`` (a CLI ``--user`` or a web account name), by name."""
        return self.store.baskets(owner)

    def basket(self, owner: str, name: str) -> Basket:
        """One basket; raises :class:`~sucai.errors.UserError` when there is none."""
        found = self.store.basket(owner, check_name(name))
        if found is None:
            raise UserError.of(
                N_(
                    "{owner} has no basket '{name}'. Add material with: "
                    "sucai basket add {name} ARTICLE[:PARA|#OUTLINE]"
                ),
                owner=owner,
                name=name,
            )
        return found

    def basket_add(
        self, owner: str, name: str, refs: Sequence[str | tuple[int, str, int | None]]
    ) -> Basket:
        """Append material to a basket (created when new).

        Args:
            owner: whose basket.
            name: the basket's name.
            refs: ``"12"``, ``"12:3"``, ``"12#2"`` (1-based, see :mod:`sucai.basket`) or
                ``(article_id, kind, 0-based ref)``.

        Raises:
            UserError: a bad reference, or a paragraph/outline entry the article lacks.
            NotFoundError: no such article.
        """
        name = check_name(name)
        items = [parse_ref(r) if isinstance(r, str) else r for r in refs]
        if not items:
            raise UserError.of(N_("name at least one piece of material to add."))
        for article_id, kind, ref in items:
            validate_item(self.get(article_id), kind, ref)
        return self.store.add_basket_items(owner, name, items, _now())

    def _position(self, basket: Basket, position: int) -> int:
        if not 1 <= position <= len(basket.items):
            raise UserError.of(
                N_("basket '{name}' has items 1–{count}; there is no item {position}."),
                name=basket.name,
                count=len(basket.items),
                position=position,
            )
        return position

    def basket_move(self, owner: str, name: str, source: int, target: int) -> Basket:
        """Move item ``source`` to position ``target`` (1-based)."""
        basket = self.basket(owner, name)
        self.store.move_basket_item(
            basket.id, self._position(basket, source), self._position(basket, target)
        )
        return self.basket(owner, name)

    def basket_remove(self, owner: str, name: str, position: int) -> Basket:
        """Remove item ``position`` (1-based); later items move up."""
        basket = self.basket(owner, name)
        self.store.remove_basket_item(basket.id, self._position(basket, position))
        return self.basket(owner, name)

    def basket_create(self, owner: str, name: str) -> Basket:
        """Create an empty basket.

        Raises:
            UserError: a bad name, or ``owner`` has a basket of that name.
        """
        name = check_name(name)
        if not self.store.create_basket(owner, name, _now()):
            raise UserError.of(_EXISTS, owner=owner, name=name)
        return self.basket(owner, name)

    def basket_rename(self, owner: str, name: str, to: str) -> Basket:
        """Rename a basket.

        Raises:
            UserError: no such basket, a bad name, or ``owner`` has a basket named ``to``.
        """
        basket = self.basket(owner, name)
        to = check_name(to)
        if to != basket.name:
            if self.store.basket(owner, to) is not None:
                raise UserError.of(_EXISTS, owner=owner, name=to)
            self.store.rename_basket(basket.id, to)
        return self.basket(owner, to)

    def basket_delete(self, owner: str, name: str) -> None:
        """Delete a basket and its items."""
        self.store.delete_basket(self.basket(owner, name).id)

    def basket_parts(
        self, basket: Basket, view: Callable[[Article], Article] | None = None
    ) -> list[tuple[Article, BasketItem, tuple[Paragraph, ...]]]:
        """Each item with its article (passed through ``view``, e.g. paid redaction) and text.

        Items whose article is gone are left out.
        """
        out = []
        cache: dict[int, Article] = {}
        for item in basket.items:
            if item.article_id not in cache:
                try:
                    article = self.get(item.article_id)
                except NotFoundError:
                    continue
                cache[item.article_id] = view(article) if view else article
            article = cache[item.article_id]
            out.append((article, item, item_paragraphs(article, item)))
        return out

    def basket_export(
        self,
        owner: str,
        name: str,
        fmt: str = "docx",
        template: str | None = None,
        *,
        view: Callable[[Article], Article] | None = None,
        stamp: Stamp | None = None,
    ) -> tuple[str, bytes]:
        """A basket as one document: material in order, each with its source, then 出处 and
        the 依据表 (a row per piece: article, role, date, a law's status, the passage).

        Args:
            owner: whose basket.
            name: the basket.
            fmt: ``docx``, ``txt`` or ``md``.
            template: the .docx layout (see ``sucai export --template list``).
            view: applied to each article first (the web app passes paid redaction).
            stamp: whom the file is for (see :meth:`export`).

        Returns:
            ``(file name, bytes)``.
        """
        layout = export_layout(fmt, template)
        basket = self.basket(owner, name)
        parts = [(a, paragraphs) for a, _item, paragraphs in self.basket_parts(basket, view)]
        statuses: dict[int, str] = {}
        for article, _paragraphs in parts:
            # A repeal is looked for in free text: whoever the file is for may learn it.
            status = self.law_status(article.id, paid=False)
            if status is not None:
                statuses[article.id] = status.label
        doc = basket_document(basket.name, parts, statuses)
        return f"{doc.name}.{fmt}", render(doc, fmt, layout, stamp)


def export_layout(fmt: str, template: str | None) -> DocxTemplate:
    """The .docx layout of an export, after the format is checked (both fail before any
    article is read)."""
    check_format(fmt)
    return get_template(template)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
