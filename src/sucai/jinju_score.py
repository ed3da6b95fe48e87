"""How likely a 金句 the rules found is worth quoting (issue 20, `EXTRACTOR` 11).

The rules of :mod:`sucai.jinju` find sentences by their form; many lists of measures, news
statements and policy pairs share the form of a true 排比 or 对仗. A logistic regression
trained on every labelled sample of ``bench/`` (``bench/jinju_train.py``, scikit-learn)
scores each sentence the rules find, from the characters it holds (each one and each pair),
its kind and its shape; ``jinju_weights.json`` beside this file holds the weights, what they
were trained on, and the threshold per kind under which a sentence is not stored. No model is
downloaded and none is needed at run time: a score is a sum over a dictionary.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from importlib.resources import files
from typing import Final, NamedTuple

__all__ = ["Weights", "features", "score", "weights", "worth_quoting"]

#: What splits a sentence into clauses, for the shape features.
_CLAUSES = re.compile(r"[，；、。！？：]")
#: The longest sentence whose length counts in full (a longer one counts as this long).
_LONG: Final = 120


def features(kind: str, text: str) -> dict[str, float]:
    """The features of a 金句 of ``kind`` whose text is ``text``: ``c:`` every character and
    pair of adjacent characters it holds (present or not, not how often), ``k:`` its kind,
    its length, its number of clauses and whether it holds a quotation mark."""
    out: dict[str, float] = {f"c:{ch}": 1.0 for ch in text}
    out.update((f"c:{text[i : i + 2]}", 1.0) for i in range(len(text) - 1))
    out[f"k:{kind}"] = 1.0
    out["length"] = min(len(text), _LONG) / 60
    out["clauses"] = sum(1 for c in _CLAUSES.split(text) if c) / 4
    out["quoted"] = 1.0 if "“" in text else 0.0
    return out


class Weights(NamedTuple):
    """A trained model: the intercept, the weight of each feature (a feature not listed
    weighs nothing), and the lowest score a sentence of each kind is stored with."""

    intercept: float
    weights: dict[str, float]
    keep: dict[str, float]


@cache
def weights() -> Weights:
    """The weights shipped with sucai (``jinju_weights.json``), read once a process."""
    data = json.loads((files("sucai") / "jinju_weights.json").read_text(encoding="utf-8"))
    return Weights(float(data["intercept"]), data["weights"], data["keep"])


def score(kind: str, text: str, model: Weights | None = None) -> float:
    """The probability (0–1) that ``text``, found by the rules as a 金句 of ``kind``, is
    worth quoting by the criteria of docs/jinju.md."""
    model = model or weights()
    table = model.weights
    logit = model.intercept + sum(
        table.get(name, 0.0) * value for name, value in features(kind, text).items()
    )
    return 1.0 / (1.0 + math.exp(-logit))


def worth_quoting(kind: str, text: str, model: Weights | None = None) -> bool:
    """Whether a 金句 the rules found is stored: its score reaches its kind's threshold."""
    model = model or weights()
    return score(kind, text, model) >= model.keep.get(kind, 0.0)
