"""今日更新 (``/updates``, ``/updates/DATE``), subscriptions (``/subscriptions``), the Atom
feeds (``/feeds/…``) and the daily digest's download (issue 19).

A day is an import day in the library's time zone (the ``time_zone`` setting), which the
page states. What a viewer receives passes through :mod:`sucai.web.access`; a feed URL's
``token`` (a member's feed token, see the account page) opens feeds as that member and
nothing else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote
from xml.etree import ElementTree as ET

from starlette.responses import Response

from sucai.errors import AuthError, NotFoundError
from sucai.library import FEED_ENTRIES
from sucai.serialize import summary_to_dict
from sucai.web import access
from sucai.web.render import blocking, page, reading
from sucai.web.views.base import (
    after_post,
    article_filter,
    attachment,
    facet_dict,
    filters_of,
    int_param,
    page_url,
    posted_form,
    require,
    sign_in_first,
    who,
)

if TYPE_CHECKING:
    from starlette.requests import Request

    from sucai.library import Feed, Library
    from sucai.store.records import Subscription

#: Articles a day's page lists at a time.
DAY_PAGE: Final = 50
#: The groups of a day's page: name and label.
GROUPS: Final = (("genre", "文种"), ("role", "角色"), ("source", "来源"))
#: The feeds there are, by the first part of their path.
FEED_KINDS: Final = ("kind", "source", "subscription")
DIGEST_FORMATS: Final = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
ATOM: Final = "http://www.w3.org/2005/Atom"


def _day(request: Request) -> date | None:
    """The day of the path (``None``: today's page).

    Raises:
        NotFoundError: not a date.
    """
    text = request.path_params.get("day")
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise NotFoundError(f"“{text[:20]}”不是日期：请写成 YYYY-MM-DD，如 2026-12-06。") from None


async def updates(request: Request) -> Response:
    """``/updates`` (today) and ``/updates/DATE`` (and their ``.json``): what was imported
    that day, counted by kind, role and source, latest first; for a signed-in member, what
    was added since the last visit."""
    number = int_param(request.query_params.get("page"), 1)
    asked = _day(request)
    account = await who(request)
    since = None
    if account.user is not None:
        since = await blocking(request, lambda: request.app.state.library.visit(account.name))

    def work(library: Library) -> dict[str, Any]:
        where, kept = article_filter(request)
        day = asked or library.today()
        result = library.updates(
            day, where, limit=DAY_PAGE, offset=(number - 1) * DAY_PAGE, since=since
        )
        recent = library.added_since(since, limit=20) if since else []
        return {"result": result, "filters": kept, "recent": recent}

    context = await reading(request, work)
    result = context["result"]
    kept = context["filters"]
    day_path = f"/updates/{result.day.isoformat()}"
    data = {
        "day": result.day.isoformat(),
        "time_zone": result.zone,
        "total": result.total,
        "offset": (number - 1) * DAY_PAGE,
        "groups": facet_dict(result.groups),
        "articles": [summary_to_dict(a) for a in result.articles],
        "previous": result.previous.isoformat() if result.previous else None,
        "next": result.next.isoformat() if result.next else None,
        "since": result.since,
        "since_count": result.since_count,
    }
    pages = (result.total + DAY_PAGE - 1) // DAY_PAGE
    context.update(
        day_path=day_path,
        facet_urls=[
            (
                label,
                name,
                [
                    (
                        value,
                        count,
                        page_url(day_path, {**kept, name: value}),
                        kept.get(name) == value,
                    )
                    for value, count in result.groups[name][:20]
                ],
                page_url(day_path, {**kept, name: ""}) if name in kept else "",
            )
            for name, label in GROUPS
        ],
        prev_day=f"/updates/{result.previous.isoformat()}" if result.previous else "",
        next_day=f"/updates/{result.next.isoformat()}" if result.next else "",
        prev_url=page_url(day_path, {**kept, "page": number - 1}) if number > 1 else "",
        next_url=page_url(day_path, {**kept, "page": number + 1}) if number < pages else "",
        number=number,
        pages=pages,
    )
    return page(request, "updates.html", context, data)


async def digest(request: Request) -> Response:
    """``/updates/DATE/digest.FORMAT``: the day's digest (docx, md or html) as the viewer may
    read it, grouped by kind (``?q=``: the day's matches of a query)."""
    fmt = request.path_params["fmt"]
    if fmt not in DIGEST_FORMATS:
        raise NotFoundError(f"今日更新没有“{fmt[:10]}”格式：可选 docx、md、html。")
    day = _day(request)
    account = await who(request)
    query = request.query_params.get("q", "").strip()

    def work(library: Library) -> tuple[str, bytes]:
        return access.digest(library, account, day or library.today(), fmt, query)

    name, data = await reading(request, work)
    return attachment(data, DIGEST_FORMATS[fmt], f"digest.{fmt}", name)


# --- subscriptions ---------------------------------------------------------------------------


def _subscription_dict(found: Subscription) -> dict[str, Any]:
    return {
        "name": found.name,
        "q": found.query,
        "genre": found.genre,
        "role": found.role,
        "year": found.years,
        "source": found.source,
        "opened_at": found.opened_at,
    }


async def subscriptions(request: Request) -> Response:
    """``/subscriptions`` (and ``.json``): the member's subscriptions, each with its number of
    new articles and its feed URL."""
    redirect = await sign_in_first(request, "/subscriptions")
    if redirect is not None:
        return redirect
    account = await blocking(request, lambda: require(request))
    token = await blocking(
        request, lambda: request.app.state.accounts.feed_token(account) if account.user else None
    )
    found = await reading(request, lambda library: access.subscriptions(library, account))
    rows = [
        {
            **_subscription_dict(news.subscription),
            "new": news.new,
            "url": "/subscriptions/" + _quote(news.subscription.name),
            "feed": _feed_url("subscription", news.subscription.name, token),
        }
        for news in found
    ]
    return page(
        request,
        "subscriptions.html",
        {"subscriptions": rows, "has_token": bool(token)},
        {"subscriptions": [{k: v for k, v in r.items() if k != "url"} for r in rows]},
    )


async def subscription_add(request: Request) -> Response:
    """``POST /subscriptions``: save a search (``name``, ``q`` and filters) as a subscription."""
    form = await posted_form(request)
    account = await blocking(request, lambda: require(request))
    name = str(form.get("name", "")).strip() or str(form.get("q", "")).strip()
    where, kept = filters_of({k: str(v) for k, v in form.items() if isinstance(v, str)})

    def work() -> Subscription:
        library: Library = request.app.state.library
        return library.subscription_add(
            account.name, name, str(form.get("q", "")), where, kept.get("year")
        )

    found = await blocking(request, work)
    return after_post(request, "/subscriptions", {"subscription": _subscription_dict(found)})


async def subscription_open(request: Request) -> Response:
    """``/subscriptions/NAME`` (and ``.json``): the new articles of a subscription; opening it
    marks them read."""
    name = request.path_params["name"]
    redirect = await sign_in_first(request, "/subscriptions/" + _quote(name))
    if redirect is not None:
        return redirect
    account = await blocking(request, lambda: require(request))
    found, new = await blocking(
        request,
        lambda: access.open_subscription(request.app.state.library, account, name),
    )
    return page(
        request,
        "subscription.html",
        {"subscription": found, "new": new},
        {
            "subscription": _subscription_dict(found),
            "articles": [summary_to_dict(a) for a in new],
        },
    )


async def subscription_remove(request: Request) -> Response:
    """``POST /subscriptions/NAME/remove``: delete a subscription."""
    await posted_form(request)
    account = await blocking(request, lambda: require(request))
    name = request.path_params["name"]
    await blocking(
        request, lambda: request.app.state.library.subscription_remove(account.name, name)
    )
    return after_post(request, "/subscriptions", {"removed": name})


# --- feed tokens (on the account page) -------------------------------------------------------


async def feed_token(request: Request) -> Response:
    """``POST /account/feed-token``: a new feed token (the old one stops working)."""
    await posted_form(request)
    account = await blocking(request, lambda: require(request))
    token = await blocking(
        request, lambda: request.app.state.accounts.feed_token(account, renew=True)
    )
    return after_post(request, "/account#feeds", {"feed_token": token})


async def revoke_feed_token(request: Request) -> Response:
    """``POST /account/feed-token/revoke``: the account's feed URLs stop working."""
    await posted_form(request)
    account = await blocking(request, lambda: require(request))
    await blocking(request, lambda: request.app.state.accounts.revoke_feed_token(account))
    return after_post(request, "/account#feeds", {})


# --- feeds -----------------------------------------------------------------------------------


def _quote(value: str) -> str:
    return quote(value, safe="")


def _feed_url(kind: str, value: str, token: str | None) -> str:
    """A feed's path, with the member's token when there is one."""
    return page_url(f"/feeds/{kind}/{_quote(value)}.atom", {"token": token or ""})


async def feed(request: Request) -> Response:
    """``/feeds/kind/讲话.atom``, ``/feeds/source/NAME.atom``, ``/feeds/subscription/NAME.atom``:
    the latest articles as an Atom feed (RFC 4287). Without ``token``, what a visitor may
    read; with a member's feed token, what the member may read (a subscription's feed needs
    one)."""
    kind = request.path_params["kind"]
    value = request.path_params["value"]
    token = request.query_params.get("token", "")
    if kind not in FEED_KINDS:
        raise NotFoundError(
            f"没有“{kind[:20]}”订阅源：可选 kind（文种）、source（来源）、subscription。"
        )

    def work(library: Library) -> Feed:
        accounts = library.accounts
        account = accounts.from_feed_token(token) if token else accounts.visitor()
        if account is None:
            raise AuthError("订阅源令牌无效或已撤销：请在账户页重新生成。")
        if kind == "subscription" and account.user is None:
            raise AuthError("订阅的订阅源需要令牌：请在“我的订阅”页复制订阅源地址。")
        return access.feed(library, account, kind, value)

    found = await reading(request, work)
    base = str(request.base_url).rstrip("/")
    return Response(
        atom(found, base, base + _feed_url(kind, value, None), str(request.url)),
        media_type="application/atom+xml; charset=utf-8",
    )


def atom(found: Feed, base: str, feed_id: str, self_url: str) -> bytes:
    """``found`` as an Atom document (RFC 4287): the feed's id, title, updated, author and
    links; each entry's id (the article's URL), title, updated (when it was imported), link,
    category (its kind) and summary (its first paragraph the reader may read)."""
    ET.register_namespace("", ATOM)

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text
        return element

    root = ET.Element(f"{{{ATOM}}}feed")
    add(root, "id", feed_id)
    add(root, "title", found.title)
    newest = max((e.article.added_at for e in found.entries), default="2000-01-01T00:00:00+00:00")
    add(root, "updated", _rfc3339(newest))
    author = add(root, "author")
    add(author, "name", "素材库")
    add(root, "link", rel="self", href=self_url, type="application/atom+xml")
    add(root, "link", rel="alternate", href=base + "/updates", type="text/html")
    add(root, "generator", "sucai")
    for entry in found.entries[:FEED_ENTRIES]:
        article = entry.article
        url = f"{base}/article/{article.id}"
        item = add(root, "entry")
        add(item, "id", url)
        add(item, "title", article.title + (f"（{article.role}）" if article.role else ""))
        add(item, "updated", _rfc3339(article.added_at))
        add(item, "link", rel="alternate", href=url, type="text/html")
        add(item, "category", term=article.genre)
        if entry.source:
            add(item, "category", term=entry.source, label="来源")
        if entry.lead:
            add(item, "summary", entry.lead)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _rfc3339(moment: str) -> str:
    """A stored time as RFC 3339 (``…Z``)."""
    return datetime.fromisoformat(moment).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
