"""One handler per page, rendered as HTML or JSON (``/search`` and ``/search.json``).

Handlers validate input, call the :class:`~sucai.library.Library` (``request.app.state.library``)
and the :class:`~sucai.users.Accounts` (``request.app.state.accounts``) inside
:func:`~sucai.web.render.blocking`, pass what they got through :mod:`sucai.web.access`, and
render. They hold no business rules and never open connections.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote, urlencode

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from sucai.check import (
    DEFAULT_MIN_SPAN,
    draft_error_message,
    draft_from_bytes,
    split_paragraphs,
)
from sucai.check.render import report_css, report_docx, report_html
from sucai.errors import (
    AccessDeniedError,
    AuthError,
    IndexBuildingError,
    IngestError,
    LoginThrottledError,
    NotFoundError,
    QueryError,
    RateLimitedError,
    UploadError,
    UploadTooLargeError,
    UserError,
)
from sucai.export import MEDIA_TYPES
from sucai.hygiene import article_findings
from sucai.search.highlight import snippet
from sucai.search.query import MAX_FILTER_CHARS, clean_query_text, parse_query, parse_years
from sucai.serialize import (
    article_to_dict,
    overlap_report_to_dict,
    page_to_dict,
    summary_to_dict,
)
from sucai.store import ArticleFilter
from sucai.users import SESSION_DAYS, UNCHANGED, Unchanged
from sucai.web import access
from sucai.web.limits import DRAFT_CHARS, check_rate, draft_chars
from sucai.web.openapi import OPENAPI
from sucai.web.render import (
    JSON,
    SESSION_COOKIE,
    blocking,
    check_csrf,
    marked,
    page,
    reading,
    set_cookie,
    wants_json,
)
from sucai.web.uploads import job_to_dict, save_upload, too_large

if TYPE_CHECKING:
    from starlette.datastructures import FormData, UploadFile
    from starlette.requests import Request

    from sucai.check import MatchSpan, OverlapReport, SourceShare
    from sucai.library import Library
    from sucai.models import Article
    from sucai.search.engine import SearchHit
    from sucai.search.index import IndexState
    from sucai.store import ArticleSummary, User
    from sucai.users import Account, Accounts
    from sucai.web.app import WebSettings

MAX_PAGE: Final = 500
MAX_ID: Final = 2**63 - 1  # the largest database integer
RECENT_JOBS: Final = 30  # import jobs listed on the import page
SCOPES: Final = (("all", "全文"), ("title", "标题"), ("outline", "提纲"))
FACET_LABELS: Final = (("genre", "文种"), ("role", "角色"), ("year", "年份"), ("source", "来源"))


# --- helpers -------------------------------------------------------------------------------


def _library(request: Request) -> Library:
    library: Library = request.app.state.library
    return library


def _accounts(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def _ip(request: Request) -> str:
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
    accounts = _accounts(request)
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


async def _who(request: Request) -> Account:
    """:func:`current_account`, reading the store (under the app's lock) only when the request
    carries a session cookie or an API token: a visitor's reads need no lock at all."""
    if request.headers.get("authorization") or request.cookies.get(SESSION_COOKIE):
        account: Account = await blocking(request, lambda: current_account(request))
        return account
    return current_account(request)


async def _form(request: Request) -> FormData:
    """The POSTed form, after its CSRF token is checked (API-token requests need none)."""
    form = await request.form()
    await blocking(request, lambda: current_account(request))
    if not getattr(request.state, "via_token", False):
        check_csrf(request, form.get("csrf"))
    return form


def _after_post(request: Request, to: str, data: dict[str, Any]) -> Response:
    """303 to the page that shows the result, or the JSON result."""
    if wants_json(request):
        return JSON({"ok": True, **data})
    return RedirectResponse(to, 303)


def _int(value: str | None, default: int, low: int = 1, high: int = MAX_PAGE) -> int:
    try:
        number = int(value) if value is not None else default
    except ValueError:
        shown = (value or "")[:20]
        raise QueryError(f"'{shown}' is not a number.", f"“{shown}”不是数字。") from None
    return max(low, min(high, number))


def _filters(request: Request) -> tuple[ArticleFilter, dict[str, str]]:
    params = request.query_params
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
                f"the {name} filter is too long.",
                f"筛选条件“{label}”过长（{len(value)} 字，上限 {MAX_FILTER_CHARS} 字）。",
            )
    start, end = parse_years(year) if year else (None, None)
    kept = {k: v for k, v in pairs if v}
    return ArticleFilter(genre, role, start, end, source), kept


