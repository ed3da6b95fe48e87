"""SqlStore: the queries both stores share, written once.

The SQL here is written with ``?`` placeholders and runs unchanged on SQLite and PostgreSQL;
:class:`~sucai.store.postgres.PostgresStore` turns ``?`` into ``%s`` in one place (its
``_fetch``/``_execute``). What truly differs stays in the backends: connections and pools,
locking and ``atomic()``, ids of new rows (``lastrowid`` or ``RETURNING``), membership in a
list of ids, backup, and errors.
"""

from __future__ import annotations

import hashlib
import json
import zlib
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol, Self

from sucai.errors import NotFoundError, UserError
from sucai.models import (
    Article,
    ArticleDraft,
    ArticleSource,
    OutlineEntry,
    Paragraph,
    source_folder,
)
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
from sucai.store.rows import (
    AUDIT_COLUMNS,
    JOB_COLUMNS,
    USER_COLUMNS,
    download_sql,
    job_from_row,
    user_from_row,
    utc_now,
    where_sql,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence
    from contextlib import AbstractContextManager

    from sucai.models import Compilation, RemovedLine

__all__ = ["SqlStore", "content_hash"]

#: Entries kept in each of the caches of unchanging article data (heads, outline paths).
_CACHE_LIMIT = 200_000


def content_hash(draft: ArticleDraft) -> str:
    """The key under which an article is stored once: its title and paragraph texts."""
    digest = hashlib.sha256(draft.title.encode())
    for paragraph in draft.paragraphs:
        digest.update(b"\n")
        digest.update(paragraph.text.encode())
    return digest.hexdigest()


def _pack(draft: ArticleDraft, corrections: Iterable[Correction]) -> bytes:
    """A whole article and its hygiene corrections as zlib-compressed JSON (a merged copy)."""
    data = {
        "title": draft.title,
        "role": draft.role,
        "genre": draft.genre,
        "issued_on": draft.issued_on,
        "year": draft.year,
        "doc_number": draft.doc_number,
        "issuer": draft.issuer,
        "position": draft.position,
        "paragraphs": [
            [p.index, p.text, p.paid, p.heading, p.section, p.kind] for p in draft.paragraphs
        ],
        "outline": [
            [e.index, e.level, e.text, e.paragraph, e.parent, e.kind] for e in draft.outline
        ],
        "corrections": [
            [c.part, c.index, c.offset, c.original, c.replacement, c.rule] for c in corrections
        ],
    }
    return zlib.compress(json.dumps(data, ensure_ascii=False).encode(), 6)


def _unpack(blob: bytes) -> tuple[ArticleDraft, list[Correction]]:
    """The inverse of :func:`_pack`."""
    from sucai.store.records import Correction

    data = json.loads(zlib.decompress(blob))
    draft = ArticleDraft(
        title=data["title"],
        role=data["role"],
        genre=data["genre"],
        issued_on=data["issued_on"],
        year=data["year"],
        paragraphs=tuple(Paragraph(*p) for p in data["paragraphs"]),
        outline=tuple(OutlineEntry(*e) for e in data["outline"]),
        position=data["position"],
        doc_number=data["doc_number"],
        issuer=data["issuer"],
    )
    return draft, [Correction(*c) for c in data["corrections"]]


#: Facet name → column of ``articles a``, for browse counts.
FACET_COLUMNS: Final = (
    ("genre", "a.genre"),
    ("role", "a.role"),
    ("year", "a.year"),
    ("source", "a.source"),
)


_ARTICLE_COLUMNS: Final = (
    "id, title, role, genre, issued_on, year, chars, added_at, doc_number, issuer"
)
_SUMMARY_SQL: Final = (
    "SELECT a.id, a.title, a.role, a.genre, a.issued_on, a.year, a.chars, a.added_at, "
    "(SELECT count(*) FROM paragraphs p WHERE p.article_id = a.id), "
    "(SELECT count(*) FROM article_sources s WHERE s.article_id = a.id) FROM articles a"
)
_U_USER_COLUMNS: Final = ", ".join("u." + c for c in USER_COLUMNS.split(", "))


class Cursor(Protocol):
    """What a write returns on both backends."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...


class SqlStore:
    """The shared half of SqliteStore and PostgresStore (see the module's docstring).

    A backend provides ``_fetch``, ``_execute``, ``_executemany``, ``_insert_id``,
    ``_fetch_in`` and ``atomic()``; everything else is written here once.
    """

    #: Where the library is, for messages (a file path, or ``host:port/database``).
    where: str
    #: Appended to a SELECT that reads rows it will change (PostgreSQL: `` FOR UPDATE``;
    #: SQLite's ``BEGIN IMMEDIATE`` already holds the whole file).
    _lock_rows: ClassVar[str] = ""
    #: What ``LIMIT ?`` takes for "no limit" (SQLite: -1; PostgreSQL: NULL).
    _NO_LIMIT: ClassVar[int | None] = None
    _heads: dict[int, ArticleHead]
    _paths: dict[tuple[int, int], tuple[tuple[str, bool], ...]]

    # --- what each backend provides ----------------------------------------------------------

    def atomic(self) -> AbstractContextManager[Self]:
        """A write transaction (savepoints when nested)."""
        raise NotImplementedError

    def _fetch(
        self, sql: str, params: Sequence[Any] = (), *, primary: bool = False
    ) -> list[tuple[Any, ...]]:
        """Rows of one query (``primary``: not from a read replica)."""
        raise NotImplementedError

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Cursor:
        """Run one write (inside ``atomic()``)."""
        raise NotImplementedError

    def _executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one write for each of ``rows`` (inside ``atomic()``)."""
        raise NotImplementedError

    def _insert_id(self, sql: str, params: Sequence[Any]) -> int:
        """Run one INSERT of a row and return its new ``id``."""
        raise NotImplementedError

    def _fetch_in(
        self, sql: str, ids: Sequence[int], params: Sequence[Any] = (), *, primary: bool = False
    ) -> list[tuple[Any, ...]]:
        """Rows of ``sql`` whose ``{}`` (after a column) is the test that the column is one of
        ``ids``; ``params`` are bound before the ids."""
        raise NotImplementedError

    #: The columns of :class:`MergedCopy`.
    _COPY_SELECT: Final = (
        "SELECT m.id, m.article_id, m.title, m.similarity, f.path, m.position, m.merged_at "
        "FROM merged_copies m JOIN files f ON f.id = m.file_id"
    )

    # --- shared helpers ----------------------------------------------------------------------

    def _lock_writes(self) -> None:
        """Make the open transaction the only one writing files and merged copies."""
        raise NotImplementedError

    def _lock_account(self, user_id: int) -> None:
        """Make the open transaction the only one counting this account's downloads."""
        raise NotImplementedError

    def _one(self, sql: str, params: Sequence[Any] = (), *, primary: bool = False) -> Any:
        """The first row of a query, or ``None``."""
        rows = self._fetch(sql, params, primary=primary)
        return rows[0] if rows else None

    def _count(self, sql: str, params: Sequence[Any] = (), *, primary: bool = False) -> int:
        """The integer in the first column of the first row."""
        return int(self._fetch(sql, params, primary=primary)[0][0])

    def has_file(self, sha256: str) -> bool:
        """True when a file with these bytes was imported before."""
        return (
            self._one("SELECT 1 FROM files WHERE sha256 = ?", (sha256,), primary=True) is not None
        )

    def _insert_text(self, article_id: int, draft: ArticleDraft) -> None:
        """Store an article's paragraphs and outline."""
        self._executemany(
            "INSERT INTO paragraphs (article_id, idx, text, paid, heading, section, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (article_id, p.index, p.text, int(p.paid), p.heading, p.section, p.kind)
                for p in draft.paragraphs
            ],
        )
        self._executemany(
            "INSERT INTO outline (article_id, idx, level, text, paragraph, parent, kind) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (article_id, e.index, e.level, e.text, e.paragraph, e.parent, e.kind)
                for e in draft.outline
            ],
        )

    def files(self) -> list[StoredFile]:
        """Every stored file, oldest first."""

        rows = self._fetch(
            "SELECT id, path, sha256, size, encoding, title, declared_count, article_count, "
            "notes, imported_at FROM files ORDER BY id"
        )
        return [
            StoredFile(
                r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], tuple(json.loads(r[8])), r[9]
            )
            for r in rows
        ]

    def removed_lines(self, file_id: int) -> list[tuple[int, str, str]]:
        """``(line, text, reason)`` of what cleaning removed from a file."""
        rows = self._fetch(
            "SELECT line, text, reason FROM removed_lines WHERE file_id = ? ORDER BY rowid",
            (file_id,),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def count_matching(self, where: ArticleFilter | None = None) -> int:
        """Number of articles matching ``where``."""
        clause, params = where_sql(where, "?")
        return self._count(f"SELECT count(*) FROM articles a{clause}", params)

    def facets(self, where: ArticleFilter | None = None) -> dict[str, list[tuple[str, int]]]:
        """Counts per genre, role, year and source among the articles matching ``where``."""
        clause, params = where_sql(where, "?")
        out: dict[str, list[tuple[str, int]]] = {}
        for name, column in FACET_COLUMNS:
            # CAST: year is an integer, and PostgreSQL will not compare it with ''.
            rows = self._fetch(
                f"SELECT {column}, count(*) FROM articles a{clause} "
                f"{'AND' if clause else 'WHERE'} {column} IS NOT NULL "
                f"AND CAST({column} AS TEXT) <> '' "
                f"GROUP BY {column} ORDER BY count(*) DESC, {column} DESC",
                params,
            )
            out[name] = [(str(value), int(count)) for value, count in rows]
        return out

    def library_id(self) -> str:
        """The random id the library was given when it was created: a search index built from
        another library (a copy made by ``sucai migrate``) is rebuilt."""
        rows = self._fetch("SELECT value FROM meta WHERE key = 'library_id'", (), primary=True)
        return str(rows[0][0])

    def last_change(self) -> int:
        """The number of the latest change in the change log (0 when none)."""
        return self._count("SELECT coalesce(max(seq), 0) FROM changes", primary=True)

    def change_mark(self, seq: int) -> str:
        """What identifies change ``seq`` of the log (``""`` for 0 and for a change the log
        does not hold): an index that applied up to ``seq`` checks it still matches, since a
        library restored from a backup may number other changes the same."""
        rows = self._fetch(
            "SELECT article_id, op, at FROM changes WHERE seq = ?", (seq,), primary=True
        )
        return "" if not rows else f"{rows[0][0]} {rows[0][1]} {rows[0][2]}"

    def forget_cached(self) -> None:
        """Drop the article heads and outline paths kept for searches (and its readers')."""
        self._heads.clear()
        self._paths.clear()

    def outline_path(self, article_id: int, entry: int) -> tuple[tuple[str, bool], ...]:
        """An outline entry and its ancestors, top first: ``(text, paid)``, where ``paid``
        says whether the paragraph the entry stands on is in the paid part."""
        key = (article_id, entry)
        if key in self._paths:
            return self._paths[key]
        if len(self._paths) > _CACHE_LIMIT:
            self._paths.clear()
        rows = self._fetch(
            "WITH RECURSIVE up(idx, text, parent, paragraph, depth) AS ("
            " SELECT idx, text, parent, paragraph, 0 FROM outline"
            " WHERE article_id = ? AND idx = ?"
            " UNION ALL"
            " SELECT o.idx, o.text, o.parent, o.paragraph, up.depth + 1 FROM outline o JOIN up"
            " ON o.article_id = ? AND o.idx = up.parent"
            ") SELECT up.text, coalesce(p.paid, 0) FROM up LEFT JOIN paragraphs p"
            " ON p.article_id = ? AND p.idx = up.paragraph ORDER BY up.depth DESC",
            (article_id, entry, article_id, article_id),
        )
        path = tuple((text, bool(paid)) for text, paid in rows)
        self._paths[key] = path
        return path

    def get_user(self, user_id: int) -> User | None:
        """The account with this id."""
        return user_from_row(
            self._one(f"SELECT {USER_COLUMNS} FROM users WHERE id = ?", (user_id,), primary=True)
        )

    def get_user_by_name(self, name: str) -> User | None:
        """The account with this name."""
        return user_from_row(
            self._one(f"SELECT {USER_COLUMNS} FROM users WHERE name = ?", (name,), primary=True)
        )

    def list_users(self) -> list[User]:
        """Every account, by name."""
        rows = self._fetch(f"SELECT {USER_COLUMNS} FROM users ORDER BY name", primary=True)
        return [u for u in (user_from_row(r) for r in rows) if u is not None]

    def password_hash(self, user_id: int) -> str:
        """The stored password hash of an account ("" when there is no such account)."""
        row = self._one("SELECT password_hash FROM users WHERE id = ?", (user_id,), primary=True)
        return str(row[0]) if row else ""

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace an account's password hash."""
        with self.atomic():
            self._execute(
                "UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id)
            )

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
        with self.atomic():
            self._execute(
                "UPDATE users SET role = ?, tier = ?, expires_on = ?, daily_quota = ?, "
                "disabled = ? WHERE id = ?",
                (role, tier, expires_on, daily_quota, int(disabled), user_id),
            )

    def add_session(self, token_hash: str, user_id: int, now: str, expires_at: str) -> None:
        """Store a sign-in session (and drop expired ones, so the table stays small)."""
        with self.atomic():
            self._execute("DELETE FROM sessions WHERE expires_at < ?", (now,))
            self._execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
                "VALUES (?, ?, ?, ?)",
                (token_hash, user_id, now, expires_at),
            )

    def session_user(self, token_hash: str, now: str) -> User | None:
        """The enabled account of an unexpired session."""
        return user_from_row(
            self._one(
                f"SELECT {_U_USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id "
                "WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0",
                (token_hash, now),
                primary=True,
            )
        )

    def delete_session(self, token_hash: str) -> None:
        """End one session."""
        with self.atomic():
            self._execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    def delete_user_sessions(self, user_id: int, keep: str | None = None) -> None:
        """End every session of an account except ``keep`` (a token hash)."""
        with self.atomic():
            self._execute(
                "DELETE FROM sessions WHERE user_id = ? AND token_hash != ?",
                (user_id, keep or ""),
            )

    def api_token_user(self, token_hash: str) -> User | None:
        """The enabled account of an unrevoked API token."""
        return user_from_row(
            self._one(
                f"SELECT {_U_USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id "
                "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0",
                (token_hash,),
                primary=True,
            )
        )

    def list_api_tokens(self, user_id: int) -> list[ApiToken]:
        """An account's API tokens, newest first."""

        rows = self._fetch(
            "SELECT id, user_id, label, created_at, revoked_at FROM api_tokens "
            "WHERE user_id = ? ORDER BY id DESC",
            (user_id,),
            primary=True,
        )
        return [ApiToken(*r) for r in rows]

    def revoke_api_token(self, user_id: int, token_id: int, now: str) -> bool:
        """Revoke one of an account's tokens; ``False`` when there is no such live token."""
        with self.atomic():
            cur = self._execute(
                "UPDATE api_tokens SET revoked_at = ? "
                "WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                (now, token_id, user_id),
            )
        return cur.rowcount > 0

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
        with self.atomic():
            self._execute(
                "INSERT INTO audit_log (at, user_id, user_name, action, target, format, ip, "
                "code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (at, user_id, user_name, action, target, format, ip, code),
            )

    def audit_entries(self, *, limit: int, user_id: int | None = None) -> list[AuditEntry]:
        """The newest lines of the audit log (of one account when ``user_id`` is given)."""

        columns = AUDIT_COLUMNS
        if user_id is None:
            rows = self._fetch(
                f"SELECT {columns} FROM audit_log ORDER BY id DESC LIMIT ?",
                (limit,),
                primary=True,
            )
        else:
            rows = self._fetch(
                f"SELECT {columns} FROM audit_log WHERE user_id = ? ORDER BY id DESC LIMIT ?",
                (user_id, limit),
                primary=True,
            )
        return [AuditEntry(*r) for r in rows]

    def audit_by_code(self, code: str) -> list[AuditEntry]:
        """The lines of the audit log that gave out a file with ``code``, oldest first."""

        rows = self._fetch(
            f"SELECT {AUDIT_COLUMNS} FROM audit_log WHERE code = ? ORDER BY id",
            (code,),
            primary=True,
        )
        return [AuditEntry(*r) for r in rows]

    def count_audit(self, user_id: int, action: str, since: str) -> int:
        """How many ``action`` lines an account has since ``since``."""
        return self._count(
            "SELECT count(*) FROM audit_log WHERE user_id = ? AND action = ? AND at >= ?",
            (user_id, action, since),
            primary=True,
        )

    def add_import_job(
        self, job_id: str, user_name: str, names: list[str], host: str, pid: int, now: str
    ) -> None:
        """Record a new, queued web import, run by process ``pid`` on ``host``."""
        with self.atomic():
            self._execute(
                "INSERT INTO import_jobs (id, user_name, names, state, host, pid, created_at, "
                "updated_at) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?)",
                (job_id, user_name, json.dumps(names, ensure_ascii=False), host, pid, now, now),
            )

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
        with self.atomic():
            self._execute(
                "UPDATE import_jobs SET state = coalesce(?, state), "
                "total = coalesce(CAST(? AS INTEGER), total), error = coalesce(?, error), "
                "report = coalesce(?, report), updated_at = ? WHERE id = ?",
                (
                    state,
                    total,
                    error,
                    json.dumps(report, ensure_ascii=False) if report is not None else None,
                    now,
                    job_id,
                ),
            )

    def add_import_job_file(self, job_id: str, report: dict[str, Any], now: str) -> None:
        """Append one file's report to a job."""
        with self.atomic():
            self._execute(
                "INSERT INTO import_job_files (job_id, seq, report) VALUES (?, "
                "(SELECT count(*) FROM import_job_files WHERE job_id = ?), ?)",
                (job_id, job_id, json.dumps(report, ensure_ascii=False)),
            )
            self._execute("UPDATE import_jobs SET updated_at = ? WHERE id = ?", (now, job_id))

    def import_job(self, job_id: str) -> ImportJobRow | None:
        """One job with every file's report, or ``None`` (read from the primary: the job
        is polled while it runs)."""
        row = self._one(
            f"SELECT {JOB_COLUMNS} FROM import_jobs j WHERE j.id = ?",
            (job_id,),
            primary=True,
        )
        if row is None:
            return None
        files = tuple(
            json.loads(r[0])
            for r in self._fetch(
                "SELECT report FROM import_job_files WHERE job_id = ? ORDER BY seq",
                (job_id,),
                primary=True,
            )
        )
        return job_from_row(row, files)

    def import_jobs(self, limit: int) -> list[ImportJobRow]:
        """The newest jobs, newest first (without their files' reports)."""
        rows = self._fetch(
            f"SELECT {JOB_COLUMNS} FROM import_jobs j "
            "ORDER BY j.created_at DESC, j.rowid DESC LIMIT ?",
            (limit,),
            primary=True,
        )
        return [job_from_row(row) for row in rows]

    def add_login_attempt(self, name: str, ip: str, at: str, ok: bool) -> None:
        """Record a sign-in attempt."""
        with self.atomic():
            self._execute(
                "INSERT INTO login_attempts (name, ip, at, ok) VALUES (?, ?, ?, ?)",
                (name, ip, at, int(ok)),
            )

    def count_failed_logins(self, since: str, *, name: str | None, ip: str | None) -> int:
        """Failed sign-ins since ``since`` for this name and/or address."""
        sql = "SELECT count(*) FROM login_attempts WHERE ok = 0 AND at >= ?"
        params: list[Any] = [since]
        if name is not None:
            sql += " AND name = ?"
            params.append(name)
        if ip is not None:
            sql += " AND ip = ?"
            params.append(ip)
        return self._count(sql, params, primary=True)

    def clear_failed_logins(self, name: str, ip: str) -> None:
        """Forget the failed sign-ins of a name from an address (after a success)."""
        with self.atomic():
            self._execute(
                "DELETE FROM login_attempts WHERE name = ? AND ip = ? AND ok = 0", (name, ip)
            )

    def file_id(self, sha256: str) -> int | None:
        """The id of the stored file with these bytes."""
        row = self._one("SELECT id FROM files WHERE sha256 = ?", (sha256,), primary=True)
        return int(row[0]) if row else None

    def add_corrections(
        self, *, article_id: int | None, file_id: int | None, corrections: tuple[Correction, ...]
    ) -> None:
        """Record what hygiene changed in an article (or a file's header); idempotent.

        An article found again in another file has the same text and corrections, so the
        rows are ignored when present.
        """
        with self.atomic():
            self._executemany(
                'INSERT INTO corrections (article_id, file_id, part, idx, "offset", '
                "original, replacement, rule) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                [
                    (
                        article_id,
                        file_id,
                        c.part,
                        c.index,
                        c.offset,
                        c.original,
                        c.replacement,
                        c.rule,
                    )
                    for c in corrections
                ],
            )

    def _correction_rows(self, column: str, value: int) -> list[Correction]:

        rows = self._fetch(
            'SELECT part, idx, "offset", original, replacement, rule FROM corrections '
            f'WHERE {column} = ? ORDER BY part, idx, "offset"',
            (value,),
        )
        return [Correction(*r) for r in rows]

    def corrections(self, article_id: int) -> list[Correction]:
        """An article's corrections, by part, index and offset."""
        return self._correction_rows("article_id", article_id)

    def file_corrections(self, file_id: int) -> list[Correction]:
        """The corrections of a compilation file's own title and header."""
        return self._correction_rows("file_id", file_id)

    def count_corrections(self) -> int:
        """Number of corrections in the library (articles and file headers)."""
        return self._count("SELECT count(*) FROM corrections")

    def baskets(self, owner: str) -> list[Basket]:
        """An owner's baskets, by name, with their items."""
        return self._basket_rows("owner = ?", (owner,))

    def basket(self, owner: str, name: str) -> Basket | None:
        """One basket of an owner."""
        found = self._basket_rows("owner = ? AND name = ?", (owner, name))
        return found[0] if found else None

    def _renumber(self, basket_id: int, order: list[int]) -> None:
        """Give the items at the 1-based positions ``order`` the positions 1, 2, 3 …"""
        # Two passes through negative positions: the primary key forbids a transient clash.
        self._executemany(
            "UPDATE basket_items SET position = ? WHERE basket_id = ? AND position = ?",
            [(-new, basket_id, old) for new, old in enumerate(order, 1)],
        )
        self._execute(
            "UPDATE basket_items SET position = -position WHERE basket_id = ? AND position < 0",
            (basket_id,),
        )

    def _positions(self, basket_id: int) -> list[int]:
        rows = self._fetch(
            "SELECT position FROM basket_items WHERE basket_id = ? "
            f"ORDER BY position{self._lock_rows}",
            (basket_id,),
        )
        return [r[0] for r in rows]

    def move_basket_item(self, basket_id: int, source: int, target: int) -> None:
        """Move the item at 1-based ``source`` to ``target`` (others shift)."""
        with self.atomic():
            order = self._positions(basket_id)
            item = order.pop(source - 1)
            order.insert(target - 1, item)
            self._renumber(basket_id, order)

    def remove_basket_item(self, basket_id: int, position: int) -> None:
        """Remove the item at 1-based ``position`` (later ones move up)."""
        with self.atomic():
            self._execute(
                "DELETE FROM basket_items WHERE basket_id = ? AND position = ?",
                (basket_id, position),
            )
            self._renumber(basket_id, self._positions(basket_id))

    def delete_basket(self, basket_id: int) -> None:
        """Delete a basket and its items."""
        with self.atomic():
            self._execute("DELETE FROM baskets WHERE id = ?", (basket_id,))

    def iter_unsketched(self, batch: int = 200) -> Iterator[list[ArticleText]]:
        """The articles without a sketch, in id order, in batches.

        Each batch is read afresh, so sketching a batch before asking for the next is fine.
        """

        after = 0
        while True:
            heads = self._fetch(
                "SELECT a.id, a.title, a.genre, a.issued_on, a.year FROM articles a "
                "LEFT JOIN article_sketches k ON k.article_id = a.id "
                "WHERE k.article_id IS NULL AND a.id > ? ORDER BY a.id LIMIT ?",
                (after, batch),
                primary=True,
            )
            if not heads:
                return
            texts: dict[int, list[str]] = {}
            for aid, text in self._fetch(
                "SELECT article_id, text FROM paragraphs WHERE article_id BETWEEN ? AND ? "
                "ORDER BY article_id, idx",
                (heads[0][0], heads[-1][0]),
                primary=True,
            ):
                texts.setdefault(aid, []).append(text)
            yield [
                ArticleText(aid, title, genre, issued_on, year, tuple(texts.get(aid, ())))
                for aid, title, genre, issued_on, year in heads
            ]
            after = heads[-1][0]

    def same_title(self, title_key: str, genre: str) -> list[tuple[int, str | None]]:
        """``(article_id, version)`` of the sketched articles of a genre with this title."""
        rows = self._fetch(
            "SELECT k.article_id, k.version FROM article_sketches k "
            "JOIN articles a ON a.id = k.article_id WHERE k.title_key = ? AND a.genre = ? "
            "ORDER BY k.article_id",
            (title_key, genre),
            primary=True,
        )
        return [(int(r[0]), r[1]) for r in rows]

    def article_text(self, article_id: int) -> ArticleText:
        """An article's title, genre, date and paragraph texts.

        Raises:
            NotFoundError: no article has this id.
        """

        row = self._one(
            "SELECT id, title, genre, issued_on, year FROM articles WHERE id = ?",
            (article_id,),
            primary=True,
        )
        if row is None:
            raise NotFoundError(
                f"no article {article_id} in {self.where}. `sucai list` shows the ids."
            )
        texts = self._fetch(
            "SELECT text FROM paragraphs WHERE article_id = ? ORDER BY idx",
            (article_id,),
            primary=True,
        )
        return ArticleText(row[0], row[1], row[2], row[3], row[4], tuple(r[0] for r in texts))

    def merged_copies(self, article_id: int | None = None) -> list[MergedCopy]:
        """The copies of one canonical article (of all when ``None``), by article and id."""

        where, params = (
            ("", ()) if article_id is None else (" WHERE m.article_id = ?", (article_id,))
        )
        rows = self._fetch(
            f"{self._COPY_SELECT}{where} ORDER BY m.article_id, m.id", params, primary=True
        )
        return [MergedCopy(*r) for r in rows]

    def set_copy_similarity(self, copy_id: int, similarity: float) -> None:
        """Record a copy's similarity to its (new) canonical text."""
        with self.atomic():
            self._execute(
                "UPDATE merged_copies SET similarity = ? WHERE id = ?", (similarity, copy_id)
            )

    def _copy_row(self, copy_id: int) -> tuple[int, int, int, bytes]:
        """``(article_id, file_id, position, packed article)`` of a copy."""
        self.merged_copy(copy_id)  # NotFoundError with the message
        row = self._one(
            "SELECT article_id, file_id, position, article FROM merged_copies WHERE id = ?",
            (copy_id,),
            primary=True,
        )
        return int(row[0]), int(row[1]), int(row[2]), bytes(row[3])

    def copy_text(self, copy_id: int) -> ArticleText:
        """A merged copy's title, genre, date and paragraph texts; raises NotFoundError."""

        draft, _ = _unpack(self._copy_row(copy_id)[3])
        return ArticleText(
            copy_id,
            draft.title,
            draft.genre,
            draft.issued_on,
            draft.year,
            tuple(p.text for p in draft.paragraphs),
        )

    def _check_new_text(self, key: str, copy_id: int) -> None:
        row = self._one("SELECT id FROM articles WHERE content_hash = ?", (key,), primary=True)
        if row is not None:
            raise UserError(
                f"copy {copy_id} has the same title and text as article {row[0]}; "
                f"nothing to do (see `sucai show {row[0]}`)."
            )

    def _replace_text(
        self, article_id: int, draft: ArticleDraft, key: str, corrections: list[Correction]
    ) -> None:
        """Give an article another title and text (its id, sources and baskets stay)."""
        self._execute("DELETE FROM paragraphs WHERE article_id = ?", (article_id,))
        self._execute("DELETE FROM outline WHERE article_id = ?", (article_id,))
        self._execute("DELETE FROM corrections WHERE article_id = ?", (article_id,))
        self._execute(
            "UPDATE articles SET content_hash = ?, title = ?, role = ?, genre = ?, "
            "issued_on = ?, year = ?, doc_number = ?, issuer = ?, chars = ? WHERE id = ?",
            (
                key,
                draft.title,
                draft.role,
                draft.genre,
                draft.issued_on,
                draft.year,
                draft.doc_number,
                draft.issuer,
                sum(len(p.text) for p in draft.paragraphs),
                article_id,
            ),
        )
        self._insert_text(article_id, draft)
        self.add_corrections(article_id=article_id, file_id=None, corrections=tuple(corrections))
        self._heads.pop(article_id, None)
        self._paths.clear()

    def file_articles(self, sha256: str) -> tuple[int, ...]:
        """Article ids of a stored file, in order."""
        rows = self._fetch(
            "SELECT s.article_id FROM article_sources s JOIN files f ON f.id = s.file_id "
            "WHERE f.sha256 = ? ORDER BY s.position",
            (sha256,),
            primary=True,
        )
        return tuple(r[0] for r in rows)

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
        """Store one file and its articles in one transaction.

        Articles already stored (same title and text, from another file) are not stored
        again; the file is added to their sources. Articles in ``merges`` (by index) are
        stored as copies of their canonical article (issue 6), which gets the file as a
        source too. Files are written one at a time across all servers (an advisory lock),
        so concurrent imports of overlapping files never store an article twice; a file
        another server stored meanwhile is not stored again (its articles are "existing").
        """

        merges = merges or {}
        now = utc_now()
        source = source_folder(path)
        with self.atomic():
            self._lock_writes()
            if self._one("SELECT 1 FROM files WHERE sha256 = ?", (sha256,)) is not None:
                stored = self.file_articles(sha256)
                return AddedArticles(stored, ("existing",) * len(stored))
            file_id = self._insert_id(
                "INSERT INTO files (path, sha256, size, encoding, title, header, declared_count, "
                "article_count, notes, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    path,
                    sha256,
                    size,
                    encoding,
                    compilation.title,
                    "\n".join(compilation.header),
                    compilation.declared_count,
                    len(compilation.articles),
                    json.dumps(list(notes), ensure_ascii=False),
                    now,
                ),
            )
            self._executemany(
                "INSERT INTO removed_lines (file_id, line, text, reason) VALUES (?, ?, ?, ?)",
                [(file_id, r.line, r.text, r.reason) for r in removed],
            )
            ids: list[int] = []
            kinds: list[str] = []
            for index, draft in enumerate(compilation.articles):
                key = content_hash(draft)
                row = self._one("SELECT id FROM articles WHERE content_hash = ?", (key,))
                merge = merges.get(index)
                if row is not None:
                    article_id, kind = int(row[0]), "existing"
                elif merge is not None:
                    canonical = merge.article_id if merge.draft is None else ids[merge.draft]
                    assert canonical is not None
                    article_id = canonical
                    self._insert_copy(article_id, file_id, draft, key, merge, now)
                    kind = "merged"
                else:
                    article_id, kind = self._insert_article(draft, key, now, source), "new"
                ids.append(article_id)
                kinds.append(kind)
                self._execute(
                    "INSERT INTO article_sources (article_id, file_id, position) "
                    "VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                    (article_id, file_id, draft.position),
                )
        return AddedArticles(tuple(ids), tuple(kinds))

    def _insert_copy(
        self, article_id: int, file_id: int, draft: ArticleDraft, key: str, merge: Merge, now: str
    ) -> None:
        # The id SQLite gives (its highest + 1, reused after the highest copy was kept or
        # split); callers hold the write lock, so no other writer takes it meanwhile.
        self._execute(
            "INSERT INTO merged_copies (id, article_id, file_id, position, title, similarity, "
            "content_hash, article, merged_at) VALUES ((SELECT coalesce(max(id), 0) + 1 "
            "FROM merged_copies), ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                article_id,
                file_id,
                draft.position,
                draft.title,
                merge.similarity,
                key,
                _pack(draft, merge.corrections),
                now,
            ),
        )

    def _insert_article(self, draft: ArticleDraft, key: str, now: str, source: str) -> int:
        chars = sum(len(p.text) for p in draft.paragraphs)
        article_id = self._insert_id(
            "INSERT INTO articles (content_hash, title, role, genre, issued_on, year, doc_number, "
            "issuer, chars, added_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                key,
                draft.title,
                draft.role,
                draft.genre,
                draft.issued_on,
                draft.year,
                draft.doc_number,
                draft.issuer,
                chars,
                now,
                source,
            ),
        )
        self._insert_text(article_id, draft)
        return article_id

    def count_articles(self) -> int:
        """Number of stored articles."""
        return self._count("SELECT count(*) FROM articles")

    def list_articles(
        self,
        where: ArticleFilter | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> list[ArticleSummary]:
        """Articles matching ``where``, in id order or newest first (by date, then id)."""

        clause, params = where_sql(where, "?")
        # NULLS LAST: SQLite sorts NULL lowest, so undated articles come last when descending.
        order = (
            "coalesce(a.issued_on, a.year || '-00-00') DESC NULLS LAST, a.id DESC"
            if newest_first
            else "a.id"
        )
        sql = f"{_SUMMARY_SQL}{clause} ORDER BY {order} LIMIT ? OFFSET ?"
        params += [self._NO_LIMIT if limit is None else limit, offset]
        return [ArticleSummary(*row) for row in self._fetch(sql, params)]

    def get_article(self, article_id: int) -> Article:
        """One article with its paragraphs, outline and sources.

        Raises:
            NotFoundError: no article has this id.
        """
        rows = self._fetch(f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id = ?", (article_id,))
        if not rows:
            raise NotFoundError(
                f"no article {article_id} in {self.where}. `sucai list` shows the ids."
            )
        return self._articles(rows)[0]

    def iter_articles(self) -> Iterator[Article]:
        """Every article in id order, 256 at a time (no connection is held between batches)."""
        after = 0
        while True:
            rows = self._fetch(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id > ? ORDER BY id LIMIT 256",
                (after,),
            )
            if not rows:
                return
            yield from self._articles(rows)
            after = rows[-1][0]

    def _articles(self, rows: list[tuple[Any, ...]]) -> list[Article]:
        """Whole articles for rows of ``_ARTICLE_COLUMNS``, with three queries in all."""
        ids = [r[0] for r in rows]
        paragraphs: dict[int, list[Paragraph]] = {i: [] for i in ids}
        for aid, *rest in self._fetch_in(
            "SELECT article_id, idx, text, paid, heading, section, kind FROM paragraphs "
            "WHERE article_id {} ORDER BY article_id, idx",
            ids,
        ):
            paragraphs[aid].append(
                Paragraph(rest[0], rest[1], bool(rest[2]), rest[3], rest[4], rest[5])
            )
        outline: dict[int, list[OutlineEntry]] = {i: [] for i in ids}
        for aid, *rest in self._fetch_in(
            "SELECT article_id, idx, level, text, paragraph, parent, kind FROM outline "
            "WHERE article_id {} ORDER BY article_id, idx",
            ids,
        ):
            outline[aid].append(OutlineEntry(*rest))
        sources: dict[int, list[ArticleSource]] = {i: [] for i in ids}
        for aid, *rest in self._fetch_in(
            "SELECT s.article_id, f.id, f.path, f.sha256, s.position, f.title, m.id, "
            "m.similarity FROM article_sources s JOIN files f ON f.id = s.file_id "
            "LEFT JOIN merged_copies m ON m.article_id = s.article_id "
            "AND m.file_id = s.file_id AND m.position = s.position "
            "WHERE s.article_id {} ORDER BY s.article_id, f.id, s.position",
            ids,
        ):
            sources[aid].append(ArticleSource(*rest))
        return [
            Article(
                id=row[0],
                title=row[1],
                role=row[2],
                genre=row[3],
                issued_on=row[4],
                year=row[5],
                paragraphs=tuple(paragraphs[row[0]]),
                outline=tuple(outline[row[0]]),
                sources=tuple(sources[row[0]]),
                added_at=row[7],
                chars=row[6],
                doc_number=row[8],
                issuer=row[9],
            )
            for row in rows
        ]

    def max_article_id(self) -> int:
        """The highest article id (0 for an empty library).

        Read from the primary, as the articles the search index takes in: the index is
        brought up to date on the primary, with what was just imported there.
        """
        return self._count("SELECT coalesce(max(id), 0) FROM articles", primary=True)

    def iter_index_articles(self, after: int, batch: int = 1000) -> Iterator[list[IndexArticle]]:
        """Articles with ids above ``after``, in id order, in batches (for the search index)."""
        while True:
            heads = self._fetch(
                "SELECT id, title, role, genre, year, source FROM articles WHERE id > ? "
                "ORDER BY id LIMIT ?",
                (after, batch),
                primary=True,
            )
            if not heads:
                return
            high = heads[-1][0]
            yield self._index_batch(heads)
            after = high

    def index_articles(self, article_ids: list[int]) -> list[IndexArticle]:
        """What the search index needs of these articles, in id order (missing ids are left
        out). Give a few hundred at a time: they are read at once."""
        ids = sorted(set(article_ids))
        heads = self._fetch_in(
            "SELECT id, title, role, genre, year, source FROM articles WHERE id {} ORDER BY id",
            ids,
            primary=True,
        )
        if not heads:
            return []
        return self._index_batch(heads, ids)

    def changed_articles(self, after: int, upto: int) -> list[int]:
        """The articles changed by the log's changes ``after < seq <= upto``, each once, in
        id order."""
        rows = self._fetch(
            "SELECT DISTINCT article_id FROM changes WHERE seq > ? AND seq <= ? "
            "ORDER BY article_id",
            (after, upto),
            primary=True,
        )
        return [int(r[0]) for r in rows]

    def _index_batch(
        self, heads: list[tuple[Any, ...]], ids: list[int] | None = None
    ) -> list[IndexArticle]:
        """:class:`IndexArticle` records of ``heads`` (in id order): their rows are read by
        ``ids``, or (``None``) by the range of ids from the first head to the last."""

        def rows(sql: str) -> list[tuple[Any, ...]]:
            if ids is None:
                low, high = heads[0][0], heads[-1][0]
                return self._fetch(sql.format("BETWEEN ? AND ?"), (low, high), primary=True)
            return self._fetch_in(sql, ids, primary=True)

        paragraphs: dict[int, list[tuple[int, int, str, int, bool]]] = {}
        for rowid, aid, idx, text, heading, paid in rows(
            "SELECT rowid, article_id, idx, text, heading, paid FROM paragraphs "
            "WHERE article_id {} ORDER BY article_id, idx"
        ):
            paragraphs.setdefault(aid, []).append((rowid, idx, text, heading, bool(paid)))
        outline: dict[int, list[tuple[int, str, int]]] = {}
        for aid, idx, text, paragraph in rows(
            "SELECT article_id, idx, text, paragraph FROM outline WHERE article_id {} "
            "ORDER BY article_id, idx"
        ):
            outline.setdefault(aid, []).append((idx, text, paragraph))
        return [
            IndexArticle(
                aid,
                title,
                role,
                genre,
                year,
                source,
                tuple(paragraphs.get(aid, ())),
                tuple(outline.get(aid, ())),
            )
            for aid, title, role, genre, year, source in heads
        ]

    def paragraphs_by_rowid(self, rowids: list[int]) -> dict[int, ParagraphRow]:
        """Paragraphs by their rowid."""

        rows = self._fetch_in(
            "SELECT rowid, article_id, idx, text, paid, section FROM paragraphs WHERE rowid {}",
            rowids,
        )
        return {r[0]: ParagraphRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows}

    def summaries(self, article_ids: list[int]) -> dict[int, ArticleSummary]:
        """Article summaries by id."""

        rows = self._fetch_in(f"{_SUMMARY_SQL} WHERE a.id {{}}", article_ids)
        return {r[0]: ArticleSummary(*r) for r in rows}

    def article_heads(self, article_ids: list[int]) -> dict[int, ArticleHead]:
        """Title, role, genre and date of articles, by id."""

        # Stored articles never change, so their heads are kept for the next search.
        missing = [a for a in article_ids if a not in self._heads]
        if missing:
            if len(self._heads) > _CACHE_LIMIT:
                self._heads.clear()
            rows = self._fetch_in(
                "SELECT id, title, role, genre, issued_on, year FROM articles WHERE id {}",
                missing,
            )
            self._heads.update((r[0], ArticleHead(*r)) for r in rows)
        return {a: self._heads[a] for a in article_ids if a in self._heads}

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
        with self.atomic():
            user_id = self._insert_id(
                "INSERT INTO users (name, password_hash, role, tier, expires_on, daily_quota, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, password_hash, role, tier, expires_on, daily_quota, now),
            )
        user = self.get_user(user_id)
        assert user is not None
        return user

    def add_api_token(self, token_hash: str, user_id: int, label: str, now: str) -> int:
        """Store an API token; return its id."""
        with self.atomic():
            return self._insert_id(
                "INSERT INTO api_tokens (token_hash, user_id, label, created_at) "
                "VALUES (?, ?, ?, ?)",
                (token_hash, user_id, label, now),
            )

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

        One ``INSERT … SELECT`` after the account is locked (``_lock_account``): the
        downloads of one account, from any thread or server, take turns and each one's count
        sees the ones before it. Returns whether it was recorded.
        """
        with self.atomic():
            self._lock_account(user_id)
            cur = self._execute(
                download_sql("?"),
                (at, user_id, user_name, target, format, ip, code, user_id, since, quota),
            )
        return cur.rowcount == 1

    def add_basket_items(
        self, owner: str, name: str, items: list[tuple[int, str, int | None]], now: str
    ) -> Basket:
        """Append ``(article_id, kind, ref)`` items to a basket, creating it when new."""
        with self.atomic():
            # Look first: an INSERT … ON CONFLICT would use up an id even when the basket exists.
            row = self._one(
                f"SELECT id FROM baskets WHERE owner = ? AND name = ?{self._lock_rows}",
                (owner, name),
            )
            if row is None:
                self._execute(
                    "INSERT INTO baskets (owner, name, created_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (owner, name) DO NOTHING",
                    (owner, name, now),
                )
                row = self._one(
                    "SELECT id FROM baskets WHERE owner = ? AND name = ?", (owner, name)
                )
            basket_id = int(row[0])
            last = self._count(
                "SELECT coalesce(max(position), 0) FROM basket_items WHERE basket_id = ?",
                (basket_id,),
            )
            self._executemany(
                "INSERT INTO basket_items (basket_id, position, article_id, kind, ref, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (basket_id, last + n, article_id, kind, ref, now)
                    for n, (article_id, kind, ref) in enumerate(items, 1)
                ],
            )
        found = self.basket(owner, name)
        assert found is not None
        return found

    def _basket_rows(self, where: str, params: tuple[Any, ...]) -> list[Basket]:

        heads = self._fetch(
            f"SELECT id, owner, name, created_at FROM baskets WHERE {where} ORDER BY name",
            params,
            primary=True,
        )
        items: dict[int, list[BasketItem]] = {h[0]: [] for h in heads}
        if heads:
            for basket_id, *rest in self._fetch_in(
                "SELECT basket_id, position, article_id, kind, ref, added_at FROM basket_items "
                "WHERE basket_id {} ORDER BY basket_id, position",
                list(items),
                primary=True,
            ):
                items[basket_id].append(BasketItem(*rest))
        return [Basket(b, owner, name, at, tuple(items[b])) for b, owner, name, at in heads]

    def iter_sketches(self) -> Iterator[tuple[int, bytes]]:
        """``(article_id, sketch)`` of every sketched article (128 little-endian uint32)."""
        after = 0
        while True:
            rows = self._fetch(
                "SELECT article_id, sketch FROM article_sketches "
                "WHERE sketch IS NOT NULL AND article_id > ? ORDER BY article_id LIMIT 4096",
                (after,),
                primary=True,
            )
            if not rows:
                return
            for article_id, sketch in rows:
                yield int(article_id), bytes(sketch)
            after = rows[-1][0]

    def set_sketch(
        self, article_id: int, sketch: bytes | None, title_key: str, version: str | None
    ) -> None:
        """Store (or replace) an article's sketch, normalised title and law version."""
        with self.atomic():
            self._execute(
                "INSERT INTO article_sketches (article_id, sketch, title_key, version) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET "
                "sketch = excluded.sketch, title_key = excluded.title_key, "
                "version = excluded.version",
                (article_id, sketch, title_key, version),
            )

    def link_articles(self, article_id: int, other_id: int, kind: str) -> None:
        """Relate two distinct articles (``kind="version"``); idempotent."""
        low, high = sorted((article_id, other_id))
        with self.atomic():
            self._execute(
                "INSERT INTO article_links (article_id, other_id, kind) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (low, high, kind),
            )

    def merged_copy(self, copy_id: int) -> MergedCopy:
        """One copy.

        Raises:
            NotFoundError: no copy has this id.
        """

        row = self._one(f"{self._COPY_SELECT} WHERE m.id = ?", (copy_id,), primary=True)
        if row is None:
            raise NotFoundError(
                f"no merged copy {copy_id} in {self.where}. `sucai duplicates` lists the copies."
            )
        return MergedCopy(*row)

    def keep_copy(self, copy_id: int) -> int:
        """Make a copy the canonical text of its article; return the article id.

        The article keeps its id, sources and basket items. Its old text becomes a copy, once
        for each source that had exactly that text.

        Raises:
            NotFoundError: no copy has this id.
            UserError: the copy's text is already another article.
        """

        with self.atomic():
            self._lock_writes()
            article_id, _file, _position, blob = self._copy_row(copy_id)
            draft, corrections = _unpack(blob)
            key = content_hash(draft)
            self._check_new_text(key, copy_id)
            article = self.get_article(article_id)
            old = ArticleDraft(
                title=article.title,
                role=article.role,
                genre=article.genre,
                issued_on=article.issued_on,
                year=article.year,
                paragraphs=article.paragraphs,
                outline=article.outline,
                doc_number=article.doc_number,
                issuer=article.issuer,
            )
            old_key = self._one(
                "SELECT content_hash FROM articles WHERE id = ?", (article_id,), primary=True
            )[0]
            kept_as = Merge(
                self.merged_copy(copy_id).similarity,
                corrections=tuple(self.corrections(article_id)),
            )
            now = utc_now()
            self._execute("DELETE FROM merged_copies WHERE id = ?", (copy_id,))
            self._replace_text(article_id, draft, key, corrections)
            for source in article.sources:
                if source.copy_id is None:
                    old_here = replace(old, position=source.position)
                    self._insert_copy(article_id, source.file_id, old_here, old_key, kept_as, now)
        return article_id

    def split_copy(self, copy_id: int) -> int:
        """Turn a copy into an article of its own; return the new article's id.

        Raises:
            NotFoundError: no copy has this id.
            UserError: the copy's text is already another article.
        """
        with self.atomic():
            self._lock_writes()
            article_id, file_id, position, blob = self._copy_row(copy_id)
            draft, corrections = _unpack(blob)
            key = content_hash(draft)
            self._check_new_text(key, copy_id)
            self._execute("DELETE FROM merged_copies WHERE id = ?", (copy_id,))
            (path,) = self._one("SELECT path FROM files WHERE id = ?", (file_id,), primary=True)
            new_id = self._insert_article(draft, key, utc_now(), source_folder(path))
            self._execute(
                "UPDATE article_sources SET article_id = ? "
                "WHERE article_id = ? AND file_id = ? AND position = ?",
                (new_id, article_id, file_id, position),
            )
            self.add_corrections(article_id=new_id, file_id=None, corrections=tuple(corrections))
        return new_id

    def law_versions(self, article_id: int | None = None) -> list[list[LawVersion]]:
        """Groups of linked law versions (the one of ``article_id``, or all).

        Each group is ordered by version date (undated last), then id; groups by their
        first article.
        """

        if article_id is None:
            links = self._fetch(
                "SELECT article_id, other_id FROM article_links WHERE kind = 'version' "
                "ORDER BY article_id, other_id",
                primary=True,
            )
        else:
            links = self._fetch(
                "WITH RECURSIVE g(id) AS (SELECT CAST(? AS BIGINT) UNION SELECT CASE "
                "WHEN l.article_id = g.id THEN l.other_id ELSE l.article_id END "
                "FROM article_links l JOIN g "
                "ON (l.article_id = g.id OR l.other_id = g.id) AND l.kind = 'version') "
                "SELECT l.article_id, l.other_id FROM article_links l "
                "WHERE l.kind = 'version' AND l.article_id IN (SELECT id FROM g) "
                "ORDER BY l.article_id, l.other_id",
                (article_id,),
                primary=True,
            )
        parent: dict[int, int] = {}

        def root(node: int) -> int:
            while parent.setdefault(node, node) != node:
                node = parent[node]
            return node

        for low, high in links:
            parent[root(int(high))] = root(int(low))
        groups: dict[int, list[int]] = {}
        for node in parent:
            groups.setdefault(root(node), []).append(node)
        found = self._fetch_in(
            "SELECT a.id, a.title, k.version, a.issued_on FROM articles a "
            "LEFT JOIN article_sketches k ON k.article_id = a.id "
            "WHERE a.id {}",
            list(parent),
            primary=True,
        )
        rows = {r[0]: LawVersion(*r) for r in found}
        out = [
            sorted(
                (rows[i] for i in members if i in rows),
                key=lambda v: (v.version is None, v.version or "", v.article_id),
            )
            for members in groups.values()
        ]
        return sorted((g for g in out if len(g) > 1), key=lambda g: min(v.article_id for v in g))
