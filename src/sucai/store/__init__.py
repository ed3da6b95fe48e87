"""The library's storage. ``open_store(url)`` returns a :class:`Store`.

Only SQLite exists today (a file path); a PostgreSQL store will implement the same Protocol.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from sucai.errors import ConfigError
from sucai.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from collections.abc import Iterator
    from contextlib import AbstractContextManager
    from pathlib import Path

    from sucai.models import Article, Compilation, RemovedLine

__all__ = [
    "ArticleFilter",
    "ArticleSummary",
    "IndexArticle",
    "ParagraphRow",
    "Store",
    "StoredFile",
    "open_store",
]


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """One row of ``sucai list``."""

    id: int
    title: str
    role: str | None
    genre: str
    issued_on: str | None
    year: int | None
    chars: int
    added_at: str
    paragraphs: int
    sources: int


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """Which articles: exact genre and role, inclusive year range (``None`` = any)."""

    genre: str | None = None
    role: str | None = None
    year_from: int | None = None
    year_to: int | None = None


@dataclass(frozen=True, slots=True)
class IndexArticle:
    """What the search index needs of one article.

    Attributes:
        paragraphs: ``(rowid, index, text, heading, paid)`` per paragraph.
        outline: ``(index, text, paragraph)`` per outline entry.
    """

    id: int
    title: str
    role: str | None
    genre: str
    year: int | None
    paragraphs: tuple[tuple[int, int, str, int, bool], ...]
    outline: tuple[tuple[int, str, int], ...]


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


class Store(Protocol):
    """What the pipeline and the library need from a storage backend."""

    def atomic(self) -> AbstractContextManager[Store]:
        """A write transaction (savepoints when nested)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...

    def has_file(self, sha256: str) -> bool:
        """True when a file with these bytes was imported before."""
        ...

    def file_articles(self, sha256: str) -> tuple[int, ...]:
        """Article ids of a stored file, in order."""
        ...

    def add_file(
        self,
        *,
        path: str,
        sha256: str,
        size: int,
        encoding: str | None,
        compilation: Compilation,
        removed: tuple[RemovedLine, ...],
        notes: tuple[str, ...],
    ) -> tuple[tuple[int, ...], int]:
        """Store one file and its articles atomically; return article ids and new count."""
        ...

    def files(self) -> list[StoredFile]:
        """Every stored file."""
        ...

    def count_articles(self) -> int:
        """Number of stored articles."""
        ...

    def list_articles(
        self,
        where: ArticleFilter | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[ArticleSummary]:
        """Articles matching ``where``, in id order or newest first."""
        ...

    def count_matching(self, where: ArticleFilter | None = None) -> int:
        """Number of articles matching ``where``."""
        ...

    def facets(self, where: ArticleFilter | None = None) -> dict[str, list[tuple[str, int]]]:
        """Counts per genre, role and year among matching articles."""
        ...

    def get_article(self, article_id: int) -> Article:
        """One article; raises NotFoundError."""
        ...

    def max_article_id(self) -> int:
        """The highest article id (0 for an empty library)."""
        ...

    def iter_index_articles(self, after: int, batch: int = 1000) -> Iterator[list[IndexArticle]]:
        """Articles with ids above ``after``, in id order, in batches."""
        ...

    def paragraphs_by_rowid(self, rowids: list[int]) -> dict[int, ParagraphRow]:
        """Paragraphs by their rowid."""
        ...

    def summaries(self, article_ids: list[int]) -> dict[int, ArticleSummary]:
        """Article summaries by id."""
        ...

    def outlines(self, article_ids: list[int]) -> dict[int, list[tuple[str, int | None]]]:
        """``(text, parent)`` of each outline entry, by article id."""
        ...

    def iter_articles(self) -> Iterator[Article]:
        """Every article, streamed."""
        ...


def open_store(url: str | Path) -> Store:
    """Open (creating if needed) the library at ``url``: a file path for SQLite.

    Raises:
        ConfigError: the URL names a backend this version does not have.
        StoreError: the file cannot be opened as a library.
    """
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        raise ConfigError(
            f"db: {text.split('@')[-1]} is a PostgreSQL URL, but this version of sucai stores "
            "libraries in SQLite files only. Give a file path such as library.db."
        )
    return SqliteStore(text)
