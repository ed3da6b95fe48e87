"""Inbox benchmark (issue 19): how soon a dropped file is found, searches while 1,000 arrive,
and what an idle watcher costs — beside a cron job running ``sucai import`` every minute.

Run with ``.venv/bin/python -m bench.watch_bench [--db /work/bench-lib/corpus.db]
[--work /tmp/watch/bench] [--files 200] [--burst 1000] [--clients 16] [--idle 60]``.

The library (the whole shared corpus) and its search index are copied to ``--work``; the
original is only read. Files are made from the library's own paragraphs, eight from eight
random articles each in a random order (so none is a near-duplicate of stored material), with
a word no other file holds. Then:

1. ``sucai serve --workers 2 --watch INBOX --rate-limits off`` runs on the copy.
   ``--files`` files are dropped one at a time at random intervals (0.1–1.5 s), each
   written beside the inbox and renamed into it (complete at that moment); ``/search.json``
   is polled for each file's word until it is found. The table gives p50, p95 and the
   worst time from complete to found.
2. ``--clients`` clients search ``/search.json`` with the queries of ``bench/queries.py``
   (``bench.load_bench``'s client) for 20 s with an idle inbox, then while a folder of
   ``--burst`` files is dropped into it, until the inbox is empty: p50 and p95 of each.
3. ``sucai watch`` (change events, then ``--poll 2``) idles for ``--idle`` seconds: its CPU
   time from ``/proc/PID/stat``.
4. The cron baseline: ``sucai import`` of ten new files, timed; a file that is complete at a
   random moment is found after the wait for the next minute (uniform, 0–60 s) plus that.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from bench.load_bench import SUCAI, _client, _wait
from bench.queries import all_queries

#: Characters of the words only one dropped file holds (rare in 公文, never together).
_RARE = "鼋鼍蜉蝣蟪蛄蠛蠓螟蛉蚍蜉蟋蟀蝤蛴蛞蝓"
_PARAGRAPHS_PER_FILE = 8


def _word(rng: random.Random) -> str:
    return "".join(rng.choices(_RARE, k=10))


def _paragraphs(db: Path, count: int) -> list[list[str]]:
    """``count`` groups of paragraphs, each from as many different articles."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        rows = con.execute(
            "SELECT article_id, text FROM paragraphs WHERE length(text) BETWEEN 60 AND 300 "
            "ORDER BY random() LIMIT ?",
            (count * _PARAGRAPHS_PER_FILE * 2,),
        ).fetchall()
    con.close()
    groups: list[list[str]] = []
    pool = iter(rows)
    for _ in range(count):
        used: set[int] = set()
        group: list[str] = []
        for article_id, text in pool:
            if article_id not in used:
                used.add(article_id)
                group.append(text)
            if len(group) == _PARAGRAPHS_PER_FILE:
                break
        groups.append(group)
    return groups


def _text(rng: random.Random, word: str, group: list[str]) -> str:
    rng.shuffle(group)
    title = f"关于{word}有关工作的通知"
    return f"{title}\n\n各有关单位：{word}。\n\n" + "\n\n".join(group) + "\n"


def _total(port: int, query: str) -> int:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        con.request("GET", "/search.json?limit=1&q=" + urllib.parse.quote(query))
        response = con.getresponse()
        body = response.read()
        return int(json.loads(body).get("total", 0)) if response.status == 200 else 0
    except OSError:
        return 0
    finally:
        con.close()


def _quantiles(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    cut = statistics.quantiles(ordered, n=100, method="inclusive")
    return cut[49], cut[94], ordered[-1]


def _found_after_drop(
    port: int, inbox: Path, staging: Path, texts: list[tuple[str, str]], seed: int
) -> list[float]:
    """Drop the files one at a time; seconds from each one complete to found by search."""
    rng = random.Random(seed)
    complete: dict[str, float] = {}
    found: dict[str, float] = {}
    lock = threading.Lock()

    def drop() -> None:
        for n, (word, text) in enumerate(texts):
            made = staging / f"{n:04}.txt"
            made.write_text(text, encoding="utf-8")
            made.rename(inbox / made.name)
            with lock:
                complete[word] = time.monotonic()
            time.sleep(rng.uniform(0.1, 1.5))

    dropper = threading.Thread(target=drop)
    dropper.start()
    deadline = time.monotonic() + 60 + 2 * len(texts)
    while len(found) < len(texts) and time.monotonic() < deadline:
        with lock:
            waiting = [w for w in complete if w not in found]
        for word in waiting:
            if _total(port, f'"{word}"'):
                found[word] = time.monotonic() - complete[word]
        time.sleep(0.02)
    dropper.join()
    if len(found) < len(texts):
        sys.exit(f"error: only {len(found)} of {len(texts)} dropped files were found")
    return list(found.values())


def _searches(port: int, clients: int, seconds: float, queries: list[str]) -> list[float]:
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_client, args=(port, queries[n:] + queries[:n], stop, latencies, errors, "", ())
        )
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        sys.exit(f"error: {len(errors)} searches failed, e.g. {errors[0]}")
    return latencies


