"""Screening at import (issue 16 item 11): classified markings and personal data.

* **密级标志.** GB/T 9704 puts a classified document's marking — 绝密, 机密 or 秘密, with or
  without ★ and a 保密期限 (``秘密★1年``, ``机密★长期``, ``绝密★启用前``) — in the 版头 at the
  top left, on a line of its own (the 份号 may stand before it, the 紧急程度 after it).
  :func:`classified_marking` looks for such a line among the first lines of a file only, so
  text that merely mentions 秘密 (保守国家秘密, 商业秘密, ``国家秘密的密级分为绝密、机密、
  秘密三级``) is never taken for a marking.
* **Personal data.** :func:`find_personal` finds 身份证号 (18 digits whose check digit is
  right, or the 15-digit old form with a valid birth date), 手机号 (``1[3-9]`` + 9 digits)
  and bank card numbers (16–19 digits, Luhn-valid), each a whole run of digits (not part of a
  longer number, an amount or a code with letters). :func:`redact_personal` masks them with
  ``＊`` of the same length, so every character offset holds.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "MASK",
    "PersonalKind",
    "classified_marking",
    "find_personal",
    "redact_personal",
]

#: How many non-empty lines at the top of a file hold its 版头.
_HEAD_LINES: Final = 6
_MARKING: Final = re.compile(
    r"^(?:[0-9０-９]{1,8}\s*)?"  # 份号
    r"(?:密级\s*[：:]?\s*)?"
    r"(?P<marking>(?:绝\s*密|机\s*密|秘\s*密)"
    r"(?:\s*[★☆＊*]\s*(?:[0-9０-９]+\s*(?:年|个月)|[一二三四五六七八九十]+\s*年|长期|启用前)?"
    r"|\s*[（(]\s*[0-9０-９]+\s*(?:年|个月)\s*[）)])?)"
    r"(?:\s*(?:特急|加急|特提|平急))?$"
)


def classified_marking(lines: Iterable[str]) -> str | None:
    """The 密级 marking of a file whose first lines are ``lines``, or ``None``.

    Only a line that holds nothing but the marking (and a 份号 or 紧急程度) among the first
    :data:`_HEAD_LINES` non-empty lines counts.
    """
    seen = 0
    for line in lines:
        text = line.strip(" \t\u3000\u00a0")
        if not text:
            continue
        if "密" in text and len(text) <= 24:
            match = _MARKING.match(text)
            if match:
                return match.group("marking")
        seen += 1
        if seen >= _HEAD_LINES:
            return None
    return None


PersonalKind = Literal["id-card", "mobile", "bank-card"]
#: The mask character of :func:`redact_personal` (full width: one character for one digit).
MASK: Final = "＊"
# A whole run of digits (an 18-digit ID may end in X), not beside another digit, a letter or a
# decimal point (an amount, a code such as a 统一社会信用代码 with letters), nor part of a path
# or file name (…/2025033019541676199.jpg).
_RUN: Final = re.compile(
    r"(?<![0-9A-Za-z０-９/\\_])(?<![0-9][.．])[0-9]{11,19}[Xx]?"
    r"(?![0-9A-Za-z０-９/\\_])(?![.．][0-9A-Za-z])"
)
_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK: Final = "10X98765432"


def _valid_date(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _is_id_card(digits: str) -> bool:
    if digits[0] not in "12345678":  # province codes 11–82
        return False
    if len(digits) == 18:
        if not digits[:17].isdigit():
            return False
        total = sum(int(d) * w for d, w in zip(digits[:17], _ID_WEIGHTS, strict=True))
        if _ID_CHECK[total % 11] != digits[17].upper():
            return False
        return 1900 <= int(digits[6:10]) <= 2100 and _valid_date(
            int(digits[6:10]), int(digits[10:12]), int(digits[12:14])
        )
    if len(digits) == 15 and digits.isdigit():
        return _valid_date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
    return False


def _luhn(digits: str) -> bool:
    total = 0
    for n, char in enumerate(reversed(digits)):
        d = int(char)
        if n % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _kind(run: str) -> PersonalKind | None:
    if len(run) in (15, 18) and _is_id_card(run):
        return "id-card"
    if not run.isdigit():
        return None
    if len(run) == 11:
        return "mobile" if run[0] == "1" and run[1] in "3456789" else None
    if 16 <= len(run) <= 19 and _luhn(run):
        return "bank-card"
    return None


def find_personal(text: str) -> list[tuple[int, int, PersonalKind]]:
    """Personal numbers in ``text``: ``(start, end, kind)`` with character offsets."""
    found: list[tuple[int, int, PersonalKind]] = []
    for match in _RUN.finditer(text):
        kind = _kind(match.group(0))
        if kind is not None:
            found.append((match.start(), match.end(), kind))
    return found


def redact_personal(text: str) -> tuple[str, int]:
    """``text`` with each personal number masked (same length), and how many were masked."""
    found = find_personal(text)
    if not found:
        return text, 0
    chars = list(text)
    for start, end, _kind in found:
        chars[start:end] = MASK * (end - start)
    return "".join(chars), len(found)