def _url(path: str, params: dict[str, Any]) -> str:
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    return path + ("?" + urlencode(clean) if clean else "")


def _require(request: Request, *, admin: bool = False) -> Account:
    account = current_account(request)
    if account.user is None:
        raise AuthError("请先登录。")
    if admin and not account.is_admin:
        raise AccessDeniedError("只有管理员可以访问这个页面。")
    return account


def _added_today(library: Library, limit: int = 50) -> list[ArticleSummary]:
    """Articles added today (local time), newest first: the tail of the import order."""
    count = library.count()
    recent = library.list(limit=limit, offset=max(0, count - limit))
    today = datetime.now().astimezone().date()
    return [
        r
        for r in reversed(recent)
        if datetime.fromisoformat(r.added_at).astimezone().date() == today
    ]


def _facet_dict(facets: dict[str, list[tuple[str, int]]]) -> dict[str, list[list[Any]]]:
    return {name: [[v, n] for v, n in counts] for name, counts in facets.items()}


# --- search ----------------------------------------------------------------------------------


def _hit_view(hit: SearchHit) -> dict[str, Any]:
    text, spans = snippet(hit.text, list(hit.highlights)) if hit.text else ("", [])
    return {
        "hit": hit,
        "html": marked(text, spans),
        "anchor": f"p{hit.paragraph_index}" if hit.paragraph_index is not None else "",
    }


def _groups(hits: tuple[SearchHit, ...]) -> list[dict[str, Any]]:
    """Hits grouped by article, articles in the order of their best hit."""
    groups: dict[int, dict[str, Any]] = {}
    for hit in hits:
        group = groups.setdefault(hit.article_id, {"first": hit, "hits": []})
        group["hits"].append(_hit_view(hit))
    return list(groups.values())


async def search(request: Request) -> Response:
    """``/search`` and ``/search.json``: paragraphs, titles or outlines matching ``q``."""
    params = request.query_params
    # Invisible format controls are dropped from what the page shows and links to, as the
    # query parser drops them from what it searches for.
    q = clean_query_text(params.get("q", "")).strip()
    scope = params.get("in", "all")
    size = request.app.state.settings.page_size
    number = _int(params.get("page"), 1)

    account = await _who(request)
    if q:
        await check_rate(request, "search", account)

    def work(library: Library) -> dict[str, Any]:
        where, kept = _filters(request)
        base: dict[str, Any] = {"q": q, "scope": scope, "filters": kept, "scopes": SCOPES}
        if not q and not wants_json(request):
            return {**base, "page": None, "today": _added_today(library, 10)}
        query = parse_query(
            q,
            genre=where.genre,
            role=where.role,
            years=(where.year_from, where.year_to),
            source=where.source,
            scope=scope,
            limit=size,
            offset=(number - 1) * size,
        )
        # The page always shows facets; the JSON API counts them when asked (facets=1).
        facets = not wants_json(request) or params.get("facets", "") in ("1", "true")
        result = access.search(library, account, query, facets=facets)
        return {**base, "page": result, "facets": result.facets, "number": number}

    context = await reading(request, work)
    result = context["page"]
    if wants_json(request):
        data = page_to_dict(result)
        if context["facets"]:
            data["facets"] = _facet_dict(context["facets"])
        return JSON({**data, "ok": True})
    if result is not None:
        pages = (result.total + size - 1) // size
        link = {"q": q, "in": scope if scope != "all" else "", **context["filters"]}
        context.update(
            groups=_groups(result.hits),
            pages=pages,
            prev_url=_url("/search", {**link, "page": number - 1}) if number > 1 else "",
            next_url=_url("/search", {**link, "page": number + 1})
            if number < min(pages, MAX_PAGE)
            else "",
            scope_urls=[
                (value, label, _url("/search", {**link, "in": value if value != "all" else ""}))
                for value, label in SCOPES
            ],
            facet_urls=[
                (
                    label,
                    name,
                    [
                        (
                            value,
                            count,
                            _url("/search", {**link, name: value}),
                            context["filters"].get(name) == value,
                        )
                        for value, count in context["facets"][name]
                    ],
                    _url("/search", {**link, name: ""}) if name in context["filters"] else "",
                )
                for name, label in FACET_LABELS
            ],
        )
    return page(request, "search.html", context)


