"""What the handlers share: who is asking, forms, parameters, links and downloads.

Handlers validate input, call the :class:`~sucai.library.Library` (``request.app.state.library``)
and its :class:`~sucai.library.Accounts` (``request.app.state.accounts``) inside
:func:`~sucai.web.render.blocking` or :func:`~sucai.web.render.reading`, pass what they got
through :mod:`sucai.web.access`, and render. They hold no business rules and never open
connections.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote, urlencode

from starlette.responses import RedirectResponse, Response

from sucai.errors import AccessDeniedError, AuthError, NotFoundError, QueryError, UserError
from sucai.library import MAX_FILTER_CHARS, MEDIA_TYPES, clean_query_text, parse_years
from sucai.store.records import ArticleFilter
from sucai.web import access
from sucai.web.render import JSON, SESSION_COOKIE, blocking, check_csrf, wants_json

if TYPE_CHECKING:
    from collections.abc import Mapping

    from starlette.datastructures import FormData
    from starlette.requests import Request

    from sucai.library import Account, Accounts, Library, Stamp
    from sucai.models import Article
    from sucai.store.records import ArticleSummary
    from sucai.web.app import WebSettings

MAX_PAGE: Final = 500
MAX_ID: Final = 2**63 - 1  # the largest database integer
FACET_LABELS: Final = (("genre", "文种"), ("role", "角色"), ("year", "年份"), ("source", "来源"))
#: The search page's tabs: paragraphs, titles, outlines (``/search?in=…``) and 金句 (``/jinju``).
SCOPES: Final = (("all", "全文"), ("title", "标题"), ("outline", "提纲"), ("jinju", "金句"))


def library_of(request: Request) -> Library:
    """The app's library (use it inside :func:`~sucai.web.render.blocking`)."""
    library: Library = request.app.state.library
    return library


def accounts_of(request: Request) -> Accounts:
    """The app's accounts (use them inside :func:`~sucai.web.render.blocking`)."""
    accounts: Accounts = request.app.state.accounts
    return accounts


def client_ip(request: Request) -> str:
    """The client's address, for the audit log."""
    return request.client.host if request.client else "-"


def current_account(request: Request) -> Account:
    """Who is asking: an API token, else the session cookie, else a visitor.

    Call inside :func:`blocking` (it reads the store). The result is kept on the request.

    Raises:
        AuthError: an ``Authorization: Bearer`` token that is unknown or revoked.
    """
    cached: Account | None = getattr(request.state, "account", None)
    if cached is not None:
        return cached
    accounts = accounts_of(request)
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        found = accounts.from_api_token(header[7:].strip())
        if found is None:
            raise AuthError("API 令牌无效或已撤销。")
        account = found
        request.state.via_token = True
    elif token := request.cookies.get(SESSION_COOKIE):
        account = accounts.from_session(token)
    else:
        account = accounts.visitor()
    request.state.account = account
    return account


async def who(request: Request) -> Account:
    """:func:`current_account`, reading the store (under the app's lock) only when the request
    carries a session cookie or an API token: a visitor's reads need no lock at all."""
    if request.headers.get("authorization") or request.cookies.get(SESSION_COOKIE):
        account: Account = await blocking(request, lambda: current_account(request))
        return account
    return current_account(request)


async def posted_form(request: Request) -> FormData:
    """The POSTed form, after its CSRF token is checked (API-token requests need none)."""
    form = await request.form()
    await blocking(request, lambda: current_account(request))
    if not getattr(request.state, "via_token", False):
        check_csrf(request, form.get("csrf"))
    return form


def after_post(request: Request, to: str, data: dict[str, Any]) -> Response:
    """303 to the page that shows the result, or the JSON result."""
    if wants_json(request):
        return JSON({"ok": True, **data})
    return RedirectResponse(to, 303)


def int_param(value: str | None, default: int, low: int = 1, high: int = MAX_PAGE) -> int:
    """A whole-number parameter, clamped to ``low``–``high``.

    Raises:
        QueryError: the value is not a number.
    """
    try:
        number = int(value) if value is not None else default
    except ValueError:
        shown = (value or "")[:20]
        raise QueryError(f"“{shown}”不是数字。") from None
    return max(low, min(high, number))


def article_filter(request: Request) -> tuple[ArticleFilter, dict[str, str]]:
    """The filters of the query string, and those given (to repeat in links)."""
    return filters_of(request.query_params)


