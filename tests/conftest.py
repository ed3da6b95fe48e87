"""Shared fixtures: real SQLite libraries in tmp_path and the shared corpus beside the project."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

from sucai import open_library
from sucai.store import open_store
from tests.pgserver import PgCluster, cluster_folder, find_bindir

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sucai import Library

ROOT = Path(__file__).resolve().parents[1]
#: The shared corpus beside the project; `make mutate` runs the tests from a copy of the tree
#: (mutants/) and names it with SUCAI_SHARED.
SHARED = Path(os.environ.get("SUCAI_SHARED") or ROOT.parent / "shared")
SEED = SHARED / "seed" / "000_f3e70d4696a96c53.txt"
CORPUS = SHARED / "corpus"
DATA = Path(__file__).resolve().parent / "data"

#: `python -m bench.mutate` runs a module's tests once for every mutant: it sets
#: SUCAI_HYPOTHESIS_PROFILE=mutate, and property tests whose budget is a multiple of the
#: profile's (tests/search/test_query.py) draw a tenth of their usual examples.
settings.register_profile("mutate", max_examples=10)
if os.environ.get("SUCAI_HYPOTHESIS_PROFILE"):
    settings.load_profile(os.environ["SUCAI_HYPOTHESIS_PROFILE"])


def pytest_configure(config: pytest.Config) -> None:
    """Search indexes of PostgreSQL libraries go to a folder of this run, not ~/.cache; the
    command line's messages are English."""
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="sucai-cache-")
    # The command line speaks the locale's language (issue 21): English in the tests, on any
    # machine, unless a test chooses a locale.
    os.environ["LANG"] = "C.UTF-8"
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        os.environ.pop(name, None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first, the longest first: the workers of ``pytest -n`` start the longest
    work at once and share out the short tests at the end, instead of one worker running a
    minutes-long test while the other has finished. ``@pytest.mark.slow(seconds=N)`` says about
    how long a test takes on a quiet machine (10 s unless said); the order is stable among
    equals."""

    def seconds(item: pytest.Item) -> float:
        slow = item.get_closest_marker("slow")
        return 0.0 if slow is None else float(slow.kwargs.get("seconds", 10))

    # Under ``python -m bench.mutate`` (no slow tests there), a mutant's tests run file by
    # file in the order of the module's list, fastest first (SUCAI_TEST_ORDER): a mutant is
    # killed at its first failing test, and mutmut hands the tests over in no particular order.
    order = os.environ.get("SUCAI_TEST_ORDER")
    if order:
        rank = {name: n for n, name in enumerate(order.split(","))}
        items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
        return
    items.sort(key=seconds, reverse=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.pop("XDG_CACHE_HOME", ""), ignore_errors=True)


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


# --- 查重 (issue 6) on both stores (issue 7) ----------------------------------------------------

#: The state-council reports of the 查重 libraries (tests/check, tests/contract/test_check.py).
REPORTS = (
    "000_2025_2025年中华人民共和国国务院政府工作报告.txt",
    "004_2023_2023年中华人民共和国国务院政府工作报告.txt",
    "013_2018_2018年中华人民共和国国务院政府工作报告.txt",
)


def _import_reports(library: Library) -> Library:
    folder = CORPUS / "reports" / "state_council"
    if not folder.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    report = library.ingest([folder / name for name in REPORTS])
    assert not report.failed and report.new_articles >= 3
    return library


@pytest.fixture(scope="session")
def sqlite_reports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """Three government work reports (2025, 2023, 2018) in a SQLite library of their own."""
    with open_library(tmp_path_factory.mktemp("check") / "lib.db") as library:
        yield _import_reports(library)


@pytest.fixture(scope="session")
def postgres_reports(pg_cluster: PgCluster) -> Iterator[Library]:
    """The same three reports in a PostgreSQL library (search index in PostgreSQL too)."""
    pg_cluster.psql("CREATE DATABASE check_reports TEMPLATE sucai_template")
    with open_library(pg_cluster.url_of("check_reports")) as library:
        yield _import_reports(library)


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
