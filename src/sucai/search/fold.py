"""Folding for matching: full/half width, case and traditional → simplified, one char to one.

Search compares folded text with folded queries; the stored text is never rewritten. Every
folding step maps exactly one character to one character, so a character offset in folded text
is the same offset in the original — highlights computed on folded text apply to the original.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

__all__ = ["fold", "fold_table"]

_FULLWIDTH_START = 0xFF01  # ！ … ～ map to ! … ~
_FULLWIDTH_END = 0xFF5E


@cache
def fold_table() -> dict[int, int]:
    """The folding as a ``str.translate`` table (code point → code point)."""
    # OpenCC's traditional → simplified characters, shipped in the package (Apache-2.0: see
    # opencc/NOTICE beside the file).
    data = (files("sucai.search") / "opencc" / "TSCharacters.txt").read_text(encoding="utf-8")
    return _fold_table(data)


def _fold_table(opencc: str) -> dict[int, int]:
    """The table built from the lines of an OpenCC table (``source<TAB>target alternatives…``).

    Kept apart from :func:`fold_table`'s cache so that its rules can be tested (and mutated)
    with a table written for the test.
    """
    table: dict[int, int] = {}
    for line in opencc.splitlines():
        source, _, targets = line.partition("\t")
        target = targets.split(" ")[0]  # the first of the alternatives; "" when there is none
        if len(source) == 1 and len(target) == 1 and source != target:
            table[ord(source)] = ord(target)
    for code in range(_FULLWIDTH_START, _FULLWIDTH_END + 1):
        table[code] = code - 0xFEE0
    for space in "\t\n\r\x0b\x0c\xa0\u1680\u202f\u205f\u3000" + "".join(
        map(chr, range(0x2000, 0x200B))
    ):
        table[ord(space)] = 0x20  # every kind of space is one space
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = code + 32
    # A chain of the table (薴 → 苧, 苧 → 苎) is followed to its end, so that folding folded
    # text changes nothing: 薴, 苧 and 苎 all fold to 苎. A cycle stops where it closes.
    for code in table:
        seen = {code}
        while table[code] in table and table[code] not in seen:
            seen.add(table[code])
            table[code] = table[table[code]]
    return table


def fold(text: str) -> str:
    """Fold ``text`` for matching; ``len(fold(t)) == len(t)`` always holds."""
    return text.translate(fold_table())
