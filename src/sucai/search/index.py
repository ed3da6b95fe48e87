"""The search index: a tantivy index in a folder beside the library file.

The SQLite library stays the truth; the index can always be rebuilt from it. A small
``sucai-index.json`` in the folder records the index schema version, the tokenizer id and the
highest article id indexed; :meth:`SearchIndex.sync` adds what the library has beyond that and
rebuilds from scratch when the schema or tokenizer changed or the library was replaced.

Each document is one of three kinds:

* a **paragraph** (kind 0) — the body of search;
* an article **title** (kind 1) — ``--in title``;
* an **outline** entry (kind 2) — ``--in outline`` (提纲检索).
"""

from __future__ import annotations

import contextlib
import json
import shutil
from typing import TYPE_CHECKING, Final

import tantivy

from sucai.errors import StoreError
from sucai.search.tokenize import TOKENIZER_ID, prepare_batch

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from pathlib import Path

    from sucai.store import IndexArticle, Store

__all__ = ["INDEX_SCHEMA_VERSION", "KIND_OUTLINE", "KIND_PARAGRAPH", "KIND_TITLE", "SearchIndex"]

INDEX_SCHEMA_VERSION: Final = 5  # 4: genre and role fast (facets); 5: source
KIND_PARAGRAPH: Final = 0
KIND_TITLE: Final = 1
KIND_OUTLINE: Final = 2
_META: Final = "sucai-index.json"
_CHARS: Final = "chars"  # tokenizer name: every character is a token
_WRITER_HEAP: Final = 100_000_000
# Characters tokenized at once: the tokens take some 100 bytes a character while they are
# made, so a batch holding long articles is tokenized in pieces (issue 22).
_TOKENIZE_CHARS: Final = 1_000_000


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("kind", indexed=True, fast=True)
    builder.add_unsigned_field("rid", fast=True)  # paragraph rowid (0 for a title)
    builder.add_unsigned_field("aid", indexed=True, fast=True)  # article id
    builder.add_unsigned_field("pos", fast=True)  # paragraph index (outline: entry index)
    builder.add_unsigned_field("year", indexed=True, fast=True)  # 0 when unknown
    builder.add_unsigned_field("paid", indexed=True, fast=True)
    builder.add_unsigned_field("heading", indexed=True)  # the paragraph is a heading line
    # Fast fields too: search facets count them over all matches.
    builder.add_text_field("genre", tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_text_field("role", tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_text_field("src", tokenizer_name="raw", index_option="basic", fast=True)
    builder.add_text_field("bi", tokenizer_name="whitespace", index_option="position")
    builder.add_text_field("uni", tokenizer_name=_CHARS, index_option="basic")
    builder.add_text_field("words", tokenizer_name="whitespace", index_option="freq")
    # The article title's words on each paragraph: title matches lift a paragraph's rank.
    builder.add_text_field("tw", tokenizer_name="whitespace", index_option="basic")
    return builder.build()


@contextlib.contextmanager
def _committing(writer: tantivy.IndexWriter) -> Iterator[tantivy.IndexWriter]:
    """Commit what the block wrote and wait for merges; roll back on any error (or Ctrl-C)."""
    try:
        yield writer
        writer.commit()
        writer.wait_merging_threads()
    except BaseException:
        with contextlib.suppress(Exception):
            writer.rollback()
        raise


class SearchIndex:
    """The tantivy index of one library.

    Args:
        path: the index folder (created when missing).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.schema = _schema()
        self._index: tantivy.Index | None = None
        self._stamp = -1  # mtime of tantivy's meta.json when the reader was last reloaded
        self._on_reload: list[Callable[[], None]] = []

    # --- state -------------------------------------------------------------------------------

    def _meta(self) -> dict[str, object]:
        try:
            data = json.loads((self.path / _META).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_meta(self, last_article: int | None) -> None:
        meta = {"schema": INDEX_SCHEMA_VERSION, "tokenizer": TOKENIZER_ID, "last": last_article}
        tmp = self.path / (_META + ".tmp")
        tmp.write_text(json.dumps(meta), encoding="utf-8")
        tmp.replace(self.path / _META)

    def indexed_up_to(self) -> int | None:
        """Highest article id in the index, or ``None`` when it must be rebuilt."""
        meta = self._meta()
        if meta.get("schema") != INDEX_SCHEMA_VERSION or meta.get("tokenizer") != TOKENIZER_ID:
            return None
        last = meta.get("last")
        return last if isinstance(last, int) else None

    def index(self) -> tantivy.Index:
        """The open tantivy index (opened on first use)."""
        if self._index is None:
            try:
                self.path.mkdir(parents=True, exist_ok=True)
                self._index = tantivy.Index(self.schema, path=str(self.path), reuse=True)
            except ValueError as exc:
                raise StoreError(
                    f"the search index {self.path} cannot be opened ({exc}); delete the folder "
                    "and run `sucai reindex`."
                ) from None
            # Tokenizers are not stored in the index: register them on every open.
            self._index.register_tokenizer(
                _CHARS, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(r"\S")).build()
            )
        return self._index

    # --- writing -----------------------------------------------------------------------------

    def sync(self, store: Store, *, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Bring the index up to date with the library; return the number of articles added.

        Rebuilds from scratch when the index is missing, from an older schema or tokenizer,
        or ahead of the library (the library file was replaced).

        Args:
            store: the library.
            on_progress: called with ``(done, total)`` articles while indexing.
        """
        newest = store.max_article_id()
        last = self.indexed_up_to()
        if last is not None and last == newest:
            return 0
        if last is None or last > newest:
            self.clear()
            last = 0
        total = store.count_matching(None) if last == 0 else max(0, newest - last)
        index = self.index()
        try:
            writer = index.writer(_WRITER_HEAP, 2)
        except ValueError as exc:
            if "lock" not in str(exc).lower():
                raise
            # Another process is writing the index; it will bring it up to date.
            return 0
        with _committing(writer):
            # Documents of articles past the recorded mark may exist from an interrupted
            # sync whose commit landed but whose mark did not: drop them before re-adding.
            writer.delete_documents_by_query(
                tantivy.Query.range_query(
                    self.schema, "aid", tantivy.FieldType.Unsigned, last + 1, None
                )
            )
            done = 0
            # Small batches bound memory: a batch of laws can hold millions of characters.
            for batch in store.iter_index_articles(last, batch=200):
                self._add_batch(writer, batch)
                done += len(batch)
                if on_progress is not None:
                    on_progress(done, total)
        self._write_meta(newest)
        self._stamp = -1
        return done

    def rebuild(
        self, store: Store, *, on_progress: Callable[[int, int], None] | None = None
    ) -> int:
        """Index the whole library afresh; return the number of articles (see :meth:`sync`)."""
        self.clear()
        return self.sync(store, on_progress=on_progress)

    def refresh(self, store: Store, article_ids: list[int]) -> None:
        """Re-index articles whose text changed or that are gone (``sucai duplicates``).

        Articles the index has not reached yet are left to :meth:`sync`. When another process
        holds the index, the index is marked stale instead: the next sync rebuilds it.
        """
        last = self.indexed_up_to()
        ids = [i for i in article_ids if last is not None and i <= last]
        if not ids:
            return
        try:
            writer = self.index().writer(_WRITER_HEAP, 2)
        except ValueError as exc:
            if "lock" not in str(exc).lower():
                raise
            self._write_meta(None)
            return
        with _committing(writer):
            for article_id in ids:
                writer.delete_documents_by_query(
                    tantivy.Query.range_query(
                        self.schema, "aid", tantivy.FieldType.Unsigned, article_id, article_id
                    )
                )
            self._add_batch(writer, store.index_articles(ids))
        self._stamp = -1

    def clear(self) -> None:
        """Remove the index folder (the next sync rebuilds it)."""
        self._index = None
        self._stamp = -1
        shutil.rmtree(self.path, ignore_errors=True)

    def _add_batch(self, writer: tantivy.IndexWriter, articles: list[IndexArticle]) -> None:
        texts: list[str] = []
        for article in articles:
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
        for article in articles:
            at = self._add_article(writer, article, prepared, bigrams, words, at)

    def _add_article(
        self,
        writer: tantivy.IndexWriter,
        article: IndexArticle,
        prepared: list[str],
        bigrams: list[str],
        words: list[str],
        at: int,
    ) -> int:
        """Add one article's documents; its texts start at ``at`` in the batch lists."""

        def document(kind: int, rid: int, pos: int, paid: bool, i: int) -> tantivy.Document:
            doc = tantivy.Document()
            doc.add_unsigned("kind", kind)
            doc.add_unsigned("rid", rid)
            doc.add_unsigned("aid", article.id)
            doc.add_unsigned("pos", pos)
            doc.add_unsigned("year", article.year or 0)
            doc.add_unsigned("paid", int(paid))
            doc.add_text("genre", article.genre)
            if article.role:
                doc.add_text("role", article.role)
            if article.source:
                doc.add_text("src", article.source)
            doc.add_text("bi", bigrams[i])
            doc.add_text("uni", prepared[i])
            doc.add_text("words", words[i])
            return doc

        title_words = words[at]
        writer.add_document(document(KIND_TITLE, 0, 0, False, at))
        at += 1
        for rowid, idx, _, heading, paid in article.paragraphs:
            doc = document(KIND_PARAGRAPH, rowid, idx, paid, at)
            doc.add_unsigned("heading", int(heading > 0))
            doc.add_text("tw", title_words)
            writer.add_document(doc)
            at += 1
        rowids = {idx: rowid for rowid, idx, _, _, _ in article.paragraphs}
        paid_at = {idx: paid for _, idx, _, _, paid in article.paragraphs}
        for idx, _, paragraph in article.outline:
            paid = paid_at.get(paragraph, False)
            writer.add_document(document(KIND_OUTLINE, rowids.get(paragraph, 0), idx, paid, at))
            at += 1
        return at

    # --- reading -----------------------------------------------------------------------------

    def searcher(self) -> tantivy.Searcher:
        """A searcher over the latest commit (reloaded when another process committed)."""
        index = self.index()
        try:
            stamp = (self.path / "meta.json").stat().st_mtime_ns
        except OSError:
            stamp = 0
        if stamp != self._stamp:
            index.reload()
            self._stamp = stamp
            for fn in self._on_reload:
                fn()
        return index.searcher()

    def on_reload(self, fn: Callable[[], None]) -> None:
        """Call ``fn`` whenever the searcher reloads a newer commit (this or another process's)."""
        self._on_reload.append(fn)

    # --- 查重 (see sucai.check.engine.CandidateIndex) -------------------------------------------

    def bigram_doc_freqs(self, grams: Sequence[str]) -> dict[str, int]:
        """How many documents (every kind) hold each folded bigram; 0 when none."""
        searcher = self.searcher()
        return {g: searcher.doc_freq("bi", g) for g in grams}

    def match_bigrams(self, lookups: Sequence[Sequence[tuple[str, int]]], limit: int) -> list[int]:
        """Rowids of the library paragraphs among the best ``limit`` documents of each lookup
        (an OR-query of its bigrams, ranked by BM25), ascending and each once."""
        searcher = self.searcher()
        should = tantivy.Occur.Should
        addresses: list[tantivy.DocAddress] = []
        for grams in lookups:
            # No Must clause on ``kind``: intersecting with every paragraph costs 20× the
            # lookup itself; titles and outline entries are dropped below instead.
            query = tantivy.Query.boolean_query(
                [(should, tantivy.Query.term_query(self.schema, "bi", g)) for g, _ in grams]
            )
            addresses.extend(a for _, a in searcher.search(query, limit).hits)
        if not addresses:
            return []
        kinds = searcher.fast_field_values("kind", addresses)
        rids = searcher.fast_field_values("rid", addresses)
        return sorted(
            {int(r or 0) for k, r in zip(kinds, rids, strict=True) if k == KIND_PARAGRAPH and r}
        )
