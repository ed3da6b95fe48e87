"""Ordered schema migrations, recorded in ``_sucai_migrations``.

Add a new decorated function for every schema change; never edit one that has shipped:
``@ddl`` for a step that is DDL only (PostgreSQL runs its translation), ``@migration`` for one
that needs code (its PostgreSQL twin is written out in ``pg_migrations.py``).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, Final

from sucai.errors import SchemaVersionError
from sucai.models import source_folder
from sucai.store.base import utc_now

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable

__all__ = ["DDL", "MIGRATIONS", "SCHEMA_VERSION", "ddl", "migration", "pending", "record_sql"]

Migration = tuple[str, "Callable[[sqlite3.Connection], None]"]
MIGRATIONS: list[Migration] = []
#: The SQLite script of each step that is DDL only, by name.
DDL: dict[str, str] = {}


def migration(fn: Callable[[sqlite3.Connection], None]) -> Callable[[sqlite3.Connection], None]:
    """Register ``fn`` as the next migration."""
    MIGRATIONS.append((fn.__name__, fn))
    return fn


def ddl(fn: Callable[[], str]) -> Callable[[], str]:
    """Register the script ``fn`` returns as the next migration: DDL only, which PostgreSQL runs
    translated (:func:`sucai.store.pg_migrations.translate`)."""
    script = DDL[fn.__name__] = fn()
    MIGRATIONS.append((fn.__name__, lambda db: _run(db, script)))
    return fn


def pending(where: str, done: set[str]) -> list[tuple[int, str]]:
    """``(number, name)`` of the steps a library whose applied steps are ``done`` lacks.

    Raises:
        SchemaVersionError: the library has steps this sucai does not know.
    """
    unknown = done - {name for name, _ in MIGRATIONS}
    if unknown:
        raise SchemaVersionError(
            f"{where} was written by a newer sucai (schema steps "
            f"{', '.join(sorted(unknown))}). Upgrade sucai to open it."
        )
    return [(n, name) for n, (name, _) in enumerate(MIGRATIONS, 1) if name not in done]


def record_sql(number: int, name: str) -> list[tuple[str, tuple[Any, ...]]]:
    """The statements (``?`` placeholders) that record step ``number`` as applied, to run in
    its transaction."""
    return [
        (
            "INSERT INTO _sucai_migrations (id, name, applied_at) VALUES (?, ?, ?)",
            (number, name, utc_now()),
        ),
        (
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(SCHEMA_VERSION),),
        ),
    ]


def _run(db: sqlite3.Connection, script: str) -> None:
    """Run DDL statements one by one: ``executescript`` would commit the open transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


@ddl
def m001_initial() -> str:
    """Files, articles (deduplicated by content), their sources, paragraphs and outline."""
    return """
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE files (
            id INTEGER PRIMARY KEY,
            path TEXT NOT NULL,
            sha256 TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            encoding TEXT,
            title TEXT NOT NULL,
            header TEXT NOT NULL,
            declared_count INTEGER,
            article_count INTEGER NOT NULL,
            notes TEXT NOT NULL,
            imported_at TEXT NOT NULL
        );
        CREATE TABLE removed_lines (
            file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
            line INTEGER NOT NULL,
            text TEXT NOT NULL,
            reason TEXT NOT NULL
        );
        CREATE INDEX removed_lines_file ON removed_lines(file_id);
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            role TEXT,
            genre TEXT NOT NULL,
            issued_on TEXT,
            year INTEGER,
            doc_number TEXT,
            issuer TEXT,
            chars INTEGER NOT NULL,
            added_at TEXT NOT NULL
        );
        CREATE INDEX articles_genre ON articles(genre);
        CREATE INDEX articles_year ON articles(year);
        CREATE TABLE article_sources (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            PRIMARY KEY (article_id, file_id, position)
        ) WITHOUT ROWID;
        CREATE INDEX article_sources_file ON article_sources(file_id);
        CREATE TABLE paragraphs (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            text TEXT NOT NULL,
            paid INTEGER NOT NULL,
            heading INTEGER NOT NULL,
            section INTEGER,
            UNIQUE (article_id, idx)
        );
        CREATE TABLE outline (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            idx INTEGER NOT NULL,
            level INTEGER NOT NULL,
            text TEXT NOT NULL,
            paragraph INTEGER NOT NULL,
            parent INTEGER,
            kind TEXT NOT NULL,
            PRIMARY KEY (article_id, idx)
        ) WITHOUT ROWID;
        """


