"""The records the store reads and writes: plain frozen dataclasses, no SQL.

They are re-exported from :mod:`sucai.store`, so ``from sucai.store import User`` keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sucai.models import ArticleHead

if TYPE_CHECKING:
    from sucai.models import ArticleDraft

__all__ = [
    "AddedArticles",
    "ApiToken",
    "ArticleFilter",
    "ArticleHead",
    "ArticleSummary",
    "ArticleText",
    "AuditEntry",
    "Basket",
    "BasketItem",
    "ConnectionUse",
    "CopyDraft",
    "Correction",
    "ImportJobRow",
    "IndexArticle",
    "LawVersion",
    "Merge",
    "MergedCopy",
    "ParagraphRow",
    "PoolUse",
    "StockPhraseEdit",
    "StoredFile",
    "Subscription",
    "User",
    "YearText",
]


@dataclass(frozen=True, slots=True)
class ArticleSummary(ArticleHead):
    """One row of ``sucai list``."""

    chars: int
    added_at: str
    paragraphs: int
    sources: int


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """Which articles: exact genre, role and source, inclusive year range (``None`` = any)."""

    genre: str | None = None
    role: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class IndexArticle:
    """What the search index needs of one article.

    Attributes:
        paragraphs: ``(rowid, index, text, heading, paid)`` per paragraph.
        outline: ``(index, text, paragraph)`` per outline entry.
        doc_number, issuer: 发文字号 and 发文机关, for the 文号: and 机关: filters (issue 16).
    """

    id: int
    title: str
    role: str | None
    genre: str
    year: int | None
    source: str
    paragraphs: tuple[tuple[int, int, str, int, bool], ...]
    outline: tuple[tuple[int, str, int], ...]
    doc_number: str | None = None
    issuer: str | None = None


@dataclass(frozen=True, slots=True)
class ParagraphRow:
    """One paragraph found by a search, with what a hit shows of its article."""

    rowid: int
    article_id: int
    index: int
    text: str
    paid: bool
    section: int | None


@dataclass(frozen=True, slots=True)
class StoredFile:
    """An imported file."""

    id: int
    path: str
    sha256: str
    size: int
    encoding: str | None
    title: str
    declared_count: int | None
    article_count: int
    notes: tuple[str, ...]
    imported_at: str


@dataclass(frozen=True, slots=True)
class User:
    """An account of the web app (issue 4); the password hash never leaves the store.

    Attributes:
        role: ``"member"`` or ``"admin"``.
        tier: the member tier (会员, SVIP …), or ``None`` for none.
        expires_on: ``YYYY-MM-DD``, the last day the tier is valid (``None``: no expiry).
        daily_quota: downloads per day; ``None`` means the tier's default.
        disabled: a disabled account cannot sign in.
    """

    id: int
    name: str
    role: str
    tier: str | None
    expires_on: str | None
    daily_quota: int | None
    created_at: str
    disabled: bool = False


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log: who did what, when, in which format, from where; for a
    download or export, the code its file carries (issue 15, :mod:`sucai.export.fingerprint`)."""

    id: int
    at: str
    user_id: int | None
    user_name: str
    action: str
    target: str
    format: str
    ip: str
    code: str = ""


@dataclass(frozen=True, slots=True)
class ImportJobRow:
    """A web import as stored: its files, state, progress and, when done, its report.

    ``files`` and ``report`` are the JSON shapes of :mod:`sucai.serialize` (``files`` is
    empty in job lists, where ``done`` says how many there are).
    """

    id: str
    user_name: str
    names: tuple[str, ...]
    state: str
    total: int
    done: int
    error: str
    report: dict[str, Any] | None
    files: tuple[dict[str, Any], ...]
    host: str
    pid: int
    created_at: str
    updated_at: str


@dataclass(frozen=True, slots=True)
class ApiToken:
    """An API token of a user (the token itself is shown once, then only its hash is kept)."""

    id: int
    user_id: int
    label: str
    created_at: str
    revoked_at: str | None


@dataclass(frozen=True, slots=True)
class Correction:
    """A change hygiene made to imported text (issue 5): the original stays retrievable.

    Attributes:
        part: what was changed: ``"paragraph"``, ``"title"`` or ``"role"`` of an article;
            ``"header"`` or ``"file-title"`` of a compilation file.
        index: the paragraph index (``"paragraph"``) or header line (``"header"``), else 0.
        offset: character offset of the change in that text.
        original: the characters as imported, e.g. ``"D"``.
        replacement: what is stored instead, e.g. ``"党"``.
        rule: the rule that matched, e.g. ``"D员"`` or ``"全D"``.
    """

    part: str
    index: int
    offset: int
    original: str
    replacement: str
    rule: str


