"""The SQLite store's file, connection and reads (issues 7 and 23): its settings, snapshots,
backups that fail cleanly, and reads of many ids at once.

Expected answers come from SQLite itself (PRAGMA reports, a second connection) or are worked
out by hand, never from the store's own methods on the same connection.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

import pytest

from sucai import open_library
from sucai.errors import SchemaVersionError, StoreError
from sucai.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from pathlib import Path

NOW = "2026-01-01T00:00:00+00:00"
#: The numbers 1..2000, without any table (the reads of many ids run against this).
NUMBERS = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2000) "


def _pragma(store: SqliteStore, name: str) -> object:
    return store.db.execute(f"PRAGMA {name}").fetchone()[0]


def _attempts(path: Path) -> list[str]:
    """The names of the sign-in attempts in the file, read on a connection of its own."""
    with closing(sqlite3.connect(path)) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM login_attempts ORDER BY name")]


def test_a_new_library_gets_its_folders_and_the_settings_readers_and_writers_rely_on(
    tmp_path: Path,
) -> None:
    """WAL (readers never wait for a writer), a 5 s wait for another writer, synchronous
    NORMAL (1), foreign keys on; the reader refuses writes, the writer does not."""
    path = tmp_path / "new" / "folders" / "library.db"
    store = SqliteStore(path)
    reader = store.reader()
    try:
        for opened in (store, reader):
            assert _pragma(opened, "journal_mode") == "wal"
            assert _pragma(opened, "busy_timeout") == 5000
            assert _pragma(opened, "synchronous") == 1
            assert _pragma(opened, "foreign_keys") == 1
        assert _pragma(store, "query_only") == 0
        assert _pragma(reader, "query_only") == 1
    finally:
        reader.close()
        store.close()
    # The mode is the file's own, as another connection finds it.
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_library_opens_again_without_running_its_schema_steps_twice(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    store = SqliteStore(path)
    store.add_login_attempt("甲", "1", NOW, False)
    store.close()
    with closing(sqlite3.connect(path)) as conn:
        steps = conn.execute("SELECT id, name FROM _sucai_migrations ORDER BY id").fetchall()
    assert [n for n, _ in steps] == list(range(1, len(steps) + 1))
    assert len(steps) > 1
    again = SqliteStore(path)
    try:
        again.add_login_attempt("乙", "1", NOW, False)
    finally:
        again.close()
    with closing(sqlite3.connect(path)) as conn:
        assert (
            conn.execute("SELECT id, name FROM _sucai_migrations ORDER BY id").fetchall() == steps
        )
    assert _attempts(path) == ["乙", "甲"]


def test_a_library_under_a_file_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("不是文件夹", encoding="utf-8")
    path = blocker / "library.db"
    with pytest.raises(StoreError, match=f"^cannot create the library {path} \\("):
        SqliteStore(path)


def test_the_tables_of_a_library_and_nothing_else(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "library.db")
    try:
        names = store.table_names()
    finally:
        store.close()
    with closing(sqlite3.connect(tmp_path / "library.db")) as conn:
        kinds = dict(conn.execute("SELECT name, type FROM sqlite_master").fetchall())
    assert {"_sucai_migrations", "meta", "users", "login_attempts", "paragraphs"} <= names
    assert names == {name for name, kind in kinds.items() if kind == "table"}
    assert "login_attempts_name_ip" not in names  # an index, not a table


def test_a_snapshot_reads_every_table_as_of_its_start(tmp_path: Path) -> None:
    """Writes committed by another connection during a snapshot are not seen in it, and are
    seen after it; the store can write again once the snapshot ends."""
    path = tmp_path / "library.db"
    store = SqliteStore(path)
    other = SqliteStore(path)
    try:
        store.add_login_attempt("甲", "1", NOW, False)
        with store.snapshot():
            other.add_login_attempt("乙", "1", NOW, False)
            assert store.count_rows("login_attempts") == 1
            rows = [r for b in store.table_rows("login_attempts", ["name"], 1, batch=10) for r in b]
            assert rows == [("甲",)]
        assert store.count_rows("login_attempts") == 2
        store.add_login_attempt("丙", "1", NOW, False)
        assert _attempts(path) == ["丙", "乙", "甲"]
    finally:
        other.close()
        store.close()


def test_table_rows_come_a_batch_at_a_time_in_key_order(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "library.db")
    try:
        for name in "edcba":
            store.add_login_attempt(name, "1", NOW, False)
        with store.snapshot():
            batches = list(store.table_rows("login_attempts", ["name", "ip"], 1, batch=2))
    finally:
        store.close()
    assert batches == [[("a", "1"), ("b", "1")], [("c", "1"), ("d", "1")], [("e", "1")]]


def test_reads_of_many_ids_go_500_at_a_time_and_miss_none(tmp_path: Path) -> None:
    """More bound values than one SQLite statement allows at a time: every id is asked for
    exactly once, the other parameters come first in each statement."""
    store = SqliteStore(tmp_path / "library.db")
    try:
        ids = [*range(1, 1202), 2500, 3000]  # 1,203 ids: chunks of 500, 500 and 203
        sql = NUMBERS + "SELECT x FROM n WHERE x > ? AND x {}"
        found = sorted(x for (x,) in store._fetch_in(sql, ids, (3,)))
        assert found == list(range(4, 1202))
        assert store._fetch_in(sql, [], (3,)) == []
        exactly = NUMBERS + "SELECT x FROM n WHERE x {}"
        assert sorted(x for (x,) in store._fetch_in(exactly, [500, 501, 1000, 1001])) == [
            500,
            501,
            1000,
            1001,
        ]
    finally:
        store.close()


def test_a_backup_that_cannot_be_written_says_so_and_leaves_nothing(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "library.db")
    try:
        blocker = tmp_path / "notes.txt"
        blocker.write_text("不是文件夹", encoding="utf-8")
        target = blocker / "backup.db"
        with pytest.raises(StoreError, match=f"^cannot write the backup {target} \\("):
            store.backup(target)
        # The copy is written beside the target and renamed: a stale partial copy (a backup
        # killed half-way) is replaced, and none is left.
        good = tmp_path / "copies" / "2026" / "backup.db"
        good.parent.mkdir(parents=True)
        (good.parent / "backup.db.partial").write_bytes(b"")
        store.add_login_attempt("甲", "1", NOW, False)
        store.backup(good)
        assert sorted(p.name for p in good.parent.iterdir()) == ["backup.db"]
        assert _attempts(good) == ["甲"]
        # Folders that do not exist yet are made.
        deep = tmp_path / "new" / "folders" / "backup.db"
        store.backup(deep)
        assert _attempts(deep) == ["甲"]
    finally:
        store.close()


def test_a_library_of_a_newer_sucai_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    SqliteStore(path).close()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute(
            "INSERT INTO _sucai_migrations (id, name, applied_at) VALUES (999, 'm999_future', '')"
        )
    with pytest.raises(SchemaVersionError, match=f"^{path} was written by a newer sucai"):
        SqliteStore(path)


def test_a_file_of_another_kind_is_refused_with_what_to_do(tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    other.write_text("不是数据库" * 200, encoding="utf-8")
    with pytest.raises(StoreError) as raised:
        SqliteStore(other)
    assert str(raised.value) == (
        f"{other} is not a sucai library (file is not a database). Give another --db file, "
        "or move this one away."
    )


def test_rows_inserted_as_they_are_inside_a_block(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    store = SqliteStore(path)
    try:
        rows = [("甲", "1", NOW, 0), ("乙", "2", NOW, 1)]
        with store.atomic():
            store.insert_rows("login_attempts", ["name", "ip", "at", "ok"], rows)
    finally:
        store.close()
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT name, ip, at, ok FROM login_attempts").fetchall() == rows


SPEECH = """关于做好全年工作的讲话
（2024年3月1日）

