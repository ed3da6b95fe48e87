"""``create_app(library, settings) -> Starlette``: the route table and the error handlers."""

from __future__ import annotations

import ctypes
import json
import logging
import os
import signal
import sys
import threading
from abc import ABC, abstractmethod
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.convertors import IntegerConvertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from sucai.errors import (
    AccessDeniedError,
    AuthError,
    ConfigError,
    IndexBuildingError,
    LoginThrottledError,
    NotFoundError,
    QuotaExceededError,
    RateLimitedError,
    StoreUnavailableError,
    SucaiError,
    UploadTooLargeError,
    UserError,
)
from sucai.library import (
    WEB_LANGUAGE,
    ImportJobs,
    IndexFollower,
    explain_file,
    is_postgres_url,
    open_library,
    user_message,
)
from sucai.web.limits import (
    PDF_CONVERSIONS,
    RateLimiter,
    parse_rate_limits,
    parse_trusted_proxies,
)
from sucai.web.render import (
    JSON,
    SAFE_METHODS,
    Readers,
    cross_site,
    error_body,
    page,
    wants_json,
)
from sucai.web.views import (
    accounts,
    admin,
    articles,
    baskets,
    check,
    compose,
    desk,
    downloads,
    imports,
    jinju,
    search,
    tifa,
    updates,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from starlette.responses import Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from sucai.library import FinishedJob, Library

__all__ = ["WebSettings", "app_from_environment", "create_app", "settings_to_environment"]

HERE: Final = Path(__file__).resolve().parent
#: Threads (each with a read-only library) that run searches and page views side by side in
#: each server process: two, for two cores; more only divide the GIL (see ``Readers``).
READERS: Final = 2
log = logging.getLogger("sucai.web")

# Most specific first: the first class an error is an instance of gives the status.
STATUS: Final[tuple[tuple[type[SucaiError], int], ...]] = (
    (UploadTooLargeError, 413),
    (LoginThrottledError, 429),
    (QuotaExceededError, 429),
    (RateLimitedError, 429),
    (AuthError, 401),
    (AccessDeniedError, 403),
    (NotFoundError, 404),
    (UserError, 400),
    (StoreUnavailableError, 503),
)
TITLES: Final = {
    400: "请求有误",
    401: "请先登录",
    403: "无权访问",
    404: "找不到页面",
    405: "方法不允许",
    413: "上传内容过大",
    429: "请稍后再试",
    500: "服务器出错",
    503: "服务暂不可用",
}


class IdConvertor(IntegerConvertor):
    """``{name:id}`` in a route: a record id, 1 to 18 digits (what a database integer holds).

    A longer number matches no route (404) instead of reaching the database, which cannot
    hold it (``/article/99999999999999999999999`` was a 500, issue 15).
    """

    regex = "[0-9]{1,18}"


register_url_convertor("id", IdConvertor())


@dataclass(frozen=True, slots=True)
class WebSettings:
    """Settings of the web app.

    Attributes:
        db: the library file or PostgreSQL URL, for the import thread's own connection
            (``None``: the library's own).
        db_read: a streaming replica of a PostgreSQL ``db`` for reads and searches
            (``SUCAI_DB_READ``); each ``--workers`` process opens its library with it.
        index_dir: this server's search index folder (``None``: the default for ``db``).
        max_upload_bytes: the largest upload accepted, in bytes (larger: HTTP 413).
        page_size: hits or articles per page.
        upload_dir: where uploads are kept while they are imported (``None``: system temp).
        export_line_off_tiers: member tiers whose downloads carry no visible
            ``仅供 … 使用`` footer line (``SUCAI_EXPORT_LINE_OFF_TIERS``; the invisible
            code stays, issue 15).
        trusted_proxies: addresses and networks of reverse proxies whose ``X-Forwarded-For``
            and ``X-Forwarded-Proto`` are believed (the ``trusted_proxies`` setting, read by
            :func:`~sucai.web.limits.parse_trusted_proxies`); empty: none.
        rate_limits: the ``rate_limits`` setting as written (see
            :func:`~sucai.web.limits.parse_rate_limits`); empty: the default rates.
        time_zone: the ``time_zone`` setting (each worker opens its library with it).
        db_connections: PostgreSQL connections each server process holds at most (its share
            of ``--db-connections``); ``None``: the store's default.
    """

    db: Path | str | None = None
    db_read: str | None = None
    index_dir: Path | None = None
    max_upload_bytes: int = 200 * 1024 * 1024
    page_size: int = 20
    upload_dir: Path | None = None
    export_line_off_tiers: tuple[str, ...] = ()
    trusted_proxies: tuple[str, ...] = ()
    rate_limits: str = ""
    time_zone: str = ""
    db_connections: int | None = None


#: The environment variable that carries :class:`WebSettings` to each server worker process.
SETTINGS_ENV: Final = "SUCAI_WEB_SETTINGS"
#: The environment variable that names the ``sucai serve`` process its workers die with.
PARENT_ENV: Final = "SUCAI_SERVE_PARENT"
#: ``prctl`` option: the signal the kernel sends this process when its parent dies.
_PR_SET_PDEATHSIG: Final = 1


def die_with_parent(parent: int) -> None:
    """Have the kernel stop this worker (SIGTERM: uvicorn's graceful stop, which closes the
    listening socket) when ``parent``, the ``sucai serve`` process, dies — also by ``kill -9``,
    after which the workers kept serving and held the port (issue 22). Linux only; elsewhere
    the service manager has to stop the whole process group."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before the line above: nobody will tell us
        os.kill(os.getpid(), signal.SIGTERM)


def settings_to_environment(settings: WebSettings) -> dict[str, str]:
    """``settings`` as environment variables for :func:`app_from_environment`, and this
    process as the parent its workers die with."""
    data = {
        "db": str(settings.db) if settings.db else None,
        "db_read": settings.db_read,
        "index_dir": str(settings.index_dir) if settings.index_dir else None,
        "max_upload_bytes": settings.max_upload_bytes,
        "page_size": settings.page_size,
        "upload_dir": str(settings.upload_dir) if settings.upload_dir else None,
        "export_line_off_tiers": list(settings.export_line_off_tiers),
        "trusted_proxies": list(settings.trusted_proxies),
        "rate_limits": settings.rate_limits,
        "time_zone": settings.time_zone,
        "db_connections": settings.db_connections,
    }
    return {SETTINGS_ENV: json.dumps(data, ensure_ascii=False), PARENT_ENV: str(os.getpid())}


def _library_location(value: str | None) -> Path | str | None:
    """A PostgreSQL URL stays a string (as a path its ``//`` would collapse)."""
    if not value:
        return None
    return value if is_postgres_url(value) else Path(value)


def app_from_environment() -> Starlette:
    """The app of one ``sucai serve --workers N`` process (uvicorn calls it in each worker).

    Raises:
        ConfigError: the settings variable is missing (this is not a ``sucai serve`` worker).
    """
    raw = os.environ.get(SETTINGS_ENV)
    if not raw:
        raise ConfigError(f"${SETTINGS_ENV} is not set: start the server with `sucai serve`.")
    data = json.loads(raw)
    settings = WebSettings(
        db=_library_location(data["db"]),
        db_read=data.get("db_read") or None,
        index_dir=Path(data["index_dir"]) if data.get("index_dir") else None,
        max_upload_bytes=data["max_upload_bytes"],
        page_size=data["page_size"],
        upload_dir=Path(data["upload_dir"]) if data["upload_dir"] else None,
        export_line_off_tiers=tuple(data.get("export_line_off_tiers", ())),
        trusted_proxies=tuple(data["trusted_proxies"]),
        rate_limits=data["rate_limits"],
        time_zone=data.get("time_zone", ""),
        db_connections=data.get("db_connections"),
    )
    if settings.db is None:
        raise ConfigError(f"${SETTINGS_ENV} names no library: start the server with `sucai serve`.")
    parent = int(os.environ.get(PARENT_ENV) or os.getpid())
    if parent != os.getpid():  # a worker of `sucai serve`, not the process that set it up
        die_with_parent(parent)
    library = open_library(
        settings.db,
        read_url=settings.db_read,
        index_dir=settings.index_dir,
        time_zone=settings.time_zone,
    )
    if settings.db_connections is not None:
        library.limit_connections(settings.db_connections)
    return create_app(library, settings)


class _HttpMiddleware(ABC):
    """An ASGI middleware of HTTP requests (:meth:`http`); other scopes (lifespan) pass through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.http(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    @abstractmethod
    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one HTTP request (by calling ``self.app`` or not)."""


class SecurityHeaders(_HttpMiddleware):
    """Adds security headers to every response and keeps pages out of shared caches.

    Pages differ per account (paid text), so no proxy may cache them (``private, no-store``).
    """

    HEADERS: Final = (
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (
            b"content-security-policy",
            b"default-src 'self'; img-src 'self' data:; object-src 'none'; "
            b"frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        ),
    )

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(self.HEADERS)
                if not static:
                    headers.append((b"cache-control", b"private, no-store"))
                    headers.append((b"vary", b"Cookie, Accept, Authorization"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class SameOrigin(_HttpMiddleware):
    """Refuses a state-changing request that another site's page sent (issue 15): 403 with
    the error envelope, before the body is read. Requests with an API token
    (``Authorization: Bearer``, which a browser never adds to another site's form) are not
    judged here; an unknown token is refused by the handler (401).
    """

    MESSAGE: Final = "请求来自其他网站，已拒绝（跨站请求）：请在本站的页面上操作。"

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] not in SAFE_METHODS:
            request = Request(scope)
            bearer = request.headers.get("authorization", "")[:7].lower() == "bearer "
            if not bearer and cross_site(request):
                await _error(request, [self.MESSAGE], 403)(scope, receive, send)
                return
        await self.app(scope, receive, send)


#: What Starlette's own errors say, in our words: its messages are English and name its
#: internals (a form field over 1 MB was "Field exceeded maximum size of 1024KB").
HTTP_MESSAGES: Final = {
    400: "请求无法解析：表单格式有误，或其中一项超过 1 MB。长文请分段提交，或上传文件。",
    404: "找不到这个地址。",
    405: "这个地址不接受该请求方法。",
}
SERVER_ERROR: Final = "服务器内部错误，请稍后重试或联系管理员。"


def _error(
    request: Request, messages: list[str], status: int, retry_after: int | None = None
) -> Response:
    """The error page, or the JSON envelope; a rate limit's (``retry_after``) also gives the
    seconds to wait in the envelope and in the ``Retry-After`` header."""
    if wants_json(request):
        body = error_body(messages, status)
        if retry_after is not None:
            body["retry_after"] = retry_after
        response: Response = JSON(body, status)
    else:
        response = page(
            request,
            "error.html",
            {"status": status, "title": TITLES.get(status, "出错了"), "messages": messages},
            status=status,
        )
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


async def _sucai_error(request: Request, exc: Exception) -> Response:
    status = next((code for cls, code in STATUS if isinstance(exc, cls)), 500)
    if status == 500:
        log.exception("unexpected error", exc_info=exc)
        return _error(request, [SERVER_ERROR], 500)
    if isinstance(exc, IndexBuildingError):
        done, total = exc.progress or (0, 0)
        progress = f"（已完成 {done}/{total} 篇）" if total else ""
        response = _error(request, [f"搜索索引正在建立{progress}，请稍后再试。"], 503)
        response.headers["Retry-After"] = "10"
        return response
    if status == 503:
        # The database went away (issue 7): say so briefly; the details are for the log.
        log.warning("%s", exc)
        response = _error(request, ["数据库暂时不可用，请稍后重试。"], 503)
        response.headers["Retry-After"] = "5"
        return response
    if isinstance(exc, RateLimitedError):
        return _error(request, [str(exc)], status, retry_after=exc.retry_after)
    # An error made with ``of`` is translated by the message catalogue (issue 21).
    return _error(request, [user_message(exc, WEB_LANGUAGE)], status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = HTTP_MESSAGES.get(exc.status_code, TITLES.get(exc.status_code, "请求有误") + "。")
    return _error(request, [message], exc.status_code)


class ServerErrors(_HttpMiddleware):
    """Turns an unexpected exception into our Chinese 500 page or envelope, inside
    :class:`SecurityHeaders`, so that it carries the same headers as every other answer
    (Starlette's own handler answers outside every middleware, without them)."""

    async def http(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if started:  # too late for an error page: the client sees the cut answer
                raise
            log.exception("unexpected error", exc_info=exc)
            await _error(Request(scope, receive), [SERVER_ERROR], 500)(scope, receive, send)


def _both(path: str, endpoint: Callable[..., Any], methods: list[str] | None = None) -> list[Route]:
    """A page and its JSON twin (``/search`` and ``/search.json``), the twin first so that a
    ``{name:str}`` in the path never takes ``.json`` for part of the name."""
    return [
        Route(f"{path}.json", endpoint, methods=methods),
        Route(path, endpoint, methods=methods),
    ]


def _templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["site"] = "素材库"
    # An import's file statuses and reasons in Chinese (issue 21; the catalogue is the .po).
    env.globals["explain"] = lambda status, code: explain_file(status, code, WEB_LANGUAGE)
    return env


def create_app(library: Library, settings: WebSettings | None = None) -> Starlette:
    """The web app over ``library``: pages, the JSON API, accounts and imports.

    Args:
        library: an open library; the app uses it from one thread at a time.
        settings: see :class:`WebSettings`.
    """
    settings = settings or WebSettings()
    # Bad limits fail here, at start-up, naming the setting.
    rates = parse_rate_limits(settings.rate_limits)
    proxies = parse_trusted_proxies(",".join(settings.trusted_proxies))

    def on_import_done(job: FinishedJob) -> None:
        # Called on the import thread: the app's connection is shared, so take its lock.
        report = job.report
        summary = f"{job.files} files, {report.new_articles if report else 0} new"
        with app.state.lock:
            library.accounts.audit(job.account, "import", summary, job.state, "-")

    routes: list[Any] = [
        Route("/", desk.home),
        *_both("/search", search.search),
        *_both("/article/{article_id:id}", articles.article),
        Route("/article/{article_id:id}/download", articles.download, methods=["POST"]),
        Route("/article/{article_id:id}/favourite", desk.favourite, methods=["POST"]),
        Route("/download", downloads.download_zip, methods=["POST"]),
        *_both("/favourites", desk.favourites),
        *_both("/browse", search.browse),
        *_both("/jinju", jinju.jinju_page),
        *_both("/tifa", tifa.tifa_page),
        Route("/login", accounts.login, methods=["GET", "POST"]),
        Route("/logout", accounts.logout, methods=["POST"]),
        *_both("/account", accounts.account_page),
        Route("/account/password", accounts.change_password, methods=["POST"]),
        Route("/account/tokens", accounts.create_token, methods=["POST"]),
        Route("/account/tokens/{token_id:id}/revoke", accounts.revoke_token, methods=["POST"]),
        *_both("/admin", admin.admin_page),
        Route("/admin/users", admin.add_user, methods=["POST"]),
        Route("/admin/users/{user_id:id}", admin.update_user, methods=["POST"]),
        Route("/admin/stock-phrases", admin.edit_stock_phrase, methods=["POST"]),
        Route("/admin/stock-phrases/remove", admin.edit_stock_phrase, methods=["POST"]),
        Route("/import", imports.import_page, methods=["GET"]),
        Route("/import", imports.upload, methods=["POST"]),
        *_both("/import/{job_id:str}", imports.import_status),
        Route("/check", check.check_page, methods=["GET"]),
        *_both("/check", check.check, methods=["POST"]),
        Route("/check.css", check.check_css),
        *_both("/compose", compose.compose),
        *_both("/basket", baskets.basket_page),
        Route("/basket/add", baskets.basket_add, methods=["POST"]),
        Route("/basket/new", baskets.basket_new, methods=["POST"]),
        Route("/basket/{name:str}/rename", baskets.basket_rename, methods=["POST"]),
        Route("/basket/{name:str}/delete", baskets.basket_delete, methods=["POST"]),
        Route("/basket/{name:str}/move", baskets.basket_move, methods=["POST"]),
        Route("/basket/{name:str}/remove", baskets.basket_remove, methods=["POST"]),
        Route("/basket/{name:str}/export", baskets.basket_export, methods=["POST"]),
        *_both("/updates", updates.updates),
        *_both("/updates/{day:str}", updates.updates),
        Route("/updates/{day:str}/digest.{fmt:str}", updates.digest),
        *_both("/subscriptions", updates.subscriptions),
        Route("/subscriptions", updates.subscription_add, methods=["POST"]),
        *_both("/subscriptions/{name:str}", updates.subscription_open),
        Route("/subscriptions/{name:str}/remove", updates.subscription_remove, methods=["POST"]),
        Route("/account/feed-token", updates.feed_token, methods=["POST"]),
        Route("/account/feed-token/revoke", updates.revoke_feed_token, methods=["POST"]),
        Route("/feeds/{kind:str}/{value:str}.atom", updates.feed),
        Route("/health", admin.health),
        Route("/openapi.json", admin.openapi),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        follower = IndexFollower(library)
        follower.start()
        yield
        follower.stop()
        app.state.readers.close()

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={SucaiError: _sucai_error, HTTPException: _http_error},
    )
    app.add_middleware(ServerErrors)
    app.add_middleware(SameOrigin)
    app.add_middleware(SecurityHeaders)  # outside the above: on every answer
    if proxies:
        # The client's address and scheme as the trusted proxy saw them (outermost, so that
        # everything inside sees them); from any other peer the headers are ignored.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(proxies))
    # Catch the index up once now when there is one; afterwards the follower keeps it current
    # (it also builds a missing one, while searches answer 503), not search requests.
    if library.index_state().ready:
        library.sync_index(wait=False)
    library.auto_sync = False
    app.state.library = library
    app.state.accounts = library.accounts
    app.state.settings = settings
    app.state.limiter = RateLimiter(rates)
    app.state.lock = threading.RLock()
    app.state.pdf_slots = threading.BoundedSemaphore(PDF_CONVERSIONS)
    app.state.readers = Readers(library, READERS)
    app.state.templates = _templates()
    app.state.desk_cache = {}
    app.state.imports = ImportJobs(library, settings.upload_dir, on_import_done)
    app.state.imports.mark_interrupted()
    return app
