"""``sucai migrate``: copy a whole library between SQLite and PostgreSQL (issue 7).

Every table is copied row by row with its ids (and the paragraphs' rowids, which the search
index refers to), in batches, inside one transaction of the destination: an interrupted
migration leaves the destination as empty as it was. The destination must be an empty
library; its schema is created (or upgraded) by opening it, and the source is upgraded the
same way first, so both sides have the same tables.

The search index is not copied: the caller rebuilds the destination's (``Library.reindex``).
"""

from __future__ import annotations

from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sucai.errors import StoreError, UserError
from sucai.store import Store, is_postgres_url, open_store

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ["TABLES", "MigrateReport", "migrate"]

#: The library's tables in an order that satisfies their foreign keys. ``rowid`` is the
#: implicit key of SQLite that PostgreSQL stores as a column (see ``pg_migrations.py``).
TABLES: Final = (
    ("meta", ("key", "value")),
    ("files", ("id", "path", "sha256", "size", "encoding", "title", "header",
               "declared_count", "article_count", "notes", "imported_at")),
    ("removed_lines", ("rowid", "file_id", "line", "text", "reason")),
    ("articles", ("id", "content_hash", "title", "role", "genre", "issued_on", "year",
                  "doc_number", "issuer", "chars", "added_at", "source", "addressee",
                  "signer", "attachments")),
    ("article_sources", ("article_id", "file_id", "position")),
    ("paragraphs", ("rowid", "article_id", "idx", "text", "paid", "heading", "section",
                    "kind")),
    ("outline", ("article_id", "idx", "level", "text", "paragraph", "parent", "kind")),
    ("users", ("id", "name", "password_hash", "role", "tier", "expires_on", "daily_quota",
               "created_at", "disabled")),
    ("sessions", ("token_hash", "user_id", "created_at", "expires_at")),
    ("api_tokens", ("id", "token_hash", "user_id", "label", "created_at", "revoked_at")),
    ("audit_log", ("id", "at", "user_id", "user_name", "action", "target", "format", "ip",
                   "code")),
    ("login_attempts", ("name", "ip", "at", "ok")),
    ("baskets", ("id", "owner", "name", "created_at")),
    ("basket_items", ("basket_id", "position", "article_id", "kind", "ref", "added_at")),
    ("corrections", ("article_id", "file_id", "part", "idx", "offset", "original",
                     "replacement", "rule")),
    ("import_jobs", ("rowid", "id", "user_name", "names", "state", "total", "error", "report",
                     "host", "pid", "created_at", "updated_at")),
    ("import_job_files", ("job_id", "seq", "report")),
    ("article_sketches", ("article_id", "sketch", "title_key", "version")),
    ("merged_copies", ("id", "article_id", "file_id", "position", "title", "similarity",
                       "content_hash", "article", "merged_at")),
    ("article_links", ("article_id", "other_id", "kind")),
    ("favourites", ("owner", "article_id", "added_at")),
    ("source_labels", ("source", "label")),
    ("stock_phrase_edits", ("phrase", "included", "edited_at", "edited_by")),
    ("subscriptions", ("id", "owner", "name", "query", "genre", "role", "years", "source",
                       "created_at", "opened_at", "seen_id")),
    ("readers", ("owner", "visit_at", "since", "feed_token")),
    ("jinju", ("article_id", "paragraph", "start", "stop", "kind")),
)  # fmt: skip

#: How many leading columns of each table order its rows (its key; all for tables without).
_KEY: Final = {
    "meta": 1, "files": 1, "removed_lines": 1, "articles": 1, "article_sources": 3,
    "paragraphs": 1, "outline": 2, "users": 1, "sessions": 1, "api_tokens": 1, "audit_log": 1,
    "login_attempts": 4, "baskets": 1, "basket_items": 2, "corrections": 8,
    "import_jobs": 1, "import_job_files": 2, "article_sketches": 1, "merged_copies": 1,
    "article_links": 3, "favourites": 2, "source_labels": 1, "stock_phrase_edits": 1,
    "subscriptions": 1, "readers": 1, "jinju": 3,
}  # fmt: skip

