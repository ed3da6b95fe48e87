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
from typing import TYPE_CHECKING, Final

from sucai.models import ArticleDraft, Compilation, OutlineEntry, Paragraph

if TYPE_CHECKING:
    from sucai.models import ParsedText

__all__ = ["guess_genre", "split_role", "structure"]

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
#: How an article opens when its title runs into it: a news dateline (新华社韩国庆州10月31日电,
#: 本报讯) or a speech's salutation (各位代表：, 同志们：, 尊敬的…).
_OPENING: Final = re.compile(
    r"^(?:(?:新华社|中新社|人民网|新华网|央视网|央广网|中国新闻网|本报|本台)[^。，！？]{0,30}?(?:电|讯)"
    r"|[^。，！？]{0,24}?\d{1,2}月\d{1,2}日(?:电|讯)"
    r"|各位代表|各位委员|同志们|尊敬的|女士们|各位领导|各位同事|大家好)"
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
    r"^[（(]?(?P<n>[\u4e00-\u9fff]{1,16}[〔\[［]\d{4}[〕\]］]\s*第?\d+\s*号)[）)]?$"
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

    header, issuer, doc_number, lines = _gongwen_header(lines)
    title, role, rest, body = _single_title(lines, parsed, stem)
    article = _article(title, role, rest, body, 0, head_title if is_compilation else "")
    if doc_number is None:
        doc_number = next(
            (m.group("n") for ln in body[:3] if (m := _DOC_NUMBER.match(ln.text))), None
        )
    article = replace(article, doc_number=doc_number, issuer=issuer)
    return Compilation(title, header, declared, (article,), _count_note(declared, 1))


def _gongwen_header(
    lines: list[_Line],
) -> tuple[tuple[str, ...], str | None, str | None, list[_Line]]:
    """Take a 公文 版头 (issuer) and 文号 (document number) off the top of a document.

    Returns the header lines, the issuer, the document number and the remaining lines. When
    the number follows the title instead (as 北大法宝 exports have it), nothing is taken.
    """
    for k, line in enumerate(lines[:4]):
        match = _DOC_NUMBER.match(line.text)
        if match is None:
            continue
        if k == 0 or k + 1 >= len(lines) or not _is_title_like(lines[k + 1].text):
            return (), None, None, lines
        issuer = lines[0].text.removesuffix("文件").strip()
        header = tuple(ln.text for ln in lines[: k + 1])
        return header, issuer, match.group("n"), lines[k + 1 :]
    return (), None, None, lines


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
) -> Compilation:
    header = tuple(line.text for line in lines[: starts[0]])
    compilation_title = header[0] if header else head_title
    articles = []
    bounds = [*starts, len(lines)]
    for position, (start, end) in enumerate(pairwise(bounds)):
        title, role, rest = split_role(lines[start].text)
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
        title, role, rest = split_role(_VIDEO_TAG.sub("", first.text))
        return title, role, rest, lines[1:]
    if parsed.title_hint:
        return parsed.title_hint, None, "", lines
    return stem, None, "", lines


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


def guess_genre(title: str, role: str | None, paragraphs: list[str], context: str = "") -> str:
    """文种 from evidence in the title, role, opening and the compilation's title."""
    opening = "".join(paragraphs[:2])[:200]
    if re.search(r"工作报告|报告$", title):
        return "报告"
    if re.search(r"通知$", title):
        return "通知"
    official = _OFFICIAL_GENRE.search(title)
    if official is not None:
        return official.group(1)
    law_like = sum(
        1 for p in paragraphs[:50] if re.match(r"^第[一二三四五六七八九十百千零〇\d]+条", p)
    )
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
    if re.search(r"(法|条例|规定|办法|细则)$", title):
        return "法规"
    return "文章"


def _dates(title: str, paragraphs: list[str]) -> tuple[str | None, int | None]:
    for text in (title, *paragraphs[:4]):
        match = _FULL_DATE.search(text)
        if match is not None:
            y, m, d = (int(g) for g in match.groups())
            if 1 <= m <= 12 and 1 <= d <= 31:
                return f"{y:04d}-{m:02d}-{d:02d}", y
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
    issued_on, year = _dates(title, texts)
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
