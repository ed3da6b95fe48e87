"""The search page (``/``, ``/search``, ``/search.json``) and the browse page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.responses import RedirectResponse, Response

from sucai.library import clean_query_text, parse_query, snippet
from sucai.serialize import page_to_dict, summary_to_dict
from sucai.web import access
from sucai.web.limits import check_rate
from sucai.web.render import JSON, marked, page, reading, wants_json
from sucai.web.views.base import (
    FACET_LABELS,
    MAX_PAGE,
    SCOPES,
    added_today,
    article_filter,
    facet_dict,
    int_param,
    page_url,
    who,
)
from sucai.web.views.jinju import tab_url

if TYPE_CHECKING:
    from starlette.requests import Request

    from sucai.library import Library, SearchHit


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
    if scope == "jinju":
        return RedirectResponse(tab_url("jinju", q), status_code=303)
    size = request.app.state.settings.page_size
    number = int_param(params.get("page"), 1)

    account = await who(request)
    if q:
        await check_rate(request, "search", account)

    def work(library: Library) -> dict[str, Any]:
        where, kept = article_filter(request)
        base: dict[str, Any] = {"q": q, "scope": scope, "filters": kept, "scopes": SCOPES}
        if not q and not wants_json(request):
            return {**base, "page": None, "today": added_today(library, 10)}
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
            data["facets"] = facet_dict(context["facets"])
        return JSON({**data, "ok": True})
    if result is not None:
        pages = (result.total + size - 1) // size
        link = {"q": q, "in": scope if scope != "all" else "", **context["filters"]}
        context.update(
            _links(
                "/search", link, context["filters"], context["facets"], number, min(pages, MAX_PAGE)
            ),
            groups=_groups(result.hits),
            pages=pages,
            scope_urls=[(value, label, tab_url(value, q)) for value, label in SCOPES],
        )
    return page(request, "search.html", context)


async def home(request: Request) -> Response:
    """``/``: the search page."""
    return await search(request)


async def browse(request: Request) -> Response:
    """``/browse`` and ``/browse.json``: newest first, facet counts, what was added today."""
    size = request.app.state.settings.page_size
    number = int_param(request.query_params.get("page"), 1)

    await who(request)

    def work(library: Library) -> dict[str, Any]:
        where, kept = article_filter(request)
        result = library.browse(where, limit=size, offset=(number - 1) * size)
        return {"result": result, "filters": kept, "today": added_today(library)}

    context = await reading(request, work)
    result = context["result"]
    kept = context["filters"]
    data = {
        "total": result.total,
        "offset": (number - 1) * size,
        "articles": [summary_to_dict(a) for a in result.articles],
        "facets": facet_dict(result.facets),
        "today": [summary_to_dict(a) for a in context["today"]],
    }
    pages = (result.total + size - 1) // size
    context.update(
        _links("/browse", kept, kept, result.facets, number, pages, 20), number=number, pages=pages
    )
    return page(request, "browse.html", context, data)


def _links(
    path: str,
    link: dict[str, str],
    kept: dict[str, str],
    facets: dict[str, list[tuple[str, int]]],
    number: int,
    last: int,
    most: int | None = None,
) -> dict[str, Any]:
    """A page's links: the previous and next page (up to page ``last``), and per facet its
    ``most`` first values (each a link, and whether it is chosen) and a link that drops it.

    ``link`` holds the parameters every link repeats; ``kept`` the filters given.
    """
    return {
        "prev_url": page_url(path, {**link, "page": number - 1}) if number > 1 else "",
        "next_url": page_url(path, {**link, "page": number + 1}) if number < last else "",
        "facet_urls": [
            (
                label,
                name,
                [
                    (value, count, page_url(path, {**link, name: value}), kept.get(name) == value)
                    for value, count in facets[name][:most]
                ],
                page_url(path, {**link, name: ""}) if name in kept else "",
            )
            for name, label in FACET_LABELS
        ],
    }
