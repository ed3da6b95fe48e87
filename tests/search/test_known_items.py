"""The known-item benchmark runs on a small library and says what is missing on an empty one."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from sucai import open_library
from tests.conftest import CORPUS, ROOT

if TYPE_CHECKING:
    from pathlib import Path


def _bench(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench.known_items", "--db", str(db), "--rounds", "1", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_the_bench_prints_both_engines_and_the_ceiling(tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    db = tmp_path / "lib.db"
    with open_library(db) as lib:
        reports = sorted((CORPUS / "reports" / "state_council").glob("00[0-3]_*.txt"))
        lib.ingest([*reports, *sorted((CORPUS / "xinwenlianbo").glob("202403*.md"))])
    done = _bench(db)
    assert done.returncode == 0, done.stderr
    rows = [line.split(" | ") for line in done.stdout.splitlines() if line.startswith("| ")]
    measured = {(row[0], row[1].split(" (")[0]) for row in rows if len(row) == 6}
    assert measured >= {
        (f"| {engine}", kind)
        for engine in ("sucai", "bm25-jieba")
        for kind in ("keywords", "phrase")
    }
    ceilings = [row for row in rows if row[0] in ("| keywords", "| phrase")]
    assert len(ceilings) == 2
    assert all(0 < float(row[-1].rstrip(" |")) <= 1 for row in ceilings)


def test_a_library_without_the_sources_is_named_with_what_to_do(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    with open_library(db) as lib:
        lib.ingest([ROOT / "samples" / "reports"])
    done = _bench(db)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr == (
        f"error: {db} holds no paragraph of 60–600 characters from state_council or "
        "xinwenlianbo in the held-out years (held-out = even). "
        "Import ../shared/corpus into it.\n"
    )
