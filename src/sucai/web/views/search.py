"""The search page (``/``, ``/search``, ``/search.json``) and the browse page."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from starlette.responses import RedirectResponse, Response

from sucai.library import LAW_GENRE, clean_query_text, format_query, parse_query, snippet
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

    from sucai.library import Account, Library, Query, SearchHit

#: Hits of one article shown before the rest fold under "本文还有 N 处匹配" (issue 21).
FOLD_AFTER: Final = 2
#: Page links on each side of the current page (with the first and the last always shown).
PAGE_SPREAD: Final = 2
SORTS: Final = (("relevance", "按相关度"), ("date", "按日期"))


def _hit_view(hit: SearchHit) -> dict[str, Any]:
    text, spans = snippet(hit.text, list(hit.highlights)) if hit.text else ("", [])
    return {
        "hit": hit,
        "html": marked(text, spans),
        "anchor": f"p{hit.paragraph_index}" if hit.paragraph_index is not None else "",
    }


def _groups(hits: tuple[SearchHit, ...]) -> list[dict[str, Any]]:
    """Hits grouped by article, articles in the order of their best hit; a group's hits after
    the first :data:`FOLD_AFTER` are its ``folded`` ones (one law's 13 hits filled a screen)."""
    groups: dict[int, dict[str, Any]] = {}
    for hit in hits:
        group = groups.setdefault(hit.article_id, {"first": hit, "hits": []})
        group["hits"].append(_hit_view(hit))
    for group in groups.values():
        group["folded"] = group["hits"][FOLD_AFTER:]
        group["hits"] = group["hits"][:FOLD_AFTER]
    return list(groups.values())


def _wider(
    library: Library, account: Account, query: Query, q: str, kept: dict[str, str]
) -> list[Any]:
    """For a search that found nothing: the same words without the filters, or in the whole
    text, each ``(label, url, total)`` when it finds something (issue 21)."""
    found = []
    for kind, wider, total in access.wider(library, account, query):
        if kind == "unfiltered":
            link = {"q": format_query(wider), "in": "" if wider.scope == "all" else wider.scope}
            found.append(("去掉筛选条件", page_url("/search", link), total))
        else:
            found.append(("在全文中检索", page_url("/search", {"q": q, **kept}), total))
    return found


async def search(request: Request) -> Response:
    """``/search`` and ``/search.json``: paragraphs, titles or outlines matching ``q``."""
    params = request.query_params
    # Invisible format controls are dropped from what the page shows and links to, as the
    # query parser drops them from what it searches for.
    q = clean_query_text(params.get("q", "")).strip()
    scope = params.get("in", "all")
    if scope == "jinju":
        return RedirectResponse(tab_url("jinju", q), status_code=303)
    sort = params.get("sort", "relevance")
    size = request.app.state.settings.page_size
    number = int_param(params.get("page"), 1)

    account = await who(request)
    if q:
        await check_rate(request, "search", account)

    def work(library: Library) -> dict[str, Any]:
        where, kept = article_filter(request)
        base: dict[str, Any] = {"q": q, "scope": scope, "sort": sort, "filters": kept}
        if not q and not wants_json(request):
            return {**base, "page": None, "today": added_today(library, 10)}
        query = parse_query(
            q,
            where=where,
            scope=scope,
            limit=size,
            offset=(number - 1) * size,
            sort=sort,
        )
        # The page always shows facets; the JSON API counts them when asked (facets=1).
        facets = not wants_json(request) or params.get("facets", "") in ("1", "true")
        result = access.search(library, account, query, facets=facets)
        wider = (
            [] if result.total or wants_json(request) else _wider(library, account, query, q, kept)
        )
        # A law's status beside its hits on the page (issue 20).
        laws = sorted({h.article_id for h in result.hits if h.genre == LAW_GENRE})
        statuses = (
            {}
            if wants_json(request)
            else {law: access.law_status(library, account, law) for law in laws}
        )
        return {
            **base,
            "page": result,
            "facets": result.facets,
            "number": number,
            "wider": wider,
            "labels": library.source_labels(),
            "statuses": statuses,
        }

    context = await reading(request, work)
    result = context["page"]
    if wants_json(request):
        data = page_to_dict(result)
        if context["facets"]:
            data["facets"] = facet_dict(context["facets"])
        return JSON({**data, "ok": True})
    if result is not None:
        pages = (result.total + size - 1) // size
        link = {
            "q": q,
            "in": scope if scope != "all" else "",
            "sort": sort if sort != "relevance" else "",
            **context["filters"],
        }
        context.update(
            _links(
                "/search",
                link,
                context["filters"],
                context["facets"],
                number,
                min(pages, MAX_PAGE),
                context["labels"],
            ),
            groups=_groups(result.hits),
            pages=pages,
            scope_urls=[
                (
                    value,
                    label,
                    tab_url(value, q)
                    if value == "jinju"
                    else page_url("/search", {**link, "in": value if value != "all" else ""}),
                )
                for value, label in SCOPES
            ],
            sort_urls=[
                (value, label, page_url("/search", {**link, "sort": value, "page": ""}))
                for value, label in SORTS
            ],
        )
    return page(request, "search.html", context)


async def browse(request: Request) -> Response:
    """``/browse`` and ``/browse.json``: newest first, facet counts, what was added today."""
    size = request.app.state.settings.page_size
    number = int_param(request.query_params.get("page"), 1)
    sort = request.query_params.get("sort", "date")

    await who(request)

    def work(library: Library) -> dict[str, Any]:
        where, kept = article_filter(request)
        result = library.browse(where, limit=size, offset=(number - 1) * size, sort=sort)
        return {
            "result": result,
            "filters": kept,
            "today": added_today(library),
            "labels": library.source_labels(),
        }

    context = await reading(request, work)
    result = context["result"]
    kept = context["filters"]
    link = {**kept, "sort": sort if sort != "date" else ""}
    data = {
        "total": result.total,
        "offset": (number - 1) * size,
        "articles": [summary_to_dict(a) for a in result.articles],
        "facets": facet_dict(result.facets),
        "today": [summary_to_dict(a) for a in context["today"]],
    }
    pages = (result.total + size - 1) // size
    context.update(
        _links("/browse", link, kept, result.facets, number, pages, context["labels"], 20),
        number=number,
        pages=pages,
        zip_url=page_url("/download", kept),
        sort=sort,
        sort_urls=[
            (value, label, page_url("/browse", {**kept, "sort": value}))
            for value, label in (("date", "按成文日期"), ("added", "按导入时间"))
        ],
    )
    return page(request, "browse.html", context, data)


def _page_links(path: str, link: dict[str, str], number: int, last: int) -> list[Any]:
    """Numbered page links: ``(number, url, current)``, ``None`` for a gap (…): the first and
    last pages and :data:`PAGE_SPREAD` on each side of the current one."""
    if last <= 1:
        return []
    shown = sorted(
        {1, last, *range(max(1, number - PAGE_SPREAD), min(last, number + PAGE_SPREAD) + 1)}
    )
    out: list[Any] = []
    for n in shown:
        if out and n - out[-1][0] > 1:
            out.append(None)
        out.append((n, page_url(path, {**link, "page": n if n > 1 else ""}), n == number))
    return out


def _links(
    path: str,
    link: dict[str, str],
    kept: dict[str, str],
    facets: dict[str, list[tuple[str, int]]],
    number: int,
    last: int,
    labels: dict[str, str],
    most: int | None = None,
) -> dict[str, Any]:
    """A page's links: the previous and next page (up to page ``last``), and per facet its
    ``most`` first values (each a link, and whether it is chosen) and a link that drops it.

    ``link`` holds the parameters every link repeats; ``kept`` the filters given; ``labels``
    what the 来源 facet shows for a source (``sucai source label``, issue 21).
    """
    return {
        "prev_url": page_url(path, {**link, "page": number - 1}) if number > 1 else "",
        "next_url": page_url(path, {**link, "page": number + 1}) if number < last else "",
        "page_urls": _page_links(path, link, number, last),
        "facet_urls": [
            (
                label,
                name,
                [
                    (
                        labels.get(value, value) if name == "source" else value,
                        count,
                        page_url(path, {**link, name: value}),
                        kept.get(name) == value,
                    )
                    for value, count in facets[name][:most]
                ],
                page_url(path, {**link, name: ""}) if name in kept else "",
            )
            for name, label in FACET_LABELS
        ],
    }
