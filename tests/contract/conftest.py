"""Fixtures of the store contract suite (issue 7): the same tests on SQLite and PostgreSQL.

``store`` is an empty library on each backend in turn (a SQLite file in tmp_path, or a fresh
database of the session's throw-away PostgreSQL server). ``loaded`` is one pair of libraries,
SQLite and PostgreSQL, each holding the seed and the bundled samples, imported once per session
for the read-only tests that compare the two stores' answers.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest

from sucai.ingest.pipeline import ingest
from sucai.store import open_store
from tests.conftest import ROOT, SEED

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from sucai.store import Store
    from tests.pgserver import PgCluster

#: What the loaded libraries hold: the seed compilation and the bundled samples.
SOURCES = (SEED, ROOT / "samples" / "reports", ROOT / "samples" / "laws")
#: Fields that hold the time of an import or merge, which differs between the two libraries.
_TIMES = frozenset({"added_at", "imported_at", "merged_at"})


def plain(value: Any) -> Any:
    """``value`` as nested lists and dicts, without times, for comparing the two stores."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: plain(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.name not in _TIMES
        }
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """An empty library, on SQLite and then on PostgreSQL."""
    if request.param == "sqlite":
        opened = open_store(tmp_path / "library.db")
    else:
        opened = open_store(request.getfixturevalue("pg_url"))
    try:
        yield opened
    finally:
        opened.close()


@dataclass(frozen=True)
class Pair:
    """The same files imported into both stores."""

    sqlite: Store
    postgres: Store


@pytest.fixture(scope="session")
def loaded(pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    """SQLite and PostgreSQL libraries holding the seed and the samples (read-only tests)."""
    if not SEED.is_file():
        pytest.skip(f"{SEED} is not beside the project")
    pg_cluster.psql("CREATE DATABASE loaded TEMPLATE sucai_template")
    pair = Pair(
        open_store(tmp_path_factory.mktemp("contract") / "library.db"),
        open_store(pg_cluster.url_of("loaded")),
    )
    try:
        for opened in (pair.sqlite, pair.postgres):
            report = ingest(opened, list(SOURCES))
            assert report.new_articles > 0
        yield pair
    finally:
        pair.sqlite.close()
        pair.postgres.close()
