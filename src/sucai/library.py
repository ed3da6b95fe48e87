"""The Library facade: what the CLI, the web app and Python callers use."""

from __future__ import annotations

import builtins
import logging
import multiprocessing
import multiprocessing.synchronize
import os
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sucai.basket import check_name, item_paragraphs, parse_ref, validate_item
from sucai.check import (
    DEFAULT_MIN_SPAN,
    check_cross,
    check_paragraphs,
    draft_from_path,
    load_stock_phrases,
    split_paragraphs,
)
from sucai.errors import NotFoundError, StoreUnavailableError, UserError
from sucai.export import (
    ZipSink,
    article_document,
    basket_document,
    check_format,
    export_articles,
    get_template,
    read_codes,
    render,
)
from sucai.hygiene import apply_originals, article_findings
from sucai.ingest import copies
from sucai.ingest.neardup import DEFAULT_SIMILARITY, jaccard, read_article, register
from sucai.ingest.pipeline import ingest
from sucai.ingest.sources import count_inputs
from sucai.search.engine import Similar, search, similar
from sucai.search.index import SearchIndex, default_index_dir
from sucai.search.query import parse_query
from sucai.store import is_postgres_url, open_store

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from sucai.check import CrossReport, OverlapReport, StockPhrases
    from sucai.export import Stamp
    from sucai.hygiene import ArticleHygiene
    from sucai.models import Article, FileReport, IngestReport, Paragraph
    from sucai.search.engine import SearchPage
    from sucai.search.index import IndexState
    from sucai.search.query import Query
    from sucai.store import (
        ArticleFilter,
        ArticleSummary,
        AuditEntry,
        Basket,
        BasketItem,
        LawVersion,
        MergedCopy,
        Store,
        StoredFile,
    )

__all__ = [
    "DuplicateCluster",
    "Duplicates",
    "IndexFollower",
    "Library",
    "TracedCode",
    "open_library",
]

log = logging.getLogger("sucai.index")


@dataclass(frozen=True, slots=True)
class Browse:
    """A browse page: how many articles match, this page of them, and counts per facet."""

    total: int
    articles: tuple[ArticleSummary, ...]
    facets: dict[str, builtins.list[tuple[str, int]]]


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


