"""HTML parser (.html, .htm, .shtml): a web page's article text, without the page chrome."""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING, Final

from lxml import etree

from sucai.errors import IngestError
from sucai.ingest.dates import field_date
from sucai.ingest.normalize import drop_controls, join_wrapped
from sucai.ingest.sources import check_binary, decode_text, display_name, text_codec
from sucai.models import Block, ParsedText, table_text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from lxml.etree import _Element

    from sucai.models import BlockKind, SourceFile

__all__ = ["HtmlParser"]

_META_CHARSET: Final = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
#: How far into the file a ``<meta charset>`` is looked for (the HTML standard says 1024 bytes;
#: real pages put scripts first).
_CHARSET_SCAN: Final = 16384
# Pages labelled gb2312 or gbk routinely use characters only GB18030 (a superset) holds.
_GB_CHARSETS: Final = frozenset(
    {"gb2312", "gb_2312", "gb_2312-80", "csgb2312", "euc-cn", "gbk", "x-gbk", "cp936", "gb18030"}
)
_BOMS: Final = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_XML_DECLARATION: Final = re.compile(r"^\s*<\?xml[^>]*\?>")

#: Elements that never hold article text.
_NEVER_TEXT: Final = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "video", "audio",
    "canvas", "svg", "select", "button", "input", "textarea",
)  # fmt: skip
#: Page chrome.
_CHROME: Final = ("nav", "header", "footer", "aside")
#: Login and search boxes; but ASP.NET pages wrap the whole page in one ``<form>``.
_FORM: Final = "form"
#: Video players (``<div class="flash" id="_video">``); by class or id, which may be broad.
_PLAYER: Final = re.compile(r"(?:^|[\s_-])(?:player|flash)(?:$|[\s_-])", re.I)

#: Article containers of known sites, best first: CCTV (央视网) news pages use
#: ``div#content_area`` (2023 template) or ``div.cnt_bd`` (older template); TRS and UCAP are
#: the CMSs of most government sites.
_CONTAINERS: Final = (
    '//*[@id="content_area"]',
    '//*[@id="text_area"]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " cnt_bd ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " content_area ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " text_area ")]',
    '//*[contains(concat(" ", normalize-space(@class), " "), " TRS_Editor ")]',
    '//*[@id="UCAP-CONTENT"]',
    '//*[@itemprop="articleBody"]',
    "//article",
)
_BLOCK_TAGS: Final = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "h1", "h2",
        "h3", "h4", "h5", "h6", "hr", "html", "li", "main", "ol", "p", "pre", "section",
        "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    }
)  # fmt: skip
_HEADINGS: Final = {f"h{n}": n for n in range(1, 7)}
_PARAGRAPH_TAGS: Final = ("p", "pre", "blockquote", "li", "dd", "h2", "h3", "h4")
_BOX_TAGS: Final = ("div", "section", "article", "main", "td", "body", "center")
_LIST_TAGS: Final = (
    "div", "section", "aside", "ul", "ol", "dl", "table", "tr", "td", "p", "li", "center",
)  # fmt: skip
#: Share of an element's characters inside ``<a>`` above which it is a list of links.
_LINK_DENSITY: Final = 0.5
_RELATED: Final = (
    r"(?:相关(?:链接|新闻|阅读|稿件|推荐|文章|报道|专题)|延伸阅读|推荐阅读|热点推荐|热门推荐"
    r"|更多(?:新闻|阅读|内容))"
)
#: The label above a list of related links, e.g. ``<p>相关链接：</p>``.
_RELATED_LABEL: Final = re.compile(rf"^{_RELATED}[：:]?$")
#: A line of related links, e.g. ``<p>相关新闻：<a>…</a></p>``.
_RELATED_LINE: Final = re.compile(rf"^{_RELATED}[：:]")
#: A paragraph shorter than this (in characters) does not vote for its container.
_MIN_PARAGRAPH: Final = 10
#: A container needs this many characters of paragraph text to count as the article.
_MIN_ARTICLE: Final = 20
#: Link texts shorter than this are menu items, not headlines (index pages).
_MIN_HEADLINE: Final = 8
#: A page ``<title>`` shorter than this names the site, not the article.
_MIN_TITLE: Final = 5
#: The element right above a page's date field is its headline from this many characters.
_MIN_HEADLINE_ABOVE_DATE: Final = 2
#: A page without article text and with this many headlines is an index page.
_MIN_HEADLINES: Final = 3
#: A table cell with more characters than this holds prose: the table lays out a page.
_MAX_CELL: Final = 500
#: Columns or rows one cell may span (``colspan``/``rowspan``); Word's maximum is 63 columns.
_MAX_SPAN: Final = 64
#: An element holding a page's date field is short (the field, maybe a font-size switch).
_MAX_DATE_LINE: Final = 80

