"""The tokenizer id follows what tokens depend on, so an upgrade rebuilds the index (issue 17).

Each case runs Python in a process of its own over a copy of the package in which one input
of the tokens changed — the folding table, the 提法 dictionary, the segmenter's version — as
an upgrade would change it, and reads the id that process computes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections import Counter
from importlib.metadata import distribution
from pathlib import Path

import pytest

from sucai.search.fold import fold
from sucai.search.tokenize import SPACE, TOKENIZER_ID, index_text, word_counts, word_tokens
from tests.conftest import ROOT

_PRINT_ID = "from sucai.search.tokenize import TOKENIZER_ID; print(TOKENIZER_ID)"


def _id_in_process(*paths: Path) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, paths))}
    done = subprocess.run(
        [sys.executable, "-c", _PRINT_ID], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def _parts(tokenizer_id: str) -> dict[str, str]:
    """``tokens1-fold:…-rjieba0.2.2-tifa:…`` → {"tokens": …, "fold": …, "rjieba": …, "tifa": …}."""
    parts = {}
    for part in tokenizer_id.split("-"):
        name = part.split(":")[0].rstrip("0123456789.")
        parts[name] = part
    return parts


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A copy of ``src/sucai`` to change; its parent goes first on PYTHONPATH."""
    shutil.copytree(
        ROOT / "src" / "sucai", tmp_path / "sucai", ignore=shutil.ignore_patterns("__pycache__")
    )
    return tmp_path


def test_the_id_is_the_same_in_every_process(package: Path) -> None:
    assert _id_in_process(package) == TOKENIZER_ID
    assert set(_parts(TOKENIZER_ID)) == {"tokens", "fold", "rjieba", "tifa"}


def test_the_id_names_the_installed_segmenter_version() -> None:
    metadata = distribution("rjieba").read_text("METADATA") or ""
    installed = next(line for line in metadata.splitlines() if line.startswith("Version: "))
    assert _parts(TOKENIZER_ID)["rjieba"] == "rjieba" + installed.removeprefix("Version: ")


def test_another_folding_of_one_character_changes_the_id(package: Path) -> None:
    table = package / "sucai" / "search" / "opencc" / "TSCharacters.txt"
    text = table.read_text(encoding="utf-8")
    assert "\n國\t国\n" in text
    table.write_text(text.replace("\n國\t国\n", "\n國\t囯\n"), encoding="utf-8")
    changed = _id_in_process(package)
    assert _parts(changed)["fold"] != _parts(TOKENIZER_ID)["fold"]
    assert {k: v for k, v in _parts(changed).items() if k != "fold"} == {
        k: v for k, v in _parts(TOKENIZER_ID).items() if k != "fold"
    }


def test_a_new_tifa_term_changes_the_id(package: Path) -> None:
    tifa = package / "sucai" / "search" / "tifa.txt"
    tifa.write_text(tifa.read_text(encoding="utf-8") + "人工智能+\t1\n", encoding="utf-8")
    changed = _id_in_process(package)
    assert _parts(changed)["tifa"] != _parts(TOKENIZER_ID)["tifa"]
    assert _parts(changed)["fold"] == _parts(TOKENIZER_ID)["fold"]


def test_an_upgraded_segmenter_changes_the_id(package: Path, tmp_path: Path) -> None:
    # What an upgrade of rjieba changes that we can see: its distribution's version.
    upgraded = tmp_path / "site" / "rjieba-99.0.0.dist-info"
    upgraded.mkdir(parents=True)
    (upgraded / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: rjieba\nVersion: 99.0.0\n", encoding="utf-8"
    )
    changed = _id_in_process(tmp_path / "site", package)
    assert _parts(changed)["rjieba"] == "rjieba99.0.0"
    assert _parts(changed)["fold"] == _parts(TOKENIZER_ID)["fold"]


def test_folding_reads_the_table_shipped_in_the_package() -> None:
    # Characters of OpenCC's table (traditional → simplified), one to one.
    assert fold("國務院關於發佈《條例》的通知") == "国务院关于发布《条例》的通知"
    notice = (ROOT / "src" / "sucai" / "search" / "opencc" / "NOTICE").read_text(encoding="utf-8")
    assert "Apache License" in notice
    licence = (ROOT / "src" / "sucai" / "search" / "opencc" / "LICENSE").read_text(encoding="utf-8")
    assert licence.startswith("Apache License\nVersion 2.0")


def test_word_counts_equal_the_counts_over_the_whole_texts_words(shared: Path) -> None:
    """The ranking's second scorer cuts only the stretches holding a query word: its counts must
    be those of cutting the whole text (words across punctuation, marks, the space marker)."""
    report = (
        shared / "corpus/reports/state_council/000_2025_2025年中华人民共和国国务院政府工作报告.txt"
    )
    texts = [line for line in report.read_text(encoding="utf-8").splitlines() if line][:200]
    texts.append("第五章  法律责任、附则：“营商环境”，优化营商环境。")
    for text in texts:
        prepared = index_text(text)
        whole = Counter(word_tokens(prepared).split(" "))
        words = frozenset([*list(whole)[::3], "营商环境", "发展", "、", SPACE, "的"])
        assert word_counts(prepared, words) == +Counter({w: whole[w] for w in words}), text
