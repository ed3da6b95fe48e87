"""Search inside PostgreSQL (issue 7): the same contract as :mod:`sucai.search.engine`.

Every server that shares a PostgreSQL library sees one index, in the same database, with no
files to keep in step. The index is a few tables of its own (``search_*``, versioned), in a
schema of their own: each complete build is a *generation*, schema ``search_g<N>``, and the
highest ``N`` is the index (see :meth:`PgSearchIndex.rebuild`):

* ``search_docs`` — one row per paragraph, article title and outline entry (list-partitioned by
  ``kind`` like the tantivy index), with the folded text (``body``) and its length in
  characters, its segmenter words, the article title's words, the filters, and ``grams``: a
  ``tsvector`` of the text's character bigrams and single characters (no positions) under a
  GIN index;
* ``search_terms`` — document frequencies of bigrams and characters per kind, of words and of
  title words; ``search_meta`` — the schema and tokenizer ids, the article-id watermark and the
  corpus totals: the BM25 statistics;
* ``search_counts`` and ``search_facets`` — exact totals and facet counts of large result
  sets, with the watermark they hold for;
* ``search_bitmaps`` — for each lexeme in at least :data:`_BITMAP_FROM` documents of a kind,
  the set of those documents as a bitmap over their ordinals ``n`` (table order of the
  rebuild), which counts the matches of terms of one or two characters without reading them,
  and how often the lexeme occurs in them (``tfs``, ``peaks``); ``search_columns`` — per kind,
  what the score reads of each document, by ordinal: with those, the best matches of a large
  result set are found from score bounds (see :mod:`sucai.search.bounds`).

Matching is exact, as in the tantivy engine: the GIN index finds documents holding the two
rarest bigrams of each longer term (a term of one or two characters: itself), then ``strpos`` on
the folded text keeps those holding each whole term and none of the excluded ones.

Totals are exact. One term of one or two characters without filters is counted by its document
frequency. Terms and excluded terms of one or two characters without filters (``发展 -经济``,
``改革 开放 创新``) are counted from the bitmaps of their lexemes — a document holds such a term
exactly when it holds the lexeme — when every term has one (a rarer one is counted by
``count(*)``, which then reads few rows), plus ``count(*)`` of the articles added since the
bitmaps were made. Any other query is counted by ``count(*)``, kept in ``search_counts`` when
large and brought up to date later by counting only the articles added since (the index only
ever grows). Facets
(``search(…, facets=True)``) count every match per genre, role, year and source in one ``GROUP BY``
pass, which gives the total too, and are kept and brought up to date the same way.

Searches run on pooled connections (to the replica, with ``read_url``); a lost connection is
:class:`~sucai.errors.StoreUnavailableError`, and the next call connects afresh. Each search
first points its connection at the current generation (``search_path``; the query that does it
replaces a table-existence check, so it costs no extra round trip) and reads everything else
in the same snapshot.

A rebuild (another schema or tokenizer, ``sucai reindex``, :meth:`PgSearchIndex.refresh`) never
blocks or breaks searches: it fills schema ``search_next`` while searches go on reading the
current generation, then renames it to the next ``search_g<N>`` in one short transaction — new
searches use it from then on — and drops the previous generation once the searches still
reading it are done (one that finds its tables gone runs again, on the new generation).
Writers of all servers take turns on an advisory lock; a search never waits for it while there
is an index to read.

Ranking mirrors the tantivy one term by term (see :mod:`sucai.search.engine`): BM25 of each
term over bigrams (characters for one-character terms; a longer term scores like a phrase, its
idf the sum of its bigrams'), BM25 of the query's segmenter words, title words and headings
weighted ×2, and the terms written together ×1.5, from the same statistics; term frequencies
are substring counts in SQL (1 for a one-character term: tantivy indexes characters without
frequencies), and document lengths are taken as tantivy stores them (one byte, see
:func:`_norm`; stored with each document). (tantivy also scores a title or outline search's
``kind`` clause, the same constant for every hit.) Equal scores go by the documents' place
in the library in both engines: paragraphs by row id, titles and outline entries by article
and position. Up to :data:`EXACT` matches are all scored. Scoring a very common term's
hundreds of thousands of matches row by row would take seconds, so the best of a larger result
set are found as tantivy finds them: blocks of documents whose highest possible score beats
the best found so far are opened, and only the documents whose own bound does are scored in
SQL (see :meth:`_Plan.best`): the same hits in the same order as scoring them all.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import itertools
import json
import math
import re
import threading
import uuid
import zlib
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final, TypeVar

import numpy as np
import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from sucai.errors import StoreUnavailableError
from sucai.search.bounds import (
    Cache,
    Clause,
    Columns,
    Found,
    Lexeme,
    Scoring,
    Tally,
    Titled,
    best,
    build_columns,
    lexemes_of,
    stored,
)
from sucai.search.engine import (
    FACET_VALUES,
    SIMILAR_POOL,
    SearchHit,
    SearchPage,
    Similar,
    build_hits,
    similar_articles,
    similar_words,
)
from sucai.search.index import KIND_OUTLINE, KIND_PARAGRAPH, KIND_TITLE
from sucai.search.tokenize import SPACE, TOKENIZER_ID, index_text, prepare_batch, word_tokens
from sucai.store.postgres import describe_url, first_line

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from sucai.search.query import Query
    from sucai.store import IndexArticle, Store

__all__ = [
    "CONNECTIONS",
    "EXACT",
    "PG_INDEX_SCHEMA_VERSION",
    "PgSearchIndex",
    "PgStats",
]

_T = TypeVar("_T")

#: Connections per pool of an index: the web app's reader threads search side by side.
CONNECTIONS: Final = 6
#: Seconds to wait for a connection (from the pool, or a new one) before answering 503.
CONNECT_TIMEOUT: Final = 5

#: Changes whenever the tables or what goes into them change; a mismatch rebuilds the index.
#: 2: source (来源) per row; 3: ordinals and bitmaps; 4: title words indexed (_TITLES);
#: 5: the text's length in characters (``bl``) and the lengths BM25 uses (``un`` …), which
#: scoring reads for every row; 6: score bounds (``search_columns``, ``search_words``,
#: ``tfs`` and ``peaks`` of the bitmaps, an index on ``n``: see :mod:`sucai.search.bounds`)
#: instead of kept pools and the index of title words
PG_INDEX_SCHEMA_VERSION: Final = 6
_K1: Final = 1.2
_B: Final = 0.75
_CONTEXT_BOOST: Final = 2.0
_ADJACENT_BOOST: Final = 1.5
_WORD_BOOST: Final = 1.0
#: Serialises index writers across servers (an arbitrary constant: "sucai" in ASCII).
_LOCK_KEY: Final = 0x7375636169
_KINDS: Final = {"all": KIND_PARAGRAPH, "title": KIND_TITLE, "outline": KIND_OUTLINE}
_TOTALS: Final = (
    "docs",
    "bi_tokens",
    "uni_tokens",
    "word_tokens",
    "tw_tokens",
    "headings",
    "paragraphs",
)

#: Facet counts of large result sets (every value, as JSON), with the watermark they hold for;
#: created by the first one kept when an index built before it lacks it.
_FACETS_TABLE: Final = """CREATE TABLE IF NOT EXISTS search_facets (
        key text PRIMARY KEY, counts text NOT NULL, last integer NOT NULL)"""
_SCHEMA: Final = (
    """CREATE TABLE IF NOT EXISTS search_meta (key text PRIMARY KEY, value text NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS search_counts (
        key text PRIMARY KEY, total integer NOT NULL, last integer NOT NULL)""",
    _FACETS_TABLE,
    """CREATE TABLE IF NOT EXISTS search_bitmaps (
        kind smallint NOT NULL, term text NOT NULL, bits bytea NOT NULL, tfs bytea,
        peaks bytea NOT NULL, PRIMARY KEY (kind, term))""",
    """CREATE TABLE IF NOT EXISTS search_words (
        kind smallint NOT NULL, word text NOT NULL, bits bytea, tfs bytea, peaks bytea,
        PRIMARY KEY (kind, word))""",
    """CREATE TABLE IF NOT EXISTS search_columns (
        kind smallint NOT NULL, name text NOT NULL, data bytea NOT NULL,
        PRIMARY KEY (kind, name))""",
    """CREATE TABLE IF NOT EXISTS search_terms (
        field "char" NOT NULL, term text NOT NULL, df integer NOT NULL,
        PRIMARY KEY (field, term))""",
    """CREATE TABLE IF NOT EXISTS search_docs (
        kind smallint NOT NULL,
        article_id integer NOT NULL,
        pos integer NOT NULL,
        rid bigint NOT NULL,
        year smallint NOT NULL,
        genre text NOT NULL,
        role text,
        source text NOT NULL,
        heading boolean NOT NULL,
        paid boolean NOT NULL,
        wl integer NOT NULL,
        tl integer NOT NULL,
        bl integer NOT NULL,
        un integer NOT NULL,
        bn integer NOT NULL,
        wn integer NOT NULL,
        tn integer NOT NULL,
        body text NOT NULL,
        words text NOT NULL,
        title text NOT NULL,
        grams tsvector NOT NULL,
        n integer,
        PRIMARY KEY (kind, article_id, pos)
    ) PARTITION BY LIST (kind)""",
    *(
        f"CREATE TABLE IF NOT EXISTS search_docs_{kind} PARTITION OF search_docs "
        f"FOR VALUES IN ({kind})"
        for kind in (KIND_PARAGRAPH, KIND_TITLE, KIND_OUTLINE)
    ),
)
#: The order a rebuild stores documents in, and numbers them in (their ordinals): headings
#: first, then shorter texts first. Every ranking clause favours them (the heading boost,
#: BM25's length normalisation), and a block of ordinals holds texts of like lengths, whose
#: highest score is bounded closely (see :mod:`sucai.search.bounds`).
_PRIOR: Final = "kind, heading DESC, bl, article_id, pos"
#: A query with at most this many matches has them all scored in SQL; more are ranked
#: through the score bounds (see :meth:`_Plan.top`).
EXACT: Final = 1000
#: Articles like another are found among the first this many paragraphs, in table order, of
#: each of its distinctive words (see :meth:`PgSearchIndex.similar`).
_SIMILAR_ROWS: Final = 500
#: The tables of an index built before generations (schema version 2 and older), in the
#: connection's own schema: dropped when the first generation replaces them.
_DROP: Final = (
    "DROP TABLE IF EXISTS search_docs, search_terms, search_counts, search_facets, search_pools, "
    "search_meta"
)
#: The schema of a generation is this prefix and its number.
_GENERATION: Final = "search_g"
#: The schema a rebuild fills before it becomes the next generation.
_NEXT: Final = "search_next"
#: The connection's own ``search_path`` (without a generation put in front of it).
_BASE_PATH: Final = "regexp_replace(current_setting('search_path'), '^search_(g[0-9]+|next), ', '')"
#: Points the session at the newest generation (no row: there is no index).
_ENTER: Final = f"""SELECT set_config('search_path',
        quote_ident(nspname) || ', ' || {_BASE_PATH}, false)
    FROM pg_namespace WHERE nspname ~ '^{_GENERATION}[0-9]+$'
    ORDER BY substr(nspname, {len(_GENERATION) + 1})::integer DESC LIMIT 1"""
#: The meta key saying that every document has an ordinal (value ``0``; no key: some may not,
#: since articles were added or replaced after the rebuild).
_UNORDERED: Final = "unordered"
#: Documents read at a time when a rebuild scans a kind for its bounds.
_SCAN_CHUNK: Final = 100_000
#: Lexemes in at least this many documents of a kind have a bitmap (``search_bitmaps``): a
#: count of rarer ones reads at most this many rows.
_BITMAP_FROM: Final = 2000
#: Each match's columns the score reads (``{}``: its features) from a table, where ``{}``
#: (see :meth:`_Plan.inner`).
_INNER: Final = sql.SQL("SELECT article_id, pos, rid, heading, un, bn, wn, tn{} FROM {} WHERE {}")
#: The best rows of an ``_INNER`` query (``{}``: the score, the query, its cut, the order of
#: equal scores; ``%s``: how many, ``None``: all; see :meth:`_Plan.ranked`).
_RANKED: Final = sql.SQL(
    "SELECT article_id, pos, rid, ({})::float4 AS score FROM ({} {}) m "
    "ORDER BY score DESC, {} LIMIT %s"
)
#: A count from a word's documents reads at most this many others (see _Plan._count_words).
_COUNT_READS: Final = 5000
#: Counts of at least this many matches are kept (see :meth:`_Plan.count`).
_COUNT_CACHE_FROM: Final = 1000


def _field_norms() -> list[int]:
    """The document lengths tantivy can store (its ``FIELD_NORMS_TABLE``, as Lucene's): a
    length is stored as the largest of them not above it. Exact up to 39, then groups of 8
    whose step doubles from 2."""
    norms = list(range(40))
    start, step = 40, 2
    while len(norms) < 256:
        norms.extend(start + step * i for i in range(8))
        start, step = start + 8 * step, 2 * step
    return norms


#: See :func:`_field_norms`.
_FIELD_NORMS: Final = _field_norms()
_NORMS: Final = np.array(_FIELD_NORMS, dtype=np.float64)


def _norm(length: int) -> int:
    """``length`` as tantivy stores it in its one byte: the largest of :data:`_FIELD_NORMS`
    not above it (kept beside each document, so that scoring reads it)."""
    return _FIELD_NORMS[bisect.bisect_right(_FIELD_NORMS, max(0, length)) - 1]


#: 查重 reads at most about this many documents per lookup (see match_bigrams).
_MATCH_ROWS: Final = 100
#: The documents of some articles (``%s``: their ids): every kind named, so that the primary
#: key (kind, article_id, pos) finds them.
_OF_ARTICLES: Final = "kind IN (0, 1, 2) AND article_id = ANY(%s)"
_GIN: Final = "CREATE INDEX IF NOT EXISTS search_docs_grams ON search_docs USING gin (grams)"
#: Documents by ordinal (see :meth:`_Plan.best`), and those without one.
_ORDINALS: Final = "CREATE INDEX IF NOT EXISTS search_docs_n ON search_docs (n)"
_COLUMNS: Final = (
    "kind",
    "article_id",
    "pos",
    "rid",
    "year",
    "genre",
    "role",
    "source",
    "heading",
    "paid",
    "wl",
    "tl",
    "bl",
    "un",
    "bn",
    "wn",
    "tn",
    "body",
    "words",
    "title",
    "grams",
)


def _unavailable(exc: BaseException, url: str) -> StoreUnavailableError:
    return StoreUnavailableError(
        f"the search index at {describe_url(url)} is unavailable ({first_line(exc)}). "
        "Try again in a moment, and check that the PostgreSQL server is running."
    )


def _configure(conn: psycopg.Connection[Any]) -> None:
    """Session settings of every search connection."""
    # A plan of a few ms must not pay for JIT compilation; bitmaps of common terms need more
    # than the default 4 MB to stay exact (a lossy one rechecks every row).
    conn.execute("SET jit = off")
    conn.execute("SET work_mem = '64MB'")
    # Table order must be the scan order of a query with a LIMIT (similar articles take the
    # first paragraphs of each word): no parallel scan, and no sequential scan starting where
    # another one has got to.
    conn.execute("SET max_parallel_workers_per_gather = 0")
    conn.execute("SET synchronize_seqscans = off")


def _lexeme(text: str) -> str:
    """``text`` as a quoted tsvector/tsquery lexeme."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def _text(value: str) -> sql.Composable:
    """``value`` as an SQL string literal that holds no ``%``: psycopg would read one as a
    placeholder in a statement with parameters (``5%`` is a fine query), so each ``%`` is
    ``chr(37)``, folded back into a constant when the statement is planned."""
    if "%" not in value:
        return sql.Literal(value)
    parts = sql.SQL(" || chr(37) || ").join(sql.Literal(part) for part in value.split("%"))
    return sql.SQL("({})").format(parts)


def _tsvector(lexemes: Iterable[str]) -> str:
    return " ".join(_lexeme(x) for x in lexemes)


def _pieces(term: str) -> list[str]:
    """The lexemes that every paragraph containing ``term`` (prepared) holds.

    A one-character term is its character; a longer one its non-overlapping bigrams plus the
    last one for an odd length (as the tantivy engine's phrase).
    """
    if len(term) == 1:
        return [term]
    offsets = list(range(0, len(term) - 1, 2))
    if offsets[-1] != len(term) - 2:
        offsets.append(len(term) - 2)
    return [term[o : o + 2] for o in offsets]


def _wrap(words: Iterable[str]) -> str:
    """Words as ``' w1  w2 '``: each one in its own spaces, so ``' w '`` counts it exactly."""
    return "".join(f" {w} " for w in words)


@dataclass(frozen=True, slots=True)
class PgStats:
    """Corpus totals for BM25 (over all documents, as tantivy computes them)."""

    docs: int
    bi_tokens: int
    uni_tokens: int
    word_tokens: int
    tw_tokens: int
    headings: int
    paragraphs: int

    def idf(self, df: int) -> float:
        """tantivy's (Lucene's) BM25 idf."""
        n = max(1, self.docs)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


class PgSearchIndex:
    """The search index of a library, in PostgreSQL tables.

    Connections come from small pools (psycopg_pool), so that several threads search side by
    side. A step that finds its pooled connection dead (the server restarted) is run once more
    on a fresh one; a server that cannot be reached, or a connection lost twice, is
    :class:`~sucai.errors.StoreUnavailableError` (HTTP 503), and the next call connects afresh.

    Args:
        url: a ``postgresql://`` URL (the library's database, or any other): the index is
            brought up to date there.
        read_url: a streaming replica of ``url`` that serves the searches (``SUCAI_DB_READ``;
            ``None``: ``url`` serves them too).
        pool_size: at most this many connections per pool.
        timeout: seconds to wait for a connection before giving up.
    """

    def __init__(
        self,
        url: str,
        *,
        read_url: str | None = None,
        pool_size: int = CONNECTIONS,
        timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self.url = url
        self.read_url = read_url or url
        self.timeout = timeout
        self._pool_size = pool_size
        self._pools: dict[str, ConnectionPool[psycopg.Connection[Any]]] = {}
        self._pools_lock = threading.Lock()
        # Serialises this process's writers (other servers wait on the advisory lock).
        self._lock = threading.RLock()
        # What the last search saw of the index: its watermark and its keep/split count.
        self._seen: tuple[str | None, str | None] | None = None
        self._on_reload: list[Callable[[], None]] = []
        # The decoded columns and lexemes of the index build searched last (see best()).
        self.bounds = Cache()

    def on_reload(self, fn: Callable[[], None]) -> None:
        """Call ``fn`` when a search finds the index changed since the one before (articles
        added, or replaced by ``sucai duplicates`` — through any server)."""
        self._on_reload.append(fn)

    def _observe(self, meta: dict[str, str]) -> None:
        seen = (meta.get("last"), meta.get("refreshed"))
        if seen != self._seen:
            if self._seen is not None:
                for fn in self._on_reload:
                    fn()
            self._seen = seen

    # --- connection ----------------------------------------------------------------------------

    def _pool(self, url: str) -> ConnectionPool[psycopg.Connection[Any]]:
        """The pool of ``url``, opened on first use."""
        with self._pools_lock:
            pool = self._pools.get(url)
            if pool is None:
                pool = ConnectionPool(
                    url,
                    kwargs={
                        "autocommit": True,
                        "connect_timeout": max(1, round(self.timeout)),
                        "application_name": "sucai-search",
                    },
                    configure=_configure,
                    min_size=1,
                    max_size=self._pool_size,
                    timeout=self.timeout,
                    max_idle=600,
                    reconnect_timeout=60,
                    num_workers=1,
                    name="sucai-search",
                    open=True,
                )
                self._pools[url] = pool
            return pool

    @contextmanager
    def connection(self, *, primary: bool = True) -> Iterator[psycopg.Connection[Any]]:
        """A pooled connection (autocommit; writes use transactions) for the block, pointed at
        the index's current generation (its tables are found by their plain names).

        Args:
            primary: the index's own database (``url``); ``False``: the one searches use.

        Raises:
            StoreUnavailableError: the server cannot be reached, or went away meanwhile.
        """
        url = self.url if primary else self.read_url
        try:
            with self._pool(url).connection() as conn:
                self._meta(conn)
                yield conn
        except (PoolTimeout, psycopg.OperationalError) as exc:
            raise _unavailable(exc, url) from None

    def _run(self, step: Callable[[psycopg.Connection[Any]], _T], *, primary: bool) -> _T:
        """``step(connection)`` on a pooled connection, retried once on a fresh one.

        After a server restart the pool's connections are dead: the first one fails, the
        pool throws away the others (``check``), and the step runs again on a new one. A
        step that finds the tables of its generation gone (a rebuild dropped them after the
        step read which generation is current), or that a replica cancelled while replaying
        that drop, runs again too, on the new generation. A step is one transaction (or reads
        only), so running it again is safe.

        Raises:
            StoreUnavailableError: the server cannot be reached, or went away meanwhile.
        """
        url = self.url if primary else self.read_url
        pool = self._pool(url)
        for attempt in (1, 2):
            try:
                with pool.connection() as conn:
                    return step(conn)
            except PoolTimeout as exc:
                raise _unavailable(exc, url) from None
            except (psycopg.errors.UndefinedTable, psycopg.errors.SerializationFailure):
                if attempt == 2:
                    raise
            except psycopg.OperationalError as exc:
                if attempt == 2:
                    raise _unavailable(exc, url) from None
                pool.check()
        raise AssertionError("unreachable")  # pragma: no cover

    def close(self) -> None:
        """Close the connection pools (a later call opens them again)."""
        with self._pools_lock:
            pools, self._pools = list(self._pools.values()), {}
        for pool in pools:
            pool.close()

    def _meta(self, conn: psycopg.Connection[Any]) -> dict[str, str]:
        """Point ``conn`` at the current generation; its ``search_meta`` ({} without one).

        The session's ``search_path`` stays so until the next call: every use of a pooled
        connection starts here.
        """
        if conn.execute(_ENTER).fetchone() is None:
            return {}
        return dict(conn.execute("SELECT key, value FROM search_meta").fetchall())

    @staticmethod
    def _up_to(meta: dict[str, str]) -> int | None:
        if meta.get("schema") != str(PG_INDEX_SCHEMA_VERSION) or meta.get("tokenizer") != (
            TOKENIZER_ID
        ):
            return None
        last = meta.get("last")
        return int(last) if last is not None else None

    def indexed_up_to(self) -> int | None:
        """Highest article id in the index, or ``None`` when it must be rebuilt."""
        return self._run(lambda conn: self._up_to(self._meta(conn)), primary=True)

    def stats(self, meta: dict[str, str] | None = None) -> PgStats:
        """The corpus totals of the index (from ``meta`` when already read)."""
        if meta is None:
            meta = self._run(self._meta, primary=False)
        return PgStats(*(int(meta.get(name, 0)) for name in _TOTALS))

    # --- writing -------------------------------------------------------------------------------

    def clear(self) -> None:
        """Drop the index, every generation of it (the next sync rebuilds it)."""

        def drop(conn: psycopg.Connection[Any]) -> None:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
                _drop_generations(conn, keep=None)

        with self._lock:
            self._run(drop, primary=True)

    def sync(self, store: Store, *, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Bring the index up to date with the library; return the number of articles added.

        New articles are added in one transaction: other servers search the previous state
        until it commits. While another writer is busy (a thread of this process, or another
        server: an advisory lock) and there is an index to search, this returns 0 at once
        instead of waiting: that writer or the next sync adds them. Rebuilds (see
        :meth:`rebuild`) when the index is missing, from another schema or tokenizer, or ahead
        of the library; with no index to search meanwhile, that waits for a rebuild already
        running elsewhere, then finds it done.

        Args:
            store: the library.
            on_progress: called with ``(done, total)`` articles while indexing.
        """
        newest = store.max_article_id()
        last = self.indexed_up_to()
        if last is not None and last == newest:
            return 0
        if last is None or last > newest:
            with self._lock:
                done = self._run(
                    lambda conn: self._rebuild(conn, store, on_progress, force=False), primary=True
                )
            return max(0, done)
        if not self._lock.acquire(blocking=False):
            return 0
        try:
            done = self._run(
                lambda conn: self._append(conn, store, newest, on_progress), primary=True
            )
        finally:
            self._lock.release()
        return max(0, done)

    def rebuild(
        self, store: Store, *, on_progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Index the whole library afresh, then switch to it; return the number of articles.

        Searches go on reading the current generation meanwhile: the new one is filled in
        schema ``search_next`` (one transaction) and analysed, then renamed to the next
        ``search_g<N>`` in one short transaction, and the previous generation is dropped once
        the searches reading it are done. A rebuild on another server at the same time waits
        for this one (an advisory lock), then builds its own.

        Args:
            store: the library.
            on_progress: called with ``(done, total)`` articles while indexing.
        """
        with self._lock:
            done = self._run(
                lambda conn: self._rebuild(conn, store, on_progress, force=True), primary=True
            )
        return max(0, done)

    def refresh(self, store: Store, article_ids: list[int]) -> None:
        """Re-index articles whose text changed or that are gone (``sucai duplicates``).

        Articles the index has not reached yet are left to :meth:`sync`. The others'
        documents are replaced in one transaction (other servers search the previous state
        until it commits), and what was derived from them follows: their term frequencies in
        ``search_terms`` and the corpus totals in ``search_meta`` (the same numbers a rebuild
        would find) and every kept count and facet count (counted again by the next search
        that needs them). The replaced documents have no ordinal: the score bounds leave them
        to SQL (see :meth:`_Plan.best`) until the next rebuild.
        """
        last = self.indexed_up_to()
        ids = sorted({i for i in article_ids if last is not None and i <= last})
        if not ids:
            return
        with self._lock:
            self._run(lambda conn: self._refresh(conn, store, ids), primary=True)

    def _append(
        self,
        conn: psycopg.Connection[Any],
        store: Store,
        newest: int,
        on_progress: Callable[[int, int], None] | None,
    ) -> int:
        """Add the articles up to ``newest`` that the index lacks, in one transaction; -1 when
        another writer holds the lock, or did it (or made the index stale) meanwhile."""
        with conn.transaction():
            locked = conn.execute("SELECT pg_try_advisory_xact_lock(%s)", (_LOCK_KEY,)).fetchone()
            if not locked or not locked[0]:
                return -1
            old = self._meta(conn)
            last = self._up_to(old)
            if last is None or last >= newest:
                return -1
            conn.execute("DELETE FROM search_docs WHERE article_id > %s", (last,))
            totals: Counter[str] = Counter()
            tw_df: Counter[str] = Counter()
            done = self._load(conn, "search_docs", store, last, newest, on_progress, totals, tw_df)
            self._add_stats(conn, last, tw_df)
            _write_meta(conn, old, totals, newest)
            conn.execute(f"DELETE FROM search_meta WHERE key = '{_UNORDERED}'")
        return done

    def _rebuild(
        self,
        conn: psycopg.Connection[Any],
        store: Store,
        on_progress: Callable[[int, int], None] | None,
        *,
        force: bool,
    ) -> int:
        """:meth:`rebuild` on one connection; -1 when not ``force`` and another server rebuilt
        the index while this one waited for the lock."""
        conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK_KEY,))
        try:
            if not force and self._up_to(self._meta(conn)) is not None:
                return -1
            newest = store.max_article_id()
            row = conn.execute(
                f"SELECT coalesce(max(substr(nspname, {len(_GENERATION) + 1})::integer), 0) "
                f"FROM pg_namespace WHERE nspname ~ '^{_GENERATION}[0-9]+$'"
            ).fetchone()
            generation = f"{_GENERATION}{(int(row[0]) if row else 0) + 1}"
            # Left by a rebuild that stopped between its build's commit and its switch.
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(_NEXT)))
            totals: Counter[str] = Counter()
            tw_df: Counter[str] = Counter()
            with conn.transaction():
                conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(_NEXT)))
                conn.execute(
                    f"SELECT set_config('search_path', '{_NEXT}, ' || {_BASE_PATH}, false)"
                )
                for statement in _SCHEMA:
                    conn.execute(statement)
                conn.execute("CREATE UNLOGGED TABLE search_load (LIKE search_docs)")
                done = self._load(conn, "search_load", store, 0, newest, on_progress, totals, tw_df)
                # Stored in prior order (see _PRIOR): a common term's first matches in table
                # order are then its likely best ones.
                # Each document's ordinal n in that order (per kind) is its bit in the bitmaps.
                columns = ", ".join(_COLUMNS)
                conn.execute(
                    f"INSERT INTO search_docs ({columns}, n) SELECT {columns}, "
                    f"row_number() OVER (PARTITION BY kind ORDER BY {_PRIOR}) - 1 "
                    f"FROM search_load ORDER BY {_PRIOR}"
                )
                conn.execute("DROP TABLE search_load")
                # One GIN build after the load is many times faster than growing it row by row,
                # and much faster again with room to sort in (the default is 64 MB).
                conn.execute("SET LOCAL maintenance_work_mem = '1GB'")
                conn.execute(_GIN)
                conn.execute(_ORDINALS)
                self._add_stats(conn, 0, tw_df)
                _add_bitmaps(conn, newest)
                _write_meta(conn, {}, totals, newest)
            # Statistics for the planner before the first search reads the tables.
            conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(_NEXT, "search_docs")))
            with conn.transaction():
                # The switch: every search from now on reads the new generation.
                conn.execute(
                    sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                        sql.Identifier(_NEXT), sql.Identifier(generation)
                    )
                )
            _drop_generations(conn, keep=generation)
            return done
        finally:
            # Not connected any more: the server has released the lock already.
            with contextlib.suppress(psycopg.OperationalError):
                conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_KEY,))

    def _load(
        self,
        conn: psycopg.Connection[Any],
        target: str,
        store: Store,
        last: int,
        newest: int,
        on_progress: Callable[[int, int], None] | None,
        totals: Counter[str],
        tw_df: Counter[str],
    ) -> int:
        """Copy the articles above ``last`` up to ``newest`` into ``target``; how many.

        Articles added meanwhile (above ``newest``) are left to the next sync: the watermark
        written with these says ``newest``.
        """
        total = store.count_matching(None) if last == 0 else max(0, newest - last)
        done = 0
        for batch in store.iter_index_articles(last, batch=200):
            articles = [a for a in batch if a.id <= newest]
            if articles:
                self._copy_batch(conn, target, articles, totals, tw_df)
            done += len(articles)
            if on_progress is not None:
                on_progress(done, total)
            if len(articles) < len(batch):
                break
        return done

    def _copy_batch(
        self,
        conn: psycopg.Connection[Any],
        target: str,
        articles: list[IndexArticle],
        totals: Counter[str],
        tw_df: Counter[str],
    ) -> None:
        texts: list[str] = []
        for article in articles:
            texts.append(article.title)
            texts.extend(text for _, _, text, _, _ in article.paragraphs)
            texts.extend(text for _, text, _ in article.outline)
        prepared, _, words = prepare_batch(texts)
        rows: list[tuple[object, ...]] = []
        at = 0

        def row(
            kind: int, article: IndexArticle, pos: int, rid: int, heading: bool, paid: bool
        ) -> tuple[object, ...]:
            body = prepared[at]
            split = words[at].split()
            title = title_words if kind == KIND_PARAGRAPH else []
            grams = set(map("".join, itertools.pairwise(body)))
            grams.update(body)
            totals["docs"] += 1
            totals["bi_tokens"] += max(0, len(body) - 1)
            totals["uni_tokens"] += len(body)
            totals["word_tokens"] += len(split)
            totals["tw_tokens"] += len(title)
            totals["headings"] += heading
            totals["paragraphs"] += kind == KIND_PARAGRAPH
            return (
                kind,
                article.id,
                pos,
                rid,
                article.year or 0,
                article.genre,
                article.role,
                article.source,
                heading,
                paid,
                len(split),
                len(title),
                len(body),
                _norm(len(body)),
                _norm(len(body) - 1),
                _norm(len(split)),
                _norm(len(title)),
                body,
                _wrap(split),
                _wrap(title),
                _tsvector(grams),
            )

        for article in articles:
            title_words = words[at].split()
            rows.append(row(KIND_TITLE, article, 0, 0, False, False))
            at += 1
            tw_df.update({w: len(article.paragraphs) for w in set(title_words)})
            for rowid, idx, _, heading, paid in article.paragraphs:
                rows.append(row(KIND_PARAGRAPH, article, idx, rowid, heading > 0, paid))
                at += 1
            rowids = {idx: rowid for rowid, idx, _, _, _ in article.paragraphs}
            paid_at = {idx: paid for _, idx, _, _, paid in article.paragraphs}
            for idx, _, paragraph in article.outline:
                rid = rowids.get(paragraph, 0)
                rows.append(
                    row(KIND_OUTLINE, article, idx, rid, False, paid_at.get(paragraph, False))
                )
                at += 1
        with conn.cursor().copy(
            sql.SQL("COPY {} ({}) FROM STDIN").format(
                sql.Identifier(target), sql.SQL(", ").join(map(sql.Identifier, _COLUMNS))
            )
        ) as copy:
            for r in rows:
                copy.write_row(r)

    def _add_stats(
        self,
        conn: psycopg.Connection[Any],
        last: int,
        tw_df: Counter[str],
    ) -> None:
        """Add the new documents' term frequencies to ``search_terms``."""
        conn.execute(
            'CREATE TEMP TABLE search_new (field "char", term text, df integer) ON COMMIT DROP'
        )
        new = f"FROM search_docs WHERE article_id > {int(last)}"
        for kind in (KIND_PARAGRAPH, KIND_TITLE, KIND_OUTLINE):
            # Per kind: the document frequency in paragraphs is the total of a one-term query.
            conn.execute(
                "INSERT INTO search_new SELECT %s, word, ndoc FROM ts_stat(%s)",
                (str(kind), f"SELECT grams {new} AND kind = {kind}"),
            )
        conn.execute(
            "INSERT INTO search_new SELECT 'w', word, ndoc FROM ts_stat(%s)",
            ("SELECT array_to_tsvector(array_remove(string_to_array(words, ' '), '')) " + new,),
        )
        with conn.cursor().copy("COPY search_new (field, term, df) FROM STDIN") as copy:
            for word, df in tw_df.items():
                copy.write_row(("t", word, df))
        conn.execute(
            "INSERT INTO search_terms SELECT field, term, sum(df) FROM search_new "
            "GROUP BY field, term "
            "ON CONFLICT (field, term) DO UPDATE SET df = search_terms.df + excluded.df"
        )
        conn.execute("DROP TABLE search_new")

    def _refresh(self, conn: psycopg.Connection[Any], store: Store, ids: list[int]) -> None:
        """:meth:`refresh` on one connection."""
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            # A new version of the watermark row, first: a search that counted the old
            # documents can no longer keep its count (see _Plan._keep).
            meta = self._meta(conn)  # also points the connection at the current generation
            found = conn.execute(
                "UPDATE search_meta SET value = value WHERE key = 'last' RETURNING value"
            ).fetchone()
            if found is None or self._up_to(meta) is None:
                return  # the next sync rebuilds the index anyway
            # The replaced documents leave the bitmaps (see _add_bitmaps): counts come from
            # count(*) again until the next rebuild.
            conn.execute("DELETE FROM search_meta WHERE key = 'bitmaps'")
            last = int(found[0])
            ids = [i for i in ids if i <= last]
            conn.execute(
                'CREATE TEMP TABLE search_delta (field "char", term text, df integer) '
                "ON COMMIT DROP"
            )
            old = self._count_documents(conn, ids, -1)
            conn.execute(f"DELETE FROM search_docs WHERE {_OF_ARTICLES}", (ids,))
            articles = store.index_articles(ids)  # an article that is gone has no documents
            if articles:
                self._copy_batch(conn, "search_docs", articles, Counter(), Counter())
            new = self._count_documents(conn, ids, 1)
            conn.execute(
                "INSERT INTO search_terms SELECT field, term, sum(df) FROM search_delta "
                "GROUP BY field, term HAVING sum(df) <> 0 "
                "ON CONFLICT (field, term) DO UPDATE SET df = search_terms.df + excluded.df"
            )
            conn.execute(
                "DELETE FROM search_terms t USING search_delta d "
                "WHERE t.field = d.field AND t.term = d.term AND t.df <= 0"
            )
            conn.execute("DROP TABLE search_delta")
            conn.execute("DELETE FROM search_counts")
            conn.execute(_FACETS_TABLE)
            conn.execute("DELETE FROM search_facets")
            with conn.cursor() as cur:
                cur.executemany(
                    "UPDATE search_meta SET value = %s WHERE key = %s",
                    [
                        (str(int(meta.get(name, 0)) + new[name] - old[name]), name)
                        for name in _TOTALS
                    ],
                )
            # Tells every server's next search that stored articles changed (see _observe).
            conn.execute(
                "INSERT INTO search_meta (key, value) VALUES ('refreshed', '1') "
                "ON CONFLICT (key) DO UPDATE SET value = (search_meta.value::integer + 1)::text"
            )
            conn.execute(f"DELETE FROM search_meta WHERE key = '{_UNORDERED}'")

    def _count_documents(
        self, conn: psycopg.Connection[Any], ids: list[int], sign: int
    ) -> Counter[str]:
        """Add ``sign`` × the term frequencies of the articles' documents to ``search_delta``
        (as :meth:`_add_stats` counts them) and return their totals (see :data:`_TOTALS`)."""
        # ts_stat takes the text of a query: the ids (integers) are written into it.
        listed = ",".join(str(int(i)) for i in ids)
        docs = f"FROM search_docs WHERE kind IN (0, 1, 2) AND article_id = ANY('{{{listed}}}')"
        views = [
            (str(kind), f"SELECT grams {docs} AND kind = {kind}")
            for kind in (KIND_PARAGRAPH, KIND_TITLE, KIND_OUTLINE)
        ]
        views.append(
            ("w", f"SELECT array_to_tsvector(array_remove(string_to_array(words, ' '), '')) {docs}")
        )
        views.append(
            (
                "t",
                "SELECT array_to_tsvector(array_remove(string_to_array(title, ' '), '')) "
                f"{docs} AND kind = {KIND_PARAGRAPH}",
            )
        )
        for field, view in views:
            conn.execute(
                "INSERT INTO search_delta SELECT %s, word, %s * ndoc FROM ts_stat(%s)",
                (field, sign, view),
            )
        row = conn.execute(
            "SELECT count(*), sum(greatest(bl - 1, 0)), sum(bl), sum(wl), "
            "sum(tl), count(*) FILTER (WHERE heading), count(*) FILTER (WHERE kind = %s) "
            f"FROM search_docs WHERE {_OF_ARTICLES}",
            (KIND_PARAGRAPH, ids),
        ).fetchone()
        assert row is not None
        return Counter({name: int(value or 0) for name, value in zip(_TOTALS, row, strict=True)})

    # --- reading -------------------------------------------------------------------------------

    def doc_freqs(self, fields: str, terms: Sequence[str]) -> dict[str, int]:
        """Document frequencies of ``terms`` summed over ``fields``; 0 when absent.

        Fields: ``0``/``1``/``2`` bigrams and characters in paragraphs, titles, outline
        entries; ``w`` segmenter words; ``t`` title words of paragraphs.
        """
        if not terms:
            return {}

        def read(conn: psycopg.Connection[Any]) -> list[tuple[str, int]]:
            self._meta(conn)
            return conn.execute(
                "SELECT term, sum(df) FROM search_terms "
                "WHERE field = ANY(%s) AND term = ANY(%s) GROUP BY term",
                (list(fields), list(terms)),
            ).fetchall()

        found = dict(self._run(read, primary=False))
        return {t: int(found.get(t, 0)) for t in terms}

    def search(self, store: Store, query: Query, *, facets: bool = False) -> SearchPage:
        """Run a query: exact total, the requested page of hits, best first, with highlights.

        The same contract as :func:`sucai.search.engine.search`.

        Args:
            store: the library.
            query: what to find.
            facets: also count all matches per genre, role, year and source (one pass over the
                matches, which gives the total as well).

        Raises:
            StoreUnavailableError: the database cannot be reached.
        """

        wanted = None if query.limit is None else max(query.offset + query.limit, 1)

        def run(
            conn: psycopg.Connection[Any],
        ) -> tuple[int, list[_Ranked], dict[str, list[tuple[str, int]]]]:
            counts: dict[str, list[tuple[str, int]]] = {}
            # One snapshot for the statistics, the count and the page, even while a sync
            # commits (set with BEGIN: no round trip of its own).
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            try:
                with conn.transaction():
                    meta = self._meta(conn)
                    self._observe(meta)
                    plan = _plan(self, conn, query, meta)
                    ranked: list[_Ranked] | None = None
                    if facets:
                        counts, total = plan.facets(conn)
                    else:
                        total, ranked = plan.count(conn, wanted)
                    if ranked is None:
                        ranked = plan.top(conn, min(wanted or total, total), total) if total else []
            finally:
                # The pooled connection's other transactions are the writers' (a broken one
                # is thrown away by the pool).
                with contextlib.suppress(psycopg.Error):
                    conn.isolation_level = None
            return total, ranked, counts

        total, ranked, counts = self._run(run, primary=False)
        limit = total if query.limit is None else query.limit
        page = ranked[query.offset : query.offset + limit]
        return SearchPage(total, tuple(_hits(store, query, page)), query, counts)

    def match_sql(self, query: Query) -> tuple[sql.Composed, tuple[object, ...]]:
        """The SQL (and its parameters) selecting ``(article_id, pos, rid)`` of every match."""
        plan = self._run(lambda conn: _plan(self, conn, query, self._meta(conn)), primary=False)
        statement = sql.SQL("SELECT article_id, pos, rid FROM search_docs WHERE {}").format(
            plan.where
        )
        return statement, plan.params

    def similar(self, store: Store, article_id: int, *, limit: int = 10) -> list[Similar]:
        """Articles most like ``article_id`` (see :func:`sucai.search.engine.similar`).

        The article's most distinctive segmenter words (tf·idf over ``search_terms``); the
        paragraphs holding any of them are scored by BM25 over those words, and each article's
        best three paragraph scores are summed. Of a word shared by very many paragraphs only
        the first :data:`_SIMILAR_ROWS` in table order count.

        Raises:
            NotFoundError: no article has this id.
        """
        stats = self.stats()
        frequencies = similar_words(
            store, article_id, lambda words: self.doc_freqs("w", words), stats.docs
        )
        chosen = list(frequencies)
        if not chosen:
            return []
        avg_words = stats.word_tokens / max(1, stats.docs)
        score = sql.SQL(" + ").join(
            _bm25(
                _count_in("words", f" {w} "),
                _clause("word", w, "wn", stats.idf(frequencies[w]), avg_words, 1.0),
            )
            for w in chosen
        )
        matches = sql.SQL(" UNION ").join(
            sql.SQL(
                "(SELECT article_id, pos FROM search_docs WHERE kind = {k} "
                "AND grams @@ {q}::tsquery AND strpos(words, {w}) > 0 AND article_id <> {a} "
                "LIMIT {n})"
            ).format(
                k=sql.Literal(KIND_PARAGRAPH),
                q=_text(" & ".join(_lexeme(p) for p in dict.fromkeys(_pieces(w)))),
                w=_text(f" {w} "),
                a=sql.Literal(article_id),
                n=sql.Literal(_SIMILAR_ROWS),
            )
            for w in chosen
        )
        statement = sql.SQL(
            "SELECT d.article_id, {} AS score FROM ({}) m JOIN search_docs d "
            "ON d.kind = {} AND d.article_id = m.article_id AND d.pos = m.pos "
            "ORDER BY score DESC, d.article_id, d.pos LIMIT {}"
        ).format(score, matches, sql.Literal(KIND_PARAGRAPH), sql.Literal(SIMILAR_POOL))

        def read(conn: psycopg.Connection[Any]) -> list[tuple[int, float]]:
            self._meta(conn)
            return conn.execute(statement).fetchall()

        rows = self._run(read, primary=False)
        return similar_articles(store, ((int(a), float(v)) for a, v in rows), limit)

    # --- 查重 (see sucai.check.engine.CandidateIndex) -------------------------------------------

    def bigram_doc_freqs(self, grams: Sequence[str]) -> dict[str, int]:
        """How many documents (every kind) hold each folded bigram; 0 when none. One query.

        The thousands of bigrams of a long draft are looked up one by one in the primary key
        (as ``term = ANY(…)`` the planner would rather read all of ``search_terms``).
        """

        def lookup(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
            self._meta(conn)  # the current generation's tables
            return conn.execute(
                "SELECT q.term, (SELECT coalesce(sum(t.df), 0) FROM search_terms t "
                "WHERE t.field IN ('0', '1', '2') AND t.term = q.term) "
                "FROM unnest(%s::text[]) AS q(term)",
                (list(grams),),
            ).fetchall()

        return {str(term): int(df) for term, df in self._run(lookup, primary=False)}

    def match_bigrams(self, lookups: Sequence[Sequence[tuple[str, int]]], limit: int) -> list[int]:
        """Rowids of the library paragraphs among the best ``limit`` documents of each lookup,
        ascending and each once: all lookups in one statement (one round trip, one plan).

        Ranked as the tantivy engine ranks them: BM25 over the ``bi`` field of every bigram
        of the lookup, from the index's statistics, with document lengths rounded as tantivy
        stores them (:func:`_norm`; near copies of one text then tie, and the first
        article wins in both). Term frequencies are substring counts (tantivy counts a
        bigram again where it overlaps itself, as 哈哈 in 哈哈哈: seldom in a rare bigram).

        The GIN index finds the documents holding the rarest bigrams, as many of them as keep
        the lookup under :data:`_MATCH_ROWS` documents (at least one): every document found
        is read and scored, and one holding only the common bigrams would rank below them.
        """
        if not lookups:
            return []
        stats = self.stats()
        avg_bi = max(stats.bi_tokens / max(1, stats.docs), 1e-9)
        queries: list[str] = []
        grams: list[str] = []
        weights: list[str] = []
        for lookup in lookups:
            found: list[str] = []
            reads = 0
            for gram, df in lookup:
                if found and reads + df > _MATCH_ROWS:
                    break
                found.append(_lexeme(gram))
                reads += df
            queries.append(" | ".join(found))
            # Bigrams are two letters or digits: no spaces to split them apart wrongly.
            grams.append(" ".join(g for g, _ in lookup))
            weights.append(" ".join(repr(stats.idf(df) * (_K1 + 1)) for _, df in lookup))
        # Each bigram's BM25, w·tf/(tf + norm) = w − w·norm/(tf + norm), written out for
        # every place of a lookup (a missing one is NULL, and adds 0): an expression a row,
        # cheaper than a subquery over the lookup's bigrams.
        score = sql.SQL(" + ").join(
            sql.SQL(
                "CASE WHEN strpos(n.body, l.grams[{i}]) > 0 THEN l.weights[{i}] - l.weights[{i}] "
                "* n.norm / ((octet_length(n.body) - octet_length(replace(n.body, "
                "l.grams[{i}], '')))::float8 / octet_length(l.grams[{i}]) + n.norm) ELSE 0 END"
            ).format(i=sql.Literal(i))
            for i in range(1, max(map(len, lookups)) + 1)
        )
        statement = sql.SQL("""
            WITH lookup AS MATERIALIZED (
                SELECT q::tsquery AS q, string_to_array(g, ' ') AS grams,
                    string_to_array(w, ' ')::float8[] AS weights
                FROM unnest(%(q)s::text[], %(g)s::text[], %(w)s::text[]) AS l(q, g, w))
            SELECT m.kind, m.rid FROM lookup l CROSS JOIN LATERAL (
                SELECT d.kind, d.rid FROM search_docs d CROSS JOIN LATERAL (
                    -- The text read once a row, not once a bigram (a long one is compressed).
                    SELECT d.body || '' AS body, %(k)s + %(kb)s * d.bn AS norm OFFSET 0) n
                WHERE d.grams @@ l.q
                ORDER BY {} DESC, d.article_id, d.kind, d.pos
                LIMIT %(limit)s) m""").format(score)
        params = {
            "q": queries,
            "g": grams,
            "w": weights,
            "k": _K1 * (1 - _B),
            "kb": _K1 * _B / avg_bi,
            "limit": limit,
        }

        def match(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
            self._meta(conn)  # the current generation's tables
            return conn.execute(statement, params).fetchall()

        hits = self._run(match, primary=False)
        return sorted({int(rid) for kind, rid in hits if kind == KIND_PARAGRAPH and rid})


@dataclass(frozen=True, slots=True)
class _Plan:
    """The SQL of one query: conditions, score and how to count."""

    kind: int
    where: sql.Composed
    params: tuple[object, ...]
    features: sql.Composed
    score: sql.Composed
    known_total: int | None
    last: int
    #: The terms and excluded terms when all are lexemes (one or two characters, no filters).
    lexemes: tuple[tuple[str, ...], tuple[str, ...]] | None
    #: The watermark the bitmaps hold for (``None``: the index has none).
    bitmaps_last: int | None
    #: ``where`` without ``kind`` and with no condition the GIN index could serve, and its
    #: parameters: for rows found another way (by ordinal).
    scan_where: sql.Composed
    scan_params: tuple[object, ...]
    #: The score, clause by clause (see :mod:`sucai.search.bounds`).
    clauses: tuple[Clause, ...]
    #: The query's prepared terms and excluded terms, and its filters (by column).
    terms: tuple[str, ...]
    excluded: tuple[str, ...]
    filters: dict[str, object]
    #: Document frequencies in this kind of the characters and bigrams looked up.
    lexeme_df: dict[str, int]
    #: Identifies the index build (``None``: built before the bounds, see :meth:`best`).
    build: str | None
    #: Every document has an ordinal (none added or replaced since the rebuild).
    ordered: bool
    #: The decoded bounds of the index, shared by its searches.
    bounds: Cache

    def count(
        self, conn: psycopg.Connection[Any], wanted: int | None
    ) -> tuple[int, list[_Ranked] | None]:
        """The exact number of matches, and their best ``wanted`` (``None``: all) when the
        count read them anyway and there are at most :data:`EXACT` (else ``None``: see
        :meth:`top`).

        Counted from the bitmaps when the query's terms have them (:meth:`_count_bitmaps`),
        else by ``count(*)``. A count of more than :data:`_COUNT_CACHE_FROM` matches is kept
        in ``search_counts`` with the watermark it holds for (reading it is cheaper than
        either); later it is brought up to date by counting only the articles added since
        (documents are only ever added, so the sum is exact). Counting every match afresh
        also ranks them when they are few (:meth:`_count_and_rank`).
        """
        if self.known_total is not None:
            return self.known_total, None
        key = self._key(conn)
        cached = conn.execute(
            "SELECT total, last FROM search_counts WHERE key = %s", (key,)
        ).fetchone()
        total, since = (int(cached[0]), int(cached[1])) if cached else (0, 0)
        if since == self.last:
            return total, None
        counted = None
        if self.lexemes is not None and self.bitmaps_last is not None:
            counted = self._count_bitmaps(conn, *self.lexemes, self.bitmaps_last)
        elif since == 0 and self.bitmaps_last is not None:
            counted = self._count_words(conn, self.bitmaps_last)
        if counted is not None:
            if counted >= _COUNT_CACHE_FROM:
                self._keep(conn, key, counted)
            return counted, None
        ranked = None
        if since == 0:
            total, ranked = self._count_and_rank(conn, wanted)
        else:
            total += self._count_since(conn, since)
        if total >= _COUNT_CACHE_FROM:
            self._keep(conn, key, total)
        return total, ranked

    def _count_and_rank(
        self, conn: psycopg.Connection[Any], wanted: int | None
    ) -> tuple[int, list[_Ranked] | None]:
        """Count every match in one pass that keeps their addresses, and when there are at
        most :data:`EXACT`, score them all in the same statement, read again by address (a
        TID scan of cached pages instead of a second pass through the GIN index)."""
        again = sql.SQL("ctid = ANY(ARRAY(SELECT t FROM m)) AND c.total <= {}").format(
            sql.Literal(EXACT)
        )
        ranked = self.ranked(self.inner(self.table, again), sql.SQL("OFFSET 0"))
        rows = conn.execute(
            sql.SQL(
                "WITH m AS MATERIALIZED (SELECT ctid AS t FROM {} WHERE {}), "
                "c AS (SELECT count(*) AS total FROM m) "
                "SELECT c.total, r.* FROM c LEFT JOIN LATERAL ({}) r ON true"
            ).format(self.table, self.where, ranked),
            (*self.params, wanted),
        ).fetchall()
        total = int(rows[0][0])
        if total > EXACT:
            return total, None
        return total, [
            _Ranked(int(a), int(p), int(r), float(score))
            for _, a, p, r, score in rows
            if a is not None
        ]

    @property
    def table(self) -> sql.Identifier:
        """The partition of the query's kind."""
        return sql.Identifier(f"search_docs_{self.kind}")

    def inner(self, table: sql.Composable, where: sql.Composable) -> sql.Composed:
        """The rows of ``table`` where ``where``, with the columns and features the score
        reads (each feature computed once a row)."""
        return _INNER.format(self.features, table, where)

    def ranked(self, source: sql.Composable, cut: sql.Composable) -> sql.Composed:
        """The best rows of ``source`` (an :meth:`inner` query, then ``cut``), best first:
        equal scores in the tantivy engine's order (see :mod:`sucai.search.engine`), equal
        as tantivy's 32-bit floats are (its sums round where float8's do not)."""
        tie = sql.SQL("rid" if self.kind == KIND_PARAGRAPH else "article_id, pos")
        return _RANKED.format(self.score, source, cut, tie)

    def _count_bitmaps(
        self,
        conn: psycopg.Connection[Any],
        terms: tuple[str, ...],
        excluded: tuple[str, ...],
        since: int,
    ) -> int | None:
        """The exact count from the bitmaps of the lexemes; ``None`` when a term has none.

        An excluded lexeme without a bitmap is in fewer than :data:`_BITMAP_FROM` documents:
        those of them that hold the terms are read and taken off. The articles added after
        the bitmaps were made (above ``since``) are counted by ``count(*)``.
        """
        rows = conn.execute(
            "SELECT term, bits FROM search_bitmaps WHERE kind = %s AND term = ANY(%s)",
            (self.kind, list({*terms, *excluded})),
        ).fetchall()
        bitmaps = {term: int.from_bytes(zlib.decompress(bits), "little") for term, bits in rows}
        if any(term not in bitmaps for term in terms):
            return None
        found = bitmaps[terms[0]]
        for term in terms[1:]:
            found &= bitmaps[term]
        for term in excluded:
            if term in bitmaps:
                found &= ~bitmaps[term]
        total = found.bit_count()
        rare = [term for term in excluded if term not in bitmaps]
        if rare:
            held = " & ".join(_lexeme(t) for t in terms)
            ordinals = conn.execute(
                "SELECT n FROM search_docs WHERE kind = %s AND grams @@ %s::tsquery "
                "AND n IS NOT NULL",
                (self.kind, f"{held} & ({' | '.join(_lexeme(t) for t in rare)})"),
            ).fetchall()
            flags = found.to_bytes((found.bit_length() + 7) // 8, "little")
            total -= sum(flags[n >> 3] >> (n & 7) & 1 for (n,) in ordinals if n >> 3 < len(flags))
        return total + self._count_since(conn, since)

    def _count_words(self, conn: psycopg.Connection[Any], since: int) -> int | None:
        """The exact count of one longer term of common bigrams that the segmenter makes a
        word of (高质量发展), from the documents holding that word (each holds the term) and,
        of the others holding all its bigrams, those whose text holds it (read by ordinal:
        usually few); ``None`` for other queries, or when that leaves too many to read.

        The bitmaps hold for the articles up to ``since``; the later ones are counted by
        ``count(*)``.
        """
        if self.build is None or self.filters or len(self.terms) != 1 or len(self.terms[0]) <= 2:
            return None
        term = self.terms[0]
        if any(len(t) > 2 for t in self.excluded):
            return None
        grams = lexemes_of(term)
        if any(self.lexeme_df.get(g, 0) < _BITMAP_FROM for g in grams):
            return None  # a rare bigram: the GIN index finds few documents to count
        columns = self._columns(conn, self.kind)
        lexemes = self._lexemes(conn, self.kind, columns.size, "lexeme", {*grams, *self.excluded})
        (word,) = self._lexemes(conn, self.kind, columns.size, "word", {term}).values()
        if not word.bits.any() or not all(g in lexemes for g in (*grams, *self.excluded)):
            return None
        candidates = _holding(lexemes, grams, self.excluded)
        held = candidates & word.bits
        rest = np.flatnonzero(np.unpackbits(candidates & ~word.bits, bitorder="little"))
        if len(rest) > _COUNT_READS:
            return None
        total = int.from_bytes(held.tobytes(), "little").bit_count()
        if len(rest):
            row = conn.execute(
                sql.SQL("SELECT count(*) FROM {} WHERE n = ANY(%s) AND {}").format(
                    self.table, self.scan_where
                ),
                (rest.tolist(), *self.scan_params),
            ).fetchone()
            total += int(row[0]) if row else 0
        return total + self._count_since(conn, since)

    def _count_since(self, conn: psycopg.Connection[Any], since: int) -> int:
        """``count(*)`` of the matches of the articles above ``since`` (none when ``since`` is
        the index's watermark)."""
        if since == self.last:
            return 0
        where, params = self._since(since)
        row = conn.execute(
            sql.SQL("SELECT count(*) FROM search_docs WHERE {}").format(where), params
        ).fetchone()
        return int(row[0]) if row else 0

    def _since(self, since: int) -> tuple[sql.Composable, tuple[object, ...]]:
        """The matches of articles above ``since`` (all of them for 0: a condition on
        ``article_id`` there would lead the planner away from the GIN index)."""
        if since == 0:
            return self.where, self.params
        return sql.SQL("{} AND article_id > %s").format(self.where), (*self.params, since)

    def _key(self, conn: psycopg.Connection[Any]) -> str:
        """What identifies the query's matches in ``search_counts`` and ``search_facets``."""
        return hashlib.sha256(
            repr((self.kind, self.where.as_string(conn), self.params)).encode()
        ).hexdigest()

    def _keep(
        self, conn: psycopg.Connection[Any], key: str, total: int, counts: str | None = None
    ) -> None:
        """Keep a large count (and the facet counts, as JSON) for later searches."""
        try:
            with conn.transaction():
                # A kept count is a cache: losing the last ones in a crash costs a recount,
                # so the search does not wait for the WAL to reach the disk.
                conn.execute("SET LOCAL synchronous_commit = off")
                # Not a count of documents a refresh has replaced since this snapshot: it
                # rewrites this row first, so the lock waits for one under way and fails
                # (serialization) once one has committed.
                conn.execute("SELECT 1 FROM search_meta WHERE key = 'last' FOR SHARE")
                conn.execute(
                    "INSERT INTO search_counts (key, total, last) VALUES (%s, %s, %s) "
                    "ON CONFLICT (key) DO UPDATE SET total = excluded.total, "
                    "last = excluded.last WHERE search_counts.last < excluded.last",
                    (key, total, self.last),
                )
                if counts is not None:
                    conn.execute(_FACETS_TABLE)
                    conn.execute(
                        "INSERT INTO search_facets (key, counts, last) VALUES (%s, %s, %s) "
                        "ON CONFLICT (key) DO UPDATE SET counts = excluded.counts, "
                        "last = excluded.last WHERE search_facets.last < excluded.last",
                        (key, counts, self.last),
                    )
        except (
            psycopg.errors.ReadOnlySqlTransaction,
            psycopg.errors.UniqueViolation,
            psycopg.errors.SerializationFailure,
        ):
            # A read replica (count again next time), another server kept it first, or the
            # index changed meanwhile.
            pass

    def facets(self, conn: psycopg.Connection[Any]) -> tuple[dict[str, list[tuple[str, int]]], int]:
        """Matches per genre, role, year and source, and the total: one pass over every match.

        Counts of more than :data:`_COUNT_CACHE_FROM` matches are kept in ``search_facets``
        and brought up to date later from the articles added since, as :meth:`count` does.

        As the tantivy engine reports them: most first (ties by value), at most
        :data:`FACET_VALUES` per facet, then the unknown year (0) and an empty genre left
        out; articles without a role have no role value.
        """
        key = self._key(conn)
        sums: dict[str, Counter[str]] = {
            name: Counter() for name in ("genre", "role", "year", "source")
        }
        since = 0
        kept = conn.execute("SELECT to_regclass('search_facets') IS NOT NULL").fetchone()
        if kept and kept[0]:
            row = conn.execute(
                "SELECT counts, last FROM search_facets WHERE key = %s", (key,)
            ).fetchone()
            if row is not None:
                sums = {name: Counter(values) for name, values in json.loads(row[0]).items()}
                since = int(row[1])
        if since != self.last:
            # One hash aggregate over the matches (of the articles added since the kept
            # counts); the few hundred combinations are then summed per facet here (cheaper
            # than GROUPING SETS, which aggregates three times).
            where, params = self._since(since)
            rows = conn.execute(
                sql.SQL(
                    "SELECT genre, role, year, source, count(*) FROM search_docs WHERE {} "
                    "GROUP BY genre, role, year, source"
                ).format(where),
                params,
            ).fetchall()
            for genre, role, year, source, n in rows:
                sums["genre"][genre] += n
                if role:
                    sums["role"][role] += n
                sums["year"][str(year)] += n
                if source:
                    sums["source"][source] += n
            total = sum(sums["genre"].values())
            if total >= _COUNT_CACHE_FROM:
                self._keep(conn, key, total, json.dumps(sums, ensure_ascii=False))
        found = {name: list(counter.items()) for name, counter in sums.items()}
        total = sum(n for _, n in found["genre"])  # every document has a genre
        return {
            name: [
                (value, n)
                for value, n in sorted(pairs, key=lambda p: (-p[1], p[0]))[:FACET_VALUES]
                if value != "" and (name != "year" or value != "0")
            ]
            for name, pairs in found.items()
        }, total

    def best(self, conn: psycopg.Connection[Any], wanted: int) -> list[_Ranked] | None:
        """The best ``wanted`` matches, best first, exactly as scoring them all would rank
        them, from the score bounds of the index (see :mod:`sucai.search.bounds`); ``None``
        when a term's lexemes have no bitmap (too rare for one, so it has few matches, or
        grown common since the rebuild).

        The candidates are the documents holding each term's characters or (up to three)
        rarest bigrams, not an excluded short term, and passing the filters: every match
        with an ordinal. The documents without one (added or replaced since the rebuild) are
        scored in SQL beforehand.
        """
        if self.build is None:
            return None
        kind = self.kind
        columns = self._columns(conn, kind)

        def common(grams: Iterable[str], most: int) -> list[str]:
            # The rarest that may have a bitmap (one made since may be missing still).
            held = [g for g in grams if self.lexeme_df.get(g, 0) >= _BITMAP_FROM]
            return sorted(dict.fromkeys(held), key=lambda g: (self.lexeme_df[g], g))[:most]

        sought = [common(lexemes_of(t), 3) for t in self.terms]
        usable = [common(clause.lexemes(), 3) for clause in self.clauses]
        excluded = [t for t in self.excluded if len(t) <= 2 and common([t], 1)]
        names = {g for grams in (*sought, *usable, excluded) for g in grams}
        lexemes = self._lexemes(conn, kind, columns.size, "lexeme", names)
        words = self._lexemes(
            conn, kind, columns.size, "word", {c.text for c in self.clauses if c.what == "word"}
        )
        sought = [[g for g in grams if g in lexemes] for grams in sought]
        if not all(sought):
            return None
        candidates = _holding(
            lexemes, [g for grams in sought for g in grams], [t for t in excluded if t in lexemes]
        )
        mask = columns.mask(self.filters)
        if mask is not None:
            packed = np.packbits(mask, bitorder="little")
            candidates[: len(packed)] &= packed
            candidates[len(packed) :] = 0
        paragraphs = kind == KIND_PARAGRAPH

        def found(rows: Iterable[tuple[Any, ...]]) -> list[Found]:
            return [
                Found(float(r[3]), (int(r[2]), 0) if paragraphs else (int(r[0]), int(r[1])), r)
                for r in rows
            ]

        # Composed once: each round of scoring only binds other ordinals.
        verify = self.ranked(
            self.inner(
                self.table,
                sql.SQL("kind = {} AND n = ANY(%s) AND {}").format(
                    sql.Literal(kind), self.scan_where
                ),
            ),
            sql.SQL("OFFSET 0"),
        ).as_string(conn)

        def score(ordinals: np.ndarray) -> list[Found]:
            rows = conn.execute(verify, (ordinals.tolist(), *self.scan_params, None))
            return found(rows.fetchall())

        # The documents added or replaced since the rebuild have no ordinal: scored in SQL.
        unordered: list[Found] = []
        if not self.ordered:
            where = sql.SQL("{} AND n IS NULL").format(self.where)
            unordered = found(
                conn.execute(
                    self.ranked(self.inner(self.table, where), sql.SQL("OFFSET 0")),
                    (*self.params, wanted),
                ).fetchall()
            )
        titled = self._titled(conn, columns)
        scoring = Scoring(columns, self.clauses, lexemes, words, titled, paragraphs)
        ranked = best(scoring, candidates, wanted, score, unordered)
        return [
            _Ranked(int(f.row[0]), int(f.row[1]), int(f.row[2]), float(f.row[3])) for f in ranked
        ]

    def _columns(self, conn: psycopg.Connection[Any], kind: int) -> Columns:
        """The columns of ``kind`` (read once a build)."""
        assert self.build is not None

        def read() -> Columns:
            rows = conn.execute(
                "SELECT name, data FROM search_columns WHERE kind = %s", (kind,)
            ).fetchall()
            return Columns({name: bytes(data) for name, data in rows}, _NORMS)

        columns: Columns = self.bounds.get(self.build, ("columns", kind), read)
        return columns

    def _lexemes(
        self, conn: psycopg.Connection[Any], kind: int, size: int, what: str, names: set[str]
    ) -> dict[str, Lexeme]:
        """The data of the lexemes (``what`` ``lexeme``: from ``search_bitmaps``, only those
        with a bitmap) or words (``word``: ``search_words``, each of them, empty when no
        document of the kind held it) ``names`` of ``kind``, kept between searches."""
        assert self.build is not None
        out: dict[str, Lexeme] = {}
        missing = []
        for name in names:
            kept = self.bounds.peek(self.build, (what, kind, name))
            if kept is None:
                missing.append(name)
            else:
                out[name] = kept
        if missing:
            if what == "lexeme":
                # A character's frequencies bound nothing (a character term's tf is 1).
                statement = (
                    "SELECT term, bits, CASE WHEN length(term) > 1 THEN tfs END, "
                    "CASE WHEN length(term) > 1 THEN peaks END FROM search_bitmaps "
                    "WHERE kind = %s AND term = ANY(%s)"
                )
            else:
                statement = (
                    "SELECT word, bits, tfs, peaks FROM search_words "
                    "WHERE kind = %s AND word = ANY(%s)"
                )
            rows = conn.execute(statement, (kind, missing)).fetchall()
            found = {str(name): Lexeme(size, bits, tfs, tops) for name, bits, tfs, tops in rows}
            for name in missing:
                if name in found or what == "word":
                    out[name] = found.get(name) or Lexeme(size, None, None, None)
                    self.bounds.put(self.build, (what, kind, name), out[name])
        return out

    def _titled(self, conn: psycopg.Connection[Any], columns: Columns) -> dict[str, Titled]:
        """For each title clause's word, the articles whose title holds it (from the words of
        the title documents) and the blocks of ``columns`` they have documents in."""
        assert self.build is not None
        build = self.build
        words = {c.text for c in self.clauses if c.what == "title"}
        out: dict[str, Titled] = {}
        for word in words:
            kept = self.bounds.peek(build, ("titled", self.kind, word))
            if kept is not None:
                out[word] = kept
        if len(out) < len(words):
            titles = self._columns(conn, KIND_TITLE)
            found = self._lexemes(conn, KIND_TITLE, titles.size, "word", words - set(out))
            for word, lexeme in found.items():
                bits = np.unpackbits(lexeme.bits, bitorder="little")[: titles.size]
                out[word] = Titled(columns, titles.data["article"][bits.astype(bool)])
                self.bounds.put(build, ("titled", self.kind, word), out[word])
        return out

    def top(self, conn: psycopg.Connection[Any], limit: int, total: int) -> list[_Ranked]:
        """The best ``limit`` matches (of ``total``), best first, as tantivy ranks them.

        Up to :data:`EXACT` matches, when most of them are wanted (a whole result list), or
        when a term has no bitmap (one too rare has fewer than :data:`_BITMAP_FROM` matches),
        all are scored; otherwise the best are found through the score bounds (:meth:`best`).
        """
        if total > EXACT and limit <= total // 2:
            found = self.best(conn, limit)
            if found is not None:
                return found
        # OFFSET 0 keeps the inner query whole: each feature computed once a row.
        rows = conn.execute(
            self.ranked(self.inner(self.table, self.where), sql.SQL("OFFSET 0")),
            (*self.params, limit),
        )
        return [_Ranked(int(a), int(p), int(r), float(score)) for a, p, r, score in rows]


def _holding(
    lexemes: dict[str, Lexeme], held: Sequence[str], not_held: Sequence[str]
) -> np.ndarray:
    """The packed bitmap of the documents holding every lexeme of ``held`` and none of
    ``not_held`` (all of them in ``lexemes``)."""
    out = lexemes[held[0]].bits.copy()
    for g in held[1:]:
        out &= lexemes[g].bits
    for g in not_held:
        out &= ~lexemes[g].bits
    return out


def _write_meta(
    conn: psycopg.Connection[Any], old: dict[str, str], totals: Counter[str], newest: int
) -> None:
    """Add ``totals`` to the corpus totals of ``old`` and record the ids and the watermark."""
    meta = {name: str(int(old.get(name, 0)) + totals[name]) for name in _TOTALS}
    meta |= {
        "schema": str(PG_INDEX_SCHEMA_VERSION),
        "tokenizer": TOKENIZER_ID,
        "last": str(newest),
    }
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO search_meta (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            list(meta.items()),
        )


def _add_bitmaps(conn: psycopg.Connection[Any], newest: int) -> None:
    """Make the bitmap of every lexeme in at least :data:`_BITMAP_FROM` documents of a kind,
    and what bounds the scores of large result sets (see :mod:`sucai.search.bounds`).

    Bit ``n`` (little-endian within each byte) stands for the document of ordinal ``n``;
    the bitmaps, zlib-compressed, hold for the articles up to ``newest`` (meta ``bitmaps``).
    Appended articles leave them valid (their documents have no ordinal and are counted by
    ``count(*)``); any other change of the documents must delete meta ``bitmaps`` (counts
    then come from ``count(*)`` again) or rebuild. The bounds stay valid for the documents
    that keep their ordinal (a replaced one loses it), whatever else changes.
    """
    for kind in (KIND_PARAGRAPH, KIND_TITLE, KIND_OUTLINE):
        table = sql.Identifier(f"search_docs_{kind}")
        terms = [
            term
            for (term,) in conn.execute(
                "SELECT term FROM search_terms WHERE field = %s AND df >= %s",
                (str(kind), _BITMAP_FROM),
            )
        ]
        columns, tally = _scan(conn, table, terms)
        size = len(columns["un"])
        with conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO search_columns (kind, name, data) VALUES (%s, %s, %s)",
                [
                    (kind, name, data)
                    for name, data in build_columns(columns, _values(columns)).items()
                ],
            )
        with conn.cursor().copy(
            "COPY search_words (kind, word, bits, tfs, peaks) FROM STDIN"
        ) as copy:
            for word, (ordinals, counts) in tally.postings().items():
                common = len(ordinals) >= _BITMAP_FROM
                copy.write_row((kind, word, *stored(size, ordinals, counts, common=common)))
        if not terms:
            continue
        repeated = tally.repeats()
        # Each lexeme's ordinals as big-endian 4-byte integers, read by NumPy at once.
        rows = conn.execute(
            sql.SQL(
                "SELECT lexeme, string_agg(int4send(n), ''::bytea) FROM {}, "
                "unnest(tsvector_to_array(grams)) lexeme WHERE lexeme = ANY(%s) GROUP BY lexeme"
            ).format(table),
            (terms,),
        )
        with conn.cursor().copy(
            "COPY search_bitmaps (kind, term, bits, tfs, peaks) FROM STDIN"
        ) as copy:
            for term, packed in rows:
                ordinals = np.sort(np.frombuffer(packed, dtype=">i4").astype(np.int32))
                counts = np.ones(len(ordinals), dtype=np.int32)
                if term in repeated:
                    again, many = repeated[term]
                    counts[np.searchsorted(ordinals, again)] = many
                copy.write_row((kind, term, *stored(size, ordinals, counts, common=True)))
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO search_meta (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [("bitmaps", str(newest)), ("build", uuid.uuid4().hex), (_UNORDERED, "0")],
        )


def _scan(
    conn: psycopg.Connection[Any], table: sql.Identifier, terms: list[str]
) -> tuple[dict[str, Any], Tally]:
    """Read a kind's documents in ordinal order: their columns (see
    :func:`~sucai.search.bounds.build_columns`; lengths as codes into :data:`_FIELD_NORMS`,
    ``genre``, ``role`` and ``source`` as they are), and how often they hold ``terms`` and
    their words."""
    names = ("un", "bn", "wn", "tn", "heading", "article", "pos", "rid", "year")
    parts: dict[str, list[Any]] = {name: [] for name in (*names, "genre", "role", "source")}
    norms = np.array(_FIELD_NORMS)
    tally = Tally(terms)
    with conn.cursor(name="search_scan") as cur:
        cur.execute(
            sql.SQL(
                "SELECT n, un, bn, wn, tn, heading, article_id, pos, rid, year, genre, role, "
                "source, body, words FROM {} ORDER BY n"
            ).format(table)
        )
        while rows := cur.fetchmany(_SCAN_CHUNK):
            fields = list(zip(*rows, strict=True))
            for name, values in zip(names, fields[1:10], strict=True):
                column = np.array(values)
                if name in ("un", "bn", "wn", "tn"):
                    column = np.searchsorted(norms, column)
                parts[name].append(column)
            for name, values in zip(("genre", "role", "source"), fields[10:13], strict=True):
                parts[name].extend(values)
            tally.add(np.array(fields[0], dtype=np.int64), list(fields[13]), list(fields[14]))
    columns: dict[str, Any] = {
        name: np.concatenate(parts[name]) if parts[name] else np.zeros(0, dtype=np.int64)
        for name in names
    }
    columns |= {name: parts[name] for name in ("genre", "role", "source")}
    return columns, tally


def _values(columns: dict[str, Any]) -> dict[str, list[object]]:
    """Replace the coded columns' values by codes; return the values of each code."""
    values: dict[str, list[object]] = {}
    for name in ("genre", "role", "source"):
        distinct = list(dict.fromkeys(columns[name]))
        code = {value: i for i, value in enumerate(distinct)}
        columns[name] = np.array([code[v] for v in columns[name]], dtype=np.int32)
        values[name] = distinct
    return values


def _drop_generations(conn: psycopg.Connection[Any], *, keep: str | None) -> None:
    """Drop every generation but ``keep``, a rebuild cut short, and the tables of an index
    built before generations; point the session back at its own schema."""
    names = conn.execute(
        f"SELECT nspname FROM pg_namespace WHERE nspname ~ '^({_GENERATION}[0-9]+|{_NEXT})$'"
    ).fetchall()
    for (name,) in names:
        if name != keep:
            # Waits for the searches still reading it (they hold locks on its tables).
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))
    conn.execute(f"SELECT set_config('search_path', {_BASE_PATH}, false)")
    conn.execute(_DROP)


