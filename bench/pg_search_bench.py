"""Search inside PostgreSQL against the tantivy engine, on the whole shared corpus (issue 7).

``.venv/bin/python -m bench.pg_search_bench --db LIBRARY.db --pg postgresql://…/DATABASE``

The SQLite library ``--db`` (with its tantivy index) is the source: :class:`PgSearchIndex`
syncs it into the PostgreSQL database ``--pg`` (``--rebuild`` builds the index afresh and
reports the time). Then, for the 242 queries of ``bench/queries.py``:

* every query's complete match set on both engines is compared with brute-force substring
  search over the folded paragraphs (recall and precision), and the exact totals with each
  other;
* the top 10 of both engines is timed, interleaved, ``--rounds`` times (exact total, ranked
  hits with text, highlights and outline paths; the library's rows come from SQLite for both);
  ``postgres, first run`` is each query's first search, before its count was kept (see
  ``search_counts`` in :mod:`sucai.search.pg`) and with none of its lexemes' bounds decoded in
  the process (see :mod:`sucai.search.bounds`); ``postgres, first count`` the same with
  every query's bounds read beforehand (as by a server that has run them). Each is timed in
  a pass of its own after the checks, once their brute-force texts and match sets are freed
  (Python's GC would otherwise walk them inside the timed searches);
* the top-10 overlap between the two rankings, the share of identical top-10 lists (same hits,
  same order) and the slowest first runs are reported per class.
"""

from __future__ import annotations

import argparse
import gc
import platform
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench.queries import all_queries
from sucai import open_library
from sucai.search.engine import SearchHit, build_query, search
from sucai.search.fold import fold
from sucai.search.pg import PgSearchIndex
from sucai.search.query import Query, parse_query

DEV_URL = "postgresql://sucai@127.0.0.1:55432/search_bench"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _tantivy_rowids(library: object, query: Query) -> set[int]:
    index = library.index  # type: ignore[attr-defined]
    searcher = index.searcher()
    built = build_query(index.schema, query)
    total = searcher.search(built, 1, count=True).count
    hits = searcher.search(built, max(1, total), count=False).hits
    return {int(v or 0) for v in searcher.fast_field_values("rid", [a for _, a in hits])}


def _pg_rowids(index: PgSearchIndex, query: Query) -> set[int]:
    statement, params = index.match_sql(query)
    with index.connection() as conn:
        return {int(r[2]) for r in conn.execute(statement, params)}


def _untied(hits: tuple[SearchHit, ...]) -> list[tuple[int, int | None]]:
    """A ranking with the hits of equal score (to 1e-4) in one order: tantivy breaks such ties
    by its segments' order, which another engine cannot follow."""
    ordered = sorted((-round(h.score, 4), h.article_id, h.paragraph_index or 0) for h in hits)
    return [(article, position) for _, article, position in ordered]