_ASCII_SPACE: Final = re.compile(r"[ \t\n\r\f]+")
_CJK: Final = re.compile(
    r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)
_TITLE_SEPARATOR: Final = re.compile(r"\s*(?:_+|[|｜]|\s[-–—]{1,2}\s|-{2,})\s*")
_SITE_NAME: Final = re.compile(r"网|频道|门户|首页|政府|cctv|\.com|\.cn|www\.", re.I)
_MEDIA_TAG: Final = re.compile(r"^[\[【](?:视频|图文|组图|音频|直播)[\]】]\s*")


def _squeeze(text: str) -> str:
    """Collapse HTML whitespace as a browser does; keep U+3000 and U+00A0, which are content.

    A line break between two CJK characters disappears instead of becoming a space (the CSS
    segment-break rule for Chinese), so hard-wrapped Chinese source text stays unbroken.
    """

    def replace(match: re.Match[str]) -> str:
        start, end = match.start(), match.end()
        if (
            ("\n" in match.group() or "\r" in match.group())
            and start > 0
            and end < len(text)
            and _CJK.match(text[start - 1])
            and _CJK.match(text[end])
        ):
            return ""
        return " "

    return _ASCII_SPACE.sub(replace, text).strip(" ")


def _chars(text: str) -> int:
    """Characters that are not whitespace."""
    return len("".join(text.split()))


def _text(element: _Element) -> str:
    # Trees parsed from ``str`` hold only ``str`` text; the stubs also allow bytes.
    return "".join(t for t in element.itertext() if isinstance(t, str))


def _line(element: _Element) -> int:
    """The element's line in the HTML source, or 0 (lxml-stubs mistype ``sourceline``)."""
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) else 0


def _link_chars(element: _Element) -> int:
    return sum(_chars(_text(a)) for a in element.iter("a"))