@dataclass(frozen=True, slots=True)
class StockPhraseEdit:
    """The operator's edit of one 套话 (issue 18): added (``included``) or taken out of the
    library's list, when (UTC, ISO 8601) and by whom."""

    phrase: str
    included: bool
    edited_at: str
    edited_by: str


@dataclass(frozen=True, slots=True)
class BasketItem:
    """One piece of material in a basket (素材篮, issue 5), at 1-based ``position``.

    Attributes:
        kind: ``"article"`` (the whole article), ``"paragraph"`` or ``"section"`` (an outline
            entry: its heading and the paragraphs under it).
        ref: the paragraph index or outline entry index (``None`` for a whole article).
    """

    position: int
    article_id: int
    kind: str
    ref: int | None
    added_at: str


@dataclass(frozen=True, slots=True)
class Basket:
    """A named basket of one owner, with its items in order."""

    id: int
    owner: str
    name: str
    created_at: str
    items: tuple[BasketItem, ...]


@dataclass(frozen=True, slots=True)
class ArticleText:
    """An article (or a merged copy) as near-duplicate detection reads it (issue 6)."""

    id: int
    title: str
    genre: str
    issued_on: str | None
    year: int | None
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Merge:
    """Store an article of a file as a copy of another (near-duplicate material, issue 6):
    of the stored article ``article_id``, or of the earlier article number ``draft`` of the
    same file (exactly one is set).

    Attributes:
        similarity: Jaccard similarity of the two texts' shingles (0–1).
        corrections: what hygiene changed in the copy (kept with it).
    """

    similarity: float
    article_id: int | None = None
    draft: int | None = None
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True, slots=True)
class AddedArticles:
    """What :meth:`Store.add_file` did with each article of a file, in file order.

    Attributes:
        ids: the article each one is stored as (for a copy: the canonical article).
        kinds: ``"new"``, ``"existing"`` (the same title and text was stored before) or
            ``"merged"`` (stored as a copy, see :class:`Merge`).
    """

    ids: tuple[int, ...]
    kinds: tuple[str, ...]

    @property
    def new(self) -> int:
        """Articles stored for the first time."""
        return self.kinds.count("new")


@dataclass(frozen=True, slots=True)
class MergedCopy:
    """An article stored as a copy of the canonical article ``article_id`` (issue 6).

    Attributes:
        id: the copy's id (``sucai duplicates --keep/--split`` take it).
        similarity: Jaccard similarity to the canonical text when merged (0–1).
        path: the file it was found in; ``position`` is its 0-based place there.
    """

    id: int
    article_id: int
    title: str
    similarity: float
    path: str
    position: int
    merged_at: str


@dataclass(frozen=True, slots=True)
class LawVersion:
    """One version of a law: an article linked to others with the same title (issue 6).

    Attributes:
        version: the latest 通过/修正/修订 date of its header (``YYYY-MM-DD``), if stated.
    """

    article_id: int
    title: str
    version: str | None
    issued_on: str | None


@dataclass(frozen=True, slots=True)
class CopyDraft:
    """A merged copy with its whole text as stored (what keeping or splitting it needs)."""

    copy: MergedCopy
    file_id: int
    draft: ArticleDraft
    corrections: tuple[Correction, ...]


@dataclass(frozen=True, slots=True)
class PoolUse:
    """One PostgreSQL connection pool of this process: ``write`` (the primary) or ``read``
    (the replica), its connections in use and idle, and the most it may open."""

    name: str
    in_use: int
    idle: int
    max: int


@dataclass(frozen=True, slots=True)
class ConnectionUse:
    """The PostgreSQL connections of this process (issue 22): ``budget`` is its share of the
    server's budget, split across ``pools`` so that their ``max`` add up to at most it;
    ``replica`` is ``"up"``, ``"down"`` (reads fall back to the primary) or ``""`` (none)."""

    budget: int
    pools: tuple[PoolUse, ...]
    replica: str


@dataclass(frozen=True, slots=True)
class Subscription:
    """A saved search of an owner (订阅, issue 19).

    Attributes:
        query: the query as written (may be empty: filters alone).
        genre, role, years, source: its filters as written (``years``: ``2020`` or
            ``2020-2023``); ``None``: any.
        created_at, opened_at: ISO 8601 UTC: when it was made and last opened.
        seen_id: the highest article id when it was last opened: later ones are new.
    """

    id: int
    owner: str
    name: str
    query: str
    genre: str | None
    role: str | None
    years: str | None
    source: str | None
    created_at: str
    opened_at: str
    seen_id: int


@dataclass(frozen=True, slots=True)
class YearText:
    """The year of an article's text, its source and 文种 (how 提法 counts are grouped)."""

    year: int
    source: str
    genre: str
