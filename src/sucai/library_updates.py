"""今日更新, subscriptions (订阅), feeds and the daily digest (issue 19): the methods of
:class:`~sucai.library.Library` over its store and search index.

A **day** is an import day in the library's time zone (the ``time_zone`` setting; empty: the
system's): the articles whose ``added_at`` falls from that midnight to the next. What a viewer
who may not read the paid part receives is decided by the caller: ``paid`` says which index a
query searches, ``view`` redacts each article (the web app passes
:func:`sucai.web.access.redact_article`); titles, roles, kinds, sources and dates are visible
to all, so lists without a query need neither.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Final
from zoneinfo import ZoneInfo

from sucai.errors import UserError
from sucai.export import check_format, digest_document, get_template, render, render_html
from sucai.i18n import N_
from sucai.models import source_folder
from sucai.search.query import parse_query, parse_years
from sucai.store.records import ArticleFilter, Subscription

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from datetime import tzinfo

    from sucai.models import Article
    from sucai.search.engine import SearchPage
    from sucai.search.query import Query
    from sucai.store import ArticleSummary, Store

    #: A day's total, counts by group, and the last import before it and first after it.
    DayCounts = tuple[int, dict[str, list[tuple[str, int]]], str | None, str | None]

__all__ = [
    "DIGEST_MOST",
    "FEED_ENTRIES",
    "DayUpdates",
    "Feed",
    "FeedEntry",
    "SubscriptionNews",
    "UpdateMethods",
]

#: Entries of a feed: the latest articles.
FEED_ENTRIES: Final = 50
#: A subscription's feed looks for its matches among this many latest articles.
FEED_WINDOW: Final = 2000
#: Articles a digest lists at most (the rest are counted in a note).
DIGEST_MOST: Final = 300
#: Visits to 今日更新 closer together than this are one visit ("since your last visit" stays).
VISIT_GAP: Final = timedelta(minutes=30)
#: A day's groups: name and label.
GROUPS: Final = (("genre", "文种"), ("role", "角色"), ("source", "来源"))
_NAME_MAX: Final = 40
#: Days (with their filters) whose counts are kept at one change-log head.
DAY_COUNTS: Final = 64


@dataclass(frozen=True, slots=True)
class DayUpdates:
    """What was imported on one day.

    Attributes:
        day: the day, in the library's time zone ``zone``.
        total: articles added that day (matching the filter given).
        groups: counts per genre, role and source, most first.
        articles: the page asked for, latest first.
        previous, next: the nearest earlier and later day with imports (``None``: none).
        since: where "since your last visit" starts (ISO 8601 UTC), ``None`` when not asked
            or on a first visit; since_count: articles added since then (every day).
    """

    day: date
    zone: str
    total: int
    groups: dict[str, list[tuple[str, int]]]
    articles: tuple[ArticleSummary, ...]
    previous: date | None
    next: date | None
    since: str | None = None
    since_count: int = 0


@dataclass(frozen=True, slots=True)
class SubscriptionNews:
    """A subscription and how many articles matching it were added since it was opened."""

    subscription: Subscription
    new: int


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One article of a feed or a digest: the article as the viewer may receive it, its
    source folder and its first paragraph the viewer may read (``""``: none)."""

    article: Article
    source: str
    lead: str


@dataclass(frozen=True, slots=True)
class Feed:
    """A feed: its title, and its entries latest first."""

    title: str
    entries: tuple[FeedEntry, ...]


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def lead_paragraph(article: Article) -> str:
    """The first body paragraph with text (paid ones arrive emptied for those who may not
    read them, and are passed over), else ``""``."""
    for paragraph in article.paragraphs:
        if paragraph.text and not paragraph.heading and paragraph.kind == "text":
            return paragraph.text
    return ""


