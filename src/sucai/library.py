"""The Library facade: what the CLI, the web app and Python callers use."""

from __future__ import annotations

import builtins
import functools
import logging
import multiprocessing
import multiprocessing.synchronize
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sucai.basket import item_label
from sucai.check import (
    DEFAULT_MIN_SPAN,
    MatchSpan,
    OverlapReport,
    SourceShare,
    draft_error_message,
    draft_from_bytes,
    split_paragraphs,
)
from sucai.check.render import (
    report_css,
    report_docx,
    report_html,
    report_pdf,
    write_docx,
    write_html,
    write_pdf,
)
from sucai.compose import Composition, HeadingGroup, LawQuote, LawStatus, Piece, Skeleton
from sucai.config import check_time_zone
from sucai.errors import UserError
from sucai.export import (
    DEFAULT_TEMPLATE,
    MEDIA_TYPES,
    TEMPLATES,
    FileSink,
    Stamp,
    ZipSink,
    article_document,
    export_articles,
    read_codes,
    render,
)
from sucai.hygiene import (
    ArticleHygiene,
    Finding,
    LineFinding,
    apply_originals,
    article_findings,
    check_text,
    read_draft,
)
from sucai.i18n import (
    N_,
    WEB_LANGUAGE,
    Term,
    cli_language,
    explain_file,
    import_summary,
    line_word,
    say,
    user_message,
)
from sucai.inbox import (
    DEFAULT_POLL,
    DEFAULT_SETTLE,
    Inbox,
    InboxFile,
    InboxProcess,
    describe,
    make_folders,
    run_inbox,
)
from sucai.ingest import copies
from sucai.ingest.neardup import DEFAULT_SIMILARITY, LAW_GENRE, jaccard, read_article, register
from sucai.ingest.pipeline import DEFAULT_IMPORT, ImportOptions, ingest
from sucai.ingest.sources import count_inputs
from sucai.library_baskets import BasketMethods, export_layout
from sucai.library_check import CheckMethods
from sucai.library_compose import DEFAULT_ARTICLES, DEFAULT_PIECES, ComposeMethods
from sucai.library_desk import DeskMethods, LibraryFacts
from sucai.library_jinju import JINJU_EXTRACTOR, JINJU_KINDS, MAX_PHRASES, TIFA_GROUPS, JinjuMethods
from sucai.library_location import LocationMethods
from sucai.library_search import SearchMethods
from sucai.library_updates import (
    DIGEST_MOST,
    FEED_ENTRIES,
    DayUpdates,
    Feed,
    FeedEntry,
    SubscriptionNews,
    UpdateMethods,
)
from sucai.models import Browse, DuplicateCluster, Duplicates, TracedCode
from sucai.search.engine import SearchHit, SearchPage, Similar
from sucai.search.highlight import mark, snippet
from sucai.search.index import IndexState, SearchIndex, default_index_dir
from sucai.search.query import (
    MAX_FILTER_CHARS,
    MAX_QUERY_CHARS,
    Query,
    clean_query_text,
    format_query,
    parse_query,
    parse_years,
)
from sucai.serving import FinishedJob, ImportJobs, IndexFollower, index_while_importing
from sucai.store import is_postgres_url, open_store
from sucai.store.migrate import migrate as copy_library
from sucai.store.sqlite import SqliteStore
from sucai.users import (
    MAX_QUOTA,
    MAX_TIER,
    MIN_PASSWORD,
    SESSION_DAYS,
    UNCHANGED,
    Account,
    Accounts,
    Unchanged,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from sucai.ingest.neardup import Matcher
    from sucai.models import Article, FileReport, IngestReport
    from sucai.store import (
        ArticleFilter,
        ArticleSummary,
        ImportJobRow,
        LawVersion,
        MergedCopy,
        Store,
        StoredFile,
    )

# The front ends import what they need of the layers below from here alone, besides plain
# data modules (tests/test_shape.py says which).
__all__ = [
    "DEFAULT_ARTICLES",
    "DEFAULT_MIN_SPAN",
    "DEFAULT_PIECES",
    "DEFAULT_POLL",
    "DEFAULT_SETTLE",
    "DEFAULT_SIMILARITY",
    "DEFAULT_TEMPLATE",
    "DIGEST_MOST",
    "FEED_ENTRIES",
    "JINJU_KINDS",
    "LAW_GENRE",
    "MAX_FILTER_CHARS",
    "MAX_PHRASES",
    "MAX_QUERY_CHARS",
    "MAX_QUOTA",
    "MAX_TIER",
    "MEDIA_TYPES",
    "MIN_PASSWORD",
    "N_",
    "SESSION_DAYS",
    "TEMPLATES",
    "TIFA_GROUPS",
    "UNCHANGED",
    "WEB_LANGUAGE",
    "Account",
    "Accounts",
    "ArticleHygiene",
    "Composition",
    "DayUpdates",
    "Feed",
    "FeedEntry",
    "FileSink",
    "Finding",
    "FinishedJob",
    "HeadingGroup",
    "ImportJobs",
    "ImportOptions",
    "Inbox",
    "InboxFile",
    "InboxProcess",
    "IndexFollower",
    "IndexState",
    "LawQuote",
    "LawStatus",
    "Library",
    "LibraryFacts",
    "LineFinding",
    "MatchSpan",
    "OverlapReport",
    "Piece",
    "Query",
    "SearchHit",
    "SearchPage",
    "Similar",
    "Skeleton",
    "SourceShare",
    "Stamp",
    "SubscriptionNews",
    "Term",
    "Unchanged",
    "article_findings",
    "check_text",
    "clean_query_text",
    "cli_language",
    "copy_library",
    "describe",
    "draft_error_message",
    "draft_from_bytes",
    "explain_file",
    "format_query",
    "import_summary",
    "is_postgres_url",
    "item_label",
    "line_word",
    "make_folders",
    "mark",
    "open_library",
    "parse_query",
    "parse_years",
    "read_draft",
    "report_css",
    "report_docx",
    "report_html",
    "report_pdf",
    "say",
    "snippet",
    "split_paragraphs",
    "user_message",
    "write_docx",
    "write_html",
    "write_pdf",
]

log = logging.getLogger("sucai.index")


class Library(
    BasketMethods,
    CheckMethods,
    ComposeMethods,
    DeskMethods,
    JinjuMethods,
    LocationMethods,
    SearchMethods,
    UpdateMethods,
):
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
        #: Called with ``(done, total)`` while that catching up builds or feeds the index (the
        #: command line's progress bar: a first search after an upgrade rebuilds it).
        self.on_index: Callable[[int, int], None] | None = None
        #: A reader shares its library's index, which the library closes (see reader()).
        self._owns_index = True
        #: Where the library is (a file path or a ``postgresql://`` URL), when it was opened
        #: by :func:`open_library`: a large import indexes in a second process that opens it.
        self.location: str | None = None
        self._day_counts = {}

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
        reader._day_counts = self._day_counts
        reader.time_zone = self.time_zone
        return reader

    def ingest(
        self,
        paths: list[Path] | list[str],
        options: ImportOptions = DEFAULT_IMPORT,
        *,
        on_file: Callable[[FileReport], None] | None = None,
        on_index: Callable[[int, int], None] | None = None,
        matcher: Matcher | None = None,
        shown_as: tuple[Path, str] | None = None,
    ) -> IngestReport:
        """Import files, folders (recursive) and .zip archives, then update the search index.

        Bad files are reported, never raised: see :class:`~sucai.models.IngestReport`.

        Args:
            paths: files, folders and archives.
            options: how to read the files and what to store of them (encoding, merging of
                near-duplicates (issue 6), 密级 screening and masking of personal numbers
                (issue 16)).
            on_file: called with each file's report (progress).
            on_index: called with ``(done, total)`` while indexing.
            matcher: a near-duplicate matcher kept from an earlier import (the inbox's).
            shown_as: ``(folder, name)``: report and store the paths inside ``folder`` as
                inside a folder called ``name`` (the web import: ``上传/报告.docx``, not the
                temporary folder the upload was saved in).

        Raises:
            UserError: ``options.similarity`` is out of range, or ``options.encoding`` is no
                text encoding.
        """
        similarity = options.similarity
        if not 0 < similarity <= 1:
            raise UserError.of(
                N_("the similarity must be above 0 and at most 1 (e.g. 0.8), not {similarity}."),
                similarity=similarity,
            )
        helper = self._index_alongside(paths)
        try:
            report = ingest(
                self.store,
                [Path(p) for p in paths],
                options,
                on_file=on_file,
                matcher=matcher,
                shown_as=shown_as,
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
            target=index_while_importing,
            args=(open_library, self.location, str(self.index.path), stop, os.getpid()),
            name="sucai-index",
            daemon=True,
        )
        process.start()
        return process, stop

    def start_inbox(
        self, folders: Sequence[Path], *, settle: float = DEFAULT_SETTLE, poll: float | None = None
    ) -> InboxProcess:
        """Import what is dropped into ``folders`` in a process of its own (``sucai serve
        --watch``, issue 19): see :class:`~sucai.inbox.Inbox`. Several servers may each start
        one: one at a time imports a folder.

        Raises:
            UserError: the library was not opened by :func:`open_library`.
        """
        if self.location is None:
            raise UserError("an inbox needs a library opened by open_library().")
        context = multiprocessing.get_context("spawn")  # no inherited database connections
        folder = str(self.index.path)
        process = context.Process(
            target=run_inbox,
            args=(open_library, self.location, folder, list(folders), settle, poll, os.getpid()),
            name="sucai-inbox",
            daemon=True,
        )
        process.start()
        return InboxProcess(process)

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

    # --- where the library is, its accounts, imports and backups: for the front ends -------

    @functools.cached_property
    def accounts(self) -> Accounts:
        """The web app's accounts, sessions, tokens, quotas and audit log (issue 4)."""
        return Accounts(self.store)

    def reopen(self) -> Library:
        """The same library and index folder with a connection of its own (a background
        import's), to be closed by the caller."""
        return open_library(self.db, index_dir=self.index.path)

    def backup(self, target: Path) -> None:
        """Copy a SQLite library into the new file ``target`` while it is in use.

        Raises:
            UserError: a PostgreSQL library (back it up with pg_dump).
            StoreError: the copy failed (the partial file is removed).
        """
        if not isinstance(self.store, SqliteStore):
            raise UserError(
                "backup copies SQLite libraries; back a PostgreSQL library up with pg_dump "
                "(see docs/deploy.md)."
            )
        self.store.backup(target)

    def import_job(self, job_id: str) -> ImportJobRow | None:
        """One import job of the web import page (see :class:`ImportJobs`), if any."""
        return self.store.import_job(job_id)

    def import_jobs(self, limit: int) -> builtins.list[ImportJobRow]:
        """The ``limit`` latest import jobs, newest first."""
        return self.store.import_jobs(limit)

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
        self,
        where: ArticleFilter | None = None,
        *,
        limit: int | None = 20,
        offset: int = 0,
        sort: str = "date",
    ) -> Browse:
        """Quick lookup without a query: matching articles and facet counts.

        Args:
            sort: ``"date"``: newest first by date (成文日期, else year; undated last);
                ``"added"``: the latest imported first (issue 19).

        Raises:
            UserError: another ``sort``.
        """
        if sort == "added":
            articles = self.store.list_added("", None, where, limit=limit, offset=offset)
        elif sort == "date":
            articles = self.store.list_articles(
                where, limit=limit, offset=offset, newest_first=True
            )
        else:
            raise UserError.of(
                N_("sort '{sort}' is unknown: choose date or added."), sort=sort[:20]
            )
        return Browse(
            total=self.store.count_matching(where),
            articles=tuple(articles),
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
        layout = export_layout(fmt, template)
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
        view: Callable[[Article], Article] | None = None,
    ) -> int:
        """Export articles into one .zip at ``out`` (one file each plus ``index.csv``).

        Articles are read and written one at a time, so memory does not grow with the set;
        on any error (or Ctrl-C) the partial .zip is removed. Every file carries ``stamp``
        if any, and each article is passed through ``view`` first (see :meth:`export`).
        Returns the number exported.
        """
        layout = export_layout(fmt, template)
        see = view or (lambda article: article)
        with ZipSink(out) as sink:
            return export_articles(
                (see(self.get(i)) for i in article_ids),
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


#: From this many input files on, an import indexes in a second process as it goes.
INDEX_ALONGSIDE = 256


def open_library(
    db: str | Path,
    *,
    read_url: str | None = None,
    index_dir: str | Path | None = None,
    time_zone: str = "",
    on_jinju: Callable[[int, int], None] | None = None,
    create: bool = True,
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
        time_zone: the library's time zone, an IANA name (the ``time_zone`` setting; empty:
            the system's), where its import days run from midnight to midnight (issue 19).
        on_jinju: called with ``(articles done, articles in all)`` while the 金句 of a
            library written before the rules of :mod:`sucai.jinju` changed are found again
            (once, on the first open by this sucai: :meth:`Library.refind_jinju`).
        create: make a new, empty SQLite library when no file is at ``db``; with
            ``False``, a missing file is a :class:`StoreError` (a mistyped path is then
            not taken for an empty library).

    Raises:
        ConfigError: a bad URL, or a read URL for a SQLite library.
        StoreError: ``create=False`` and no file at ``db``.
    """
    store = open_store(db, read_url=read_url, create=create)
    try:
        if store.jinju_extractor() != str(JINJU_EXTRACTOR):
            logging.getLogger("sucai.store").info(
                "finding the 金句 of %s again: the rules changed", store.where
            )
            store.refind_jinju(on_jinju)
    except BaseException:
        store.close()
        raise
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
    library.time_zone = ZoneInfo(check_time_zone(time_zone)) if time_zone else None
    return library
