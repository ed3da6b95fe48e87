"""金句 and 提法 benchmark (issue 20): precision on a labelled sample, recall of famous
quotations, the speed of 金句 searches and 提法 charts, and what extraction adds to an import.

    .venv/bin/python -m bench.jinju_eval --db LIBRARY            # precision, recall, speed
    .venv/bin/python -m bench.jinju_eval --db LIBRARY --sample   # the sample, for labelling
    .venv/bin/python -m bench.jinju_eval --import-corpus         # import with and without

LIBRARY is a library of the whole shared corpus built with this code (or a copy of an older
one, which finds its 金句 when first opened: ``cp -r /work/bench-lib/corpus.db* /tmp/x/``).

Precision: :data:`SAMPLE` 金句 drawn at random (seed :data:`SEED`) from all stored ones, each
judged by the criteria of docs/jinju.md in ``bench/jinju_labels.tsv`` (kind, 1/0, text; a
sentence not labelled yet is listed, and counted apart). Recall: the quotations of
``bench/jinju_quotes.txt`` (found by hand in the corpus): of every paragraph that holds one
(laws aside), the share where a stored 金句 holds it too. The import runs in child processes,
once as shipped and once with extraction turned off (the store's 金句 rows made empty).
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

from bench.import_bench import CORPUS
from sucai import open_library
from sucai.jinju import UNQUOTED_GENRE

HERE = Path(__file__).resolve().parent
LABELS = HERE / "jinju_labels.tsv"
QUOTES = HERE / "jinju_quotes.txt"
SEED = 20
SAMPLE = 160
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


def _labels() -> dict[str, tuple[str, int]]:
    out = {}
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            kind, label, text = line.split("\t", 2)
            out[text] = (kind, int(label))
    return out


def _quotes() -> list[str]:
    lines = QUOTES.read_text(encoding="utf-8").splitlines()
    return [q.strip() for q in lines if q.strip() and not q.startswith("#")]


def precision(db: str, *, show_sample: bool) -> None:
    """Print the precision of the labelled sample (and the sentences not labelled)."""
    with open_library(db) as lib:
        _, every = lib.jinju(limit=None)
    every.sort(key=lambda j: (j.article.id, j.paragraph, j.start))
    sample = random.Random(SEED).sample(every, min(SAMPLE, len(every)))
    if show_sample:
        for j in sample:
            print(f"{j.kind}\t?\t{j.text}")
        return
    labels = _labels()
    judged = [(j, labels[j.text]) for j in sample if j.text in labels]
    missing = [j for j in sample if j.text not in labels]
    good = sum(label for _, (_, label) in judged)
    print(f"金句 stored: {len(every)}; sample {len(sample)} (seed {SEED}), {len(judged)} labelled")
    print("| kind | sampled | worth quoting | precision |")
    print("|---|---|---|---|")
    kinds = sorted({j.kind for j, _ in judged})
    for kind in [*kinds, "all"]:
        rows = [(j, lab) for j, lab in judged if kind in ("all", j.kind)]
        ok = sum(lab for _, (_, lab) in rows)
        print(f"| {kind} | {len(rows)} | {ok} | {ok / len(rows):.3f} |" if rows else "")
    print(f"precision: {good / len(judged):.3f}" if judged else "precision: no labels")
    for j in missing:
        print(f"not labelled: {j.kind}\t{j.text}")


def recall(db: str) -> None:
    """Print the recall of the famous quotations: per paragraph quoting one, and per item."""
    quotes = _quotes()
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
    parser.add_argument("--sample", action="store_true", help="print the sample to label")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--import-corpus", action="store_true", help="time the import")
    args = parser.parse_args()
    print(
        f"{platform.node()} · {platform.processor() or platform.machine()} · "
        f"{time.strftime('%Y-%m-%d %H:%M')}"
    )
    if args.import_corpus:
        import_corpus()
    if args.db:
        precision(args.db, show_sample=args.sample)
        if not args.sample:
            recall(args.db)
            speed(args.db, args.rounds)


if __name__ == "__main__":
    main()
