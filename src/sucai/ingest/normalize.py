"""Cleaning: ParsedText → ParsedText with advertising, page chrome and paywall markers removed.

Rules (each removal is listed in :attr:`ParsedText.removed` with a reason, so nothing is lost
silently):

* ``##paidbegin##`` / ``##paidend##`` are removed; blocks between them get ``paid=True``.
* advertising of material shops (``【…素材库】``, ``【…代笔】``), contact lines (客服, 微信, QQ …),
  web-page chrome (``下载 打印 【字号：加大 还原 减小】``, ``[查看原文](…)``), 北大法宝 headers
  (``【法宝引证码】``, ``原文链接：``) and a title line repeated right below itself.
* control characters other than tab and line breaks are left out (they are not text), with
  a note.
* paragraphs run together on one line (separated by full-width indents or runs of spaces) are
  split; hard-wrapped lines (fixed-width text, PDF) are joined back into paragraphs.

The stored characters are never rewritten: only whole lines (and control characters) are
removed, leading and trailing whitespace is trimmed, and line breaks are moved — and invisible
format characters (Unicode category Cf: zero-width spaces and joiners, bidi controls, soft
hyphens) are dropped, because inside a word they break search, and pasted back from an export
they would carry its fingerprint code into the library (issue 15).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace
from itertools import pairwise
from typing import Final

from sucai.ingest.limits import MAX_LINE_CHARS
from sucai.models import Block, ParsedText, RemovedLine, table_rows, table_text

__all__ = [
    "DATELINE",
    "PAID_BEGIN",
    "PAID_END",
    "Wrapped",
    "dateline_end",
    "drop_controls",
    "is_structural",
    "join_wrapped",
    "normalize",
    "removal_reason",
]

PAID_BEGIN: Final = "##paidbegin##"
PAID_END: Final = "##paidend##"
_PAID_MARKER: Final = re.compile(f"{PAID_BEGIN}|{PAID_END}")
_CONTROLS: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class _FormatCharacters(dict[int, int | None]):
    """A ``str.translate`` table that drops format characters (category Cf) and keeps the
    rest; each character's category is looked up once, on first sight."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.category(chr(code)) == "Cf" else code
        self[code] = kept
        return kept


_FORMAT: Final = _FormatCharacters()

_ADVERT: Final = re.compile(
    r"^【[^】]{0,20}(素材|代笔|文库|范文|写作|材料库|公文库)[^】]{0,10}】"
    r"|(每天更新|每日更新).{0,20}(材料|素材)|svip|VIP会员|会员群|网盘群",
    re.I,
)
_CONTACT: Final = re.compile(
    r"(添加|联系)(客服|微信|QQ|vx)|客服(微信|QQ|电话)?[：:]|微信号?[：:]|vx[：:]|QQ群?[：:]"
    r"|扫码(加|关注|添加|进群|入群)|关注公众号"
    r"|(电话|手机)[：:]\s*1[3-9]\d{9}",
    re.I,
)
_CHROME_LINES: Final = frozenset(
    {
        "下载",
        "打印",
        "全屏",
        "全屏播放",
        "收藏",
        "【字号：",
        "【字号:",
        "加大",
        "还原",
        "减小",
        "】",
        "字号：",
        "大",
        "中",
        "小",
        "分享到：",
        "分享到:",
        "关闭窗口",
        "关闭",
        "返回顶部",
        "打印本页",
        "【打印】",
        "【关闭】",
        "【收藏】",
        "相关报道：",
        "相关新闻：",
        "相关链接：",
    }
)
_CHROME: Final = re.compile(
    r"^(下载\s*打印\s*)?【?\s*字[号体][：:]?\s*(加大|大)\s*(还原|中)\s*(减小|小)\s*】?"
    r"|^(?:Copyright|©)\s*(?:©|\([cC]\))?[^。！？]{0,80}$"
    r"|^\[[^\]]{0,20}\]\((https?://|/)[^)]*\)$"
    r"|^(责任编辑|编辑|来源链接)[：:].{0,30}$"
)
#: A font-size switch at the end of a line (``发稿时间：2019/3/25 【 字体：大 中 小 】``).
_SIZE_SWITCH: Final = re.compile(
    r"\s*【\s*字[号体]\s*[：:]?\s*(?:大\s*中\s*小|加大\s*还原\s*减小)\s*】\s*$"
)
#: A news item's dateline: 央视网消息（新闻联播）：, 新华社北京1月15日电, 本台消息, 本报讯.
DATELINE: Final = (
    r"(?:(?:新华社|中新社|人民网|新华网|央视网|央广网|中国新闻网|本报|本台)"
    r"[^。，！？]{0,30}?(?:电(?![视话子影力网台器脑])|(?<!通)讯|消息)"
    r"|[^。，！？]{0,24}?\d{1,2}月\d{1,2}日(?:电|讯))"
)
_DATELINE_OPENING: Final = re.compile(rf"^{DATELINE}")
#: After a dateline, the programme or reporter in brackets, or a colon, comma or space …
_AFTER_DATELINE: Final = re.compile(r"[（(][^（）()]{0,30}[）)][：:，\s]*|[：:，\s]+")
#: … or, in older papers, nothing after an agency's dated dateline (新华社北京5月20日电国务院…).
_DATED: Final = re.compile(r"[社网报台][^。，！？]{0,12}\d{1,2}月\d{1,2}日[电讯]$")
_PKULAW: Final = re.compile(r"^【法宝引证码】|^原文链接[：:]\s*https?://")