# --- articles --------------------------------------------------------------------------------


def _load(library: Library, account: Account, article_id: int) -> Article:
    """The article as ``account`` may read it."""
    try:
        if article_id > MAX_ID:  # more than the database holds (issue 15: was a 500)
            raise NotFoundError(str(article_id))
        return access.article(library, account, article_id)
    except NotFoundError:
        # The store's message names the library file; a web visitor gets a plain one.
        raise NotFoundError(f"没有编号为 {article_id} 的文章。") from None


async def article(request: Request) -> Response:
    """``/article/{id}`` and ``/article/{id}.json``: one article as the viewer may read it."""
    article_id = int(request.path_params["article_id"])

    account = await _who(request)

    def work(library: Library) -> dict[str, Any]:
        shown = _load(library, account, article_id)
        try:
            related = access.similar(library, account, article_id, 8)
        except IndexBuildingError:
            related = []  # the article reads from the library; "similar" waits for the index
        return {
            "article": shown,
            "similar": related,
            "locked": sum(1 for p in shown.paragraphs if p.paid and not p.text),
            "versions": library.versions(article_id),
        }

    context = await reading(request, work)
    if account.user is not None:
        context["downloads_today"] = await blocking(
            request, lambda: _accounts(request).downloads_today(account)
        )
    else:
        context["downloads_today"] = 0
    shown: Article = context["article"]
    data = {
        # Server paths and file hashes are for admins; others get file names (issue 15).
        **article_to_dict(shown, file_details=account.is_admin),
        "locked_paragraphs": context["locked"],
        "similar": [
            {**summary_to_dict(s.article), "score": round(s.score, 3)} for s in context["similar"]
        ],
        # Other versions of a law (issue 6).
        "versions": [asdict(v) for v in context["versions"]],
    }
    first_locked = next((p.index for p in shown.paragraphs if p.paid and not p.text), None)
    # Hygiene (issue 5) runs on the article as shown, so it never reveals paid text.
    hygiene = article_findings(shown)
    data["hygiene"] = [
        {"paragraph": para.index, **asdict(f)} for para in hygiene.paragraphs for f in para.findings
    ]
    context.update(
        hygiene={
            para.index: marked(
                shown.title if para.index < 0 else shown.paragraphs[para.index].text,
                [(f.start, f.end) for f in para.findings],
            )
            for para in hygiene.paragraphs
        },
        hygiene_count=hygiene.count,
        first_locked=first_locked,
        toc=shown.outline,
        # A source that held a near-duplicate (issue 6) says how close it was.
        sources=[
            s.path.replace("\\", "/").rsplit("/", 1)[-1]
            + (f"（近似 {s.similarity:.2f}）" if s.similarity is not None else "")
            for s in shown.sources
        ],
    )
    return page(request, "article.html", context, data)


def _line_off_tiers(request: Request) -> tuple[str, ...]:
    settings: WebSettings = request.app.state.settings
    return settings.export_line_off_tiers


def _format(form: FormData, default: str) -> str:
    fmt = str(form.get("format", default))
    if fmt not in MEDIA_TYPES:
        raise UserError(f"下载格式“{fmt[:20]}”未知：请选择 txt、md 或 docx。")
    return fmt


async def download(request: Request) -> Response:
    """``POST /article/{id}/download`` (``format=txt|md|docx``): counts against the quota.

    The file carries who took it (issue 15): the audit line's code in its text (and .docx
    properties) and, unless the account's tier is in ``export_line_off_tiers``, the line
    ``仅供 NAME 使用 · date`` in its footer.
    """
    article_id = int(request.path_params["article_id"])
    await check_rate(request, "download", await _who(request))
    form = await _form(request)
    fmt = _format(form, "txt")

    def work() -> tuple[str, bytes]:
        account = current_account(request)
        library = _library(request)
        _load(library, account, article_id)  # a missing article fails before the quota counts
        stamp = _accounts(request).record_download(
            account,
            f"article:{article_id}",
            fmt,
            _ip(request),
            line_off_tiers=_line_off_tiers(request),
        )
        return library.export(
            article_id, fmt, view=lambda a: access.redact_article(a, account), stamp=stamp
        )

    file_name, data = await blocking(request, work)
    return Response(
        data,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="article-{article_id}.{fmt}"; '
            f"filename*=UTF-8''{quote(file_name)}"
        },
    )