@dataclass(frozen=True, slots=True)
class _Ranked:
    article_id: int
    pos: int
    rid: int
    score: float


def _prepare(term: str) -> str:
    return index_text(term)


def _clause(what: str, text: str, norm: str, idf: float, avg: float, boost: float) -> Clause:
    """A BM25 clause (see :class:`~sucai.search.bounds.Clause`) of ``text`` with the column
    ``norm`` as its length, ``avg`` the average length."""
    return Clause(
        what, text, norm, boost * idf * (_K1 + 1), _K1 * (1 - _B), _K1 * _B / max(avg, 1e-9)
    )


def _bm25(tf: sql.Composable, clause: Clause) -> sql.Composed:
    """``c1·tf / (tf + c2 + c3·dl)`` of ``clause`` as SQL, with the column of dl as tantivy
    stores it (:func:`_norm`): ``boost·idf·(k1+1)·tf / (tf + k1·(1 − b + b·dl/avgdl))``."""
    return sql.SQL("({} * {} / ({} + {} + {} * {}))").format(
        _float(clause.c1),
        tf,
        tf,
        _float(clause.c2),
        _float(clause.c3),
        sql.Identifier(clause.norm),
    )


def _float(value: float) -> sql.Composed:
    """A constant of the score, as ``float8``: a bare decimal literal is ``numeric`` in SQL,
    whose arithmetic costs several times more for every row scored."""
    return sql.SQL("{}::float8").format(sql.Literal(value))


