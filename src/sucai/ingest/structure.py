"""Structure: cleaned ParsedText → Compilation of articles with titles, roles and outlines.

A file holds one article or a compilation (汇编) of several. Article boundaries are, in order of
evidence:

1. ``###`` items of a 新闻联播 day (``# 《新闻联播》（20240315）``);
2. titles carrying a speaker role — ``勇争高质量发展排头兵（县长）`` — alone on a line or run
   into the first sentence of their article;
3. in a file whose header calls itself a compilation (``汇编``, ``（8篇）``), short title lines
   after two or more blank lines.

Otherwise the file is one article. Within an article each paragraph is placed in an outline
built from 一、/（一）/1./（1）, 第X编/章/节/条, 一要/一是/第一, short heading lines and lead
sentences of parallel paragraphs (``在对外开放上再发力，打造“融沈对接”先导区。``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, Final

from sucai.ingest.dates import date_only, field_date, parse_date, title_note_date
from sucai.ingest.normalize import DATELINE
from sucai.ingest.screening import classified_marking
from sucai.models import ArticleDraft, Compilation, OutlineEntry, Paragraph

if TYPE_CHECKING:
    from collections.abc import Callable

    from sucai.models import ParsedText

__all__ = ["guess_genre", "split_role", "structure", "title_kind"]

_CN_NUM: Final = "一二三四五六七八九十百千零〇两"
_ROLE_WORD: Final = (
    r"(?:长|书记|主任|主席|委员|代表|范文|发言|讲话|部长|局长|经理|董事长|校长|院长|政委|"
    r"秘书|干部|同志|负责人|主持词|致辞|总监|理事长|省长|县长|市长|区长|镇长|乡长|厅长|处长|"
    r"科长|村支书|支书|检察长|庭长|会长|参事|专员|巡视员|调研员|组长|队长|所长|行长|总裁|总理)"
)
_ROLE: Final = re.compile(rf"^[\u4e00-\u9fff、，,·\s]{{0,24}}{_ROLE_WORD}$")
_ROLE_TITLE: Final = re.compile(
    r"^(?P<title>[^（(。！？；]{4,80}?)[（(](?P<role>[^（）()]{1,26})[）)](?P<rest>.*)$"
)
# A count of articles has at most four digits: 汇编（99999999999999999999篇） is no count (and
# would not fit the store's integer, issue 22).
_DECLARED: Final = re.compile(rf"[（(](?P<n>\d{{1,4}}|[{_CN_NUM}]{{1,6}})篇[）)]")
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
_TERMINAL: Final = frozenset("。！？；：…!?;:")
_SENTENCE_END: Final = re.compile(r"[。！？!?]")
_FULL_DATE: Final = re.compile(r"(?<!\d)((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")
_YEAR: Final = re.compile(r"(?<!\d)((?:19|20)\d{2})年")

# (regex, rank, kind): a lower rank is higher in the tree.
_MARKERS: Final = (
    (re.compile(rf"^第[{_CN_NUM}\d]+编(?=\s|$|[^\u4e00-\u9fff]|\S)"), 10, "marker"),
    (re.compile(rf"^第[{_CN_NUM}\d]+章"), 20, "marker"),
    (re.compile(rf"^第[{_CN_NUM}\d]+节"), 30, "marker"),
    (re.compile(rf"^第[{_CN_NUM}\d]+条(?:之[{_CN_NUM}]+)?(?=[\s\u3000]|$)"), 40, "marker"),
    (re.compile(r"^[一二三四五六七八九十]+、"), 50, "marker"),
    (re.compile(r"^[（(][一二三四五六七八九十]+[）)]"), 60, "marker"),
    (re.compile(r"^\d{1,2}[.．、](?!\d)"), 70, "marker"),
    (re.compile(r"^[（(]\d{1,2}[）)]"), 80, "marker"),
    (re.compile(r"^[一二三四五六七八九十]+(?:要|是|方面|则|抓|在)(?=\S)"), 90, "enum"),
    (re.compile(r"^(?:第[一二三四五六七八九十]+|首先|其次|再次|最后)[，、,：:]"), 90, "enum"),
)
_OFFICIAL_GENRE: Final = re.compile(r"(意见|决议|决定|批复|通报|公告|通告|方案|规划|纲要)$")
_DOC_NUMBER: Final = re.compile(
    r"^[（(]?(?P<n>[\u4e00-\u9fff]{1,16}\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*第?\d+\s*号)[）)]?"
    r"(?:\s+签发人\s*[：:]\s*(?P<signer>[\u4e00-\u9fff·　 ]{2,12}))?$"
)
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
_LINE_RANK: Final = 45
_LEAD_RANK: Final = 95
_HEADING_MAX: Final = 45
_LEAD_MAX: Final = 60


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
        or _marker(title) is not None
    ):
        return line, None, ""
    return title, role, match.group("rest").strip()


def _is_title_like(text: str) -> bool:
    return (
        4 <= len(text) <= 80
        and not _SENTENCE_END.search(text)
        and text[-1] not in _TERMINAL
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
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    if text == "十":
        return 10
    if text.startswith("十"):
        text = "一" + text
    if "十" in text:
        tens, _, ones = text.partition("十")
        return digits.get(tens, 0) * 10 + (digits.get(ones, 0) if ones else 0)
    return digits.get(text)


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
        return _split(lines, starts, head_title, declared, parsed)
    news = [] if single else _news_starts(lines)
    if len(news) >= 2:
        return _split(lines, news, head_title, declared, parsed, _headline_parts)
    if is_compilation:
        starts = [
            i
            for i, line in enumerate(lines)
            if i > 0
            and line.blanks >= 2
            and line.kind != "table"
            and _is_title_like(line.text)
            and len(line.text) <= 40
            and _marker(line.text) is None
        ]
        if len(starts) >= 2:
            return _split(lines, starts, head_title, declared, parsed)

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
        match = _DOC_NUMBER.match(line.text)
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
            if match := _DOC_NUMBER.match(text):
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
            if _SIGNATURE.match(name) and _marker(name) is None and not _LABEL.match(name):
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
        not _SENTENCE_END.search(text)
        and _marker(text) is None
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
        if rest and not (_SENTENCE_END.search(rest) or _OPENING.match(rest)):
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
        if _marker(line.text) is not None:
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
    parsed: ParsedText,
    parts: Callable[[str], tuple[str, str | None, str]] = split_role,
) -> Compilation:
    header = tuple(line.text for line in lines[: starts[0]])
    compilation_title = header[0] if header else head_title
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
                compilation_title,
                lines[start].paid,
            )
        )
    return Compilation(
        compilation_title, header, declared, tuple(articles), _count_note(declared, len(articles))
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
                or text[-1] in _TERMINAL
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
        article = _article(lines[0].text, None, "", lines[1:], 0, "", genre="新闻", date=date)
        return Compilation(lines[0].text, (), None, (article,))
    header = tuple(line.text for line in lines[: starts[0]])
    bounds = [*starts, len(lines)]
    articles = tuple(
        _article(
            lines[s].text, None, "", lines[s + 1 : e], n, lines[0].text, genre="新闻", date=date
        )
        for n, (s, e) in enumerate(pairwise(bounds))
    )
    return Compilation(lines[0].text, header, None, articles)


def _marker(text: str) -> tuple[int, str, str] | None:
    """``(rank, kind, marker)`` when the paragraph opens with an outline marker."""
    for pattern, rank, kind in _MARKERS:
        match = pattern.match(text)
        if match is not None:
            return rank, kind, match.group(0)
    return None


def _introduces_body(paragraphs: list[str], i: int) -> bool:
    """A heading line is followed by a longer paragraph of sentences (not by a 落款 line)."""
    if i + 1 >= len(paragraphs):
        return False
    following = paragraphs[i + 1]
    return len(following) > len(paragraphs[i]) and following[-1] in _TERMINAL | {"”", "）"}


def _lead(text: str) -> str | None:
    """The lead sentence of a paragraph written as a heading, if it is short enough."""
    match = _SENTENCE_END.search(text)
    if match is None or match.end() >= len(text):
        return None
    lead = text[: match.end()]
    return lead if 6 <= len(lead) <= _LEAD_MAX else None


def _first_clause(text: str) -> str:
    return re.split(r"[，。；：,;:！？]", text, maxsplit=1)[0]


def _common_affix(clauses: list[str]) -> int:
    """Length of the longest prefix or suffix that all clauses share."""

    def common(items: list[str]) -> int:
        n = min(len(s) for s in items)
        k = 0
        while k < n and all(s[k] == items[0][k] for s in items):
            k += 1
        return k

    return max(common(clauses), common([s[::-1] for s in clauses]))


def _parallel_leads(paragraphs: list[str], candidates: set[int]) -> dict[int, str]:
    """Lead sentences of runs of ≥3 parallel paragraphs (排比 headings)."""
    leads: dict[int, str] = {}
    run: list[int] = []

    def flush() -> None:
        if len(run) >= 2:
            clauses = [_first_clause(paragraphs[i]) for i in run]
            need = 2 if len(run) >= 3 else 4
            if _common_affix(clauses) >= need:
                for i in run:
                    lead = _lead(paragraphs[i])
                    if lead is not None:
                        leads[i] = lead
        run.clear()

    for i in range(len(paragraphs)):
        if i in candidates and _lead(paragraphs[i]) is not None:
            if (
                run
                and _common_affix([_first_clause(paragraphs[run[0]]), _first_clause(paragraphs[i])])
                < 2
            ):
                flush()
            run.append(i)
        else:
            flush()
    flush()
    return leads


def _outline(
    paragraphs: list[str], kinds: list[tuple[str, int]]
) -> tuple[list[OutlineEntry], list[int], list[int | None]]:
    """Build the outline; return entries, each paragraph's heading level and section."""
    found: dict[int, tuple[int, str, str, bool]] = {}  # index -> rank, kind, text, is_heading_line
    candidates: set[int] = set()
    for i, text in enumerate(paragraphs):
        kind, level = kinds[i]
        if kind == "table":
            continue  # a table's cells are never outline entries (issue 16)
        marker = _marker(text)
        whole = (
            len(text) <= _HEADING_MAX
            and text[-1] not in _TERMINAL
            and not _SENTENCE_END.search(text)
        )
        if kind in ("heading", "title"):
            rank = marker[0] if marker else 5 + level
            found[i] = (rank, "marker" if marker else "heading", text, True)
        elif marker is not None:
            rank, mkind, _ = marker
            if whole:
                found[i] = (rank, mkind, text, True)
            else:
                lead = _lead(text) or _first_clause(text)[:_LEAD_MAX]
                found[i] = (rank, mkind, lead, False)
        elif (
            whole
            and _introduces_body(paragraphs, i)
            and not _FULL_DATE.search(text)
            and not (text[0] in "（(" and text[-1] in "）)")
            # A 文号 or a page's date field above the text is no heading (issue 16).
            and not _DOC_NUMBER.match(text)
            and field_date(text) is None
        ):
            found[i] = (_LINE_RANK, "line", text, True)
        else:
            candidates.add(i)
    for i, lead in _parallel_leads(paragraphs, candidates).items():
        found[i] = (_LEAD_RANK, "lead", lead, False)

    entries: list[OutlineEntry] = []
    stack: list[tuple[int, int, str]] = []  # (rank, entry index, kind)
    headings = [0] * len(paragraphs)
    sections: list[int | None] = [None] * len(paragraphs)
    for i in range(len(paragraphs)):
        item = found.get(i)
        if item is None:
            sections[i] = stack[-1][1] if stack else None
            continue
        rank, kind, text, is_line = item
        if kind == "line":
            # An unmarked heading line sits just below the innermost marked heading.
            marked = [r for r, _, k in stack if k != "line"]
            rank = marked[-1] + 5 if marked else _LINE_RANK
        elif kind == "marker":
            # …and never takes marked headings as children: they are its siblings.
            while stack and stack[-1][2] == "line":
                stack.pop()
        while stack and stack[-1][0] >= rank:
            stack.pop()
        parent = stack[-1][1] if stack else None
        entry = OutlineEntry(len(entries), len(stack) + 1, text, i, parent, kind)
        entries.append(entry)
        sections[i] = entry.index
        if is_line:
            headings[i] = entry.level
        if kind not in ("lead", "enum"):
            stack.append((rank, entry.index, kind))
    return entries, headings, sections


