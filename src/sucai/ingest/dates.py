"""Dates a document states as its own (成文日期), issue 16.

A document states its date in a few places only: the 落款 (a line that is a date alone, in
Arabic or Chinese numerals: ``2019年1月24日``, ``二〇一九年一月二十四日``), the 题注 under a
speech's or a law's title (``（2019年1月24日）``, ``（2019年4月23日第十三届…通过）``) and the
fields of a web page (``成文日期：``, ``发布日期：``, ``发稿时间：``, ``时间：``). A date inside a
sentence — ``自2023年1月1日起施行``, ``公示时间：2023年5月22日至5月26日`` — is not the document's
date, and none is better than a wrong one.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["date_only", "field_date", "parse_date", "title_note_date"]

_CN_DIGITS: Final = {
    **{c: i for i, c in enumerate("〇一二三四五六七八九")},
    "零": 0,
    "○": 0,  # U+25CB, typed for 〇 in many offices' files
    "Ｏ": 0,
    "O": 0,
    "o": 0,
}
_CN: Final = "〇○ＯOo零一二三四五六七八九十"
#: ``2019年1月24日``, ``2019-01-24``, ``2019/1/24``, ``2019.01.24`` (spaces a PDF adds allowed).
_ARABIC: Final = (
    r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|[-/.](?P<m2>\d{1,2})[-/.](?P<d2>\d{1,2})(?!\d))"
)
_CHINESE: Final = (
    rf"(?P<cy>[{_CN}]{{4}})\s*年\s*(?P<cm>[{_CN}]{{1,2}})\s*月\s*(?P<cd>[{_CN}]{{1,3}})\s*日"
)
_DATE: Final = re.compile(rf"{_ARABIC}|{_CHINESE}")
#: A line that is a date and nothing else (a 落款 or 题注), maybe in brackets.
_DATE_ONLY: Final = re.compile(rf"^[（(]?\s*(?:{_ARABIC}|{_CHINESE})\s*[）)]?$")
#: A 题注: a line under the title that opens with a date, bracketed (``（2019年4月23日…）``)
#: or saying what happened that day (``2005年5月26日 河南省…会议通过``, ``——2026年1月25日在
#: 北京市第十六届人民代表大会第四次会议上``); never a date something starts or ends on
#: (``2023年1月1日起施行``, ``…至…``).
_TITLE_NOTE: Final = re.compile(
    rf"^(?:——|—|－－)?\s*(?:{_ARABIC}|{_CHINESE})(?![起至到前后\-－—~～])(?P<rest>.*)$"
)
#: What follows a date that starts or ends a period (``2023年1月1日起``, ``…至…``).
_PERIOD: Final = frozenset("起至到前后-－—~～")
_NOTE_EVENT: Final = re.compile(
    r"通过|公布|发布|修正|修订|批准|印发|签署|会议|讲话|报告|在.{1,40}上"
)
#: A web page's date field; ``成文日期`` is the document's own, the others the page's
#: (``生成日期`` is the 政府信息公开 table's).
#: The longest date alone, spaces and brackets included (``（二〇一九年十二月三十一日）`` is 14).
_DATE_ONLY_MAX: Final = 40
_FIELD: Final = re.compile(
    rf"(?P<label>成文日期|发文日期|印发日期|生成日期|发布日期|发布时间|发稿时间|公开日期|(?<![\u4e00-\u9fff])时间|"
    rf"(?<![\u4e00-\u9fff])日期)\s*[：:]\s*(?:{_ARABIC}|{_CHINESE})"
)


#: Full-width digits (``２００２年６月２９日``) read as ASCII ones.
_DIGITS: Final = str.maketrans("０１２３４５６７８９", "0123456789")
#: An unbracketed 题注 without an event word is short: ``1984年1月7日 国务院``.
_NOTE_SHORT: Final = 30


def _chinese_number(text: str) -> int | None:
    """``二十四`` → 24, ``十二`` → 12, ``二〇一九`` (digit by digit) → 2019."""
    if "十" not in text:
        value = 0
        for char in text:
            if char not in _CN_DIGITS:
                return None
            value = value * 10 + _CN_DIGITS[char]
        return value
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    high = _CN_DIGITS.get(tens, -1) if tens else 1
    low = _CN_DIGITS.get(ones, -1) if ones else 0
    return None if high < 0 or low < 0 else high * 10 + low


def _iso(match: re.Match[str]) -> str | None:
    if match.group("y"):
        y = int(match.group("y"))
        m = int(match.group("m") or match.group("m2"))
        d = int(match.group("d") or match.group("d2"))
    else:
        year, month, day = (_chinese_number(match.group(g)) for g in ("cy", "cm", "cd"))
        if year is None or month is None or day is None:
            return None
        y, m, d = year, month, day
    if not (1900 <= y <= 2099 and 1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def parse_date(text: str) -> str | None:
    """The first full date in ``text`` as ``YYYY-MM-DD`` (Arabic or Chinese numerals)."""
    match = _DATE.search(text.translate(_DIGITS))
    return _iso(match) if match else None


def date_only(text: str) -> str | None:
    """The date when ``text`` is a date alone (a 落款 line, a bracketed 题注), else ``None``."""
    text = text.strip()
    if len(text) > _DATE_ONLY_MAX:
        return None  # every paragraph is asked: do not translate a long one
    match = _DATE_ONLY.match(text.translate(_DIGITS))
    return _iso(match) if match else None


def title_note_date(text: str) -> str | None:
    """The date of a 题注 under a title: the first date of a bracketed note that is no start or
    end of a period (``（2019年4月23日…通过）``, ``（…会议通过 2008年4月17日…公布 自2008年4月23日起
    施行）``), or the date an unbracketed note opens with (``2005年5月26日 河南省…会议通过``,
    ``——2026年1月25日在…会议上``)."""
    text = text.strip().translate(_DIGITS)
    if len(text) > 2 and text[0] in "（(" and text[-1] in "）)":
        for found in _DATE.finditer(text):
            if text[found.start() - 1] == "自" or text[found.end() : found.end() + 1] in _PERIOD:
                continue
            return _iso(found)
        return None
    match = _TITLE_NOTE.match(text)
    if match is None:
        return None
    if text.startswith("—"):
        return _iso(match)
    # Unbracketed, it is a short statement of what happened, not a sentence of the body
    # (``2021年6月24日下午，集团…召开…``).
    # The note may go on after a comma (``1994年10月27日 印发，根据``) but says what happened
    # before it.
    rest = re.split(r"[，。；,;：:]", match.group("rest"), maxsplit=1)[0]
    if "起施行" in rest or not rest.strip():
        return None
    if _NOTE_EVENT.search(rest) or (len(rest.strip()) <= _NOTE_SHORT and rest == match["rest"]):
        return _iso(match)
    return None


def field_date(text: str) -> tuple[str, str] | None:
    """``(label, date)`` of the first date field in ``text`` (``发布日期：2020-01-31``)."""
    if "日期" not in text and "时间" not in text:
        return None  # every label of _FIELD holds one of them
    match = _FIELD.search(text.translate(_DIGITS))
    if match is None:
        return None
    iso = _iso(match)
    return (match.group("label"), iso) if iso else None