# --- browse ----------------------------------------------------------------------------------


async def browse(request: Request) -> Response:
    """``/browse`` and ``/browse.json``: newest first, facet counts, what was added today."""
    size = request.app.state.settings.page_size
    number = _int(request.query_params.get("page"), 1)

    await _who(request)

    def work(library: Library) -> dict[str, Any]:
        where, kept = _filters(request)
        result = library.browse(where, limit=size, offset=(number - 1) * size)
        return {"result": result, "filters": kept, "today": _added_today(library)}

    context = await reading(request, work)
    result = context["result"]
    kept = context["filters"]
    data = {
        "total": result.total,
        "offset": (number - 1) * size,
        "articles": [summary_to_dict(a) for a in result.articles],
        "facets": _facet_dict(result.facets),
        "today": [summary_to_dict(a) for a in context["today"]],
    }
    pages = (result.total + size - 1) // size
    context.update(
        number=number,
        pages=pages,
        prev_url=_url("/browse", {**kept, "page": number - 1}) if number > 1 else "",
        next_url=_url("/browse", {**kept, "page": number + 1}) if number < pages else "",
        facet_urls=[
            (
                label,
                name,
                [
                    (value, count, _url("/browse", {**kept, name: value}), kept.get(name) == value)
                    for value, count in result.facets[name][:20]
                ],
                _url("/browse", {**kept, name: ""}) if name in kept else "",
            )
            for name, label in FACET_LABELS
        ],
    )
    return page(request, "browse.html", context, data)


