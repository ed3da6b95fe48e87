"""Search benchmark: sucai against what a user would otherwise use, on the shared corpus.

Run with ``make bench-search`` (or ``.venv/bin/python bench/search_bench.py [--replicas N]``).
For every query of ``bench/queries.py`` (242 queries in seven classes) and every engine it
measures top-10 latency and checks the complete result set against brute-force substring
search over the folded paragraphs (recall = found ∩ true / true; precision likewise):

* **sucai** — the library's own search, in-process (exact total, ranked top 10, highlights);
* **fts5-trigram** — SQLite FTS5 with the trigram tokenizer (``LIKE`` below 3 characters);
* **fts5-jieba** — an FTS5 word index over rjieba words (the Meilisearch/IK/tsvector approach);
* **ripgrep** — ``rg -F`` over the corpus files (first term; line counts, not paragraphs);
  left out, with a message, when ``rg`` is not installed (``make bench`` installs it with
  apt when it can).

With ``--replicas N`` the corpus is imported N more times with ``（k）`` inserted after the first
comma of every long line (see ``bench/import_bench.py``), to reach ≈ 100 M characters.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import rjieba

from bench.import_bench import CORPUS, _replicate
from bench.queries import all_queries
from sucai import open_library
from sucai.search.engine import build_query, search
from sucai.search.fold import fold
from sucai.search.index import IndexView
from sucai.search.query import Query, parse_query


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _baselines(rows: list[tuple[int, str]], path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path)
    con.execute("CREATE VIRTUAL TABLE tri USING fts5(text, tokenize='trigram')")
    con.execute("CREATE VIRTUAL TABLE words USING fts5(text, tokenize='unicode61')")
    con.executemany("INSERT INTO tri (rowid, text) VALUES (?, ?)", rows)
    con.executemany(
        "INSERT INTO words (rowid, text) VALUES (?, ?)",
        ((rid, " ".join(rjieba.cut(text, False))) for rid, text in rows),
    )
    con.commit()
    return con


def _fts_phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _trigram(con: sqlite3.Connection, must: list[str], excluded: list[str], limit: int) -> set[int]:
    """FTS5 trigram: MATCH for terms of 3+ characters, a scan with instr() for shorter ones.

    (``LIKE`` of under 3 characters on a trigram table crashes SQLite 3.40.1 here.)
    """
    long_terms = [t for t in must if len(t) >= 3]
    clauses, params = [], []
    if long_terms:
        clauses.append("tri MATCH ?")
        params.append(" AND ".join(_fts_phrase(t) for t in long_terms))
    for term in must:
        if len(term) < 3:
            clauses.append("instr(text, ?) > 0")
            params.append(term)
    for term in excluded:
        clauses.append("instr(text, ?) = 0")
        params.append(term)
    sql = f"SELECT rowid FROM tri WHERE {' AND '.join(clauses)} LIMIT ?"
    return {r[0] for r in con.execute(sql, [*params, limit])}


def _jieba(con: sqlite3.Connection, must: list[str], excluded: list[str], limit: int) -> set[int]:
    def phrase(term: str) -> str:
        words = [w for w in rjieba.cut(term, False) if w.strip()]
        return _fts_phrase(" ".join(words)) if words else '""'

    match = " AND ".join(phrase(t) for t in must)
    if excluded:
        match += " NOT " + " NOT ".join(phrase(t) for t in excluded)
    try:
        rows = con.execute("SELECT rowid FROM words WHERE words MATCH ? LIMIT ?", (match, limit))
        return {r[0] for r in rows}
    except sqlite3.OperationalError:
        return set()


def _sucai_rowids(view: IndexView, query: Query) -> set[int]:
    """Every paragraph sucai matches (the same query as search(), without fetching texts)."""
    searcher = view.searcher()
    built = build_query(view.schema, query)
    total = searcher.search(built, 1, count=True).count  # type: ignore[attr-defined]
    hits = searcher.search(built, max(1, total), count=False).hits
    return {int(v or 0) for v in searcher.fast_field_values("rid", [a for _, a in hits])}


def main() -> None:
    """Build or reuse a library, run every engine on every query, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--replicas", type=int, default=0, help="extra corpus copies (≈100 M: 2)")
    parser.add_argument("--db", type=Path, help="reuse this library instead of importing")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of the query set")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"error: {CORPUS} is missing; the benchmark needs the shared corpus.")
    ripgrep = shutil.which("rg")
    if ripgrep is None:
        print(
            "ripgrep (rg) is not installed: its row is left out. "
            "Install it (apt-get install ripgrep) to compare with it."
        )
    tmp = Path(tempfile.mkdtemp(prefix="sucai-bench-"))
    db = args.db or tmp / "lib.db"
    library = open_library(db)
    if args.db is None:
        inputs = [CORPUS] + [_replicate(tmp, k) for k in range(1, args.replicas + 1)]
        started = time.perf_counter()
        library.ingest(inputs)
        print(f"imported and indexed in {time.perf_counter() - started:.0f} s")
    store = library.store
    view = library.index.view(paid=True)  # the whole text, as members search it
    rows = [
        (p_rowid, text)
        for batch in store.iter_index_articles(0)
        for article in batch
        for p_rowid, _, text, _, _ in article.paragraphs
    ]
    folded = [(rid, fold(text)) for rid, text in rows]
    chars = sum(len(t) for _, t in rows)
    print(
        f"machine: {platform.node()} · Python {platform.python_version()} · "
        f"SQLite {sqlite3.sqlite_version} · {time.strftime('%Y-%m-%d')} · "
        f"{len(rows)} paragraphs, {chars / 1e6:.1f} M chars"
    )
    started = time.perf_counter()
    con = _baselines(folded, tmp / "baselines.db")
    print(f"baseline indexes built in {time.perf_counter() - started:.0f} s")
    queries = all_queries()
    recall: dict[tuple[str, str], list[float]] = defaultdict(list)
    precision: dict[tuple[str, str], list[float]] = defaultdict(list)
    latency: dict[tuple[str, str], list[float]] = defaultdict(list)
    everything = 1 << 30
    for kind, text in queries:
        q = parse_query(text, limit=None)
        must = [fold(t) for t in q.terms]
        excluded = [fold(t) for t in q.excluded]
        truth = {
            rid
            for rid, f in folded
            if all(t in f for t in must) and not any(t in f for t in excluded)
        }
        found = {
            "sucai": _sucai_rowids(view, q),
            "fts5-trigram": _trigram(con, must, excluded, everything),
            "fts5-jieba": _jieba(con, must, excluded, everything),
        }
        for engine, got in found.items():
            recall[(engine, kind)].append(len(got & truth) / len(truth) if truth else 1.0)
            precision[(engine, kind)].append(len(got & truth) / len(got) if got else 1.0)
    for _ in range(args.rounds):
        for kind, text in queries:
            q = parse_query(text, limit=10)
            must = [fold(t) for t in q.terms]
            excluded = [fold(t) for t in q.excluded]
            for engine, run in (
                ("sucai", lambda q=q: search(store, view, q)),
                ("fts5-trigram", lambda m=must, e=excluded: _trigram(con, m, e, 10)),
                ("fts5-jieba", lambda m=must, e=excluded: _jieba(con, m, e, 10)),
            ):
                started = time.perf_counter()
                run()
                latency[(engine, kind)].append((time.perf_counter() - started) * 1000)
    if ripgrep is not None:
        for kind, text in queries[:: max(1, len(queries) // 60)]:  # ripgrep is slow: a sample
            term = parse_query(text).terms[0]
            started = time.perf_counter()
            subprocess.run(
                [ripgrep, "-F", "-c", "-i", term, str(CORPUS)], capture_output=True, check=False
            )
            latency[("ripgrep", kind)].append((time.perf_counter() - started) * 1000)
    kinds = list(dict.fromkeys(k for k, _ in queries))
    engines = ("sucai", "fts5-trigram", "fts5-jieba", *(("ripgrep",) if ripgrep else ()))
    print("\nTop-10 latency, p95 in ms per query class (ripgrep: a sample, first term only)\n")
    print("| engine | " + " | ".join(kinds) + " | all p50 | all p95 |")
    print("|---|" + "---:|" * (len(kinds) + 2))
    for engine in engines:
        cells = []
        for kind in kinds:
            values = latency.get((engine, kind))
            cells.append(f"{_percentile(values, 0.95):.1f}" if values else "–")
        values = [v for (e, _), vs in latency.items() if e == engine for v in vs]
        print(
            f"| {engine} | "
            + " | ".join(cells)
            + f" | {_percentile(values, 0.5):.2f} | {_percentile(values, 0.95):.2f} |"
        )
    print("\nRecall / precision against brute-force substring search, mean per class (%)\n")
    print("| engine | " + " | ".join(kinds) + " | lowest single-query recall |")
    print("|---|" + "---:|" * (len(kinds) + 1))
    for engine in engines[:3]:
        cells = [
            f"{100 * statistics.mean(recall[(engine, k)]):.1f} / "
            f"{100 * statistics.mean(precision[(engine, k)]):.1f}"
            for k in kinds
        ]
        lowest = min(v for (e, _), vs in recall.items() if e == engine for v in vs)
        print(f"| {engine} | " + " | ".join(cells) + f" | {100 * lowest:.1f} |")


if __name__ == "__main__":
    main()
