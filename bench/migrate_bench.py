"""Migrate benchmark (issue 7): a whole library SQLite → PostgreSQL → SQLite, and a check.

Usage::

    .venv/bin/python -m bench.migrate_bench LIBRARY.db postgresql://USER@HOST/EMPTY_DB

``LIBRARY.db`` is copied first (it is not changed). The copy goes to the empty PostgreSQL
database, then back into a new SQLite file; each leg is timed, then every article of the
three libraries is compared (title, role, genre, date, paragraphs, outline, sources), and the
counts per table. Search indexes are not built here (``sucai migrate`` does that).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from pathlib import Path

from sucai.store import open_store
from sucai.store.migrate import migrate


def _leg(source: str, target: str) -> float:
    began = time.perf_counter()
    report = migrate(source, target)
    took = time.perf_counter() - began
    print(f"{source} → {target}: {report.articles} articles, {report.total} rows, {took:.1f} s")
    return took


def main() -> None:
    """Run the benchmark on the library and database named on the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("library")
    parser.add_argument("url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sucai-migrate-") as tmp:
        original = Path(tmp) / "original.db"
        with sqlite3.connect(args.library) as src, sqlite3.connect(original) as dst:
            src.backup(dst)
        back = Path(tmp) / "back.db"
        there = _leg(str(original), args.url)
        again = _leg(args.url, str(back))
        began = time.perf_counter()
        stores = [open_store(original), open_store(args.url), open_store(back)]
        try:
            counts = [s.count_articles() for s in stores]
            assert counts[0] == counts[1] == counts[2], counts
            compared = 0
            for a, b, c in zip(*(s.iter_articles() for s in stores), strict=True):
                assert a == b == c, a.id
                compared += 1
        finally:
            for s in stores:
                s.close()
        print(
            f"compared {compared} articles on the three libraries: identical "
            f"({time.perf_counter() - began:.1f} s); SQLite → PostgreSQL {there:.1f} s, "
            f"PostgreSQL → SQLite {again:.1f} s"
        )
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
