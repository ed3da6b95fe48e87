"""金句 and 提法 counts (issue 20) read the same from SQLite and PostgreSQL, and a PostgreSQL
library older than the 金句 finds them when first opened, as a SQLite one does."""

from __future__ import annotations

from typing import TYPE_CHECKING

import psycopg

from sucai.ingest.pipeline import ingest
from sucai.store import open_store
from tests.conftest import SEED
from tests.contract.conftest import plain

if TYPE_CHECKING:
    from sucai.store import Store
    from tests.contract.conftest import Pair


def test_both_stores_hold_the_same_jinju_and_character_counts(loaded: Pair) -> None:
    def read(store: Store) -> object:
        every = store.jinju()
        assert every, "the seed and samples have 金句"
        return plain(
            [every, store.jinju(kinds=["排比"], paid=False), store.jinju(article_id=1)]
            + [store.year_chars(paid=paid) for paid in (True, False)]
            + [store.text_years()]
            + [sorted(store.phrase_counts(range(1, 600), "发展", paid=p)) for p in (True, False)]
        )

    assert read(loaded.sqlite) == read(loaded.postgres)


def test_a_postgres_library_older_than_jinju_finds_them_when_first_opened(pg_url: str) -> None:
    store = open_store(pg_url)
    try:
        ingest(store, [SEED])
        before = store.jinju()
    finally:
        store.close()
    with psycopg.connect(pg_url, autocommit=True) as conn:  # as sucai 0.11 left it
        conn.execute("DROP TABLE jinju")
        conn.execute("DROP INDEX paragraphs_paid")
        conn.execute("DELETE FROM _sucai_migrations WHERE name = 'm016_jinju'")
    reopened = open_store(pg_url)
    try:
        assert before and reopened.jinju() == before
    finally:
        reopened.close()