def _count_in(column: str, needle: str) -> sql.Composed:
    """Occurrences of ``needle`` in ``column``, as a float, counted as tantivy counts a term's
    positions: overlapping ones too (``——`` is in ``————`` three times). A term of ``body``
    that can overlap itself is counted by a regular expression that matches before each
    occurrence; anything else by lengths (bytes: no character counting)."""
    if column == "body" and any(needle[:k] == needle[-k:] for k in range(1, len(needle))):
        pattern = "(?=" + re.sub(r"([\\^$.|?*+()\[\]{}])", r"\\\1", needle) + ")"
        return sql.SQL("regexp_count({c}, {p})::float8").format(
            c=sql.Identifier(column), p=_text(pattern)
        )
    return sql.SQL(
        "((octet_length({c}) - octet_length(replace({c}, {n}, '')))::float8 / {k})"
    ).format(c=sql.Identifier(column), n=_text(needle), k=sql.Literal(len(needle.encode())))


def _terms_of(rows: dict[tuple[str, str], int]) -> set[str]:
    """The terms of ``term_rows`` output."""
    return {term for _, term in rows}


def _term_rows(conn: psycopg.Connection[Any], terms: Iterable[str]) -> dict[tuple[str, str], int]:
    """Every ``(field, term) → df`` row of ``search_terms`` for ``terms``, in one query."""
    rows = conn.execute(
        # Both columns of the primary key: an index scan.
        "SELECT field, term, df FROM search_terms "
        "WHERE field = ANY('{0,1,2,w,t}'::\"char\"[]) AND term = ANY(%s)",
        (list(dict.fromkeys(terms)),),
    ).fetchall()
    return {(str(field), str(term)): int(df) for field, term, df in rows}


