"""Frozen records passed between the stages of sucai.

files → :class:`SourceFile` → parser → :class:`ParsedText` → normalize → :class:`ParsedText`
(cleaned, paid flags set) → structure → :class:`Compilation` of :class:`ArticleDraft` → store →
:class:`Article` (with its id and sources).

All offsets and lengths are in characters (Python ``str`` indices), never bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sucai.store.records import ArticleSummary, AuditEntry, LawVersion, MergedCopy

__all__ = [
    "Article",
    "ArticleDraft",
    "ArticleHead",
    "ArticleSource",
    "Block",
    "BlockKind",
    "Browse",
    "Compilation",
    "DuplicateCluster",
    "Duplicates",
    "FileReport",
    "IngestReport",
    "MayHoldTable",
    "NearDuplicate",
    "OutlineEntry",
    "Paragraph",
    "ParagraphKind",
    "ParsedText",
    "RemovedLine",
    "SourceFile",
    "TableRows",
    "TracedCode",
    "table_rows",
    "table_text",
]

BlockKind = Literal["text", "title", "heading", "table"]
ParagraphKind = Literal["text", "table"]
TableRows = tuple[tuple[str, ...], ...]

#: A table is kept as one block (and one paragraph) whose text holds its rows, one a line,
#: with the cells of a row separated by tabs (issue 16). The cells' own text never holds
#: either: line breaks and tabs inside a cell become spaces.
_CELL_SPACE: Final = re.compile(r"[\t\n\r\v\f\u2028\u2029]+")
_CELL_EDGES: Final = " \u3000\u00a0"


def table_text(rows: Iterable[Iterable[str]]) -> str:
    """The text of a table: rows one a line, cells separated by tabs.

    Each cell's inner line breaks and tabs become one space and the cell is trimmed; rows
    whose cells are all empty are left out, columns empty in every row are cut off the end,
    and shorter rows are padded with empty cells, so that every row has as many cells.

    Args:
        rows: the table's rows of cell texts, in reading order.

    Returns:
        The text, ``""`` for a table without text.
    """
    cleaned = [[_CELL_SPACE.sub(" ", cell).strip(_CELL_EDGES) for cell in row] for row in rows]
    kept = [row for row in cleaned if any(row)]
    width = max((max(i + 1 for i, cell in enumerate(row) if cell) for row in kept), default=0)
    return "\n".join("\t".join(row[:width] + [""] * (width - len(row))) for row in kept)


def table_rows(text: str) -> TableRows:
    """The rows of cells of a table's text (the inverse of :func:`table_text`)."""
    return tuple(tuple(line.split("\t")) for line in text.split("\n")) if text else ()


