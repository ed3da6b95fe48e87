"""What a 金句 rule of repeats would add (issue 20, sixth round): a famous saying is one the
library quotes again and again, so a short sentence that stands, to the character, in several
articles of different years might be one. Measured before any such rule is built:

    .venv/bin/python -m bench.jinju_repeats --db LIBRARY                  # the table
    .venv/bin/python -m bench.jinju_repeats --db LIBRARY --show 3 2 cited # its sentences
    .venv/bin/python -m bench.jinju_repeats --db LIBRARY --sample 60 --seed 6 --show 3 2 cited

LIBRARY is a library of the whole shared corpus (a copy of /work/bench-lib). A candidate is a
run of two to four clauses (between ，and ；) of 4–15 Chinese characters each, 8–30 in all,
with the guards of the rules (:mod:`sucai.jinju`: no figures, no words of speech, no clause
opening with a measure or a requirement, no list of names or documents):

- ``sentence``: the whole of a sentence, a quotation or what follows a colon, a leading
  clause of citing (习近平指出，…) taken off; not a piece cut by a quotation mark or a title
  (…”的决定性意义，自觉做到);
- ``clauses``: any run of clauses inside a sentence.

A candidate repeats when it stands in at least A articles of at least Y different years; what
the rule would add is each of its places no stored 金句 overlaps. Guards counted apart:
``theme`` — none of its places is named a theme, slogan or campaign by the words around it
(:func:`sucai.jinju._theme`); ``cited`` — that, and at least one place is a quotation (in
“…”, or right after a verb of citing: 指出，/强调：/说：/所说 …).

Precision is counted over ``bench/jinju_labels_repeats.tsv``: every repeated candidate of the
settings in docs/benchmarks.md, read and labelled by the criteria of docs/jinju.md knowing the
rule (so a tuning figure); recall is what the places add to the stored 金句 on the recall
lists (paragraphs holding a listed quotation that no stored 金句 holds, and a repeat covers).
"""

from __future__ import annotations

import argparse
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.jinju_eval import FRESH2_QUOTES, FRESH_QUOTES, HELD_OUT_QUOTES, _quotes
from sucai import open_library
from sucai.jinju import _DIGITS, _LISTING, _MEASURES, _SPEECH, UNQUOTED_GENRE, _theme

HERE = Path(__file__).resolve().parent
LABELS = HERE / "jinju_labels_repeats.tsv"
#: Where a sentence is cut: its ends, colons, quotation marks, brackets and titles.
_PIECE = re.compile(r"[^。！？!?：:“”‘’「」『』（）()《》]+")
_CLAUSES = re.compile(r"[^，；,;]+")
_HAN = re.compile(r"[\u3400-\u9fff]+")
#: A leading clause that cites what follows (习近平指出，…), taken off the candidate.
_CITING = re.compile(r"(?:指出|强调|说|讲|所说|常说|曾说|说过|告诫|寄语|表示|认为)[过的道]?$")
#: Words right before a candidate that make its place a quotation.
_CITED = re.compile(r"(?:指出|强调|说|讲|所说|常说|曾说|说过|告诫|寄语)[过的道]?[：:]$")
#: The settings of the table: (articles, years, guard).
SETTINGS = (
    (3, 2, "none"),
    (3, 2, "theme"),
    (3, 2, "cited"),
    (2, 2, "cited"),
    (3, 3, "cited"),
    (5, 2, "none"),
)


@dataclass
class Place:
    article: int
    paragraph: int
    start: int
    stop: int
    cited: bool
    theme: bool


@dataclass
class Repeat:
    articles: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    places: list[Place] = field(default_factory=list)


def _guarded(clauses: list[str]) -> bool:
    text = "".join(clauses)
    return (
        all(_HAN.fullmatch(c) is not None and 4 <= len(c) <= 15 for c in clauses)
        and 8 <= len(text) <= 30
        and _DIGITS.search(text) is None
        and _SPEECH.search(text) is None
        and _LISTING.search(text) is None
        and not any(_MEASURES.match(c) for c in clauses)
    )