@ddl
def m002_users() -> str:
    """Accounts for the web app (issue 4): users, sessions, API tokens, audit log, sign-ins.

    Secrets are stored only as hashes: scrypt for passwords, SHA-256 for session and API
    tokens (they are long random strings, so a fast hash is enough).
    """
    return """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('member', 'admin')),
            tier TEXT,
            expires_on TEXT,
            daily_quota INTEGER,
            created_at TEXT NOT NULL,
            disabled INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX sessions_user ON sessions(user_id);
        CREATE TABLE api_tokens (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            label TEXT NOT NULL,
            created_at TEXT NOT NULL,
            revoked_at TEXT
        );
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            user_id INTEGER,
            user_name TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            format TEXT NOT NULL,
            ip TEXT NOT NULL
        );
        CREATE INDEX audit_log_user_action ON audit_log(user_id, action, at);
        CREATE TABLE login_attempts (
            name TEXT NOT NULL,
            ip TEXT NOT NULL,
            at TEXT NOT NULL,
            ok INTEGER NOT NULL
        );
        CREATE INDEX login_attempts_name_ip ON login_attempts(name, ip, at);
        """


@ddl
def m003_baskets() -> str:
    """Baskets of material (素材篮, issue 5): named per owner, items kept in order.

    An item is a whole article (``ref`` NULL), a paragraph (``ref`` = its index) or an outline
    section (``ref`` = the outline entry's index). ``owner`` is a name: the web account's, or
    the CLI's ``--user``, so the same person sees the same baskets in both.
    """
    return """
        CREATE TABLE baskets (
            id INTEGER PRIMARY KEY,
            owner TEXT NOT NULL,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (owner, name)
        );
        CREATE TABLE basket_items (
            basket_id INTEGER NOT NULL REFERENCES baskets(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('article', 'paragraph', 'section')),
            ref INTEGER,
            added_at TEXT NOT NULL,
            PRIMARY KEY (basket_id, position)
        ) WITHOUT ROWID;
        """


@ddl
def m004_corrections() -> str:
    """What hygiene changed at import (issue 5), so that the original text stays retrievable.

    A row belongs to an article (its title, role or a paragraph) or to a file (the
    compilation's title and header lines); offsets are in characters.
    """
    return """
        CREATE TABLE corrections (
            article_id INTEGER REFERENCES articles(id) ON DELETE CASCADE,
            file_id INTEGER REFERENCES files(id) ON DELETE CASCADE,
            part TEXT NOT NULL,
            idx INTEGER NOT NULL,
            offset INTEGER NOT NULL,
            original TEXT NOT NULL,
            replacement TEXT NOT NULL,
            rule TEXT NOT NULL,
            CHECK ((article_id IS NULL) != (file_id IS NULL))
        );
        CREATE UNIQUE INDEX corrections_article
            ON corrections(article_id, part, idx, offset) WHERE article_id IS NOT NULL;
        CREATE UNIQUE INDEX corrections_file
            ON corrections(file_id, part, idx, offset) WHERE file_id IS NOT NULL;
        """


@ddl
def m005_import_jobs() -> str:
    """Web imports (issue 4) in the library, not in a server's memory: every server process
    sees every job and its progress, and a restart keeps the list.

    ``host``/``pid`` name the process running the job, so that a job whose process died is
    shown as interrupted. Each file's report is one JSON row as the file is done.
    """
    return """
        CREATE TABLE import_jobs (
            id TEXT PRIMARY KEY,
            user_name TEXT NOT NULL,
            names TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
            total INTEGER NOT NULL DEFAULT 0,
            error TEXT NOT NULL DEFAULT '',
            report TEXT,
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE import_job_files (
            job_id TEXT NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            report TEXT NOT NULL,
            PRIMARY KEY (job_id, seq)
        ) WITHOUT ROWID;
        """


