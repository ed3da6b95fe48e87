"""今日更新, subscriptions, visits and feed tokens on both stores (issue 19)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from sucai.store import Subscription
from sucai.store.records import ArticleFilter
from tests.contract.test_baskets import seeded  # noqa: F401  (the fixture)

if TYPE_CHECKING:
    from sucai.store import Store


def test_a_range_of_import_times_is_counted_listed_and_grouped(seeded: Store) -> None:  # noqa: F811
    store = seeded
    summaries = store.list_articles()
    first = min(s.added_at for s in summaries)
    assert store.count_added(first, None) == len(summaries)
    assert store.count_added("", first) == 0
    latest = store.list_added("", None, limit=3)
    expected = sorted(summaries, key=lambda s: (s.added_at, s.id), reverse=True)
    assert [s.id for s in latest] == [s.id for s in expected[:3]]
    assert (
        store.list_added("", None, limit=None, offset=2) == store.list_added("", None, limit=99)[2:]
    )
    genres = Counter(s.genre for s in summaries)
    groups = store.added_groups("", None)
    assert groups["genre"] == sorted(genres.items(), key=lambda kv: (-kv[1], kv[0]))
    assert sum(n for _, n in groups["source"]) == len(summaries)
    genre = groups["genre"][0][0]
    assert (
        store.added_ids("", None, ArticleFilter(genre=genre), 2, after_id=1)
        == [s.id for s in expected if s.genre == genre and s.id > 1][:2]
    )
    assert store.added_before(first) is None
    assert store.added_from(first) == first


def test_subscriptions_visits_and_feed_tokens_are_kept(seeded: Store) -> None:  # noqa: F811
    store = seeded
    draft = Subscription(
        0, "甲", "营商", "营商环境", "讲话", None, "2020..2023", None, "t0", "t0", 3
    )
    assert store.add_subscription(draft)
    assert not store.add_subscription(draft)  # the name is taken
    found = store.subscription("甲", "营商")
    assert found is not None and found.seen_id == 3 and found.years == "2020..2023"
    store.open_subscription(found.id, "t1", 7)
    assert store.subscriptions("甲")[0].opened_at == "t1"
    assert store.subscriptions("甲")[0].seen_id == 7
    store.delete_subscription(found.id)
    assert store.subscriptions("甲") == []
    # Visits: the first has no "since"; after a pause, since is the visit before it.
    assert (
        store.record_visit("甲", "2026-01-01T10:00:00+00:00", "2026-01-01T09:30:00+00:00") is None
    )
    assert (
        store.record_visit("甲", "2026-01-01T10:10:00+00:00", "2026-01-01T09:40:00+00:00") is None
    )
    assert (
        store.record_visit("甲", "2026-01-01T12:00:00+00:00", "2026-01-01T11:30:00+00:00")
        == "2026-01-01T10:10:00+00:00"
    )
    store.set_feed_token("甲", "sf_a")
    assert (store.feed_token("甲"), store.feed_token_owner("sf_a")) == ("sf_a", "甲")
    store.set_feed_token("甲", None)
    assert store.feed_token_owner("sf_a") is None and store.feed_token("甲") is None
