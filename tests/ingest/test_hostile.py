"""The fuzz run of issue 22: over 1,000 hostile inputs through import and 查重.

The inputs (:mod:`tests.ingest.hostile`) are imported all at once by ``sucai import`` in a
process of its own, into a library that already holds the sample articles: every input ends
in exactly one report line per file with a specific outcome, nothing prints a traceback, the
library stays intact, and the process's peak memory (VmHWM) stays within a stated bound of an
ordinary import's. The same files as 查重 drafts are read or refused, never raised.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sucai import open_library
from sucai.check import DRAFT_SUFFIXES, draft_from_bytes
from sucai.errors import IngestError
from tests.conftest import ROOT
from tests.ingest.hostile import CLASSES, Hostile, Measured, display, generate, run_sucai

if TYPE_CHECKING:
    from collections.abc import Iterator

pytestmark = pytest.mark.slow

SAMPLES = (ROOT / "samples" / "reports", ROOT / "samples" / "laws")
#: Peak memory an import of the hostile set may take beyond an import of the samples alone.
MAX_GROWTH_MB = 300
#: The whole import must end well within this (a hang is a failure, not a wait).
TIMEOUT_S = 300
#: Python exception names and tracebacks have no place in a report.
PYTHON_TEXT = re.compile(r"Traceback|\b[A-Z]\w*(?:Error|Exception|Warning)\b|File \"")


def run_import(db: Path, paths: list[Path], folder: Path) -> Measured:
    """``sucai import --json`` of ``paths`` in a process of its own, measured."""
    arguments = ["import", "--json", "--db", str(db), *map(str, paths)]
    return run_sucai(arguments, folder, TIMEOUT_S)


@dataclass(frozen=True)
class Fuzz:
    inputs: list[Hostile]
    db: Path
    baseline: Measured
    before: dict[int, str]
    run: Measured
    report: dict[str, Any]


def _articles(db: Path) -> dict[int, str]:
    with open_library(db) as library:
        return {a.id: json.dumps(a.paragraphs, default=str) for a in library.articles()}


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Fuzz:
    root = tmp_path_factory.mktemp("hostile")
    inputs = generate(root)
    db = root / "library.db"
    baseline = run_import(db, list(SAMPLES), root)
    assert baseline.code == 0, baseline.err
    before = _articles(db)
    named = [h.path for h in inputs if h.named]
    run = run_import(db, [root / "tree", *named], root)
    return Fuzz(inputs, db, baseline, before, run, json.loads(run.out))


def test_the_set_holds_over_a_thousand_inputs_of_every_class(fuzz: Fuzz) -> None:
    kinds = Counter(h.kind for h in fuzz.inputs)
    assert len(fuzz.inputs) >= 1000
    assert set(kinds) == set(CLASSES)


def test_nothing_prints_a_traceback_and_the_import_ends_with_failures(fuzz: Fuzz) -> None:
    assert fuzz.run.code == 1, fuzz.run.err[-2000:]
    assert "Traceback" not in fuzz.run.err
    # pypdf's warnings and the like do not leak: stderr holds nothing at all.
    assert fuzz.run.err == ""


def _lines_of(fuzz: Fuzz) -> Iterator[tuple[Hostile, list[dict[str, Any]]]]:
    by_path: dict[str, list[dict[str, Any]]] = {}
    for detail in fuzz.report["details"]:
        path = detail["path"]
        member = path.find(".zip!")
        by_path.setdefault(path if member < 0 else path[: member + 4], []).append(detail)
    for hostile in fuzz.inputs:
        yield hostile, by_path.pop(display(hostile.path), [])
    assert not by_path, f"lines of no input: {list(by_path)[:5]}"


def _outcome(detail: dict[str, Any]) -> str:
    return detail["code"] if detail["status"] == "failed" else detail["status"]


def test_every_input_has_its_own_lines_with_an_outcome_allowed_for_it(fuzz: Fuzz) -> None:
    wrong = []
    for hostile, lines in _lines_of(fuzz):
        if not hostile.archive:
            assert len(lines) == 1, (hostile.path, lines)
        assert lines, hostile.path
        outcomes = {_outcome(line) for line in lines}
        assert "internal" not in outcomes, (hostile.path, lines)
        if hostile.expect is not None and not outcomes <= hostile.expect:
            wrong.append((hostile.path.name, sorted(outcomes), sorted(hostile.expect)))
    assert not wrong


def test_every_failure_says_what_and_where_in_our_own_words(fuzz: Fuzz) -> None:
    failed = [d for d in fuzz.report["details"] if d["status"] == "failed"]
    assert len(failed) >= 300
    for detail in failed:
        message = detail["message"]
        assert detail["code"], detail
        assert message.startswith(detail["path"] + ": "), message
        assert "\n" not in message
        assert not PYTHON_TEXT.search(message), message


def test_the_library_stays_intact_with_the_samples_unchanged(fuzz: Fuzz) -> None:
    with sqlite3.connect(fuzz.db) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    after = _articles(fuzz.db)
    assert {i: after[i] for i in fuzz.before} == fuzz.before
    new = fuzz.report["new_articles"]
    assert new > 0
    assert len(after) == len(fuzz.before) + new


def test_peak_memory_stays_within_the_bound(fuzz: Fuzz) -> None:
    growth = fuzz.run.peak_mb - fuzz.baseline.peak_mb
    assert growth < MAX_GROWTH_MB, (fuzz.baseline.peak_mb, fuzz.run.peak_mb)


def test_every_hostile_draft_is_read_or_refused_and_checks_run(fuzz: Fuzz) -> None:
    drafts = [
        h for h in fuzz.inputs if h.path.suffix.lower() in DRAFT_SUFFIXES and h.path.is_file()
    ]
    assert len(drafts) >= 400
    read = 0
    with open_library(fuzz.db) as library:
        for i, hostile in enumerate(drafts):
            name = display(hostile.path.name)
            try:
                paragraphs = draft_from_bytes(name, hostile.path.read_bytes())
            except IngestError as exc:
                assert exc.code != "internal"
                assert not PYTHON_TEXT.search(exc.message), exc.message
                continue
            read += 1
            if i % 10 == 0:
                report = library.check(paragraphs, name=name)
                assert 0.0 <= report.ratio <= 1.0
    assert read >= 100
