"""The seed library, imported once for the export tests (they only read it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sucai import open_library
from tests.conftest import SEED

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sucai import Library


@pytest.fixture(scope="module")
def seed_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """A library holding the seed's seven articles (ids 1–7)."""
    if not SEED.is_file():
        pytest.skip(f"{SEED} is not beside the project")
    with open_library(tmp_path_factory.mktemp("seed") / "library.db") as library:
        library.ingest([SEED])
        yield library