class MayHoldTable:
    """A record whose ``text`` is a table's (see :func:`table_text`) when its ``kind`` is
    ``"table"``: an article's :class:`Paragraph` and an export's ``Piece``."""

    __slots__ = ()
    kind: str
    text: str

    @property
    def rows(self) -> TableRows:
        """A table's rows of cells; ``()`` for any other kind."""
        return table_rows(self.text) if self.kind == "table" else ()


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One input file's bytes and identity.

    Attributes:
        path: the name shown to people; members of archives read ``archive.zip!dir/name.txt``.
        data: the raw bytes.
        sha256: hex SHA-256 of ``data``; the library's duplicate key.
        suffix: lower-case suffix including the dot, e.g. ``".txt"``.
    """

    path: str
    data: bytes
    sha256: str
    suffix: str

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)


@dataclass(frozen=True, slots=True)
class Block:
    """One line or paragraph of text as a parser found it.

    Attributes:
        text: the text, without the line break.
        kind: ``"title"`` (document title: Markdown ``#``, a centred bold first line in .docx,
            ``<h1>``), ``"heading"`` (a heading the format marks as such), ``"table"`` (a
            whole table: ``text`` is its :func:`table_text`) or ``"text"``.
        level: heading level for ``kind == "heading"`` (1 = highest), else 0.
        paid: set by normalisation: the block lies between ``##paidbegin##`` and ``##paidend##``.
        line: 1-based line (or paragraph) number in the input, for reports.
    """

    text: str
    kind: BlockKind = "text"
    level: int = 0
    paid: bool = False
    line: int = 0


@dataclass(frozen=True, slots=True)
class RemovedLine:
    """A line dropped as advertising or page chrome, listed in the import report.

    Attributes:
        line: 1-based line number in the input (0 when unknown).
        text: the removed text, exactly.
        reason: short machine reason, e.g. ``"advert"``, ``"contact"``, ``"web-chrome"``.
    """

    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class ParsedText:
    """A file's text as blocks, with what the parser and cleaner noted about it.

    Attributes:
        blocks: the blocks in reading order (blank lines are empty-text blocks).
        encoding: the encoding used to decode a text file, or ``None`` for binary formats.
        notes: remarks for the import report (a lossy character, a markup quirk).
        removed: lines removed by cleaning.
        title_hint: a title the container states (HTML ``<title>``, .docx core properties).
        date_hint: ``YYYY-MM-DD`` a web page states outside the article text (its
            ``发布日期：`` or ``发稿时间：`` field), taken when the text states no date.
        page_header: the lines of a document's page headers (a .docx header part), which
            are not imported but screened for a 密级 marking (issue 16).
    """

    blocks: tuple[Block, ...]
    encoding: str | None = None
    notes: tuple[str, ...] = ()
    removed: tuple[RemovedLine, ...] = ()
    title_hint: str | None = None
    date_hint: str | None = None
    page_header: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Paragraph(MayHoldTable):
    """One paragraph of an article.

    Attributes:
        index: 0-based position in the article.
        text: the text as stored: original characters and punctuation.
        paid: ``True`` when the paragraph is in the paid part, ``False`` in the free preview.
        heading: the outline level when the whole paragraph is a heading line, else 0.
        section: index into :attr:`Article.outline` of the innermost outline entry this
            paragraph belongs to (its own entry for a heading), or ``None`` before the first.
        kind: ``"table"`` for a whole table (``text`` is its :func:`table_text`: searched as
            one paragraph, never a heading), else ``"text"``.
    """

    index: int
    text: str
    paid: bool = False
    heading: int = 0
    section: int | None = None
    kind: ParagraphKind = "text"


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """One node of an article's outline (提纲).

    Attributes:
        index: 0-based position in the outline, in reading order.
        level: depth in the tree, 1 = top.
        text: the heading as a writer would copy it (a heading line, or a paragraph's lead
            sentence when the paragraph is written as a heading).
        paragraph: index of the paragraph the entry stands on.
        parent: index of the parent entry, ``None`` at the top.
        kind: where it came from: ``"marker"`` (一、/（一）/1./第X章/第X条 …),
            ``"line"`` (a short stand-alone heading line), ``"lead"`` (lead sentence),
            ``"enum"`` (一要/一是/第一 …).
    """

    index: int
    level: int
    text: str
    paragraph: int
    parent: int | None
    kind: str


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """An article found in a file, before it is stored.

    Attributes:
        title: the title without the speaker role.
        role: the speaker role, e.g. ``"市委副书记、市长"``, or ``None``.
        genre: 文种, e.g. ``"讲话"``, ``"报告"``, ``"法规"``, ``"新闻"``, ``"通知"``, ``"文章"``.
        issued_on: ``YYYY-MM-DD`` when the text states a full date, else ``None``.
        year: the year the text states or implies, else ``None``.
        paragraphs: the article's paragraphs (the title line itself is not one of them).
        outline: the article's outline.
        position: 0-based position of the article in its file.
        doc_number: 发文字号 such as ``国办发〔2026〕15号``, as the text writes it.
        issuer: 发文机关 named in a 公文 header (版头) or signing its 落款.
        addressee: 主送机关 (``各区人民政府，市政府各委、办、局``), when the text names one.
        signer: 签发人 of a 上行文, when the header names one.
        attachments: titles of the 附件 the text lists.
    """

    title: str
    role: str | None
    genre: str
    issued_on: str | None
    year: int | None
    paragraphs: tuple[Paragraph, ...]
    outline: tuple[OutlineEntry, ...]
    position: int = 0
    doc_number: str | None = None
    issuer: str | None = None
    addressee: str | None = None
    signer: str | None = None
    attachments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Compilation:
    """What the structure step made of one file.

    Attributes:
        title: the file's own title (the compilation's title, or the single article's).
        header: lines before the first article (the compilation's own header and table of
            contents), kept so that no character of the input is lost.
        declared_count: the number of articles the header claims (``（8篇）``), if any.
        articles: the articles found, in order.
        notes: remarks for the import report.
    """

    title: str
    header: tuple[str, ...]
    declared_count: int | None
    articles: tuple[ArticleDraft, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ArticleSource:
    """Where an article was found: a file, and its position in that file.

    Attributes:
        copy_id: when the file held a near-duplicate rather than this very text (issue 6),
            the id of that merged copy; ``similarity`` is how close it is (0–1).
    """

    file_id: int
    path: str
    sha256: str
    position: int
    compilation_title: str
    copy_id: int | None = None
    similarity: float | None = None


@dataclass(frozen=True, slots=True)
class ArticleHead:
    """What a search hit shows of a stored article (and what every fuller view starts with)."""

    id: int
    title: str
    role: str | None
    genre: str
    issued_on: str | None
    year: int | None


@dataclass(frozen=True, slots=True)
class Article(ArticleHead):
    """A stored article, as ``sucai show`` prints it."""

    paragraphs: tuple[Paragraph, ...]
    outline: tuple[OutlineEntry, ...]
    sources: tuple[ArticleSource, ...]
    added_at: str
    chars: int
    doc_number: str | None = None
    issuer: str | None = None
    addressee: str | None = None
    signer: str | None = None
    attachments: tuple[str, ...] = ()

    def outline_path(self, paragraph: int) -> tuple[str, ...]:
        """Headings from the top of the outline down to the given paragraph's section."""
        node = self.paragraphs[paragraph].section
        path: list[str] = []
        while node is not None:
            entry = self.outline[node]
            path.append(entry.text)
            node = entry.parent
        return tuple(reversed(path))


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    """An article of an imported file stored as a copy of another article (issue 6).

    Attributes:
        position: the article's 0-based position in its file.
        title: its title as found in the file.
        article_id: the canonical article it was merged into.
        canonical_title: that article's title.
        similarity: Jaccard similarity of their 5-character shingles (0–1).
    """

    position: int
    title: str
    article_id: int
    canonical_title: str
    similarity: float