def _drop(element: _Element) -> None:
    """Remove an element and its subtree, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _charset(data: bytes) -> tuple[str | None, str]:
    """The codec a page's ``<meta>`` declares (``None`` if none, or not a text encoding),
    and the name as written (``""`` when there is no declaration)."""
    match = _META_CHARSET.search(data[:_CHARSET_SCAN])
    if match is None:
        return None, ""
    name = match.group(1).decode("ascii").lower()
    if name in _GB_CHARSETS:
        return "gb18030", name
    # A meta tag readable as ASCII cannot be in UTF-16; browsers read such pages as UTF-8.
    if text_codec(name) in ("utf-16", "utf-16-le", "utf-16-be"):
        return "utf-8", name
    # Only a real text encoding that reads ASCII as ASCII: a page may name rot13, hex, zlib,
    # uu, base64 or "undefined", which Python has as codecs but no text decodes with (#22).
    return text_codec(name, ascii_compatible=True), name


def _decode(source: SourceFile, encoding: str | None) -> tuple[str, str, list[str]]:
    if encoding is not None or source.data.startswith(_BOMS):
        return decode_text(source.data, source.path, encoding)
    declared, written = _charset(source.data)
    if declared is None:
        text, used, notes = decode_text(source.data, source.path)
        if written:
            notes.insert(
                0,
                f"the page declares charset {display_name(written)}, which is not a text "
                f"encoding sucai reads pages in; it was read as {used} instead.",
            )
        return text, used, notes
    try:
        text = source.data.decode(declared)
    except UnicodeError as exc:
        text, used, notes = decode_text(source.data, source.path)
        offset = exc.start if isinstance(exc, UnicodeDecodeError) else 0
        note = (
            f"the page declares charset {declared} but byte offset {offset} is not valid "
            f"{declared}; it was read as {used} instead."
        )
        return text, used, [note, *notes]
    check_binary(text, source.path)
    return text, declared, []


def _page_title(root: _Element) -> str:
    """``<title>`` without the site name that follows it (``_CCTV节目官网``, `` - 央视网``)."""
    element = root.find(".//title")
    title = _squeeze(_text(element)) if element is not None else ""
    while True:
        separators = list(_TITLE_SEPARATOR.finditer(title))
        if not separators or separators[-1].start() == 0:
            return title
        last = separators[-1]
        if not _SITE_NAME.search(title[last.end() :]):
            return title
        title = title[: last.start()]


def _same_title(a: str, b: str) -> bool:
    return bool(a) and _MEDIA_TAG.sub("", a) == _MEDIA_TAG.sub("", b)


def _title_element(body: _Element, title: str) -> _Element | None:
    """The element showing the article title: the innermost one whose text is the page
    ``<title>``, else the first non-empty ``<h1>``.

    A ``<title>`` of a few characters is a site or section name (央视网, 首页), and the element
    showing it is a logo or a menu, so it is not looked for.
    """
    if _chars(_MEDIA_TAG.sub("", title)) >= _MIN_TITLE:
        for element in body.iter():
            if element is body or not _same_title(_squeeze(_text(element)), title):
                continue
            inner = True
            while inner:
                inner = False
                for child in element:
                    if _same_title(_squeeze(_text(child)), title):
                        element, inner = child, True
                        break
            return element
    return next((h for h in body.iter("h1") if _squeeze(_text(h))), None)


def _has_prose(element: _Element) -> bool:
    """Whether a paragraph or box inside has an article's worth of text of its own."""
    return any(_chars(_own_text(e)) >= _MIN_ARTICLE for e in element.iter(*_PARAGRAPH_TAGS, "div"))


def _remove_never_text(root: _Element) -> None:
    for element in list(root.iter(*_NEVER_TEXT)):
        _drop(element)


def _remove_chrome(root: _Element) -> None:
    for element in list(root.iter(*_CHROME)):
        _drop(element)
    for element in list(root.iter()):
        names = f"{element.get('class', '')} {element.get('id', '')}"
        if (element.tag == _FORM or _PLAYER.search(names)) and not _has_prose(element):
            _drop(element)


def _own_text(element: _Element) -> str:
    """Text directly in the element (not in child elements, except inline non-link ones)."""
    parts = [element.text or ""]
    for child in element:
        if child.tag not in _BLOCK_TAGS and child.tag != "a":
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _known_container(root: _Element) -> _Element | None:
    for path in _CONTAINERS:
        found = root.xpath(path)
        for element in found if isinstance(found, list) else ():
            if isinstance(element, etree._Element) and _chars(_text(element)) >= _MIN_PARAGRAPH:
                return element
    return None


def _best_container(body: _Element) -> _Element | None:
    """The element with the most paragraph text in or directly under it (readability-style).

    A paragraph votes its length for its parent and half for its grandparent; a box (div,
    td …) with text of its own votes for itself and half for its parent. Link text does not
    count, so navigation and lists of links never win.
    """
    scores: dict[_Element, float] = {}

    def vote(element: _Element | None, weight: float) -> None:
        if element is not None:
            scores[element] = scores.get(element, 0.0) + weight

    for paragraph in body.iter(*_PARAGRAPH_TAGS):
        length = _chars(_text(paragraph)) - _link_chars(paragraph)
        if length >= _MIN_PARAGRAPH:
            parent = paragraph.getparent()
            vote(parent, length)
            vote(parent.getparent() if parent is not None else None, length / 2)
    for box in body.iter(*_BOX_TAGS):
        length = _chars(_own_text(box))
        if length >= _MIN_PARAGRAPH:
            vote(box, length)
            vote(box.getparent(), length / 2)
    if not scores:
        return None
    best = max(scores, key=lambda element: scores[element])
    return best if scores[best] >= _MIN_ARTICLE else None


