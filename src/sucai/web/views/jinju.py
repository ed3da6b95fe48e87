"""金句 (issue 20), the search page's fourth tab (``/jinju``): the sentences worth quoting that
hold the words, of what the viewer may read, newest first; ``kind`` picks one kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sucai.library import JINJU_KINDS, clean_query_text
from sucai.serialize import jinju_to_dict
from sucai.web import access
from sucai.web.limits import check_rate
from sucai.web.render import JSON, page, reading, wants_json
from sucai.web.views.base import MAX_PAGE, SCOPES, int_param, page_url, who

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from sucai.library import Library

__all__ = ["jinju_page", "tab_url"]


def tab_url(scope: str, q: str) -> str:
    """The link of one tab of the search page (``scope``: all, title, outline or jinju)."""
    if scope == "jinju":
        return page_url("/jinju", {"q": q})
    return page_url("/search", {"q": q, "in": scope if scope != "all" else ""})


async def jinju_page(request: Request) -> Response:
    """``/jinju`` and ``/jinju.json``: 金句 holding every word of ``q`` (all of them, newest
    first, for no words); ``kind`` keeps one kind."""
    params = request.query_params
    q = clean_query_text(params.get("q", "")).strip()
    kind = params.get("kind", "")
    size = request.app.state.settings.page_size
    number = int_param(params.get("page"), 1)
    account = await who(request)
    await check_rate(request, "search", account)

    def work(library: Library) -> tuple[int, list[Any]]:
        return access.jinju(
            library,
            account,
            q,
            kinds=[kind] if kind else None,
            limit=size,
            offset=(number - 1) * size,
        )

    total, found = await reading(request, work)
    if wants_json(request):
        return JSON(jinju_to_dict(total, found, (number - 1) * size, size))
    link = {"q": q}
    pages = min((total + size - 1) // size, MAX_PAGE)
    context = {
        "q": q,
        "scope": "jinju",
        "filters": {},
        "total": total,
        "found": found,
        "number": number,
        "pages": pages,
        "kind": kind,
        "kind_urls": [("", "全部", page_url("/jinju", link))]
        + [(k, k, page_url("/jinju", {**link, "kind": k})) for k in JINJU_KINDS],
        "scope_urls": [(value, label, tab_url(value, q)) for value, label in SCOPES],
        "prev_url": page_url("/jinju", {**link, "kind": kind, "page": number - 1})
        if number > 1
        else "",
        "next_url": page_url("/jinju", {**link, "kind": kind, "page": number + 1})
        if number < pages
        else "",
    }
    return page(request, "jinju.html", context)