@dataclass(frozen=True, slots=True)
class FileReport:
    """What happened to one input file.

    Attributes:
        path: the file as shown to people.
        status: ``"imported"``, ``"duplicate"`` (same bytes already stored), ``"failed"``,
            ``"skipped"`` (a type sucai does not read, found inside a folder or archive) or
            ``"refused"`` (a classified document, not imported unless allowed: issue 16).
        code: machine reason for ``failed``/``skipped``/``duplicate``/``refused``.
        message: what is wrong and what to do next (empty when imported).
        encoding: the encoding used for a text file.
        articles: number of articles found in the file.
        new_articles: articles stored for the first time.
        existing_articles: articles already in the library (found in another file).
        article_ids: ids of the file's articles, in order (a merged copy: its canonical
            article).
        declared_count: the count the compilation header claims, if any.
        removed: lines removed as advertising or chrome.
        notes: other remarks (a lossy character, a count mismatch).
        merged: articles stored as copies of near-duplicate material (issue 6).
    """

    path: str
    status: str
    code: str = ""
    message: str = ""
    encoding: str | None = None
    articles: int = 0
    new_articles: int = 0
    existing_articles: int = 0
    article_ids: tuple[int, ...] = ()
    declared_count: int | None = None
    removed: tuple[RemovedLine, ...] = ()
    notes: tuple[str, ...] = ()
    merged: tuple[NearDuplicate, ...] = ()


@dataclass(frozen=True, slots=True)
class IngestReport:
    """The outcome of one ``import``: one :class:`FileReport` per input file."""

    files: tuple[FileReport, ...] = field(default_factory=tuple)

    def _count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def imported(self) -> int:
        """Files imported."""
        return self._count("imported")

    @property
    def duplicates(self) -> int:
        """Files skipped because their bytes were already stored."""
        return self._count("duplicate")

    @property
    def failed(self) -> tuple[FileReport, ...]:
        """Files that could not be imported."""
        return tuple(f for f in self.files if f.status == "failed")

    @property
    def skipped(self) -> int:
        """Files of other types inside folders or archives, left alone."""
        return self._count("skipped")

    @property
    def refused(self) -> int:
        """Files refused because they carry a 密级 marking (秘密, 机密, 绝密)."""
        return self._count("refused")

    @property
    def articles(self) -> int:
        """Articles found in the imported files."""
        return sum(f.articles for f in self.files)

    @property
    def new_articles(self) -> int:
        """Articles stored for the first time."""
        return sum(f.new_articles for f in self.files)

    @property
    def merged(self) -> int:
        """Articles stored as copies of near-duplicate material."""
        return sum(len(f.merged) for f in self.files)


_ZIP_MEMBER: Final = re.compile(r"^(.*\.zip)!(.+)$", re.IGNORECASE)
#: Folders the web import page makes for an upload: no one chose their names.
UPLOAD_FOLDER_PREFIX: Final = "sucai-upload-"
#: The folder web uploads are stored as being in (``上传/报告.docx``): their 来源.
UPLOAD_SOURCE: Final = "上传"


