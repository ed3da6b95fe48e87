"""写作台 benchmark (issue 20): the time to build the 写作台 for a topic on a whole library.

Run with ``.venv/bin/python -m bench.compose_bench --db LIBRARY`` (a copy of the shared corpus's
library: ``cp -r`` the .db file and its ``-search`` folder). For each topic it times, over
``--rounds`` runs after one warm-up:

* **sucai compose** — :meth:`Library.compose`: skeletons and grouped headings (no picks);
* **compose + 2 picks** — the same with candidate paragraphs for groups 1 and 2 (what the
  page shows once the writer ticks two groups);
* **search (baseline)** — what a writer would otherwise do: one ``sucai search`` of the topic
  (top 20 paragraphs), which gives neither skeletons nor groups.

Goal: ≤ 300 ms for the 写作台 of a topic on the whole shared corpus.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from typing import TYPE_CHECKING

from sucai import open_library
from sucai.store.records import ArticleFilter

if TYPE_CHECKING:
    from collections.abc import Callable

#: Topics a writer asks for, with the genre asked (讲话 is scarce in the shared corpus: the
#: 写作台 widens it, which costs the most).
TOPICS = (
    ("优化营商环境", "讲话"),
    ("乡村振兴", "讲话"),
    ("安全生产", "讲话"),
    ("生态环境保护", "讲话"),
    ("优化营商环境", None),
    ("科技创新", None),
)


def _time(fn: Callable[[], object], rounds: int) -> tuple[float, float]:
    """Median and worst milliseconds of ``rounds`` runs after one warm-up."""
    fn()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the library (a copy: it is not changed)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with open_library(args.db) as library:
        library.auto_sync = False
        print(
            f"{library.count()} articles · {platform.node()} · Python {platform.python_version()}"
        )
        print(
            f"| topic | genre | groups | {'sucai compose'} ms (median/max) "
            "| compose + 2 picks ms | search (baseline) ms |"
        )
        print("|---|---|---:|---:|---:|---:|")
        for topic, genre in TOPICS:
            groups = len(library.compose(topic, where=ArticleFilter(genre=genre)).groups)
            plain = _time(
                lambda t=topic, g=genre: library.compose(t, where=ArticleFilter(genre=g)),
                args.rounds,
            )
            picks = [n for n in (1, 2) if n <= groups]
            picked = _time(
                lambda t=topic, g=genre, p=picks: library.compose(
                    t, where=ArticleFilter(genre=g), picks=p
                ),
                args.rounds,
            )
            search = _time(lambda t=topic: library.search(t), args.rounds)
            print(
                f"| {topic} | {genre or '全部'} | {groups} | {plain[0]:.0f} / {plain[1]:.0f} "
                f"| {picked[0]:.0f} / {picked[1]:.0f} | {search[0]:.1f} / {search[1]:.1f} |"
            )


if __name__ == "__main__":
    main()
