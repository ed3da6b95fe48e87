"""Shared fixtures: real SQLite libraries in tmp_path and the shared corpus beside the project."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sucai import open_library
from sucai.store import open_store
from tests.pgserver import PgCluster, cluster_folder, find_bindir

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sucai import Library

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "000_f3e70d4696a96c53.txt"
CORPUS = SHARED / "corpus"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def shared() -> Path:
    """The shared corpus; .ci/run fails loudly when it is missing, local runs skip."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    return SHARED


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """An empty library in a real SQLite file."""
    with open_library(tmp_path / "library.db") as lib:
        yield lib


# --- PostgreSQL (issue 7): one throw-away cluster per session, a fresh database per test ------


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """A throw-away PostgreSQL server on loopback (``make test`` installs the binaries)."""
    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries not found: apt-get install postgresql")
    cluster = PgCluster(bindir, cluster_folder("test"))
    try:
        cluster.init()
        cluster.start()
        # The template holds the migrated schema: each test's database is a cheap copy of it.
        cluster.psql("CREATE DATABASE sucai_template")
        open_store(cluster.url_of("sucai_template")).close()
        yield cluster
    finally:
        cluster.remove()


_databases = itertools.count(1)


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> str:
    """The URL of a new database with sucai's schema, for this test only."""
    name = f"t{next(_databases)}"
    pg_cluster.psql(f"CREATE DATABASE {name} TEMPLATE sucai_template STRATEGY FILE_COPY")
    return pg_cluster.url_of(name)