def source_folder(path: str) -> str:
    """An imported file's 来源 (source): the folder it came from, ``""`` when there is none.

    ``…/reports/state_council/1954.md`` → ``state_council``; a .zip member
    ``…/每日更新.zip!讲话/a.docx`` → ``讲话``, ``…/每日更新.zip!a.docx`` → ``每日更新``. A file
    named alone (``seed.txt``) has none; a file uploaded through the web import page is
    stored as ``上传/报告.docx`` (:data:`UPLOAD_SOURCE`), so its source is 上传. (Uploads
    imported before that were stored under their temporary folder: they have none.)
    """
    path = path.replace("\\", "/")
    member = _ZIP_MEMBER.match(path)
    if member:
        parent = PurePosixPath(member.group(2)).parent.name
        return parent or PurePosixPath(member.group(1)).stem
    parent = PurePosixPath(path).parent.name
    return "" if parent.startswith(UPLOAD_FOLDER_PREFIX) else parent


@dataclass(frozen=True, slots=True)
class Browse:
    """A browse page: how many articles match, this page of them, and counts per facet."""

    total: int
    articles: tuple[ArticleSummary, ...]
    facets: dict[str, list[tuple[str, int]]]


@dataclass(frozen=True, slots=True)
class DuplicateCluster:
    """One piece of material found several times (issue 6): the canonical article and the
    near-duplicates merged into it."""

    article: ArticleSummary
    copies: tuple[MergedCopy, ...]


@dataclass(frozen=True, slots=True)
class Duplicates:
    """What ``sucai duplicates`` lists: merged clusters, and groups of law versions."""

    clusters: tuple[DuplicateCluster, ...]
    versions: tuple[tuple[LawVersion, ...], ...]


@dataclass(frozen=True, slots=True)
class TracedCode:
    """An export code found in a file, and the downloads that gave it out (issue 15).

    Attributes:
        code: the code (see :mod:`sucai.export.fingerprint`).
        in_text: how many copies of it the text holds (0: only in the .docx properties).
        in_properties: the .docx properties hold it.
        entries: the audit lines that gave out a file with this code (usually one; none
            when the file comes from another library).
    """

    code: str
    in_text: int
    in_properties: bool
    entries: tuple[AuditEntry, ...]


@dataclass(frozen=True, slots=True)
class Jinju:
    """A 金句 (issue 20): a sentence worth quoting, with its kind and its source.

    Attributes:
        kind: ``引用``, ``排比``, ``对仗`` or ``警句`` (docs/jinju.md says when each applies).
        text: the sentence as stored.
        article: the article it is in.
        paragraph: its paragraph's 0-based index; ``start``/``stop`` its place there in
            characters (``stop`` exclusive).
        paid: its paragraph is in the paid part.
        elsewhere: in a list that folds repeats (:meth:`sucai.library.Library.jinju`), how
            many other 金句 of the list quote the same saying (:func:`sucai.library_jinju.saying`);
            this one is the newest of them.
    """

    kind: str
    text: str
    article: ArticleHead
    paragraph: int
    start: int
    stop: int
    paid: bool
    elsewhere: int = 0


@dataclass(frozen=True, slots=True)
class TifaRow:
    """A 提法's uses in one group of the library's text (a year, a source or a 文种).

    Attributes:
        key: the year, the source or the 文种.
        uses: exact occurrences of the phrase.
        chars: characters of the group's text.
        by_source / by_genre: ``(name, uses, chars)`` of the group split by source and by
            文种, most uses first.
    """

    key: int | str
    uses: int
    chars: int
    by_source: tuple[tuple[str, int, int], ...] = ()
    by_genre: tuple[tuple[str, int, int], ...] = ()

    @property
    def per_million(self) -> float:
        """Uses per million characters (0 for a group without text)."""
        return self.uses * 1_000_000 / self.chars if self.chars else 0.0


@dataclass(frozen=True, slots=True)
class Tifa:
    """How often the library uses a 提法, group by group (issue 20).

    Attributes:
        phrase: the phrase.
        by: ``year``, ``source`` or ``genre``: what ``rows`` are.
        rows: every group of the library's dated text, in order (years ascending; sources and
            文种 by uses), with no uses too.
        first / last: the first and last year with a use (``None``: never used).
        uses: all uses.
    """

    phrase: str
    by: str
    rows: tuple[TifaRow, ...]
    first: int | None
    last: int | None
    uses: int