#: Tables that are not library data: the schema's own bookkeeping, and search indexes,
#: which are rebuilt from the data.
#: The change log is not copied either: the copy's triggers write its own as it fills.
_NOT_DATA: Final = ("_sucai_migrations", "sqlite_", "changes")

#: The identity columns (an ``id`` or ``rowid`` first) that PostgreSQL continues after a copy.
_IDENTITY: Final = tuple((t, c[0]) for t, c in TABLES if c[0] in ("id", "rowid"))


@dataclass(frozen=True, slots=True)
class MigrateReport:
    """What was copied: rows per table, in copy order."""

    rows: tuple[tuple[str, int], ...]

    @property
    def articles(self) -> int:
        """Articles copied."""
        return dict(self.rows).get("articles", 0)

    @property
    def total(self) -> int:
        """Rows copied in all."""
        return sum(n for _, n in self.rows)


def migrate(
    source: str | Path,
    target: str | Path,
    *,
    batch: int = 5000,
    on_progress: Callable[[int, int], None] | None = None,
) -> MigrateReport:
    """Copy the library at ``source`` into the empty library at ``target``, ids and all.

    Args:
        source: a SQLite file or a ``postgresql://`` URL (upgraded to this sucai's schema).
        target: the same, created when missing; it must hold no data.
        batch: rows read and written at a time.
        on_progress: called with ``(rows copied, rows in all)`` after each batch.

    Raises:
        UserError: the target holds data, or names the source, or the source is missing.
        StoreError: a table differs between the two sides, or a count after the copy.
        StoreUnavailableError: a PostgreSQL server cannot be reached.
    """
    if str(source) == str(target):
        raise UserError("migrate: --from and --to name the same library; give two libraries.")
    if not is_postgres_url(source) and not Path(source).is_file():
        raise UserError(f"migrate: {source} does not exist; give the library file to copy.")
    # Opening each side as a library creates or upgrades its schema: same tables both sides.
    with closing(open_store(source)) as src, closing(open_store(target)) as dst:
        return _copy(src, dst, batch, on_progress)


def _copy(
    src: Store,
    dst: Store,
    batch: int,
    on_progress: Callable[[int, int], None] | None,
) -> MigrateReport:
    known = {name for name, _ in TABLES}
    unknown = sorted(t for t in src.table_names() if not t.startswith(_NOT_DATA) and t not in known)
    if unknown:
        raise StoreError(
            f"migrate: the source has tables this sucai cannot copy ({', '.join(unknown)}). "
            "Use the sucai version that wrote it."
        )
    held = [(t, n) for t, _ in TABLES if t != "meta" and (n := dst.count_rows(t))]
    if held:
        raise UserError(
            f"migrate: {dst.where} is not empty ("
            + ", ".join(f"{n} {t}" for t, n in held[:3])
            + (", …" if len(held) > 3 else "")
            + "). Give a new file or an empty database: migrate copies a whole library, "
            "ids and all, into an empty one."
        )
    with src.snapshot(), dst.atomic():
        counts = [(t, src.count_rows(t)) for t, _ in TABLES]
        total = sum(n for t, n in counts if t != "meta")
        done = 0
        for table, columns in TABLES:
            if table == "meta":
                # The target's own schema_version and library_id (a copy is another
                # library, with its own search index) stand; copy any other settings.
                rows = [r for b in src.table_rows(table, columns, 1, batch) for r in b]
                own = ("schema_version", "library_id")
                # The rules its 金句 were found with come with the rows (or none: found again
                # when the copy is first opened as a library).
                dst.forget_jinju_extractor()
                dst.insert_rows(table, columns, [r for r in rows if r[0] not in own])
                continue
            for rows in src.table_rows(table, columns, _KEY[table], batch):
                dst.insert_rows(table, columns, rows)
                done += len(rows)
                if on_progress is not None:
                    on_progress(done, total)
        dst.continue_ids(_IDENTITY)
        copied = [(t, dst.count_rows(t)) for t, _ in TABLES if t != "meta"]
        expected = [(t, n) for t, n in counts if t != "meta"]
        if copied != expected:
            raise StoreError(
                f"migrate: the copy does not match the source ({copied} != {expected}); "
                "nothing was written."
            )
    return MigrateReport(tuple(expected))
