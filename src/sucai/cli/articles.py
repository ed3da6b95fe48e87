"""Library commands: import, list, browse, show, search, similar, dump and duplicates."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

import click

from sucai.cli.common import ProgressBar, cli, db_option, dumps, filter_options, summary_line, tr
from sucai.cli.jinju import print_jinju
from sucai.cli.progress import FileProgress
from sucai.library import (
    DEFAULT_SIMILARITY,
    JINJU_KINDS,
    N_,
    ImportOptions,
    Library,
    Term,
    cli_language,
    explain_file,
    format_query,
    import_summary,
    line_word,
    mark,
    parse_query,
    snippet,
)
from sucai.serialize import (
    article_to_dict,
    browse_to_dict,
    duplicates_to_dict,
    page_to_dict,
    report_to_dict,
    summary_to_dict,
)
from sucai.store.records import ArticleFilter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sucai.library import ArticleHygiene, SearchHit
    from sucai.models import Article, FileReport, IngestReport


class _Progress(FileProgress):
    """The import's progress line, fed each file's report."""

    def __call__(self, report: FileReport) -> None:
        self.update(report.path)


def _describe(f: FileReport) -> str:
    """A file's line of the import report, in the locale's language (issue 21)."""
    word = line_word(f.status, cli_language())
    if f.status == "imported":
        parts = [f"{f.articles} article{'s' if f.articles != 1 else ''}"]
        if f.existing_articles:
            parts.append(f"{f.existing_articles} already stored")
        if f.merged:
            parts.append(
                f"{len(f.merged)} merged as near-duplicate{'s' if len(f.merged) != 1 else ''}"
            )
        if f.encoding:
            parts.append(f.encoding)
        if f.removed:
            parts.append(f"{len(f.removed)} lines removed")
        return f"{word}{f.path}: " + ", ".join(parts)
    _, reason = explain_file(f.status, f.code, cli_language())
    if reason:  # translated: the file, then what to do
        return f"{word}{f.path}：{reason}"
    if f.status in ("duplicate", "skipped"):
        return f"{word}{f.path}: {f.message}"
    return f"{word}{f.message}"


def _file_lines(f: FileReport, show_each: bool, verbose: bool) -> list[str]:
    """The report lines of one file: failures and refusals always, the others when each is
    shown."""
    if not show_each and f.status not in ("failed", "refused"):
        return []
    lines = [_describe(f)]
    if show_each and f.status == "imported":
        lines += [
            f"      ≈ #{m.article_id} 《{m.canonical_title}》 {m.similarity:.2f}"
            f"  (第{m.position + 1}篇《{m.title}》)"
            for m in f.merged
        ]
        lines += [f"      note: {note}" for note in f.notes]
        if verbose:
            lines += [f"      removed line {r.line} ({r.reason}): {r.text}" for r in f.removed]
    return lines


class _Log:
    """Prints each file's lines as soon as its report is known, so that an import that is
    killed leaves the lines of the files it stored (issue 22); keeps the progress bar."""

    def __init__(self, progress: _Progress, show_each: bool, verbose: bool) -> None:
        self.progress = progress
        self.show_each = show_each
        self.verbose = verbose

    def __call__(self, report: FileReport) -> None:
        lines = _file_lines(report, self.show_each, self.verbose)
        if lines:
            self.progress.clear()
            for line in lines:
                click.echo(line)  # click.echo flushes
        self.progress(report)


#: Files skipped inside folders, or refused, that the summary names (the rest are counted).
_NAMED: Final = 10


def _print_summary(report: IngestReport) -> None:
    click.echo(import_summary(report_to_dict(report), cli_language()))
    skipped = [f for f in report.files if f.status == "skipped"]
    for reason in dict.fromkeys(f.message for f in skipped):
        _print_names(f"skipped ({reason})", [f.path for f in skipped if f.message == reason])
    _print_names("refused (classified)", [f.path for f in report.files if f.status == "refused"])


def _print_names(what: str, names: list[str]) -> None:
    if names:
        shown = ", ".join(names[:_NAMED])
        more = f" and {len(names) - _NAMED} more" if len(names) > _NAMED else ""
        click.echo(f"      {what}: {shown}{more}")


#: What a search's summary counts, by ``--in`` (``sucai search``).
_MATCHING: Final = {"all": N_("paragraphs"), "title": N_("titles"), "outline": N_("outlines")}


@cli.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--encoding", metavar="NAME", help="Decode text files with this encoding.")
@click.option("--json", "as_json", is_flag=True, help="Print the import report as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="List every file and every removed line.")
@click.option(
    "--no-merge",
    "no_merge",
    is_flag=True,
    help="Store near-duplicates of stored material as articles of their own.",
)
@click.option(
    "--similarity",
    type=click.FloatRange(0, 1, min_open=True),
    default=DEFAULT_SIMILARITY,
    show_default=True,
    help="Merge texts whose 5-character shingles overlap this much (Jaccard).",
)
@click.option(
    "--allow-classified",
    is_flag=True,
    help="Import files marked 秘密/机密/绝密 in their 版头 (refused otherwise).",
)
@click.option(
    "--redact-personal",
    is_flag=True,
    help="Mask 身份证号, 手机号 and bank card numbers with ＊ (same length) at import.",
)
@db_option
def import_(
    paths: tuple[Path, ...],
    encoding: str | None,
    as_json: bool,
    verbose: bool,
    no_merge: bool,
    similarity: float,
    allow_classified: bool,
    redact_personal: bool,
    library: Library,
) -> None:
    """Import files, folders (recursively) and .zip archives.

    Reads .txt/.md (UTF-8, GBK/GB18030, Big5, UTF-16), .docx, .doc/.wps (through
    LibreOffice), .html/.shtml and .pdf. Compilations
    are split into articles; advertising and page chrome are removed and reported. An article
    that is a near-duplicate of stored material (another title, a changed opening, edited
    sentences) is stored as a source of that article; `sucai duplicates` lists them. A file
    whose 版头 is marked 秘密/机密/绝密 is refused (named, counted) unless --allow-classified
    is given. Exit status is 1 when any file failed or was refused; the others are imported
    all the same.
    """
    show = sys.stderr.isatty() and not as_json
    total = 0 if as_json else library.count_inputs(list(paths))
    progress = _Progress(total, show)
    indexing = ProgressBar(show)
    # Into a log (not a terminal) every file gets its line, flushed as it is known: a killed
    # import leaves the lines of the files it stored (issue 22).
    each = verbose or total <= 20 or not sys.stdout.isatty()
    on_file = progress if as_json else _Log(progress, each, verbose)
    try:
        options = ImportOptions(
            encoding=encoding,
            merge=not no_merge,
            similarity=similarity,
            allow_classified=allow_classified,
            redact_personal=redact_personal,
        )
        report = library.ingest(list(paths), options, on_file=on_file, on_index=indexing)
    finally:
        progress.close()
        indexing.close()
    if as_json:
        click.echo(dumps(report_to_dict(report)))
    else:
        _print_summary(report)
    if report.failed or report.refused:
        sys.exit(1)


@cli.command(name="list")
@filter_options
@click.option("--limit", type=click.IntRange(min=0), default=0, help="At most N (0 = all).")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip the first N.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@db_option(create=False)
def list_(where: ArticleFilter, limit: int, offset: int, as_json: bool, library: Library) -> None:
    """List the articles in the library, in the order they were added."""
    rows = library.list(where, limit=limit or None, offset=offset)
    if as_json:
        click.echo(dumps([summary_to_dict(r) for r in rows]))
        return
    for r in rows:
        click.echo(summary_line(r))
    if not rows:
        click.echo(tr(N_("No articles. Add material with: sucai import PATH …")))


@cli.command()
@filter_options
@click.option("--limit", type=click.IntRange(min=0), default=20, help="At most N (0 = all).")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip the first N.")
@click.option(
    "--sort",
    type=click.Choice(["date", "added"]),
    default="date",
    show_default=True,
    help="Newest by 成文日期 (undated last), or latest imported first.",
)
@click.option("--json", "as_json", is_flag=True, help="Print {total, articles, facets} as JSON.")
@db_option(create=False)
def browse(
    where: ArticleFilter, limit: int, offset: int, sort: str, as_json: bool, library: Library
) -> None:
    """Look things up without a query: newest first, with counts per genre, role and year.

    Without a query there is no relevance: --sort added lists the latest imported first.
    """
    page = library.browse(where, limit=limit or None, offset=offset, sort=sort)
    if as_json:
        click.echo(dumps(browse_to_dict(page)))
        return
    for name, label in (("genre", "文种"), ("role", "角色"), ("year", "年份"), ("source", "来源")):
        counts = page.facets[name][:12]
        if counts:
            click.echo(f"{label}: " + "  ".join(f"{value} {n}" for value, n in counts))
    if page.articles:
        last = offset + len(page.articles)
        click.echo(
            "\n"
            + tr(
                N_("{total} articles, {first}–{last} shown:"),
                total=page.total,
                first=offset + 1,
                last=last,
            )
        )
    else:
        click.echo("\n" + tr(N_("{total} articles."), total=page.total))
    for r in page.articles:
        click.echo(summary_line(r))


def _print_article(article: Article, hygiene: ArticleHygiene | None = None) -> None:
    role = f"（{article.role}）" if article.role else ""
    click.secho(f"{article.title}{role}", bold=True)
    date = article.issued_on or (str(article.year) if article.year else "")
    click.echo(f"#{article.id} · {article.genre}" + (f" · {date}" if date else ""))
    for label, value in (
        ("发文机关", article.issuer),
        ("发文字号", article.doc_number),
        ("签发人", article.signer),
        ("主送机关", article.addressee),
        ("附件", "；".join(article.attachments)),
    ):
        if value:
            click.echo(f"{label}: {value}")
    for s in article.sources:
        copy = f" ≈ {s.similarity:.2f}, copy {s.copy_id}" if s.copy_id is not None else ""
        click.echo(f"来源: {s.path} (第{s.position + 1}篇){copy}")
    if article.outline:
        click.echo("\n提纲:")
        for e in article.outline:
            click.echo("  " * e.level + e.text)
    click.echo("")
    paid_started = False
    color = sys.stdout.isatty()
    for p in article.paragraphs:
        if p.paid and not paid_started:
            click.echo("—— 以下为会员内容 ——")
            paid_started = True
        text = p.text
        if hygiene is not None and color:
            spans = [(f.start, f.end) for f in hygiene.of(p.index)]
            text = mark(text, spans, "\x1b[1;43m", "\x1b[0m")
        click.echo(text if p.heading else "　　" + text)
    if hygiene is not None:
        _print_hygiene(hygiene)


def _print_hygiene(hygiene: ArticleHygiene) -> None:
    """The 校对 part of ``sucai show``: findings per paragraph, then what import restored."""
    if not hygiene.count and not hygiene.corrections:
        return
    click.echo("\n校对:")
    for para in hygiene.paragraphs:
        where = "标题" if para.index < 0 else f"¶{para.index + 1}"
        for f in para.findings:
            click.echo(f"  {where} 第{f.start + 1}字  {f.text}  {f.message}")
    if hygiene.corrections:
        rules = sorted({c.rule for c in hygiene.corrections})
        click.echo(
            f"  导入时已还原 {len(hygiene.corrections)} 处（{'、'.join(rules)}）；"
            "原文可用 sucai show --original 查看。"
        )


@cli.command()
@click.argument("article_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@click.option(
    "--original", is_flag=True, help="The text as imported, before 党 was restored for D."
)
@db_option(create=False)
def show(article_id: int, as_json: bool, original: bool, library: Library) -> None:
    """Show one article: title, role, outline, paragraphs and 校对 (placeholders, gaps)."""
    article = library.original(article_id) if original else library.get(article_id)
    if as_json:
        click.echo(dumps(article_to_dict(article)))
    else:
        _print_article(article, None if original else library.hygiene(article_id))


def _hit_lines(hit: SearchHit, color: bool) -> list[str]:
    text, spans = snippet(hit.text, list(hit.highlights))
    marked = mark(text, spans, "\x1b[1;31m", "\x1b[0m") if color else text
    where = " › ".join(hit.outline_path)
    head = f"  ¶{hit.paragraph_index + 1}" if hit.paragraph_index is not None else "  标题"
    lines = [head + (f"  {where}" if where else "") + ("  [会员]" if hit.paid else "")]
    lines.append("     " + marked)
    return lines


@cli.command(name="search", context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1, type=click.UNPROCESSED)
@filter_options
@click.option(
    "--in",
    "scope",
    type=click.Choice(["all", "title", "outline", "jinju"]),
    default="all",
    show_default=True,
    help="Search paragraphs, article titles only, outline headings only (提纲检索), or 金句 "
    "(sentences worth quoting: every word must occur in the sentence; no words: all of them).",
)
@click.option(
    "--kind",
    "kinds",
    multiple=True,
    type=click.Choice(JINJU_KINDS),
    help="With --in jinju: only 金句 of this kind (repeat for several).",
)
@click.option(
    "--doc-number", metavar="文号", help="Only the document with this 发文字号 (国发〔2019〕4号)."
)
@click.option("--issuer", metavar="机关", help="Only documents of this 发文机关 (国务院办公厅).")
@click.option(
    "--sort",
    type=click.Choice(["relevance", "date"]),
    default="relevance",
    show_default=True,
    help="Best hits first, or the newest articles first (by 成文日期; undated last).",
)
@click.option("--limit", type=click.IntRange(min=0), default=20, help="At most N hits (0 = all).")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip the first N hits.")
@click.option("--json", "as_json", is_flag=True, help="Print {ok, total, hits:[…]} as JSON.")
@db_option(create=False)
def search_(
    words: tuple[str, ...],
    where: ArticleFilter,
    scope: str,
    kinds: tuple[str, ...],
    doc_number: str | None,
    issuer: str | None,
    sort: str,
    limit: int,
    offset: int,
    as_json: bool,
    library: Library,
) -> None:
    """Search paragraphs: every word must occur; "quoted phrases", -excluded words.

    \b
      sucai search 营商环境
      sucai search '"优化营商环境" 民营'
      sucai search 乡村振兴 -脱贫 --genre 讲话 --year 2020..2025
      sucai search 招商 --in title
      sucai search 人民 --in jinju --kind 对仗
      sucai search --in jinju --kind 引用
      sucai search 优秀历史建筑 文号:沪房规范〔2025〕7号
      sucai search 优秀历史建筑 --issuer 上海市房屋管理局
      sucai search 营商环境 --sort date
    Hits are ranked (titles and headings above body text, words written together above
    scattered ones) and grouped by article; --sort date lists the newest articles first.
    """
    if scope == "jinju":
        print_jinju(library, words, kinds, limit, offset, as_json)
        return
    if not words:
        raise click.UsageError(tr(N_("give the words to search for (none: --in jinju only).")))
    query = parse_query(
        " ".join(words),
        where=where,
        doc_number=doc_number,
        issuer=issuer,
        scope=scope,
        limit=limit or None,
        offset=offset,
        sort=sort,
    )
    page = library.search(query)
    if as_json:
        click.echo(dumps(page_to_dict(page)))
        return
    if not page.total:
        # The query as parsed: invisible format controls (U+202E …) are not echoed.
        click.echo(
            tr(
                N_("No matches for “{query}”. Try fewer words, or check the filters."),
                query=format_query(query),
            )
        )
        for s in page.suggestions:
            click.echo(tr(N_("Try: {query}  ({total} matching)"), query=s.query, total=s.total))
        for kind, wider, total in library.wider(query):
            if kind == "unfiltered":
                said = N_("Without the filters: {query}  ({total} matching)")
            else:
                said = N_("In the whole text (--in all): {query}  ({total} matching)")
            click.echo(tr(said, query=format_query(wider), total=total))
        return
    shown = f"{offset + 1}–{offset + len(page.hits)}" if page.hits else Term(N_("none"))
    click.echo(
        tr(
            N_("{total} matching {what} ({shown} shown)"),
            total=page.total,
            what=Term(_MATCHING[scope]),
            shown=shown,
        )
    )
    if not page.hits and limit:
        last = (page.total - 1) // limit * limit
        click.echo(
            tr(
                N_("--offset {offset} is past the end; the last page is --offset {last}."),
                offset=offset,
                last=last,
            )
        )
    color = sys.stdout.isatty()
    last_article = None
    for hit in page.hits:
        if hit.article_id != last_article:
            role = f"（{hit.role}）" if hit.role else ""
            year = f" · {hit.year}" if hit.year else ""
            click.echo(
                click.style(f"\n[{hit.article_id}] {hit.title}{role}", bold=True)
                + f" · {hit.genre}{year}"
            )
            last_article = hit.article_id
        for line in _hit_lines(hit, color):
            click.echo(line)


@cli.command()
@click.argument("article_id", type=int)
@click.option("--limit", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@db_option(create=False)
def similar(article_id: int, limit: int, as_json: bool, library: Library) -> None:
    """Articles most like ARTICLE_ID (by their most distinctive shared words)."""
    found = library.similar(article_id, limit=limit)
    if as_json:
        click.echo(
            dumps([{**summary_to_dict(s.article), "score": round(s.score, 3)} for s in found])
        )
        return
    for s in found:
        click.echo(f"{s.score:7.1f}  " + summary_line(s.article).lstrip())
    if not found:
        click.echo(tr(N_("No similar articles found.")))


@cli.command()
@db_option(create=False)
def dump(library: Library) -> None:
    """Print every article as one JSON object per line (as `show --json` prints it)."""
    for article in library.articles():
        click.echo(dumps(article_to_dict(article)))


def _table(header: tuple[str, ...], rows: Sequence[tuple[str, ...]], numeric: int) -> None:
    """Columns padded to their widest cell, the first ``numeric`` ones right-aligned (the
    last column, a title, is not padded)."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header) - 1)]
    for row in [header, tuple("-" * len(h) for h in header), *rows]:
        cells = [
            cell.rjust(width) if i < numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row[:-1], widths, strict=True))
        ]
        click.echo("  ".join([*cells, row[-1]]).rstrip())


