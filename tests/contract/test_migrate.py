"""``sucai migrate`` and ``sucai backup`` (issue 7): whole libraries, ids and all."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner

from sucai import open_library
from sucai.cli import cli
from sucai.errors import AuthError, UserError
from sucai.ingest.pipeline import ingest
from sucai.store import open_store
from sucai.store.migrate import TABLES, migrate
from sucai.users import Accounts
from tests.contract.conftest import SOURCES, plain

if TYPE_CHECKING:
    from pathlib import Path

    from sucai.store import Store

NOW = "2026-01-01T08:00:00+00:00"


def _fill(db: Path) -> None:
    """A small library using every table: articles, accounts, baskets, corrections."""
    with open_library(db) as library:
        ingest(library.store, list(SOURCES))
        accounts = Accounts(library.store)
        accounts.add("admin", "correct-horse-1", admin=True)
        accounts.add("会员甲", "correct-horse-1", tier="会员", daily_quota=3)
        _user, token = accounts.sign_in("会员甲", "correct-horse-1", "127.0.0.1")
        accounts.create_token(accounts.from_session(token), "脚本")
        with pytest.raises(AuthError, match="不正确"):
            accounts.sign_in("admin", "wrong-password", "10.0.0.1")
        library.store.add_basket_items(
            "会员甲", "素材", [(2, "paragraph", 1), (1, "article", None)], NOW
        )
        library.store.add_corrections(article_id=3, file_id=None, corrections=(_correction(),))
        library.add_stock_phrase("推进县域商业体系建设", user_name="admin")


def _correction() -> object:
    from sucai.store import Correction

    return Correction("paragraph", 1, 4, "D", "党", "D员")


def _reads(store: Store) -> object:
    """Everything a library shows, through the Store Protocol."""
    ids = list(range(1, store.max_article_id() + 1))
    users = store.list_users()
    return plain(
        {
            "files": store.files(),
            "articles": [store.get_article(i) for i in ids],
            "list": store.list_articles(newest_first=True),
            "facets": store.facets(),
            "index": list(store.iter_index_articles(0, 5)),
            "users": users,
            "tokens": [store.list_api_tokens(u.id) for u in users],
            "audit": store.audit_entries(limit=100),
            "failed": store.count_failed_logins("2000", name=None, ip=None),
            "baskets": store.baskets("会员甲"),
            "corrections": [store.corrections(i) for i in ids],
            "stock_phrases": store.stock_phrase_edits(),
        }
    )


def _rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        out = {}
        for table, columns in TABLES:
            names = ", ".join(c if c == "rowid" else f'"{c}"' for c in columns)
            out[table] = sorted(conn.execute(f"SELECT {names} FROM {table}").fetchall(), key=repr)
        # Each library has its own schema version and id (a copy's search index is its own).
        out["meta"] = [r for r in out["meta"] if r[0] not in ("schema_version", "library_id")]
        return out


def test_a_library_goes_to_postgresql_and_back_unchanged(tmp_path: Path, pg_url: str) -> None:
    original, back = tmp_path / "original.db", tmp_path / "back.db"
    _fill(original)
    there = migrate(original, pg_url)
    assert there.articles > 10 and dict(there.rows)["users"] == 2
    returned = migrate(pg_url, back)
    assert returned.rows == there.rows
    stores = [open_store(original), open_store(pg_url), open_store(back)]
    try:
        reads = [_reads(s) for s in stores]
        assert reads[0] == reads[1] == reads[2]
        # Three libraries: a search index of one is never taken for another's.
        assert len({s.library_id() for s in stores}) == 3
        # Each copy's change log names every article it holds (its triggers wrote it).
        ids = {a.id for a in stores[0].list_articles()}
        assert {c for s in stores for c in s.changed_articles(0, s.last_change())} == ids
        # Ids continue after the copied ones on PostgreSQL too.
        user = stores[1].add_user(
            name="新",
            password_hash="h",
            role="member",
            tier=None,
            expires_on=None,
            daily_quota=None,
            now=NOW,
        )
        assert user.id == 3
    finally:
        for s in stores:
            s.close()
    # Row for row (SQLite's rowids included), the round trip changed nothing.
    assert _rows(back) == _rows(original)


def test_migrate_refuses_a_library_that_holds_data(tmp_path: Path, pg_url: str) -> None:
    source, full = tmp_path / "a.db", tmp_path / "b.db"
    _fill(source)
    _fill(full)
    with pytest.raises(UserError, match=r"b\.db is not empty \(9 files, .*Give a new file"):
        migrate(source, full)
    migrate(source, pg_url)
    with pytest.raises(UserError, match=r"127\.0\.0\.1:\d+/t\d+ is not empty"):
        migrate(full, pg_url)
    with pytest.raises(UserError, match="name the same library"):
        migrate(source, source)
    with pytest.raises(UserError, match="does not exist"):
        migrate(tmp_path / "nothere.db", full)


def test_the_migrate_command_copies_and_indexes(tmp_path: Path) -> None:
    source, target = tmp_path / "a.db", tmp_path / "copy" / "b.db"
    _fill(source)
    result = CliRunner().invoke(cli, ["migrate", "--from", str(source), "--to", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1].startswith(f"Migrated 15 articles to {target} and")
    with open_library(source) as a, open_library(target) as b:
        for query in ("营商环境", "高质量发展", '"营商环境" 企业'):
            left, right = a.search(query), b.search(query)
            assert left.total == right.total > 0
            # Equal scores may come in another order from an index built in one go.
            assert _ranked(left.hits) == _ranked(right.hits)
    again = CliRunner().invoke(cli, ["migrate", "--from", str(source), "--to", str(target)])
    assert again.exit_code == 1
    assert again.output.startswith(f"Error: migrate: {target} is not empty (9 files, ")


def _ranked(hits: Any) -> list[tuple[float, int, int, str]]:
    return sorted((-round(h.score, 4), h.article_id, h.paragraph_index, h.text) for h in hits)


def test_backup_copies_a_library_in_use(tmp_path: Path) -> None:
    db, copy = tmp_path / "lib.db", tmp_path / "backups" / "lib-1.db"
    _fill(db)
    result = CliRunner().invoke(cli, ["backup", "--to", str(copy), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output == f"Backed up 15 articles to {copy}.\n"
    assert _rows(copy) == _rows(db)
    with open_library(copy) as library:
        assert library.search("营商环境").total > 0
    again = CliRunner().invoke(cli, ["backup", "--to", str(copy), "--db", str(db)])
    assert again.exit_code == 1
    assert again.output == f"Error: {copy} exists; give a new file name for the backup.\n"
    assert not list(copy.parent.glob("*.partial"))


def test_migrate_into_a_library_opened_before_keeps_the_sources_jinju_rules(
    tmp_path: Path, pg_url: str
) -> None:
    """An empty library opened once records the rules of its (no) 金句; a copy into it brings
    the source's record with the source's 金句, and the copy finds them again when opened
    as a library (on PostgreSQL too)."""
    source, target = tmp_path / "a.db", tmp_path / "b.db"
    _fill(source)
    with open_library(source) as library:
        every = library.jinju(limit=None)
    assert every[0] > 0
    with sqlite3.connect(source) as db:
        db.execute("UPDATE meta SET value = '1' WHERE key = 'jinju_extractor'")
        db.execute("DELETE FROM jinju")
    for copy in (target, pg_url):
        open_library(copy).close()
        migrate(source, copy)
        with closing(open_store(copy)) as store:
            assert store.jinju_extractor() == "1"
            assert store.jinju() == []
        with open_library(copy) as library:
            assert library.jinju(limit=None) == every
