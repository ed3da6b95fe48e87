"""The library's storage. ``open_store(url)`` returns a :class:`Store`.

A file path opens a :class:`~sucai.store.sqlite.SqliteStore`; a ``postgresql://`` URL opens a
:class:`~sucai.store.postgres.PostgresStore` (issue 7), which implements the same Protocol and
passes the same contract tests (``tests/contract/``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from sucai.errors import ConfigError
from sucai.store.records import (
    AddedArticles,
    ApiToken,
    ArticleFilter,
    ArticleHead,
    ArticleSummary,
    ArticleText,
    AuditEntry,
    Basket,
    BasketItem,
    Correction,
    ImportJobRow,
    IndexArticle,
    LawVersion,
    Merge,
    MergedCopy,
    ParagraphRow,
    StoredFile,
    User,
)
from sucai.store.sqlite import SqliteStore

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from contextlib import AbstractContextManager
    from pathlib import Path

    from sucai.models import Article, Compilation, RemovedLine

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
    "Correction",
    "ImportJobRow",
    "IndexArticle",
    "LawVersion",
    "Merge",
    "MergedCopy",
    "ParagraphRow",
    "Store",
    "StoredFile",
    "User",
    "is_postgres_url",
    "open_store",
]


class Store(Protocol):
    """What the pipeline and the library need from a storage backend."""

    def atomic(self) -> AbstractContextManager[Store]:
        """A write transaction (savepoints when nested)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...

    def reader(self) -> Store:
        """A read-only store over the same library that another thread may use."""
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
        merges: Mapping[int, Merge] | None = None,
    ) -> AddedArticles:
        """Store one file and its articles atomically; ``merges`` (by article index) are
        stored as copies unless the same title and text is already an article."""
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

    def article_heads(self, article_ids: list[int]) -> dict[int, ArticleHead]:
        """Title, role, genre and date of articles, by id."""
        ...

    def forget_cached(self) -> None:
        """Drop the article heads and outline paths kept for searches (and its readers')."""
        ...

    def outline_path(self, article_id: int, entry: int) -> tuple[tuple[str, bool], ...]:
        """An outline entry and its ancestors, top first, as ``(text, paid)``."""
        ...

    def iter_articles(self) -> Iterator[Article]:
        """Every article, streamed."""
        ...

    # --- accounts (issue 4); times are ISO 8601 UTC strings ----------------------------------

    def add_user(
        self,
        *,
        name: str,
        password_hash: str,
        role: str,
        tier: str | None,
        expires_on: str | None,
        daily_quota: int | None,
        now: str,
    ) -> User:
        """Store a new account (the name must be new)."""
        ...

    def get_user(self, user_id: int) -> User | None:
        """The account with this id."""
        ...

    def get_user_by_name(self, name: str) -> User | None:
        """The account with this name."""
        ...

    def list_users(self) -> list[User]:
        """Every account, by name."""
        ...

    def password_hash(self, user_id: int) -> str:
        """The stored password hash of an account."""
        ...

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace an account's password hash."""
        ...

    def update_user(
        self,
        user_id: int,
        *,
        role: str,
        tier: str | None,
        expires_on: str | None,
        daily_quota: int | None,
        disabled: bool,
    ) -> None:
        """Change an account's role, tier, expiry, quota and whether it is disabled."""
        ...

    def add_session(self, token_hash: str, user_id: int, now: str, expires_at: str) -> None:
        """Store a sign-in session."""
        ...

    def session_user(self, token_hash: str, now: str) -> User | None:
        """The enabled account of an unexpired session."""
        ...

    def delete_session(self, token_hash: str) -> None:
        """End one session."""
        ...

    def delete_user_sessions(self, user_id: int, keep: str | None = None) -> None:
        """End every session of an account except ``keep`` (a token hash)."""
        ...

    def add_api_token(self, token_hash: str, user_id: int, label: str, now: str) -> int:
        """Store an API token; return its id."""
        ...

    def api_token_user(self, token_hash: str) -> User | None:
        """The enabled account of an unrevoked API token."""
        ...

    def list_api_tokens(self, user_id: int) -> list[ApiToken]:
        """An account's API tokens, newest first."""
        ...

    def revoke_api_token(self, user_id: int, token_id: int, now: str) -> bool:
        """Revoke one of an account's tokens; ``False`` when there is no such live token."""
        ...

    def add_audit(
        self,
        *,
        at: str,
        user_id: int | None,
        user_name: str,
        action: str,
        target: str,
        format: str,
        ip: str,
        code: str = "",
    ) -> None:
        """Append a line to the audit log (``code``: the code of the file it gave out)."""
        ...

    def audit_entries(self, *, limit: int, user_id: int | None = None) -> list[AuditEntry]:
        """The newest lines of the audit log (of one account when ``user_id`` is given)."""
        ...

    def audit_by_code(self, code: str) -> list[AuditEntry]:
        """The lines of the audit log that gave out a file with ``code``, oldest first."""
        ...

    def count_audit(self, user_id: int, action: str, since: str) -> int:
        """How many ``action`` lines an account has since ``since``."""
        ...

    def add_download(
        self,
        *,
        at: str,
        user_id: int,
        user_name: str,
        target: str,
        format: str,
        ip: str,
        since: str,
        quota: int,
        code: str = "",
    ) -> bool:
        """Record a download in the audit log unless the account's quota is used up.

        Counting the account's downloads since ``since`` and adding this one are one step:
        concurrent downloads of an account (other threads, other servers) never get past
        ``quota`` together.

        Returns:
            ``True`` when recorded; ``False`` when the account has ``quota`` downloads since
            ``since`` already (nothing is written).
        """
        ...

    def add_import_job(
        self, job_id: str, user_name: str, names: list[str], host: str, pid: int, now: str
    ) -> None:
        """Record a new, queued web import, run by process ``pid`` on ``host``."""
        ...

    def update_import_job(
        self,
        job_id: str,
        now: str,
        *,
        state: str | None = None,
        total: int | None = None,
        error: str | None = None,
        report: dict[str, Any] | None = None,
    ) -> None:
        """Change what is given of a job (``None`` leaves a field as it is)."""
        ...

    def add_import_job_file(self, job_id: str, report: dict[str, Any], now: str) -> None:
        """Append one file's report to a job."""
        ...

    def import_job(self, job_id: str) -> ImportJobRow | None:
        """One job with every file's report, or ``None``."""
        ...

    def import_jobs(self, limit: int) -> list[ImportJobRow]:
        """The newest jobs, newest first (without their files' reports)."""
        ...

    def add_login_attempt(self, name: str, ip: str, at: str, ok: bool) -> None:
        """Record a sign-in attempt."""
        ...

    def count_failed_logins(self, since: str, *, name: str | None, ip: str | None) -> int:
        """Failed sign-ins since ``since`` for this name and/or address."""
        ...

    def clear_failed_logins(self, name: str, ip: str) -> None:
        """Forget the failed sign-ins of a name from an address (after a success)."""
        ...

    # --- hygiene and baskets (issue 5) -------------------------------------------------------

    def file_id(self, sha256: str) -> int | None:
        """The id of the stored file with these bytes."""
        ...

    def add_corrections(
        self, *, article_id: int | None, file_id: int | None, corrections: tuple[Correction, ...]
    ) -> None:
        """Record what hygiene changed in an article (or in a file's header); idempotent."""
        ...

    def corrections(self, article_id: int) -> list[Correction]:
        """An article's corrections, by part, index and offset."""
        ...

    def file_corrections(self, file_id: int) -> list[Correction]:
        """The corrections of a compilation file's own title and header."""
        ...

    def count_corrections(self) -> int:
        """Number of corrections in the library (articles and file headers)."""
        ...

    def baskets(self, owner: str) -> list[Basket]:
        """An owner's baskets, by name, with their items."""
        ...

    def basket(self, owner: str, name: str) -> Basket | None:
        """One basket of an owner."""
        ...

    def add_basket_items(
        self, owner: str, name: str, items: list[tuple[int, str, int | None]], now: str
    ) -> Basket:
        """Append ``(article_id, kind, ref)`` items to a basket, creating it when new."""
        ...

    def move_basket_item(self, basket_id: int, source: int, target: int) -> None:
        """Move the item at 1-based ``source`` to ``target`` (others shift)."""
        ...

    def remove_basket_item(self, basket_id: int, position: int) -> None:
        """Remove the item at 1-based ``position`` (later ones move up)."""
        ...

    def delete_basket(self, basket_id: int) -> None:
        """Delete a basket and its items."""
        ...

    # --- near-duplicates and law versions (issue 6) ------------------------------------------

    def iter_sketches(self) -> Iterator[tuple[int, bytes]]:
        """``(article_id, sketch)`` of every sketched article (128 little-endian uint32)."""
        ...

    def iter_unsketched(self, batch: int = 200) -> Iterator[list[ArticleText]]:
        """The articles without a sketch, in batches."""
        ...

    def set_sketch(
        self, article_id: int, sketch: bytes | None, title_key: str, version: str | None
    ) -> None:
        """Store (or replace) an article's sketch, normalised title and law version."""
        ...

    def same_title(self, title_key: str, genre: str) -> list[tuple[int, str | None]]:
        """``(article_id, version)`` of the sketched articles of a genre with this title."""
        ...

    def link_articles(self, article_id: int, other_id: int, kind: str) -> None:
        """Relate two distinct articles (``kind="version"``); idempotent."""
        ...

    def article_text(self, article_id: int) -> ArticleText:
        """An article's title, genre, date and paragraph texts; raises NotFoundError."""
        ...

    def merged_copies(self, article_id: int | None = None) -> list[MergedCopy]:
        """The copies of one canonical article (of all when ``None``), by article and id."""
        ...

    def merged_copy(self, copy_id: int) -> MergedCopy:
        """One copy; raises NotFoundError."""
        ...

    def set_copy_similarity(self, copy_id: int, similarity: float) -> None:
        """Record a copy's similarity to its (new) canonical text."""
        ...

    def copy_text(self, copy_id: int) -> ArticleText:
        """A merged copy's title, genre, date and paragraph texts; raises NotFoundError."""
        ...

    def keep_copy(self, copy_id: int) -> int:
        """Make a copy the canonical text of its article (the old text becomes a copy);
        return the article id."""
        ...

    def split_copy(self, copy_id: int) -> int:
        """Turn a copy into an article of its own; return the new article's id."""
        ...

    def law_versions(self, article_id: int | None = None) -> list[list[LawVersion]]:
        """Groups of linked law versions (the one of ``article_id``, or all), oldest first."""
        ...

    def index_articles(self, article_ids: list[int]) -> list[IndexArticle]:
        """What the search index needs of these articles, in id order (missing ids are left
        out). Give a few hundred at a time: they are read at once."""
        ...

    # --- the change log (issue 17) ---------------------------------------------------------------

    def library_id(self) -> str:
        """The random id the library was given when it was created."""
        ...

    def last_change(self) -> int:
        """The number of the latest change in the change log (0 when none)."""
        ...

    def change_mark(self, seq: int) -> str:
        """What identifies change ``seq`` of the log (``""`` for 0 and for a change the log
        does not hold): an index that applied up to ``seq`` checks it still matches, since a
        library restored from a backup may number other changes the same."""
        ...

    def changed_articles(self, after: int, upto: int) -> list[int]:
        """The articles changed by the log's changes ``after < seq <= upto``, each once, in
        id order."""
        ...