class Library:
    """A library of articles.

    Methods that read text take ``paid``: whether the paid part of articles takes part (the
    command line and members: yes; a visitor of the web app: no, see :mod:`sucai.web.access`).

    Args:
        store: the storage backend (see :func:`sucai.store.open_store`).
        index: this server's search index, fed by the library's change log.
    """

    def __init__(self, store: Store, index: SearchIndex) -> None:
        self.store = store
        self.index = index
        #: Bring the search index up to date before each search (a safety net after an
        #: interrupted import). A server turns it off: imports update the index themselves,
        #: and a search request should not do an import's indexing.
        self.auto_sync = True
        #: A reader shares its library's index, which the library closes (see reader()).
        self._owns_index = True
        #: Where the library is (a file path or a ``postgresql://`` URL), when it was opened
        #: by :func:`open_library`: a large import indexes in a second process that opens it.
        self.location: str | None = None

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the library."""
        if self._owns_index:
            self.index.close()
        self.store.close()

    def reader(self) -> Library:
        """A read-only library for another thread: its own store connection, the same index.

        Searches and reads in several threads each use their own reader and run side by side;
        its searches never bring the index up to date (an :class:`IndexFollower` does).
        """
        reader = Library(self.store.reader(), self.index)
        reader.auto_sync = False
        reader._owns_index = False
        return reader

    def ingest(
        self,
        paths: list[Path] | list[str],
        *,
        encoding: str | None = None,
        on_file: Callable[[FileReport], None] | None = None,
        on_index: Callable[[int, int], None] | None = None,
        merge: bool = True,
        similarity: float = DEFAULT_SIMILARITY,
        allow_classified: bool = False,
        redact_personal: bool = False,
    ) -> IngestReport:
        """Import files, folders (recursive) and .zip archives, then update the search index.

        Bad files are reported, never raised: see :class:`~sucai.models.IngestReport`.

        Args:
            paths: files, folders and archives.
            encoding: force this encoding for text files.
            on_file: called with each file's report (progress).
            on_index: called with ``(done, total)`` while indexing.
            merge: store near-duplicates of stored material as its copies (issue 6).
            similarity: the Jaccard similarity of 5-character shingles from which two texts
                are the same material (0 < similarity ≤ 1).
            allow_classified: import files marked 秘密/机密/绝密 in their 版头 (refused
                otherwise, issue 16).
            redact_personal: mask 身份证号, 手机号 and bank card numbers at import.

        Raises:
            UserError: ``similarity`` is out of range.
        """
        if not 0 < similarity <= 1:
            raise UserError(
                f"the similarity must be above 0 and at most 1 (e.g. 0.8), not {similarity}."
            )
        helper = self._index_alongside(paths)
        try:
            report = ingest(
                self.store,
                [Path(p) for p in paths],
                encoding=encoding,
                on_file=on_file,
                merge=merge,
                similarity=similarity,
                allow_classified=allow_classified,
                redact_personal=redact_personal,
            )
        finally:
            if helper is not None:
                helper[1].set()  # the helper finishes the sync under way, then stops
                helper[0].join()
        self.index.sync(self.store, on_progress=on_index)
        return report

    def _index_alongside(
        self, paths: list[Path] | list[str]
    ) -> tuple[multiprocessing.process.BaseProcess, multiprocessing.synchronize.Event] | None:
        """For a large import, a process that indexes what the import has stored so far, on
        the machine's other core, while this one goes on reading files (``None``: small
        import, or a library opened without :func:`open_library`)."""
        if self.location is None or count_inputs([Path(p) for p in paths]) < INDEX_ALONGSIDE:
            return None
        context = multiprocessing.get_context("spawn")  # no inherited database connections
        stop = context.Event()
        process = context.Process(
            target=_index_while_importing,
            args=(self.location, str(self.index.path), stop, os.getpid()),
            name="sucai-index",
            daemon=True,
        )
        process.start()
        return process, stop

    def _catch_up(self) -> None:
        """Apply the library's latest changes before a search (command line and scripts);
        skipped when another process is writing the index (it is doing just that)."""
        if self.auto_sync:
            self.index.sync(self.store, wait=False)

    def search(self, query: Query | str, *, facets: bool = False, paid: bool = True) -> SearchPage:
        """Search paragraphs (or titles, or outlines): exact matches, best first.

        Args:
            query: a :class:`~sucai.search.query.Query`, or a query string with the default
                options (see :func:`~sucai.search.query.parse_query`).
            facets: also count all matches per genre, role and year.
            paid: search the paid part too; ``False`` searches the free text alone.

        Raises:
            QueryError: the query string cannot be understood.
            IndexBuildingError: this server's index is not built yet.
        """
        if isinstance(query, str):
            query = parse_query(query)
        self._catch_up()
        return search(self.store, self.index.view(paid=paid), query, facets=facets)

    def similar(
        self, article_id: int, *, limit: int = 10, paid: bool = True
    ) -> builtins.list[Similar]:
        """Articles most like ``article_id``, most similar first (``paid``: as in
        :meth:`search`)."""
        self._catch_up()
        return similar(self.store, self.index.view(paid=paid), article_id, limit=limit)

    def check(
        self,
        draft: str | Path | Sequence[str],
        *,
        min_span: int = DEFAULT_MIN_SPAN,
        exclude: Path | Sequence[str] | StockPhrases | None = None,
        encoding: str | None = None,
        name: str = "",
        paid: bool = True,
        time_limit: float | None = None,
    ) -> OverlapReport:
        """查重: how much of ``draft`` comes from the library, and from where (issue 6).

        Args:
            draft: a :class:`~pathlib.Path` of a .txt/.md/.docx file; a ``str`` of text (one
                paragraph a line); or a sequence of paragraphs.
            min_span: the shortest span counted, in counted characters (CJK, letters, digits).
            exclude: stock phrases that never count: ``None`` for the shipped list, a file
                of phrases, or the phrases themselves (see :class:`sucai.check.StockPhrases`).
            encoding: for a text file, its encoding (``None``: detect).
            name: what is checked, for the report (default: the file name).
            paid: compare with the paid part too; ``False``: with the free text alone.
            time_limit: seconds the comparison may take (``None``: no limit; the web app
                gives :data:`sucai.web.limits.CHECK_SECONDS`).

        Raises:
            IngestError: the draft file is missing, unreadable or not a draft format.
            UserError: the draft has no text, or a stock phrase is only punctuation.
            CheckTooLongError: the comparison went past ``time_limit``.
        """
        paragraphs = self._draft_paragraphs(draft, encoding)
        if isinstance(draft, Path):
            name = name or draft.name
        stock = load_stock_phrases(exclude)
        self._catch_up()
        view = self.index.view(paid=paid)
        return check_paragraphs(
            self.store,
            view,
            paragraphs,
            stock=stock,
            min_span=min_span,
            name=name,
            time_limit=time_limit,
        )

    def check_cross(
        self,
        drafts: Sequence[str | Path | Sequence[str]],
        *,
        names: Sequence[str] | None = None,
        min_span: int = DEFAULT_MIN_SPAN,
        exclude: Path | Sequence[str] | StockPhrases | None = None,
        paid: bool = True,
        time_limit: float | None = None,
    ) -> CrossReport:
        """横向查重: each draft against the library and against every other draft (issue 18).

        Args:
            drafts: each as :meth:`check` takes it (a file, a text, or its paragraphs).
            names: the drafts' names (default: file names, else 稿1, 稿2 …).
            min_span, exclude, paid, time_limit: as for :meth:`check` (the limit applies to
                each draft's check against the library).

        Raises:
            IngestError, UserError, CheckTooLongError: as :meth:`check`, for any draft.
        """
        texts = [self._draft_paragraphs(d) for d in drafts]
        given = list(names) if names is not None else []
        labels = [
            given[n] if n < len(given) else d.name if isinstance(d, Path) else f"稿{n + 1}"
            for n, d in enumerate(drafts)
        ]
        stock = load_stock_phrases(exclude)
        self._catch_up()
        return check_cross(
            self.store,
            self.index.view(paid=paid),
            texts,
            labels,
            stock=stock,
            min_span=min_span,
            time_limit=time_limit,
        )

    def _draft_paragraphs(
        self, draft: str | Path | Sequence[str], encoding: str | None = None
    ) -> list[str]:
        """A draft's paragraphs (see :meth:`check`); ``UserError`` when it has none."""
        if isinstance(draft, Path):
            paragraphs = draft_from_path(draft, encoding)
        elif isinstance(draft, str):
            paragraphs = split_paragraphs(draft)
        else:
            paragraphs = [p.strip() for p in draft if p.strip()]
        if not paragraphs:
            raise UserError("the draft is empty: give the text to check, or a .txt/.docx file.")
        return paragraphs

    def reindex(self, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Rebuild the search index from the library; return the number of articles.

        Searches go on reading the index in use until the new one is complete.
        """
        return self.index.rebuild(self.store, on_progress=on_progress)

    def sync_index(
        self, on_progress: Callable[[int, int], None] | None = None, *, wait: bool = True
    ) -> int:
        """Apply the library's changes that this server's index has not seen (a new server
        builds its index here); return the number of articles indexed."""
        return self.index.sync(self.store, on_progress=on_progress, wait=wait)

    def index_state(self) -> IndexState:
        """Whether this server's index answers searches, and how far behind it is."""
        return self.index.state(self.store)

    def count_inputs(self, paths: list[Path] | list[str]) -> int:
        """How many files :meth:`ingest` would look at (for a progress bar)."""
        return count_inputs([Path(p) for p in paths])

    def get(self, article_id: int) -> Article:
        """One article. Raises :class:`~sucai.errors.NotFoundError`."""
        return self.store.get_article(article_id)

    def list(
        self,
        where: ArticleFilter | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
        newest_first: bool = False,
    ) -> builtins.list[ArticleSummary]:
        """Articles matching ``where`` (all when ``None``), in id order or newest first."""
        return self.store.list_articles(
            where, limit=limit, offset=offset, newest_first=newest_first
        )

    def browse(
        self, where: ArticleFilter | None = None, *, limit: int | None = 20, offset: int = 0
    ) -> Browse:
        """Quick lookup without a query: matching articles newest first, and facet counts."""
        return Browse(
            total=self.store.count_matching(where),
            articles=tuple(
                self.store.list_articles(where, limit=limit, offset=offset, newest_first=True)
            ),
            facets=self.store.facets(where),
        )

    def count(self) -> int:
        """Number of articles."""
        return self.store.count_articles()

    def articles(self) -> Iterator[Article]:
        """Every article, streamed in id order."""
        return self.store.iter_articles()

    def files(self) -> builtins.list[StoredFile]:
        """Every imported file."""
        return self.store.files()

    # --- near-duplicates and law versions (issue 6) ------------------------------------------

    def duplicates(self) -> Duplicates:
        """Clusters of merged near-duplicates and groups of law versions, for review."""
        by_article: dict[int, builtins.list[MergedCopy]] = {}
        for copy in self.store.merged_copies():
            by_article.setdefault(copy.article_id, []).append(copy)
        summaries = self.store.summaries(builtins.list(by_article))
        return Duplicates(
            clusters=tuple(
                DuplicateCluster(summaries[article_id], tuple(copies))
                for article_id, copies in by_article.items()
            ),
            versions=tuple(tuple(group) for group in self.store.law_versions()),
        )

    def versions(self, article_id: int) -> builtins.list[LawVersion]:
        """The other versions of a law (oldest first); empty for other articles."""
        groups = self.store.law_versions(article_id)
        return [v for group in groups for v in group if v.article_id != article_id]

    def keep_copy(self, copy_id: int) -> int:
        """Make a merged copy the canonical text of its cluster; return the article id.

        The article keeps its id, sources and basket items; its old text becomes a copy, and
        every copy's similarity is measured again against the new text. The search index is
        updated.

        Raises:
            NotFoundError: no copy has this id.
            UserError: the copy's title and text are already another article.
        """
        with self.store.atomic():
            article_id = copies.keep_copy(self.store, copy_id)
            canonical = read_article(self.store.article_text(article_id))
            register(self.store, article_id, canonical)
            for copy in self.store.merged_copies(article_id):
                other = read_article(self.store.copy_text(copy.id))
                self.store.set_copy_similarity(copy.id, jaccard(canonical, other))
        self.index.sync(self.store)
        return article_id

    def split_copy(self, copy_id: int) -> int:
        """Turn a merged copy back into an article of its own; return its new id.

        Raises:
            NotFoundError: no copy has this id.
            UserError: the copy's title and text are already another article.
        """
        with self.store.atomic():
            article_id = copies.split_copy(self.store, copy_id)
            register(self.store, article_id, read_article(self.store.article_text(article_id)))
        self.index.sync(self.store)
        return article_id

    # --- hygiene, export and baskets (issue 5) -------------------------------------------------

    def hygiene(self, article_id: int) -> ArticleHygiene:
        """Placeholders and likely removed names per paragraph, and the import's corrections."""
        return article_findings(self.get(article_id), self.store.corrections(article_id))

    def original(self, article_id: int) -> Article:
        """The article with the text as imported (before hygiene restored sanitised words)."""
        article = self.get(article_id)
        fixes = self.store.corrections(article_id)
        if not fixes:
            return article

        def undo(part: str, index: int, text: str) -> str:
            return apply_originals(text, [c for c in fixes if c.part == part and c.index == index])

        return replace(
            article,
            title=undo("title", 0, article.title),
            role=undo("role", 0, article.role) if article.role is not None else None,
            paragraphs=tuple(
                replace(p, text=undo("paragraph", p.index, p.text)) for p in article.paragraphs
            ),
        )

    def export(
        self,
        article_id: int,
        fmt: str = "docx",
        template: str | None = None,
        *,
        view: Callable[[Article], Article] | None = None,
        stamp: Stamp | None = None,
    ) -> tuple[str, bytes]:
        """One article as a file: ``(file name, bytes)`` in ``docx``, ``txt`` or ``md``.

        Args:
            article_id: the article.
            fmt: ``docx``, ``txt`` or ``md``.
            template: the .docx layout (see ``sucai export --template list``).
            view: applied to the article first (the web app passes paid redaction).
            stamp: whom the file is for (issue 15): its code in the text and properties,
                and the visible footer line unless the stamp turns it off.

        Raises:
            UserError: an unknown format or template.
            NotFoundError: no such article.
        """
        check_format(fmt)
        layout = get_template(template)
        article = self.get(article_id)
        doc = article_document(view(article) if view else article)
        return f"{doc.name}.{fmt}", render(doc, fmt, layout, stamp)

    def export_many(
        self,
        article_ids: Iterable[int],
        out: Path,
        fmt: str = "docx",
        template: str | None = None,
        *,
        on_article: Callable[[Article], None] | None = None,
        stamp: Stamp | None = None,
    ) -> int:
        """Export articles into one .zip at ``out`` (one file each plus ``index.csv``).

        Articles are read and written one at a time, so memory does not grow with the set;
        on any error (or Ctrl-C) the partial .zip is removed. Every file carries ``stamp``
        if any (see :meth:`export`). Returns the number exported.
        """
        check_format(fmt)
        layout = get_template(template)
        with ZipSink(out) as sink:
            return export_articles(
                (self.get(i) for i in article_ids),
                sink,
                fmt,
                layout,
                on_article=on_article,
                stamp=stamp,
            )

    def trace(self, source: Path | str) -> builtins.list[TracedCode]:
        """Which downloads a found file comes from (issue 15): the export codes in a .docx,
        .txt or .md file, or in a ``str`` of pasted text, each with its audit lines.

        Raises:
            UserError: the file is missing, of another kind, or damaged.
            DecodeError: a text file in no encoding sucai can detect.
        """
        return [
            TracedCode(
                found.code,
                found.in_text,
                found.in_properties,
                tuple(self.store.audit_by_code(found.code)),
            )
            for found in read_codes(source)
        ]

    def search_article_ids(self, query: Query | str, *, paid: bool = True) -> builtins.list[int]:
        """Ids of the articles with hits for ``query`` (all pages), best first."""
        if isinstance(query, str):
            query = parse_query(query, limit=None)
        else:
            query = replace(query, limit=None, offset=0)
        seen: dict[int, None] = {}
        for hit in self.search(query, paid=paid).hits:
            seen.setdefault(hit.article_id, None)
        return builtins.list(seen)

    def baskets(self, owner: str) -> builtins.list[Basket]:
        """The baskets of ``owner`` (a CLI ``--user`` or a web account name), by name."""
        return self.store.baskets(owner)

    def basket(self, owner: str, name: str) -> Basket:
        """One basket; raises :class:`~sucai.errors.UserError` when there is none."""
        found = self.store.basket(owner, check_name(name))
        if found is None:
            raise UserError(
                f"{owner} has no basket '{name}'. Add material with: "
                f"sucai basket add {name} ARTICLE[:PARA|#OUTLINE]"
            )
        return found

    def basket_add(
        self, owner: str, name: str, refs: Sequence[str | tuple[int, str, int | None]]
    ) -> Basket:
        """Append material to a basket (created when new).

        Args:
            owner: whose basket.
            name: the basket's name.
            refs: ``"12"``, ``"12:3"``, ``"12#2"`` (1-based, see :mod:`sucai.basket`) or
                ``(article_id, kind, 0-based ref)``.

        Raises:
            UserError: a bad reference, or a paragraph/outline entry the article lacks.
            NotFoundError: no such article.
        """
        name = check_name(name)
        items = [parse_ref(r) if isinstance(r, str) else r for r in refs]
        if not items:
            raise UserError("name at least one piece of material to add.")
        for article_id, kind, ref in items:
            validate_item(self.get(article_id), kind, ref)
        return self.store.add_basket_items(owner, name, items, _now())

    def _position(self, basket: Basket, position: int) -> int:
        if not 1 <= position <= len(basket.items):
            raise UserError(
                f"basket '{basket.name}' has items 1–{len(basket.items)}; "
                f"there is no item {position}."
            )
        return position

    def basket_move(self, owner: str, name: str, source: int, target: int) -> Basket:
        """Move item ``source`` to position ``target`` (1-based)."""
        basket = self.basket(owner, name)
        self.store.move_basket_item(
            basket.id, self._position(basket, source), self._position(basket, target)
        )
        return self.basket(owner, name)

    def basket_remove(self, owner: str, name: str, position: int) -> Basket:
        """Remove item ``position`` (1-based); later items move up."""
        basket = self.basket(owner, name)
        self.store.remove_basket_item(basket.id, self._position(basket, position))
        return self.basket(owner, name)

    def basket_delete(self, owner: str, name: str) -> None:
        """Delete a basket and its items."""
        self.store.delete_basket(self.basket(owner, name).id)

    def basket_parts(
        self, basket: Basket, view: Callable[[Article], Article] | None = None
    ) -> builtins.list[tuple[Article, BasketItem, tuple[Paragraph, ...]]]:
        """Each item with its article (passed through ``view``, e.g. paid redaction) and text.

        Items whose article is gone are left out.
        """
        out = []
        cache: dict[int, Article] = {}
        for item in basket.items:
            if item.article_id not in cache:
                try:
                    article = self.get(item.article_id)
                except NotFoundError:
                    continue
                cache[item.article_id] = view(article) if view else article
            article = cache[item.article_id]
            out.append((article, item, item_paragraphs(article, item)))
        return out

    def basket_export(
        self,
        owner: str,
        name: str,
        fmt: str = "docx",
        template: str | None = None,
        *,
        view: Callable[[Article], Article] | None = None,
        stamp: Stamp | None = None,
    ) -> tuple[str, bytes]:
        """A basket as one document: material in order, each with its source, then 出处.

        Args:
            owner: whose basket.
            name: the basket.
            fmt: ``docx``, ``txt`` or ``md``.
            template: the .docx layout (see ``sucai export --template list``).
            view: applied to each article first (the web app passes paid redaction).
            stamp: whom the file is for (see :meth:`export`).

        Returns:
            ``(file name, bytes)``.
        """
        check_format(fmt)
        layout = get_template(template)
        basket = self.basket(owner, name)
        parts = [(a, paragraphs) for a, _item, paragraphs in self.basket_parts(basket, view)]
        doc = basket_document(basket.name, parts)
        return f"{doc.name}.{fmt}", render(doc, fmt, layout, stamp)


class IndexFollower:
    """Keeps this server's search index up to date with the library: every ``interval``
    seconds, a thread applies the changes of the library's log that the index has not seen
    (made by this server, another server, or ``sucai import`` on any machine) — or builds the
    index when there is none. A server runs one (``sucai serve``).

    When another process of this server is writing the index, the follower leaves it to it.
    A database that cannot be reached is logged once and tried again at the next tick.

    Args:
        library: the server's library; the follower reads through a reader of its own.
        interval: seconds between two looks at the change log (two cheap queries).
    """

    def __init__(self, library: Library, interval: float = 0.5) -> None:
        self._reader = library.reader()
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sucai-index", daemon=True)

    def start(self) -> None:
        """Start following."""
        self._thread.start()

    def stop(self) -> None:
        """Stop, after the sync under way (if any)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self._reader.close()

    def _run(self) -> None:
        down = False
        while not self._stop.is_set():
            try:
                self._reader.sync_index(wait=False)
                if down:
                    log.warning("the library answers again; the search index follows it")
                down = False
            except StoreUnavailableError as exc:
                if not down:
                    log.warning("the search index cannot follow the library: %s", exc)
                down = True
            except Exception:
                log.exception("the search index could not apply the library's changes")
            self._stop.wait(self._interval)


#: From this many input files on, an import indexes in a second process as it goes.
INDEX_ALONGSIDE = 256


def _index_while_importing(
    location: str, index_dir: str, stop: multiprocessing.synchronize.Event, parent: int
) -> None:
    """The body of :meth:`Library._index_alongside`'s process: sync the index every second
    until told to stop, or until the import is gone (killed: nobody will tell it to stop).
    Errors are left to the import's own final sync, which follows."""
    try:
        with open_library(location, index_dir=index_dir) as library:
            while not stop.wait(1.0) and os.getppid() == parent:
                library.index.sync(library.store)
    except Exception:
        log.exception("indexing alongside the import stopped; the import indexes at its end")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_library(
    db: str | Path, *, read_url: str | None = None, index_dir: str | Path | None = None
) -> Library:
    """Open (creating if needed) the library at ``db``.

    Each server keeps its own search index, a cache of the library fed by its change log: by
    default the folder ``<db>-search/`` beside a SQLite file, and for a ``postgresql://``
    library a local folder (:func:`~sucai.search.index.default_index_dir`).

    Args:
        db: a file path (SQLite), or a ``postgresql://`` URL.
        read_url: PostgreSQL only: a streaming replica of ``db`` (``SUCAI_DB_READ``) that
            serves the library's reads; imports and the index's feed go to ``db``.
        index_dir: the search index's folder on this server (``SUCAI_INDEX_DIR``).

    Raises:
        ConfigError: a bad URL, or a read URL for a SQLite library.
    """
    store = open_store(db, read_url=read_url)
    if index_dir:
        folder = Path(index_dir)
    elif is_postgres_url(db):
        folder = default_index_dir(str(db))
    else:
        folder = Path(f"{db}-search")
    index = SearchIndex(folder)
    # Another process may change stored articles (``sucai duplicates --keep``) and the index:
    # when it reloads, cached article heads and outline paths may be stale.
    index.on_reload(store.forget_cached)
    library = Library(store, index)
    library.location = str(db)
    return library