@ddl
def m006_near_duplicates() -> str:
    """Near-duplicate material merged at import, and law versions (issue 6).

    ``article_sketches`` holds the MinHash sketch of each canonical article (``NULL`` for a
    text too short to sketch), its normalised title and, for a law, its version date; an
    article without a row has not been sketched yet (the next import does it).
    ``merged_copies`` remembers each article found as a near-duplicate of a stored one: where
    it was found, its title, how similar it was, and the whole article (zlib-compressed
    JSON), so that it can become the canonical text or an article of its own again.
    ``article_links`` relates distinct articles, e.g. two versions of a law
    (``article_id < other_id``).
    """
    return """
        CREATE TABLE article_sketches (
            article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
            sketch BLOB,
            title_key TEXT NOT NULL,
            version TEXT
        );
        CREATE INDEX article_sketches_title ON article_sketches(title_key);
        CREATE TABLE merged_copies (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            title TEXT NOT NULL,
            similarity REAL NOT NULL,
            content_hash TEXT NOT NULL,
            article BLOB NOT NULL,
            merged_at TEXT NOT NULL,
            UNIQUE (file_id, position)
        );
        CREATE INDEX merged_copies_article ON merged_copies(article_id);
        CREATE TABLE article_links (
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            other_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('version')),
            PRIMARY KEY (article_id, other_id, kind),
            CHECK (article_id < other_id)
        ) WITHOUT ROWID;
        CREATE INDEX article_links_other ON article_links(other_id);
        """


@migration
def m007_article_source(db: sqlite3.Connection) -> None:
    """Each article's 来源 (issue 4's source facet): the folder of the file that first brought
    it (:func:`sucai.models.source_folder`), filled in for articles already stored."""
    db.create_function(
        "source_folder", 1, lambda path: source_folder(path or ""), deterministic=True
    )
    _run(
        db,
        """
        ALTER TABLE articles ADD COLUMN source TEXT NOT NULL DEFAULT '';
        UPDATE articles SET source = source_folder((
            SELECT f.path FROM article_sources s JOIN files f ON f.id = s.file_id
            WHERE s.article_id = articles.id ORDER BY s.file_id, s.position LIMIT 1
        ));
        """,
    )


@migration
def m008_change_log(db: sqlite3.Connection) -> None:
    """The change log (issue 17): every change to what search shows, in commit order.

    Each server keeps its own search index as a cache of the library and applies the log's
    new rows to it (:meth:`sucai.search.index.SearchIndex.sync`). Triggers write the log in the
    transaction of the change itself, whatever code makes it: an article added, replaced
    (a kept copy), deleted, or a paragraph's text or paid flag changed. ``op`` is ``add``,
    ``change`` or ``delete``; ``at`` the UTC time (ISO 8601). ``meta.library_id`` names the
    library, so that an index of another library (a replaced file) is not taken for its own.
    """
    db.execute("INSERT INTO meta (key, value) VALUES ('library_id', ?)", (uuid.uuid4().hex,))
    db.execute(
        "CREATE TABLE changes ("
        "seq INTEGER PRIMARY KEY AUTOINCREMENT, "
        "article_id INTEGER NOT NULL, "
        "op TEXT NOT NULL CHECK (op IN ('add', 'change', 'delete')), "
        "at TEXT NOT NULL)"
    )
    now = "strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"
    # A trigger's body holds semicolons: each is one statement (not split by _run).
    for name, event, row, op in (
        ("changes_article_add", "INSERT ON articles", "NEW.id", "add"),
        ("changes_article_change", "UPDATE ON articles", "NEW.id", "change"),
        ("changes_article_delete", "DELETE ON articles", "OLD.id", "delete"),
        (
            "changes_paragraph",
            "UPDATE OF text, paid, heading, section ON paragraphs",
            "NEW.article_id",
            "change",
        ),
    ):
        db.execute(
            f"CREATE TRIGGER {name} AFTER {event} BEGIN "
            f"INSERT INTO changes (article_id, op, at) VALUES ({row}, '{op}', {now}); END"
        )