_TITLE_ZONE: Final = 10  # a title repeated below itself happens at the top of a file
_MIN_CONTENT_FOR_AD: Final = 160  # an advert line is short; a long line with "会员" is content

_LATIN_BEFORE: Final = frozenset(",.;:!?)]%'\"")
_LATIN_AFTER: Final = frozenset("([\"'")
_CLOSING: Final = "。，、；：！？”’」』）》】…"
_TERMINAL: Final = frozenset("。！？；：…”’」』）)】!?;:")
_MARKER: Final = re.compile(
    r"^(第[一二三四五六七八九十百千零〇两\d]+[编章节条部分]|[一二三四五六七八九十]+、"
    r"|（[一二三四五六七八九十]+）|\(\s*[一二三四五六七八九十]+\s*\)|\d+[.．、]\D|（\d+）|\(\d+\))"
)
_RUN_TOGETHER: Final = re.compile(r"\u3000{2,}|(?<=[。！？；”」』])[ \t\u00a0\u3000]{2,}")


def removal_reason(text: str) -> str | None:
    """Return why a (stripped) line is advertising or chrome, or ``None`` if it is content."""
    if text in _CHROME_LINES or _CHROME.search(text):
        return "web-chrome"
    if _PKULAW.search(text):
        return "pkulaw-header"
    if len(text) < _MIN_CONTENT_FOR_AD:
        if _ADVERT.search(text):
            return "advert"
        if _CONTACT.search(text):
            return "contact"
    return None


def is_structural(text: str) -> bool:
    """True for lines that legitimately repeat across files: outline markers, salutations."""
    return bool(_MARKER.match(text)) or text.endswith(("：", ":"))


def _strip(text: str) -> str:
    # Every kind of space (全角空格, no-break, thin …); format characters such as U+200B are
    # gone already.
    return text.strip()


def dateline_end(text: str) -> int:
    """Where the text after a news dateline opening ``text`` starts, 0 without one: the
    dateline (its shortest match) with its programme or reporter in brackets and a colon,
    comma or space (央视网消息（新闻联播）：; 新华社北京1月15日电（记者 …）), or an agency's dated
    dateline run on (新华社北京5月20日电国务院…) — not words run on after another (今年7月1日
    电价调整; 人民网发布消息称)."""
    dateline = _DATELINE_OPENING.match(text)
    if dateline is None:
        return 0
    after = _AFTER_DATELINE.match(text, dateline.end())
    if after is not None:
        return after.end()
    return dateline.end() if _DATED.search(dateline.group()) else 0


def drop_controls(text: str) -> str:
    """``text`` without control characters other than tab and line breaks (NUL, ESC, form
    feed …): they are not text, and XML — a .docx export, lxml — refuses them (issue 22)."""
    return _CONTROLS.sub("", text)


def normalize(parsed: ParsedText) -> ParsedText:
    """Clean a parsed file (see the module docstring for the rules)."""
    removed: list[RemovedLine] = list(parsed.removed)
    out: list[Block] = []
    paid = False
    last_text = ""
    controls = 0
    for block in parsed.blocks:
        text = drop_controls(block.text)
        controls += len(block.text) - len(text)
        text = text.translate(_FORMAT)
        if block.kind == "table":
            # A table stays one block (issue 16): its cells are cleaned, never its lines.
            cleaned = table_text(table_rows(_PAID_MARKER.sub("", text)))
            if cleaned:
                out.append(replace(block, text=cleaned, paid=paid))
            markers = _PAID_MARKER.findall(text)
            paid = markers[-1] == PAID_BEGIN if markers else paid
            continue
        pieces: list[tuple[str, bool]] = []
        # Paywall markers may sit at the start of a line or alone; the text around them stays.
        start = 0
        for marker in _PAID_MARKER.finditer(text):
            pieces.append((text[start : marker.start()], paid))
            paid = marker.group() == PAID_BEGIN
            start = marker.end()
        pieces.append((text[start:], paid))
        for piece, piece_paid in pieces:
            stripped = _strip(piece)
            if not stripped:
                if len(pieces) == 1:
                    out.append(Block("", block.kind, block.level, piece_paid, block.line))
                continue
            reason = removal_reason(stripped)
            if reason is None and "字" in stripped:
                # The switch beside a date field goes; the field stays.
                stripped = _SIZE_SWITCH.sub("", stripped) or stripped
            if reason is None and block.kind != "text" and stripped == last_text:
                reason = None  # a heading may legitimately repeat the title
            elif reason is None and stripped == last_text and block.line <= _TITLE_ZONE:
                reason = "duplicate-line"
            if reason is not None:
                removed.append(RemovedLine(block.line, stripped, reason))
                continue
            last_text = stripped
            parts = _RUN_TOGETHER.split(stripped) if block.kind == "text" else [stripped]
            for part in parts:
                out.append(Block(_strip(part), block.kind, block.level, piece_paid, block.line))
    blocks = _join_wrapped(out)
    notes = parsed.notes
    if controls:
        notes += (f"{controls} control character(s), which are not text, were left out.",)
    hint = drop_controls(parsed.title_hint) if parsed.title_hint else parsed.title_hint
    return replace(
        parsed, blocks=tuple(blocks), removed=tuple(removed), notes=notes, title_hint=hint
    )


