"""Responses: one handler, two renderings (HTML page or JSON), the error envelope, CSRF.

A request wants JSON when its path ends in ``.json`` or its ``Accept`` header asks for
``application/json`` and not for HTML. Every JSON success carries ``"ok": true``; every JSON
error is ``{"ok": false, "error": "a; b", "errors": ["a", "b"], "status": 400}``.

Forms are guarded twice (issue 15): their token is an HMAC keyed by the session cookie (a
visitor's: by a per-browser cookie), so a token from another session or browser is refused
(:func:`check_csrf`); and a state-changing request from another site's page is refused by its
``Origin`` or ``Sec-Fetch-Site`` header (:func:`cross_site`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import queue
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

import orjson
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, JSONResponse, Response

from sucai.errors import AccessDeniedError

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.requests import Request

    from sucai.library import Library

__all__ = [
    "CSRF_COOKIE",
    "JSON",
    "SESSION_COOKIE",
    "Readers",
    "blocking",
    "check_csrf",
    "cross_site",
    "csrf_token",
    "error_body",
    "marked",
    "page",
    "reading",
    "set_cookie",
    "wants_json",
]

SESSION_COOKIE: Final = "sucai_session"
#: A visitor's per-browser secret, the key of its form tokens (never sent in a page).
CSRF_COOKIE: Final = "sucai_csrf"
#: What a form token is the HMAC of, under the session's or the browser's secret.
_CSRF_MESSAGE: Final = b"sucai form token v1"
#: Methods that change nothing, which :func:`cross_site` does not judge.
SAFE_METHODS: Final = frozenset({"GET", "HEAD", "OPTIONS"})
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}


class JSON(JSONResponse):
    """A JSON response encoded by orjson: the bytes Starlette's ``JSONResponse`` gives
    (UTF-8, no ASCII escapes, no spaces), about fifty times faster for a page of hits."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


def wants_json(request: Request) -> bool:
    """Whether to answer with JSON rather than an HTML page."""
    if request.url.path.endswith(".json"):
        return True
    accept = request.headers.get("accept", "")
    return "application/json" in accept and "text/html" not in accept


async def blocking(request: Request, fn: Callable[[], Any]) -> Any:
    """Run ``fn`` (which uses the library) in a worker thread, one call at a time.

    The library holds one SQLite connection and its transactions are not thread-safe, so
    calls are serialised by the app's lock; they run off the event loop so that uploads and
    static files keep flowing while a search or a write waits for SQLite.
    """
    lock = request.app.state.lock

    def locked() -> Any:
        with lock:
            return fn()

    return await run_in_threadpool(locked)


class Readers:
    """A few read-only libraries (see :meth:`Library.reader`) for requests that only read,
    each used by one thread of a small executor of the same size.

    Searches, articles and browse pages run there side by side (tantivy searches without
    holding Python's GIL, so two threads use two cores), instead of queueing on the app's lock.
    The executor is small on purpose: requests beyond its size wait their turn, first come
    first served, instead of dividing the GIL between a dozen threads, which made every
    search slower and the slow ones much slower (measured: p95 47 → 33 ms at 16 clients).
    """

    def __init__(self, library: Library, size: int) -> None:
        self._free: queue.SimpleQueue[Library] = queue.SimpleQueue()
        self._all = [library.reader() for _ in range(size)]
        for reader in self._all:
            self._free.put(reader)
        self._executor = ThreadPoolExecutor(size, thread_name_prefix="sucai-read")

    def _call(self, fn: Callable[[Library], Any]) -> Any:
        reader = self._free.get()
        try:
            return fn(reader)
        finally:
            self._free.put(reader)

    async def run(self, fn: Callable[[Library], Any]) -> Any:
        """``fn(reader)`` in one of the executor's threads."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._call, fn)

    def close(self) -> None:
        """Finish the reads under way, then close every reader's connection."""
        self._executor.shutdown(wait=True)
        for reader in self._all:
            reader.close()


