"""查重 benchmark: a 5,000-character draft checked against the whole shared corpus (issue 6).

Run with ``.venv/bin/python -m bench.check_bench [--db LIBRARY] [--runs N] [--replicas N]``.
Without ``--db`` (or when that file does not exist yet: it is then built and kept) the shared
corpus is imported into a temporary library first (about 1.5 minutes); with ``--replicas 2``
also two replicas of it, built as ``bench.import_bench`` builds them and imported with merging
off (they are near-duplicates by construction): ≈ 100 M characters, about 4 minutes.

The draft is built like the tests' drafts, at scale: library paragraphs (60–300 characters)
edited in turn — punctuation changed, characters inserted and deleted, a two-character name
swapped for ``xx县``, traditional characters — make up about 60 %; the rest is the same kind of
paragraphs with their characters shuffled (Chinese text that the library does not contain).
The truth is the counted characters of the copied paragraphs; the check runs without stock
phrases for the accuracy figure (their exclusion would lower the reported ratio on purpose)
and with the shipped list for the timing too. Goals: ≤ 0.5 s per 5,000-character draft on the
corpus, ≤ 1 s at ≈ 100 M characters.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

from opencc import OpenCC

from bench.import_bench import CORPUS, _replicate
from sucai import Library, open_library
from sucai.check import counted
from sucai.errors import SucaiError

DRAFT_CHARS = 5000
COPIED_SHARE = 0.6


def build_draft(library: Library, seed: int) -> tuple[list[str], int]:
    """Paragraphs of a ≈ 5,000-character draft and how many of its counted characters are copied."""
    rng = random.Random(seed)
    s2t = OpenCC("s2t")
    top = library.store.max_article_id()
    paragraphs: list[str] = []
    copied = 0
    size = 0
    while size < DRAFT_CHARS:
        try:
            article = library.get(rng.randint(1, top))
        except SucaiError:  # ids of a library may have gaps
            continue
        body = [p.text for p in article.paragraphs if 60 <= len(p.text) <= 300 and not p.heading]
        if not body:
            continue
        text = rng.choice(body)
        if rng.random() < COPIED_SHARE:
            edit = len(paragraphs) % 4
            third = len(text) // 3
            if edit == 0:
                text = text.replace("，", "、").replace("。", "！")
            elif edit == 1:
                text = text[:third] + "切实" + text[third : 2 * third] + text[2 * third + 1 :]
            elif edit == 2:
                text = text[: len(text) // 2] + "xx县" + text[len(text) // 2 + 2 :]
            else:
                text = s2t.convert(text)
            copied += counted(text)
        else:
            chars = list(text)
            rng.shuffle(chars)
            text = "".join(chars)
        paragraphs.append(text)
        size += len(text)
    return paragraphs, copied


def run(library: Library, runs: int) -> list[tuple[str, ...]]:
    """One row per draft: size, truth, reported ratios, and timings."""
    library.index.sync(library.store)
    rows = []
    for seed in range(runs):
        paragraphs, copied = build_draft(library, seed)
        total = sum(counted(p) for p in paragraphs)
        times = []
        cpu = []
        for _ in range(3):
            start, start_cpu = time.perf_counter(), time.process_time()
            plain = library.check(paragraphs, exclude=[])
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        start = time.perf_counter()
        shipped = library.check(paragraphs)
        stock_time = time.perf_counter() - start
        rows.append(
            (
                str(seed),
                str(sum(map(len, paragraphs))),
                f"{copied / total:.2%}",
                f"{plain.ratio:.2%}",
                f"{(plain.ratio - copied / total) * 100:+.2f}",
                f"{shipped.ratio:.2%}",
                f"{times[0]:.3f}",
                f"{statistics.median(times):.3f}",
                f"{statistics.median(cpu):.3f}",
                f"{stock_time:.3f}",
            )
        )
    return rows


def main() -> None:
    """Build or open the library, check the drafts, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a library (built when missing; default: temp)")
    parser.add_argument("--runs", type=int, default=5, help="drafts to check (default 5)")
    parser.add_argument(
        "--replicas", type=int, default=0, help="also import N replicas when building the library"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "corpus.db"
        if not db.exists():
            paths = [CORPUS] + [_replicate(Path(tmp), k) for k in range(1, args.replicas + 1)]
            with open_library(db) as library:
                started = time.perf_counter()
                library.ingest(paths, merge=False)
                print(f"imported {len(paths)} copies in {time.perf_counter() - started:.0f} s")
        with open_library(db) as library:
            chars = sum(a.chars for a in library.list())
            print(
                f"library: {library.count()} articles, {chars / 1e6:.1f} M characters · "
                f"{platform.node()} · {platform.python_version()} · {platform.machine()}"
            )
            head = (
                "draft",
                "chars",
                "truth",
                "reported",
                "Δ pp",
                "with 套话 list",
                "first s",
                "median s",
                "median CPU s",
                "with list s",
            )
            print("| " + " | ".join(head) + " |")
            print("|" + "---|" * len(head))
            for row in run(library, args.runs):
                print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
