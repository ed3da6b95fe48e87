"""Export fingerprints (issue 15): who an exported file was made for, visibly and invisibly.

Every web download, and every ``sucai export --for NAME``, gets a fresh random *code* of 40
bits (eight Crockford base-32 characters, e.g. ``7K3QX2MA``) that the audit log records with
the download; the code alone says nothing, the operator's audit log names the account. The
file carries the code three ways:

* **in the text**: as 25 zero-width characters (:data:`ALPHABET`, two bits each: the 40 code
  bits and an 8-bit checksum, then a closing U+200B) at the start of every paragraph — title,
  headings, body, sources, footer line — and, in .txt and .md files, again between two CJK
  ideographs every :data:`SPACING` characters. A paragraph copied into a new document or a
  chat message carries it; :func:`find_codes` reads it back from any text.
* **in the .docx properties**: ``identifier`` and ``comments`` of the core properties and a
  custom property :data:`CUSTOM_PROPERTY` (see :mod:`sucai.export.docx`).
* **in the footer**, unless the operator turns it off for the tier: the visible line
  ``仅供 会员甲 使用 · 2026-12-06`` (:attr:`Stamp.line`).

Why random codes rather than a keyed HMAC of the download id: the code must be in the audit
row that the download writes (the quota check and the record are one statement), and a random
code needs no key to keep, rotate or lose; 40 random bits cannot be guessed to name another
account, and a look-up lists every row that holds a code, so a (very unlikely) repeat is
shown, never silently resolved.

Why these places: in a .docx, a code between two characters of the condensed GB/T 9704 text
moved the rest of the line by 0.3–1 pt in LibreOffice (some lines broke elsewhere), while at
the start of a paragraph it moves nothing. In plain text the codes inside a paragraph sit
only between two ideographs, where a line may break anyway (UAX #14), and the closing U+200B
(a break may follow it) keeps that break opportunity.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Final

__all__ = [
    "ALPHABET",
    "CODE_LENGTH",
    "CUSTOM_PROPERTY",
    "SPACING",
    "Stamp",
    "embed",
    "encode",
    "find_codes",
    "is_code",
    "new_code",
    "positions",
    "strip",
]

#: The four zero-width characters, worth 0, 1, 2 and 3: ZERO WIDTH SPACE, ZERO WIDTH
#: NON-JOINER, ZERO WIDTH JOINER, WORD JOINER.
ALPHABET: Final = "\u200b\u200c\u200d\u2060"
#: Characters of paragraph text between two copies of the code (after the first one).
SPACING: Final = 120
#: The custom document property of a .docx that holds the code.
CUSTOM_PROPERTY: Final = "sucai-export-code"
#: Crockford base 32: no I, L, O, U (easy to read aloud and to type).
_BASE32: Final = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_BITS: Final = 40
CODE_LENGTH: Final = _CODE_BITS // 5
_CHECK_BITS: Final = 8
#: Symbols of one frame: code and checksum, two bits a symbol.
_FRAME: Final = (_CODE_BITS + _CHECK_BITS) // 2
_RUN: Final = re.compile(f"[{ALPHABET}]+")
_STRIP: Final = {ord(c): None for c in ALPHABET}
_CODE: Final = re.compile(f"[{_BASE32}]{{{CODE_LENGTH}}}")


def _ideograph(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF


def new_code() -> str:
    """A fresh random code: 8 Crockford base-32 characters (40 bits)."""
    return _to_code(secrets.randbits(_CODE_BITS))


def is_code(text: str) -> bool:
    """Whether ``text`` is written like a code (8 characters of Crockford base 32)."""
    return bool(_CODE.fullmatch(text))


def _to_code(value: int) -> str:
    return "".join(_BASE32[(value >> shift) & 31] for shift in range(_CODE_BITS - 5, -1, -5))


def _checksum(value: int) -> int:
    return hashlib.blake2b(value.to_bytes(_CODE_BITS // 8, "big"), digest_size=1).digest()[0]


def encode(code: str) -> str:
    """The zero-width frame of ``code``: 24 symbols (code, checksum) and a closing U+200B.

    Raises:
        ValueError: ``code`` is not a code (see :func:`is_code`).
    """
    if not is_code(code):
        raise ValueError(f"not an export code: {code!r}")
    value = 0
    for char in code:
        value = value << 5 | _BASE32.index(char)
    bits = value << _CHECK_BITS | _checksum(value)
    symbols = [ALPHABET[(bits >> shift) & 3] for shift in range(2 * _FRAME - 2, -1, -2)]
    return "".join(symbols) + ALPHABET[0]


def _decode(frame: str) -> str | None:
    """The code of ``_FRAME`` symbols, or ``None`` when the checksum does not hold."""
    bits = 0
    for char in frame:
        bits = bits << 2 | ALPHABET.index(char)
    value = bits >> _CHECK_BITS
    if bits & ((1 << _CHECK_BITS) - 1) != _checksum(value):
        return None
    return _to_code(value)


def find_codes(text: str) -> dict[str, int]:
    """The codes hidden in ``text``, each with how many times it occurs, in order of first
    occurrence.

    Every run of zero-width characters long enough to hold a frame is read at each offset,
    and a code counts where the checksum holds: a frame next to zero-width characters that
    were already in the text, or cut by a partial copy, does not confuse the reading.
    """
    found: dict[str, int] = {}
    for run in _RUN.finditer(text):
        chars = run.group()
        start = 0
        while start + _FRAME <= len(chars):
            code = _decode(chars[start : start + _FRAME])
            if code is None:
                start += 1
                continue
            found[code] = found.get(code, 0) + 1
            start += _FRAME
    return found


def positions(text: str, *, spread: bool = True) -> list[int]:
    """Where :func:`embed` puts the code in ``text`` (offsets in characters): at the start,
    and with ``spread`` also between two CJK ideographs every :data:`SPACING` characters or
    more. Nothing for an empty text."""
    if not text:
        return []
    out = [0]
    if spread:
        for at in range(SPACING, len(text)):
            if at >= out[-1] + SPACING and _ideograph(text[at - 1]) and _ideograph(text[at]):
                out.append(at)
    return out


def embed(text: str, code: str, *, spread: bool = True) -> str:
    """``text`` with the frame of ``code`` at each of its :func:`positions`."""
    frame = encode(code)
    pieces: list[str] = []
    last = 0
    for at in positions(text, spread=spread):
        pieces += [text[last:at], frame]
        last = at
    pieces.append(text[last:])
    return "".join(pieces)


def strip(text: str) -> str:
    """``text`` without the characters of :data:`ALPHABET` (what the code is written in)."""
    return text.translate(_STRIP)


@dataclass(frozen=True, slots=True)
class Stamp:
    """Whom an export is for.

    Attributes:
        recipient: the account (or, for ``sucai export --for``, the name) it is for.
        issued_on: the day of the download, ``YYYY-MM-DD``.
        code: the download's code (see :func:`new_code`), as the audit log records it.
        visible: print :attr:`line` in the footer (operators may turn it off per tier).
    """

    recipient: str
    issued_on: str
    code: str
    visible: bool = True

    @property
    def line(self) -> str:
        """The visible footer line: ``仅供 会员甲 使用 · 2026-12-06``."""
        return f"仅供 {self.recipient} 使用 · {self.issued_on}"