#: 文种 from the word a title ends with, in order (issue 16): the 15 公文 kinds of
#: 《党政机关公文处理工作条例》, then the genres writers search by. Laws are left to the rule
#: of 第X条 below.
_TITLE_KINDS: Final = (
    (re.compile(r"政府信息公开.{0,8}(?:年度报告|年报)"), "年报"),
    (re.compile(r"(?:述职|述责述廉|述德述职述廉)报告$"), "述职报告"),
    (re.compile(r"调研报告$|调查报告$"), "调研报告"),
    (re.compile(r"决算$"), "决算"),
    (re.compile(r"大纲$"), "大纲"),
    (re.compile(r"(?:目录|名录)$"), "目录"),
    (re.compile(r"(?:名单|职位表|名册)$"), "名单"),
    (re.compile(r"(?:情况|有关|的)?说明$"), "说明"),
    (re.compile(r"(?:规范|标准)$"), "规范"),
    (re.compile(r"公报$"), "公报"),
    (re.compile(r"公告$"), "公告"),
    (re.compile(r"通告$"), "通告"),
    (re.compile(r"公示$"), "公示"),
    (re.compile(r"纪要$"), "纪要"),
    (re.compile(r"批复$"), "批复"),
    (re.compile(r"请示$"), "请示"),
    (re.compile(r"(?<![协建])议案$"), "议案"),  # not 行政协议案 (a court case)
    (re.compile(r"决议$"), "决议"),
    (re.compile(r"决定$"), "决定"),
    (re.compile(r"意见$"), "意见"),
    (re.compile(r"通报$"), "通报"),
    (re.compile(r"通知$"), "通知"),
    (re.compile(r"(?:的|复|公|便)函$"), "函"),
    (re.compile(r"(?:命令|[院府部委局署]令|主席令)(?:第.{1,8}号)?$"), "命令"),
    (re.compile(r"(?:工作)?总结$"), "工作总结"),
    (re.compile(r"工作(?:计划|要点)$"), "工作计划"),
)
#: Bracketed endings that are no 文种: （第一批）、（2022年修订）、（试行）、（节选）.
_TITLE_TAIL: Final = re.compile(r"(?:[（(][^（）()]{1,20}[）)]|\[\d+\])+$")