def candidates(text: str, variant: str) -> list[tuple[int, int, str, bool, bool]]:
    """``(start, stop, key, cited, theme)`` of the candidates of one paragraph."""
    out = []
    for piece in _PIECE.finditer(text):
        clauses = [
            (piece.start() + m.start(), piece.start() + m.end(), m.group())
            for m in _CLAUSES.finditer(piece.group())
        ]
        cue = False
        if variant == "sentence":
            if len(clauses) >= 3 and len(clauses[0][2]) <= 12 and _CITING.search(clauses[0][2]):
                clauses, cue = clauses[1:], True
            runs = [clauses] if 2 <= len(clauses) <= 4 else []
        else:
            runs = [
                clauses[i:j]
                for i in range(len(clauses))
                for j in range(i + 2, min(i + 4, len(clauses)) + 1)
            ]
        for run in runs:
            words = [c for _, _, c in run]
            if not _guarded(words):
                continue
            start, stop = run[0][0], run[-1][1]
            before, after = text[:start], text[stop:]
            if variant == "sentence" and (
                before.endswith(("”", "》", "’")) or after.startswith(("“", "《"))
            ):
                continue  # a piece cut by a quotation or a title, not a sentence
            cited = cue or before.endswith("“") or _CITED.search(before[-12:]) is not None
            out.append((start, stop, "，".join(words), cited, _theme(before, after.lstrip("”"))))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--variant", choices=("sentence", "clauses"), default="sentence")
    parser.add_argument("--show", nargs=3, metavar=("ARTICLES", "YEARS", "GUARD"))
    parser.add_argument("--sample", type=int, help="show a random sample of the places added")
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    repeats: dict[str, Repeat] = defaultdict(Repeat)
    texts: dict[tuple[int, int], str] = {}
    with open_library(args.db) as lib:
        stored: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
        for j in lib.jinju(limit=None)[1]:
            stored[(j.article.id, j.paragraph)].append((j.start, j.stop))
        for article in lib.articles():
            if article.genre == UNQUOTED_GENRE:
                continue
            for p in article.paragraphs:
                if p.kind != "text" or p.heading:
                    continue
                texts[(article.id, p.index)] = p.text
                for start, stop, key, cited, theme in candidates(p.text, args.variant):
                    r = repeats[key]
                    r.articles.add(article.id)
                    if article.year is not None:
                        r.years.add(article.year)
                    r.places.append(Place(article.id, p.index, start, stop, cited, theme))
    labels = {}
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            label, text = line.split("\t", 1)
            labels[text] = int(label)
    lists = [(path.name, _quotes(path)) for path in (HELD_OUT_QUOTES, FRESH_QUOTES, FRESH2_QUOTES)]

    def added(articles: int, years: int, guard: str) -> list[tuple[str, Place]]:
        out = []
        for key, r in repeats.items():
            if len(r.articles) < articles or len(r.years) < years:
                continue
            if guard in ("theme", "cited") and any(p.theme for p in r.places):
                continue
            if guard == "cited" and not any(p.cited for p in r.places):
                continue
            out.extend(
                (key, p)
                for p in r.places
                if not any(s < p.stop and p.start < e for s, e in stored[(p.article, p.paragraph)])
            )
        return out

    if args.show:
        articles, years, guard = int(args.show[0]), int(args.show[1]), args.show[2]
        places = added(articles, years, guard)
        if args.sample:
            places = random.Random(args.seed).sample(places, min(args.sample, len(places)))
            judged = [labels[k] for k, _ in places if k in labels]
            print(f"sample of {len(places)}: {sum(judged)} of {len(judged)} labelled true")
        for key, p in places:
            text = texts[(p.article, p.paragraph)]
            print(f"{labels.get(key, '?')}\t{key}\t…{text[max(0, p.start - 12) : p.stop + 6]}…")
        return
    print(
        f"variant {args.variant}: {sum(len(r.articles) >= 2 for r in repeats.values())} "
        "candidates in two articles or more"
    )
    print(
        "| articles ≥ | years ≥ | guard | candidates | sentences added | labelled true "
        "(candidates) | labelled true (sentences) | recall added (held-out; fresh; fresh-2) |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for articles, years, guard in SETTINGS:
        places = added(articles, years, guard)
        keys = {k for k, _ in places}
        judged = [labels[k] for k in keys if k in labels]
        judged_places = [labels[k] for k, _ in places if k in labels]
        covered: dict[tuple[int, int], list[Place]] = defaultdict(list)
        for _, p in places:
            covered[(p.article, p.paragraph)].append(p)
        gains = []
        for _, quotes in lists:
            gain = 0
            for (aid, index), text in texts.items():
                for q in quotes:
                    at = text.find(q)
                    if at < 0 or any(q in text[s:e] for s, e in stored[(aid, index)]):
                        continue
                    gain += any(p.start <= at < p.stop for p in covered[(aid, index)])
            gains.append(f"+{gain}")
        print(
            f"| {articles} | {years} | {guard} | {len(keys)} | {len(places)} | "
            f"{sum(judged)}/{len(judged)} | {sum(judged_places)}/{len(judged_places)} | "
            f"{'; '.join(gains)} |"
        )


if __name__ == "__main__":
    main()
