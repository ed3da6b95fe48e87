"""Shared fixtures: real SQLite libraries in tmp_path and the shared corpus beside the project."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sucai import open_library

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
