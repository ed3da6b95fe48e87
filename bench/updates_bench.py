"""今日更新 and feeds on the whole shared corpus (issue 19): goal ≤ 100 ms a page or feed.

Run with ``.venv/bin/python -m bench.updates_bench --db /work/bench-lib/corpus.db``: the
library (and its index folder beside it) is copied to a temporary folder first, since opening
it adds the schema step of issue 19. The whole corpus was imported in one go, so its import
day holds every article (24,000+): the worst day there is. Each route is asked ``--runs``
times through the app in-process (Starlette's test client: no network), after one warm-up;
the table gives the median and the 95th percentile. The baseline is what a reader used before:
``/browse`` (newest first, with facets) and a search.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from starlette.testclient import TestClient

from sucai import open_library
from sucai.web import WebSettings, create_app


def _time(client: TestClient, path: str, runs: int) -> tuple[float, float, int]:
    """Median and p95 in ms of ``runs`` GETs of ``path`` (after a warm-up), and its status."""
    status = client.get(path).status_code
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * runs) - 1)], status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=Path("/work/bench-lib/corpus.db"))
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "corpus.db"
        shutil.copy(args.db, db)
        index = Path(f"{args.db}-search")
        if index.is_dir():
            shutil.copytree(index, Path(f"{db}-search"))
        library = open_library(db)
        library.accounts.add("bench", "bench-password-1", tier="会员", expires_on="2099-12-31")
        user = library.accounts.user("bench")
        from sucai.library import Account

        member = Account(user, library.today())
        token = library.accounts.feed_token(member, renew=True)
        library.subscription_add("bench", "营商", "营商环境")
        day = library.local_day(library.list(limit=1)[0].added_at).isoformat()
        genre, source = (
            library.updates(library.today()).groups[k][0][0] for k in ("genre", "source")
        )
        routes = [
            ("today's page (HTML)", f"/updates/{day}"),
            ("today's page (JSON)", f"/updates/{day}.json"),
            ("… filtered by kind", f"/updates/{day}.json?genre={quote(genre)}"),
            ("feed of a kind (visitor)", f"/feeds/kind/{quote(genre)}.atom"),
            ("feed of a kind (member token)", f"/feeds/kind/{quote(genre)}.atom?token={token}"),
            ("feed of a source", f"/feeds/source/{quote(source)}.atom"),
            (
                "feed of a subscription",
                f"/feeds/subscription/%E8%90%A5%E5%95%86.atom?token={token}",
            ),
            ("baseline: /browse.json", "/browse.json"),
            (
                "baseline: /search.json 营商环境",
                "/search.json?q=%E8%90%A5%E5%95%86%E7%8E%AF%E5%A2%83",
            ),
        ]
        settings = WebSettings(rate_limits="off")
        with TestClient(create_app(library, settings)) as client:
            print(
                f"{library.count()} articles, import day {day}; {platform.node()}, "
                f"{platform.python_version()}; {args.runs} runs each"
            )
            print("| route | median ms | p95 ms | status |\n|---|---:|---:|---:|")
            for label, path in routes:
                median, p95, status = _time(client, path, args.runs)
                print(f"| {label} | {median:.1f} | {p95:.1f} | {status} |")
        library.close()


if __name__ == "__main__":
    main()
