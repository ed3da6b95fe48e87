"""查重 benchmark: accuracy and speed against the whole shared corpus, beside winnowing (issue 18).

Run with ``.venv/bin/python -m bench.check_bench --db LIBRARY [--runs N]`` (the library: the
shared corpus imported once, e.g. ``/work/benchdata/corpus.db``; built there when missing,
about 1.5 minutes).

Drafts are those of :mod:`bench.check_eval` (fresh 2026 text and edited library paragraphs,
exact truth per character): ``--runs`` drafts of 5,000 characters at ratios 0–100 % from
the held-out split, then one draft of the dev split at 1,000–100,000 characters (is the time
linear in the length?), then a 2 MB draft in a child process (time and peak memory).

**Baseline**: winnowing (Schleimer, Wilkerson and Aiken 2003, the method of MOSS), measured in
the same run: fingerprints of the folded counted characters, 13-grams (CNKI's 13 characters),
window 4, so every match of 16 characters or more shares a fingerprint; every library
paragraph's fingerprints are held in memory (built first, timed apart), and a draft character
counts as copied when a 13-gram holding it is a fingerprint the library has.

Engine time is :attr:`OverlapReport.seconds` (the check, not reading the draft); CPU time
is given beside wall time because a shared machine stretches wall time.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from bench.check_eval import (
    SPLITS,
    build_draft,
    read_fresh,
    shared_with_library,
    truth,
)
from bench.import_bench import CORPUS
from sucai import open_library
from sucai.check.text import counted_text

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from bench.check_eval import Draft
    from sucai import Library

#: Winnowing: gram length and window (matches of K + W − 1 characters are always found).
K = 13
W = 4
_BASE = np.uint64(1_000_003)


def _gram_hashes(codes: NDArray[np.uint64]) -> NDArray[np.uint64]:
    """Polynomial hashes (mod 2**64) of every K-gram of ``codes``."""
    n = len(codes) - K + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    for t in range(K):
        h = h * _BASE + codes[t : t + n]
    return h


def _winnow(h: NDArray[np.uint64]) -> NDArray[np.int64]:
    """Positions of the fingerprints: the smallest hash of each window of W (rightmost)."""
    if len(h) < W:
        return np.arange(len(h), dtype=np.int64)
    windows = np.lib.stride_tricks.sliding_window_view(h, W)
    # argmin of the reversed window: the rightmost minimum, as in the paper.
    picks = np.arange(len(windows)) + (W - 1 - np.argmin(windows[:, ::-1], axis=1))
    return np.unique(picks)


def _codes(text: str) -> NDArray[np.uint64]:
    return np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)


class Winnowing:
    """Fingerprints of every library paragraph, and drafts checked against them."""

    def __init__(self, library: Library) -> None:
        parts: list[NDArray[np.uint64]] = []
        for article in library.store.iter_articles():
            for p in article.paragraphs:
                h = _gram_hashes(_codes(counted_text(p.text)))
                parts.append(h[_winnow(h)])
        self.fingerprints = np.unique(np.concatenate(parts))

    def copied(self, paragraphs: list[str]) -> int:
        """Counted characters of the draft covered by a 13-gram the library fingerprinted."""
        found = 0
        for para in paragraphs:
            text = counted_text(para)
            h = _gram_hashes(_codes(text))
            at = _winnow(h)
            where = np.searchsorted(self.fingerprints, h[at])
            where[where == len(self.fingerprints)] = 0
            hit = at[self.fingerprints[where] == h[at]]
            marked = np.zeros(len(text), dtype=bool)
            for p in hit:
                marked[p : p + K] = True
            found += int(marked.sum())
        return found


def _draft(
    library: Library,
    split: str,
    seed: int,
    size: int,
    ratio: float,
    shared: set[tuple[int, int]] | None = None,
) -> Draft:
    parity, seed0 = SPLITS[split]
    return build_draft(
        library,
        read_fresh(),
        seed=seed0 + seed,
        parity=parity,
        size=size,
        ratio=ratio,
        shared=shared or set(),
    )


def _check(library: Library, paragraphs: list[str]) -> tuple[float, float, float]:
    """Ratio, engine seconds and CPU seconds of one check (no stock phrases)."""
    cpu = time.process_time()
    report = library.check(paragraphs, exclude=[])
    return report.ratio, report.seconds, time.process_time() - cpu


def accuracy(library: Library, winnowing: Winnowing, runs: int) -> None:
    """5,000-character drafts of the held-out split: truth, ours, winnowing, times."""
    shared, _ = shared_with_library(library, read_fresh())
    print("\n5,000-character drafts (held-out split), no stock phrases:\n")
    head = ("ratio", "truth", "ours", "Δ pp", "winnowing", "Δ pp", "ours s", "CPU s", "winn. s")
    print("| " + " | ".join(head) + " |\n|" + "---|" * len(head))
    ours_err, base_err, ours_s, cpu_s, base_s = [], [], [], [], []
    for k in range(runs):
        ratio = k / max(1, runs - 1)
        draft = _draft(library, "held-out", 100 + k, 5000, ratio, shared)
        want = truth(draft, shared)
        total = sum(len(counted_text(p)) for p in draft.paragraphs)
        true = sum(sum(w) for w in want) / total
        _check(library, draft.paragraphs)  # the first check of a draft reads its candidates
        ours, seconds, cpu = _check(library, draft.paragraphs)
        started = time.perf_counter()
        base = winnowing.copied(draft.paragraphs) / total
        base_seconds = time.perf_counter() - started
        ours_err.append((ours - true) * 100)
        base_err.append((base - true) * 100)
        ours_s.append(seconds)
        cpu_s.append(cpu)
        base_s.append(base_seconds)
        print(
            f"| {ratio:.0%} | {true:.2%} | {ours:.2%} | {ours_err[-1]:+.2f} | {base:.2%} | "
            f"{base_err[-1]:+.2f} | {seconds:.3f} | {cpu:.3f} | {base_seconds:.3f} |"
        )
    print(
        f"\nours: MAE {statistics.fmean(map(abs, ours_err)):.2f} pp, worst "
        f"{max(ours_err, key=abs):+.2f}, median {statistics.median(ours_s) * 1000:.0f} ms "
        f"(CPU {statistics.median(cpu_s) * 1000:.0f} ms) · winnowing: MAE "
        f"{statistics.fmean(map(abs, base_err)):.2f} pp, worst {max(base_err, key=abs):+.2f}, "
        f"median {statistics.median(base_s) * 1000:.0f} ms"
    )


def linearity(library: Library) -> None:
    """One dev-split draft at growing lengths: engine time per 1,000 characters."""
    print("\nLength (dev split, 50 % copied): engine time, second check of each\n")
    print("| chars | s | CPU s | ms per 1,000 |\n|---|---|---|---|")
    for size in (1_000, 5_000, 20_000, 100_000):
        draft = _draft(library, "dev", 7, size, 0.5)
        _check(library, draft.paragraphs)
        _, seconds, cpu = _check(library, draft.paragraphs)
        chars = sum(map(len, draft.paragraphs))
        print(f"| {chars:,} | {seconds:.3f} | {cpu:.3f} | {seconds / chars * 1e6:.1f} |")


def big_draft(db: Path) -> None:
    """A 2 MB draft (UTF-8) in a child process: engine time and peak memory."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.check_bench", "--db", str(db), "--big-child"],
        capture_output=True,
        text=True,
        check=True,
    )
    print("\n" + out.stdout.strip())


