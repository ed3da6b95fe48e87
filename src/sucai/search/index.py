"""The search index: tantivy on every server, a cache of the library fed by its change log.

The library (a SQLite file or a PostgreSQL database) is the truth; each server keeps its own
index in a folder — beside a SQLite library (``<db>-search/``), or a local folder per server
for a PostgreSQL one (see :func:`default_index_dir`). The store's change log
(``changes``, written by triggers in the transaction of every change that affects search)
tells a server what to re-index: :meth:`SearchIndex.sync` applies the rows it has not seen,
so every server answers the same hits, totals and ranking, whichever backend holds the library.

Each generation of the index holds two tantivy indexes of the same schema:

* ``full`` — every paragraph, article title and outline entry: what members, admins and the
  operator's command line search;
* ``free`` — the same without the paragraphs in the paid part and the outline entries standing
  on them: what a visitor searches and checks drafts against (issue 15). Paid text never enters
  it, so the visitor's hits, totals, facets and ranking (BM25 statistics included) are a
  function of the free text alone. A change to an article's paid part only leaves its free
  documents alone (each article's title document carries a hash of its free documents,
  ``fh``): re-adding them would leave deleted copies in tantivy's statistics until a merge, and
  the ranking of free hits would tell that the paid text changed.

Each document is one of three kinds: a **paragraph** (kind 0), an article **title** (kind 1)
or an **outline** entry (kind 2, 提纲检索).

Folder layout::

    CURRENT            the generation in use ("3")
    g3/meta.json       {"schema", "tokenizer", "library", "seq", "mark"}: the last change
                       applied, and what identifies it (a library restored from a backup
                       numbers other changes the same: the index is then built again)
    g3/full/ g3/free/  the tantivy indexes
    g4.building/       a build under way; ``progress.json`` says how far it is
    lock               one writer (sync or build) at a time, across processes

A build (a new server, another schema or tokenizer, ``sucai reindex``, a replaced library)
fills a new generation beside the one in use, which goes on answering searches, and switches
``CURRENT`` when it is complete. A server with no generation yet answers searches with
:class:`~sucai.errors.IndexBuildingError` (HTTP 503 with the progress) until its first build is
done; articles, browse pages and accounts need no index.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import tantivy

from sucai.errors import IndexBuildingError, StoreError
from sucai.locks import file_lock
from sucai.search.query import doc_number_key, issuer_keys
from sucai.search.tokenize import TOKENIZER_ID, prepare_batch

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

    from sucai.store import IndexArticle, Store

__all__ = [
    "INDEX_SCHEMA_VERSION",
    "KIND_OUTLINE",
    "KIND_PARAGRAPH",
    "KIND_TITLE",
    "IndexState",
    "IndexView",
    "SearchIndex",
    "default_index_dir",
]

#: 6: two indexes per generation (full, free), fed by the change log; free-text hashes.
#: 7: 发文字号 and 发文机关 terms (``dn``, ``org``) for the 文号: and 机关: filters (issue 16).
#: 8: each document's length in characters (``len``), for the ranking's length prior (issue 18).
INDEX_SCHEMA_VERSION: Final = 8
KIND_PARAGRAPH: Final = 0
KIND_TITLE: Final = 1
KIND_OUTLINE: Final = 2
_CHARS: Final = "chars"  # tokenizer name: every character is a token
#: tantivy's indexing memory per writer (two writers, one per index, each with two threads).
_WRITER_HEAP: Final = 64_000_000
#: Articles read from the library and indexed at a time: a batch of laws can hold millions of
#: characters, so small batches bound memory.
_BATCH: Final = 200
#: Characters tokenized at once: the tokens take some 100 bytes a character while they are
#: made, so a batch holding long articles is tokenized in pieces (issue 22).
_TOKENIZE_CHARS: Final = 1_000_000
_CURRENT: Final = "CURRENT"
_META: Final = "meta.json"
_PROGRESS: Final = "progress.json"
_VIEWS: Final = ("full", "free")


def default_index_dir(url: str) -> Path:
    """Where a server keeps the index of the PostgreSQL library at ``url``:
    ``$XDG_CACHE_HOME/sucai/index/<host>-<database>-<hash>`` (``~/.cache/…``).

    The password in the URL does not change the folder; the hash keeps two libraries of the
    same name on different servers apart.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    where = f"{parts.hostname or 'local'}:{parts.port or 5432}{parts.path}"
    digest = hashlib.sha256(where.encode()).hexdigest()[:10]
    name = "".join(c if c.isalnum() else "-" for c in where.replace(":", "-").strip("/"))
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sucai" / "index" / f"{name}-{digest}"


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("kind", indexed=True, fast=True)
    builder.add_unsigned_field("rid", fast=True)  # paragraph rowid (0 for a title)
    builder.add_unsigned_field("aid", indexed=True, fast=True)  # article id
    builder.add_unsigned_field("pos", fast=True)  # paragraph index (outline: entry index)
    builder.add_unsigned_field("year", indexed=True, fast=True)  # 0 when unknown
    builder.add_unsigned_field("paid", indexed=True, fast=True)
    builder.add_unsigned_field("heading", indexed=True)  # the paragraph is a heading line
    builder.add_unsigned_field("fh", fast=True)  # on a title: hash of the article's free docs
    builder.add_unsigned_field("len", fast=True)  # characters of the text
    # Fast fields too: search facets count them over all matches.
    builder.add_text_field("genre", tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_text_field("role", tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_text_field("src", tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_text_field("dn", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("org", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("bi", tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("uni", tokenizer_name=_CHARS, index_option="basic")
    builder.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
    # The article title's words on each paragraph: title matches lift a paragraph's rank.
    builder.add_text_field("tw", tokenizer_name="whitespace", index_option="basic")
    return builder.build()


def _open(path: Path, schema: tantivy.Schema, *, create: bool) -> tantivy.Index:
    """Open the tantivy index in ``path`` (a new one when ``create``).

    Raises:
        FileNotFoundError: not ``create``, and the folder is gone (a newer generation
            replaced it).
    """
    if not create and not (path / "meta.json").is_file():
        raise FileNotFoundError(path)
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        index = tantivy.Index(schema, path=str(path), reuse=True)
    except ValueError as exc:
        raise StoreError(
            f"the search index {path} cannot be opened ({exc}); delete the folder "
            "and run `sucai reindex`."
        ) from None
    # Tokenizers are not stored in the index: register them on every open.
    index.register_tokenizer(
        _CHARS, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(r"\S")).build()
    )
    return index


@dataclass(frozen=True, slots=True)
class IndexState:
    """What ``sucai info`` and ``/health`` say of a server's index.

    Attributes:
        ready: a complete generation answers searches.
        seq: the last change of the library's log applied (0: none yet).
        behind: changes of the log not applied yet.
        building: ``(done, total)`` articles of a build under way, else ``None``.
        path: the index folder.
    """

    ready: bool
    seq: int
    behind: int
    building: tuple[int, int] | None
    path: str


class IndexView:
    """One of a generation's two indexes, as searches read it: ``full`` or ``free``."""

    def __init__(self, index: tantivy.Index, schema: tantivy.Schema, paid: bool) -> None:
        self.schema = schema
        #: Whether this view holds the paid part (``full``).
        self.paid = paid
        self._index = index
        self._mean_length: tuple[tuple[int, int], float] | None = None

    def searcher(self) -> tantivy.Searcher:
        """A searcher over the latest commit this process has loaded."""
        return self._index.searcher()

    def mean_paragraph_length(self, searcher: tantivy.Searcher) -> float:
        """The mean length in characters of the paragraphs ``searcher`` sees (1 when none),
        counted again when a commit changed the number of documents or segments."""
        key = (searcher.num_docs, searcher.num_segments)
        cached = self._mean_length
        if cached is None or cached[0] != key:
            paragraphs = tantivy.Query.term_query(self.schema, "kind", KIND_PARAGRAPH)
            mean = searcher.aggregate(paragraphs, {"m": {"avg": {"field": "len"}}})["m"]["value"]
            cached = self._mean_length = (key, max(1.0, float(mean or 0)))
        return cached[1]

    # --- 查重 (see sucai.check.engine.CandidateIndex) -------------------------------------------

    def bigram_doc_freqs(self, grams: Sequence[str]) -> dict[str, int]:
        """How many documents (every kind) hold each folded bigram; 0 when none."""
        searcher = self.searcher()
        return {g: searcher.doc_freq("bi", g) for g in grams}

    def match_bigrams(
        self, lookups: Sequence[Sequence[tuple[str, int]]], limit: int
    ) -> list[list[int]]:
        """For each lookup (an OR-query of its bigrams, ranked by BM25), the rowids of the
        library paragraphs among its best ``limit`` documents."""
        searcher = self.searcher()
        should = tantivy.Occur.Should
        found: list[list[tantivy.DocAddress]] = []
        for grams in lookups:
            # No Must clause on ``kind``: intersecting with every paragraph costs 20× the
            # lookup itself; titles and outline entries are dropped below instead. Term
            # queries without positions (BM25 needs only the frequencies): 8 % less time.
            query = tantivy.Query.boolean_query(
                [
                    (should, tantivy.Query.term_query(self.schema, "bi", g, index_option="freq"))
                    for g, _ in grams
                ]
            )
            found.append([a for _, a in searcher.search(query, limit, count=False).hits])
        addresses = [a for hits in found for a in hits]
        if not addresses:
            return [[] for _ in found]
        kinds = iter(searcher.fast_field_values("kind", addresses))
        rids = iter(searcher.fast_field_values("rid", addresses))
        answers: list[list[int]] = []
        for hits in found:
            pairs = [(next(kinds), next(rids)) for _ in hits]
            answers.append([int(r) for k, r in pairs if k == KIND_PARAGRAPH and r])
        return answers


class _Generation:
    """An open generation: its two indexes and the mtime of its meta file when loaded."""

    def __init__(
        self, number: int, folder: Path, schema: tantivy.Schema, *, create: bool = False
    ) -> None:
        self.number = number
        self.folder = folder
        self.indexes = {name: _open(folder / name, schema, create=create) for name in _VIEWS}
        self.views = {
            name: IndexView(index, schema, name == "full") for name, index in self.indexes.items()
        }
        self.stamp = -1


class SearchIndex:
    """The search index of one library on this server (see the module docstring).

    Args:
        path: the index folder (created when missing).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.schema = _schema()
        self._generation: _Generation | None = None
        self._open_lock = threading.Lock()
        self._on_reload: list[Callable[[], None]] = []

    # --- state -------------------------------------------------------------------------------

    def _current(self) -> int | None:
        try:
            return int((self.path / _CURRENT).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            return None

    def _meta(self, number: int | None) -> dict[str, object]:
        if number is None:
            return {}
        try:
            data = json.loads((self.path / f"g{number}" / _META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _usable(self, meta: dict[str, object], library: str) -> bool:
        return (
            meta.get("schema") == INDEX_SCHEMA_VERSION
            and meta.get("tokenizer") == TOKENIZER_ID
            and meta.get("library") == library
            and isinstance(meta.get("seq"), int)
        )

    def applied(self) -> int | None:
        """The last change of the log applied to the generation in use (``None``: none)."""
        seq = self._meta(self._current()).get("seq")
        return seq if isinstance(seq, int) else None

    def state(self, store: Store) -> IndexState:
        """Whether searches can be answered, and how far behind the library the index is."""
        seq = self.applied()
        head = store.last_change()
        return IndexState(
            ready=seq is not None,
            seq=seq or 0,
            behind=max(0, head - (seq or 0)),
            building=self._progress(),
            path=str(self.path),
        )

    def _progress(self) -> tuple[int, int] | None:
        try:
            data = json.loads((self.path / _PROGRESS).read_text(encoding="utf-8"))
            return int(data["done"]), int(data["total"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    # --- writing -----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _writing(self, wait: bool) -> Iterator[bool]:
        """Hold the folder's write lock (across processes): yields whether it was taken."""
        # Private, as the library it indexes (issue 15): its files hold the paid text.
        self.path.mkdir(mode=0o700, parents=True, exist_ok=True)
        with file_lock(self.path / "lock", wait=wait) as taken:
            yield taken

    def sync(
        self,
        store: Store,
        *,
        on_progress: Callable[[int, int], None] | None = None,
        wait: bool = True,
    ) -> int:
        """Apply the library's changes not applied yet; return the number of articles indexed.

        Builds a new generation when there is none, or when it is of another schema, tokenizer
        or library, or ahead of the library's log (the library file was replaced).

        Args:
            store: the library.
            on_progress: called with ``(done, total)`` articles while indexing.
            wait: wait for another process that is writing the index (else return 0 at once:
                that process brings the index up to date).
        """
        with self._writing(wait) as mine:
            if not mine:
                return 0
            library = store.library_id()
            head = store.last_change()
            number = self._current()
            meta = self._meta(number)
            seq = meta.get("seq")
            if number is None or not self._usable(meta, library) or not isinstance(seq, int):
                return self._build(store, library, on_progress)
            if seq > head or meta.get("mark", "") != store.change_mark(seq):
                # The library was replaced by a backup: it numbers other changes the same.
                return self._build(store, library, on_progress)
            if seq == head:
                return 0
            changed = store.changed_articles(seq, head)
            mark = store.change_mark(head)
            # Searches see the changes once the meta says so: as soon as they are committed,
            # not after the merges the commit started (they only tidy the segments).
            folder = self.path / f"g{number}"
            return self._apply(
                number,
                store,
                changed,
                on_progress,
                on_commit=lambda: self._write_meta(folder, library, head, mark),
            )

    def rebuild(
        self, store: Store, *, on_progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Index the whole library afresh in a new generation; return the number of articles.

        Searches go on reading the generation in use until the new one is complete.
        """
        with self._writing(True):
            return self._build(store, store.library_id(), on_progress)

    def _build(
        self, store: Store, library: str, on_progress: Callable[[int, int], None] | None
    ) -> int:
        """A new generation from the whole library, then switch to it (lock held)."""
        number = (self._current() or 0) + 1
        for stale in self.path.glob("g*.building"):
            shutil.rmtree(stale, ignore_errors=True)
        if (self.path / "sucai-index.json").exists():
            # An index of schema 5 or older: one tantivy index in the folder itself.
            for old_file in self.path.iterdir():
                if old_file.is_file() and old_file.name != "lock":
                    old_file.unlink()
        folder = self.path / f"g{number}.building"
        # The log's head before reading the articles: a change committed while they are read
        # is applied again by the next sync (re-indexing an article is idempotent).
        head = store.last_change()
        mark = store.change_mark(head)
        total = store.count_articles(primary=True)
        generation = _Generation(number, folder, self.schema, create=True)
        done = 0
        self._write_progress(0, total)
        try:
            with self._writers(generation) as writers:
                for batch in store.iter_index_articles(0, batch=_BATCH):
                    self._add_batch(writers, batch)
                    done += len(batch)
                    self._write_progress(done, total)
                    if on_progress is not None:
                        on_progress(done, total)
            self._write_meta(folder, library, head, mark)
            del generation
            final = self.path / f"g{number}"
            shutil.rmtree(final, ignore_errors=True)
            folder.rename(final)
            self._set_current(number)
        finally:
            (self.path / _PROGRESS).unlink(missing_ok=True)
            shutil.rmtree(folder, ignore_errors=True)
        for old in self.path.glob("g*"):
            if old.name != f"g{number}" and old.is_dir():
                # Another process may still read the old generation: its open files stay
                # readable until it switches (see _generation_view).
                shutil.rmtree(old, ignore_errors=True)
        return done

    def _apply(
        self,
        number: int,
        store: Store,
        article_ids: list[int],
        on_progress: Callable[[int, int], None] | None,
        on_commit: Callable[[], None],
    ) -> int:
        """Re-index ``article_ids`` in generation ``number``: drop their documents, add what
        the library holds of them now (nothing, for a deleted article); ``on_commit`` is
        called once that is committed, before the merges are waited for."""
        generation = self._open_generation(number)
        generation.indexes["free"].reload()
        free = generation.indexes["free"].searcher()
        done = 0
        with self._writers(generation, on_commit) as writers:
            for start in range(0, len(article_ids), _BATCH):
                ids = article_ids[start : start + _BATCH]
                articles = store.index_articles(ids)
                hashes = _free_hashes(free, self.schema, ids)
                unchanged = {a.id for a in articles if hashes.get(a.id) == _free_hash(a)}
                writers["full"].delete_documents_by_query(
                    tantivy.Query.term_set_query(self.schema, "aid", ids)
                )
                changed = [i for i in ids if i not in unchanged]
                if changed:
                    writers["free"].delete_documents_by_query(
                        tantivy.Query.term_set_query(self.schema, "aid", changed)
                    )
                self._add_batch(writers, articles, keep_free=unchanged)
                done += len(ids)
                if on_progress is not None:
                    on_progress(done, len(article_ids))
        return done

    @contextlib.contextmanager
    def _writers(
        self, generation: _Generation, on_commit: Callable[[], None] | None = None
    ) -> Iterator[dict[str, tantivy.IndexWriter]]:
        """One writer per index; all commit at the end (then ``on_commit`` is called) and
        merge, or roll back on any error (or Ctrl-C)."""
        writers: dict[str, tantivy.IndexWriter] = {}
        try:
            for name, index in generation.indexes.items():
                writers[name] = index.writer(_WRITER_HEAP, 2)
        except ValueError as exc:
            raise StoreError(
                f"the search index {generation.folder} is locked by a process that is gone "
                f"({exc}); stop every sucai using it, delete the folder and run `sucai reindex`."
            ) from None
        try:
            yield writers
            _at_once(writers, "commit")
            if on_commit is not None:
                on_commit()
            _at_once(writers, "wait_merging_threads")
        except BaseException:
            for writer in writers.values():
                with contextlib.suppress(Exception):
                    writer.rollback()
            raise
        finally:
            # Dropping a writer releases tantivy's lock on its index: the next sync of this
            # process opens its own.
            writers.clear()

    def _write_meta(self, folder: Path, library: str, seq: int, mark: str) -> None:
        meta = {
            "schema": INDEX_SCHEMA_VERSION,
            "tokenizer": TOKENIZER_ID,
            "library": library,
            "seq": seq,
            "mark": mark,  # Store.change_mark(seq)
        }
        _replace(folder / _META, json.dumps(meta))

    def _write_progress(self, done: int, total: int) -> None:
        _replace(self.path / _PROGRESS, json.dumps({"done": done, "total": total}))

    def _set_current(self, number: int) -> None:
        _replace(self.path / _CURRENT, str(number))

    def clear(self) -> None:
        """Remove the index folder (the next sync builds it again)."""
        with self._open_lock:
            self._generation = None
        shutil.rmtree(self.path, ignore_errors=True)

    def _add_batch(
        self,
        writers: dict[str, tantivy.IndexWriter],
        batch: list[IndexArticle],
        keep_free: set[int] | frozenset[int] = frozenset(),
    ) -> None:
        """Add the documents of ``batch``: to both indexes, except the free documents of
        the articles in ``keep_free`` (the free index holds them as they are)."""
        texts: list[str] = []
        for article in batch:
            texts.append(article.title)
            texts.extend(text for _, _, text, _, _ in article.paragraphs)
            texts.extend(text for _, text, _ in article.outline)
        prepared: list[str] = []
        bigrams: list[str] = []
        words: list[str] = []
        start = size = 0
        for end, text in enumerate(texts, 1):
            size += len(text)
            if size >= _TOKENIZE_CHARS or end == len(texts):
                more = prepare_batch(texts[start:end])
                prepared += more[0]
                bigrams += more[1]
                words += more[2]
                start, size = end, 0
        at = 0
        for article in batch:
            free = article.id not in keep_free
            at = self._add_article(writers, article, prepared, bigrams, words, at, free)

    def _add_article(
        self,
        writers: dict[str, tantivy.IndexWriter],
        article: IndexArticle,
        prepared: list[str],
        bigrams: list[str],
        words: list[str],
        at: int,
        free: bool,
    ) -> int:
        """Add one article's documents; its texts start at ``at`` in the batch lists.

        Every document goes to the full index; when ``free``, all but the paid ones to the
        free index too.
        """

        def document(kind: int, rid: int, pos: int, paid: bool, i: int) -> tantivy.Document:
            doc = tantivy.Document()
            doc.add_unsigned("kind", kind)
            doc.add_unsigned("rid", rid)
            doc.add_unsigned("aid", article.id)
            doc.add_unsigned("pos", pos)
            doc.add_unsigned("year", article.year or 0)
            doc.add_unsigned("paid", int(paid))
            doc.add_unsigned("len", len(prepared[i]))
            doc.add_text("genre", article.genre)
            if article.role:
                doc.add_text("role", article.role)
            if article.source:
                doc.add_text("src", article.source)
            if article.doc_number:
                doc.add_text("dn", doc_number_key(article.doc_number))
            for key in issuer_keys(article.issuer or ""):
                doc.add_text("org", key)
            doc.add_text("bi", bigrams[i])
            doc.add_text("uni", prepared[i])
            doc.add_text("words", words[i])
            return doc

        def add(doc: tantivy.Document, paid: bool) -> None:
            writers["full"].add_document(doc)
            if free and not paid:
                writers["free"].add_document(doc)

        title_words = words[at]
        title = document(KIND_TITLE, 0, 0, False, at)
        title.add_unsigned("fh", _free_hash(article))
        add(title, False)
        at += 1
        for rowid, idx, _, heading, paid in article.paragraphs:
            doc = document(KIND_PARAGRAPH, rowid, idx, paid, at)
            doc.add_unsigned("heading", int(heading > 0))
            doc.add_text("tw", title_words)
            add(doc, paid)
            at += 1
        rowids = {idx: rowid for rowid, idx, _, _, _ in article.paragraphs}
        paid_at = {idx: paid for _, idx, _, _, paid in article.paragraphs}
        for idx, _, paragraph in article.outline:
            paid = paid_at.get(paragraph, False)
            add(document(KIND_OUTLINE, rowids.get(paragraph, 0), idx, paid, at), paid)
            at += 1
        return at

    # --- reading -----------------------------------------------------------------------------

    def _open_generation(self, number: int) -> _Generation:
        with self._open_lock:
            if self._generation is None or self._generation.number != number:
                self._generation = _Generation(number, self.path / f"g{number}", self.schema)
            return self._generation

    def view(self, *, paid: bool) -> IndexView:
        """The index a search reads: ``full`` when ``paid`` (the viewer may read the paid
        part), else ``free``; reloaded when this or another process committed since.

        Raises:
            IndexBuildingError: no generation is complete yet (the first build is under way,
                or has not started: run ``sucai reindex``).
        """
        for attempt in range(3):
            number = self._current()
            if number is None:
                raise IndexBuildingError(self._progress())
            try:
                generation = self._open_generation(number)
                stamp = (generation.folder / _META).stat().st_mtime_ns
                if stamp != generation.stamp:
                    for index in generation.indexes.values():
                        index.reload()
                    generation.stamp = stamp
                    for fn in self._on_reload:
                        fn()
            except (OSError, ValueError):
                # Another process switched to a new generation and removed this one between
                # reading CURRENT and loading it: read CURRENT again.
                if attempt == 2:
                    raise
                continue
            break
        return generation.views["full" if paid else "free"]

    def on_reload(self, fn: Callable[[], None]) -> None:
        """Call ``fn`` whenever a search loads a newer commit (this or another process's)."""
        self._on_reload.append(fn)

    def close(self) -> None:
        """Let go of the open indexes (the folder stays)."""
        with self._open_lock:
            self._generation = None


def _at_once(writers: dict[str, tantivy.IndexWriter], method: str) -> None:
    """Call ``method`` of every writer, each in a thread: tantivy lets go of the GIL, so their
    commits' writes and fsyncs (most of a small sync's time) overlap. Raises the first error
    once all are done."""
    with ThreadPoolExecutor(len(writers), thread_name_prefix="sucai-commit") as pool:
        done = [pool.submit(getattr(writer, method)) for writer in writers.values()]
    for future in done:
        future.result()


def _free_hash(article: IndexArticle) -> int:
    """A 64-bit hash of what the free index holds of ``article``."""
    paid = {idx for _, idx, _, _, flag in article.paragraphs if flag}
    free = (
        article.title,
        article.role,
        article.genre,
        article.year,
        article.source,
        article.doc_number,
        article.issuer,
        [p for p in article.paragraphs if not p[4]],
        [e for e in article.outline if e[2] not in paid],
    )
    digest = hashlib.blake2b(repr(free).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def _free_hashes(
    searcher: tantivy.Searcher, schema: tantivy.Schema, ids: list[int]
) -> dict[int, int]:
    """The free-document hash of each of ``ids`` as the free index holds it."""
    must = tantivy.Occur.Must
    query = tantivy.Query.boolean_query(
        [
            (must, tantivy.Query.term_query(schema, "kind", KIND_TITLE)),
            (must, tantivy.Query.term_set_query(schema, "aid", ids)),
        ]
    )
    addresses = [a for _, a in searcher.search(query, len(ids) + 1).hits]
    aids = searcher.fast_field_values("aid", addresses)
    hashes = searcher.fast_field_values("fh", addresses)
    return {int(a or 0): int(h or 0) for a, h in zip(aids, hashes, strict=True)}


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (readers see the old file or the new one)."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{time.monotonic_ns()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