def _inside(element: _Element, ancestor: _Element) -> bool:
    node: _Element | None = element
    while node is not None:
        if node is ancestor:
            return True
        node = node.getparent()
    return False


def _remove_link_lists(container: _Element, keep: _Element | None) -> None:
    """Drop lists of links (related links, navigation) and the label just above them."""
    for element in list(container.iter(*_LIST_TAGS)):
        if element is container or not _inside(element, container):
            continue
        if keep is not None and _inside(keep, element):
            continue
        total = _chars(_text(element))
        links = [a for a in element.iter("a") if _chars(_text(a))]
        if not total or not links:
            continue
        dense = len(links) >= 2 and _link_chars(element) / total > _LINK_DENSITY
        if not dense and not _RELATED_LINE.match(_squeeze(_text(element))):
            continue
        label = element.getprevious()
        if (
            label is not None
            and next(label.iter("a"), None) is None
            and _RELATED_LABEL.match(_squeeze(_text(label)))
        ):
            _drop(label)
        _drop(element)


class _BlockWriter:
    """Turns an element tree into blocks: one per block element, ``<br>`` line or heading."""

    def __init__(self, title: _Element | None) -> None:
        self.title = title
        self.title_written = False
        self.blocks: list[Block] = []
        self._parts: list[str] = []
        self._line = 0
        self._kind: BlockKind = "text"
        self._level = 0

    def _add(self, text: str | None, line: int) -> None:
        if text:
            if not self._parts:
                self._line = line
            self._parts.append(text)

    def _flush(self, kind: BlockKind = "text", level: int = 0) -> None:
        text = _squeeze("".join(self._parts))
        if text:
            self.blocks.append(Block(text, self._kind, self._level, line=self._line))
        self._parts = []
        self._kind, self._level = kind, level

    def write(self, element: _Element) -> None:
        """Write an element's subtree (not its tail)."""
        tag = element.tag
        if tag == "br":
            self._flush(self._kind, self._level)
            return
        if tag == "table" and element is not self.title and _is_data_table(element):
            self._flush()
            self._table(element)
            return
        is_title = element is self.title
        is_block = is_title or tag in _BLOCK_TAGS
        if is_title:
            self.title_written = True
            self._flush("title")
        elif tag in _HEADINGS:
            self._flush("heading", _HEADINGS[tag])
        elif is_block:
            self._flush()
        self._add(element.text, _line(element))
        for child in element:
            if isinstance(child.tag, str):
                self.write(child)
            self._add(child.tail, _line(child))
        if is_block:
            self._flush()

    def _table(self, table: _Element) -> None:
        """A table of data as one block (issue 16), after its caption."""
        for caption in table.iterchildren("caption"):
            self.write(caption)
        text = table_text(_grid(table))
        if text:
            self.blocks.append(Block(text, "table", line=_line(table)))


def _rows(table: _Element) -> list[_Element]:
    """The table's own rows (also in ``<thead>``, ``<tbody>``, ``<tfoot>``), in order."""
    return [
        row
        for child in table.iterchildren("tr", "thead", "tbody", "tfoot")
        for row in ([child] if child.tag == "tr" else child.iterchildren("tr"))
    ]


def _is_data_table(table: _Element) -> bool:
    """A table of data, not one laying out the page: two rows or more, two columns or more,
    no table inside and no cell holding prose."""
    rows = _rows(table)
    if len(rows) < 2 or next(table.iterdescendants("table"), None) is not None:
        return False
    cells = [cell for row in rows for cell in row.iterchildren("td", "th")]
    widest = max(sum(1 for _ in row.iterchildren("td", "th")) for row in rows)
    return widest >= 2 and all(_chars(_text(cell)) <= _MAX_CELL for cell in cells)


