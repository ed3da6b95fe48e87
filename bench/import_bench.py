"""Import benchmark: the whole shared corpus, and the corpus replicated to ~100 M characters.

Run with ``make bench`` (or ``.venv/bin/python bench/import_bench.py [--replicas N]``). Each
import runs in its own process so that its peak memory (max RSS) is measured alone. Side by
side, the baseline a user would otherwise have: reading and decoding the same files and
inserting each one as a single row of an SQLite table (no cleaning, splitting or structure).

Replicas are copies of the corpus in which every line of 20 characters or more gets ``（k）``
inserted after its first comma, so every paragraph is new to the library while line starts and
ends — and therefore the structure found — stay the same.
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
if mode == "sucai":
    from sucai import open_library
    with open_library(db) as lib:
        report = lib.ingest([Path(p) for p in paths])
        out = {"files": report.imported, "failed": len(report.failed), "articles": report.articles}
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
out["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
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
        for mode in ("baseline", "sucai"):
            rows.append((f"{mode}: whole corpus", chars, _run(mode, tmp / f"{mode}.db", corpus)))
        if args.replicas:
            replicas = [_replicate(tmp, k) for k in range(1, args.replicas + 1)]
            all_paths = corpus + replicas
            total = _chars(all_paths)
            rows.append(
                ("sucai: corpus + replicas", total, _run("sucai", tmp / "big.db", all_paths))
            )
            shutil.rmtree(tmp / "replica1", ignore_errors=True)
    print()
    print("| run | M chars | files | articles | failed | seconds | M chars/s | peak RSS MB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, n, r in rows:
        print(
            f"| {name} | {n / 1e6:.1f} | {r['files']:.0f} | {r['articles']:.0f} | "
            f"{r['failed']:.0f} | {r['seconds']:.1f} | {n / 1e6 / r['seconds']:.2f} | "
            f"{r['max_rss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
