"""Tokens for the search index, made identically at index and query time.

Three views of one folded text (see :mod:`sucai.search.fold`):

* character **bigrams** with positions — a phrase of consecutive bigrams is an exact substring,
  so every query of two or more characters is answered exactly, with 100 % recall;
* single **characters** — one-character queries;
* **words** from a segmenter (rjieba) that knows the shipped 提法 dictionary — for BM25-class
  ranking that treats 优化营商环境 or 新质生产力 as one word.

Tokens are joined with ASCII spaces for tantivy's whitespace tokenizer, so a space inside the
text is written as :data:`SPACE` (a private-use character that never occurs in real text).
"""

from __future__ import annotations

import hashlib
import re
import threading
from array import array
from collections import Counter
from functools import cache
from importlib.metadata import version
from importlib.resources import files
from operator import add
from typing import Final

import numpy as np
import rjieba

from sucai.search.fold import fold, fold_table

__all__ = [
    "SPACE",
    "TOKENIZER_ID",
    "bigram_tokens",
    "char_tokens",
    "index_text",
    "prepare_batch",
    "tagged_words",
    "tifa_terms",
    "tokenizer_id",
    "word_counts",
    "word_tokens",
]

#: Stands for a space inside one token.
SPACE: Final = "\ue000"
#: The version of the code below that makes tokens from folded text: bump it when that changes.
_TOKENS_VERSION: Final = "tokens1"


@cache
def tifa_terms() -> tuple[str, ...]:
    """The shipped dictionary of 提法 (official expressions), most frequent first."""
    text = files("sucai.search").joinpath("tifa.txt").read_text(encoding="utf-8")
    return tuple(
        line.split("\t", 1)[0] for line in text.splitlines() if line and not line.startswith("#")
    )


def tokenizer_id() -> str:
    """What the tokens depend on, as one string: a mismatch rebuilds the index (issue 17).

    The version of this module's token code, a digest of the folding table (OpenCC's
    characters, widths, case, spaces), the segmenter's version (its own dictionary is built
    into it) and a digest of the 提法 it is taught. An upgrade of any of them changes the id,
    so an index built before it is rebuilt instead of answering queries tokenized another way.
    """
    table = sorted(fold_table().items())
    folding = hashlib.sha256(array("I", (c for pair in table for c in pair)).tobytes())
    tifa = hashlib.sha256("\n".join(tifa_terms()).encode("utf-8"))
    return (
        f"{_TOKENS_VERSION}-fold:{folding.hexdigest()[:12]}"
        f"-rjieba{version('rjieba')}-tifa:{tifa.hexdigest()[:12]}"
    )


_SEGMENTER_READY = threading.Event()
_SEGMENTER_LOCK = threading.Lock()


def _segmenter() -> None:
    """Teach the segmenter the 提法, once. Searches run in several threads, and a word added
    while another thread segments fails ("Already borrowed"): hence the lock."""
    if _SEGMENTER_READY.is_set():
        return
    with _SEGMENTER_LOCK:
        if not _SEGMENTER_READY.is_set():
            for term in tifa_terms():
                rjieba.add_word(fold(term), None, None)
            _SEGMENTER_READY.set()


#: Changes whenever tokens would come out differently (see :func:`tokenizer_id`).
TOKENIZER_ID: Final = tokenizer_id()


def index_text(text: str) -> str:
    """Fold ``text`` and mark its spaces, as every token view starts from."""
    return fold(text).replace(" ", SPACE)


def bigram_tokens(prepared: str) -> str:
    """Overlapping character bigrams of a prepared text, space-separated (position = offset)."""
    return " ".join(map(add, prepared, prepared[1:]))


def char_tokens(prepared: str) -> str:
    """Every character of a prepared text, space-separated."""
    return " ".join(prepared)


def word_tokens(prepared: str) -> str:
    """Segmenter words of a prepared text, space-separated."""
    _segmenter()
    return " ".join(w for w in rjieba.cut(prepared, False) if w != " ")


#: Characters the segmenter never puts inside a word (it cuts text into runs of Han
#: characters, letters and digits first): a stretch between them is cut alone as it would be
#: within the whole text.
_BREAKS: Final = re.compile(
    rf"[\s{SPACE}，。、；：？！“”‘’（）《》〈〉【】「」…—,;:?!()\[\]<>\"']+"
)


def word_counts(prepared: str, words: frozenset[str]) -> Counter[str]:
    """How often each of ``words`` is a segmenter word of a prepared text: the same counts as
    over :func:`word_tokens`, for a fraction of its time, since only the stretches between
    punctuation that hold one of the words are cut."""
    _segmenter()
    # A punctuation mark is a word of its own wherever it stands.
    marks = {w for w in words if _BREAKS.fullmatch(w)}
    counts = Counter({w: prepared.count(w) for w in marks})
    cut = words - marks
    for stretch in _BREAKS.split(prepared):
        if any(w in stretch for w in cut):
            counts.update(w for w in rjieba.cut(stretch, False) if w in cut)
    return +counts


def tagged_words(text: str) -> list[tuple[str, str]]:
    """``text`` cut into the segmenter's words, each as written in ``text`` with its part of
    speech (jieba's tags: ``v`` verb, ``p`` preposition, ``nr`` a person's name, ``x``
    punctuation; a 提法 has ``""``)."""
    _segmenter()
    words, start = [], 0
    for word, tag in rjieba.tag(fold(text), False):
        words.append((text[start : start + len(word)], tag))
        start += len(word)
    return words


def prepare_batch(texts: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Prepared text, bigram tokens and word tokens of many texts at once.

    Equal to ``index_text``/``bigram_tokens``/``word_tokens`` applied to each text, but done
    over the whole batch with NumPy and one segmenter call: the import of a large library
    spends most of its indexing time here. Texts must not contain line breaks.
    """
    if not texts:
        return [], [], []
    table = _fold_array()
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    starts = np.concatenate(([0], np.cumsum(lengths))).tolist()
    codes = table[np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)]
    n = len(codes)
    # Every character followed by its successor and a space: c0 c1 ␠ c1 c2 ␠ …
    grams = np.full(3 * n, 0x20, dtype=np.uint32)
    grams[0::3] = codes
    grams[1 : 3 * n - 3 : 3] = codes[1:]
    all_grams = grams.tobytes().decode("utf-32-le")
    all_text = codes.tobytes().decode("utf-32-le")
    prepared = [all_text[starts[i] : starts[i + 1]] for i in range(len(texts))]
    bigrams = [
        all_grams[3 * starts[i] : 3 * starts[i + 1] - 4] if lengths[i] >= 2 else ""
        for i in range(len(texts))
    ]
    _segmenter()
    words = " ".join(w for w in rjieba.cut("\n".join(prepared), False) if w != " ")
    return prepared, bigrams, words.split(" \n ") if len(texts) > 1 else [words]


@cache
def _fold_array() -> np.ndarray[tuple[int], np.dtype[np.uint32]]:
    """:func:`fold` and the space marking of :func:`index_text` as a lookup table."""
    table = np.arange(0x110000, dtype=np.uint32)
    for source, target in fold_table().items():
        table[source] = target
    table[table == 0x20] = ord(SPACE)
    return table
