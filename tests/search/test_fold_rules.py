"""The folding rules, each against an answer that does not come from the folding code (issue 23).

Full-width forms are checked against Unicode's own compatibility mapping (NFKC), spaces against
Unicode's category of space separators, case against ``str.lower``, and the reading of OpenCC's
table against a table written for the test with its answer worked out by hand.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sucai.search.fold import _fold_table, fold, fold_table

#: The control characters Python's ``str.split()`` treats as spaces besides the separators.
_ASCII_SPACES = "\t\n\r\x0b\x0c"


@pytest.fixture(autouse=True)
def _fresh_table() -> Iterator[None]:
    """Each test folds with a table built for it, not one cached by an earlier test (so that
    ``make mutate`` counts every test here as reaching the code that builds the table)."""
    fold_table.cache_clear()
    yield
    fold_table.cache_clear()


def test_every_full_width_form_folds_to_its_ascii_letter_in_lower_case() -> None:
    # U+FF01 ！ … U+FF5E ～ are NFKC-equivalent to ASCII ! … ~; capitals end lower-case.
    for code in range(0xFF01, 0xFF5F):
        char = chr(code)
        assert fold(char) == unicodedata.normalize("NFKC", char).lower(), hex(code)
    assert fold("ＡＺａｚ＠［｀｛") == "azaz@[`{"


def test_the_neighbours_of_the_full_width_block_are_left_alone() -> None:
    # U+FF00 is unassigned, U+FF5F ｟ and U+FF61 ｡ (half-width) are not full-width ASCII.
    for char in "\uff00\uff5f\uff60\uff61\uff65":
        assert fold(char) == char, hex(ord(char))


def test_ascii_folds_to_lower_case_and_its_control_spaces_to_one_space() -> None:
    for code in range(128):
        char = chr(code)
        expected = " " if char in _ASCII_SPACES else char.lower()
        assert fold(char) == expected, hex(code)


def test_every_space_separator_folds_to_one_ascii_space() -> None:
    separators = [
        chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Zs"
    ]
    assert "\u3000" in separators and "\u00a0" in separators  # 全角空格, no-break space
    for char in separators:
        assert fold(char) == " ", hex(ord(char))


def test_zero_width_and_line_separators_are_not_spaces() -> None:
    # U+200B zero width space comes right after the U+2000…U+200A run of spaces; it is a
    # format character (Cf), not a separator, and U+2028 separates lines, not words.
    for char in "\u200b\u200c\u200d\u2028\u2029\u2060\ufeff\u1fff":
        assert fold(char) == char, hex(ord(char))


def test_traditional_characters_fold_one_to_one_from_opencc() -> None:
    # Hand-checked against OpenCC's TSCharacters.txt: 乾 has 干 first, 彷 itself first.
    assert fold("國務院關於發佈《條例》的通知") == "国务院关于发布《条例》的通知"
    assert fold("乾") == "干"
    assert fold("彷") == "彷"
    assert fold("干国") == "干国"  # simplified text is left as it is


def test_only_one_character_to_one_other_character_is_read_from_the_opencc_table() -> None:
    opencc = "\n".join(
        [
            "國\t国",  # one to one: folded
            "乾\t干 乾",  # alternatives: the first one
            "彷\t彷 仿",  # the first alternative is the character itself: not folded
            "𠁞\t𠀾",  # outside the Basic Multilingual Plane: still one character each
            "一個\t一个",  # a phrase
            "錶鐘\t钟",  # two characters to one
            "丟\t丢丢",  # one character to two
            "著\t",  # no target at all
            "著",  # no tab
        ]
    )
    table = _fold_table(opencc)
    fixed = _fold_table("")
    assert {key: table[key] for key in table.keys() - fixed.keys()} == {
        ord("國"): ord("国"),
        ord("乾"): ord("干"),
        ord("𠁞"): ord("𠀾"),
    }
    assert {key: table[key] for key in fixed} == fixed  # the table adds, never replaces


def test_a_chain_of_the_table_folds_to_its_end_and_a_cycle_stops() -> None:
    """OpenCC maps 薴 to 苧 and 苧 to 苎: text folded once must not fold again (issue 23)."""
    table = _fold_table("薴\t苧\n苧\t苎\n甲\t乙\n乙\t甲\n")
    assert table[ord("薴")] == table[ord("苧")] == ord("苎")
    end = table[ord("乙")]  # a cycle ends (no endless loop) on one of its characters
    assert end in (ord("甲"), ord("乙")) and table[ord("甲")] == end and table.get(end) == end
    assert fold("薴苧苎") == "苎苎苎"  # the shipped table has this chain
    assert all(fold(fold(chr(code))) == fold(chr(code)) for code in fold_table())


@given(st.text())
def test_folding_keeps_every_offset(text: str) -> None:
    assert len(fold(text)) == len(text)
