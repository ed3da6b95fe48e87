"""Load benchmark: searches per second and latency of ``sucai serve`` under concurrent clients.

Run with ``.venv/bin/python -m bench.load_bench [--db LIB] [--clients 16] [--seconds 20]
[--workers 1 2] [--servers 1] [--warmup 10] [--wrk] [--facets] [--import-while]
[--attackers 1 [--accounts 256]]``.

For each ``--workers`` count it starts ``sucai serve --workers N`` on loopback (``--servers
2``: two separate ``sucai serve`` commands on consecutive ports, the clients split between
them as a load balancer would; with a PostgreSQL ``--db`` URL, several servers sharing one
library). After ``--warmup`` seconds of unmeasured load it drives ``/search.json`` (20 hits;
with ``--facets`` the facet counts too, as the search page computes them) with the 242 queries
of ``bench/queries.py`` from keep-alive client connections (threads, or wrk with ``--wrk``),
for a bounded time. With ``--import-while`` a real import (a copy of the shared corpus with
every long line changed, so every article is new and gets indexed) runs into the same library
at the same time; the clients count every non-200 answer and every connection error.

With ``--attackers K`` (issue 15) the clients are members: ``--accounts`` member accounts
(tier 会员, the default rate limits) are added to the library, each with an API token, and
every request carries the next account's token, so that each account searches at a few per
second, within its limit, while the clients together load the server. Each load is measured
twice: the members alone, then the members while K attacker processes run the issue's
prefix-growing script as visitors at full speed (one keep-alive connection each, the next
request as soon as the last answer came), which the rate limits answer with 429. The table
gives the members' figures, the attackers' requests per second, and how many got 429 or 200.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Final

from bench.import_bench import CORPUS, _replicate
from bench.queries import all_queries

if TYPE_CHECKING:
    from collections.abc import Callable

ROOT = Path(__file__).resolve().parents[1]
SUCAI = [sys.executable, "-m", "sucai"]


def _health(port: int) -> tuple[int, bool] | None:
    """The pid of the worker that answered ``/health`` and whether its search index is ready
    (``None``: no answer yet)."""
    try:
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        con.request("GET", "/health")
        response = con.getresponse()
        data = json.loads(response.read())
        con.close()
    except (OSError, ValueError):
        return None
    if response.status != 200:
        return None
    return int(data["pid"]), bool(data["index"]["ready"])


def _wait(port: int, workers: int, seconds: float = 900) -> float:
    """Wait until every worker process answers and the server's index is built (a server
    of a PostgreSQL library builds its own when it starts); return the seconds waited."""
    started = time.monotonic()
    deadline = started + seconds
    seen: set[int] = set()
    ready = False
    while time.monotonic() < deadline and (len(seen) < workers or not ready):
        answer = _health(port)
        if answer is None:
            time.sleep(0.2)
            continue
        seen.add(answer[0])
        ready = answer[1]
        if not ready:
            time.sleep(0.5)
    if len(seen) < workers or not ready:
        sys.exit(f"error: only {len(seen)} of {workers} sucai serve workers answered in time")
    return time.monotonic() - started


def _client(
    port: int,
    queries: list[str],
    stop: float,
    latencies: list[float],
    errors: list[str],
    suffix: str,
    tokens: tuple[str, ...],
) -> None:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    i = 0
    while time.monotonic() < stop:
        path = "/search.json?q=" + urllib.parse.quote(queries[i % len(queries)]) + suffix
        headers = {"Authorization": f"Bearer {tokens[i % len(tokens)]}"} if tokens else {}
        i += 1
        started = time.perf_counter()
        try:
            con.request("GET", path, headers=headers)
            response = con.getresponse()
            response.read()
            if response.status != 200:
                errors.append(f"{response.status} {path}")
        except OSError as exc:
            errors.append(f"{type(exc).__name__} {path}")
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        latencies.append((time.perf_counter() - started) * 1000)


_HOST: Final = "http://127.0.0.1"
_PERCENTILES: Final = [*range(1, 90), *(k / 10 for k in range(900, 1000))]


def _combined(runs: list[tuple[int, dict[float, float]]], share: float) -> float:
    """The ``share`` quantile of several runs' latencies, from each run's percentile table."""
    total = sum(n for n, _ in runs)
    for value in sorted({v for _, table in runs for v in table.values()}):
        below = sum(
            n * max((p for p, v in table.items() if v <= value), default=0) / 100
            for n, table in runs
        )
        if below >= share * total:
            return value
    return max(v for _, table in runs for v in table.values())


def _run_wrk(
    ports: list[int], clients: int, seconds: float, suffix: str = "", tokens: tuple[str, ...] = ()
) -> tuple[float, float, float, int]:
    """The same load from wrk (a C load generator), which leaves the CPU to the server; one
    wrk per server, the clients split evenly, their latencies combined."""
    paths = ["/search.json?q=" + urllib.parse.quote(q) + suffix for _, q in all_queries()]
    script = Path(tempfile.mkdtemp()) / "queries.lua"
    # With tokens, each request is a member's: the next account's API token.
    header = "{Authorization = 'Bearer ' .. tokens[(n % #tokens) + 1]}" if tokens else "nil"
    script.write_text(
        "paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
        "tokens = {" + ",".join(f'"{t}"' for t in tokens) + "}\n"
        "n = 0\n"
        "request = function()\n"
        "  n = n + 1\n"
        f"  return wrk.format('GET', paths[(n % #paths) + 1], {header})\n"
        "end\n"
        "done = function(summary, latency, requests)\n"
        "  local e = summary.errors\n"
        "  io.write(string.format('RESULT %d %d\\n', summary.requests, summary.duration))\n"
        f"  for _, p in ipairs({{{','.join(str(p) for p in _PERCENTILES)}}}) do\n"
        "    io.write(string.format('PCT %s %d\\n', p, latency:percentile(p)))\n"
        "  end\n"
        "  io.write(string.format('ERRORS %d\\n', e.connect + e.read + e.write + e.status"
        " + e.timeout))\n"
        "end\n",
        encoding="utf-8",
    )
    share = [clients // len(ports) + (k < clients % len(ports)) for k in range(len(ports))]
    wrks = [
        subprocess.Popen(
            ["wrk", "-t2", f"-c{c}", f"-d{int(seconds)}s", "-s", str(script), f"{_HOST}:{port}/"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for port, c in zip(ports, share, strict=True)
    ]
    runs: list[tuple[int, dict[float, float]]] = []
    rate = 0.0
    errors = 0
    for wrk in wrks:
        out, _ = wrk.communicate()
        table: dict[float, float] = {}
        for line in out.splitlines():
            word, *values = line.split()
            if word == "RESULT":
                requests, micros = int(values[0]), int(values[1])
                rate += requests / (micros / 1e6)
            elif word == "PCT":
                table[float(values[0])] = int(values[1]) / 1000
            elif word == "ERRORS":
                errors += int(values[0])
        runs.append((requests, table))
    return rate, _combined(runs, 0.5), _combined(runs, 0.95), errors


def _run(
    ports: list[int], clients: int, seconds: float, suffix: str = "", tokens: tuple[str, ...] = ()
) -> tuple[float, float, float, int]:
    queries = [q for _, q in all_queries()]
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=_client,
            args=(
                ports[k % len(ports)],
                queries[k:] + queries[:k],
                stop,
                latencies,
                errors,
                suffix,
                tokens[k::clients] if len(tokens) > clients else tokens,
            ),
        )
        for k in range(clients)
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    p50 = latencies[len(latencies) // 2] if latencies else 0.0
    p95 = latencies[int(0.95 * len(latencies))] if latencies else 0.0
    for e in errors[:5]:
        print("  error:", e)
    return len(latencies) / elapsed, p50, p95, len(errors)


#: The characters the attacker tries after the part of a paid paragraph it already knows.
_CANDIDATES: Final = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
)


def _attack(port: int, seconds: float, known: str, counts: dict[str, int]) -> None:
    """The issue's attack as a visitor: grow ``known`` one character at a time, each guess one
    search on one keep-alive connection, the next as soon as the answer came."""
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    stop = time.monotonic() + seconds
    i = 0
    while time.monotonic() < stop:
        guess = known + _CANDIDATES[i % len(_CANDIDATES)]
        i += 1
        try:
            con.request("GET", "/search.json?q=" + urllib.parse.quote(guess))
            response = con.getresponse()
            response.read()
        except OSError:
            counts["error"] = counts.get("error", 0) + 1
            con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        key = str(response.status)
        counts[key] = counts.get(key, 0) + 1
        if response.status == 200 and i % len(_CANDIDATES) == 0:
            known = guess[-6:]  # keep the query short, as the script keeps its window
    con.close()


def _attacker(port: int, seconds: float, known: str, out: multiprocessing.Queue[str]) -> None:
    """One attacker process: its counts of answers by status, as JSON on ``out``."""
    counts: dict[str, int] = {}
    _attack(port, seconds, known, counts)
    out.put(json.dumps(counts))


def _with_attackers(
    run: Callable[[list[int], int, float], tuple[float, float, float, int]],
    ports: list[int],
    clients: int,
    seconds: float,
    attackers: int,
) -> tuple[tuple[float, float, float, int], dict[str, int]]:
    """``run`` while ``attackers`` processes attack the first server; their summed counts."""
    context = multiprocessing.get_context("spawn")
    out: multiprocessing.Queue[str] = context.Queue()
    known = [q for _, q in all_queries()]
    processes = [
        context.Process(target=_attacker, args=(ports[0], seconds + 1, known[7 * k][:4], out))
        for k in range(attackers)
    ]
    for process in processes:
        process.start()
    time.sleep(1)  # the attackers are running before the members are measured
    figures = run(ports, clients, seconds)
    counts: dict[str, int] = {}
    for _ in processes:
        for key, n in json.loads(out.get(timeout=60)).items():
            counts[key] = counts.get(key, 0) + n
    for process in processes:
        process.join()
    return figures, counts


def _member_tokens(db: str, accounts: int) -> tuple[str, ...]:
    """API tokens of ``accounts`` members (tier 会员) added to the library (once)."""
    from sucai import open_library
    from sucai.users import Account, Accounts

    with open_library(db) as library:
        users = Accounts(library.store)
        known = {u.name for u in users.users()}
        tokens = []
        for k in range(accounts):
            name = f"bench-member-{k:03d}"
            if name not in known:
                users.add(name, "bench-password", tier="会员")
            user = library.store.get_user_by_name(name)
            assert user is not None
            tokens.append(users.create_token(Account(user, users.today()), "load_bench"))
    return tuple(tokens)


def main() -> None:
    """Start the server, run the load (optionally during an import), print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument(
        "--db", help="library file or postgresql:// URL to serve (default: import the corpus)"
    )
    parser.add_argument("--clients", type=int, nargs="+", default=[16])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--import-while", action="store_true", help="import during the load")
    parser.add_argument("--wrk", action="store_true", help="drive the load with wrk")
    parser.add_argument(
        "--facets",
        action="store_true",
        help="ask for the facet counts too (facets=1), as the search page computes them",
    )
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="processes per server to compare"
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=10,
        help="seconds of the same load, not measured, before the measured runs (default 10)",
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="separate `sucai serve` commands on consecutive ports, the clients split evenly",
    )
    parser.add_argument(
        "--attackers",
        type=int,
        default=0,
        help="measure member clients alone, then beside this many visitor processes running "
        "the prefix-growing attack at full speed (issue 15)",
    )
    parser.add_argument(
        "--accounts",
        type=int,
        default=256,
        help="member accounts the clients' requests go round with --attackers (default 256)",
    )
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"error: {CORPUS} is missing; the benchmark needs the shared corpus.")
    tmp = Path(tempfile.mkdtemp(prefix="sucai-load-"))
    db = args.db or str(tmp / "lib.db")
    if args.db is None:
        subprocess.run([*SUCAI, "import", "--db", db, str(CORPUS)], check=False, cwd=ROOT)
    print(
        f"machine: {platform.node()} · {os.cpu_count()} cores · Python "
        f"{platform.python_version()} · {time.strftime('%Y-%m-%d')}"
    )
    store = "PostgreSQL" if db.startswith("postgresql") else "SQLite"
    ports = [args.port + k for k in range(args.servers)]
    rows = []
    tokens = _member_tokens(db, args.accounts) if args.attackers else ()
    run = partial(
        _run_wrk if args.wrk else _run,
        suffix="&facets=1" if args.facets else "",
        tokens=tokens,
    )
    attack_rows: list[tuple[str, str, tuple[float, float, float, int], dict[str, int]]] = []
    try:
        for workers in args.workers:
            # Each server keeps its own search index (a PostgreSQL library's in a folder of
            # its own, built when it starts); visitors' loads run without rate limits.
            servers = [
                subprocess.Popen(
                    [
                        *SUCAI,
                        "serve",
                        "--db",
                        db,
                        "--port",
                        str(port),
                        "--workers",
                        str(workers),
                        *(["--index-dir", str(tmp / f"index-{port}")] if store != "SQLite" else []),
                        *([] if args.attackers else ["--rate-limits", "off"]),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    cwd=ROOT,
                )
                for port in ports
            ]
            label = f"{store}: {args.servers} × {workers}"
            try:
                for port in ports:
                    waited = _wait(port, workers)
                    print(f"server on port {port}: ready in {waited:.0f} s (index built)")
                if args.warmup:
                    # A server that has run a while has its caches filled (article heads,
                    # outline paths, index pages): the first searches are not the steady state.
                    run(ports, max(args.clients), args.warmup)
                for clients in args.clients:
                    if args.attackers:
                        load = f"{clients} members"
                        attack_rows.append((label, load, run(ports, clients, args.seconds), {}))
                        figures, counts = _with_attackers(
                            run, ports, clients, args.seconds, args.attackers
                        )
                        load += f" + {args.attackers} attacker{'s' * (args.attackers > 1)}"
                        attack_rows.append((label, load, figures, counts))
                        continue
                    rows.append((label, f"{clients} clients", *run(ports, clients, args.seconds)))
                if args.import_while:
                    rows += _under_import(args, tmp, db, workers, partial(run, ports), label)
            finally:
                for server in servers:
                    server.terminate()
                for server in servers:
                    server.wait()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if attack_rows:
        _print_attacks(attack_rows, args.seconds + 1)
        return
    print("\n| library: servers × processes | load | searches/s | p50 ms | p95 ms | errors |")
    print("|---|---|---:|---:|---:|---:|")
    for label, name, rate, p50, p95, errors in rows:
        print(f"| {label} | {name} | {rate:.0f} | {p50:.1f} | {p95:.1f} | {errors} |")


def _print_attacks(
    rows: list[tuple[str, str, tuple[float, float, float, int], dict[str, int]]],
    attack_seconds: float,
) -> None:
    """The members' figures alone and beside the attackers, and what the attackers got."""
    print(
        "\n| library: servers × processes | load | member searches/s | p50 ms | p95 ms "
        "| member errors | slower than alone | attacker requests/s | attacker 429 | attacker 200 |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    alone = 0.0
    for label, name, (rate, p50, p95, errors), counts in rows:
        if not counts:
            alone, slower, attack = rate, "", ("", "", "")
        else:
            total = sum(counts.values())
            slower = f"{(1 - rate / alone) * 100:.1f} %" if alone else ""
            attack = (
                f"{total / attack_seconds:.0f}",
                str(counts.get("429", 0)),
                str(counts.get("200", 0)),
            )
        print(
            f"| {label} | {name} | {rate:.0f} | {p50:.1f} | {p95:.1f} | {errors} | {slower} | "
            + " | ".join(attack)
            + " |"
        )


Row = tuple[str, str, float, float, float, int]


def _under_import(
    args: argparse.Namespace,
    tmp: Path,
    db: str,
    workers: int,
    run: Callable[[int, float], tuple[float, float, float, int]],
    label: str,
) -> list[Row]:
    """The same loads while a changed copy of the corpus is imported into the library."""
    copy = tmp / f"replica{workers}"
    if not copy.exists():
        copy = _replicate(tmp, workers)
    importer = subprocess.Popen(
        [*SUCAI, "import", "--db", db, str(copy)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    time.sleep(2)
    rows: list[Row] = []
    for clients in args.clients:
        load = f"{clients} clients, import running"
        rows.append((label, load, *run(clients, args.seconds)))
    running = importer.poll() is None
    importer.wait()
    print(f"import {'was still running at the end' if running else 'ended during'} the load")
    return rows


if __name__ == "__main__":
    main()
