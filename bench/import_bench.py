"""Import benchmark: the whole shared corpus, and the corpus replicated to ~100 M characters.

Run with ``make bench`` (or ``.venv/bin/python -m bench.import_bench [--replicas N]``). Each
import runs in its own process so that its peak memory (max RSS) is measured alone. Side by
side, the baseline a user would otherwise have: reading and decoding the same files and
inserting each one as a single row of an SQLite table (no cleaning, splitting or structure).

The whole corpus is imported twice, with the near-duplicate step (issue 6) on and off, and the
step's overhead is reported (goal ≤ 20 %).

Replicas are copies of the corpus in which every line of 20 characters or more gets ``（k）``
inserted after its first comma, so every paragraph is new to the library while line starts and
ends — and therefore the structure found — stay the same. They are near-duplicates of the
corpus by construction, so the scaling run imports them with merging off; with ``--replicas``
≥ 1, one more run imports the corpus and replica 1 with merging on, a check that the copies
are found (short articles, under 200 counted characters, merge only when identical).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, db, *paths = sys.argv[1:]
t0 = time.perf_counter()
if mode in ("sucai", "no-merge"):
    from sucai import ImportOptions, open_library
    with open_library(db) as lib:
        report = lib.ingest([Path(p) for p in paths], ImportOptions(merge=mode == "sucai"))
        out = {"files": report.imported, "failed": len(report.failed), "articles": report.articles,
               "new": report.new_articles, "merged": report.merged}
else:
    import sqlite3, os
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE docs (path TEXT, text TEXT)")
    n = 0
    for base in paths:
        for root, _, files in os.walk(base):
            for name in files:
                if name.endswith((".md", ".txt", ".shtml", ".html")):
                    data = Path(root, name).read_bytes()
                    try:
                        text = data.decode("utf-8-sig")
                    except UnicodeDecodeError:
                        text = data.decode("gb18030", "replace")
                    con.execute("INSERT INTO docs VALUES (?, ?)", (name, text))
                    n += 1
    con.commit()
    out = {"files": n, "failed": 0, "articles": n}
out["seconds"] = time.perf_counter() - t0
usage = resource.getrusage(resource.RUSAGE_SELF)
out["cpu"] = usage.ru_utime + usage.ru_stime
out["max_rss_mb"] = usage.ru_maxrss / 1024
print(json.dumps(out))
"""


def _chars(paths: list[Path]) -> int:
    total = 0
    for base in paths:
        for path in base.rglob("*"):
            if path.suffix in {".md", ".txt"} and path.is_file():
                try:
                    total += len(path.read_text(encoding="utf-8-sig"))
                except UnicodeDecodeError:
                    total += len(path.read_bytes()) // 2
    return total


def _replicate(target: Path, k: int) -> Path:
    """Copy the corpus's text folders with ``（k）`` inserted after each long line's first comma."""
    out = target / f"replica{k}"
    for folder in ("laws", "reports", "xinwenlianbo"):
        for path in (CORPUS / folder).rglob("*"):
            if not path.is_file() or path.suffix not in {".md", ".txt"}:
                continue
            dest = out / path.relative_to(CORPUS)
            dest.parent.mkdir(parents=True, exist_ok=True)
            lines = path.read_text(encoding="utf-8").split("\n")
            dest.write_text(
                "\n".join(
                    ln.replace("，", f"，（{k}）", 1) if len(ln) >= 20 else ln for ln in lines
                ),
                encoding="utf-8",
            )
    return out


def _run(mode: str, db: Path, paths: list[Path]) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(db), *map(str, paths)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="extra copies for the ~100 M run")
    parser.add_argument(
        "--rounds", type=int, default=2, help="whole-corpus imports with merging on and off"
    )
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"error: {CORPUS} is missing; the benchmark needs the shared corpus.")
    print(
        f"machine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()}"
        f" · {time.strftime('%Y-%m-%d')}"
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        corpus = [CORPUS]
        chars = _chars(corpus)
        rows.append(("baseline: whole corpus", chars, _run("baseline", tmp / "base.db", corpus)))
        # On and off alternate, best of --rounds each (by CPU time, which other work on the
        # machine disturbs far less than the wall clock).
        runs: dict[str, list[dict[str, float]]] = {"sucai": [], "no-merge": []}
        for n in range(args.rounds):
            for mode in runs:
                runs[mode].append(_run(mode, tmp / f"{mode}{n}.db", corpus))
                (tmp / f"{mode}{n}.db").unlink()
        on, off = (min(found, key=lambda r: r["cpu"]) for found in runs.values())
        rows.append(("sucai: whole corpus, merging on", chars, on))
        rows.append(("sucai: whole corpus, merging off", chars, off))
        if args.replicas:
            replicas = [_replicate(tmp, k) for k in range(1, args.replicas + 1)]
            all_paths = corpus + replicas
            total = _chars(all_paths)
            rows.append(
                (
                    "sucai: corpus + replicas, merging off",
                    total,
                    _run("no-merge", tmp / "big.db", all_paths),
                )
            )
            check = corpus + replicas[:1]
            rows.append(
                (
                    "sucai: corpus + replica 1, merging on",
                    _chars(check),
                    _run("sucai", tmp / "check.db", check),
                )
            )
            for replica in replicas:
                shutil.rmtree(replica, ignore_errors=True)
    print()
    print(
        "| run | M chars | files | articles | new | merged | failed | seconds | CPU s "
        "| M chars/s | peak RSS MB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, n, r in rows:
        print(
            f"| {name} | {n / 1e6:.1f} | {r['files']:.0f} | {r['articles']:.0f} | "
            f"{r.get('new', r['articles']):.0f} | {r.get('merged', 0):.0f} | "
            f"{r['failed']:.0f} | {r['seconds']:.1f} | {r['cpu']:.1f} | "
            f"{n / 1e6 / r['seconds']:.2f} | {r['max_rss_mb']:.0f} |"
        )
    for unit in ("seconds", "cpu"):
        print(
            f"near-duplicate step ({'wall clock' if unit == 'seconds' else 'CPU time'}): "
            f"{on[unit] - off[unit]:+.1f} s on the whole corpus, "
            f"{(on[unit] / off[unit] - 1) * 100:+.1f} % of the import with merging off "
            "(goal ≤ 20 %)"
        )


if __name__ == "__main__":
    main()
