"""atomic(): one transaction per block, savepoints when nested, on both stores (issue 7)."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

import pytest

from sucai.errors import StoreError
from sucai.store import open_store
from sucai.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from pathlib import Path

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


def _attempt(store: Store, name: str) -> None:
    store.add_login_attempt(name, "1", NOW, False)


def _names(store: Store) -> list[str]:
    return sorted(n for n in "abcdefgh" if store.count_failed_logins(NOW, name=n, ip=None))


def test_three_levels_nest_and_each_failure_undoes_only_its_own_level(store: Store) -> None:
    with store.atomic():
        _attempt(store, "a")
        with store.atomic():
            _attempt(store, "b")
            with pytest.raises(Boom), store.atomic():
                _attempt(store, "c")
                raise Boom
            with store.atomic():  # the same depth again, after a failure
                _attempt(store, "d")
            with pytest.raises(Boom), store.atomic():
                _attempt(store, "e")
                raise Boom
        _attempt(store, "f")
    with store.atomic():  # back at the top: a transaction of its own
        _attempt(store, "g")
    assert _names(store) == ["a", "b", "d", "f", "g"]


def test_a_failed_outer_block_undoes_the_nested_blocks_that_succeeded(store: Store) -> None:
    error = Boom("write failed")
    with pytest.raises(Boom) as raised, store.atomic():
        with store.atomic():
            _attempt(store, "a")
        _attempt(store, "b")
        raise error
    assert raised.value is error  # the block's own error, unchanged
    assert _names(store) == []
    with store.atomic():
        _attempt(store, "c")
    assert _names(store) == ["c"]


def test_an_interrupt_inside_a_block_rolls_it_back_too(store: Store) -> None:
    with pytest.raises(KeyboardInterrupt), store.atomic():
        _attempt(store, "a")
        raise KeyboardInterrupt
    with store.atomic():
        _attempt(store, "b")
        with pytest.raises(KeyboardInterrupt), store.atomic():
            _attempt(store, "c")
            raise KeyboardInterrupt
    assert _names(store) == ["b"]


def test_every_outer_sqlite_block_takes_the_write_lock_at_once(tmp_path: Path) -> None:
    """BEGIN IMMEDIATE: another writer is refused from the start of the block, not at its
    first write, in the first block and in each later one."""
    path = tmp_path / "library.db"
    store = open_store(path)
    try:
        for name in ("a", "b"):
            with store.atomic(), closing(sqlite3.connect(path, timeout=0)) as other:
                with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                    other.execute("BEGIN IMMEDIATE")
                _attempt(store, name)
        assert _names(store) == ["a", "b"]
    finally:
        store.close()


def test_a_sqlite_library_its_backup_and_reader(tmp_path: Path) -> None:
    """The file is private, the backup a private copy that refuses to overwrite, the reader
    refuses writes, and a folder or a file of another kind is refused with a clear error."""
    path = tmp_path / "library.db"
    store = SqliteStore(path)
    try:
        _attempt(store, "a")
        assert path.stat().st_mode & 0o777 == 0o600
        target = tmp_path / "copies" / "backup.db"
        store.backup(target)
        assert target.stat().st_mode & 0o777 == 0o600
        assert not (tmp_path / "copies" / "backup.db.partial").exists()
        with pytest.raises(StoreError, match=f"^{target} exists; give a new file name"):
            store.backup(target)
        copy = open_store(target)
        try:
            assert _names(copy) == ["a"]
        finally:
            copy.close()
        reader = store.reader()
        try:
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                _attempt(reader, "b")
            assert _names(reader) == ["a"]
        finally:
            reader.close()
    finally:
        store.close()
    with pytest.raises(StoreError, match=f"^{tmp_path} is a folder"):
        open_store(tmp_path)
    other = tmp_path / "notes.db"
    other.write_text("不是数据库" * 200, encoding="utf-8")
    with pytest.raises(StoreError, match=f"^{other} is not a sucai library"):
        open_store(other)
