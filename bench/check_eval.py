"""查重 evaluation set (issue 18): fresh and edited library text, exact truth per character.

Run with ``.venv/bin/python -m bench.check_eval --db LIBRARY [--split dev|held-out|both]``
(the library: the shared corpus, imported once, e.g. ``/work/benchdata/corpus.db``).

**Fresh text** is :file:`bench/check_fresh.txt`: 2026 news of Xinhua, gov.cn and People's
Daily and a 2026 述职报告 draft (provenance in the file), written after everything in the
shared corpus. Every 13-character window of it is looked up verbatim in every library
paragraph: what the library does hold (a 提法, a news formula) is printed and counts as
copied, as rule 2 says; fresh drafts (0 %) are made of the paragraphs that share nothing.

**Copied text** is library paragraphs (60–400 characters) edited the way writers edit:
punctuation changed, 1–2 characters inserted, deleted or substituted, 我国→我省, years
changed, sentences reordered, a paragraph split in two with the halves in different
paragraphs of the draft, traditional characters, full-width digits and letters, or three
of these at once. Drafts of 1,000–9,000 characters mix fresh and copied pieces at ratios
from 0 to 100 %.

Truth rules (the same as README's "查重的计算规则" and the report's own note):

1. A draft character is **copied** when it was carried over from a library paragraph and
   lies in a *copied stretch*: carried characters in draft order whose source positions
   increase, with at most 2 edited (inserted or substituted) characters between two of them
   in the draft and at most 2 skipped (deleted) characters in the source, spanning at least
   13 counted characters, 10 of them in a row copied verbatim. The ≤ 2 edited characters
   inside a stretch count as copied too (a changed word does not make a copied sentence
   original); edits at its ends do not.
2. Text not taken from the library counts as copied where it shares 13 or more consecutive
   counted characters verbatim with a library paragraph (CNKI's 连续 13 字: whoever wrote
   it first, the library holds it); a near match with another date or name does not.
3. Nothing else is copied: shorter shared phrases, 4-character phrases shared across bigger
   differences, carried characters in a stretch under 13 characters. Counted characters are
   letters, digits and CJK characters after folding width, case and traditional forms;
   punctuation and spaces never count. The check runs with no stock phrases (their
   exclusion lowers the ratio on purpose; the unit tests cover it).

The **held-out split** uses the other half of the fresh paragraphs, library articles of the
other parity and other seeds; tune on ``dev`` only and look at ``held-out`` once per change.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import time
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING

from opencc import OpenCC

from sucai import open_library
from sucai.errors import SucaiError
from sucai.search.fold import fold

if TYPE_CHECKING:
    from sucai import Library

FRESH = Path(__file__).with_name("check_fresh.txt")
#: The shortest copied stretch.
MIN_SPAN = 13
#: Every copied stretch holds a run of this many characters copied verbatim.
ANCHOR = 10
#: Edited characters in the draft (and deleted ones in the source) a stretch bridges.
BRIDGE = 2
_COUNTED = re.compile(r"[^\W_]")
_SENTENCE = re.compile(r"[^。；！？]+[。；！？]?")
_YEAR = re.compile(r"20[0-2]\d")
EDITS = (
    "punctuation",
    "insert",
    "delete",
    "substitute",
    "province",
    "year",
    "reorder",
    "split",
    "traditional",
    "full-width",
    "mixed",
)
_INSERTS = ("切实", "全面", "着力", "要", "的", "进一", "大力")
_SUBSTITUTES = "新各好全大强实优进稳重深广多省市县区"
_S2T = OpenCC("s2t")

# A character of a draft and where it comes from: ("c", source, index) carried from the
# counted character ``index`` of library paragraph ``source`` (article id, paragraph index);
# ("e",) inserted or substituted by an edit; ("f", paragraph, index) fresh text; ("p",)
# punctuation or space (never counted).
Label = tuple[object, ...]
Piece = list[tuple[str, Label]]


def is_counted(char: str) -> bool:
    """Whether ``char`` counts (a letter, digit or CJK character after folding)."""
    return bool(_COUNTED.fullmatch(fold(char)))


@dataclass(frozen=True, slots=True)
class FreshParagraph:
    """A paragraph of :file:`check_fresh.txt` and where it was published."""

    number: int
    text: str
    source: str


def read_fresh(path: Path = FRESH) -> list[FreshParagraph]:
    """The fresh paragraphs, numbered in file order."""
    out: list[FreshParagraph] = []
    source = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("@ "):
            source = line[2:]
            continue
        out.append(FreshParagraph(len(out), line, source))
    return out


def shared_with_library(
    library: Library, fresh: list[FreshParagraph]
) -> tuple[set[tuple[int, int]], list[str]]:
    """Counted positions of fresh text inside a run of :data:`MIN_SPAN` characters that some
    library paragraph holds verbatim (rule 2), and those runs.

    Every 13-character window of every library paragraph is looked up: an exhaustive scan,
    independent of the search index the check uses.
    """
    windows: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for para in fresh:
        text = "".join(c for c in fold(para.text) if is_counted(c))
        for k in range(len(text) - MIN_SPAN + 1):
            windows[text[k : k + MIN_SPAN]].append((para.number, k))
    found: set[str] = set()
    for article in library.store.iter_articles():
        for p in article.paragraphs:
            text = "".join(_COUNTED.findall(fold(p.text)))
            for k in range(len(text) - MIN_SPAN + 1):
                if text[k : k + MIN_SPAN] in windows:
                    found.add(text[k : k + MIN_SPAN])
    positions = {
        (number, k + d) for w in found for number, k in windows[w] for d in range(MIN_SPAN)
    }
    return positions, sorted(found)


def _carried(text: str, source: tuple[int, int]) -> Piece:
    piece: Piece = []
    index = 0
    for char in text:
        if is_counted(char):
            piece.append((char, ("c", source, index)))
            index += 1
        else:
            piece.append((char, ("p",)))
    return piece


def _counted_positions(piece: Piece) -> list[int]:
    return [n for n, (char, label) in enumerate(piece) if label[0] != "p" and is_counted(char)]


def _edit(piece: Piece, kind: str, rng: random.Random) -> list[Piece]:
    """``piece`` edited one way; ``split`` gives two pieces, the others one."""
    positions = _counted_positions(piece)
    if kind == "punctuation":
        swap = {"，": "、", "、": "，", "。": "；", "；": "。", "：": "，"}
        return [[(swap.get(c, c) if label[0] == "p" else c, label) for c, label in piece]]
    if kind == "insert":
        at = rng.choice(positions[3:-3] or positions)
        word = rng.choice(_INSERTS)
        return [piece[:at] + [(c, ("e",)) for c in word] + piece[at:]]
    if kind == "delete":
        at = rng.choice(positions[3:-3] or positions)
        return [piece[:at] + piece[at + 1 :]]
    if kind == "substitute":
        at = rng.choice(positions[3:-3] or positions)
        char = rng.choice([c for c in _SUBSTITUTES if c != piece[at][0]])
        return [[*piece[:at], (char, ("e",)), *piece[at + 1 :]]]
    if kind == "province":
        text = "".join(c for c, _ in piece)
        for old, new in (("我国", "我省"), ("全国", "全省"), ("国家", "省级")):
            at = text.find(old)
            if at >= 0:
                edited = list(piece)
                for d, (a, b) in enumerate(zip(old, new, strict=True)):
                    if a != b:
                        edited[at + d] = (b, ("e",))
                return [edited]
        return _edit(piece, "substitute", rng)
    if kind == "year":
        text = "".join(c for c, _ in piece)
        match = _YEAR.search(text)
        if not match:
            return _edit(piece, "substitute", rng)
        new = str(int(match.group(0)) + rng.choice((1, 2, 3)))
        edited = list(piece)
        for d, (a, b) in enumerate(zip(match.group(0), new, strict=True)):
            if a != b:
                edited[match.start() + d] = (b, ("e",))
        return [edited]
    if kind in ("reorder", "split"):
        text = "".join(c for c, _ in piece)
        bounds = [m.span() for m in _SENTENCE.finditer(text)]
        if len(bounds) < 2:
            return _edit(piece, "punctuation", rng)
        sentences = [piece[a:b] for a, b in bounds]
        if kind == "split":
            cut = rng.randint(1, len(sentences) - 1)
            return [
                [x for s in sentences[:cut] for x in s],
                [x for s in sentences[cut:] for x in s],
            ]
        order = list(range(len(sentences)))
        while order == sorted(order):
            rng.shuffle(order)
        return [[x for n in order for x in sentences[n]]]
    if kind == "traditional":
        text = "".join(c for c, _ in piece)
        converted = _S2T.convert(text)
        if len(converted) != len(text):
            return [piece]
        return [[(t, label) for t, (_, label) in zip(converted, piece, strict=True)]]
    if kind == "full-width":
        return [
            [
                (chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c, label)
                for c, label in piece
            ]
        ]
    # mixed: three light edits at once
    for sub in rng.sample(("insert", "delete", "substitute", "year", "traditional", "province"), 3):
        piece = _edit(piece, sub, rng)[0]
    return [piece]


@dataclass(slots=True)
class Draft:
    """A draft, the truth for each of its characters and what each copied piece went through."""

    name: str
    paragraphs: list[str]
    labels: list[list[Label]]
    kinds: list[list[str]]  # per character: the edit kind of the piece it came from, or ""
    target: float


def build_draft(
    library: Library,
    fresh: list[FreshParagraph],
    *,
    seed: int,
    parity: int,
    size: int,
    ratio: float,
    shared: set[tuple[int, int]],
) -> Draft:
    """A draft of about ``size`` characters, ``ratio`` of them from edited library paragraphs."""
    rng = random.Random(seed)
    top = library.store.max_article_id()
    pieces: list[tuple[Piece, str]] = []
    copied = fresh_chars = 0
    pool = [p for p in fresh if p.number % 2 == parity]
    if ratio == 0:  # a fresh draft: only paragraphs that copy nothing (rule 2)
        pool = [p for p in pool if not any(n == p.number for n, _ in shared)]
    while copied + fresh_chars < size:
        if copied < ratio * size and (fresh_chars >= (1 - ratio) * size or rng.random() < ratio):
            aid = rng.randint(1, top)
            if aid % 2 != parity:
                continue
            try:
                article = library.get(aid)
            except SucaiError:  # ids of a library may have gaps
                continue
            body = [p for p in article.paragraphs if 60 <= len(p.text) <= 400 and not p.heading]
            if not body:
                continue
            para = rng.choice(body)
            kind = EDITS[len(pieces) % len(EDITS)]
            edited = _edit(_carried(para.text, (aid, para.index)), kind, rng)
            pieces.extend((p, kind) for p in edited)
            copied += sum(len(p) for p in edited)
        else:
            para = rng.choice(pool)
            piece: Piece = []
            index = 0
            for char in para.text:
                if is_counted(char):
                    piece.append((char, ("f", para.number, index)))
                    index += 1
                else:
                    piece.append((char, ("p",)))
            pieces.append((piece, ""))
            fresh_chars += len(piece)
    rng.shuffle(pieces)
    paragraphs: list[str] = []
    labels: list[list[Label]] = []
    kinds: list[list[str]] = []
    for n, (piece, kind) in enumerate(pieces):
        if n and rng.random() < 0.3:  # two pieces in one paragraph
            paragraphs[-1] += "".join(c for c, _ in piece)
            labels[-1] += [label for _, label in piece]
            kinds[-1] += [kind] * len(piece)
        else:
            paragraphs.append("".join(c for c, _ in piece))
            labels.append([label for _, label in piece])
            kinds.append([kind] * len(piece))
    return Draft(f"{seed}", paragraphs, labels, kinds, ratio)


def _stretch_counts(labels: list[Label], counted: list[int], stretch: list[int]) -> bool:
    """Whether carried characters ``stretch`` (indexes into ``counted``) make a copied
    stretch: 13 counted characters from first to last, 10 in a row copied verbatim."""
    if not stretch or stretch[-1] - stretch[0] + 1 < MIN_SPAN:
        return False
    longest = run = 1
    for a, b in pairwise(stretch):
        before, after = labels[counted[a]], labels[counted[b]]
        verbatim = b == a + 1 and int(after[2]) == int(before[2]) + 1  # type: ignore[call-overload]
        run = run + 1 if verbatim else 1
        longest = max(longest, run)
    return longest >= ANCHOR


def truth(draft: Draft, shared: set[tuple[int, int]]) -> list[list[bool]]:
    """Per character of each paragraph: copied by the truth rules (non-counted: False)."""
    out: list[list[bool]] = []
    for text, labels in zip(draft.paragraphs, draft.labels, strict=True):
        copied = [False] * len(text)
        counted = [n for n, c in enumerate(text) if is_counted(c) and labels[n][0] != "p"]
        for n in counted:
            label = labels[n]
            if label[0] == "f" and (label[1], label[2]) in shared:
                copied[n] = True
        # Copied stretches (rule 1): runs of carried characters over the counted ones.
        stretches: list[list[int]] = [[]]  # indexes into ``counted``
        last: Label | None = None
        edits = 0
        for k, n in enumerate(counted):
            label = labels[n]
            if label[0] == "e":
                edits += 1
                if edits > BRIDGE:
                    stretches.append([])
                    last = None
                continue
            if label[0] != "c":
                stretches.append([])
                last, edits = None, 0
                continue
            follows = (
                last is not None
                and label[1] == last[1]
                and 0 < int(label[2]) - int(last[2]) <= BRIDGE + 1  # type: ignore[call-overload]
            )
            if not follows:
                stretches.append([])
            stretches[-1].append(k)
            last = label
            edits = 0
        for stretch in stretches:
            if _stretch_counts(labels, counted, stretch):
                for k in range(stretch[0], stretch[-1] + 1):
                    copied[counted[k]] = True
        out.append(copied)
    return out


@dataclass(frozen=True, slots=True)
class Result:
    """One draft checked: truth and report, counted characters."""

    name: str
    chars: int
    truth: int
    reported: int
    true_positive: int
    per_kind: dict[str, tuple[int, int]]  # kind → (truth copied, found)
    seconds: float
    target: float


def evaluate(library: Library, draft: Draft, shared: set[tuple[int, int]]) -> Result:
    """Check ``draft`` (no stock phrases) and compare with the truth, character by character."""
    expected = truth(draft, shared)
    report = library.check(draft.paragraphs, exclude=[])
    chars = found = hits = true_copied = 0
    per_kind: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for text, want, checked, kinds in zip(
        draft.paragraphs, expected, report.paragraphs, draft.kinds, strict=True
    ):
        marked = [False] * len(text)
        for span in checked.spans:
            for n in range(span.start, span.end):
                marked[n] = True
        for n, char in enumerate(text):
            if not is_counted(char):
                continue
            chars += 1
            true_copied += want[n]
            found += marked[n]
            hits += want[n] and marked[n]
            if want[n] and kinds[n]:
                per_kind[kinds[n]][0] += 1
                per_kind[kinds[n]][1] += marked[n]
    return Result(
        draft.name,
        chars,
        true_copied,
        found,
        hits,
        {k: (v[0], v[1]) for k, v in per_kind.items()},
        report.seconds,
        draft.target,
    )


#: (size, ratio) of the drafts of a split: sizes 1,000–9,000, ratios 0–100 %, five fresh.
PLAN = [
    (1000 + (k * 2371) % 8000, ratio)
    for k, ratio in enumerate([0.0] * 5 + [k / 20 for k in range(1, 21)])
]
SPLITS = {"dev": (0, 1000), "held-out": (1, 5000)}


def run_split(
    library: Library, fresh: list[FreshParagraph], shared: set[tuple[int, int]], split: str
) -> list[Result]:
    """Build and check every draft of ``split``."""
    parity, seed0 = SPLITS[split]
    return [
        evaluate(
            library,
            build_draft(
                library,
                fresh,
                seed=seed0 + k,
                parity=parity,
                size=size,
                ratio=ratio,
                shared=shared,
            ),
            shared,
        )
        for k, (size, ratio) in enumerate(PLAN)
    ]


def summary(results: list[Result]) -> dict[str, float]:
    """MAE and worst error (points), fresh drafts' ratios, precision, recall, engine ms/1,000."""
    errors = [(r.reported - r.truth) / r.chars * 100 for r in results]
    fresh = [r.reported / r.chars * 100 for r in results if r.target == 0]
    found = sum(r.reported for r in results)
    copied = sum(r.truth for r in results)
    hits = sum(r.true_positive for r in results)
    return {
        "mae": statistics.fmean(abs(e) for e in errors),
        "mean": statistics.fmean(errors),
        "worst": max(errors, key=abs),
        "fresh_max": max(fresh, default=0.0),
        "precision": hits / found if found else 1.0,
        "recall": hits / copied if copied else 1.0,
        "ms_per_1000": statistics.median(r.seconds / r.chars * 1e6 for r in results),
    }


