"""Hygiene (校对) of material before use (issue 5).

Three checks, all on plain text with character offsets:

* **Sanitised 党** — material shops write ``D`` for 党 (``D员``, ``D的二十大``, ``管D治D``) so
  that platforms do not filter their pages. :func:`restore_text` puts 党 back, but only where
  that is safe beyond doubt (issue 16): the ``D`` must have no ASCII letter or digit beside it
  (``3D``, ``CAD``, ``D5``), must not be an item of a lettered list (``A、B、C、D组``), must
  not follow a noun that names a letter (附件D, 图D, 当事人D, 维生素D, 型号为D) nor precede a
  word that makes it a label (D类, D级, D轮, D字签证, D公司), and must sit in one of the
  contexts of :data:`FOLLOWING` (``D`` + word) or :data:`PRECEDING` (word + ``D``). When
  another lone Latin capital stands in the same paragraph (options A B C D, parties A and D)
  the ``D`` is not rewritten but flagged for 校对. Import applies it (every change is
  stored, so the original stays retrievable); a writer's draft gets a finding instead.
* **Placeholders** a writer must fill in: ``xx``, ``xxx``, ``xxxx年``, ``x月``, ``×××``,
  ``某某``, ``XX县`` …
* **Personal data**: 身份证号, 手机号 and bank card numbers
  (:func:`sucai.ingest.screening.find_personal`), which import masks on request.
* **Likely removed names**: ``的重要讲话`` opening a sentence, ``在…上的重要讲话`` with no
  speaker before it, ``贯彻落实重要讲话`` with nothing between verb and speech. Flagged, never
  guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final, Literal

from sucai.errors import UserError
from sucai.ingest.screening import find_personal
from sucai.ingest.sources import decode_text
from sucai.store import Correction

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from sucai.models import Article, Compilation

__all__ = [
    "FOLLOWING",
    "PRECEDING",
    "ArticleHygiene",
    "Finding",
    "FindingKind",
    "LineFinding",
    "ParagraphFindings",
    "RestoredFile",
    "apply_originals",
    "article_findings",
    "check_text",
    "find_issues",
    "read_draft",
    "restore_compilation",
    "restore_text",
]

FindingKind = Literal["sanitised", "placeholder", "missing-name", "personal", "law", "stale-tifa"]

# --- sanitised 党 ------------------------------------------------------------------------------

#: Words that follow a ``D`` standing for 党 (党员, 党的, 党中央 …). Longer words first, so the
#: rule that matched is the most specific one.
FOLLOWING: Final[tuple[str, ...]] = (
    "和国家",
    "和人民",
    "和政府",
    "和军队",
    "中央",
    "组织",
    "支部",
    "总支",
    "工委",
    "代会",
    "代表",
    "领导",
    "忠诚",
    "小组",
    "组书记",
    "组成员",
    "组会",
    "组扩大",
    "组（扩大）",
    "组理论",
    "组中心组",
    "员",
    "的",
    "委",
    "建",
    "风",
    "性",
    "史",
    "课",
    "纪",
    "政",
    "校",
    "章",
    "内",
    "外",
    "旗",
    "徽",
    "龄",
    "费",
    "务",
    "群",
    "派",
    "心",
    "恩",
    "规",
    "管",
    "对",
    "兴",
)
#: Words that precede a ``D`` standing for 党 (全党, 管党治党, 立党为公, 中国共产党 …).
PRECEDING: Final[tuple[str, ...]] = (
    "共产",
    "执政",
    "年大",
    "我们",
    "全",
    "我",
    "入",
    "建",
    "政",
    "治",
    "管",
    "立",
    "兴",
    "爱",
    "护",
    "跟",
    "听",
    "强",
)
#: ``D`` + word pairs that are letters after all (D风格, D性能, D内容 …).
_FOLLOWING_EXCEPTIONS: Final = (
    "风格",
    "风险",
    "性能",
    "建筑",
    "组合",
    "外观",
    "内容",
    "内存",
    "管道",
    "对应",
    "对比",
    "对照",
    "委托",
    "纪录",
    "章节",
    "兴趣",
    "心脏",
)
#: Nouns that name a letter just before it (附件D, 图D, 当事人D, 维生素D, 选项D, 型号为D):
#: the ``D`` is then a label, never 党.
_LETTER_NOUNS: Final = (
    "附件",
    "附录",
    "附表",
    "附图",
    "图",
    "表",
    "方案",
    "预案",
    "选项",
    "答案",
    "型号",
    "类型",
    "编号",
    "代号",
    "标号",
    "序号",
    "字母",
    "维生素",
    "当事人",
    "嫌疑人",
    "申请人",
    "被告人",
    "证人",
    "行为人",
    "责任人",
    "第三人",
    "自然人",
    "被害人",
    "投资人",
    "债务人",
    "债权人",
    "代理人",
    "委托人",
    "受托人",
    "承包人",
    "发包人",
    "出租人",
    "承租人",
    "买受人",
    "出卖人",
    "被告",
    "原告",
    "地块",
    "区块",
    "车道",
    "等级",
    "级别",
    "类别",
    "档次",
)
#: Words ending like a letter noun that are not one (代表D和人民, 发表D的…).
_NOT_LETTER_NOUNS: Final = ("代表", "发表", "外表", "蓝图", "意图", "试图", "企图")
#: Words between a letter noun and its letter: 型号为D, 等级是D, 选项：D.
_LINKS: Final = ("为", "是", "：", ":", "作", "记作", "称为", "定为", "评为", "列为", "属于", "选")
#: Words after a ``D`` that make it a label: D类, D级, D轮融资, D字签证, D公司, D某 ….
_LETTER_WORDS: Final = (
    "类",
    "级",
    "等",
    "档",
    "型",
    "款",
    "系列",
    "版",
    "轮",
    "区",
    "栋",
    "幢",
    "座",
    "楼",
    "层",
    "室",
    "户",
    "号",
    "盘",
    "点",
    "端",
    "口",
    "线",
    "段",
    "站",
    "字",
    "调",
    "大调",
    "小调",
    "照",
    "证",
    "牌",
    "卡",
    "罩",
    "题",
    "项",
    "选项",
    "公司",
    "企业",
    "单位",
    "银行",
    "集团",
    "某",
    "君",
    "先生",
    "女士",
    "方",
    "队",
    "股",
    "柱",
    "值",
)
#: A ``D`` with no ASCII letter or digit right beside it (GDP, 3D, D5 are never 党): the only
#: ones the rules look at, found in one pass.
_D: Final = re.compile(r"(?<![A-Za-z0-9Ａ-Ｚａ-ｚ０-９])[DＤ](?![A-Za-z0-9Ａ-Ｚａ-ｚ０-９])")
_ASCII_ALNUM: Final = re.compile(r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９]")
#: Another lone Latin capital in the same paragraph (A、B、C或 D; 甲方A与乙方D): then a ``D``
#: may be a letter, and a rewrite is not safe beyond doubt.
_LONE_LETTER: Final = re.compile(
    r"(?<![A-Za-z0-9Ａ-Ｚａ-ｚ０-９])[A-CE-HＡ-ＣＥ-Ｈ](?![A-Za-z0-9Ａ-Ｚａ-ｚ０-９])"
)
_LIST_SEPARATORS: Final = frozenset("、，,/和与及或~～-－—")
_PARTY: Final = "党"

_Verdict = Literal["restore", "flag"]


def _is_cjk(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf"


def _is_letter(char: str) -> bool:
    return bool(char) and _ASCII_ALNUM.fullmatch(char) is not None


def _is_other_letter(char: str) -> bool:
    return _is_letter(char) and char not in "DＤ"


def _names_a_letter(head: str) -> bool:
    """Whether ``head`` (the text before a ``D``) ends with a noun that names a letter."""
    for link in ("", *_LINKS):
        if link and not head.endswith(link):
            continue
        stem = head[: len(head) - len(link)]
        if stem.endswith(_LETTER_NOUNS) and not stem.endswith(_NOT_LETTER_NOUNS):
            return True
    return False


def _d_rule(text: str, i: int, chars: Sequence[str]) -> str | None:
    """The rule by which ``text[i]`` (a ``D``) stands for 党, or ``None`` when it does not.

    ``chars`` holds what is decided so far (a ``D`` already restored reads 党), so the second
    ``D`` of ``从严治D，D和国家`` is not taken for the end of a lettered list.
    """
    before = chars[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    # The nearest characters across spaces: "Plan D的" is a letter in an English phrase.
    k = i - 1
    while k >= 0 and chars[k] in " \t":
        k -= 1
    near_before = chars[k] if k >= 0 else ""
    near_after = text[i + 1 :].lstrip(" \t")[:1]
    if _is_letter(near_before) or _is_letter(near_after):
        return None
    # A, B, C, D组 and D、E两类: an item of a lettered list. ``chars`` reads 党 for a D
    # restored just before, and a D after is no list either (治D，D和国家).
    if before in _LIST_SEPARATORS and i >= 2 and _is_letter(chars[i - 2]):
        return None
    if after in _LIST_SEPARATORS and _is_other_letter(text[i + 2 : i + 3]):
        return None
    rest = text[i + 1 : i + 7]
    head = "".join(chars[max(0, i - 6) : i])
    if rest.startswith(_LETTER_WORDS) or _names_a_letter(head):
        return None
    if after and _is_cjk(after) and not rest.startswith(_FOLLOWING_EXCEPTIONS):
        for word in FOLLOWING:
            if rest.startswith(word):
                return f"D{word}"
    if before and _is_cjk(before):
        for word in PRECEDING:
            if head.endswith(word):
                return f"{word}D"
    return None


def _d_verdicts(text: str) -> tuple[list[str], list[tuple[int, _Verdict, str]]]:
    """Each ``D`` of ``text`` that may stand for 党: ``(offset, verdict, rule)``.

    ``"restore"``: safe beyond doubt. ``"flag"``: a party context, but another lone Latin
    capital in the paragraph (an option list, parties A and D) makes the letter reading
    possible, so a person decides (校对).
    """
    chars = list(text)
    found: list[tuple[int, _Verdict, str]] = []
    lettered: bool | None = None
    for match in _D.finditer(text):
        i = match.start()
        rule = _d_rule(text, i, chars)
        if rule is None:
            continue
        if lettered is None:
            lettered = _LONE_LETTER.search(text) is not None
        if lettered:
            found.append((i, "flag", rule))
        else:
            found.append((i, "restore", rule))
            chars[i] = _PARTY
    return chars, found


def restore_text(text: str) -> tuple[str, list[tuple[int, str, str, str]]]:
    """Put 党 back where a ``D`` stands for it beyond doubt.

    Args:
        text: one paragraph, title or line.

    Returns:
        ``(restored, changes)``; each change is ``(offset, original, replacement, rule)`` with
        ``offset`` a character offset (the same in both texts: one character becomes one).
    """
    if ("D" not in text and "Ｄ" not in text) or not _D.search(text):
        return text, []
    chars, found = _d_verdicts(text)
    changes = [(i, text[i], _PARTY, rule) for i, verdict, rule in found if verdict == "restore"]
    return ("".join(chars), changes) if changes else (text, [])


def _corrections(
    part: str, index: int, changes: list[tuple[int, str, str, str]]
) -> list[Correction]:
    return [Correction(part, index, off, old, new, rule) for off, old, new, rule in changes]


@dataclass(frozen=True, slots=True)
class RestoredFile:
    """What :func:`restore_compilation` changed.

    Attributes:
        articles: per article (in compilation order), the corrections of its title
            (``part="title"``), role and paragraphs.
        file: corrections of the compilation's own title and header lines.
    """

    articles: tuple[tuple[Correction, ...], ...]
    file: tuple[Correction, ...]

    @property
    def count(self) -> int:
        """Number of corrections in the file."""
        return len(self.file) + sum(len(a) for a in self.articles)


def restore_compilation(compilation: Compilation) -> tuple[Compilation, RestoredFile]:
    """Restore sanitised 党 in a structured file: titles, roles, paragraphs, outlines, header.

    Outline entries are copies of paragraph text, so they are restored too but not recorded
    (the paragraph's correction is the record). The compilation title is recorded only when
    it is not one of the header lines (whose corrections already hold it).
    """
    articles = []
    records: list[tuple[Correction, ...]] = []
    for draft in compilation.articles:
        found: list[Correction] = []
        title, changes = restore_text(draft.title)
        found += _corrections("title", 0, changes)
        role = draft.role
        if role is not None:
            role, changes = restore_text(role)
            found += _corrections("role", 0, changes)
        paragraphs = []
        for p in draft.paragraphs:
            text, changes = restore_text(p.text)
            found += _corrections("paragraph", p.index, changes)
            paragraphs.append(replace(p, text=text) if changes else p)
        outline = tuple(replace(e, text=restore_text(e.text)[0]) for e in draft.outline)
        records.append(tuple(found))
        articles.append(
            replace(draft, title=title, role=role, paragraphs=tuple(paragraphs), outline=outline)
        )
    file: list[Correction] = []
    header = []
    for n, line in enumerate(compilation.header):
        text, changes = restore_text(line)
        file += _corrections("header", n, changes)
        header.append(text)
    title, changes = restore_text(compilation.title)
    if compilation.title not in compilation.header:
        file += _corrections("file-title", 0, changes)
    restored = replace(compilation, title=title, header=tuple(header), articles=tuple(articles))
    return restored, RestoredFile(tuple(records), tuple(file))


def apply_originals(text: str, corrections: Iterable[Correction]) -> str:
    """The text as it was imported, from its restored form and its corrections."""
    out = text
    for c in sorted(corrections, key=lambda c: c.offset, reverse=True):
        if out[c.offset : c.offset + len(c.replacement)] == c.replacement:
            out = out[: c.offset] + c.original + out[c.offset + len(c.replacement) :]
    return out


# --- placeholders and gaps ---------------------------------------------------------------------

_X_RUN: Final = r"[xXｘＸ×]+(?:[.．][xXｘＸ×]+)?"
_PLACEHOLDER: Final = re.compile(
    rf"(?<![A-Za-z0-9])(?:{_X_RUN}(?P<unit>[年月日县市省区镇乡村])|{_X_RUN}(?![A-Za-z0-9])"
    r"|某{2,}|[○〇]{2,}(?=[年月日]))"
)
#: ``X光``, ``X射线``: a single letter that is a word, not a blank.
_SINGLE_X_WORDS: Final = ("光", "射线", "线", "型", "轴", "染色体", "因素", "战机")
#: Counting words after a blank: ``X个``, ``×项``, ``x家``.
_COUNTERS: Final = frozenset("个名项家次件条款号位批所座万亿元人")
_DIGIT: Final = re.compile(r"[0-9０-９]")
#: What marks a lone x as a blank on its left and on its right: quotes, ``+`` (x+新消费).
#: Sets, so that nothing (the text's start or end) is not among them.
_OPENING: Final = frozenset('“‘"+＋')
_CLOSING: Final = frozenset('”’"+＋')
_SPEECH: Final = r"重要(?:讲话|指示|批示|论述)"
_SENTENCE_START: Final = '。！？；!?;“"\n'
_OPENING_GAP: Final = re.compile(rf"的{_SPEECH}")
_AT_MEETING: Final = re.compile(rf"在[^。！？；\n]{{1,40}}?上的{_SPEECH}")
_VERB_GAP: Final = re.compile(rf"(?:学习|贯彻|落实|领悟|领会|遵循|按照|根据)(?={_SPEECH})")
#: ``以习近平同志为核心的党中央`` with the name cut out.
_CORE_GAP: Final = re.compile(r"以同志为核心")
#: What may stand before ``在…上的重要讲话`` when the speaker has been cut out.
_UNNAMED_BEFORE: Final = re.compile(
    r"(?:^|[，,。！？；;：:、“\"（(\s]|学习|贯彻|落实|领会|领悟|按照|根据|遵循|结合|对照|深入|认真|是|和|与|及|同|把|将|以|用)$"
)


_PERSONAL_NAMES: Final = {"id-card": "身份证号", "mobile": "手机号", "bank-card": "银行卡号"}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing a writer should look at in a text.

    Attributes:
        kind: ``"sanitised"`` (a ``D`` meaning 党), ``"placeholder"`` (a blank to fill in),
            ``"missing-name"`` (a speaker seems cut out) or ``"personal"`` (a 身份证号,
            手机号 or bank card number: issue 16), ``"law"`` (a quoted law no longer in
            force: found with a library, see :meth:`sucai.library.Library.law_quotes`) or
            ``"stale-tifa"`` (a 提法 the library's newest material no longer uses: issue 20,
            ``sucai check-hygiene --stale-tifa``).
        start: character offset where it starts.
        end: character offset after it.
        text: the text found.
        message: what it is and what to do, in Chinese for writers.
    """

    kind: FindingKind
    start: int
    end: int
    text: str
    message: str


def _single_x_is_word(text: str, start: int, end: int) -> bool:
    """Whether a lone ``x``/``X``/``×`` not followed by a unit (X县) is no blank to fill in.

    A capital ``X`` or a ``×`` is a blank only in a counting slot (``X个``, ``×项``, ``第X条``):
    elsewhere a capital is a name (X战警, X光, 平台X, X公司) and ``×`` multiplies
    (销售额×税率). A lower-case ``x`` beside Chinese text or in quotes is a blank
    (``x家``, ``“x新消费”``) unless it starts a word (x射线).
    """
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if _DIGIT.fullmatch(before or "_") or _DIGIT.fullmatch(after or "_"):
        return True  # 3×4, 2x: arithmetic
    if text[start:end] in "X×Ｘ":
        return not (after in _COUNTERS or before == "第")
    if text[end : end + 3].startswith(_SINGLE_X_WORDS):
        return True
    return not (_is_cjk(before) or _is_cjk(after) or before in _OPENING or after in _CLOSING)


def find_issues(text: str, *, sanitised: bool = False) -> list[Finding]:
    """Placeholders and likely removed names in ``text`` (and sanitised 党 when asked).

    Args:
        text: one paragraph or line.
        sanitised: also report each ``D`` that stands for 党 beyond doubt (for drafts;
            imported text has them restored already). A ``D`` that may stand for 党 but may
            also be a letter is always reported: import leaves it for a person to decide.

    Returns:
        Findings in order of their start offset.
    """
    found: list[Finding] = []

    def missing(start: int, end: int, what: str) -> None:
        message = f"{what}，可能被删去，请核对补全。"
        found.append(Finding("missing-name", start, end, text[start:end], message))

    if "D" in text or "Ｄ" in text:
        for off, verdict, rule in _d_verdicts(text)[1]:
            old = text[off]
            if verdict == "flag":
                message = f"“{old}”可能代指“党”（{rule}），但同段有其他字母，请核对。"
            elif sanitised:
                message = f"“{old}”应为“党”（{rule}），请改正。"
            else:
                continue
            found.append(Finding("sanitised", off, off + 1, old, message))
    for m in _PLACEHOLDER.finditer(text):
        token = m.group(0)
        if (
            len(token) == 1  # a lone x (x县 has a unit: a blank)
            and not m.group("unit")
            and _single_x_is_word(text, m.start(), m.start() + 1)
        ):
            continue
        found.append(
            Finding("placeholder", m.start(), m.end(), token, f"“{token}”是待填写的占位符。")
        )
    for m in _OPENING_GAP.finditer(text):
        if m.start() == 0 or text[m.start() - 1] in _SENTENCE_START:
            missing(m.start(), m.end(), "句首“的重要讲话”前缺少讲话人")
    for m in _AT_MEETING.finditer(text):
        if _UNNAMED_BEFORE.search(text[max(0, m.start() - 4) : m.start()]):
            missing(m.start(), m.end(), "“在…上的重要讲话”前没有讲话人")
    for m in _VERB_GAP.finditer(text):
        missing(m.start(), text.index("重要", m.end()) + 4, "“重要讲话”前没有讲话人")
    for m in _CORE_GAP.finditer(text):
        missing(m.start(), m.end(), "“以同志为核心”中缺少姓名")
    for start, end, kind in find_personal(text):
        found.append(
            Finding(
                "personal",
                start,
                end,
                text[start:end],
                f"疑似{_PERSONAL_NAMES[kind]}（个人信息），请核对是否应删去或遮盖。",
            )
        )
    found.sort(key=lambda f: (f.start, f.end))
    return found


@dataclass(frozen=True, slots=True)
class ParagraphFindings:
    """The findings of one paragraph of an article (``index == -1``: the title)."""

    index: int
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class ArticleHygiene:
    """What hygiene knows about a stored article.

    Attributes:
        article_id: the article.
        paragraphs: findings per paragraph that has any (title first, as index -1).
        corrections: the restorations made at import (with the original characters).
    """

    article_id: int
    paragraphs: tuple[ParagraphFindings, ...]
    corrections: tuple[Correction, ...]

    @property
    def count(self) -> int:
        """Number of findings."""
        return sum(len(p.findings) for p in self.paragraphs)

    def of(self, index: int) -> tuple[Finding, ...]:
        """The findings of paragraph ``index`` (empty when none)."""
        return next((p.findings for p in self.paragraphs if p.index == index), ())


def article_findings(article: Article, corrections: Sequence[Correction] = ()) -> ArticleHygiene:
    """Placeholders and likely removed names of an article, per paragraph.

    Computed from the stored text each time (cheap: regular expressions over the paragraphs),
    so they follow the rules of the running version without a migration.
    """
    per: list[ParagraphFindings] = []
    title = find_issues(article.title)
    if title:
        per.append(ParagraphFindings(-1, tuple(title)))
    for p in article.paragraphs:
        found = find_issues(p.text)
        if found:
            per.append(ParagraphFindings(p.index, tuple(found)))
    return ArticleHygiene(article.id, tuple(per), tuple(corrections))


@dataclass(frozen=True, slots=True)
class LineFinding:
    """A finding in a draft: 1-based line and column (characters)."""

    line: int
    column: int
    finding: Finding


def check_text(lines: Iterable[str]) -> list[LineFinding]:
    """Run every check (sanitised 党 included) over a draft, line by line."""
    out: list[LineFinding] = []
    for number, line in enumerate(lines, 1):
        for f in find_issues(line, sanitised=True):
            out.append(LineFinding(number, f.start + 1, f))
    return out


def read_draft(path: Path, encoding: str | None = None) -> list[str]:
    """The lines of a writer's draft: .txt/.md in any encoding sucai reads, or .docx paragraphs.

    Raises:
        UserError: the file is missing or of another type.
        DecodeError: a text file in no detectable encoding.
    """
    if not path.is_file():
        raise UserError(f"{path}: no such file. Give the path of a .txt, .md or .docx draft.")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        import docx

        try:
            document = docx.Document(str(path))
        except Exception as exc:  # python-docx raises several unrelated types for bad files
            raise UserError(
                f"{path}: not a readable .docx ({exc}). Save it again from Word."
            ) from None
        return [p.text for p in document.paragraphs]
    if suffix not in (".txt", ".md", ".text"):
        raise UserError(f"{path}: check-hygiene reads .txt, .md and .docx drafts, not {suffix}.")
    text, _used, _notes = decode_text(path.read_bytes(), str(path), encoding)
    return text.splitlines()