def _span(cell: _Element, name: str) -> int:
    value = cell.get(name, "1").strip()
    return min(max(int(value), 1), _MAX_SPAN) if value.isdigit() else 1


def _cell_text(cell: _Element) -> str:
    """A cell's text: its lines (``<br>``, paragraphs) joined as wrapped lines, so that
    ``本年新<br>制作数量`` reads 本年新制作数量."""
    writer = _BlockWriter(None)
    writer.write(cell)
    text = ""
    for block in writer.blocks:
        text = join_wrapped(text, block.text)
    return text


def _grid(table: _Element) -> list[list[str]]:
    """The rows of cell texts; a cell spanning columns or rows is followed (or, in the rows
    below, stood for) by empty cells, so that the columns stay aligned."""
    grid: list[list[str]] = []
    pending: dict[int, int] = {}  # column → rows still covered by a rowspan from above
    for row in _rows(table):
        cells: list[str] = []
        for cell in row.iterchildren("td", "th"):
            while pending.get(len(cells), 0):
                pending[len(cells)] -= 1
                cells.append("")
            rowspan, colspan = _span(cell, "rowspan"), _span(cell, "colspan")
            for k in range(colspan):
                if rowspan > 1:
                    pending[len(cells)] = rowspan - 1
                cells.append(_cell_text(cell) if k == 0 else "")
        for column in sorted(c for c, left in pending.items() if left and c >= len(cells)):
            cells += [""] * (column + 1 - len(cells))
            pending[column] -= 1
        grid.append(cells)
    return grid


def _link_blocks(body: _Element) -> list[Block]:
    """Headlines of a page that is only a list of links (an index page), in order, once each."""
    blocks: list[Block] = []
    seen: set[str] = set()
    for link in body.iter("a"):
        text = _squeeze(_text(link))
        # <a title="headline"><i>完整版</i>headline</a>: the title is the clean headline.
        title = _squeeze(link.get("title", ""))
        if title and title in text:
            text = title
        if _chars(text) >= _MIN_HEADLINE and text not in seen:
            seen.add(text)
            blocks.append(Block(text, line=_line(link)))
    return blocks


def _article_blocks(container: _Element, title: _Element | None) -> list[Block]:
    """Blocks of the article container, the title (found anywhere on the page) first."""
    title_text = _squeeze(_text(title)) if title is not None else ""
    title_line = _line(title) if title is not None else 0
    _remove_link_lists(container, title)
    writer = _BlockWriter(title)
    writer.write(container)
    blocks = writer.blocks
    if title_text and not writer.title_written:
        if blocks and blocks[0].text == title_text:
            blocks[0] = Block(title_text, "title", line=blocks[0].line)
        else:
            blocks.insert(0, Block(title_text, "title", line=title_line))
    return blocks


