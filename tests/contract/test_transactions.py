"""atomic(): one transaction per block, savepoints when nested, on both stores (issue 7)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from sucai.store import Store

NOW = "2026-01-01T00:00:00+00:00"


class Boom(Exception):
    pass


def test_a_failed_block_leaves_nothing(store: Store) -> None:
    with pytest.raises(Boom), store.atomic():
        store.add_audit(
            at=NOW, user_id=None, user_name="-", action="a", target="", format="", ip=""
        )
        raise Boom
    assert store.audit_entries(limit=10) == []


def test_a_failed_nested_block_rolls_back_only_itself(store: Store) -> None:
    with store.atomic():
        store.add_login_attempt("a", "1", NOW, False)
        with pytest.raises(Boom), store.atomic():
            store.add_login_attempt("b", "1", NOW, False)
            raise Boom
        store.add_login_attempt("c", "1", NOW, False)
    assert store.count_failed_logins(NOW, name=None, ip="1") == 2
    assert store.count_failed_logins(NOW, name="b", ip=None) == 0


def test_writes_in_a_block_are_visible_inside_it(store: Store) -> None:
    with store.atomic():
        user = store.add_user(
            name="甲",
            password_hash="h",
            role="member",
            tier=None,
            expires_on=None,
            daily_quota=None,
            now=NOW,
        )
        assert store.get_user(user.id) == user
        assert store.list_users() == [user]


def test_a_reader_in_another_thread_sees_commits_and_closes_alone(store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    reader = store.reader()
    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(reader.count_articles).result() == 0
        store.add_audit(
            at=NOW, user_id=None, user_name="-", action="a", target="", format="", ip=""
        )
        entries = pool.submit(reader.audit_entries, limit=5).result()
    assert [e.action for e in entries] == ["a"]
    reader.close()
    # Closing a reader leaves its store open (a PostgreSQL reader shares the store's pools).
    assert store.audit_entries(limit=5) == entries
