"""A server's PostgreSQL connection budget (issue 22): the pools of a process never hold more
than its share, together; idle connections go back within seconds; the docs' arithmetic is
the code's. Connections are counted by PostgreSQL itself (``pg_stat_activity``)."""

from __future__ import annotations

import re
import threading
import time
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from sucai.cli import cli
from sucai.errors import ConfigError
from sucai.library import open_library
from sucai.store.postgres import (
    DEFAULT_CONNECTIONS,
    MAX_IDLE,
    POOL_CAP,
    TOOL_CONNECTIONS,
    PostgresStore,
    split_budget,
)
from sucai.web import create_app
from tests.conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

    from tests.pgserver import PgCluster


def _held(cluster: PgCluster, database: str) -> int:
    """Connections of sucai to ``database``, as PostgreSQL counts them."""
    return int(
        cluster.psql(
            "SELECT count(*) FROM pg_stat_activity "
            f"WHERE datname = '{database}' AND application_name = 'sucai'"
        )
    )


def test_the_pools_of_a_process_share_its_budget() -> None:
    # (budget, replica) → (primary pool, replica pool), by hand
    gold = {
        (1, False): (1, 0),
        (7, False): (7, 0),
        (30, False): (10, 0),
        (2, True): (1, 1),
        (7, True): (4, 3),
        (8, True): (4, 4),
        (30, True): (10, 10),
    }
    for (budget, replica), pools in gold.items():
        assert split_budget(budget, replica) == pools
    for budget in range(2, 60):
        for replica in (False, True):
            write, read = split_budget(budget, replica)
            assert 1 <= write <= POOL_CAP and write + read <= budget
            assert (read >= 1) == replica and read <= POOL_CAP
    with pytest.raises(ConfigError, match="too few"):
        split_budget(1, True)
    with pytest.raises(ConfigError, match="too few"):
        split_budget(0, False)


def test_the_docs_example_is_what_the_code_computes() -> None:
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    row = re.search(r"budget example: checked by .*?\n\|.*\n\|[-|]+\n(\|.*\|)\n", deploy)
    assert row, "docs/deploy.md lost its budget example"
    cells = [int(c) for c in row[1].strip("|").split("|")]
    most, reserved, tools, servers, server, workers, process, primary, replica = cells
    assert tools == TOOL_CONNECTIONS
    assert server == (most - reserved - tools) // servers
    assert process == server // workers
    assert (primary, replica) == split_budget(process, replica=True)
    assert servers * workers * process <= most - reserved - tools
    assert "at most 10 each" in deploy and POOL_CAP == 10
    assert f"holds at most {DEFAULT_CONNECTIONS}" in deploy
    assert f"closes an unused one every {MAX_IDLE:g} seconds" in deploy


def test_the_default_budget_is_read_from_the_server(pg_cluster: PgCluster, pg_url: str) -> None:
    most = int(pg_cluster.psql("SHOW max_connections"))
    reserved = int(pg_cluster.psql("SHOW superuser_reserved_connections"))
    # reserved_connections exists from PostgreSQL 16 on; 0 before
    extra = pg_cluster.psql("SELECT coalesce(current_setting('reserved_connections', true), '0')")
    store = PostgresStore(pg_url)
    try:
        for servers in (1, 3):
            left = most - reserved - int(extra) - TOOL_CONNECTIONS
            assert store.connection_budget(servers) == left // servers
        with pytest.raises(ConfigError, match="max_connections"):
            store.connection_budget(1000)
    finally:
        store.close()


@pytest.mark.slow
def test_a_process_holds_at_most_its_share_and_gives_idle_connections_back(
    pg_cluster: PgCluster, pg_url: str
) -> None:
    database = pg_url.rsplit("/", 1)[1]
    store = PostgresStore(pg_url)
    store.limit_connections(3)
    most = 0
    stop = threading.Event()

    def count() -> None:
        nonlocal most
        while not stop.is_set():
            most = max(most, _held(pg_cluster, database))
            time.sleep(0.05)

    def read() -> None:
        view = store.reader()
        for _ in range(5):
            view._fetch("SELECT pg_sleep(0.2)")

    counter = threading.Thread(target=count)
    counter.start()
    readers = [threading.Thread(target=read) for _ in range(8)]
    try:
        for thread in readers:
            thread.start()
        for thread in readers:
            thread.join()
        assert most == 3  # all of its share under load, never more
        use = store.connection_use()
        assert use.budget == 3
        assert [(p.name, p.max) for p in use.pools] == [("write", 3)]
        stop.set()
        counter.join()
        # idle: one connection every MAX_IDLE seconds goes back, down to one
        deadline = time.monotonic() + 4 * MAX_IDLE
        while _held(pg_cluster, database) > 1 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _held(pg_cluster, database) == 1
        (pool,) = store.connection_use().pools
        assert (pool.in_use, pool.idle) == (0, 1)
    finally:
        stop.set()
        if counter.is_alive():
            counter.join()
        store.close()


def test_info_and_health_show_the_budget_and_serve_refuses_too_small_a_share(
    pg_url: str, tmp_path: Path
) -> None:
    runner = CliRunner()
    done = runner.invoke(cli, ["info", "--db", pg_url, "--index-dir", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert re.search(
        r"PostgreSQL connections of this process: write \d+ in use, \d+ idle, 10 max "
        r"\(budget 10\)\.",
        done.output,
    )
    done = runner.invoke(
        cli,
        [
            "serve",
            "--db",
            pg_url,
            "--index-dir",
            str(tmp_path),
            "--workers",
            "4",
            "--db-connections",
            "3",
        ],
    )
    assert done.exit_code == 1
    assert "3 // 4" not in done.output and "0 connection(s) a process is too few" in done.output
    library = open_library(pg_url, index_dir=tmp_path)
    library.limit_connections(4)
    with TestClient(create_app(library)) as client:
        health = client.get("/health").json()
    library.close()
    assert health["status"] == "degraded"  # its index is being built; the database is fine
    assert health["db"]["budget"] == 4
    assert health["db"]["replica"] is None
    (pool,) = health["db"]["pools"]
    assert pool["name"] == "write" and pool["max"] == 4 and pool["in_use"] + pool["idle"] <= 4
