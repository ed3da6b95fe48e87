"""The admin page (accounts, the 套话 list, audit log); the service routes ``/health``,
``/openapi.json``."""

from __future__ import annotations

import os
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from sucai.errors import UserError
from sucai.library import UNCHANGED, Unchanged
from sucai.web.openapi import OPENAPI
from sucai.web.render import JSON, blocking, page, reading
from sucai.web.views.base import accounts_of, after_post, client_ip, posted_form, require

if TYPE_CHECKING:
    from starlette.datastructures import FormData
    from starlette.requests import Request

    from sucai.library import IndexState, Library
    from sucai.store.records import ConnectionUse, User


async def admin_page(request: Request) -> Response:
    """``/admin`` and ``/admin.json``: accounts and the audit log (admins only); the page
    also edits the library's 套话 list."""

    def work() -> dict[str, Any]:
        account = require(request, admin=True)
        accounts = accounts_of(request)
        library: Library = request.app.state.library
        return {
            "users": accounts.users(),
            "audit": accounts.audit_log(account),
            "today": accounts.today().isoformat(),
            "stock_phrases": library.stock_phrases(),
        }

    context = await blocking(request, work)
    data = {
        "users": [asdict(u) for u in context["users"]],
        "audit": [asdict(e) for e in context["audit"]],
        "stock_phrases": context["stock_phrases"],
    }
    return page(request, "admin.html", context, data)


def _quota(value: object) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise UserError(f"每日下载额度“{text[:20]}”不是整数：留空则用默认额度。")
    return int(text)


async def add_user(request: Request) -> Response:
    """``POST /admin/users``: create an account."""
    form = await posted_form(request)

    def work() -> User:
        account = require(request, admin=True)
        accounts = accounts_of(request)
        user = accounts.add(
            str(form.get("name", "")),
            str(form.get("password", "")),
            admin=form.get("role") == "admin",
            tier=str(form.get("tier", "")).strip() or None,
            expires_on=str(form.get("expires_on", "")).strip() or None,
            daily_quota=_quota(form.get("daily_quota")),
        )
        accounts.audit(account, "user-add", user.name, "", client_ip(request))
        return user

    user = await blocking(request, work)
    return after_post(request, "/admin", {"user": asdict(user)})


def _sent(form: FormData, key: str) -> str | Unchanged:
    """The last value of a form field, or :data:`UNCHANGED` when the form does not have it."""
    values = form.getlist(key)
    return str(values[-1]).strip() if values else UNCHANGED


def _flag(value: str) -> bool:
    if value.lower() in ("1", "on", "true"):
        return True
    if value.lower() in ("", "0", "off", "false"):
        return False
    raise UserError(f"停用标记“{value[:20]}”无法识别：请填 1（停用）或 0（启用）。")


async def update_user(request: Request) -> Response:
    """``POST /admin/users/{id}``: change the fields sent — ``role``, ``tier``, ``expires_on``,
    ``daily_quota``, ``disabled`` (1 or 0). Fields left out stay as they are; an empty
    ``tier``, ``expires_on`` or ``daily_quota`` clears it."""
    form = await posted_form(request)
    user_id = int(request.path_params["user_id"])
    quota, disabled = _sent(form, "daily_quota"), _sent(form, "disabled")

    def work() -> User:
        account = require(request, admin=True)
        accounts = accounts_of(request)
        user = accounts.update(
            user_id,
            role=_sent(form, "role"),
            tier=_sent(form, "tier"),
            expires_on=_sent(form, "expires_on"),
            daily_quota=quota if quota is UNCHANGED else _quota(quota),
            disabled=disabled if disabled is UNCHANGED else _flag(disabled),
        )
        accounts.audit(account, "user-update", user.name, "", client_ip(request))
        return user

    user = await blocking(request, work)
    return after_post(request, "/admin", {"user": asdict(user)})


async def edit_stock_phrase(request: Request) -> Response:
    """``POST /admin/stock-phrases`` (add ``phrase``) and ``POST /admin/stock-phrases/remove``
    (take it out): the library's 套话 list, which every 查重 then uses (admins only; the
    audit log records the change)."""
    form = await posted_form(request)
    phrase = str(form.get("phrase", ""))
    remove = request.url.path.endswith("/remove")

    def work() -> list[str]:
        account = require(request, admin=True)
        library: Library = request.app.state.library
        edit = library.remove_stock_phrase if remove else library.add_stock_phrase
        user_id = account.user.id if account.user else None
        edit(phrase, user_name=account.name, user_id=user_id, ip=client_ip(request))
        return library.stock_phrases()

    phrases = await blocking(request, work)
    return after_post(request, "/admin#stock-phrases", {"stock_phrases": phrases})


# --- service ---------------------------------------------------------------------------------


async def health(request: Request) -> Response:
    """``/health``: the library answers, and this server's search index follows it (which
    server process answered, too). ``status`` is ``degraded`` while the index is being built
    (pages answer, searches do not yet) or while a PostgreSQL replica fails (reads go to the
    primary). ``db`` gives a PostgreSQL library's connection budget of this process and its
    use per pool (issue 22)."""

    def work(reader: Library) -> tuple[int, IndexState, ConnectionUse | None]:
        return reader.count(), reader.index_state(), reader.connection_use()

    count, state, use = await reading(request, work)
    index = {
        "ready": state.ready,
        "behind": state.behind,
        "building": (
            {"done": state.building[0], "total": state.building[1]} if state.building else None
        ),
    }
    db = None
    if use is not None:
        pools = [asdict(p) for p in use.pools]
        db = {"budget": use.budget, "pools": pools, "replica": use.replica or None}
    degraded = not state.ready or (use is not None and use.replica == "down")
    return JSON(
        {
            "ok": True,
            "status": "degraded" if degraded else "ok",
            "articles": count,
            "index": index,
            "db": db,
            "pid": os.getpid(),
        }
    )


async def openapi(request: Request) -> Response:
    """``/openapi.json``: the API description."""
    return JSON(OPENAPI)
