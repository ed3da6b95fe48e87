"""金句 and 提法 benchmark (issue 20): precision on a labelled sample, recall of famous
quotations, the speed of 金句 searches and 提法 charts, and what extraction adds to an import.

    .venv/bin/python -m bench.jinju_eval --db LIBRARY             # precision, recall, speed
    .venv/bin/python -m bench.jinju_eval --db LIBRARY --sample --seed 22  # a sample, to label
    .venv/bin/python -m bench.jinju_eval --db LIBRARY --extraction  # extraction alone, CPU s
    .venv/bin/python -m bench.jinju_eval --import-corpus          # import with and without

LIBRARY is a library of the whole shared corpus built with this code (or a copy of an older
one, which finds its 金句 when first opened: ``cp -r /work/bench-lib/corpus.db* /tmp/x/``).

Precision, on three samples judged by the criteria of docs/jinju.md (kind, 1/0, text; a
sentence not labelled yet is listed, and counted apart):

- the tuning sample, ``bench/jinju_labels.tsv``: 160 金句 drawn with seed 20 from those the
  first rules stored, which the rules were then tuned on; counted: those the library still
  stores;
- the held-out sample, ``bench/jinju_labels_heldout.tsv``: :data:`HELD_OUT` 金句 drawn at
  random (seed :data:`SEED`) from all those the library stores, labelled before the rules
  were scored on them; the rules of ``EXTRACTOR`` 3 were then tuned against its errors;
- the fresh sample, ``bench/jinju_labels_fresh.tsv``: :data:`HELD_OUT` drawn the same way
  with seed :data:`FRESH_SEED` from what the rules of ``EXTRACTOR`` 3 store (``--sample
  --seed 22``), labelled before those rules were scored on them; counted: those still stored;
- the known lines, ``bench/jinju_labels_lines.tsv``: every 金句 the classical lines of
  ``EXTRACTOR`` 4 added to what ``EXTRACTOR`` 3 stored, labelled by the same criteria;
- the fresh-2 sample, ``bench/jinju_labels_fresh2.tsv``: :data:`HELD_OUT` drawn with seed
  :data:`FRESH2_SEED` from what the rules of ``EXTRACTOR`` 5 store, labelled from the text
  alone before those rules were scored on them;
- the sayings, ``bench/jinju_labels_said.tsv``: every 金句 ``EXTRACTOR`` 5 added to what
  ``EXTRACTOR`` 4 stored (mostly couplets a person is quoted saying), labelled knowing the rule.
- the fresh-3 sample, ``bench/jinju_labels_fresh3.tsv``: :data:`HELD_OUT` drawn with seed
  :data:`FRESH3_SEED` from what the rules of ``EXTRACTOR`` 6 store, labelled from the text
  alone (kind and rule hidden) before the repeats of the sixth round were measured
  (``bench/jinju_repeats.py``).
- the fresh-4 sample, ``bench/jinju_labels_fresh4.tsv``: :data:`HELD_OUT` drawn with seed
  :data:`FRESH4_SEED` from what the rules of ``EXTRACTOR`` 7 (round 7, measured and not
  adopted: docs/benchmarks.md) stored, labelled from the text alone (the kind hidden) before
  those rules were scored on it; counted over those the library stores.
- the fresh-5 and fresh-6 samples, ``bench/jinju_labels_fresh5.tsv`` and ``_fresh6``: drawn
  with seeds :data:`FRESH5_SEED` and :data:`FRESH6_SEED` from what ``EXTRACTOR`` 7 stored,
  labelled blind by a helper before the filter of ``EXTRACTOR`` 8 (``bench/jinju_train.py``)
  was scored on them; it was trained on them since, like on every sample above;
- the fresh-7 and fresh-8 samples, ``bench/jinju_labels_fresh7.tsv`` and ``_fresh8``: drawn
  with seeds :data:`FRESH7_SEED` and :data:`FRESH8_SEED` from what ``EXTRACTOR`` 8 stores,
  labelled blind by another helper; trained on by ``EXTRACTOR`` 10;
- the fresh-9 sample and what the dateline of round 9 adds, ``bench/jinju_labels_fresh9.tsv``
  and ``_dateline``: drawn with seed :data:`FRESH9_SEED` from the rules of round 9 with the
  weights of ``EXTRACTOR`` 8, labelled blind; trained on by ``EXTRACTOR`` 10;
- fresh-10, ``bench/jinju_labels_fresh10.tsv``: the texts of two samples (seeds 31, 32) of
  what ``EXTRACTOR`` 10 stores that no set above holds, labelled blind; trained on by
  ``EXTRACTOR`` 11, like the sentences of speeches and reports labelled with it.

Recall: the quotations of ``bench/jinju_quotes.txt`` (found by hand in the corpus; the rules
were tuned on it), of ``bench/jinju_quotes_heldout.txt`` (found without the rules; looked at
for ``EXTRACTOR`` 3) and of ``bench/jinju_quotes_fresh.txt`` (found without the rules, written
down before ``EXTRACTOR`` 3 and not tuned on) and of ``bench/jinju_quotes_fresh2.txt`` (found
without the rules, written down before the repeats of the sixth round were measured), apart:
of every paragraph that holds one (laws aside), the share where a stored 金句 holds it too
(the held-out sample is counted, like the tuning one, over those of its sentences still
stored). The import runs in child
processes, once as shipped and once with extraction turned off (the store's 金句 rows made
empty); ``--extraction`` times the rules alone over the stored text of the library.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.import_bench import CORPUS
from sucai import open_library
from sucai.jinju import UNQUOTED_GENRE, jinju_rows

HERE = Path(__file__).resolve().parent
LABELS = HERE / "jinju_labels.tsv"
HELD_OUT_LABELS = HERE / "jinju_labels_heldout.tsv"
QUOTES = HERE / "jinju_quotes.txt"
HELD_OUT_QUOTES = HERE / "jinju_quotes_heldout.txt"
FRESH_LABELS = HERE / "jinju_labels_fresh.tsv"
FRESH_QUOTES = HERE / "jinju_quotes_fresh.txt"
LINES_LABELS = HERE / "jinju_labels_lines.tsv"
FRESH2_LABELS = HERE / "jinju_labels_fresh2.tsv"
SAID_LABELS = HERE / "jinju_labels_said.tsv"
FRESH3_LABELS = HERE / "jinju_labels_fresh3.tsv"
FRESH4_LABELS = HERE / "jinju_labels_fresh4.tsv"
FRESH5_LABELS = HERE / "jinju_labels_fresh5.tsv"
FRESH6_LABELS = HERE / "jinju_labels_fresh6.tsv"
FRESH7_LABELS = HERE / "jinju_labels_fresh7.tsv"
FRESH8_LABELS = HERE / "jinju_labels_fresh8.tsv"
FRESH9_LABELS = HERE / "jinju_labels_fresh9.tsv"
DATELINE_LABELS = HERE / "jinju_labels_dateline.tsv"
FRESH10_LABELS = HERE / "jinju_labels_fresh10.tsv"
FRESH2_QUOTES = HERE / "jinju_quotes_fresh2.txt"
SEED = 21
FRESH_SEED = 22
FRESH2_SEED = 23
FRESH3_SEED = 24
FRESH4_SEED = 25
FRESH5_SEED = 26
FRESH6_SEED = 27
FRESH7_SEED = 28
FRESH8_SEED = 29
FRESH9_SEED = 30
HELD_OUT = 120
PHRASES = (["新质生产力"], ["新质生产力", "高质量发展", "供给侧结构性改革"], ["营商环境"])

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, db, corpus = sys.argv[1:]
if mode == "without":
    import sucai.store.articles as articles
    articles.paragraph_rows = lambda *args: []
from sucai import open_library
t0 = time.perf_counter()
with open_library(db) as lib:
    report = lib.ingest([Path(corpus)])
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": time.perf_counter() - t0, "cpu": usage.ru_utime + usage.ru_stime,
                  "articles": report.articles}))
"""


