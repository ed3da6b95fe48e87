"""Export benchmark (issue 5): one long report to .docx, and a .zip of 1,000 articles.

Run with ``make bench`` (or ``.venv/bin/python -m bench.export_bench``). The library is built
once in a temporary folder from ``../shared/corpus``: the state-council reports (the longest,
the 1955 report, is about 56,000 characters) and the first laws, up to 1,000 articles. Each
measurement runs in its own process so that its peak memory (max RSS) is its own; the zip is
exported for 100 and for 1,000 articles to show that memory does not grow with the set.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"

_CHILD = r"""
import json, resource, statistics, sys, time
from pathlib import Path
from sucai import open_library
mode, db, arg, out = sys.argv[1:]
with open_library(db) as lib:
    lib.export(lib.list(limit=1)[0].id, "docx")  # warm up: imports, the .docx template
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if mode == "docx":
        article = lib.get(int(arg))
        times = []
        for _ in range(5):
            t0 = time.perf_counter()
            name, data = lib.export(article.id, "docx")
            times.append(time.perf_counter() - t0)
        result = {"chars": article.chars, "seconds": statistics.median(times),
                  "bytes": len(data)}
    else:
        ids = [a.id for a in lib.list(limit=int(arg))]
        t0 = time.perf_counter()
        count = lib.export_many(ids, Path(out), "docx")
        result = {"articles": count, "seconds": time.perf_counter() - t0,
                  "bytes": Path(out).stat().st_size}
result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
result["before_mb"] = before
print(json.dumps(result))
"""


def _child(*args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, *args], check=True, capture_output=True, text=True
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> None:
    """Build the library, run the measurements, print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000, help="articles in the .zip")
    args = parser.parse_args()
    from sucai import open_library

    reports = sorted((CORPUS / "reports" / "state_council").glob("*.txt"))
    laws = sorted((CORPUS / "laws").rglob("*.md"))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        with open_library(db) as lib:
            lib.ingest(reports)
            need = max(0, args.articles - lib.count())
            lib.ingest(laws[: need + 50])
            count = lib.count()
            longest = max(
                (a for a in lib.list() if a.genre == "报告" or "报告" in a.title),
                key=lambda a: a.chars,
            )
        print(f"library: {count} articles, built in {time.perf_counter() - t0:.0f} s", flush=True)
        one = _child("docx", str(db), str(longest.id), "-")
        small = _child("zip", str(db), "100", str(Path(tmp) / "100.zip"))
        big = _child("zip", str(db), str(args.articles), str(Path(tmp) / "big.zip"))
    machine = f"{platform.machine()}, {platform.system()} {platform.release()}, Python "
    machine += platform.python_version()
    print(f"\n{date.today().isoformat()} · {machine}\n")
    print("| what | size | time | peak RSS (before the export) |")
    print("| --- | --- | --- | --- |")
    print(
        f"| `{longest.title}` → .docx | {one['chars']:,.0f} characters, "
        f"{one['bytes'] / 1024:,.0f} KiB | {one['seconds'] * 1000:,.0f} ms (median of 5) | "
        f"{one['max_rss_mb']:,.0f} MB ({one['before_mb']:,.0f} MB) |"
    )
    for label, run in (("100", small), (str(args.articles), big)):
        print(
            f"| {label} articles → .zip of .docx | {run['bytes'] / 1024 / 1024:,.1f} MiB | "
            f"{run['seconds']:,.1f} s ({run['articles'] / run['seconds']:,.0f} articles/s) | "
            f"{run['max_rss_mb']:,.0f} MB ({run['before_mb']:,.0f} MB) |"
        )


if __name__ == "__main__":
    main()