#: A news headline reports an event: ``…推介会在武汉举行！``, ``…表彰大会隆重召开``.
_NEWS_HEADLINE: Final = re.compile(
    r"(?:举行|召开|开幕|闭幕|落幕|举办|启动|开班|开工|签约|揭牌|成立|亮相|走访|调研|考察)[！!]?$"
)


def title_kind(title: str) -> str | None:
    """The 文种 a title's last word names (``…的通知`` → 通知), or ``None``."""
    bare = _TITLE_TAIL.sub("", title.strip()).rstrip("！!。 ")
    for pattern, kind in _TITLE_KINDS:
        if pattern.search(bare):
            return kind
    return None


def guess_genre(title: str, role: str | None, paragraphs: list[str], context: str = "") -> str:
    """文种 from evidence in the title, role, opening and the compilation's title."""
    opening = "".join(paragraphs[:2])[:200]
    law_like = sum(
        1 for p in paragraphs[:50] if re.match(r"^第[一二三四五六七八九十百千零〇\d]+条", p)
    )
    kind = title_kind(title)
    if kind is not None and not (law_like >= 2 and kind in ("规范", "说明", "目录", "名单")):
        return kind
    if re.search(r"工作报告|报告$", title):
        return "报告"
    if re.search(r"通知$", title):
        return "通知"
    official = _OFFICIAL_GENRE.search(title)
    if official is not None:
        return official.group(1)
    if law_like >= 2 or (
        re.search(r"(法|条例|规定|办法|细则|规则|解释)(（.*）)?$", title) and law_like
    ):
        return "法规"
    if re.search(r"心得|体会|感悟", title + context):
        return "心得体会"
    if re.search(r"主持词", title + (role or "")):
        return "主持词"
    if re.search(r"发言", title + (role or "") + context):
        return "发言"
    if re.search(r"致辞|讲话|动员|报告会", title) or "同志们" in opening:
        return "讲话"
    if role is not None:
        return "讲话"
    if "各位代表" in opening:
        return "报告"
    if re.search(r"央视网消息|新华社[^，。]{0,12}电|新闻联播", opening + title + context):
        return "新闻"
    if _NEWS_HEADLINE.search(title):
        return "新闻"
    if re.search(r"(法|条例|规定|办法|细则)$", title):
        return "法规"
    return "文章"


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
    context: str,
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
    entries, headings, sections = _outline(texts, kinds) if texts else ([], [], [])
    paragraphs = tuple(
        Paragraph(i, t, paid[i], headings[i], sections[i], "table" if k == "table" else "text")
        for i, (t, (k, _)) in enumerate(zip(texts, kinds, strict=True))
    )
    issued_on, year = _dates(title, texts, kinds)
    if date is not None:
        issued_on, year = date, int(date[:4])
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