async def reading(request: Request, fn: Callable[[Library], Any]) -> Any:
    """Run ``fn(reader)`` in a worker thread with one of the app's :class:`Readers`.

    For work that only reads: it does not take the app's lock, so it neither waits for nor
    holds up the writes that :func:`blocking` serialises.
    """
    readers: Readers = request.app.state.readers
    return await readers.run(fn)


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    """Set a cookie HttpOnly, SameSite=Lax, and Secure when the request came over HTTPS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def _csrf_key(request: Request) -> str:
    """The secret form tokens are bound to: the session cookie, else the browser's cookie."""
    return request.cookies.get(SESSION_COOKIE) or request.cookies.get(CSRF_COOKIE) or ""


def _form_token(key: str) -> str:
    return hmac.new(key.encode(), _CSRF_MESSAGE, hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The CSRF token for the forms of this page: an HMAC keyed by the session cookie, or for a
    visitor by a per-browser cookie (made here, and set by :func:`page`, when missing).

    Only the browser holding that cookie can send the token back with it: a token copied from
    another session, another browser, or from before signing in or out is refused.
    """
    key = _csrf_key(request) or getattr(request.state, "new_csrf", "")
    if not key:
        key = secrets.token_urlsafe(32)
        request.state.new_csrf = key
    return _form_token(key)


def check_csrf(request: Request, submitted: object) -> None:
    """Refuse a form POST whose token is not the one of this request's session or browser.

    Raises:
        AccessDeniedError: the token is missing or wrong (HTTP 403).
    """
    key = _csrf_key(request)
    if not (
        key
        and isinstance(submitted, str)
        and hmac.compare_digest(_form_token(key).encode(), submitted.encode())
    ):
        raise AccessDeniedError("表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。")


def _origin(url: str) -> tuple[str, str, int | None] | None:
    """``(scheme, host, port)`` of a URL, the default port filled in; ``None`` when unreadable."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return (parts.scheme, parts.hostname, port or _DEFAULT_PORTS.get(parts.scheme))


def cross_site(request: Request) -> bool:
    """Whether a request comes from another site's page (a browser says so in its headers).

    ``Origin`` must name this server (scheme, host and port, as the request reached it; behind
    a proxy, as it forwards ``Host`` and ``X-Forwarded-Proto``). Without ``Origin``, a
    ``Sec-Fetch-Site`` other than ``same-origin`` or ``none`` (typed by the user) is cross-site;
    a request with neither (a script, an old browser) is judged by its CSRF token alone.
    """
    origin = request.headers.get("origin")
    if origin is not None:
        theirs = _origin(origin)  # "null" (a sandboxed frame, a file) is nobody's
        return theirs is None or theirs != _origin(f"{request.url.scheme}://{request.url.netloc}")
    fetch_site = request.headers.get("sec-fetch-site")
    return fetch_site is not None and fetch_site not in ("same-origin", "none")


def error_body(messages: list[str], status: int) -> dict[str, Any]:
    """The one JSON error envelope."""
    return {"ok": False, "error": "; ".join(messages), "errors": messages, "status": status}


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    data: dict[str, Any] | None = None,
    *,
    status: int = 200,
) -> Response:
    """Render ``template`` with ``context`` as HTML, or ``data`` as JSON when asked for.

    Args:
        request: the request (decides the rendering).
        template: the Jinja2 template of the HTML page.
        context: what the template needs.
        data: the JSON body without ``ok`` (``context`` when ``None``).
        status: the HTTP status.
    """
    if wants_json(request):
        return JSON({"ok": True, **(context if data is None else data)}, status)
    templates = request.app.state.templates
    account = getattr(request.state, "account", None)
    html = templates.get_template(template).render(
        {
            "request": request,
            "account": account,
            "csrf": csrf_token(request),
            **context,
        }
    )
    response = HTMLResponse(html, status)
    new = getattr(request.state, "new_csrf", "")
    if new:
        set_cookie(request, response, CSRF_COOKIE, new, 7 * 24 * 3600)
    return response


def marked(text: str, spans: list[tuple[int, int]]) -> Markup:
    """``text`` HTML-escaped, with each ``[start, end)`` span in ``<mark>``."""
    out: list[str] = []
    last = 0
    for start, end in spans:
        out += [str(escape(text[last:start])), "<mark>", str(escape(text[start:end])), "</mark>"]
        last = end
    out.append(str(escape(text[last:])))
    return Markup("".join(out))
