"""Structure: cleaned ParsedText → Compilation of articles with titles, roles and outlines.

A file holds one article or a compilation (汇编) of several. Article boundaries are, in order of
evidence:

1. ``###`` items of a 新闻联播 day (``# 《新闻联播》（20240315）``);
2. titles carrying a speaker role — ``勇争高质量发展排头兵（县长）`` — alone on a line or run
   into the first sentence of their article;
3. in a file whose header calls itself a compilation (``汇编``, ``（8篇）``), short title lines
   after two or more blank lines.

Otherwise the file is one article. Within an article each paragraph is placed in an outline
(:mod:`sucai.ingest.outline`); its 文种 comes from :mod:`sucai.ingest.kinds`, its dates from
:mod:`sucai.ingest.dates`, and its 公文 fields (文号, 发文机关, 主送机关, 签发人, 附件) from
the lines around its title and its 落款, here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Final

from sucai.ingest.dates import date_only, field_date, parse_date, title_note_date
from sucai.ingest.kinds import guess_genre, title_kind
from sucai.ingest.normalize import DATELINE
from sucai.ingest.outline import CN_NUM, DOC_NUMBER, SENTENCE_END, TERMINAL, marker, outline
from sucai.ingest.screening import classified_marking
from sucai.models import ArticleDraft, Compilation, Paragraph

if TYPE_CHECKING:
    from collections.abc import Callable

    from sucai.models import ParsedText

__all__ = ["guess_genre", "split_role", "structure", "title_kind"]

_ROLE_WORD: Final = (
    r"(?:长|书记|主任|主席|委员|代表|范文|发言|讲话|部长|局长|经理|董事长|校长|院长|政委|"
    r"秘书|干部|同志|负责人|主持词|致辞|总监|理事长|省长|县长|市长|区长|镇长|乡长|厅长|处长|"
    r"科长|村支书|支书|检察长|庭长|会长|参事|专员|巡视员|调研员|组长|队长|所长|行长|总裁|总理)"
)
_ROLE: Final = re.compile(rf"^[\u4e00-\u9fff、，,·\s]{{0,24}}{_ROLE_WORD}$")
#: A mark in a title's brackets that says what the text is, not who speaks: ``标题（范文）``
#: opens an article like a role does, but it stays in the title, and the article has no
#: speaker role (issue 21).
_SAMPLE_MARK: Final = re.compile(r"^(?:参考)?范文$")
_ROLE_TITLE: Final = re.compile(
    r"^(?P<title>[^（(。！？；]{4,80}?)[（(](?P<role>[^（）()]{1,26})[）)](?P<rest>.*)$"
)
# A count of articles has at most four digits: 汇编（99999999999999999999篇） is no count (and
# would not fit the store's integer, issue 22).
_DECLARED: Final = re.compile(rf"[（(](?P<n>\d{{1,4}}|[{CN_NUM}]{{1,6}})篇[）)]")
_COMPILATION: Final = re.compile(
    r"汇编|合集|选编|合辑|精选|[（(](\d+|[一二三四五六七八九十]+)篇[）)]"
)
_NEWS_OPENING: Final = re.compile(rf"^{DATELINE}")
#: How an article opens when its title runs into it: a news dateline (新华社韩国庆州10月31日电,
#: 本报讯) or a speech's salutation (各位代表：, 同志们：, 尊敬的…).
_OPENING: Final = re.compile(
    rf"^(?:{DATELINE}|各位代表|各位委员|同志们|尊敬的|女士们|各位领导|各位同事|大家好)"
)
#: A news headline may be long: ``中共中央政治局常务委员会召开会议 听取…工作汇报 …主持会议``.
_MAX_HEADLINE: Final = 120
#: A headline glued to its item's dateline: ``…即位央视网消息（新闻联播）：国家主席…``.
_GLUED_HEADLINE: Final = re.compile(
    rf"^(?P<title>[^。，！？；：:,;!?]{{6,{_MAX_HEADLINE}}}?)"
    r"(?P<rest>(?:新华社|中新社|央视网|央广网|本台|本报)[^。，！？]{0,30}?(?:电(?![视话子影力网台器脑])|(?<!通)讯|消息).*)$"
)
_XWLB: Final = re.compile(r"新闻联播.{0,3}[（(](?P<d>\d{8})[）)]")
_YEAR: Final = re.compile(r"(?<!\d)((?:19|20)\d{2})年")

#: 签发人 on a line of its own (上行文 carry it beside or under the 文号).
_SIGNER: Final = re.compile(r"^签\s*发\s*人\s*[：:]\s*(?P<s>[\u4e00-\u9fff·、　 ]{2,30})$")
#: A document's own label above its title: 附件3、大纲1、附表二 (the file is an attachment).
_LABEL: Final = re.compile(
    r"^(?:附件|附表|附录|大纲|表)\s*[0-9０-９一二三四五六七八九十]{0,3}\s*[:：]?$"
)
#: The 附件 label that opens the name of an attachment's file (``附件1：``, ``附件： ``,
#: ``附件三  ``), not part of its title.
_STEM_LABEL: Final = re.compile(
    r"^(?:附件|附表)\s*[0-9０-９一二三四五六七八九十]{0,3}\s*(?:[:：]\s*|\s+)"
)
#: 文种 words a title ends with (the 15 公文 kinds, then the genres writers search by), and
#: what may follow them: （第一批）、（2022年修订）、（试行）.
_KIND_END: Final = re.compile(
    r"(?:决议|决定|命令|令|公报|公告|通告|意见|通知|通报|报告|请示|批复|议案|函|纪要|讲话|发言|"
    r"致辞|说明|名单|名录|目录|大纲|决算|预算|规范|标准|条例|办法|规定|细则|规则|方案|规划|纲要|"
    r"计划|总结|公示|职位表|汇报|心得体会)"
    r"(?:[（(][^（）()]{1,16}[）)])?$"
)
#: A bracketed line that continues a title: （第一批）、（2022年修订）、（试行）、（征求意见稿）.
_TITLE_SUFFIX: Final = re.compile(
    r"^[（(][^（）()]{0,12}(?:第.{1,3}批|修订|修正|试行|暂行|草案|意见稿|送审稿|节选|摘要)"
    r"[^（）()]{0,6}[）)]$"
)
#: A title line that opens with a conjunction continues the line above.
_CONNECTIVE: Final = re.compile(r"^(?:及|和|与|暨|并|以及)[\u4e00-\u9fff《“]")
#: A word spaced out in a 版头 title: ``通      知``.
_SPACED_WORD: Final = re.compile(r"^[\u4e00-\u9fff](?:[ \t\u3000\u00a0]+[\u4e00-\u9fff]){1,3}$")
#: 附件 in the 落款 block: ``附件：1．…``, ``附件：标题``, or ``附件`` above the attachment.
_ATTACHMENT: Final = re.compile(
    r"^附\s*件\s*[0-9０-９一二三四五六七八九十]{0,2}\s*[：:]?\s*(?P<rest>.*)$"
)
_ITEM: Final = re.compile(r"^[0-9０-９]{1,2}\s*[.．、]\s*(?P<t>.+)$")
#: 主送机关: a line ending in a colon that names offices (各…局，…各相关单位：) or Party
#: bodies (各乡镇党委，县属各单位党组织：).
_ADDRESSEE: Final = re.compile(
    r"^(?P<a>[^。；;！？!?：:]{2,200}?(?:局|厅|委|部|办|办公室|政府|单位|机关|机构|部门|公司|院|"
    r"会|处|室|队|中心|街道|镇|乡|组|所|站|校|学校|党组|党委|支部|党组织|总支))\s*[：:]$"
)
#: A field's label that ends like an office: ``联系单位：``, ``责任单位：`` (not a 主送机关).
_FIELD_LABEL: Final = re.compile(
    r"^(?:联系|责任|主办|承办|协办|牵头|实施|配合|报送|发布|来源|申报|填报|参加|参会|使用|建设)"
    r"(?:单位|机构|部门)$"
)
#: A 发文机关 signing the 落款: a short name without punctuation.
_SIGNATURE: Final = re.compile(
    r"^[\u4e00-\u9fff（）()]{2,40}(?:[ \u3000\u2002]+[\u4e00-\u9fff（）()]{2,40}){0,2}$"
)
_VIDEO_TAG: Final = re.compile(r"^[\[【](视频|图文|音频)[\]】]\s*")
_TITLE_BREAKERS: Final = re.compile(r"[，,。；;：:！？!?、]$|[。；;！？!?，,：:]")


@dataclass(slots=True)
class _Line:
    """A non-empty block with the number of blank lines before it."""

    text: str
    kind: str
    level: int
    paid: bool
    blanks: int


def split_role(line: str) -> tuple[str, str | None, str]:
    """Split ``标题（市委副书记、市长）正文…`` into title, role and the run-in rest.

    Returns ``(line, None, "")`` when the line carries no speaker role.
    """
    match = _ROLE_TITLE.match(line)
    if match is None:
        return line, None, ""
    role = match.group("role").strip()
    title = match.group("title").strip()
    if (
        not _ROLE.match(role)
        or len(title) < 6
        or _TITLE_BREAKERS.search(title)
        or marker(title) is not None
    ):
        return line, None, ""
    return title, role, match.group("rest").strip()


def _is_title_like(text: str) -> bool:
    return (
        4 <= len(text) <= 80
        and not SENTENCE_END.search(text)
        and text[-1] not in TERMINAL
        and "，" not in text[:4]
    )


def _lines(parsed: ParsedText) -> list[_Line]:
    lines: list[_Line] = []
    blanks = 0
    for block in parsed.blocks:
        if not block.text:
            blanks += 1
            continue
        lines.append(_Line(block.text, block.kind, block.level, block.paid, blanks))
        blanks = 0
    return lines


def _cn_number(text: str) -> int | None:
    """A count of articles: digits, or a numeral below 100 (二, 十二, 二十三); else ``None``
    (一百二十 is not read, rather than read wrong)."""
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if text.startswith("十"):
        text = "一" + text
    tens, ten, ones = text.partition("十")
    if not ten:
        return digits.get(text)
    if tens not in digits or (ones and ones not in digits):
        return None
    return digits[tens] * 10 + digits.get(ones, 0)


def structure(parsed: ParsedText, path: str) -> Compilation:
    """Find the articles of a cleaned file, and each article's title, role and outline.

    Args:
        parsed: the normalised text.
        path: the file's name (its stem is the title of last resort).
    """
    lines = _lines(parsed)
    stem = PurePosixPath(path.replace("\\", "/").split("!")[-1]).stem
    # An attachment saved on its own is named after its label: 附件1：…职位表.docx.
    stem = _STEM_LABEL.sub("", stem) or stem
    if not lines:
        return Compilation(stem, (), None, ())
    first = lines[0]
    xwlb = _XWLB.search(first.text) if first.kind == "title" else None
    if xwlb is not None:
        return _news_day(lines, xwlb.group("d"))

    head_title = first.text
    declared_match = _DECLARED.search(head_title)
    declared = _cn_number(declared_match.group("n")) if declared_match else None
    is_compilation = bool(_COMPILATION.search(head_title)) and _is_title_like(head_title)

    # A file that states its own title (Markdown "#", a .docx title) is one document unless
    # that title calls it a compilation.
    single = first.kind == "title" and not is_compilation
    starts = [] if single else _role_title_starts(lines, is_compilation)
    if len(starts) >= 2 or (starts and is_compilation and starts[0] > 0):
        return _split(lines, starts, head_title, declared)
    news = [] if single else _news_starts(lines)
    if len(news) >= 2:
        return _split(lines, news, head_title, declared, _headline_parts)
    if is_compilation:
        starts = [
            i
            for i, line in enumerate(lines)
            if i > 0
            and line.blanks >= 2
            and line.kind != "table"
            and _is_title_like(line.text)
            and len(line.text) <= 40
            and marker(line.text) is None
        ]
        if len(starts) >= 2:
            return _split(lines, starts, head_title, declared)

    meta, taken = _metadata(lines)
    meta_lines, lines = tuple(ln.text for ln in lines[:taken]), lines[taken:] or lines
    # 份号 and 密级 (000051 / 秘密★1年) head the 版头 above the organ (GB/T 9704): never a title.
    marking = 0
    if lines and lines[0].text.strip().isdigit() and len(lines[0].text.strip()) <= 8:
        marking = 1  # a 份号, when a 密级 follows
    if len(lines) > marking + 1 and classified_marking([lines[marking].text]):
        marking += 1
    else:
        marking = 0
    marks, lines = tuple(ln.text for ln in lines[:marking]), lines[marking:]
    header, gongwen, lines = _gongwen_header(lines)
    header = marks + header
    label: tuple[str, ...] = ()
    if len(lines) > 1 and _LABEL.match(lines[0].text) and lines[0].kind != "table":
        label, lines = (lines[0].text,), lines[1:]
    if "title" in meta:
        title, role, rest = meta.pop("title"), None, ""
        same = next((i for i, ln in enumerate(lines[:3]) if _flat(ln.text) == _flat(title)), None)
        body = lines if same is None else lines[:same] + lines[same + 1 :]
    else:
        title, role, rest, body = _single_title(lines, parsed, stem)
    article = _article(title, role, rest, body, 0, head_title if is_compilation else "")
    fields = {**meta, **_fields(body, gongwen)}
    for key in ("issuer", "doc_number"):
        if key in meta:
            fields[key] = meta[key]
    date = fields.pop("written_on", None) or (
        None if article.issued_on else fields.get("published_on") or parsed.date_hint
    )
    fields.pop("published_on", None)
    if date is not None:
        article = replace(article, issued_on=date, year=int(date[:4]))
    article = replace(article, **fields)
    return Compilation(
        title, meta_lines + header + label, declared, (article,), _count_note(declared, 1)
    )


#: Fields of a page's metadata table or a scraper's front matter (``标　　题：…``,
#: ``文号: …``); several may run together on one line.
_META: Final = re.compile(
    r"(?P<label>标[\s\u3000]*题|文[\s\u3000]*号|发文字号|发布单位|发文机关|发文单位|发布机构|"
    r"成文日期|发布日期|索[\s\u3000]*引[\s\u3000]*号|主题分类|层[\s\u3000]*级|类[\s\u3000]*型|"
    r"分[\s\u3000]*类|状[\s\u3000]*态|官方链接|附[\s\u3000]*件|来[\s\u3000]*源)\s*[：:]\s*"
)
_META_KEYS: Final = {
    "标题": "title",
    "文号": "doc_number",
    "发文字号": "doc_number",
    "发布单位": "issuer",
    "发文机关": "issuer",
    "发文单位": "issuer",
    "发布机构": "issuer",
    "成文日期": "written_on",
    "发布日期": "published_on",
}


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _metadata(lines: list[_Line]) -> tuple[dict[str, str], int]:
    """A metadata block opening the file (a 政府信息公开 page's table, a scraper's front matter):
    its fields, and the number of lines it takes. It must name the title (``标题：``)."""
    values: dict[str, str] = {}
    taken = 0
    for line in lines[:12]:
        text = line.text.replace("\t", " ")
        matches = list(_META.finditer(text))
        if not matches or matches[0].start() != 0:
            break
        for match, nxt in zip(matches, [*matches[1:], None], strict=True):
            value = text[match.end() : nxt.start() if nxt else len(text)].strip()
            key = _META_KEYS.get(_flat(match.group("label")))
            if key is not None and value and key not in values:
                values[key] = value
        taken += 1
    if "title" not in values:
        return {}, 0
    for key in ("written_on", "published_on"):
        if key in values:
            date = parse_date(values[key])
            if date is None:
                del values[key]
            else:
                values[key] = date
    return values, taken


def _gongwen_header(lines: list[_Line]) -> tuple[tuple[str, ...], dict[str, str], list[_Line]]:
    """Take a 公文 版头 (issuer), 文号 (document number) and 签发人 off the top of a document.

    Returns the header lines, the fields found (``issuer``, ``doc_number``, ``signer``) and
    the remaining lines. When the number follows the title instead (as 北大法宝 exports have
    it), nothing is taken.
    """
    for k, line in enumerate(lines[:4]):
        match = DOC_NUMBER.match(line.text)
        if match is None:
            continue
        end = k + 1
        found = {"doc_number": match.group("n")}
        if match.group("signer"):
            found["signer"] = match.group("signer").strip()
        elif end < len(lines) and (signer := _SIGNER.match(lines[end].text)):
            found["signer"] = signer.group("s").strip()
            end += 1
        if k == 0 or end >= len(lines) or not _is_title_like(lines[end].text):
            return (), {}, lines
        found["issuer"] = lines[0].text.removesuffix("文件").strip()
        header = tuple(ln.text for ln in lines[:end])
        return header, found, lines[end:]
    return (), {}, lines


def _fields(body: list[_Line], gongwen: dict[str, str]) -> dict[str, Any]:
    """公文 fields of a single document: 发文字号, 发文机关, 签发人 (from the 版头, else the
    text), 主送机关 (the line ending in a colon under the title) and 附件 (issue 16)."""
    fields: dict[str, Any] = dict(gongwen)
    texts = [ln.text for ln in body]
    if "doc_number" not in fields:
        for text in texts[:3]:
            if match := DOC_NUMBER.match(text):
                fields["doc_number"] = match.group("n")
                if match.group("signer"):
                    fields["signer"] = match.group("signer").strip()
                break
    for text in texts[:40]:
        match = _ADDRESSEE.match(text)
        if match and len(match.group("a")) >= 4 and not _FIELD_LABEL.search(match.group("a")):
            fields["addressee"] = match.group("a").strip()
            break
    signed = _signature(body)
    if signed is not None and "issuer" not in fields:
        fields["issuer"] = signed
    attachments = _attachments(body)
    if attachments:
        fields["attachments"] = attachments
    return fields


def _signature(body: list[_Line]) -> str | None:
    """The 发文机关 of the 落款: the short name on the line above the first date-only line."""
    for i, line in enumerate(body):
        if i >= 1 and line.kind != "table" and date_only(line.text):
            name = body[i - 1].text.strip()
            if _SIGNATURE.match(name) and marker(name) is None and not _LABEL.match(name):
                return name
            return None
    return None


def _attachments(body: list[_Line]) -> tuple[str, ...]:
    """Titles of the 附件 listed in the 落款 block (``附件：1．…  2．…``), or the title under a
    lone ``附件`` label that heads an attachment."""
    texts = [ln.text.strip() for ln in body]
    for i, text in enumerate(texts):
        if i < 2 or body[i].kind == "table":
            continue
        match = _ATTACHMENT.match(text)
        if match is None:
            continue
        rest = match.group("rest").strip()
        following = texts[i + 1 : i + 12]
        if rest:
            item = _ITEM.match(rest)
            titles = [item.group("t").strip() if item else rest]
            if item is None:
                # A title wrapped onto a short next line that is not the 落款's signature.
                nxt = following[0] if following else ""
                after = following[1] if len(following) > 1 else ""
                wrapped = i + 1 < len(body) and body[i + 1].kind == "text"
                if (
                    wrapped
                    and len(nxt) <= 20
                    and _is_continuation(nxt)
                    and not _ATTACHMENT.match(nxt)
                    and not date_only(after)
                ):
                    titles[0] += nxt
                return tuple(titles)
            for text2 in following:
                more = _ITEM.match(text2)
                if more is None:
                    break
                titles.append(more.group("t").strip())
            return tuple(titles)
        items = []
        for text2 in following:
            more = _ITEM.match(text2)
            if more is None:
                break
            items.append(more.group("t").strip())
        if items:
            return tuple(items)
        if following and _is_title_like(following[0]) and body[i + 1].kind != "table":
            return (following[0],)
        return ()
    return ()


def _is_continuation(text: str) -> bool:
    """A short wrapped rest of a line: no sentence end, no outline marker, no date."""
    return (
        not SENTENCE_END.search(text)
        and marker(text) is None
        and date_only(text) is None
        and not text.endswith(("：", ":"))
    )


def _role_title_starts(lines: list[_Line], compilation: bool) -> list[int]:
    """Lines that open an article with a titled role: ``标题（县长）`` alone or run in.

    Run-in titles alone (no stand-alone title beside them) count only when the file calls
    itself a compilation or each runs into an article's opening (a dateline, a salutation):
    alone, "职工（代表）大会…" in a single document would match. (:func:`structure` splits
    at two or more, or at one after a compilation's header.)
    """
    starts = []
    for i, line in enumerate(lines):
        if line.kind in ("heading", "table"):
            continue
        _, role, rest = split_role(line.text)
        if role is None:
            continue
        # A run-in title must be followed by a sentence or an opening (各位代表：); a
        # stand-alone one by a new paragraph.
        if rest and not (SENTENCE_END.search(rest) or _OPENING.match(rest)):
            continue
        starts.append(i)
    rests = [split_role(lines[i].text)[2] for i in starts]
    if all(rests) and not (compilation or all(_OPENING.match(r) for r in rests)):
        return []
    return starts


def _headline_parts(text: str) -> tuple[str, str | None, str]:
    """A news item's headline and the dateline it runs into (``(title, None, rest)``), or
    ``(text, None, "")`` for a headline on its own line."""
    match = _GLUED_HEADLINE.match(text)
    if match is None:
        return text, None, ""
    return match.group("title").strip(), None, match.group("rest")


def _news_starts(lines: list[_Line]) -> list[int]:
    """Lines that open a news item in a day's news copied as run-together text: a headline
    followed by a line opening with a dateline (央视网消息（新闻联播）：…, 新华社…电), or a
    headline glued to its dateline. (:func:`structure` splits at two or more.)"""
    starts = []
    for i, line in enumerate(lines):
        if line.kind in ("heading", "table"):
            continue
        if marker(line.text) is not None:
            continue
        glued = _GLUED_HEADLINE.match(line.text) is not None
        alone = (
            i + 1 < len(lines)
            and 4 <= len(line.text) <= _MAX_HEADLINE
            # A headline may end in ！ or ？ (…向着新的奋斗目标，出发！), never in 。
            and "。" not in line.text
            and line.text[-1] not in "；：，、;:,"
            and not _NEWS_OPENING.match(line.text)
            and _NEWS_OPENING.match(lines[i + 1].text) is not None
        )
        if glued or alone:
            starts.append(i)
    return starts


def _count_note(declared: int | None, found: int) -> tuple[str, ...]:
    if declared is None or declared == found:
        return ()
    return (f"the header declares {declared} articles but {found} were found",)


def _split(
    lines: list[_Line],
    starts: list[int],
    head_title: str,
    declared: int | None,
    parts: Callable[[str], tuple[str, str | None, str]] = split_role,
) -> Compilation:
    header = tuple(line.text for line in lines[: starts[0]])
    articles = []
    bounds = [*starts, len(lines)]
    for position, (start, end) in enumerate(pairwise(bounds)):
        title, role, rest = parts(lines[start].text)
        articles.append(
            _article(
                title,
                role,
                rest,
                lines[start + 1 : end],
                position,
                head_title,
                lines[start].paid,
            )
        )
    return Compilation(
        head_title, header, declared, tuple(articles), _count_note(declared, len(articles))
    )


def _single_title(
    lines: list[_Line], parsed: ParsedText, stem: str
) -> tuple[str, str | None, str, list[_Line]]:
    first = lines[0]
    if first.kind == "title" or (first.kind == "text" and _is_title_like(first.text)):
        title, role, rest, taken = _joined_title(lines)
        return title, role, rest, lines[taken:]
    if parsed.title_hint:
        return parsed.title_hint, None, "", lines
    return stem, None, "", lines


def _title_line(text: str) -> str:
    """A title line as written: a 文种 spaced out for the 版头 (``通      知``) closed up."""
    text = _VIDEO_TAG.sub("", text).strip()
    return re.sub(r"\s+", "", text) if _SPACED_WORD.match(text) else text


def _joined_title(lines: list[_Line]) -> tuple[str, str | None, str, int]:
    """A title broken over up to four lines, joined when the join ends in a 文种 word that the
    first line alone lacks (``洪泽区人民政府`` / ``2023年政府信息公开工作年度报告``), or is
    followed by a bracketed suffix (``（2022年修订）``). Returns title, role, run-in rest and
    the number of lines taken."""
    first = _title_line(lines[0].text)
    title, role, rest = split_role(first)
    if role is not None or rest:
        return title, role, rest, 1
    taken = 1
    if (
        len(lines) > 1
        and lines[1].kind in ("text", "title")
        and len(lines[1].text) <= 40
        and _CONNECTIVE.match(lines[1].text)
        and _is_continuation(lines[1].text)
    ):
        # ``…测评标准`` / ``及实施规范``: a line opening with a conjunction continues the title.
        first, taken = first + _title_line(lines[1].text), 2
        title = first
    if not _KIND_END.search(first):
        joined = first
        for k in range(taken, min(4, len(lines))):
            line = lines[k]
            text = _title_line(line.text)
            if (
                line.kind not in ("text", "title")
                or len(text) > 40
                or text[-1] in TERMINAL
                or "，" in text
                or not _is_continuation(text)
                or text.startswith(("—", "－", "-", "（", "("))
                or _LABEL.match(text)
                or split_role(text)[1] is not None
            ):
                break
            joined += text
            if _KIND_END.search(joined):
                title, taken = joined, k + 1
                break
    if taken < len(lines) and _TITLE_SUFFIX.match(lines[taken].text.strip()):
        title += lines[taken].text.strip()
        taken += 1
    return title, None, "", taken


def _news_day(lines: list[_Line], day: str) -> Compilation:
    """Split a 新闻联播 day at its ``###`` items; the summary list stays in the header."""
    starts = [i for i, line in enumerate(lines) if line.kind == "heading" and line.level >= 3]
    date = f"{day[:4]}-{day[4:6]}-{day[6:]}"
    if not starts:
        article = _article(lines[0].text, None, "", lines[1:], 0, genre="新闻", date=date)
        return Compilation(lines[0].text, (), None, (article,))
    header = tuple(line.text for line in lines[: starts[0]])
    bounds = [*starts, len(lines)]
    articles = tuple(
        _article(lines[s].text, None, "", lines[s + 1 : e], n, genre="新闻", date=date)
        for n, (s, e) in enumerate(pairwise(bounds))
    )
    return Compilation(lines[0].text, header, None, articles)


def _dates(
    title: str, paragraphs: list[str], kinds: list[tuple[str, int]]
) -> tuple[str | None, int | None]:
    """成文日期 and year (issue 16): a ``成文日期：`` field, else the 落款 (the first line after
    the opening that is a date alone), else the 题注 under the title, else a page's date field
    (``发布日期：``, ``发稿时间：``) near the top. A date inside a sentence (``自…起施行``) is
    never taken; the year is the date's, else the title's."""
    found = None
    top = paragraphs[:6]
    for text in top:
        field = field_date(text)
        if field is not None and field[0] == "成文日期":
            found = field[1]
            break
    if found is None:
        found = next(
            (
                d
                for i, text in enumerate(paragraphs)
                if i >= 2 and kinds[i][0] != "table" and (d := date_only(text))
            ),
            None,
        )
    if found is None:
        found = next(
            (d for text in paragraphs[:3] if (d := date_only(text) or title_note_date(text))),
            None,
        )
    if found is None:
        found = date_only(title) or title_note_date(title)
    if found is None:
        found = next((f[1] for text in top if (f := field_date(text))), None)
    if found is not None:
        return found, int(found[:4])
    match = _YEAR.search(title)
    return None, int(match.group(1)) if match else None


def _article(
    title: str,
    role: str | None,
    rest: str,
    body: list[_Line],
    position: int,
    context: str = "",
    title_paid: bool = False,
    *,
    genre: str | None = None,
    date: str | None = None,
) -> ArticleDraft:
    texts: list[str] = []
    paid: list[bool] = []
    kinds: list[tuple[str, int]] = []
    if rest:
        texts.append(rest)
        paid.append(title_paid)
        kinds.append(("text", 0))
    for line in body:
        texts.append(line.text)
        paid.append(line.paid)
        kinds.append((line.kind, line.level))
    entries, headings, sections = outline(texts, kinds) if texts else ([], [], [])
    paragraphs = tuple(
        Paragraph(i, t, paid[i], headings[i], sections[i], "table" if k == "table" else "text")
        for i, (t, (k, _)) in enumerate(zip(texts, kinds, strict=True))
    )
    issued_on, year = _dates(title, texts, kinds)
    if date is not None:
        issued_on, year = date, int(date[:4])
    if role is not None and _SAMPLE_MARK.match(role):
        title, role = f"{title}（{role}）", None
    return ArticleDraft(
        title=title,
        role=role,
        genre=genre or guess_genre(title, role, texts, context),
        issued_on=issued_on,
        year=year,
        paragraphs=paragraphs,
        outline=tuple(entries),
        position=position,
    )