def _big_child(db: Path) -> None:
    with open_library(db) as library:
        library.index.sync(library.store)
        rng = random.Random(2)
        paragraphs: list[str] = []
        size = 0
        while size < 2_000_000:
            draft = _draft(library, "dev", rng.randint(0, 10_000), 20_000, rng.random())
            paragraphs += draft.paragraphs
            size += sum(len(p.encode()) for p in draft.paragraphs)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        _, seconds, cpu = _check(library, paragraphs)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        chars = sum(map(len, paragraphs))
        print(
            f"2 MB draft: {size / 1e6:.2f} MB, {chars:,} characters, {len(paragraphs):,} "
            f"paragraphs: {seconds:.1f} s (CPU {cpu:.1f} s); peak memory {peak / 1024:.0f} MB "
            f"({before / 1024:.0f} MB before the check)"
        )


def main() -> None:
    """Open (or build) the library, then print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="the library (built when missing)")
    parser.add_argument("--runs", type=int, default=11, help="5,000-character drafts (11)")
    parser.add_argument("--big-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.big_child:
        _big_child(args.db)
        return
    if not args.db.exists():
        with open_library(args.db) as library:
            started = time.perf_counter()
            library.ingest([CORPUS])
            print(f"imported the corpus in {time.perf_counter() - started:.0f} s")
    with open_library(args.db) as library:
        library.index.sync(library.store)
        chars = sum(a.chars for a in library.list())
        print(
            f"library: {library.count()} articles, {chars / 1e6:.1f} M characters · "
            f"{platform.node()} · {platform.python_version()} · {platform.machine()} · "
            f"load {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
        )
        started = time.perf_counter()
        winnowing = Winnowing(library)
        print(
            f"winnowing: {len(winnowing.fingerprints):,} fingerprints of the library in "
            f"{time.perf_counter() - started:.0f} s"
        )
        accuracy(library, winnowing, args.runs)
        linearity(library)
    big_draft(args.db)


if __name__ == "__main__":
    main()