def _waiting(inbox: Path) -> int:
    """Files still in the inbox (``.done``, ``.failed`` and the lock file are hidden)."""
    return sum(
        1
        for p in inbox.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(inbox).parts)
    )


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _idle_cpu(db: Path, inbox: Path, seconds: float, options: list[str]) -> float:
    """CPU seconds an idle ``sucai watch`` uses in ``seconds``."""
    inbox.mkdir(exist_ok=True)
    process = subprocess.Popen(
        [*SUCAI, "watch", "--db", str(db), *options, str(inbox)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        process.stderr.readline()  # "Watching …": ready
        time.sleep(5)
        before = _cpu_seconds(process.pid)
        time.sleep(seconds)
        return _cpu_seconds(process.pid) - before
    finally:
        process.terminate()
        process.wait(60)


def main() -> None:
    """Run the four measurements and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--db", type=Path, default=Path("/work/bench-lib/corpus.db"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/watch/bench"))
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--idle", type=float, default=60)
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    args.work.mkdir(parents=True)
    db = args.work / "corpus.db"
    shutil.copy2(args.db, db)
    shutil.copytree(f"{args.db}-search", f"{db}-search")
    inbox, staging = args.work / "收件箱", args.work / "staging"
    inbox.mkdir()
    staging.mkdir()
    rng = random.Random(args.seed)
    groups = _paragraphs(db, args.files + args.burst + 10)
    texts = [(w, _text(rng, w, g)) for w, g in ((_word(rng), g) for g in groups)]
    queries = [query for _name, query in all_queries()]

    server = subprocess.Popen(
        [
            *SUCAI,
            "serve",
            "--db",
            str(db),
            "--port",
            str(args.port),
            "--workers",
            "2",
            "--watch",
            str(inbox),
            "--rate-limits",
            "off",  # the clients are not visitors to throttle
        ],
        stdout=subprocess.DEVNULL,
        stderr=(args.work / "serve.log").open("w"),
    )
    try:
        _wait(args.port, 2)
        delays = _found_after_drop(args.port, inbox, staging, texts[: args.files], args.seed)
        idle = _searches(args.port, args.clients, 20, queries)
        burst = staging / "一千份"
        burst.mkdir()
        for n, (_unused, text) in enumerate(texts[args.files : args.files + args.burst]):
            (burst / f"{n:04}.txt").write_text(text, encoding="utf-8")
        started = time.monotonic()
        burst.rename(inbox / burst.name)
        busy: list[float] = []
        while _waiting(inbox):
            busy += _searches(args.port, args.clients, 5, queries)
        burst_seconds = time.monotonic() - started
    finally:
        server.terminate()
        server.wait(120)

    cron_files = staging / "cron"
    cron_files.mkdir()
    for n, (_unused, text) in enumerate(texts[-10:]):
        (cron_files / f"{n:02}.txt").write_text(text, encoding="utf-8")
    started = time.monotonic()
    subprocess.run([*SUCAI, "import", "--db", str(db), str(cron_files)], check=True,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    cron_import = time.monotonic() - started

    idle_events = _idle_cpu(db, args.work / "idle", args.idle, [])
    idle_poll = _idle_cpu(db, args.work / "idle-poll", args.idle, ["--poll", "2"])

    p50, p95, worst = _quantiles(delays)
    print(
        f"machine: {platform.node()} · {os.cpu_count()} cores · Python "
        f"{platform.python_version()} · {time.strftime('%Y-%m-%d')} · load average "
        f"{os.getloadavg()[0]:.1f} at the end\n"
    )
    print("| from complete to found by search | p50 | p95 | worst |")
    print("|---|---|---|---|")
    print(f"| `sucai serve --watch` ({len(delays)} files) | {p50:.2f} s | {p95:.2f} s | "
          f"{worst:.2f} s |")  # fmt: skip
    cron = [30 + cron_import, 57 + cron_import, 60 + cron_import]
    print(f"| cron `sucai import` every minute (10 files: {cron_import:.1f} s) | "
          + " | ".join(f"{value:.1f} s" for value in cron) + " |")  # fmt: skip
    print()
    print(f"| {args.clients} clients searching | searches | p50 | p95 |")
    print("|---|---|---|---|")
    for label, values in (
        ("inbox idle", idle),
        (f"{args.burst} files arriving ({burst_seconds:.0f} s to import them all)", busy),
    ):
        q50, q95, _ = _quantiles(values)
        print(f"| {label} | {len(values)} | {q50:.1f} ms | {q95:.1f} ms |")
    print()
    print(f"| idle `sucai watch`, {args.idle:.0f} s | CPU time |")
    print("|---|---|")
    print(f"| change events (inotify) | {idle_events:.2f} s |")
    print(f"| `--poll 2` | {idle_poll:.2f} s |")


if __name__ == "__main__":
    main()
