"""A primary and a streaming replica on loopback (issue 7): imports go to the primary,
reads come from the replica, and each server's own search index is fed from the primary."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import pytest

from sucai.errors import StoreUnavailableError
from sucai.library import Library, open_library
from sucai.search.index import SearchIndex
from sucai.search.query import parse_query
from sucai.store.postgres import PostgresStore
from tests.conftest import SEED
from tests.pgserver import PgCluster, replicated_pair

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[PgCluster, PgCluster]]:
    with replicated_pair("replica") as pair:
        yield pair


def _caught_up(primary: PgCluster, replica: PgCluster, seconds: float = 30) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    lsn = primary.psql("SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + seconds
    while replica.psql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn") != "t":
        if time.monotonic() > deadline:
            raise AssertionError("the replica did not catch up")
        time.sleep(0.05)


def test_material_imported_on_the_primary_is_read_from_the_replica(
    clusters: tuple[PgCluster, PgCluster], tmp_path: Path
) -> None:
    primary, replica = clusters
    assert replica.psql("SELECT pg_is_in_recovery()") == "t"
    store = PostgresStore(primary.url_of("lib"), read_url=replica.url_of("lib"), timeout=1)
    library = Library(store, SearchIndex(tmp_path / "search"))
    try:
        _caught_up(primary, replica)  # the schema the store just created
        # The library imports on the primary, and its index takes the change log from there.
        report = library.ingest([SEED])
        assert report.new_articles == 7
        _caught_up(primary, replica)
        assert store.count_articles() == 7
        article = store.get_article(2)
        assert article.title == "聚焦精准招商再掀招商热潮"
        assert store.facets()["genre"]
        # The reads really come from the replica: they go on while the primary is down,
        # and writes (and what must see the latest writes) fail with a clear error.
        primary.stop()
        library.auto_sync = False
        assert store.count_articles() == 7
        assert [a.id for a in store.list_articles()] == list(range(1, 8))
        assert store.get_article(2) == article
        page = library.search(parse_query("精准招商"))
        assert page.total > 0 and page.hits[0].article_id == 2
        with pytest.raises(StoreUnavailableError, match=rf"127\.0\.0\.1:{primary.port}/lib"):
            store.add_login_attempt("甲", "1", "2026", False)
        with pytest.raises(StoreUnavailableError):
            store.list_users()
        with pytest.raises(StoreUnavailableError, match=rf"127\.0\.0\.1:{primary.port}/lib"):
            library.sync_index()
    finally:
        library.close()
        if not primary.running:
            primary.start()


def test_a_library_opened_with_a_read_url_searches_with_the_replica(
    clusters: tuple[PgCluster, PgCluster], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from sucai.web import WebSettings
    from sucai.web.app import app_from_environment, settings_to_environment
    from sucai.web.render import Readers

    primary, replica = clusters
    query = parse_query("精准招商", limit=3)
    monkeypatch.setenv("SUCAI_INDEX_DIR", str(tmp_path / "index"))
    with open_library(
        primary.url_of("lib"), read_url=replica.url_of("lib"), index_dir=tmp_path / "index"
    ) as library:
        library.ingest([SEED])  # nothing new if the first test ran; the index is built
        _caught_up(primary, replica)
        page = library.search(query, facets=True)
        assert page.total > 0 and page.hits[0].article_id == 2
        assert sum(n for _, n in page.facets["genre"]) == page.total
        # ``sucai serve --workers N``: each worker opens its library with the read URL and
        # this server's index folder.
        settings = WebSettings(
            db=primary.url_of("lib"), db_read=replica.url_of("lib"), index_dir=tmp_path / "index"
        )
        for name, value in settings_to_environment(settings).items():
            monkeypatch.setenv(name, value)
        app = app_from_environment()
        worker = app.state.library
        assert worker.store.read_url == replica.url_of("lib")
        assert worker.index.path == tmp_path / "index"
        readers: Readers = app.state.readers
        primary.stop()
        try:
            # Searches (the library's, and its readers' in other threads) need only the replica.
            library.auto_sync = False
            assert library.search(query, facets=True) == page
            found = asyncio.run(readers.run(lambda reader: reader.search(query, facets=True)))
            assert found == page
            with pytest.raises(StoreUnavailableError, match=rf"127\.0\.0\.1:{primary.port}/lib"):
                library.sync_index()
        finally:
            primary.start()
        readers.close()  # the readers share the worker's store and index: still open
        assert worker.search(query) == library.search(query)
        worker.close()


def test_reads_fall_back_to_the_primary_while_the_replica_is_down(
    clusters: tuple[PgCluster, PgCluster], tmp_path: Path
) -> None:
    """Issue 22: a replica that went down made searches and /health answer 503."""
    from starlette.testclient import TestClient

    from sucai.web import create_app

    primary, replica = clusters
    library = open_library(
        primary.url_of("lib"), read_url=replica.url_of("lib"), index_dir=tmp_path / "index"
    )
    failing = PostgresStore(
        primary.url_of("lib"), read_url=replica.url_of("lib"), read_fallback="fail"
    )
    query = parse_query("精准招商", limit=3)
    try:
        library.ingest([SEED])  # nothing new if an earlier test ran; the index is built
        _caught_up(primary, replica)
        page = library.search(query)
        total = library.count()
        with TestClient(create_app(library)) as client:
            health = client.get("/health").json()
            assert (health["status"], health["db"]["replica"]) == ("ok", "up")
            replica.stop()
            began = time.monotonic()
            assert library.count() == total  # from the primary
            assert time.monotonic() - began < 5
            assert library.search(query) == page
            response = client.get("/health")
            assert response.status_code == 200
            health = response.json()
            assert (health["status"], health["db"]["replica"]) == ("degraded", "down")
            assert [p["name"] for p in health["db"]["pools"]] == ["write", "read"]
            with pytest.raises(StoreUnavailableError, match=rf"127\.0\.0\.1:{replica.port}/lib"):
                failing.count_articles()
            replica.start()
            _caught_up(primary, replica)
            deadline = time.monotonic() + 15  # the replica is tried again every 5 s
            while library.connection_use().replica != "up" and time.monotonic() < deadline:  # type: ignore[union-attr]
                assert library.count() == total
                time.sleep(0.2)
            health = client.get("/health").json()
            assert (health["status"], health["db"]["replica"]) == ("ok", "up")
    finally:
        failing.close()
        library.close()
        if not replica.running:
            replica.start()