# --- signing in and out ----------------------------------------------------------------------


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
    form = await _form(request)
    name = str(form.get("name", "")).strip()
    password = str(form.get("password", ""))
    nxt = _next(form.get("next"))
    try:
        # Attempts per address first: they cost a password hash each (issue 15).
        await check_rate(request, "login", current_account(request))
        user, token = await blocking(
            request, lambda: _accounts(request).sign_in(name, password, _ip(request))
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
    response = _after_post(request, nxt, {"user": user.name, "role": user.role})
    set_cookie(request, response, SESSION_COOKIE, token, SESSION_DAYS * 24 * 3600)
    return response


async def logout(request: Request) -> Response:
    """``POST /logout``: end the session."""
    await _form(request)
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await blocking(request, lambda: _accounts(request).sign_out(token))
    response = _after_post(request, "/", {})
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- account ---------------------------------------------------------------------------------


def _user_dict(user: User) -> dict[str, Any]:
    return asdict(user)


def _account_context(request: Request, new_token: str = "") -> dict[str, Any]:
    account = _require(request)
    accounts = _accounts(request)
    assert account.user is not None
    return {
        "user": account.user,
        "member_valid": account.member_valid,
        "reads_paid": account.reads_paid,
        "quota": account.daily_quota,
        "downloads_today": accounts.downloads_today(account),
        "tokens": accounts.tokens(account),
        "new_token": new_token,
        "message": "",
    }


def _account_data(context: dict[str, Any]) -> dict[str, Any]:
    data = {
        "user": _user_dict(context["user"]),
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
    if not wants_json(request):
        known = await blocking(request, lambda: current_account(request).user is not None)
        if not known:
            return RedirectResponse(_url("/login", {"next": "/account"}), 303)
    context = await blocking(request, lambda: _account_context(request))
    return page(request, "account.html", context, _account_data(context))


async def change_password(request: Request) -> Response:
    """``POST /account/password``: old and new password."""
    form = await _form(request)

    def work() -> None:
        account = _require(request)
        accounts = _accounts(request)
        new = str(form.get("new", ""))
        if new != str(form.get("confirm", new)):
            raise UserError("两次输入的新密码不一致。")
        accounts.change_password(account, str(form.get("old", "")), new)
        accounts.audit(account, "password", "", "", _ip(request))

    await blocking(request, work)
    return _after_post(request, "/account", {})


async def create_token(request: Request) -> Response:
    """``POST /account/tokens``: a new API token, shown once."""
    form = await _form(request)

    def work() -> dict[str, Any]:
        account = _require(request)
        token = _accounts(request).create_token(account, str(form.get("label", "")))
        _accounts(request).audit(
            account, "token", str(form.get("label", ""))[:80], "", _ip(request)
        )
        return _account_context(request, token)

    context = await blocking(request, work)
    return page(request, "account.html", context, _account_data(context))


async def revoke_token(request: Request) -> Response:
    """``POST /account/tokens/{id}/revoke``."""
    await _form(request)
    token_id = int(request.path_params["token_id"])

    def work() -> None:
        account = _require(request)
        _accounts(request).revoke_token(account, token_id)
        _accounts(request).audit(account, "revoke", f"token:{token_id}", "", _ip(request))

    await blocking(request, work)
    return _after_post(request, "/account", {})


# --- admin -----------------------------------------------------------------------------------


async def admin_page(request: Request) -> Response:
    """``/admin`` and ``/admin.json``: accounts and the audit log (admins only)."""

    def work() -> dict[str, Any]:
        account = _require(request, admin=True)
        accounts = _accounts(request)
        return {
            "users": accounts.users(),
            "audit": accounts.audit_log(account),
            "today": accounts.today().isoformat(),
        }

    context = await blocking(request, work)
    data = {
        "users": [_user_dict(u) for u in context["users"]],
        "audit": [asdict(e) for e in context["audit"]],
    }
    return page(request, "admin.html", context, data)


def _quota(value: object) -> int | None:
    text = str(value or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise UserError(
            f"quota '{text[:20]}' is not a whole number; leave it empty for the default."
        )
    return int(text)


async def add_user(request: Request) -> Response:
    """``POST /admin/users``: create an account."""
    form = await _form(request)

    def work() -> User:
        account = _require(request, admin=True)
        accounts = _accounts(request)
        user = accounts.add(
            str(form.get("name", "")),
            str(form.get("password", "")),
            admin=form.get("role") == "admin",
            tier=str(form.get("tier", "")).strip() or None,
            expires_on=str(form.get("expires_on", "")).strip() or None,
            daily_quota=_quota(form.get("daily_quota")),
        )
        accounts.audit(account, "user-add", user.name, "", _ip(request))
        return user

    user = await blocking(request, work)
    return _after_post(request, "/admin", {"user": _user_dict(user)})


def _sent(form: FormData, key: str) -> str | Unchanged:
    """The last value of a form field, or :data:`UNCHANGED` when the form does not have it."""
    values = form.getlist(key)
    return str(values[-1]).strip() if values else UNCHANGED


def _flag(value: str) -> bool:
    if value.lower() in ("1", "on", "true"):
        return True
    if value.lower() in ("", "0", "off", "false"):
        return False
    raise UserError(f"disabled '{value[:20]}' is not understood; send 1 (停用) or 0 (启用).")


async def update_user(request: Request) -> Response:
    """``POST /admin/users/{id}``: change the fields sent — ``role``, ``tier``, ``expires_on``,
    ``daily_quota``, ``disabled`` (1 or 0). Fields left out stay as they are; an empty
    ``tier``, ``expires_on`` or ``daily_quota`` clears it."""
    form = await _form(request)
    user_id = int(request.path_params["user_id"])
    quota, disabled = _sent(form, "daily_quota"), _sent(form, "disabled")

    def work() -> User:
        account = _require(request, admin=True)
        accounts = _accounts(request)
        user = accounts.update(
            user_id,
            role=_sent(form, "role"),
            tier=_sent(form, "tier"),
            expires_on=_sent(form, "expires_on"),
            daily_quota=quota if quota is UNCHANGED else _quota(quota),
            disabled=disabled if disabled is UNCHANGED else _flag(disabled),
        )
        accounts.audit(account, "user-update", user.name, "", _ip(request))
        return user

    user = await blocking(request, work)
    return _after_post(request, "/admin", {"user": _user_dict(user)})


# --- import ----------------------------------------------------------------------------------


async def import_page(request: Request) -> Response:
    """``GET /import``: the upload form and the jobs of this run (admins only)."""
    await blocking(request, lambda: _require(request, admin=True))
    jobs = await reading(request, lambda reader: reader.store.import_jobs(RECENT_JOBS))
    limit = request.app.state.settings.max_upload_bytes
    return page(
        request,
        "import.html",
        {"jobs": jobs, "limit_mb": max(1, limit // (1024 * 1024))},
        {"jobs": [job_to_dict(j) for j in jobs]},
    )


async def upload(request: Request) -> Response:
    """``POST /import``: files or .zip archives, streamed to disk, then imported in the background.

    Refused before the body is read: visitors, members, a ``Content-Length`` over the limit.
    """
    account = await blocking(request, lambda: _require(request, admin=True))
    limit: int = request.app.state.settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise too_large(limit)
    jobs = request.app.state.imports
    folder = jobs.new_folder()
    try:
        form = await request.form(max_files=1000, max_fields=20)
        try:
            if not getattr(request.state, "via_token", False):
                check_csrf(request, form.get("csrf"))
            # Screening options (issue 16): checkboxes, off unless ticked.
            allow_classified = form.get("allow_classified") == "1"
            redact_personal = form.get("redact_personal") == "1"
            names: list[str] = []
            used = 0
            for item in form.getlist("files"):
                if isinstance(item, str):
                    continue
                name, used = await save_upload(item, folder, limit, used)
                names.append(name)
        finally:
            await form.close()
        if not names:
            raise UploadError("没有收到文件：请选择要导入的文件或 .zip 压缩包。")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    job_id = await blocking(
        request,
        lambda: jobs.start(
            _library(request).store,
            folder,
            names,
            account,
            allow_classified=allow_classified,
            redact_personal=redact_personal,
        ),
    )
    job = await reading(request, lambda reader: reader.store.import_job(job_id))
    return _after_post(request, f"/import/{job_id}", {"job": job_to_dict(job)})


async def import_status(request: Request) -> Response:
    """``/import/{job}`` and ``/import/{job}.json``: progress, then the report."""
    await blocking(request, lambda: _require(request, admin=True))
    job_id = request.path_params["job_id"]
    job = await reading(request, lambda reader: reader.store.import_job(job_id))
    if job is None:
        raise NotFoundError("没有这个导入任务。")
    return page(request, "import_job.html", {"job": job_to_dict(job)}, {"job": job_to_dict(job)})


# --- 查重 (issue 6) ---------------------------------------------------------------------------

#: The largest draft file the check page takes, in bytes (its length in characters is bounded
#: per viewer by :func:`~sucai.web.limits.draft_chars`).
CHECK_MAX_BYTES: Final = 10 * 1024 * 1024
DOCX_TYPE: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _check_context(
    report: OverlapReport | None, text: str, min_span: int, max_chars: int
) -> dict[str, Any]:
    def link(span: MatchSpan) -> str:
        return f"/article/{span.article_id}#p{span.paragraph_index}"

    def source_link(source: SourceShare) -> str:
        return f"/article/{source.article_id}"

    return {
        "report": report,
        "report_html": report_html(report, link=link, source_link=source_link) if report else "",
        "text": text,
        "min_span": min_span,
        "max_chars": max_chars,
        "max_mb": CHECK_MAX_BYTES // (1024 * 1024),
    }


async def check_page(request: Request) -> Response:
    """``GET /check``: the 查重 form (paste text or choose a file); open to every viewer."""
    account = await _who(request)
    context = _check_context(None, "", DEFAULT_MIN_SPAN, draft_chars(account))
    limits = {k: context[k] for k in ("min_span", "max_chars", "max_mb")}
    return page(request, "check.html", context, limits)


def _too_long(chars: int | None, limit: int) -> UserError:
    size = f"{chars} 字，" if chars is not None else ""
    members = DRAFT_CHARS["reader"]
    more = f"；会员上限 {members} 字" if limit < members else ""
    return UserError(f"草稿过长（{size}上限 {limit} 字{more}）：请分段查重。")


async def _draft(request: Request) -> tuple[list[str], str, str, int, str]:
    """The posted draft: ``(paragraphs, name, pasted text, min_span, format)``.

    Checked before any work: the account's 查重 rate, the declared size, and the draft's
    length in characters (:func:`~sucai.web.limits.draft_chars`: visitors less than members).
    """
    account = await _who(request)
    await check_rate(request, "check", account)
    limit = draft_chars(account)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > CHECK_MAX_BYTES + 64 * 1024:
        raise too_large(CHECK_MAX_BYTES)
    try:
        # A pasted field holds at most 4 bytes a character in UTF-8, and 9 once URL-encoded
        # (%E6%8B%9B: a form posted as application/x-www-form-urlencoded).
        form = await request.form(max_files=1, max_fields=10, max_part_size=9 * limit + 1024)
    except HTTPException as exc:
        if exc.status_code != 400:
            raise
        # Starlette's message is English ("Field exceeded maximum size of 1024KB").
        raise _too_long(None, limit) from None
    try:
        if not getattr(request.state, "via_token", False):
            check_csrf(request, form.get("csrf"))
        text = str(form.get("text") or "")
        fmt = str(form.get("format") or "html")
        min_span = _int(str(form.get("min_span") or DEFAULT_MIN_SPAN), DEFAULT_MIN_SPAN, 5, 200)
        upload: UploadFile | str | None = form.get("file")
        data, name = b"", ""
        if upload is not None and not isinstance(upload, str) and upload.filename:
            name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
            data = await upload.read(CHECK_MAX_BYTES + 1)
            if len(data) > CHECK_MAX_BYTES:
                raise too_large(CHECK_MAX_BYTES)
    finally:
        await form.close()
    if fmt not in ("html", "docx"):
        raise UserError(f"报告格式“{fmt[:20]}”未知：请选择 html 或 docx。")
    if data:
        try:
            # Parsing a .docx takes a while: off the event loop, beside the library's threads.
            paragraphs = await run_in_threadpool(draft_from_bytes, name, data)
        except IngestError as exc:
            # A bad file is a 400, one past a limit a 413; in our words, in Chinese (#22).
            message, over_limit = draft_error_message(exc, name)
            raise (UploadTooLargeError if over_limit else UploadError)(message) from None
        chars = sum(len(p) for p in paragraphs)
        if chars > limit:
            raise _too_long(chars, limit)
        return paragraphs, name, "", min_span, fmt
    if len(text) > limit:
        raise _too_long(len(text), limit)
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        raise UserError("请粘贴要查重的文字，或选择一个 .txt、.md、.docx 文件。")
    return paragraphs, "", text, min_span, fmt


async def check(request: Request) -> Response:
    """``POST /check`` and ``POST /check.json``: the overlap report of a pasted or uploaded draft.

    Form fields: ``text`` (pasted) or ``file`` (.txt/.md/.docx), ``min_span``, and ``format``
    (``html``, or ``docx`` for the report as a Word download). Source text of paid paragraphs
    takes no part for viewers who may not read it (:func:`~sucai.web.access.check`).
    """
    paragraphs, name, text, min_span, fmt = await _draft(request)
    account = current_account(request)  # read by _draft

    def work(reader: Library) -> OverlapReport:
        return access.check(reader, account, paragraphs, min_span=min_span, name=name)

    # It only reads: beside searches, never holding up imports and sign-ins.
    report = await reading(request, work)
    if fmt == "docx" and not wants_json(request):
        filename = quote(f"查重报告-{name or '草稿'}.docx")
        return Response(
            report_docx(report),
            media_type=DOCX_TYPE,
            headers={
                "Content-Disposition": 'attachment; filename="check-report.docx"; '
                f"filename*=UTF-8''{filename}"
            },
        )
    context = _check_context(report, text, min_span, draft_chars(current_account(request)))
    return page(request, "check.html", context, overlap_report_to_dict(report))


async def check_css(request: Request) -> Response:
    """``/check.css``: the report's style sheet (one file for the page and ``--html``)."""
    return Response(report_css(), media_type="text/css; charset=utf-8")


# --- service ---------------------------------------------------------------------------------


async def health(request: Request) -> Response:
    """``/health``: the library answers, and this server's search index follows it (which
    server process answered, too). ``status`` is ``degraded`` while the index is being built:
    pages answer, searches do not yet."""

    def work(reader: Library) -> tuple[int, IndexState]:
        return reader.count(), reader.index_state()

    count, state = await reading(request, work)
    index = {
        "ready": state.ready,
        "behind": state.behind,
        "building": (
            {"done": state.building[0], "total": state.building[1]} if state.building else None
        ),
    }
    status = "ok" if state.ready else "degraded"
    return JSON(
        {"ok": True, "status": status, "articles": count, "index": index, "pid": os.getpid()}
    )


async def openapi(request: Request) -> Response:
    """``/openapi.json``: the API description."""
    return JSON(OPENAPI)


async def home(request: Request) -> Response:
    """``/``: the search page."""
    return await search(request)


# --- the 素材篮 (issue 5) ------------------------------------------------------------------


def _basket_view(request: Request, account: Account, name: str | None) -> dict[str, Any]:
    """An account's baskets with their items, as the account may read them."""
    from sucai.basket import item_label

    library = _library(request)
    owner = account.name
    baskets = library.baskets(owner)
    chosen = next((b for b in baskets if b.name == name), baskets[0] if baskets else None)
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
                    "text": text[:300],
                    "locked": any(p.paid and not p.text for p in paragraphs),
                }
            )
    return {"baskets": baskets, "basket": chosen, "items": items}


async def basket_page(request: Request) -> Response:
    """``/basket`` and ``/basket.json``: the signed-in account's baskets (``?name=``)."""
    name = request.query_params.get("name")
    if not wants_json(request):
        known = await blocking(request, lambda: current_account(request).user is not None)
        if not known:
            return RedirectResponse(_url("/login", {"next": "/basket"}), 303)

    def work() -> dict[str, Any]:
        return _basket_view(request, _require(request), name)

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
    form = await _form(request)
    name = str(form.get("name") or "素材篮")
    try:
        article_id = int(str(form.get("article_id", "")))
        ref_text = str(form.get("ref", "")).strip()
        ref = int(ref_text) if ref_text else None
    except ValueError:
        raise UserError("article_id and ref must be whole numbers.") from None
    kind = str(form.get("kind", "article"))

    def work() -> int:
        account = _require(request)
        _load(_library(request), account, article_id)  # 404 for a missing article
        found = _library(request).basket_add(account.name, name, [(article_id, kind, ref)])
        return len(found.items)

    count = await blocking(request, work)
    return _after_post(request, _url("/basket", {"name": name}), {"basket": name, "items": count})


def _position(form: FormData, key: str) -> int:
    try:
        return int(str(form.get(key, "")))
    except ValueError:
        raise UserError(f"{key} must be a position number (from 1).") from None


async def basket_move(request: Request) -> Response:
    """``POST /basket/{name}/move`` (``from``, ``to``): reorder."""
    form = await _form(request)
    name = request.path_params["name"]
    source, target = _position(form, "from"), _position(form, "to")

    def work() -> None:
        account = _require(request)
        _library(request).basket_move(account.name, name, source, target)

    await blocking(request, work)
    return _after_post(request, _url("/basket", {"name": name}), {"basket": name})


async def basket_remove(request: Request) -> Response:
    """``POST /basket/{name}/remove`` (``position``): take an item out."""
    form = await _form(request)
    name = request.path_params["name"]
    position = _position(form, "position")

    def work() -> None:
        account = _require(request)
        _library(request).basket_remove(account.name, name, position)

    await blocking(request, work)
    return _after_post(request, _url("/basket", {"name": name}), {"basket": name})


async def basket_export(request: Request) -> Response:
    """``POST /basket/{name}/export`` (``format``): one document; counts as a download, and
    carries who took it as :func:`download` says."""
    await check_rate(request, "download", await _who(request))
    form = await _form(request)
    name = request.path_params["name"]
    fmt = _format(form, "docx")

    def work() -> tuple[str, bytes]:
        account = _require(request)
        library = _library(request)
        library.basket(account.name, name)  # a missing basket fails before the quota counts
        stamp = _accounts(request).record_download(
            account, f"basket:{name}", fmt, _ip(request), line_off_tiers=_line_off_tiers(request)
        )
        return library.basket_export(
            account.name, name, fmt, view=lambda a: access.redact_article(a, account), stamp=stamp
        )

    file_name, data = await blocking(request, work)
    return Response(
        data,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="basket.{fmt}"; '
            f"filename*=UTF-8''{quote(file_name)}"
        },
    )