class HtmlParser:
    """Saved web pages: the article text, without navigation, scripts, players and link lists.

    The article is the first known content container (CCTV ``#content_area`` / ``.cnt_bd``,
    TRS, UCAP, ``<article>``), else the element with the most paragraph text. The title is the
    element showing the page's ``<title>`` (else the first ``<h1>``); other ``<hN>`` are
    headings of level N. A page that is only a list of links yields the link texts, with a note.
    ``line`` numbers are lines of the HTML source.
    """

    name = "html"
    suffixes = frozenset({".html", ".htm", ".shtml", ".xhtml"})

    def parse(self, source: SourceFile, encoding: str | None = None) -> ParsedText:
        """Decode (``<meta charset>``, else detected; ``encoding`` forces one) and extract."""
        if not source.data.strip():
            raise IngestError("empty", f"{source.path}: the file is empty. Nothing to import.")
        text, used, notes = _decode(source, encoding)
        parser = etree.HTMLParser(remove_comments=True, remove_pis=True)
        try:
            # lxml keeps control characters from the page but refuses them when the tree
            # is changed (issue 22); they are not text.
            root = etree.fromstring(drop_controls(_XML_DECLARATION.sub("", text)), parser)
        except (etree.LxmlError, ValueError) as exc:
            raise IngestError(
                "damaged",
                f"{source.path}: the page cannot be parsed as HTML (its markup is broken beyond "
                "repair). Save it again from the browser (Save Page As… → HTML) and import that.",
            ) from exc
        body = None if root is None else root.find("body")
        if root is None or body is None:
            raise _no_text(source)
        _remove_never_text(root)
        page_title = _article_title(root) or _page_title(root)
        title = _title_element(body, page_title)
        if title is None:
            title = _title_above_date(body)
        _remove_chrome(root)
        container = _known_container(body)
        if container is None:
            container = _best_container(body)
        headlines = _link_blocks(body) if container is None else []
        if len(headlines) >= _MIN_HEADLINES:
            blocks = headlines
            notes.append(
                f"the page has no article text, only a list of {len(blocks)} links (an index "
                "page?); their texts were imported as paragraphs."
            )
        else:
            # Too little text for a container to stand out: take the whole page.
            blocks = _article_blocks(body if container is None else container, title)
        if not blocks:
            raise _no_text(source)
        hint = _MEDIA_TAG.sub("", page_title) or None
        date = _page_date(body, container)
        return ParsedText(tuple(blocks), used, tuple(notes), title_hint=hint, date_hint=date)


def _article_title(root: _Element) -> str:
    """``<meta name="ArticleTitle">``, which government CMSs (TRS, UCAP) fill with the
    article's own title while ``<title>`` adds the site's name (issue 16)."""
    for meta in root.iter("meta"):
        if (meta.get("name") or "").lower() == "articletitle":
            return _squeeze(meta.get("content") or "")
    return ""


def _date_fields(body: _Element) -> Iterator[tuple[_Element, str]]:
    """Short elements holding a date field (``发布日期：2017-05-15``, ``发稿时间：2019/3/25``),
    with the date, in page order."""
    for element in body.iter():
        own = element.text if isinstance(element.tag, str) else None
        if not own or ("日期" not in own and "时间" not in own):
            continue
        # The label may sit in an element of its own: <dd><label>生成日期：</label><div>2023-…
        node: _Element | None = element
        for _ in range(3):
            if node is None or node is body:
                break
            text = _squeeze(_text(node))
            if _chars(text) > _MAX_DATE_LINE:
                break
            found = field_date(text)
            if found is not None:
                yield node, found[1]
                break
            node = node.getparent()


def _page_date(body: _Element, container: _Element | None) -> str | None:
    """The page's own date field outside the article text, or ``None``."""
    for element, date in _date_fields(body):
        if container is None or not (_inside(element, container) or element is container):
            return date
    return None


def _title_above_date(body: _Element) -> _Element | None:
    """On a page with neither ``<title>`` nor ``<h1>``, the element right above the date field
    is the headline (``<div class="newst">…</div><div class="newsd">发布时间：…``)."""
    for element, _date in _date_fields(body):
        for sibling in element.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str):
                continue
            text = _squeeze(_text(sibling))
            if not text:
                continue
            # A headline may be short (产品标准, 公司简介): unlike a <title>, this element
            # names no site; a line of links (a breadcrumb, a menu) is no headline.
            chars = _chars(text)
            if (
                _MIN_HEADLINE_ABOVE_DATE <= chars <= _MAX_DATE_LINE
                and "。" not in text
                and 2 * _link_chars(sibling) < chars
            ):
                return sibling
            return None
        return None
    return None


def _no_text(source: SourceFile) -> IngestError:
    return IngestError(
        "no-text",
        f"{source.path}: the page contains no text to import (it may be filled in by JavaScript "
        "when viewed). Copy the text from the browser into a .txt file and import that.",
    )