@cli.command()
@click.option("--keep", type=int, metavar="COPY", help="Make this copy the canonical text.")
@click.option("--split", type=int, metavar="COPY", help="Turn this copy into its own article.")
@click.option("--json", "as_json", is_flag=True, help="Print {ok, clusters, versions} as JSON.")
@db_option(create=False)
def duplicates(keep: int | None, split: int | None, as_json: bool, library: Library) -> None:
    """List near-duplicate material merged at import, and law versions; resolve by hand.

    Each cluster is a canonical article and the copies merged into it (title, file,
    similarity). --keep COPY makes a copy the canonical text of its cluster; --split COPY
    turns a copy back into an article of its own.
    """
    if keep is not None and split is not None:
        raise click.UsageError(tr(N_("give --keep or --split, not both.")))
    if keep is not None:
        article_id = library.keep_copy(keep)
        click.echo(
            f"#{article_id} 《{library.get(article_id).title}》 now has the text of copy {keep}; "
            "its previous text is kept as a copy."
        )
        return
    if split is not None:
        article_id = library.split_copy(split)
        click.echo(
            f"copy {split} is now article #{article_id} 《{library.get(article_id).title}》."
        )
        return
    found = library.duplicates()
    if as_json:
        click.echo(dumps(duplicates_to_dict(found)))
        return
    rows: list[tuple[str, ...]] = []
    for cluster in found.clusters:
        a = cluster.article
        rows.append((str(a.id), "", "", f"{a.sources} sources", a.title))
        for c in cluster.copies:
            where = c.path.replace("\\", "/").rsplit("/", 1)[-1] + f" (第{c.position + 1}篇)"
            rows.append(("", str(c.id), f"{c.similarity:.2f}", where, c.title))
    if rows:
        _table(("article", "copy", "similarity", "source", "title"), rows, numeric=3)
    versions = [
        (str(v.article_id), v.version or "?", v.issued_on or "", v.title)
        for group in found.versions
        for v in group
    ]
    if versions:
        click.echo("" if not rows else "\n" + "法规版本 (law versions):")
        _table(("article", "version", "issued_on", "title"), versions, numeric=1)
    if not rows and not versions:
        click.echo(tr(N_("No near-duplicates merged and no law versions linked.")))
    else:
        click.echo(
            f"\n{len(found.clusters)} clusters, {sum(len(c.copies) for c in found.clusters)} "
            f"copies · {len(found.versions)} laws in several versions"
        )