def _labels(path: Path) -> dict[str, tuple[str, int]]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, label, text = line.split("\t", 2)
            out[text] = (kind, int(label))
    return out


def _quotes(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [q.strip() for q in lines if q.strip() and not q.startswith("#")]


def precision(db: str, *, show_sample: int | None) -> None:
    """Print the precision of the tuning, held-out, fresh and fresh-2 samples and of what the
    known lines and the sayings added, or the sample of seed ``show_sample``."""
    with open_library(db) as lib:
        # As the lists show them: a saying quoted in several places once, at its newest (the
        # samples from fresh-9 on are drawn from these; earlier ones from every place).
        _, every = lib.jinju(limit=None)
    places = sum(1 + j.elsewhere for j in every)
    every.sort(key=lambda j: (j.article.id, j.paragraph, j.start))
    if show_sample is not None:
        for j in random.Random(show_sample).sample(every, min(HELD_OUT, len(every))):
            print(f"{j.kind}\t?\t{j.text}")
        return
    print(f"金句 listed: {len(every)} ({places} places)")
    stored = {j.text: j for j in every}
    samples = (
        (LABELS, "tuning sample (seed 20, {n} sentences labelled)"),
        (
            HELD_OUT_LABELS,
            f"held-out sample (seed {SEED}, drawn from the rules of EXTRACTOR 2, "
            "{n} sentences labelled)",
        ),
        # Drawn from what EXTRACTOR 3 stored: counted, like the others, over those still stored.
        (
            FRESH_LABELS,
            f"fresh sample (seed {FRESH_SEED}, drawn from the rules of EXTRACTOR 3, "
            "{n} sentences labelled)",
        ),
        (LINES_LABELS, "added by the known lines of EXTRACTOR 4 ({n} sentences labelled)"),
        (SAID_LABELS, "added by EXTRACTOR 5, sayings of persons ({n} sentences labelled)"),
        (
            FRESH2_LABELS,
            f"fresh-2 sample (seed {FRESH2_SEED}, drawn from the rules of EXTRACTOR 5, "
            "{n} sentences labelled)",
        ),
        (
            FRESH3_LABELS,
            f"fresh-3 sample (seed {FRESH3_SEED}, drawn from the rules of EXTRACTOR 6, "
            "{n} sentences labelled)",
        ),
        (
            FRESH4_LABELS,
            f"fresh-4 sample (seed {FRESH4_SEED}, drawn from the rules of round 7, "
            "{n} sentences labelled)",
        ),
        (
            FRESH5_LABELS,
            f"fresh-5 sample (seed {FRESH5_SEED}, drawn from EXTRACTOR 7, "
            "{n} sentences labelled)",
        ),
        (
            FRESH6_LABELS,
            f"fresh-6 sample (seed {FRESH6_SEED}, drawn from EXTRACTOR 7, "
            "{n} sentences labelled)",
        ),
        (
            FRESH7_LABELS,
            f"fresh-7 sample (seed {FRESH7_SEED}, drawn from EXTRACTOR 8, "
            "{n} sentences labelled)",
        ),
        (
            FRESH8_LABELS,
            f"fresh-8 sample (seed {FRESH8_SEED}, drawn from EXTRACTOR 8, "
            "{n} sentences labelled)",
        ),
        (DATELINE_LABELS, "added by the dateline of round 9 ({n} sentences labelled)"),
        (
            FRESH9_LABELS,
            f"fresh-9 sample (seed {FRESH9_SEED}, drawn from round 9 with the weights of "
            "EXTRACTOR 8, {n} sentences labelled)",
        ),
        (
            FRESH10_LABELS,
            "fresh-10: of samples of seeds 31 and 32 drawn from EXTRACTOR 10, the texts no "
            "earlier sample holds ({n} sentences labelled)",
        ),
    )
    print(
        "The filter of EXTRACTOR 11 was trained on every sample: the figures below are its fit. "
        "Its precision on what it did not see: python -m bench.jinju_train --evaluate, which "
        "scores each sample, and the speeches and reports from outside the corpus, by a model "
        "trained without it."
    )
    for path, heading in samples:
        labelled = _labels(path)
        kept = [(stored[text], label) for text, label in labelled.items() if text in stored]
        print(
            f"\n{heading.format(n=len(labelled))}: {len(kept)} still stored, "
            f"{len(labelled) - len(kept)} no longer"
        )
        _table(kept)


def _table(judged: list[tuple[Any, tuple[str, int]]]) -> None:
    """Precision per stored kind and in all."""
    print("| kind | sampled | worth quoting | precision |")
    print("|---|---|---|---|")
    for kind in [*sorted({j.kind for j, _ in judged}), "all"]:
        rows = [label for j, (_, label) in judged if kind in ("all", j.kind)]
        if rows:
            print(f"| {kind} | {len(rows)} | {sum(rows)} | {sum(rows) / len(rows):.3f} |")


def recall(db: str, path: Path) -> None:
    """Print the recall of the famous quotations of ``path``: per paragraph quoting one, and
    per item."""
    print(f"\n{path.name}")
    quotes = _quotes(path)
    found_at: dict[str, list[bool]] = {q: [] for q in quotes}
    with open_library(db) as lib:
        for article in lib.articles():
            if article.genre == UNQUOTED_GENRE:
                continue
            texts = (
                [j.text for j in lib.article_jinju(article.id)]
                if any(q in p.text for p in article.paragraphs for q in quotes)
                else []
            )
            for p in article.paragraphs:
                for q in quotes:
                    if q in p.text:
                        found_at[q].append(any(q in t for t in texts))
    places = [hit for hits in found_at.values() for hit in hits]
    items = [all(hits) for hits in found_at.values() if hits]
    print(f"quotations: {len(quotes)}, {len(items)} in the library, in {len(places)} paragraphs")
    print(f"recall per paragraph: {sum(places) / len(places):.3f} ({sum(places)}/{len(places)})")
    print(f"recall per quotation (every place found): {sum(items) / len(items):.3f}")
    for q, hits in found_at.items():
        if hits and not all(hits):
            print(f"missed: {q} ({hits.count(False)} of {len(hits)} places)")


def speed(db: str, rounds: int) -> None:
    """Print the median time of 提法 charts and 金句 searches (member and visitor)."""
    print("| what | paid | median ms | max ms |")
    print("|---|---|---|---|")
    with open_library(db) as lib:
        lib.tifa(["发展"])  # the index opened, the per-year characters read once
        lib.tifa(["发展"], paid=False)
        cases = [(f"tifa {'·'.join(p)}", p) for p in PHRASES] + [("jinju 发展", "发展")]
        for name, what in cases:
            for paid in (True, False):
                times = []
                for _ in range(rounds):
                    t0 = time.perf_counter()
                    if isinstance(what, list):
                        lib.tifa(what, paid=paid)
                    else:
                        lib.jinju(what, paid=paid)
                    times.append((time.perf_counter() - t0) * 1000)
                print(f"| {name} | {paid} | {statistics.median(times):.1f} | {max(times):.1f} |")


def extraction(db: str) -> None:
    """Print the CPU time of the rules alone over the library's quotable paragraphs (what
    import and a schema step run), read first."""
    with open_library(db) as lib:
        paragraphs = [
            (article.id, p.index, p.text)
            for article in lib.articles()
            if article.genre != UNQUOTED_GENRE
            for p in article.paragraphs
            if p.kind == "text" and not p.heading
        ]
    chars = sum(len(text) for _, _, text in paragraphs)
    t0 = time.process_time()
    rows = jinju_rows(paragraphs)
    cpu = time.process_time() - t0
    print(
        f"extraction: {len(paragraphs)} paragraphs, {chars / 1e6:.1f} M characters, "
        f"{len(rows)} 金句 in {cpu:.2f} CPU seconds"
    )


def import_corpus() -> None:
    """Import the whole corpus with and without 金句 extraction, each in a fresh library."""
    rows = []
    for mode in ("with", "without"):
        with tempfile.TemporaryDirectory() as tmp:
            done = subprocess.run(
                [sys.executable, "-c", _CHILD, mode, str(Path(tmp) / "lib.db"), str(CORPUS)],
                capture_output=True,
                text=True,
                check=True,
            )
            rows.append((mode, json.loads(done.stdout.splitlines()[-1])))
    print("| import of the corpus | seconds | CPU seconds | articles |")
    print("|---|---|---|---|")
    for mode, r in rows:
        print(f"| {mode} 金句 | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['articles']} |")
    with_, without = rows[0][1], rows[1][1]
    print(
        f"extraction adds {with_['cpu'] / without['cpu'] - 1:+.1%} CPU, "
        f"{with_['seconds'] / without['seconds'] - 1:+.1%} wall time"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", help="a library of the whole shared corpus")
    parser.add_argument("--sample", action="store_true", help="print a sample, to label")
    parser.add_argument("--seed", type=int, default=FRESH_SEED, help="the sample's seed")
    parser.add_argument("--extraction", action="store_true", help="time the rules alone")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--import-corpus", action="store_true", help="time the import")
    args = parser.parse_args()
    print(
        f"{platform.node()} · {platform.processor() or platform.machine()} · "
        f"{time.strftime('%Y-%m-%d %H:%M')}"
    )
    if args.import_corpus:
        import_corpus()
    if args.db and args.extraction:
        extraction(args.db)
    elif args.db:
        precision(args.db, show_sample=args.seed if args.sample else None)
        if not args.sample:
            recall(args.db, QUOTES)
            recall(args.db, HELD_OUT_QUOTES)
            recall(args.db, FRESH_QUOTES)
            recall(args.db, FRESH2_QUOTES)
            speed(args.db, args.rounds)


if __name__ == "__main__":
    main()
