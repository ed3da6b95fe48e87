"""The 素材篮 (issue 5): an account's baskets, adding, reordering, exporting; creating,
renaming and deleting them on the page (issue 21)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from sucai.errors import UserError
from sucai.library import MEDIA_TYPES, item_label
from sucai.web import access
from sucai.web.limits import check_rate
from sucai.web.render import blocking, page
from sucai.web.views.base import (
    after_post,
    attachment,
    download_format,
    library_of,
    load_article,
    page_url,
    posted_form,
    record_download,
    require,
    sign_in_first,
    who,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.datastructures import FormData
    from starlette.requests import Request
    from starlette.responses import Response

    from sucai.library import Account, Library
    from sucai.store.records import Basket


#: Characters of an item's text the basket page shows; a longer text ends in "…".
PREVIEW_CHARS: Final = 300


def cut(text: str, limit: int) -> str:
    """``text``, or its first ``limit`` characters and "…" when it is longer."""
    return text if len(text) <= limit else text[:limit] + "…"


def _last_used(basket: Basket) -> str:
    return max([basket.created_at, *(item.added_at for item in basket.items)])


def _basket_view(request: Request, account: Account, name: str | None) -> dict[str, Any]:
    """An account's baskets with their items, as the account may read them."""
    library = library_of(request)
    owner = account.name
    baskets = library.baskets(owner)
    # Without a name: the basket used last (created or added to), where the writer left off.
    chosen = next((b for b in baskets if b.name == name), None) or max(
        baskets, key=_last_used, default=None
    )
    items: list[dict[str, Any]] = []
    if chosen is not None:
        for article, item, paragraphs in library.basket_parts(
            chosen, lambda a: access.redact_article(a, account)
        ):
            text = "\n".join(p.text for p in paragraphs if p.text)
            items.append(
                {
                    "position": item.position,
                    "article_id": article.id,
                    "kind": item.kind,
                    "ref": item.ref,
                    "label": item_label(article, item),
                    "text": cut(text, PREVIEW_CHARS),
                    "locked": any(p.paid and not p.text for p in paragraphs),
                }
            )
    return {"baskets": baskets, "basket": chosen, "items": items}


async def basket_page(request: Request) -> Response:
    """``/basket`` and ``/basket.json``: the signed-in account's baskets (``?name=``)."""
    name = request.query_params.get("name")
    if redirect := await sign_in_first(request, "/basket"):
        return redirect

    def work() -> dict[str, Any]:
        return _basket_view(request, require(request), name)

    context = await blocking(request, work)
    chosen = context["basket"]
    data = {
        "baskets": [{"name": b.name, "items": len(b.items)} for b in context["baskets"]],
        "basket": chosen.name if chosen else None,
        "items": context["items"],
    }
    return page(request, "basket.html", context, data)


async def basket_add(request: Request) -> Response:
    """``POST /basket/add`` (``article_id``, ``kind``, ``ref``, ``name``): add material."""
    form = await posted_form(request)
    name = str(form.get("name") or "素材篮")
    try:
        article_id = int(str(form.get("article_id", "")))
        ref_text = str(form.get("ref", "")).strip()
        ref = int(ref_text) if ref_text else None
    except ValueError:
        raise UserError("文章编号和段落、提纲的序号须是整数。") from None
    kind = str(form.get("kind", "article"))

    def work() -> int:
        account = require(request)
        load_article(library_of(request), account, article_id)  # 404 for a missing article
        found = library_of(request).basket_add(account.name, name, [(article_id, kind, ref)])
        return len(found.items)

    count = await blocking(request, work)
    return after_post(
        request, page_url("/basket", {"name": name}), {"basket": name, "items": count}
    )


def _position(form: FormData, key: str) -> int:
    try:
        return int(str(form.get(key, "")))
    except ValueError:
        raise UserError("素材的位置须是从 1 起的序号。") from None


async def basket_move(request: Request) -> Response:
    """``POST /basket/{name}/move`` (``from``, ``to``): reorder."""
    form = await posted_form(request)
    source, target = _position(form, "from"), _position(form, "to")
    return await _change(
        request, lambda lib, owner, name: lib.basket_move(owner, name, source, target)
    )


async def basket_remove(request: Request) -> Response:
    """``POST /basket/{name}/remove`` (``position``): take an item out."""
    form = await posted_form(request)
    position = _position(form, "position")
    return await _change(request, lambda lib, owner, name: lib.basket_remove(owner, name, position))


async def _change(request: Request, change: Callable[[Library, str, str], object]) -> Response:
    """``change(library, owner, basket name)`` for the signed-in account; then the basket."""
    name = request.path_params["name"]
    await blocking(request, lambda: change(library_of(request), require(request).name, name))
    return after_post(request, page_url("/basket", {"name": name}), {"basket": name})


async def basket_export(request: Request) -> Response:
    """``POST /basket/{name}/export`` (``format``): one document; counts as a download, and
    carries who took it as :func:`download` says."""
    await check_rate(request, "download", await who(request))
    form = await posted_form(request)
    name = request.path_params["name"]
    fmt = download_format(form, "docx")

    def work() -> tuple[str, bytes]:
        account = require(request)
        library = library_of(request)
        library.basket(account.name, name)  # a missing basket fails before the quota counts
        stamp = record_download(request, account, f"basket:{name}", fmt)
        return library.basket_export(
            account.name, name, fmt, view=lambda a: access.redact_article(a, account), stamp=stamp
        )

    file_name, data = await blocking(request, work)
    return attachment(data, MEDIA_TYPES[fmt], f"basket.{fmt}", file_name)


async def basket_new(request: Request) -> Response:
    """``POST /basket/new`` (``name``): an empty basket, opened."""
    form = await posted_form(request)
    name = str(form.get("name", ""))

    def work() -> str:
        return library_of(request).basket_create(require(request).name, name).name

    created = await blocking(request, work)
    return after_post(request, page_url("/basket", {"name": created}), {"basket": created})


async def basket_rename(request: Request) -> Response:
    """``POST /basket/{name}/rename`` (``to``): another name."""
    form = await posted_form(request)
    to = str(form.get("to", ""))
    name = request.path_params["name"]

    def work() -> str:
        return library_of(request).basket_rename(require(request).name, name, to).name

    renamed = await blocking(request, work)
    return after_post(request, page_url("/basket", {"name": renamed}), {"basket": renamed})


async def basket_delete(request: Request) -> Response:
    """``POST /basket/{name}/delete``: the basket and its items are gone."""
    await posted_form(request)
    name = request.path_params["name"]
    await blocking(request, lambda: library_of(request).basket_delete(require(request).name, name))
    return after_post(request, "/basket", {"basket": name})
