"""The home page (``/``), the writer's desk (issue 21): the search box, then a list of panels.

Each panel is a function of :data:`PANELS`: given the library and who is asking, it returns a
:class:`Panel` (or ``None`` when it has nothing to show that viewer), rendered by its template
``desk/<key>.html``. A new page family adds its panel by appending one function.

The 提法 panel counts the shipped 提法 in the free text of the newest material (the library
keeps no log of searches): the same for every viewer, so it tells a visitor nothing of paid text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Final

from sucai.serialize import summary_to_dict
from sucai.web.render import blocking, page, reading, wants_json
from sucai.web.views import search
from sucai.web.views.base import (
    added_today,
    after_post,
    library_of,
    load_article,
    page_url,
    posted_form,
    require,
    sign_in_first,
    who,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.requests import Request
    from starlette.responses import Response

    from sucai.library import Account, Library, LibraryFacts
    from sucai.store.records import ArticleSummary

#: Titles listed by the 今日更新 and 收藏 panels.
LISTED: Final = 8


@dataclass(frozen=True, slots=True)
class Panel:
    """One section of the desk.

    Attributes:
        key: names its template, ``desk/<key>.html``.
        title: its heading.
        data: what its template reads.
        more: ``(label, url)`` of a link to the whole of it, when there is one.
    """

    key: str
    title: str
    data: dict[str, Any] = field(default_factory=dict)
    more: tuple[str, str] | None = None


@dataclass(frozen=True, slots=True)
class Figures:
    """What the desk says of the whole library, the same for every viewer: kept by the app
    until the library changes (or the day does), so a desk costs no counting of articles."""

    facts: LibraryFacts
    today: list[ArticleSummary]
    tifa: list[tuple[str, int, str]]


@dataclass(frozen=True, slots=True)
class Desk:
    """What a panel may use: the library (a reader), who is asking, and the figures."""

    library: Library
    account: Account
    figures: Figures


def _figures(library: Library, cache: dict[Any, Figures]) -> Figures:
    key = (library.last_change(), date.today())
    found = cache.get(key)
    if found is None:
        tifa = [(term, n, page_url("/search", {"q": term})) for term, n in library.current_tifa()]
        found = Figures(library.facts(), added_today(library, LISTED), tifa)
        cache.clear()
        cache[key] = found
    return found


def _today(desk: Desk) -> Panel:
    return Panel(
        "today",
        "今日更新",
        {"facts": desk.figures.facts, "titles": desk.figures.today},
        ("全部今日更新", "/updates"),
    )


def _baskets(desk: Desk) -> Panel | None:
    if desk.account.user is None:
        return None
    baskets = desk.library.baskets(desk.account.name)
    return Panel("baskets", "我的素材篮", {"baskets": baskets}, ("打开素材篮", "/basket"))


def _favourites(desk: Desk) -> Panel | None:
    if desk.account.user is None:
        return None
    found = desk.library.favourites(desk.account.name, LISTED + 1)
    more = ("全部收藏", "/favourites") if len(found) > LISTED else None
    return Panel("favourites", "我的收藏", {"articles": found[:LISTED]}, more)


def _tifa(desk: Desk) -> Panel | None:
    terms = desk.figures.tifa
    return Panel("tifa", "近期常见提法", {"terms": terms}) if terms else None


def _library(desk: Desk) -> Panel:
    facts = desk.figures.facts
    newest = (
        datetime.fromisoformat(facts.newest_import).astimezone().date().isoformat()
        if facts.newest_import
        else None
    )
    return Panel("library", "馆藏", {"facts": facts, "newest": newest}, ("浏览全部", "/browse"))


#: The desk's panels, in the order shown.
PANELS: Final[list[Callable[[Desk], Panel | None]]] = [
    _today,
    _baskets,
    _favourites,
    _tifa,
    _library,
]


async def home(request: Request) -> Response:
    """``/``: the search box and the desk's panels (asked for JSON: the search, as before)."""
    if wants_json(request):
        return await search.search(request)
    account = await who(request)
    cache: dict[Any, Figures] = request.app.state.desk_cache

    def work(library: Library) -> dict[str, Any]:
        desk = Desk(library, account, _figures(library, cache))
        return {"panels": [p for p in (panel(desk) for panel in PANELS) if p is not None]}

    context = await reading(request, work)
    return page(request, "home.html", {**context, "q": "", "scope": "all", "filters": {}})


async def favourites(request: Request) -> Response:
    """``/favourites`` and ``/favourites.json``: the signed-in account's 收藏, latest first."""
    if redirect := await sign_in_first(request, "/favourites"):
        return redirect

    def work() -> dict[str, Any]:
        return {"articles": library_of(request).favourites(require(request).name)}

    context = await blocking(request, work)
    data = {"articles": [summary_to_dict(a) for a in context["articles"]]}
    return page(request, "favourites.html", context, data)


async def favourite(request: Request) -> Response:
    """``POST /article/{id}/favourite`` (``on``: 1 to mark, 0 to unmark): 收藏 an article."""
    article_id = int(request.path_params["article_id"])
    form = await posted_form(request)
    on = str(form.get("on", "1")) != "0"

    def work() -> None:
        account = require(request)
        library = library_of(request)
        load_article(library, account, article_id)  # 404 for a missing article
        library.set_favourite(account.name, article_id, on)

    await blocking(request, work)
    # Back to the page the button was on: the list of favourites, else the article.
    to = "/favourites" if form.get("next") == "/favourites" else f"/article/{article_id}"
    return after_post(request, to, {"article_id": article_id, "favourite": on})
