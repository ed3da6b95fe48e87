"""Train the 金句 filter (issue 20, ``EXTRACTOR`` 11): a logistic regression over the features
of :func:`sucai.jinju_score.features`, on every labelled sample of ``bench/``, written to
``src/sucai/jinju_weights.json`` with the threshold per kind under which a 金句 is not stored.

    .venv/bin/python -m pip install --group train     # scikit-learn, for this script only
    .venv/bin/python -m bench.jinju_train --evaluate  # each fresh sample scored by a model
                                                      # trained without it, and the shipped
                                                      # weights on UNSEEN; nothing written
    .venv/bin/python -m bench.jinju_train             # train on all, write the weights

Raise ``sucai.jinju.EXTRACTOR`` with new weights: libraries then find their 金句 again.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

from sucai.jinju_score import Weights, features, score, weights

try:
    import sklearn
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
except ImportError:
    sys.exit("bench.jinju_train needs scikit-learn: .venv/bin/python -m pip install --group train")

BENCH = Path(__file__).parent
OUT = BENCH.parent / "src" / "sucai" / "jinju_weights.json"
#: Every labelled sample (docs/benchmarks.md says how each was drawn and labelled); the
#: repeats file has no kind column (its candidates were not the rules').
SETS = (
    "jinju_labels.tsv",
    "jinju_labels_heldout.tsv",
    "jinju_labels_fresh.tsv",
    "jinju_labels_lines.tsv",
    "jinju_labels_said.tsv",
    "jinju_labels_fresh2.tsv",
    "jinju_labels_fresh3.tsv",
    "jinju_labels_fresh4.tsv",
    "jinju_labels_repeats.tsv",
    "jinju_labels_fresh5.tsv",
    "jinju_labels_fresh6.tsv",
    "jinju_labels_fresh7.tsv",
    "jinju_labels_fresh8.tsv",
    "jinju_labels_fresh9.tsv",
    "jinju_labels_dateline.tsv",
    "jinju_labels_speeches.tsv",
    "jinju_labels_provincial.tsv",
    "jinju_labels_fresh10.tsv",
)
#: What ``--evaluate`` holds out, one at a time (its texts removed from the training): the
#: samples drawn at random from what the rules stored and labelled before being scored, and
#: every sentence the rules find in material from outside the corpus (speeches, reports).
#: Not the tuning and held-out samples (the rules were tuned on their errors), nor the sets of
#: what one rule added or the repeats (not drawn at random).
HELD_OUT = (
    "jinju_labels_fresh.tsv",
    "jinju_labels_fresh2.tsv",
    "jinju_labels_fresh3.tsv",
    "jinju_labels_fresh4.tsv",
    "jinju_labels_fresh5.tsv",
    "jinju_labels_fresh6.tsv",
    "jinju_labels_fresh7.tsv",
    "jinju_labels_fresh8.tsv",
    "jinju_labels_fresh9.tsv",
    "jinju_labels_fresh10.tsv",
    "jinju_labels_speeches.tsv",
    "jinju_labels_provincial.tsv",
)
#: Labelled blind after the shipped weights were written, never trained on: their test
#: (written into the weights, which tests/test_jinju_score.py checks). Train on them only
#: with a new blind set to test the new weights.
UNSEEN = ("jinju_labels_news2001.tsv",)
#: The lowest score stored, per kind: 引用 and 警句 are mostly right by their form alone;
#: 排比 and 对仗 share their form with lists of measures and policy pairs.
KEEP = {"引用": 0.3, "排比": 0.7, "对仗": 0.5, "警句": 0.0}
#: A character or pair seen in fewer labelled texts than this is no feature.
MIN_TEXTS = 2
#: The inverse strength of the regularisation (scikit-learn's C); classes are weighted by
#: their frequency (most sentences are labelled 1).
C = 1.0

Row = tuple[str, str, int, str]  # set, kind, label, text


def labelled(names: tuple[str, ...] = SETS) -> list[Row]:
    """Every labelled sentence of the named sets: (set, kind, 1/0, text)."""
    rows = []
    for name in names:
        for line in (BENCH / name).read_text(encoding="utf-8").splitlines():
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            kind, label, text = fields if len(fields) == 3 else ("", *fields)
            rows.append((name, kind, int(label), text))
    return rows


def train(rows: list[Row]) -> tuple[Weights, LogisticRegression, DictVectorizer]:
    """A model of ``rows``: characters and pairs seen in :data:`MIN_TEXTS` texts or more."""
    seen = Counter(name for _, kind, _, text in rows for name in features(kind, text))
    xs = [
        {
            n: v
            for n, v in features(kind, text).items()
            if not n.startswith("c:") or seen[n] >= MIN_TEXTS
        }
        for _, kind, _, text in rows
    ]
    vectorizer = DictVectorizer()
    fit = LogisticRegression(C=C, max_iter=5000, class_weight="balanced")
    fit.fit(vectorizer.fit_transform(xs), [label for _, _, label, _ in rows])
    table = {
        name: round(float(w), 8)
        for name, w in zip(vectorizer.get_feature_names_out(), fit.coef_[0], strict=True)
        if w
    }
    return Weights(round(float(fit.intercept_[0]), 8), table, KEEP), fit, vectorizer


def _judged(name: str, test: list[Row], model: Weights) -> tuple[int, int, int, int]:
    """Print the row of one set: the precision of what the rules found and of what ``model``
    keeps, and the true ones it loses; return (true, found, true kept, kept)."""
    kept = [label for _, kind, label, text in test if score(kind, text, model) >= model.keep[kind]]
    true = sum(label for *_, label, _ in test)
    print(
        f"| {name} | {true / len(test):.3f} ({true}/{len(test)}) | "
        f"{sum(kept) / max(1, len(kept)):.3f} ({sum(kept)}/{len(kept)}) | "
        f"{true - sum(kept)} |"
    )
    return true, len(test), sum(kept), len(kept)


def evaluate(rows: list[Row]) -> None:
    """Print, for each set of :data:`HELD_OUT`, the precision of what the rules stored and of
    what the filter keeps, by a model trained on the other sets (their texts removed)."""
    print("| sample | rules | filter kept | true ones lost |")
    print("|---|---:|---:|---:|")
    total = [0, 0, 0, 0]
    for name in HELD_OUT:
        test = [r for r in rows if r[0] == name]
        texts = {r[3] for r in test}
        model, _, _ = train([r for r in rows if r[0] != name and r[3] not in texts])
        for i, n in enumerate(_judged(name, test, model)):
            total[i] += n
    print(
        f"| all | {total[0] / total[1]:.3f} | {total[2] / total[3]:.3f} | {total[0] - total[2]} |"
    )


def unseen() -> None:
    """Print, for each set of :data:`UNSEEN`, the precision of what the rules find and of what
    the shipped weights keep."""
    print("| never trained on | rules | kept | true ones lost |")
    print("|---|---:|---:|---:|")
    for name in UNSEEN:
        _judged(name, labelled((name,)), weights())


def write(rows: list[Row]) -> None:
    """Train on every row and write the weights, with what scikit-learn itself gives for the
    first sentence of each set (the tests compare :func:`sucai.jinju_score.score` with it)."""
    model, fit, vectorizer = train(rows)
    firsts = list({name: (kind, text) for name, kind, _, text in reversed(rows)}.values())
    check = [
        [kind, text, round(float(p), 8)]
        for (kind, text), p in zip(
            firsts,
            fit.predict_proba(vectorizer.transform([features(k, t) for k, t in firsts]))[:, 1],
            strict=True,
        )
    ]
    sets = {name: hashlib.sha256((BENCH / name).read_bytes()).hexdigest()[:12] for name in SETS}
    data = {
        "about": "sucai 金句 filter: logistic regression, bench/jinju_train.py (issue 20)",
        "trained": datetime.date.today().isoformat(),
        "scikit-learn": sklearn.__version__,
        "C": C,
        "sets": sets,
        "unseen": list(UNSEEN),
        "sentences": len(rows),
        "keep": model.keep,
        "intercept": model.intercept,
        "check": check,
        "weights": dict(sorted(model.weights.items())),
    }
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(model.weights)} weights from {len(rows)} labelled sentences")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--evaluate", action="store_true", help="hold out each set of HELD_OUT; score UNSEEN"
    )
    args = parser.parse_args()
    if set(UNSEEN) & set(SETS):
        sys.exit(f"bench.jinju_train: {sorted(set(UNSEEN) & set(SETS))} in both SETS and UNSEEN")
    rows = labelled()
    if args.evaluate:
        evaluate(rows)
        unseen()
    else:
        write(rows)


if __name__ == "__main__":
    main()