def _ends_sentence(text: str) -> bool:
    return text[-1] in "。！？!?"


def _wrap_width(blocks: list[Block]) -> int | None:
    """The fixed line width of hard-wrapped text, if the file has one."""
    lengths = [len(b.text) for b in blocks if b.kind == "text" and len(b.text) >= 20]
    if len(lengths) < 10:
        return None
    common, _ = Counter(lengths).most_common(1)[0]
    width = max(n for n in lengths if n <= common + 2)
    near = sum(1 for n in lengths if width - 2 <= n <= width)
    return width if near >= 0.3 * len(lengths) else None


def _join_wrapped(blocks: list[Block]) -> list[Block]:
    """Join lines that a fixed width, a web scrape or a PDF broke inside a paragraph."""
    width = _wrap_width(blocks)
    # Paragraphs separated by blank lines: a single line break inside one is a wrap. The
    # evidence is where sentence-final lines go: to a blank line, or straight to the next one.
    ends = [
        b for a, b in pairwise(blocks) if a.kind == "text" and a.text and _ends_sentence(a.text)
    ]
    blank_separated = len(ends) >= 5 and sum(1 for b in ends if not b.text) >= 0.8 * len(ends)
    out: list[Block] = []
    # The text of out[-1] while lines are joined to it (a text block's only).
    para: Wrapped | None = None
    for block in blocks:
        joins = (
            para is not None
            and para.size > 0
            and bool(block.text)
            and block.kind == "text"
            and para.fits(block.text)
        )
        if para is not None and joins and not block.text.strip(_CLOSING):
            # A line holding only closing punctuation was broken off the line before it.
            para.add(block.text, wrapped=False)
            continue
        if (
            para is not None
            and joins
            and out[-1].paid == block.paid
            and para.last not in _TERMINAL
            and not _MARKER.match(block.text)
            # A news item's dateline opens a paragraph: the headline above is no wrapped line.
            and not _DATELINE_OPENING.match(block.text)
            and (
                (width is not None and para.size >= width - 2)
                or (width is None and para.size >= 60)
                or (blank_separated and not para.marker)
            )
        ):
            para.add(block.text)
            continue
        if para is not None:
            out[-1] = replace(out[-1], text=para.text())
        out.append(block)
        para = Wrapped(block.text) if block.kind == "text" else None
    if para is not None:
        out[-1] = replace(out[-1], text=para.text())
    return out


def _spaced(before: str, after: str) -> bool:
    """Whether two Latin words (or a word after punctuation such as a comma) meet here."""
    latin_before = before.isascii() and (before.isalnum() or before in _LATIN_BEFORE)
    latin_after = after.isascii() and (after.isalnum() or after in _LATIN_AFTER)
    return latin_before and latin_after


def join_wrapped(left: str, right: str) -> str:
    """Join two pieces of one line that layout wrapped.

    CJK text joins without a space; two Latin words (or a Latin word after punctuation such as
    a comma) join with one space.
    """
    if not left or not right:
        return left + right
    return f"{left} {right}" if _spaced(left[-1], right[0]) else left + right


class Wrapped:
    """A paragraph rebuilt from the lines layout wrapped it into, as :func:`join_wrapped`
    joins them.

    The lines are joined once, at the end: joining them one by one copies the paragraph
    each time, which a file of many short lines makes quadratic (issue 22). Callers keep a
    paragraph within :data:`~sucai.ingest.limits.MAX_LINE_CHARS` with :meth:`fits`.

    Attributes:
        size: characters so far.
        last: the last character so far (``""`` while empty).
        marker: whether the paragraph starts with an outline marker (一、 1. 第X条 …).
    """

    __slots__ = ("_parts", "last", "marker", "size")

    def __init__(self, first: str) -> None:
        self._parts = [first]
        self.size = len(first)
        self.last = first[-1:]
        self.marker = bool(_MARKER.match(first))

    def fits(self, line: str) -> bool:
        """Whether ``line`` can join without passing the limit on one paragraph."""
        return self.size + 1 + len(line) <= MAX_LINE_CHARS

    def add(self, line: str, *, wrapped: bool = True) -> None:
        """Append ``line``; ``wrapped``: with a space between Latin words, else as it is."""
        if not line:
            return
        if wrapped and self.last and _spaced(self.last, line[0]):
            self._parts.append(" ")
            self.size += 1
        self._parts.append(line)
        self.size += len(line)
        self.last = line[-1]

    def text(self) -> str:
        """The paragraph's text."""
        joined = "".join(self._parts)
        self._parts = [joined]
        return joined