def main() -> None:
    """Sync, check every query's matches, time the top 10 of both engines, print tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--db", type=Path, required=True, help="the SQLite library (source)")
    parser.add_argument("--pg", default=DEV_URL, help="the PostgreSQL database for the index")
    parser.add_argument("--rebuild", action="store_true", help="build the PG index afresh")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of the query set")
    args = parser.parse_args()
    if not args.db.is_file():
        sys.exit(f"error: {args.db} is not a library file.")
    library = open_library(args.db)
    store = library.store
    index = PgSearchIndex(args.pg)
    started = time.perf_counter()
    added = index.rebuild(store) if args.rebuild else index.sync(store)
    done = "rebuilt" if args.rebuild else "synced"
    print(f"PostgreSQL index: {added} articles {done} in {time.perf_counter() - started:.0f} s")
    library.index.sync(store)
    rows = [
        (rowid, fold(text))
        for batch in store.iter_index_articles(0)
        for article in batch
        for rowid, _, text, _, _ in article.paragraphs
    ]
    with index.connection() as conn:
        server = conn.execute("SHOW server_version").fetchone()
        # The current generation's tables (the connection's search_path leads to them).
        size = conn.execute(
            "SELECT sum(pg_total_relation_size(to_regclass(t))) FROM unnest(%s::text[]) t",
            (
                [
                    "search_docs_0",
                    "search_docs_1",
                    "search_docs_2",
                    "search_terms",
                    "search_columns",
                    "search_bitmaps",
                ],
            ),
        ).fetchone()
    print(
        f"machine: {platform.node()} · Python {platform.python_version()} · "
        f"PostgreSQL {server[0] if server else '?'} · {time.strftime('%Y-%m-%d')} · "
        f"{len(rows)} paragraphs, {sum(len(t) for _, t in rows) / 1e6:.1f} M chars · "
        f"index tables {(size[0] if size else 0) / 2**20:.0f} MiB"
    )
    queries = all_queries()
    recall: dict[tuple[str, str], list[float]] = defaultdict(list)
    precision: dict[tuple[str, str], list[float]] = defaultdict(list)
    overlap: dict[str, list[float]] = defaultdict(list)
    identical: dict[str, list[bool]] = defaultdict(list)
    tied: dict[str, list[bool]] = defaultdict(list)
    first_runs: list[tuple[float, str]] = []
    totals_differ = []
    latency: dict[tuple[str, str], list[float]] = defaultdict(list)
    for kind, text in queries:
        q = parse_query(text, limit=None)
        must = [fold(t) for t in q.terms]
        excluded = [fold(t) for t in q.excluded]
        truth = {
            rid
            for rid, f in rows
            if all(t in f for t in must) and not any(t in f for t in excluded)
        }
        found = {"tantivy": _tantivy_rowids(library, q), "postgres": _pg_rowids(index, q)}
        for engine, got in found.items():
            recall[(engine, kind)].append(len(got & truth) / len(truth) if truth else 1.0)
            precision[(engine, kind)].append(len(got & truth) / len(got) if got else 1.0)
        top = parse_query(text, limit=10)
        a = search(store, library.index, top)
        b = index.search(store, top)
        if a.total != b.total:
            totals_differ.append((text, a.total, b.total))
        ranking = [(h.article_id, h.paragraph_index) for h in a.hits]
        found = [(h.article_id, h.paragraph_index) for h in b.hits]
        identical[kind].append(ranking == found)
        tied[kind].append(_untied(a.hits) == _untied(b.hits))
        want, have = set(ranking), set(found)
        overlap[kind].append(len(want & have) / len(want) if want else 1.0)
    # The timed searches run in a process as lean as a server's: without the brute-force
    # texts (a million strings, which Python's GC would otherwise walk inside timed searches).
    del rows, found, truth
    gc.collect()
    # The first run of each query counts its matches afresh (no count kept from an earlier run)
    # and reads its lexemes' and words' bounds (none kept in the process; the columns are, as
    # in a server that has searched once); the first count, the same with the bounds kept.
    for engine, forget in (("postgres, first run", True), ("postgres, first count", False)):
        if not forget:
            # Every query's bounds read (and kept) first, as by a server that has run them.
            for _, text in queries:
                index.search(store, parse_query(text, limit=10))
        with index.connection() as conn:
            conn.execute("TRUNCATE search_counts")
        for kind, text in queries:
            q = parse_query(text, limit=10)
            if forget:
                index.bounds.drop("lexeme", "word", "titled")
            started = time.perf_counter()
            index.search(store, q)
            latency[(engine, kind)].append((time.perf_counter() - started) * 1000)
            if forget:
                first_runs.append((latency[(engine, kind)][-1], text))
    for _ in range(args.rounds):
        for kind, text in queries:
            q = parse_query(text, limit=10)
            for engine, run in (
                ("tantivy", lambda q=q: search(store, library.index, q)),
                ("postgres", lambda q=q: index.search(store, q)),
            ):
                started = time.perf_counter()
                run()
                latency[(engine, kind)].append((time.perf_counter() - started) * 1000)
    kinds = list(dict.fromkeys(k for k, _ in queries))
    engines = ("tantivy", "postgres")
    timed = ("tantivy", "postgres", "postgres, first run", "postgres, first count")
    print("\nTop-10 latency in ms per query class, p50 / p95\n")
    print("| engine | " + " | ".join(kinds) + " | all p50 | all p95 |")
    print("|---|" + "---:|" * (len(kinds) + 2))
    for engine in timed:
        cells = []
        for kind in kinds:
            values = latency[(engine, kind)]
            cells.append(f"{_percentile(values, 0.5):.1f} / {_percentile(values, 0.95):.1f}")
        values = [v for (e, _), vs in latency.items() if e == engine for v in vs]
        print(
            f"| {engine} | "
            + " | ".join(cells)
            + f" | {_percentile(values, 0.5):.2f} | {_percentile(values, 0.95):.2f} |"
        )
    print("\nRecall / precision against brute-force substring search, mean per class (%)\n")
    print("| engine | " + " | ".join(kinds) + " | lowest single-query recall |")
    print("|---|" + "---:|" * (len(kinds) + 1))
    for engine in engines:
        cells = [
            f"{100 * statistics.mean(recall[(engine, k)]):.1f} / "
            f"{100 * statistics.mean(precision[(engine, k)]):.1f}"
            for k in kinds
        ]
        lowest = min(v for (e, _), vs in recall.items() if e == engine for v in vs)
        print(f"| {engine} | " + " | ".join(cells) + f" | {100 * lowest:.1f} |")
    print("\nTop-10 overlap of the PostgreSQL ranking with tantivy's, mean per class (%)\n")
    print("| " + " | ".join(kinds) + " | all |")
    print("|" + "---:|" * (len(kinds) + 1))
    every = [v for vs in overlap.values() for v in vs]
    print(
        "| "
        + " | ".join(f"{100 * statistics.mean(overlap[k]):.1f}" for k in kinds)
        + f" | {100 * statistics.mean(every):.1f} |"
    )
    print("\nIdentical top-10 lists (the same hits in the same order), share per class (%)\n")
    print("| order | " + " | ".join(kinds) + " | all |")
    print("|---|" + "---:|" * (len(kinds) + 1))
    for name, shares in (("exactly", identical), ("hits of equal score in any order", tied)):
        alike = [v for vs in shares.values() for v in vs]
        print(
            f"| {name} | "
            + " | ".join(f"{100 * statistics.mean(shares[k]):.1f}" for k in kinds)
            + f" | {100 * statistics.mean(alike):.1f} |"
        )
    print(
        "\nSlowest first runs (ms): "
        + ", ".join(f"{text} {ms:.0f}" for ms, text in sorted(first_runs, reverse=True)[:15])
    )
    print(f"\nexact totals equal on {len(queries) - len(totals_differ)} of {len(queries)} queries")
    for text, want_total, got_total in totals_differ:
        print(f"  total differs: {text}: tantivy {want_total}, postgres {got_total}")


if __name__ == "__main__":
    main()
