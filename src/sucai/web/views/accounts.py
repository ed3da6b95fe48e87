"""Signing in and out, and the account page: password, API tokens."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from sucai.errors import AuthError, LoginThrottledError, RateLimitedError, UserError
from sucai.library import SESSION_DAYS
from sucai.web.limits import check_rate
from sucai.web.render import SESSION_COOKIE, blocking, page, set_cookie, wants_json
from sucai.web.views.base import (
    accounts_of,
    after_post,
    client_ip,
    current_account,
    posted_form,
    require,
    sign_in_first,
)

if TYPE_CHECKING:
    from starlette.requests import Request


def _next(value: object) -> str:
    """A local path to return to after signing in (never another site)."""
    text = str(value or "/")
    if not text.startswith("/") or text.startswith("//") or "\\" in text:
        return "/"
    return text


async def login(request: Request) -> Response:
    """``GET /login``: the sign-in form; ``POST /login``: sign in."""
    if request.method == "GET":
        await blocking(request, lambda: current_account(request))
        nxt = _next(request.query_params.get("next"))
        return page(request, "login.html", {"next": nxt, "error": "", "name": ""})
    form = await posted_form(request)
    name = str(form.get("name", "")).strip()
    password = str(form.get("password", ""))
    nxt = _next(form.get("next"))
    try:
        # Attempts per address first: they cost a password hash each (issue 15).
        await check_rate(request, "login", current_account(request))
        user, token = await blocking(
            request, lambda: accounts_of(request).sign_in(name, password, client_ip(request))
        )
    except (AuthError, RateLimitedError) as exc:
        if wants_json(request):
            raise
        status = 429 if isinstance(exc, (LoginThrottledError, RateLimitedError)) else 401
        answer = page(
            request, "login.html", {"next": nxt, "error": str(exc), "name": name}, status=status
        )
        if isinstance(exc, RateLimitedError):
            answer.headers["Retry-After"] = str(exc.retry_after)
        return answer
    response = after_post(request, nxt, {"user": user.name, "role": user.role})
    set_cookie(request, response, SESSION_COOKIE, token, SESSION_DAYS * 24 * 3600)
    return response


async def logout(request: Request) -> Response:
    """``POST /logout``: end the session."""
    await posted_form(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await blocking(request, lambda: accounts_of(request).sign_out(token))
    response = after_post(request, "/", {})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- account ---------------------------------------------------------------------------------


def _account_context(request: Request, new_token: str = "") -> dict[str, Any]:
    account = require(request)
    accounts = accounts_of(request)
    assert account.user is not None
    return {
        "user": account.user,
        "member_valid": account.member_valid,
        "reads_paid": account.reads_paid,
        "quota": account.daily_quota,
        "downloads_today": accounts.downloads_today(account),
        "tokens": accounts.tokens(account),
        "feed_token": accounts.feed_token(account),
        "new_token": new_token,
        "message": "",
    }


def _account_data(context: dict[str, Any]) -> dict[str, Any]:
    data = {
        "user": asdict(context["user"]),
        "member_valid": context["member_valid"],
        "reads_paid": context["reads_paid"],
        "daily_quota": context["quota"],
        "downloads_today": context["downloads_today"],
        "tokens": [asdict(t) for t in context["tokens"]],
    }
    if context["new_token"]:
        data["token"] = context["new_token"]
    return data


async def account_page(request: Request) -> Response:
    """``/account`` and ``/account.json``: tier, expiry, quota, API tokens."""
    if redirect := await sign_in_first(request, "/account"):
        return redirect
    context = await blocking(request, lambda: _account_context(request))
    return page(request, "account.html", context, _account_data(context))


async def change_password(request: Request) -> Response:
    """``POST /account/password``: old and new password."""
    form = await posted_form(request)

    def work() -> None:
        account = require(request)
        accounts = accounts_of(request)
        new = str(form.get("new", ""))
        if new != str(form.get("confirm", new)):
            raise UserError("两次输入的新密码不一致。")
        accounts.change_password(account, str(form.get("old", "")), new)
        accounts.audit(account, "password", "", "", client_ip(request))

    await blocking(request, work)
    return after_post(request, "/account", {})


async def create_token(request: Request) -> Response:
    """``POST /account/tokens``: a new API token, shown once."""
    form = await posted_form(request)

    def work() -> dict[str, Any]:
        account = require(request)
        token = accounts_of(request).create_token(account, str(form.get("label", "")))
        accounts_of(request).audit(
            account, "token", str(form.get("label", ""))[:80], "", client_ip(request)
        )
        return _account_context(request, token)

    context = await blocking(request, work)
    return page(request, "account.html", context, _account_data(context))


async def revoke_token(request: Request) -> Response:
    """``POST /account/tokens/{id}/revoke``."""
    await posted_form(request)
    token_id = int(request.path_params["token_id"])

    def work() -> None:
        account = require(request)
        accounts_of(request).revoke_token(account, token_id)
        accounts_of(request).audit(account, "revoke", f"token:{token_id}", "", client_ip(request))

    await blocking(request, work)
    return after_post(request, "/account", {})
