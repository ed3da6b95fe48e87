"""The 金句 filter (issue 20, ``EXTRACTOR`` 11): its scores are scikit-learn's, its features
are those written in its docstring, and what the rules find it refuses is not stored. The
sentences are written for these tests (none is in a labelled sample of ``bench/``)."""

from __future__ import annotations

import hashlib
import json
import math
from importlib.resources import files

import pytest

from sucai.jinju import find_jinju, jinju_rows
from sucai.jinju_score import Weights, features, score, worth_quoting
from tests.conftest import ROOT

SHIPPED = json.loads((files("sucai") / "jinju_weights.json").read_text(encoding="utf-8"))


def test_the_scores_are_those_scikit_learn_gave_when_it_trained_the_weights() -> None:
    # bench/jinju_train.py stores predict_proba's answer for the first sentence of each
    # labelled sample: the sum over the dictionary must give the same probability.
    assert len(SHIPPED["check"]) >= 10
    for kind, text, expected in SHIPPED["check"]:
        assert score(kind, text) == pytest.approx(expected, abs=1e-6), text


def test_the_weights_were_trained_on_the_labelled_samples_as_they_are() -> None:
    # A label changed or a sample added without training again (bench/jinju_train.py, then a
    # new EXTRACTOR) leaves the weights behind the labels: say so here.
    for name, digest in SHIPPED["sets"].items():
        text = (ROOT / "bench" / name).read_bytes()
        assert hashlib.sha256(text).hexdigest()[:12] == digest, f"{name} changed since training"
    labelled = {path.name for path in (ROOT / "bench").glob("jinju_labels*.tsv")}
    # Every labelled set is trained on but the shipped weights' blind test (UNSEEN of
    # bench/jinju_train.py, labelled after they were written), and that never.
    unseen = set(SHIPPED["unseen"])
    assert labelled - set(SHIPPED["sets"]) == unseen
    assert unseen and not unseen & set(SHIPPED["sets"])


def test_features_are_characters_pairs_kind_and_shape() -> None:
    # Written out by hand: 至上 comes twice and counts once (present, not how often).
    chars = ["人", "民", "至", "上", "，", "生", "命"]
    pairs = ["人民", "民至", "至上", "上，", "，生", "生命", "命至"]
    assert features("对仗", "人民至上，生命至上") == {
        **{f"c:{c}": 1.0 for c in chars + pairs},
        "k:对仗": 1.0,
        "length": 9 / 60,
        "clauses": 2 / 4,
        "quoted": 0.0,
    }
    long = "“" + "甲乙，" * 49 + "甲乙”"
    shape = features("排比", long)
    assert (shape["length"], shape["clauses"], shape["quoted"]) == (2.0, 50 / 4, 1.0)


def test_a_score_is_the_logistic_of_the_weighted_sum() -> None:
    model = Weights(math.log(3), {"c:甲": math.log(1 / 3) * 2, "k:对仗": 0.0}, {"对仗": 0.25})
    assert score("对仗", "乙乙", model) == pytest.approx(0.75)
    assert score("对仗", "甲乙", model) == pytest.approx(0.25)
    # The threshold is the lowest score kept; a kind without one keeps everything.
    assert worth_quoting("对仗", "甲乙", model)
    assert not worth_quoting("对仗", "甲乙", model._replace(keep={"对仗": 0.26}))
    assert worth_quoting("警句", "甲甲", model._replace(keep={"对仗": 0.99}))


@pytest.mark.parametrize(
    ("sentence", "kind", "kept"),
    [
        # Policy pairs and a list of commitments in the form of a couplet or a run.
        ("完善就业政策，改善就业环境。", "对仗", False),
        ("提出重要要求，作出重要部署。", "对仗", False),
        ("自觉接受群众监督，自觉接受舆论监督，自觉接受社会监督。", "排比", False),
        # Quotations.
        ("古人说：“不积跬步，无以至千里；不积小流，无以成江海。”", "引用", True),
        ("正如古人所说，“天下之事，不难于立法，而难于法之必行”。", "引用", True),
        ("他强调，民心是最大的政治，正义是最强的力量。", "引用", True),
    ],
)
def test_the_filter_drops_lists_and_policy_pairs_and_keeps_quotations(
    sentence: str, kind: str, kept: bool
) -> None:
    (found,) = find_jinju(sentence)
    assert found.kind == kind
    assert worth_quoting(kind, sentence[found.start : found.stop]) is kept


def test_only_what_the_filter_keeps_is_stored() -> None:
    quote = "古人说：“不积跬步，无以至千里；不积小流，无以成江海。”"
    paragraph = quote + "完善就业政策，改善就业环境。"
    assert [s.kind for s in find_jinju(paragraph)] == ["引用", "对仗"]
    assert jinju_rows([(7, 3, paragraph)]) == [(7, 3, 0, len(quote), "引用")]