def filters_of(params: Mapping[str, str]) -> tuple[ArticleFilter, dict[str, str]]:
    """The filters of a query string or a form (genre, role, year, source), and those given.

    Raises:
        QueryError: a filter too long, or a bad year.
    """
    # Invisible format controls are dropped, as the query parser drops them from its text.
    genre, role, year, source = (
        clean_query_text(params.get(name, "")) or None
        for name in ("genre", "role", "year", "source")
    )
    pairs = (("genre", genre), ("role", role), ("year", year), ("source", source))
    for name, value in pairs:
        # Each filter is repeated in every link of the page: bound it (issue 15).
        if value and len(value) > MAX_FILTER_CHARS:
            label = dict(FACET_LABELS)[name]
            raise QueryError(
                f"筛选条件“{label}”过长（{len(value)} 字，上限 {MAX_FILTER_CHARS} 字）。"
            )
    start, end = parse_years(year) if year else (None, None)
    kept = {k: v for k, v in pairs if v}
    return ArticleFilter(genre, role, start, end, source), kept


def page_url(path: str, params: dict[str, Any]) -> str:
    """``path`` with the non-empty ``params`` as its query string."""
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(clean) if clean else "")


def require(request: Request, *, admin: bool = False) -> Account:
    """The signed-in account (an admin's when ``admin``).

    Raises:
        AuthError: a visitor.
        AccessDeniedError: ``admin`` and the account is a member.
    """
    account = current_account(request)
    if account.user is None:
        raise AuthError("请先登录。")
    if admin and not account.is_admin:
        raise AccessDeniedError("只有管理员可以访问这个页面。")
    return account


def added_today(library: Library, limit: int = 50) -> list[ArticleSummary]:
    """Articles added today (local time), newest first: the tail of the import order."""
    count = library.count()
    recent = library.list(limit=limit, offset=max(0, count - limit))
    today = datetime.now().astimezone().date()
    return [
        r
        for r in reversed(recent)
        if datetime.fromisoformat(r.added_at).astimezone().date() == today
    ]


def facet_dict(facets: dict[str, list[tuple[str, int]]]) -> dict[str, list[list[Any]]]:
    """Facet counts as JSON: ``{name: [[value, count], …]}``."""
    return {name: [[v, n] for v, n in counts] for name, counts in facets.items()}


def load_article(library: Library, account: Account, article_id: int) -> Article:
    """The article as ``account`` may read it."""
    try:
        if article_id > MAX_ID:  # more than the database holds (issue 15: was a 500)
            raise NotFoundError(str(article_id))
        return access.article(library, account, article_id)
    except NotFoundError:
        # The store's message names the library file; a web visitor gets a plain one.
        raise NotFoundError(f"没有编号为 {article_id} 的文章。") from None


def record_download(request: Request, account: Account, target: str, fmt: str) -> Stamp:
    """Count a download of ``target`` against ``account``'s quota and record it: the stamp
    the file carries (issue 15; no visible footer line for the tiers of
    ``export_line_off_tiers``)."""
    settings: WebSettings = request.app.state.settings
    return accounts_of(request).record_download(
        account, target, fmt, client_ip(request), line_off_tiers=settings.export_line_off_tiers
    )


def download_format(form: FormData, default: str) -> str:
    """The ``format`` of a download form: txt, md or docx.

    Raises:
        UserError: another format.
    """
    fmt = str(form.get("format", default))
    if fmt not in MEDIA_TYPES:
        raise UserError(f"下载格式“{fmt[:20]}”未知：请选择 txt、md 或 docx。")
    return fmt


def attachment(data: bytes, media_type: str, fallback: str, name: str) -> Response:
    """A download named ``name``; ``fallback`` is its plain ASCII name for older clients."""
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{fallback}"; '
            f"filename*=UTF-8''{quote(name)}"
        },
    )


async def sign_in_first(request: Request, path: str) -> Response | None:
    """For an HTML page that needs an account: a redirect to the sign-in page that comes back
    to ``path``, when a visitor asks; ``None`` otherwise (JSON callers get the 401)."""
    if wants_json(request):
        return None
    if await blocking(request, lambda: current_account(request).user is not None):
        return None
    return RedirectResponse(page_url("/login", {"next": path}), 303)
