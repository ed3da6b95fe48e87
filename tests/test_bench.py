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


def _keys(text: str, variant: str = "sentence") -> list[tuple[str, bool, bool]]:
    from bench.jinju_repeats import candidates

    return [(key, cited, theme) for _, _, key, cited, theme in candidates(text, variant)]


def test_the_repeats_bench_counts_whole_sentences_without_their_citing_clause() -> None:
    # The saying, not the words that cite it, is what repeats across articles.
    assert _keys("习近平指出，民族要复兴，乡村必振兴。") == [
        ("民族要复兴，乡村必振兴", True, False)
    ]
    assert _keys("他说：“人不负青山，青山定不负人。”") == [
        ("人不负青山，青山定不负人", True, False)
    ]
    # Narrated news repeats too; it is not cited.
    assert _keys("节目的最后，让我们一起走进春天里的中国。") == [
        ("节目的最后，让我们一起走进春天里的中国", False, False)
    ]


def test_the_repeats_bench_leaves_out_pieces_measures_and_names_themes() -> None:
    # A piece cut by a quotation is no sentence: …”的决定性意义，自觉做到“…
    assert _keys("深刻领悟“两个确立”的决定性意义，自觉做到“两个维护”。") == []
    # The guards of the rules: measures, figures.
    assert _keys("加强安全管理，确保平稳有序。") == []
    assert _keys("今年增长5%，明年继续增长。") == []
    # A theme by the words around it.
    assert _keys("活动以“冰雪同梦，亚洲同心”为主题。") == [("冰雪同梦，亚洲同心", True, True)]
    # Inside a sentence, every run of clauses is one.
    assert [k for k, _, _ in _keys("他说，天下为公行大道，民为邦本，利在天下。", "clauses")] == [
        "天下为公行大道，民为邦本",
        "天下为公行大道，民为邦本，利在天下",
        "民为邦本，利在天下",
    ]
