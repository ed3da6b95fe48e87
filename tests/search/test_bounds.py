"""The best matches from score bounds (:mod:`sucai.search.bounds`) against scoring them all.

Synthetic documents whose scores tie often (few distinct lengths and frequencies) and whose
tie order (row ids) runs against their ordinals, so that equal scores turn up in blocks
opened late: the documents found must be those of the full ranking, in its order.
"""

from __future__ import annotations

import numpy as np
import pytest

from sucai.search.bounds import (
    BLOCK,
    Clause,
    Columns,
    Found,
    Lexeme,
    Scoring,
    Titled,
    best,
    build_columns,
    stored,
)

_NORMS = np.arange(256, dtype=np.float64)
SIZE = 6 * BLOCK + 77


def _columns(rng: np.random.Generator) -> Columns:
    lengths = np.sort(rng.integers(1, 12, SIZE))  # ordinals in length order, as a rebuild
    rows = {
        "un": lengths,
        "bn": lengths - 1,
        "wn": lengths // 2,
        "tn": np.full(SIZE, 2),
        "heading": rng.random(SIZE) < 0.01,
        "article": rng.integers(1, 300, SIZE),
        "pos": np.arange(SIZE),
        "rid": rng.permutation(SIZE)[::-1],
        "year": rng.integers(2000, 2025, SIZE),
        "genre": np.zeros(SIZE, dtype=np.int32),
        "role": np.zeros(SIZE, dtype=np.int32),
        "source": np.zeros(SIZE, dtype=np.int32),
    }
    values: dict[str, list[object]] = {"genre": ["报告"], "role": [None], "source": [""]}
    return Columns(build_columns(rows, values), _NORMS)


def _lexeme(tf: np.ndarray, *, common: bool) -> Lexeme:
    ordinals = np.flatnonzero(tf)
    return Lexeme(SIZE, *stored(SIZE, ordinals, tf[ordinals], common=common))


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("wanted", [1, 10, 40])
def test_the_best_from_bounds_are_the_best_of_all(seed: int, wanted: int) -> None:
    rng = np.random.default_rng(seed)
    columns = _columns(rng)
    held = rng.random(SIZE) < 0.6
    term = np.where(held, rng.choice([1, 1, 1, 2, 3], SIZE), 0)  # a bigram's frequencies
    word = np.where(held, rng.integers(0, 3, SIZE), 0)  # a word, in some of them
    lexemes = {"ab": _lexeme(term, common=True)}
    words = {"ab": _lexeme(word, common=seed % 2 == 0)}
    titled = {"ab": Titled(columns, np.array([3, 5, 8]))}
    clauses = [
        Clause("text", "ab", "bn", 4.0, 0.3, 0.05),
        Clause("word", "ab", "wn", 6.0, 0.3, 0.1),
        Clause("heading", "", "", 2.5),
        Clause("title", "ab", "tn", 3.0, 0.3, 0.2),
    ]
    # The exact scores, as SQL would give them: the same formula on the true frequencies;
    # a tenth of the candidates do not match (a phrase whose bigrams are apart).
    article = columns.data["article"]
    exact = (
        clauses[0].value(term.astype(float), columns.length("bn", np.arange(SIZE)))
        + clauses[1].value(word.astype(float), columns.length("wn", np.arange(SIZE)))
        + np.where(columns.data["heading"], 2.5, 0.0)
        + np.where(
            np.isin(article, [3, 5, 8]),
            clauses[3].value(1.0, columns.length("tn", np.arange(SIZE))),
            0.0,
        )
    ).astype(np.float32)
    matches = held & (rng.random(SIZE) < 0.9)
    rid = columns.data["rid"]

    def found(ordinal: int) -> Found:
        return Found(float(exact[ordinal]), (int(rid[ordinal]), 0), (ordinal,))

    def score(ordinals: np.ndarray) -> list[Found]:
        return [found(int(o)) for o in ordinals if matches[o]]

    bits = np.zeros(columns.blocks * BLOCK, dtype=bool)
    bits[:SIZE] = held
    scoring = Scoring(columns, clauses, lexemes, words, titled, paragraphs=True)
    got = best(scoring, np.packbits(bits, bitorder="little"), wanted, score, [])
    every = sorted(
        (found(int(o)) for o in np.flatnonzero(matches)), key=lambda f: (-f.score, f.key)
    )
    assert [f.row for f in got] == [f.row for f in every[:wanted]]


def test_equal_scores_in_blocks_opened_late_come_in_tie_order() -> None:
    """The tenth best ties with documents of blocks whose bound only reaches it: they are
    opened and, coming first in tie order (lower row ids), take the last places."""
    rng = np.random.default_rng(3)
    columns = _columns(rng)
    size = columns.size
    tf = np.full(size, 3)
    tf[: 4 * BLOCK] = rng.choice([1, 2, 3], 4 * BLOCK)
    tf[[5, 900, 2000]] = 5
    tf[[10, 1500, 2500, 3000]] = 4
    lengths = np.full(size, 10)
    rows = {name: columns.data[name] for name in columns.data} | {"un": lengths, "bn": lengths}
    rows["rid"] = np.arange(size)[::-1]  # the late blocks come first among equals
    flat = Columns(build_columns(rows, columns.values), _NORMS)
    clause = Clause("text", "ab", "bn", 4.0, 0.3, 0.05)
    exact = clause.value(tf.astype(float), np.full(size, 10.0)).astype(np.float32)
    rid = flat.data["rid"]

    def score(ordinals: np.ndarray) -> list[Found]:
        return [Found(float(exact[o]), (int(rid[o]), 0), (int(o),)) for o in ordinals]

    bits = np.zeros(flat.blocks * BLOCK, dtype=bool)
    bits[:size] = True
    scoring = Scoring(flat, [clause], {"ab": _lexeme(tf, common=True)}, {}, {}, paragraphs=True)
    got = best(scoring, np.packbits(bits, bitorder="little"), 10, score, [])
    # Row ids run against ordinals: the best among equals are the last documents.
    assert [f.row[0] for f in got] == [
        2000,
        900,
        5,
        3000,
        2500,
        1500,
        10,
        *range(size - 1, size - 4, -1),
    ]


def test_postings_round_trip_through_storage() -> None:
    rng = np.random.default_rng(7)
    tf = np.where(rng.random(SIZE) < 0.3, rng.integers(1, 300, SIZE), 0)
    for common in (True, False):
        lexeme = _lexeme(tf, common=common)
        ordinals = np.arange(SIZE)
        assert np.array_equal(lexeme.tf(ordinals), tf)
        peaks = np.zeros(-(-SIZE // BLOCK))
        np.maximum.at(peaks, ordinals // BLOCK, tf)
        assert np.array_equal(lexeme.peaks, peaks)