@ddl
def m009_audit_code() -> str:
    """The code each download's file carries (issue 15), so that ``sucai trace`` finds the
    download from a leaked file; empty for other lines and for downloads before this."""
    return """
        ALTER TABLE audit_log ADD COLUMN code TEXT NOT NULL DEFAULT '';
        CREATE INDEX audit_log_code ON audit_log(code) WHERE code <> '';
        """


@ddl
def m010_paragraph_kind() -> str:
    """A paragraph's kind (issue 16): ``table`` for a whole table kept as one paragraph (its
    rows one a line, cells separated by tabs), ``text`` for every other and earlier one."""
    return """
        ALTER TABLE paragraphs ADD COLUMN kind TEXT NOT NULL DEFAULT 'text'
            CHECK (kind IN ('text', 'table'))
        """


@migration
def m011_gongwen_fields(db: sqlite3.Connection) -> None:
    """公文 fields (issue 16): 主送机关, 签发人 and the 附件 titles (one a line)."""
    _run(db, "ALTER TABLE articles ADD COLUMN addressee TEXT")
    _run(db, "ALTER TABLE articles ADD COLUMN signer TEXT")
    _run(db, "ALTER TABLE articles ADD COLUMN attachments TEXT NOT NULL DEFAULT ''")


@ddl
def m012_favourites() -> str:
    """A member's favourite articles, 收藏 (issue 21): listed on their desk, newest first."""
    return """
        CREATE TABLE favourites (
            owner TEXT NOT NULL,
            article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
            added_at TEXT NOT NULL,
            PRIMARY KEY (owner, article_id)
        ) WITHOUT ROWID;
        CREATE INDEX favourites_article ON favourites(article_id);
        """


@ddl
def m013_source_labels() -> str:
    """What the 来源 facet shows for a source folder (issue 21): ``laws`` → 法律法规."""
    return """
        CREATE TABLE source_labels (
            source TEXT NOT NULL PRIMARY KEY,
            label TEXT NOT NULL
        ) WITHOUT ROWID;
        """


@ddl
def m014_stock_phrase_edits() -> str:
    """The operator's edits of the 套话 list (issue 18): a phrase added (``included`` 1) or a
    shipped one taken out (0), with when and by whom. The library's list is the shipped
    ``stock_phrases.txt`` with these applied, so phrases shipped later reach every library."""
    return """
        CREATE TABLE stock_phrase_edits (
            phrase TEXT PRIMARY KEY,
            included INTEGER NOT NULL CHECK (included IN (0, 1)),
            edited_at TEXT NOT NULL,
            edited_by TEXT NOT NULL
        );
        """


@ddl
def m015_updates_subscriptions() -> str:
    """今日更新, subscriptions and feeds (issue 19).

    ``articles_added`` finds a day's imports and counts them by kind, role and source from the
    index alone; ``articles_genre_added`` and ``articles_source_added`` give a feed's latest
    articles without sorting the kind's or source's all. A subscription (订阅) is a saved
    search of an owner (a web account's name or the CLI's ``--user``, as for baskets): its
    query and filters as written, when it was last opened, and the highest article id then
    (what is new is what was added after it: ids, unlike times of a second, never tie).
    ``readers`` keeps, per owner, the latest visit to 今日更新 and where "since your last
    visit" starts, and the feed token of the owner's feed URLs (kept as it is, since every
    feed link shows it; it opens feeds and nothing else, and is revoked by replacing it).
    """
    return """
        CREATE INDEX articles_added ON articles(added_at, genre, role, source);
        CREATE INDEX articles_genre_added ON articles(genre, added_at);
        CREATE INDEX articles_source_added ON articles(source, added_at);
        CREATE TABLE subscriptions (
            id INTEGER PRIMARY KEY,
            owner TEXT NOT NULL,
            name TEXT NOT NULL,
            query TEXT NOT NULL,
            genre TEXT,
            role TEXT,
            years TEXT,
            source TEXT,
            created_at TEXT NOT NULL,
            opened_at TEXT NOT NULL,
            seen_id INTEGER NOT NULL DEFAULT 0,
            UNIQUE (owner, name)
        );
        CREATE TABLE readers (
            owner TEXT PRIMARY KEY,
            visit_at TEXT,
            since TEXT,
            feed_token TEXT UNIQUE
        );
        """


SCHEMA_VERSION: Final = len(MIGRATIONS)
