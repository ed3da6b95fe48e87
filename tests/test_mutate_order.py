"""``python -m bench.mutate`` runs a mutant's tests fastest file first (SUCAI_TEST_ORDER): the
order of the files named there, whatever order the tests are handed over in."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT, deal

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


def test_worksteal_runs_each_open_with_their_share_of_the_slow_tests() -> None:
    """``make pytest`` (``--dist worksteal``) hands each of its workers one run of the list in
    order; the slow tests are dealt over the runs, longest to the least loaded, each run the
    length worksteal gives it (10 // 3, 7 // 2, 4 // 1)."""
    seconds = {"a": 170.0, "b": 120.0, "c": 25.0, "d": 20.0, "e": 10.0}
    items = [*seconds, "f1", "f2", "f3", "f4", "f5"]
    dealt = deal(items, lambda name: seconds.get(name, 0.0), 3)
    assert dealt == ["a", "f1", "f2", "b", "f3", "f4", "c", "d", "e", "f5"]
    assert deal(items, lambda name: seconds.get(name, 0.0), 1) == items
