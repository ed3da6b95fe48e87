"""The benchmarks run on a fresh machine: a missing baseline tool is left out with a message."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

from sucai import open_library
from tests.conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.slow
def test_the_search_bench_leaves_ripgrep_out_when_it_is_missing(
    tmp_path: Path, shared: Path
) -> None:
    db = tmp_path / "lib.db"
    with open_library(db) as lib:
        lib.ingest([ROOT / "samples" / "reports"])
    empty = tmp_path / "bin"  # a PATH without rg (nor anything else)
    empty.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "bench.search_bench", "--db", str(db), "--rounds", "1"],
        cwd=ROOT,
        env={**os.environ, "PATH": str(empty)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.startswith(
        "ripgrep (rg) is not installed: its row is left out. "
        "Install it (apt-get install ripgrep) to compare with it.\n"
    )
    rows = [line.split(" | ")[0] for line in done.stdout.splitlines() if line.startswith("| ")]
    assert "| sucai" in rows and "| fts5-trigram" in rows
    assert "| ripgrep" not in rows