一、总体要求

同志们：今天我们研究全年工作。
"""


def test_a_reader_shares_the_stores_caches_and_forgets_with_it(tmp_path: Path) -> None:
    """Stored articles do not change, so their heads and outline paths are kept; when the
    store forgets them (an article deleted or merged), its readers forget them too."""
    (tmp_path / "speech.txt").write_text(SPEECH, encoding="utf-8")
    with open_library(tmp_path / "library.db") as library:
        library.ingest([tmp_path / "speech.txt"])
        (article_id,) = [a.id for a in library.articles()]
        store = library.store
        reader = store.reader()
        try:
            assert reader.article_heads([article_id])[article_id].title == "关于做好全年工作的讲话"
            assert reader.outline_path(article_id, 0) == (("一、总体要求", False),)
            with closing(sqlite3.connect(tmp_path / "library.db")) as conn, conn:
                conn.execute("UPDATE articles SET title = '改过的标题' WHERE id = ?", (article_id,))
                conn.execute(
                    "UPDATE outline SET text = '改过的提纲' WHERE article_id = ?", (article_id,)
                )
            # Kept: neither the store nor its reader reads the rows again.
            for opened in (store, reader):
                assert (
                    opened.article_heads([article_id])[article_id].title == "关于做好全年工作的讲话"
                )
                assert opened.outline_path(article_id, 0) == (("一、总体要求", False),)
            store.forget_cached()
            assert reader.article_heads([article_id])[article_id].title == "改过的标题"
            assert reader.outline_path(article_id, 0) == (("改过的提纲", False),)
        finally:
            reader.close()
