"""``python -m bench.mutate`` runs a mutant's tests fastest file first (SUCAI_TEST_ORDER): the
order of the files named there, whatever order the tests are handed over in."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

FIELDS = "tests/ingest/test_fields.py::test_a_date_inside_a_sentence_gives_no_date"
RULES = "tests/ingest/test_structure_rules.py::test_news_headlines_at_their_edges"
SEED = "tests/ingest/test_seed.py::test_seed_keeps_every_character_of_the_input"
TESTS = (SEED, FIELDS, RULES)


def _collected(order: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "SUCAI_TEST_ORDER"}
    if order is not None:
        env["SUCAI_TEST_ORDER"] = order
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:randomly", *TESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in done.stdout.splitlines() if line.startswith("tests/")]


def test_the_files_named_run_in_that_order_and_the_others_after_them() -> None:
    assert _collected("test_structure_rules.py,test_fields.py") == [RULES, FIELDS, SEED]
    assert _collected("test_fields.py,test_seed.py,test_structure_rules.py") == [
        FIELDS,
        SEED,
        RULES,
    ]


def test_without_an_order_the_tests_run_as_handed_over() -> None:
    assert _collected(None) == [SEED, FIELDS, RULES]