def kind_recall(results: list[Result]) -> dict[str, float]:
    """Recall of the truth-copied characters by the edit their piece went through."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        for kind, (copied, found) in r.per_kind.items():
            totals[kind][0] += copied
            totals[kind][1] += found
    return {k: v[1] / v[0] for k, v in sorted(totals.items()) if v[0]}


def main() -> None:
    """Verify the fresh text, build both splits, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="the library (shared corpus)")
    parser.add_argument("--split", choices=("dev", "held-out", "both"), default="dev")
    parser.add_argument("-v", "--verbose", action="store_true", help="a line per draft")
    args = parser.parse_args()
    fresh = read_fresh()
    with open_library(args.db) as library:
        library.index.sync(library.store)
        started = time.perf_counter()
        shared, copies = shared_with_library(library, fresh)
        chars = sum(sum(map(is_counted, p.text)) for p in fresh)
        print(
            f"fresh text: {len(fresh)} paragraphs, {chars} counted characters; "
            f"{len(shared)} of them in 13-character runs a library paragraph holds (rule 2; "
            f"every library paragraph scanned in {time.perf_counter() - started:.0f} s):"
        )
        for copy in copies:
            print(f"  in the library: {copy}")
        splits = ("dev", "held-out") if args.split == "both" else (args.split,)
        for split in splits:
            results = run_split(library, fresh, shared, split)
            if args.verbose:
                for r in results:
                    print(
                        f"  {r.name}: {r.chars} chars, truth {r.truth / r.chars:.1%}, "
                        f"reported {r.reported / r.chars:.1%}, "
                        f"precision {r.true_positive / max(1, r.reported):.3f}, "
                        f"{r.seconds * 1000:.0f} ms"
                    )
            s = summary(results)
            print(
                f"{split}: {len(results)} drafts · MAE {s['mae']:.2f} pp (mean {s['mean']:+.2f}) · "
                f"worst {s['worst']:+.2f} · fresh drafts ≤ {s['fresh_max']:.2f} % · "
                f"precision {s['precision']:.4f} · recall {s['recall']:.4f} · "
                f"engine {s['ms_per_1000']:.1f} ms per 1,000 chars (median)"
            )
            print(
                "  recall by edit: "
                + ", ".join(f"{k} {v:.4f}" for k, v in kind_recall(results).items())
            )


if __name__ == "__main__":
    main()