class UpdateMethods:
    """What :class:`~sucai.library.Library` does for 今日更新, subscriptions, feeds and
    digests, over its store and search."""

    store: Store
    #: The library's time zone (``None``: the system's); see :func:`open_library`.
    time_zone: tzinfo | None = None
    get: Callable[[int], Article]
    search: Callable[..., SearchPage]
    #: A day's total, counts by group and neighbouring import days, by the change log's head,
    #: day and filter (shared by a library and its readers).
    _day_counts: dict[tuple[int, str, str, ArticleFilter | None], DayCounts]

    # --- days --------------------------------------------------------------------------------

    def zone_name(self) -> str:
        """The time zone's name, as the pages state it."""
        zone = self.time_zone
        if isinstance(zone, ZoneInfo):
            return zone.key
        return str(datetime.now().astimezone().tzname())

    def _midnight(self, day: date) -> datetime:
        if self.time_zone is not None:
            return datetime.combine(day, time(), tzinfo=self.time_zone)
        return datetime.combine(day, time()).astimezone()

    def today(self) -> date:
        """Today in the library's time zone."""
        return self.local_day(_iso(datetime.now(UTC)))

    def local_day(self, moment: str) -> date:
        """The day (in the library's time zone) of an ISO 8601 time as stored."""
        return datetime.fromisoformat(moment).astimezone(self.time_zone).date()

    def day_bounds(self, day: date) -> tuple[str, str]:
        """The first moment of ``day`` and of the next one, as stored times (UTC)."""
        return _iso(self._midnight(day)), _iso(self._midnight(day + timedelta(days=1)))

    def updates(
        self,
        day: date,
        where: ArticleFilter | None = None,
        *,
        limit: int = 50,
        offset: int = 0,
        since: str | None = None,
    ) -> DayUpdates:
        """The articles imported on ``day`` (matching ``where``), counted by genre, role and
        source, a page of them latest first, and the days before and after with imports.

        Args:
            since: also count the articles added since then (see :meth:`visit`).
        """
        start, end = self.day_bounds(day)
        store = self.store
        # The counts (most of a page's time on a large day) change only with the log.
        key = (store.last_change(), start, end, where)
        counted = self._day_counts.get(key)
        if counted is None:
            counted = (
                store.count_added(start, end, where),
                store.added_groups(start, end, where),
                store.added_before(start),
                store.added_from(end),
            )
            if len(self._day_counts) >= DAY_COUNTS or any(k[0] != key[0] for k in self._day_counts):
                self._day_counts.clear()
            self._day_counts[key] = counted
        total, groups, before, after = counted
        return DayUpdates(
            day=day,
            zone=self.zone_name(),
            total=total,
            groups=groups,
            articles=tuple(store.list_added(start, end, where, limit=limit, offset=offset)),
            previous=self.local_day(before) if before else None,
            next=self.local_day(after) if after else None,
            since=since,
            since_count=store.count_added(since, None) if since else 0,
        )

    def visit(self, owner: str) -> str | None:
        """Record that ``owner`` opened 今日更新 now; return where "since your last visit"
        starts (the visit before the latest pause of :data:`VISIT_GAP`), ``None`` at first."""
        now = datetime.now(UTC)
        return self.store.record_visit(owner, _iso(now), _iso(now - VISIT_GAP))

    def added_since(self, since: str, *, limit: int = 50) -> list[ArticleSummary]:
        """The articles added since ``since`` (a stored time), latest first."""
        return self.store.list_added(since, None, limit=limit)

    # --- subscriptions -----------------------------------------------------------------------

    def subscription_add(
        self,
        owner: str,
        name: str,
        query: str = "",
        where: ArticleFilter | None = None,
        years: str | None = None,
    ) -> Subscription:
        """Save a search as ``owner``'s subscription ``name``: what is added from now on and
        matches it is new.

        Args:
            query: the query as written ("" for filters alone).
            where: genre, role and source filters (its years are ignored: see ``years``).
            years: ``2020`` or ``2020-2023``, as written.

        Raises:
            UserError: a bad name or query, neither query nor filter, or a name in use.
        """
        name = _check_name(name)
        where = where or ArticleFilter()
        query = query.strip()
        if years:
            parse_years(years)
        if query:
            parse_query(query)
        elif not (where.genre or where.role or where.source or years):
            raise UserError.of(
                N_("a subscription needs a query or a filter (文种, 角色, 年份, 来源).")
            )
        now = _iso(datetime.now(UTC))
        seen = self.store.max_article_id()
        draft = Subscription(
            0,
            owner,
            name,
            query,
            where.genre,
            where.role,
            years or None,
            where.source,
            now,
            now,
            seen,
        )
        if not self.store.add_subscription(draft):
            raise UserError.of(
                N_("{owner} already has a subscription '{name}': choose another name."),
                owner=owner,
                name=name,
            )
        return self.subscription(owner, name)

    def subscription(self, owner: str, name: str) -> Subscription:
        """One subscription of ``owner``.

        Raises:
            UserError: there is none of that name.
        """
        found = self.store.subscription(owner, name.strip())
        if found is None:
            raise UserError.of(
                N_(
                    "{owner} has no subscription '{name}'. Add one with: "
                    "sucai subscription add {name} QUERY --user {owner}"
                ),
                owner=owner,
                name=name,
            )
        return found

    def subscriptions(self, owner: str, *, paid: bool = True) -> list[SubscriptionNews]:
        """``owner``'s subscriptions by name, each with its number of new articles."""
        return [
            SubscriptionNews(s, len(self.subscription_matches(s, after_id=s.seen_id, paid=paid)))
            for s in self.store.subscriptions(owner)
        ]

    def subscription_remove(self, owner: str, name: str) -> None:
        """Delete one of ``owner``'s subscriptions."""
        self.store.delete_subscription(self.subscription(owner, name).id)

    def subscription_open(
        self, owner: str, name: str, *, paid: bool = True
    ) -> tuple[Subscription, list[ArticleSummary]]:
        """Open a subscription: its new articles (latest first), after which they are no
        longer new."""
        found = self.subscription(owner, name)
        now = _iso(datetime.now(UTC))
        # Read first: an article imported meanwhile is new now and again next time, not never.
        seen = self.store.max_article_id()
        new = self.subscription_matches(found, after_id=found.seen_id, paid=paid)
        self.store.open_subscription(found.id, now, seen)
        rows = self.store.summaries(new)
        return found, [rows[i] for i in new if i in rows]

    def subscription_matches(
        self,
        subscription: Subscription,
        start: str = "",
        end: str | None = None,
        *,
        after_id: int = 0,
        paid: bool = True,
        most: int = -1,
    ) -> list[int]:
        """Ids above ``after_id`` of the articles added from ``start`` until ``end`` that match
        ``subscription``, latest first (among the ``most`` latest added; negative: all)."""
        return self.matching(
            subscription.query,
            _filter(subscription),
            start,
            end,
            after_id=after_id,
            paid=paid,
            most=most,
        )

    def matching(
        self,
        query: str,
        where: ArticleFilter,
        start: str,
        end: str | None = None,
        *,
        after_id: int = 0,
        paid: bool = True,
        most: int = -1,
    ) -> list[int]:
        """Ids above ``after_id`` of the articles added from ``start`` until ``end`` that match
        ``where`` and ``query`` (``""``: any) as searched with ``paid``, latest first, among the
        ``most`` latest added (negative: all)."""
        ids = self.store.added_ids(start, end, where, most, after_id)
        if not query or not ids:
            return ids
        parsed: Query = replace(parse_query(query, limit=None), ids=frozenset(ids))
        found = {hit.article_id for hit in self.search(parsed, paid=paid).hits}
        return [i for i in ids if i in found]

    # --- feeds and digests -------------------------------------------------------------------

    def entries(
        self, ids: Sequence[int], view: Callable[[Article], Article] | None = None
    ) -> list[FeedEntry]:
        """The articles ``ids`` as feed or digest entries, each passed through ``view``."""
        out = []
        for article_id in ids:
            article = self.get(article_id)
            article = view(article) if view else article
            folder = source_folder(article.sources[0].path) if article.sources else ""
            out.append(FeedEntry(article, folder, lead_paragraph(article)))
        return out

    def feed(
        self,
        kind: str,
        value: str,
        *,
        owner: str | None = None,
        paid: bool = True,
        view: Callable[[Article], Article] | None = None,
    ) -> Feed:
        """The latest :data:`FEED_ENTRIES` articles of a kind (文种), a source or one of
        ``owner``'s subscriptions.

        Args:
            kind: ``"kind"``, ``"source"`` or ``"subscription"``.
            value: the kind, the source, or the subscription's name.

        Raises:
            UserError: another ``kind``, or no such subscription.
        """
        epoch = ""
        if kind == "subscription" and owner is not None:
            found = self.subscription(owner, value)
            ids = self.subscription_matches(found, epoch, paid=paid, most=FEED_WINDOW)
            title = f"订阅：{found.name}"
        elif kind in ("kind", "source"):
            where = ArticleFilter(genre=value) if kind == "kind" else ArticleFilter(source=value)
            ids = self.store.added_ids(epoch, None, where, FEED_ENTRIES)
            title = f"{'文种' if kind == 'kind' else '来源'}：{value}"
        else:
            raise UserError.of(
                N_("no feed of '{kind}': feeds are of a kind, a source or a subscription."),
                kind=kind,
            )
        return Feed(f"{title} · 素材库", tuple(self.entries(ids[:FEED_ENTRIES], view)))

    def digest(
        self,
        day: date,
        *,
        owner: str | None = None,
        subscription: str | None = None,
        query: str = "",
        fmt: str = "docx",
        template: str | None = None,
        paid: bool = True,
        view: Callable[[Article], Article] | None = None,
    ) -> tuple[str, bytes]:
        """The material imported on ``day`` as one document: title, role, source, date and
        first paragraph of each article, grouped by kind (文种), or by subscription.

        Args:
            owner: whose subscriptions: with ``subscription``, that one; alone, each of them
                is a group.
            query: only the matches of this query (grouped by kind).
            fmt: ``docx``, ``md``, ``html`` or ``txt``.
            template: the .docx layout (see ``sucai export --template list``).
            paid, view: as the viewer may search and read (a visitor: free text only).

        Returns:
            ``(file name, bytes)``.

        Raises:
            UserError: a bad format, query or subscription.
        """
        layout = get_template(template)
        if fmt != "html":
            check_format(fmt)
        start, end = self.day_bounds(day)
        groups: list[tuple[str, list[int]]] = []
        if owner is not None and (subscription or not query):
            chosen = (
                [self.subscription(owner, subscription)]
                if subscription
                else self.store.subscriptions(owner)
            )
            if not chosen:
                raise UserError.of(
                    N_("{owner} has no subscriptions: add one, or digest --query Q."),
                    owner=owner,
                )
            for found in chosen:
                groups.append((found.name, self.subscription_matches(found, start, end, paid=paid)))
        else:
            ids = self.matching(query.strip(), ArticleFilter(), start, end, paid=paid)
            by_kind: dict[str, list[int]] = {}
            heads = self.store.article_heads(ids)
            for article_id in ids:
                by_kind.setdefault(heads[article_id].genre, []).append(article_id)
            groups = sorted(by_kind.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        left = DIGEST_MOST
        parts = []
        for label, ids in groups:
            listed = self.entries(ids[: max(left, 0)], view)
            parts.append((label, len(ids), [(e.article, e.source, e.lead) for e in listed]))
            left -= len(ids)
        doc = digest_document(f"今日更新（{day.isoformat()}）", day, parts)
        if fmt == "html":
            return f"{doc.name}.html", render_html(doc)
        return f"{doc.name}.{fmt}", render(doc, fmt, layout)


def _check_name(name: str) -> str:
    """A subscription name, trimmed; raises :class:`UserError` when empty or too long."""
    name = name.strip()
    if not name or len(name) > _NAME_MAX or "/" in name:
        raise UserError.of(
            N_("a subscription name needs 1 to {most} characters and no '/', e.g. 营商环境."),
            most=_NAME_MAX,
        )
    return name


def _filter(subscription: Subscription) -> ArticleFilter:
    years = parse_years(subscription.years) if subscription.years else (None, None)
    return ArticleFilter(
        subscription.genre, subscription.role, years[0], years[1], subscription.source
    )
