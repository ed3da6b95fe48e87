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

from functools import cache
from importlib.resources import files
from operator import add
from typing import Final

import rjieba

from sucai.search.fold import fold

__all__ = [
    "SPACE",
    "TOKENIZER_ID",
    "bigram_tokens",
    "char_tokens",
    "index_text",
    "tifa_terms",
    "word_tokens",
]

#: Stands for a space inside one token.
SPACE: Final = "\ue000"
#: Changes whenever tokens would come out differently; a mismatch rebuilds the index.
TOKENIZER_ID: Final = "fold1-bigram1-rjieba-tifa1"


@cache
def tifa_terms() -> tuple[str, ...]:
    """The shipped dictionary of 提法 (official expressions), most frequent first."""
    text = files("sucai.search").joinpath("tifa.txt").read_text(encoding="utf-8")
    return tuple(
        line.split("\t", 1)[0] for line in text.splitlines() if line and not line.startswith("#")
    )


@cache
def _segmenter() -> None:
    for term in tifa_terms():
        rjieba.add_word(fold(term), None, None)


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
    """Segmenter words of two or more characters (punctuation and single characters dropped)."""
    _segmenter()
    return " ".join(w for w in rjieba.cut(prepared.replace(SPACE, " ")) if len(w) > 1 and w.strip())
