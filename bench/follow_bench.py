"""Follow benchmark (issue 17): how soon a change made through one server is found by another.

Run with ``.venv/bin/python -m bench.follow_bench --db LIBRARY [--files 200] [--port 8790]``.

It starts ``sucai serve`` on the library (a PostgreSQL URL: with an index folder of its own,
built at start and timed; a SQLite file: the index beside it), then imports ``--files`` small
files one at a time at random intervals (0.1–1.5 s) through a second library object — another
server, or the command line on another machine, with its own index — and for each polls the
server's ``/search.json`` for a word only that file holds, from the moment the import's
transaction committed until the server answers it. The table gives p50, p95 and the worst
delay, beside the follower's polling interval (0.5 s).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from sucai import open_library
from sucai.ingest.pipeline import ingest

ROOT = Path(__file__).resolve().parents[1]
SUCAI = [sys.executable, "-m", "sucai"]
_DIGITS = "零一二三四五六七八九"


def _get(port: int, path: str) -> dict[str, object]:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        con.request("GET", path)
        response = con.getresponse()
        data: dict[str, object] = json.loads(response.read())
        return {**data, "_status": response.status}
    finally:
        con.close()


def _ready(port: int, seconds: float = 1800) -> float:
    """Seconds until the server answers /health with its index built."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            health = _get(port, "/health")
            index = health.get("index")
            if isinstance(index, dict) and index.get("ready"):
                return time.monotonic() - started
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    sys.exit("error: the server did not build its index in time")


def _word(n: int) -> str:
    """A word no other file holds: 探针 and ``n`` in Chinese digits."""
    return "探针" + "".join(_DIGITS[int(d)] for d in f"{n:05d}") + "号"


def main() -> None:
    """Start a server, import files beside it, print how soon it finds each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--db", required=True, help="library file or postgresql:// URL")
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--port", type=int, default=8790)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sucai-follow-"))
    postgres = args.db.startswith("postgresql")
    own = ["--index-dir", str(tmp / "server")] if postgres else []
    server = subprocess.Popen(
        [*SUCAI, "serve", "--db", args.db, "--port", str(args.port), "--workers", "1",
         "--rate-limits", "off", *own],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )  # fmt: skip
    rng = random.Random(17)
    delays: list[float] = []
    try:
        built = _ready(args.port)
        print(
            f"machine: {platform.node()} · {os.cpu_count()} cores · Python "
            f"{platform.python_version()} · {time.strftime('%Y-%m-%d')}"
        )
        print(f"server ready in {built:.1f} s ({'its own index built' if postgres else 'index'})")
        index_dir = tmp / "other" if postgres else None
        with open_library(args.db, index_dir=index_dir) as other:
            base = int(time.time()) % 90000
            for k in range(args.files):
                time.sleep(rng.uniform(0.1, 1.5))
                word = _word(base + k)
                path = tmp / f"{word}.txt"
                path.write_text(
                    f"关于{word}工作的通知\n请各单位做好{word}的落实工作，按时报送情况。\n",
                    encoding="utf-8",
                )
                # Stored and committed (the other side's own index is not what is measured).
                report = ingest(other.store, [path])
                committed = time.monotonic()
                assert report.new_articles == 1, report
                query = "/search.json?" + urllib.parse.urlencode({"q": word, "in": "title"})
                while _get(args.port, query).get("total") == 0:
                    time.sleep(0.01)
                delays.append(time.monotonic() - committed)
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    delays.sort()
    p50 = delays[len(delays) // 2]
    p95 = delays[int(0.95 * len(delays))]
    store = "PostgreSQL" if postgres else "SQLite"
    print("\n| library | files | p50 s | p95 s | worst s |")
    print("|---|---:|---:|---:|---:|")
    print(f"| {store} | {len(delays)} | {p50:.2f} | {p95:.2f} | {delays[-1]:.2f} |")


if __name__ == "__main__":
    main()