def _plan(
    index: PgSearchIndex, conn: psycopg.Connection[Any], query: Query, meta: dict[str, str]
) -> _Plan:
    kind = _KINDS[query.scope]
    terms = [t for t in (_prepare(t) for t in query.terms) if t.strip(SPACE)]
    excluded = [_prepare(t) for t in query.excluded if t]
    pieces = {p: None for t in terms for p in _pieces(t)}
    words = sorted({w for t in terms for w in word_tokens(t).split()})
    stats = index.stats(meta)
    joined = "".join(terms)
    # Every bigram of a longer term: the rarest ones find its documents (see below).
    bigrams = {
        t: list(dict.fromkeys(map("".join, itertools.pairwise(t)))) for t in terms if len(t) > 2
    }
    rows = _term_rows(
        conn,
        [
            *pieces,
            *(g for grams in bigrams.values() for g in grams),
            *(_pieces(joined) if len(terms) > 1 else ()),
            *words,
        ],
    )

    def df(fields: str, term: str) -> int:
        return sum(rows.get((f, term), 0) for f in fields)

    grams_df = {p: df("012", p) for p in _terms_of(rows) if len(p) <= 2}
    words_df = {w: df("w", w) for w in words}
    title_df = {w: df("t", w) for w in words} if query.scope == "all" else {}

    # The conditions beyond the kind and the GIN index's tsquery (which ``where`` puts first).
    conditions: list[sql.Composable] = []
    params: list[object] = []
    for term in terms:
        if len(term) > 2:
            conditions.append(sql.SQL("strpos(body, %s) > 0"))
            params.append(term)
    for term in excluded:
        conditions.append(sql.SQL("strpos(body, %s) = 0"))
        params.append(term)
    filters: dict[str, object] = {}
    if query.genre is not None:
        conditions.append(sql.SQL("genre = %s"))
        params.append(query.genre)
        filters["genre"] = query.genre
    if query.role is not None:
        conditions.append(sql.SQL("role = %s"))
        params.append(query.role)
        filters["role"] = query.role
    if query.source is not None:
        conditions.append(sql.SQL("source = %s"))
        params.append(query.source)
        filters["source"] = query.source
    if query.year_from is not None:
        conditions.append(sql.SQL("year >= %s"))
        params.append(query.year_from)
        filters["year_from"] = query.year_from
    if query.year_to is not None:
        conditions.append(sql.SQL("year BETWEEN 1 AND %s"))
        params.append(query.year_to)
        filters["year_to"] = query.year_to
    filtered = bool(filters)

    where: list[sql.Composable] = [sql.SQL("kind = {}").format(sql.Literal(kind))]
    where_params: list[object] = []
    if pieces:
        # A longer term by its two rarest bigrams, the middle ones too (家安 of 国家安全):
        # they leave ``strpos`` the fewest documents to read that lack the term.
        sought = {
            g: None
            for t in terms
            for g in (
                sorted(bigrams[t], key=lambda g: (df(str(kind), g), g))[:2] if t in bigrams else [t]
            )
        }
        where.append(sql.SQL("grams @@ %s::tsquery"))
        where_params.append(" & ".join(_lexeme(g) for g in sought))
    # The same matches without the GIN index, for rows found another way (by ordinal): a
    # lexeme is in ``grams`` exactly when its text is in ``body``.
    scan = [sql.SQL("strpos(body, {}) > 0").format(_text(t)) for t in terms if len(t) <= 2]
    single = len(terms) == 1 and len(terms[0]) <= 2 and not excluded and not filtered
    lexemes = None
    if terms and not filtered and all(len(t) <= 2 for t in (*terms, *excluded)):
        lexemes = (tuple(terms), tuple(excluded))
    known: int | None = None
    if not terms:
        known = 0
    elif single:
        # One bigram or character: its document frequency in this kind is the total.
        known = df(str(kind), terms[0])

    docs = max(1, stats.docs)
    avg_bi = stats.bi_tokens / docs
    avg_uni = stats.uni_tokens / docs
    avg_words = stats.word_tokens / docs
    avg_tw = stats.tw_tokens / docs
    parts: list[sql.Composable] = []
    # Per-row values the score uses more than once are computed once, in the inner query.
    features: list[sql.Composable] = []

    def feature(expression: sql.Composable) -> sql.Identifier:
        features.append(expression)
        return sql.Identifier(f"f{len(features)}")

    def term_clause(what: str, term: str, boost: float) -> Clause:
        if len(term) == 1:
            return _clause(what, term, "un", stats.idf(grams_df.get(term, 0)), avg_uni, boost)
        idf = sum(stats.idf(grams_df.get(p, 0)) for p in _pieces(term))
        return _clause(what, term, "bn", idf, avg_bi, boost)

    clauses: list[Clause] = []
    for term in terms:
        # tantivy indexes characters without their frequencies: a character's tf is 1.
        clause = term_clause("one" if len(term) == 1 else "text", term, 1.0)
        tf = sql.SQL("1.0::float8") if len(term) == 1 else feature(_count_in("body", term))
        clauses.append(clause)
        parts.append(_bm25(tf, clause))
    if len(terms) > 1:
        clause = term_clause("text", joined, _ADJACENT_BOOST)
        tf = feature(_count_in("body", joined))
        clauses.append(clause)
        parts.append(sql.SQL("CASE WHEN {} > 0 THEN {} ELSE 0 END").format(tf, _bm25(tf, clause)))
    for word in words:
        clause = _clause(
            "word", word, "wn", stats.idf(words_df.get(word, 0)), avg_words, _WORD_BOOST
        )
        clauses.append(clause)
        parts.append(_bm25(feature(_count_in("words", f" {word} ")), clause))
    if query.scope == "all":
        # tantivy scores the one-token ``heading`` field of every paragraph: dl 1, avgdl the
        # share of paragraphs among all documents.
        avg_heading = max(stats.paragraphs / docs, 1e-9)
        heading = (
            _CONTEXT_BOOST
            * stats.idf(stats.headings)
            * (_K1 + 1)
            / (1 + _K1 * (1 - _B + _B / avg_heading))
        )
        clauses.append(Clause("heading", "", "", heading))
        parts.append(sql.SQL("CASE WHEN heading THEN {} ELSE 0 END").format(_float(heading)))
        for word in words:
            if title_df.get(word):
                clause = _clause(
                    "title", word, "tn", stats.idf(title_df[word]), avg_tw, _CONTEXT_BOOST
                )
                clauses.append(clause)
                parts.append(
                    sql.SQL("CASE WHEN {} THEN {} ELSE 0 END").format(
                        feature(sql.SQL("strpos(title, {}) > 0").format(_text(f" {word} "))),
                        _bm25(sql.SQL("1.0::float8"), clause),
                    )
                )
    score = sql.SQL(" + ").join(parts) if parts else sql.SQL("0")
    return _Plan(
        kind,
        sql.SQL(" AND ").join([*where, *conditions]),
        (*where_params, *params),
        sql.SQL("").join(
            sql.SQL(", {} AS {}").format(f, sql.Identifier(f"f{i}"))
            for i, f in enumerate(features, 1)
        ),
        sql.Composed([score]),
        known,
        int(meta.get("last", 0)),
        lexemes,
        int(meta["bitmaps"]) if "bitmaps" in meta else None,
        sql.SQL(" AND ").join([sql.SQL("TRUE"), *conditions, *scan]),
        tuple(params),
        tuple(clauses),
        tuple(terms),
        tuple(excluded),
        filters,
        {g: df(str(kind), g) for g in _terms_of(rows) if len(g) <= 2},
        meta.get("build"),
        meta.get(_UNORDERED) == "0",
        index.bounds,
    )


def _hits(store: Store, query: Query, page: list[_Ranked]) -> list[SearchHit]:
    return build_hits(store, query, [(r.score, r.rid, r.article_id, r.pos) for r in page])
