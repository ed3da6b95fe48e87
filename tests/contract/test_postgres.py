"""What only the PostgreSQL store has to prove (issue 7): versioned schema, clear errors,
several servers importing at once, and surviving a database restart."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

import psycopg
import pytest

from sucai.errors import ConfigError, SchemaVersionError, StoreUnavailableError
from sucai.ingest.pipeline import ingest
from sucai.store import open_store
from sucai.store.migrations import MIGRATIONS, SCHEMA_VERSION
from sucai.store.pg_migrations import PG_MIGRATIONS
from tests.conftest import ROOT, SEED
from tests.pgserver import PgCluster, cluster_folder, find_bindir

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from sucai.store.postgres import PostgresStore


def _pg(url: str, **kw: float) -> PostgresStore:
    from sucai.store.postgres import PostgresStore

    return PostgresStore(url, **kw)  # type: ignore[arg-type]


def test_every_sqlite_migration_has_its_postgresql_twin() -> None:
    assert [name for name, _ in PG_MIGRATIONS] == [name for name, _ in MIGRATIONS]


def test_the_schema_is_versioned_like_sqlite(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM _sucai_migrations ORDER BY id")]
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert names == [name for name, _ in MIGRATIONS]
    assert version == (str(SCHEMA_VERSION),)
    _pg(pg_url).close()  # opening again applies nothing


def test_a_library_of_a_newer_sucai_is_refused(pg_url: str) -> None:
    with psycopg.connect(pg_url) as conn:
        conn.execute("INSERT INTO _sucai_migrations VALUES (999, 'm999_future', 'x')")
    with pytest.raises(SchemaVersionError, match=r"newer sucai \(schema steps m999_future\)"):
        open_store(pg_url)


def test_an_unreachable_server_is_one_clear_line() -> None:
    with pytest.raises(StoreUnavailableError) as caught:
        open_store("postgresql://sucai:secret@127.0.0.1:1/lib")
    message = str(caught.value)
    assert message.startswith("cannot connect to PostgreSQL at 127.0.0.1:1/lib (")
    assert "Check that the server is running" in message
    assert "secret" not in message and "\n" not in message


def test_a_missing_database_is_named(pg_cluster: PgCluster) -> None:
    with pytest.raises(StoreUnavailableError, match='database "nothere" does not exist'):
        open_store(pg_cluster.url_of("nothere"))


def test_a_malformed_url_says_how_to_write_it() -> None:
    with pytest.raises(ConfigError, match="Write it as postgresql://USER@HOST"):
        open_store("postgresql://a b@host/db")


def test_a_read_replica_needs_postgresql(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="a read replica needs a PostgreSQL library"):
        open_store(tmp_path / "x.db", read_url="postgresql://sucai@127.0.0.1/x")
    with pytest.raises(ConfigError, match="is not a postgresql:// URL"):
        open_store("postgresql://sucai@127.0.0.1/x", read_url=str(tmp_path / "x.db"))


def test_concurrent_imports_of_overlapping_files_store_each_article_once(
    pg_url: str, tmp_path: Path
) -> None:
    # The same articles in files with other bytes, and the very same files, from four
    # "servers" (stores with their own pools) at once.
    copy = tmp_path / "copy.txt"
    copy.write_text(SEED.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    reports = ROOT / "samples" / "reports"
    jobs = [[SEED, reports], [copy, reports], [reports, SEED], [copy, SEED]]
    stores = [_pg(pg_url) for _ in jobs]
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def run(store: PostgresStore, paths: list[Path]) -> None:
        try:
            start.wait()
            ingest(store, paths)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=job) for job in zip(stores, jobs, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for store in stores[1:]:
        store.close()
    store = stores[0]
    try:
        assert errors == []
        assert len(store.files()) == 5  # seed, its copy, three reports
        titles = [a.title for a in store.list_articles()]
        assert len(titles) == len(set(titles)) == store.count_articles()
        assert store.max_article_id() == store.count_articles()
        # The seed's 7 articles each have two sources: the seed and its copy.
        shared = [a for a in store.iter_articles() if len(a.sources) == 2]
        assert len(shared) == 7
    finally:
        store.close()


# --- faults: a server of our own, restarted and stopped under the store ----------------------


@pytest.fixture(scope="module")
def cluster() -> Iterator[PgCluster]:
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found: apt-get install postgresql")
    own = PgCluster(bindir, cluster_folder("faults"))
    try:
        own.init()
        own.start()
        own.psql("CREATE DATABASE lib")
        yield own
    finally:
        own.remove()


@pytest.fixture
def faulty(cluster: PgCluster) -> Iterator[PostgresStore]:
    # A short wait for connections keeps the tests quick (servers wait CONNECT_TIMEOUT).
    store = _pg(cluster.url_of("lib"), timeout=1)
    try:
        yield store
    finally:
        store.close()
        if not cluster.running:
            cluster.start()


def test_reads_survive_a_database_restart(cluster: PgCluster, faulty: PostgresStore) -> None:
    assert faulty.count_articles() == 0
    cluster.restart()
    # The pooled connection is dead; the read is retried once on a new one.
    assert faulty.count_articles() == 0
    assert faulty.list_users() == []


def test_writes_survive_a_database_restart(cluster: PgCluster, faulty: PostgresStore) -> None:
    faulty.add_login_attempt("甲", "1", "2026", False)
    cluster.restart()
    # A transaction starts on a connection that was tried first, not on a dead pooled one.
    faulty.add_login_attempt("甲", "1", "2026", False)
    assert faulty.count_failed_logins("2000", name="甲", ip="1") == 2


def test_a_stopped_database_is_a_clear_error_then_recovers(
    cluster: PgCluster, faulty: PostgresStore
) -> None:
    assert faulty.count_articles() == 0
    cluster.stop()
    began = time.monotonic()
    with pytest.raises(StoreUnavailableError, match=r"PostgreSQL server at 127\.0\.0\.1:\d+/lib"):
        faulty.count_articles()
    with pytest.raises(StoreUnavailableError, match="Try again in a moment"):
        faulty.add_login_attempt("甲", "1", "2026", False)
    assert time.monotonic() - began < 10
    cluster.start()
    deadline = time.monotonic() + 30
    while True:
        try:
            assert faulty.count_articles() == 0
            break
        except StoreUnavailableError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_an_import_cut_off_by_the_server_leaves_no_half_file(
    cluster: PgCluster, faulty: PostgresStore
) -> None:
    # The pipeline stores each file in one atomic() block: cut its connection half-way.
    with pytest.raises(StoreUnavailableError), faulty.atomic():
        faulty.add_audit(
            at="t", user_id=None, user_name="-", action="a", target="", format="", ip=""
        )
        cluster.psql(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'sucai' AND state = 'idle in transaction'",
            "lib",
        )
        faulty.add_audit(
            at="t", user_id=None, user_name="-", action="b", target="", format="", ip=""
        )
    assert faulty.audit_entries(limit=5) == []
    report = ingest(faulty, [SEED])
    assert report.new_articles > 0


def test_the_web_app_answers_503_while_the_database_is_down(
    cluster: PgCluster, faulty: PostgresStore, tmp_path: Path
) -> None:
    from starlette.testclient import TestClient

    from sucai.library import Library
    from sucai.search.index import SearchIndex
    from sucai.web import WebSettings, create_app
    from tests.web.conftest import assert_described

    library = Library(faulty, SearchIndex(tmp_path / "search"))
    app = create_app(library, WebSettings(upload_dir=tmp_path / "uploads"))
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get("/browse.json").status_code == 200
        cluster.restart()
        assert client.get("/browse.json").status_code == 200  # retried on a new connection
        cluster.stop()
        response = client.get("/browse.json")
        page = client.get("/browse")
    cluster.start()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.json() == {
        "ok": False,
        "error": "数据库暂时不可用，请稍后重试。",
        "errors": ["数据库暂时不可用，请稍后重试。"],
        "status": 503,
    }
    assert_described("/browse.json", "GET", response)
    assert page.status_code == 503 and "数据库暂时不可用" in page.text
    assert "Traceback" not in page.text


def test_a_restart_under_load_gives_answers_or_clear_errors_only(
    cluster: PgCluster, faulty: PostgresStore
) -> None:
    ingest(faulty, [SEED])
    stop = threading.Event()
    outcomes: list[str] = []

    def work(n: int) -> None:
        while not stop.is_set():
            try:
                if n % 2:
                    assert faulty.get_article(1 + n % 7).paragraphs
                else:
                    faulty.add_login_attempt(f"u{n}", "1", "2026", False)
                outcomes.append("ok")
            except StoreUnavailableError:
                outcomes.append("503")
            except BaseException as exc:  # pragma: no cover - the failure being tested
                outcomes.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    cluster.restart()
    time.sleep(1.5)
    stop.set()
    for t in threads:
        t.join()
    assert set(outcomes) <= {"ok", "503"}, {o for o in outcomes if o not in ("ok", "503")}
    assert outcomes[-1] == "ok" or outcomes.count("ok") > 10
    # Every write either committed whole or not at all: attempts are whole rows.
    assert faulty.count_failed_logins("2000", name=None, ip="1") > 0
    assert faulty.count_articles() == 7


def test_searches_survive_a_database_restart_and_fail_clearly_while_it_is_down(
    cluster: PgCluster, faulty: PostgresStore, tmp_path: Path
) -> None:
    from sucai.library import Library
    from sucai.search.index import SearchIndex
    from sucai.search.query import parse_query

    ingest(faulty, [SEED])
    library = Library(faulty, SearchIndex(tmp_path / "search"))
    library.sync_index()
    query = parse_query("精准招商", limit=3)
    before = library.search(query, facets=True)
    assert before.total > 0 and before.hits[0].article_id == 2
    cluster.restart()
    # The pooled connections are dead: each is tried before use and replaced.
    assert library.search(query, facets=True) == before
    assert library.similar(2, limit=3)
    cluster.stop()
    began = time.monotonic()
    # The index is on this server, but hits are read from the library: a clear error.
    with pytest.raises(StoreUnavailableError, match=r"server at 127\.0\.0\.1:\d+/lib"):
        library.search(query)
    with pytest.raises(StoreUnavailableError):
        library.sync_index()
    assert time.monotonic() - began < 10
    cluster.start()
    deadline = time.monotonic() + 30
    while True:
        try:
            assert library.search(query, facets=True) == before
            break
        except StoreUnavailableError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_a_postgresql_url_is_kept_whole_by_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from sucai.config import load_settings

    monkeypatch.setenv("SUCAI_DB_READ", "postgresql://sucai@replica1/sucai")
    settings = load_settings(db="postgresql://sucai@db1/sucai")
    assert settings.db == "postgresql://sucai@db1/sucai"
    assert settings.db_read == "postgresql://sucai@replica1/sucai"
    monkeypatch.delenv("SUCAI_DB_READ")
    assert load_settings(db="lib.db").db_read is None
