"""Known-item ranking benchmark: does the paragraph a writer remembers come first? (issue 18)

Run with ``.venv/bin/python -m bench.known_items --db LIBRARY`` on a library of the shared
corpus (``sucai import --db corpus.db ../shared/corpus``). The set is made from the library
itself, the same way on every run (a fixed seed; ``--seed`` draws a fresh set of the same
years, for a check on paragraphs never looked at while tuning):

* **items** — paragraphs of 60–600 characters from the State Council's work reports
  (``state_council``) and the 新闻联播 transcripts (``xinwenlianbo``), which hold the speeches
  and reports writers quote. Articles of **even years are held out**: ranking is tuned on the
  odd years only (``--split tune``) and judged on the even ones (the default);
* **keyword queries** — three words a writer remembers from the paragraph: a 提法 of
  ``src/sucai/search/tifa.txt`` found in it (when there is one), a number with its unit (half
  the time, when there is one), and the rest from its five most distinctive words by TF-IDF
  over jieba words of the whole library;
* **phrase queries** — eight consecutive characters of the paragraph (letters, digits and
  CJK only: a phrase remembered exactly, without its punctuation).

A hit is right when its text is the item's paragraph (any copy of it: the same paragraph
stored in several articles counts wherever it is). The baseline, **BM25 over jieba words**,
is SQLite FTS5 over the paragraphs cut by plain jieba (rjieba, before the 提法 are taught to
it), built in the same run: the query's jieba words, any of them, ordered by ``bm25()`` (a
bag of words, as BM25 is used). Its word counts are the source of the TF-IDF too, so the
query words do not come from the engine under test.

It also prints the **ceiling**: how many queries match several different paragraphs (by
brute-force substring search, apart from the engine), and the mean reciprocal rank a ranking
would reach if it could not tell those paragraphs apart (the item equally likely anywhere
among them). For phrases it is nearly a bound: eight characters say nothing of which paragraph
holding them was meant, beyond how often each holds them and how long it is. Keywords say more
(the item holds them as its most distinctive words), so a ranking may pass it by more.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import math
import platform
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import rjieba

from sucai import open_library
from sucai.search.engine import search
from sucai.search.fold import fold
from sucai.search.query import parse_query
from sucai.search.tokenize import tifa_terms

if TYPE_CHECKING:
    from collections.abc import Callable

    from sucai.store import Store

__all__ = ["Item", "main", "make_items"]

SOURCES = ("state_council", "xinwenlianbo")
SEED = 18
#: Items per source and split.
PER_SOURCE = 150
MIN_CHARS, MAX_CHARS = 60, 600
PHRASE_CHARS = 8
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:%|万亿|亿|万|个|项|家|所|人|元|吨|公里|倍|年)")
_WORDLIKE = re.compile(r"^[\u4e00-\u9fff]{2,}$")
_PHRASE_CHAR = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")


@dataclass(frozen=True, slots=True)
class Item:
    """One known item: a query and the paragraph text it was made from."""

    kind: str  # "keywords" or "phrase"
    query: str
    text: str
    source: str
    year: int


@dataclass(frozen=True, slots=True)
class _Paragraph:
    rowid: int
    text: str
    source: str
    year: int | None


def _load(store: Store) -> list[_Paragraph]:
    return [
        _Paragraph(rid, text, article.source, article.year)
        for batch in store.iter_index_articles(0)
        for article in batch
        for rid, _, text, heading, _ in article.paragraphs
        if not heading
    ]


def _jieba_words(text: str) -> list[str]:
    return [w for w in rjieba.cut(text, False) if w.strip()]


def _baseline(paragraphs: list[_Paragraph], path: Path) -> sqlite3.Connection:
    """FTS5 over jieba words of the folded paragraphs, with a vocabulary of document counts
    (made in ``path``, or reused when ``path`` holds it)."""
    reuse = path.is_file()
    con = sqlite3.connect(path)
    if reuse:
        return con
    con.execute("CREATE VIRTUAL TABLE words USING fts5(text, tokenize='unicode61')")
    con.execute("CREATE VIRTUAL TABLE vocab USING fts5vocab(words, 'row')")
    con.executemany(
        "INSERT INTO words (rowid, text) VALUES (?, ?)",
        ((p.rowid, " ".join(_jieba_words(fold(p.text)))) for p in paragraphs),
    )
    con.commit()
    return con


def _baseline_search(con: sqlite3.Connection, terms: list[str], limit: int) -> list[int]:
    """BM25 over the jieba words of the query terms, any of them (a bag of words)."""
    words = dict.fromkeys(w for t in terms for w in _jieba_words(fold(t)))
    match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
    try:
        rows = con.execute(
            "SELECT rowid FROM words WHERE words MATCH ? ORDER BY bm25(words) LIMIT ?",
            (match, limit),
        )
        return [r[0] for r in rows]
    except sqlite3.OperationalError:
        return []


def _keywords(
    rng: random.Random, text: str, doc_freq: Callable[[str], int], documents: int
) -> list[str] | None:
    """Three words a writer would remember from ``text`` (see the module docstring)."""
    chosen: list[str] = []

    def fits(word: str) -> bool:
        return all(word not in c and c not in word for c in chosen)

    present = [t for t in tifa_terms() if len(t) >= 3 and t in text]
    if present:
        chosen.append(rng.choice(present))
    numbers = [n for n in dict.fromkeys(_NUMBER.findall(text)) if fits(n)]
    if numbers and rng.random() < 0.5:
        chosen.append(rng.choice(numbers))
    counts: dict[str, int] = defaultdict(int)
    for word in _jieba_words(text):
        if _WORDLIKE.match(word):
            counts[word] += 1
    weights = {
        w: tf * math.log(documents / max(1, doc_freq(w))) for w, tf in counts.items() if fits(w)
    }
    best = sorted(weights, key=lambda w: (-weights[w], w))[:5]
    rng.shuffle(best)
    for word in best:
        if len(chosen) == 3:
            break
        if fits(word):
            chosen.append(word)
    return chosen if len(chosen) == 3 else None


def _phrase(rng: random.Random, text: str) -> str | None:
    starts = [
        i
        for i in range(len(text) - PHRASE_CHARS + 1)
        if all(_PHRASE_CHAR.match(c) for c in text[i : i + PHRASE_CHARS])
    ]
    if not starts:
        return None
    start = rng.choice(starts)
    return text[start : start + PHRASE_CHARS]


def make_items(
    paragraphs: list[_Paragraph], con: sqlite3.Connection, split: str, seed: int = SEED
) -> list[Item]:
    """The known items of ``split`` (``held-out``: even years; ``tune``: odd years), drawn
    with ``seed`` (another seed: another set of the same years, for a fresh check)."""
    documents = len(paragraphs)
    frequency: dict[str, int] = {}

    def doc_freq(word: str) -> int:
        if word not in frequency:
            row = con.execute("SELECT doc FROM vocab WHERE term = ?", (word,)).fetchone()
            frequency[word] = row[0] if row else 0
        return frequency[word]

    parity = 0 if split == "held-out" else 1
    items: list[Item] = []
    for source in SOURCES:
        pool = [
            p
            for p in paragraphs
            if p.source == source
            and p.year is not None
            and p.year % 2 == parity
            and MIN_CHARS <= len(p.text) <= MAX_CHARS
        ]
        rng = random.Random(f"{seed}-{split}-{source}")
        rng.shuffle(pool)
        made = 0
        for p in pool:
            if made == PER_SOURCE:
                break
            words = _keywords(rng, fold(p.text), doc_freq, documents)
            phrase = _phrase(rng, p.text)
            if words is None or phrase is None:
                continue
            year = p.year or 0
            items.append(Item("keywords", " ".join(words), p.text, source, year))
            items.append(Item("phrase", phrase, p.text, source, year))
            made += 1
    return items


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _ceiling(matching: int) -> float:
    """Mean reciprocal rank (top 10) of an item placed at random among ``matching`` hits."""
    return sum(1 / r for r in range(1, min(matching, 10) + 1)) / matching


def main() -> None:
    """Make the set, run sucai and the baseline on it, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--db", type=Path, required=True, help="a library of the shared corpus")
    parser.add_argument("--split", choices=("held-out", "tune"), default="held-out")
    parser.add_argument(
        "--seed",
        type=int,
        default=SEED,
        help=f"draw the items with another seed: a fresh set of the split (default {SEED})",
    )
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of the query set")
    parser.add_argument("--show", type=int, default=0, help="print this many misses per kind")
    parser.add_argument(
        "--baseline", type=Path, help="keep the baseline's index in this file (reused if there)"
    )
    args = parser.parse_args()
    if not args.db.is_file():
        sys.exit(
            f"error: {args.db} is not a library. Make one with: "
            "sucai import --db corpus.db ../shared/corpus"
        )
    library = open_library(args.db)
    store = library.store
    paragraphs = _load(store)
    started = time.perf_counter()
    # Before anything of sucai segments: the baseline's jieba has not learnt the 提法 yet.
    con = _baseline(
        paragraphs, args.baseline or Path(tempfile.mkdtemp(prefix="sucai-known-")) / "bm25.db"
    )
    built = time.perf_counter() - started
    items = make_items(paragraphs, con, args.split, args.seed)
    if not items:
        sys.exit(
            f"error: {args.db} holds no paragraph of {MIN_CHARS}–{MAX_CHARS} characters from "
            f"{' or '.join(SOURCES)} in the {args.split} years ({args.split} = "
            f"{'even' if args.split == 'held-out' else 'odd'}). Import ../shared/corpus into it."
        )
    view = library.index.view(paid=True)
    print(
        f"machine: {platform.node()} · Python {platform.python_version()} · "
        f"{time.strftime('%Y-%m-%d')} · {len(paragraphs)} paragraphs · baseline built in "
        f"{built:.0f} s · split {args.split}, seed {args.seed}: {len(items)} queries"
    )
    texts = {p.rowid: p.text for p in paragraphs}
    engines: dict[str, Callable[[str], list[str]]] = {
        "sucai": lambda q: [h.text for h in search(store, view, parse_query(q, limit=10)).hits],
        "bm25-jieba": lambda q: [texts[r] for r in _baseline_search(con, q.split(), 10)],
    }
    ranks: dict[tuple[str, str], list[int | None]] = defaultdict(list)
    latency: dict[tuple[str, str], list[float]] = defaultdict(list)
    misses: dict[tuple[str, str], list[str]] = defaultdict(list)
    for round_ in range(args.rounds):
        for item in items:
            for engine, run in engines.items():
                started = time.perf_counter()
                found = run(item.query)
                latency[(engine, item.kind)].append((time.perf_counter() - started) * 1000)
                if round_:
                    continue
                rank = next((i + 1 for i, t in enumerate(found) if t == item.text), None)
                ranks[(engine, item.kind)].append(rank)
                if rank != 1:
                    misses[(engine, item.kind)].append(f"{rank} {item.query} | {item.text[:60]}")
    kinds = ("keywords", "phrase")
    print("\n| engine | queries | MRR@10 | recall@10 | p50 ms | p95 ms |")
    print("|---|---|---:|---:|---:|---:|")
    for engine in engines:
        for kind in kinds:
            got = ranks[(engine, kind)]
            mrr = statistics.mean(1 / r if r else 0.0 for r in got)
            recall = statistics.mean(1.0 if r else 0.0 for r in got)
            times = latency[(engine, kind)]
            print(
                f"| {engine} | {kind} ({len(got)}) | {mrr:.3f} | {recall:.3f} | "
                f"{_percentile(times, 0.5):.1f} | {_percentile(times, 0.95):.1f} |"
            )
    haystack = _Haystack(paragraphs)
    print("\n| queries | matching 1 paragraph | 2–10 | more than 10 | ceiling MRR@10 |")
    print("|---|---:|---:|---:|---:|")
    for kind in kinds:
        matching = [
            haystack.distinct_matches(i.query.split() if kind == "keywords" else [i.query])
            for i in items
            if i.kind == kind
        ]
        print(
            f"| {kind} | {sum(m == 1 for m in matching)} | {sum(1 < m <= 10 for m in matching)} "
            f"| {sum(m > 10 for m in matching)} | "
            f"{statistics.mean(_ceiling(m) for m in matching):.3f} |"
        )
    for (engine, kind), lines in misses.items():
        for line in lines[: args.show]:
            print(f"miss {engine} {kind}: {line}")


class _Haystack:
    """Brute-force substring search over the folded paragraphs, apart from the engine."""

    def __init__(self, paragraphs: list[_Paragraph]) -> None:
        self.texts = [p.text for p in paragraphs]
        self.folded = "\n".join(fold(t) for t in self.texts)
        self.starts = list(itertools.accumulate((len(fold(t)) + 1 for t in self.texts), initial=0))

    def distinct_matches(self, terms: list[str]) -> int:
        """How many different paragraph texts hold every term."""
        folded = [fold(t) for t in terms]
        rarest = min(folded, key=self.folded.count)
        found: set[str] = set()
        at = self.folded.find(rarest)
        while at >= 0:
            n = bisect.bisect_right(self.starts, at) - 1
            paragraph = self.folded[self.starts[n] : self.starts[n + 1] - 1]
            if all(t in paragraph for t in folded):
                found.add(self.texts[n])
            at = self.folded.find(rarest, self.starts[n + 1])
        return len(found)


if __name__ == "__main__":
    main()
