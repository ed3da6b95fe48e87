"""Per-file import: read → duplicate check (SHA-256) → parse → clean → structure → store.

Failures stay per file: each becomes a failed :class:`~sucai.models.FileReport` with a machine
code and a message, and the batch goes on — whatever a file holds (issue 22): an error sucai
did not foresee in reading, cleaning or storing one file fails that file alone (``internal``)
and the others are imported. Each file is stored in its own transaction, so an interrupted
import leaves a consistent library and running it again completes it.

Files are handled in chunks (:data:`CHUNK_FILES` files or :data:`CHUNK_CHARS` characters,
which bounds the memory parsed files take); within a chunk, short lines at the top or bottom
of many files (site footers, licence lines) are removed as boilerplate.

Near-duplicate material (issue 6): unless merging is off, each new article is compared with
the library and with the earlier articles of the import (:mod:`sucai.ingest.neardup`); a
copy is stored as a source of the article it matches, and the report names that article
and the similarity. Law versions are linked, never merged.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Final

from sucai.errors import IngestError, StoreError, UserError
from sucai.hygiene import restore_compilation
from sucai.i18n import N_
from sucai.ingest.neardup import DEFAULT_SIMILARITY, Matcher
from sucai.ingest.normalize import is_structural, normalize
from sucai.ingest.parsers import parse, supported_suffixes
from sucai.ingest.screening import classified_marking, redact_personal
from sucai.ingest.sources import iter_candidates, load_file, text_codec
from sucai.ingest.structure import structure
from sucai.models import FileReport, IngestReport, NearDuplicate, ParsedText, RemovedLine

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sucai.hygiene import RestoredFile
    from sucai.ingest.neardup import Fingerprint
    from sucai.models import ArticleDraft, SourceFile
    from sucai.store import AddedArticles, Store

__all__ = ["CHUNK_CHARS", "CHUNK_FILES", "ImportOptions", "ingest"]

log = logging.getLogger(__name__)

#: Files parsed before their boilerplate is compared and they are stored…
CHUNK_FILES: Final = 256
#: …or fewer, once their text holds this many characters.
CHUNK_CHARS: Final = 20_000_000
#: A line is boilerplate when it sits at the edge of at least this share of a chunk's files…
_REPEAT_SHARE: Final = 0.1
#: …and of at least this many files.
_REPEAT_MIN_FILES: Final = 3
#: … unless they would take more than this share of a file's characters.
_REPEAT_MOST: Final = 0.5
#: How many non-empty lines at the top and bottom of a file count as its edges.
_EDGE_LINES: Final = 8
_SALUTATION_MAX: Final = 12
_DATE: Final = re.compile(r"\d{4}年\d{1,2}月")


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """How an import reads files and what it stores of them: the choices of ``sucai import``,
    ``sucai watch`` and the web import, passed on unchanged to :func:`ingest`.

    Attributes:
        encoding: force this encoding for text files instead of detecting it.
        merge: store near-duplicates of stored material as its copies and link law
            versions (off: every new text is an article of its own; the next import with
            merging on sketches them).
        similarity: the Jaccard similarity of 5-character shingles (0 < similarity ≤ 1) from
            which two texts are the same material and merged.
        allow_classified: import files whose 版头 carries a 密级 marking (秘密, 机密, 绝密);
            without it each is refused (status ``"refused"``) and the batch goes on.
        redact_personal: mask 身份证号, 手机号 and bank card numbers with ``＊`` (same
            length) before anything is stored; the original digits are not kept.
    """

    encoding: str | None = None
    merge: bool = True
    similarity: float = DEFAULT_SIMILARITY
    allow_classified: bool = False
    redact_personal: bool = False


#: The options of an import that chooses none.
DEFAULT_IMPORT: Final = ImportOptions()


@dataclass(slots=True)
class _Parsed:
    source: SourceFile
    parsed: ParsedText
    slot: int

    @property
    def chars(self) -> int:
        return sum(len(block.text) for block in self.parsed.blocks)


def _internal(path: str, exc: Exception, step: str) -> FileReport:
    """The report of a file that met an error sucai did not foresee: that file fails alone."""
    log.debug("%s: unexpected error while %s", path, step, exc_info=exc)
    return FileReport(
        path,
        "failed",
        "internal",
        f"{path}: sucai met an unexpected error while {step} this file, so it was not "
        "imported (the other files were). Please report it to the sucai developers, with the "
        "file if you can.",
    )


def _is_candidate(text: str) -> bool:
    """Could this edge line be boilerplate? (Not a heading, salutation or dated line.)"""
    return (
        not is_structural(text)
        and not (len(text) <= _SALUTATION_MAX and text[-1] in "！!：:")
        # "2020年12月23日 …会议通过" repeats across laws, but it is each law's own date.
        and not _DATE.search(text)
    )


def _edge_indices(parsed: ParsedText) -> list[int]:
    """Indices of the first and last few non-empty text blocks."""
    texts = [i for i, b in enumerate(parsed.blocks) if b.text and b.kind == "text"]
    return sorted(set(texts[:_EDGE_LINES] + texts[-_EDGE_LINES:]))


def _drop_boilerplate(items: list[_Parsed]) -> None:
    """Remove edge lines repeated across many files of the chunk (in place)."""
    if len(items) < _REPEAT_MIN_FILES:
        return
    edges = [_edge_indices(item.parsed) for item in items]
    counts = Counter(
        text
        for item, indices in zip(items, edges, strict=True)
        for text in {item.parsed.blocks[i].text for i in indices}
        if _is_candidate(text)
    )
    need = max(_REPEAT_MIN_FILES, int(_REPEAT_SHARE * len(items) + 0.999))
    boiler = {line for line, n in counts.items() if n >= need}
    if boiler:
        boiler = _across_documents(items, boiler, need)
    if not boiler:
        return
    for item, indices in zip(items, edges, strict=True):
        blocks = item.parsed.blocks
        drop = {i for i in indices if blocks[i].text in boiler}
        # Page chrome is a small part of a page. Lines making up most of a file are its text,
        # shared because the files are versions of one document (three drafts of a speech
        # imported together): they stay, for the near-duplicate merge to see.
        if not drop or sum(len(blocks[i].text) for i in drop) > _REPEAT_MOST * item.chars:
            continue
        removed = [RemovedLine(blocks[i].line, blocks[i].text, "repeated") for i in sorted(drop)]
        item.parsed = replace(
            item.parsed,
            blocks=tuple(b for i, b in enumerate(blocks) if i not in drop),
            removed=item.parsed.removed + tuple(removed),
        )


def _across_documents(items: list[_Parsed], lines: set[str], need: int) -> set[str]:
    """The lines of ``lines`` repeated across ``need`` different documents, not across versions
    of one: files holding a line count once when they share most of their text (half of it or
    more, weighted by length) — three drafts of a speech share their opening, pages of a site
    share only their chrome."""
    texts = [{b.text for b in item.parsed.blocks if b.text} for item in items]
    sizes = [sum(map(len, t)) for t in texts]

    def versions(a: int, b: int) -> bool:
        shared = sum(map(len, texts[a] & texts[b]))
        return 2 * shared >= sizes[a] + sizes[b] - shared

    repeated = set()
    for line in lines:
        documents: list[int] = []  # one file of each document holding the line
        for n, held in enumerate(texts):
            if line in held and not any(versions(n, d) for d in documents):
                documents.append(n)
                if len(documents) >= need:
                    repeated.add(line)
                    break
    return repeated


def ingest(
    store: Store,
    paths: list[Path],
    options: ImportOptions = DEFAULT_IMPORT,
    *,
    on_file: Callable[[FileReport], None] | None = None,
    matcher: Matcher | None = None,
    shown_as: tuple[Path, str] | None = None,
) -> IngestReport:
    """Import files, folders (recursive) and .zip archives into ``store``.

    Args:
        store: the library.
        paths: what the user named.
        options: how to read the files and what to store of them.
        on_file: called with each file's report as soon as it is known (progress).
        matcher: with merging on, the near-duplicate matcher of an earlier import into this
            library that nothing else has changed since (the inbox keeps one: opening a
            matcher loads every article's sketch); ``None``: open one.
        shown_as: ``(folder, name)``: report and store the paths inside ``folder`` as inside
            a folder called ``name`` (see :func:`~sucai.ingest.sources.iter_candidates`).

    Returns:
        One report per file found, in the order they were found.

    Raises:
        UserError: ``options.encoding`` is not a text encoding.
        StoreError: the library cannot be written (the files stored so far stay stored).
    """
    encoding = options.encoding
    if encoding is not None and text_codec(encoding) is None:
        raise UserError.of(
            N_(
                "unknown encoding '{encoding}' (not a text encoding sucai knows); use a name "
                "such as utf-8, gb18030, utf-16."
            ),
            encoding=encoding,
        )
    matcher = (matcher or Matcher(store, options.similarity)) if options.merge else None
    # Stored files are reported when their chunk is stored; the report keeps discovery order.
    slots: list[FileReport | None] = []

    def done(report: FileReport, slot: int | None = None) -> None:
        slots[len(slots) - 1 if slot is None else slot] = report
        if on_file is not None:
            on_file(report)

    chunk: list[_Parsed] = []
    chars = 0
    seen: set[str] = set()
    for candidate in iter_candidates(paths, supported_suffixes(), shown_as):
        slots.append(None)
        if candidate.skip:
            done(FileReport(candidate.path, "skipped", "other-type", candidate.skip))
            continue
        if candidate.error is not None:
            done(_failed(candidate.path, candidate.error))
            continue
        try:
            source = load_file(candidate)
            if source.sha256 in seen or store.has_file(source.sha256):
                ids = store.file_articles(source.sha256)
                done(
                    FileReport(
                        source.path,
                        "duplicate",
                        "duplicate",
                        "already in the library (same bytes); nothing to do.",
                        articles=len(ids),
                        existing_articles=len(ids),
                        article_ids=ids,
                    )
                )
                continue
            parsed = parse(source, encoding)
            # The 版头 as laid out, before cleaning joins its short lines (issue 16).
            refusal = None if options.allow_classified else _refusal(source.path, parsed)
            if refusal is not None:
                done(refusal)
                continue
            parsed = normalize(parsed)
            if options.redact_personal:
                parsed = _redacted(parsed)
        except IngestError as exc:
            done(_failed(candidate.path, exc))
            continue
        except StoreError:
            raise
        except Exception as exc:
            # Parsers run third-party code (lxml, pypdf, python-docx) over hostile bytes.
            done(_internal(candidate.path, exc, "reading"))
            continue
        seen.add(source.sha256)
        item = _Parsed(source, parsed, len(slots) - 1)
        chunk.append(item)
        chars += item.chars
        if len(chunk) >= CHUNK_FILES or chars >= CHUNK_CHARS:
            _store_chunk(store, chunk, done, matcher)
            chunk, chars = [], 0
    _store_chunk(store, chunk, done, matcher)
    return IngestReport(tuple(r for r in slots if r is not None))


def _refusal(path: str, parsed: ParsedText) -> FileReport | None:
    """The report of a file refused for its 密级 marking (issue 16), or ``None``."""
    # GB/T 9704 puts the marking in the 版头; a template may keep it in the page header,
    # repeated on every page and never part of the text.
    marking = classified_marking(parsed.page_header) or classified_marking(
        b.text for b in parsed.blocks if b.kind == "text"
    )
    if marking is None:
        return None
    return FileReport(
        path,
        "refused",
        "classified",
        f"{path}: 版头标有密级“{marking}”，为防误入素材库未导入 (the file is marked "
        f"“{marking}”, a classified document, and was not imported). If you may keep it in "
        "this library, import it again with --allow-classified (on the web import page: "
        "“允许导入标有密级的文件”).",
        encoding=parsed.encoding,
    )


def _redacted(parsed: ParsedText) -> ParsedText:
    """``parsed`` with personal numbers masked (same length: offsets and tables hold)."""
    blocks = []
    masked = 0
    for block in parsed.blocks:
        text, n = redact_personal(block.text)
        masked += n
        blocks.append(replace(block, text=text) if n else block)
    hint, n = redact_personal(parsed.title_hint) if parsed.title_hint else (None, 0)
    masked += n
    if not masked:
        return parsed
    note = f"{masked} personal numbers masked (身份证号、手机号、银行卡号已遮盖)"
    return replace(parsed, blocks=tuple(blocks), notes=(*parsed.notes, note), title_hint=hint)


def _store_corrections(
    store: Store, sha256: str, added: AddedArticles, restored: RestoredFile
) -> None:
    """Record hygiene's changes for the file's articles and its own header (issue 5).

    A merged copy keeps its corrections with itself (see :class:`~sucai.store.Merge`).
    """
    for article_id, kind, corrections in zip(
        added.ids, added.kinds, restored.articles, strict=True
    ):
        if corrections and kind != "merged":
            store.add_corrections(article_id=article_id, file_id=None, corrections=corrections)
    if restored.file:
        store.add_corrections(
            article_id=None, file_id=store.file_id(sha256), corrections=restored.file
        )


def _failed(path: str, error: IngestError) -> FileReport:
    return FileReport(path, "failed", error.code, error.message)


def _near_duplicates(
    store: Store,
    drafts: tuple[ArticleDraft, ...],
    added: AddedArticles,
    merges: dict[int, float],
) -> tuple[NearDuplicate, ...]:
    """What the report says of the file's merged copies."""
    merged = [i for i, kind in enumerate(added.kinds) if kind == "merged"]
    heads = store.article_heads([added.ids[i] for i in merged])
    return tuple(
        NearDuplicate(
            drafts[i].position,
            drafts[i].title,
            added.ids[i],
            heads[added.ids[i]].title,
            merges[i],
        )
        for i in merged
    )


def _register(matcher: Matcher, added: AddedArticles, fingerprints: list[Fingerprint]) -> None:
    """Sketch the file's new articles so that later ones can match them."""
    for article_id, kind, fp in zip(added.ids, added.kinds, fingerprints, strict=True):
        if kind == "new":
            matcher.register(article_id, fp)


def _store_chunk(
    store: Store,
    chunk: list[_Parsed],
    done: Callable[[FileReport, int], None],
    matcher: Matcher | None,
) -> None:
    _drop_boilerplate(chunk)
    for item in chunk:
        try:
            report = _store_file(store, item, matcher)
        except StoreError:
            raise
        except Exception as exc:
            # Its transaction was rolled back: nothing of the file is stored.
            report = _internal(item.source.path, exc, "storing")
        done(report, item.slot)


def _store_file(store: Store, item: _Parsed, matcher: Matcher | None) -> FileReport:
    """Structure one parsed file and store it in a transaction of its own."""
    source, parsed = item.source, item.parsed
    compilation = structure(parsed, source.path)
    if not compilation.articles:
        return FileReport(
            source.path,
            "failed",
            "no-text",
            f"{source.path}: no text is left after cleaning (only advertising or page "
            "chrome). Check that this is the document you meant to import.",
            encoding=parsed.encoding,
            removed=parsed.removed,
        )
    notes = parsed.notes + compilation.notes
    # Hygiene (issue 5): put 党 back where material shops wrote ``D`` for it, after
    # structure (the rules need whole paragraphs) and before store; the changes are
    # stored in the same transaction, so the original text stays retrievable.
    compilation, restored = restore_compilation(compilation)
    fingerprints, merges = (
        matcher.decide(compilation.articles, restored.articles) if matcher else ([], {})
    )
    with store.atomic():
        added = store.add_file(
            path=source.path,
            sha256=source.sha256,
            size=source.size,
            encoding=parsed.encoding,
            compilation=compilation,
            removed=parsed.removed,
            notes=notes,
            merges=merges,
        )
        if restored.count:
            _store_corrections(store, source.sha256, added, restored)
        if matcher is not None:
            _register(matcher, added, fingerprints)
    merged = _near_duplicates(
        store,
        compilation.articles,
        added,
        {i: m.similarity for i, m in merges.items()},
    )
    return FileReport(
        source.path,
        "imported",
        encoding=parsed.encoding,
        articles=len(added.ids),
        new_articles=added.new,
        existing_articles=len(added.ids) - added.new - len(merged),
        article_ids=added.ids,
        declared_count=compilation.declared_count,
        removed=parsed.removed,
        notes=notes,
        merged=merged,
    )