def is_postgres_url(url: str | Path) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) URL, False for a file path."""
    return str(url).startswith(("postgresql://", "postgres://"))


def open_store(url: str | Path, *, read_url: str | None = None) -> Store:
    """Open (creating if needed) the library at ``url``.

    Args:
        url: a file path (SQLite), or ``postgresql://USER@HOST[:PORT]/DATABASE``.
        read_url: PostgreSQL only: a streaming replica of ``url`` that serves the
            library's reads and searches (``SUCAI_DB_READ``); writes go to ``url``.

    Raises:
        ConfigError: a bad URL, a read URL for SQLite, or psycopg is not installed.
        StoreUnavailableError: the PostgreSQL server cannot be reached.
        StoreError: the file cannot be opened as a library.
    """
    text = str(url)
    if read_url and not is_postgres_url(read_url):
        raise ConfigError(
            f"db_read: '{read_url}' is not a postgresql:// URL. A read replica needs a "
            "PostgreSQL library; leave SUCAI_DB_READ empty for SQLite."
        )
    if not is_postgres_url(text):
        if read_url:
            raise ConfigError(
                "db_read: a read replica needs a PostgreSQL library (--db postgresql://…); "
                "a SQLite file serves its own reads. Leave SUCAI_DB_READ empty."
            )
        return SqliteStore(text)
    try:
        from sucai.store.postgres import PostgresStore
    except ImportError:
        raise ConfigError(
            "db: PostgreSQL libraries need psycopg. Install it with: pip install 'sucai[postgres]'"
        ) from None
    return PostgresStore(text, read_url=read_url)
