"""The ``sucai`` command line. The only module that prints."""

from __future__ import annotations

import json
import sys
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sucai.config import load_settings
from sucai.errors import DecodeError, SucaiError
from sucai.library import Library, open_library
from sucai.search.query import parse_years
from sucai.serialize import article_to_dict, browse_to_dict, report_to_dict, summary_to_dict
from sucai.store import ArticleFilter

if TYPE_CHECKING:
    from collections.abc import Callable

    from sucai.models import Article, FileReport, IngestReport
    from sucai.store import ArticleSummary

F = TypeVar("F", bound="Callable[..., Any]")


def _dumps(data: object) -> str:
    return json.dumps(data, ensure_ascii=False)


def _fail(exc: SucaiError) -> click.ClickException:
    message = str(exc)
    if isinstance(exc, DecodeError):
        message += "\n\nTry running this again with --encoding gb18030 (or utf-16, big5 …)."
    return click.ClickException(message)


def db_option(fn: F) -> F:
    """Add ``--db`` and hand the command an open :class:`Library` as ``library``."""

    @click.option(
        "--db",
        "db",
        metavar="PATH",
        envvar="SUCAI_DB",
        help="Library file (SQLite). Default: $SUCAI_DB, else ~/.local/share/sucai/library.db.",
    )
    @wraps(fn)
    def wrapper(*args: Any, db: str | None, **kwargs: Any) -> Any:
        try:
            settings = load_settings(db=db)
            if settings.db_is_default:
                click.echo(
                    f"Library: {settings.db} (the default; choose another with --db or SUCAI_DB)",
                    err=True,
                )
            with open_library(settings.db) as library:
                return fn(*args, library=library, **kwargs)
        except SucaiError as exc:
            raise _fail(exc) from None

    return wrapper  # type: ignore[return-value]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sucai")
def cli() -> None:
    """sucai (素材库): import, clean and browse Chinese official-writing material.

    \b
      sucai import ~/素材/ 汇编.txt 讲话.docx   files, folders and .zip archives
      sucai list                                what the library holds
      sucai show 12                             one article: title, role, outline, text
      sucai dump > library.jsonl                every article as JSON lines
    """


class _Progress:
    """A progress bar on the terminal while an import runs (nothing when not a terminal)."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.bar = (
            click.progressbar(
                length=total,
                label="导入",
                file=sys.stderr,
                show_pos=True,
                item_show_func=lambda name: name,
            )
            if enabled
            else None
        )
        if self.bar is not None:
            self.bar.__enter__()

    def __call__(self, report: FileReport) -> None:
        if self.bar is not None:
            name = report.path if len(report.path) <= 40 else "…" + report.path[-39:]
            self.bar.update(1, name)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def _describe(f: FileReport) -> str:
    if f.status == "imported":
        parts = [f"{f.articles} article{'s' if f.articles != 1 else ''}"]
        if f.existing_articles:
            parts.append(f"{f.existing_articles} already stored")
        if f.encoding:
            parts.append(f.encoding)
        if f.removed:
            parts.append(f"{len(f.removed)} lines removed")
        return f"ok    {f.path}: " + ", ".join(parts)
    if f.status == "duplicate":
        return f"same  {f.path}: {f.message}"
    if f.status == "skipped":
        return f"skip  {f.path}: {f.message}"
    return f"FAIL  {f.message}"


def _print_report(report: IngestReport, verbose: bool) -> None:
    show_each = verbose or len(report.files) <= 20
    for f in report.files:
        if show_each or f.status == "failed":
            click.echo(_describe(f))
        if show_each and f.status == "imported":
            for note in f.notes:
                click.echo(f"      note: {note}")
            if verbose:
                for r in f.removed:
                    click.echo(f"      removed line {r.line} ({r.reason}): {r.text}")
    click.echo(
        f"{len(report.files)} files: {report.imported} imported, {report.duplicates} duplicates, "
        f"{report.skipped} skipped, {len(report.failed)} failed · {report.articles} articles "
        f"({report.new_articles} new) · "
        f"{sum(len(f.removed) for f in report.files)} advertising/chrome lines removed"
    )


@cli.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--encoding", metavar="NAME", help="Decode text files with this encoding.")
@click.option("--json", "as_json", is_flag=True, help="Print the import report as JSON.")
@click.option("-v", "--verbose", is_flag=True, help="List every file and every removed line.")
@db_option
def import_(
    paths: tuple[Path, ...], encoding: str | None, as_json: bool, verbose: bool, library: Library
) -> None:
    """Import files, folders (recursively) and .zip archives.

    Reads .txt/.md (UTF-8, GBK/GB18030, UTF-16), .docx, .html/.shtml and .pdf. Compilations
    are split into articles; advertising and page chrome are removed and reported. Exit
    status is 1 when any file failed; the others are imported all the same.
    """
    show = sys.stderr.isatty() and not as_json
    progress = _Progress(library.count_inputs(list(paths)) if show else 0, show)
    try:
        report = library.ingest(list(paths), encoding=encoding, on_file=progress)
    finally:
        progress.close()
    if as_json:
        click.echo(_dumps(report_to_dict(report)))
    else:
        _print_report(report, verbose)
    if report.failed:
        sys.exit(1)


def filter_options(fn: F) -> F:
    """Add ``--genre``, ``--role`` and ``--year`` and hand the command an ``ArticleFilter``."""

    @click.option("--genre", help="Only this genre (讲话, 报告, 法规, 新闻 …).")
    @click.option("--role", help="Only this speaker role (县长, 市委书记 …).")
    @click.option("--year", metavar="RANGE", help="Only these years: 2020, 2020..2025, ..2019.")
    @wraps(fn)
    def wrapper(
        *args: Any, genre: str | None, role: str | None, year: str | None, **kw: Any
    ) -> Any:
        try:
            start, end = parse_years(year) if year else (None, None)
        except SucaiError as exc:
            raise _fail(exc) from None
        where = ArticleFilter(genre, role, start, end)
        return fn(*args, where=where, **kw)

    return wrapper  # type: ignore[return-value]


def _summary_line(r: ArticleSummary) -> str:
    role = f"（{r.role}）" if r.role else ""
    date = r.issued_on or (str(r.year) if r.year else "")
    return f"{r.id:>6}  {r.genre:<4}  {date:<10}  {r.title}{role}  [{r.paragraphs}段]"


@cli.command(name="list")
@filter_options
@click.option("--limit", type=click.IntRange(min=0), default=0, help="At most N (0 = all).")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip the first N.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@db_option
def list_(where: ArticleFilter, limit: int, offset: int, as_json: bool, library: Library) -> None:
    """List the articles in the library, in the order they were added."""
    rows = library.list(where, limit=limit or None, offset=offset)
    if as_json:
        click.echo(_dumps([summary_to_dict(r) for r in rows]))
        return
    for r in rows:
        click.echo(_summary_line(r))
    if not rows:
        click.echo("No articles. Add material with: sucai import PATH …")


@cli.command()
@filter_options
@click.option("--limit", type=click.IntRange(min=0), default=20, help="At most N (0 = all).")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip the first N.")
@click.option("--json", "as_json", is_flag=True, help="Print {total, articles, facets} as JSON.")
@db_option
def browse(where: ArticleFilter, limit: int, offset: int, as_json: bool, library: Library) -> None:
    """Look things up without a query: newest first, with counts per genre, role and year."""
    page = library.browse(where, limit=limit or None, offset=offset)
    if as_json:
        click.echo(_dumps(browse_to_dict(page)))
        return
    for name, label in (("genre", "文种"), ("role", "角色"), ("year", "年份")):
        counts = page.facets[name][:12]
        if counts:
            click.echo(f"{label}: " + "  ".join(f"{value} {n}" for value, n in counts))
    click.echo(
        f"\n{page.total} articles"
        + (f", {offset + 1}–{offset + len(page.articles)} shown:" if page.articles else ".")
    )
    for r in page.articles:
        click.echo(_summary_line(r))


def _print_article(article: Article) -> None:
    role = f"（{article.role}）" if article.role else ""
    click.secho(f"{article.title}{role}", bold=True)
    date = article.issued_on or (str(article.year) if article.year else "")
    click.echo(f"#{article.id} · {article.genre}" + (f" · {date}" if date else ""))
    for s in article.sources:
        click.echo(f"来源: {s.path} (第{s.position + 1}篇)")
    if article.outline:
        click.echo("\n提纲:")
        for e in article.outline:
            click.echo("  " * e.level + e.text)
    click.echo("")
    paid_started = False
    for p in article.paragraphs:
        if p.paid and not paid_started:
            click.echo("—— 以下为会员内容 ——")
            paid_started = True
        click.echo(p.text if p.heading else "　　" + p.text)


@cli.command()
@click.argument("article_id", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print the article as JSON.")
@db_option
def show(article_id: int, as_json: bool, library: Library) -> None:
    """Show one article: title, role, outline and paragraphs."""
    article = library.get(article_id)
    if as_json:
        click.echo(_dumps(article_to_dict(article)))
    else:
        _print_article(article)


@cli.command()
@db_option
def dump(library: Library) -> None:
    """Print every article as one JSON object per line (as `show --json` prints it)."""
    for article in library.articles():
        click.echo(_dumps(article_to_dict(article)))


@cli.command()
@db_option
def info(library: Library) -> None:
    """Say where the library is, what it holds, and what to do next."""
    files = library.files()
    store_path = getattr(library.store, "path", "")
    click.echo(f"Library: {store_path}")
    click.echo(f"{library.count()} articles from {len(files)} files.")
    genres = library.browse(limit=0).facets["genre"]
    if genres:
        click.echo("By genre: " + ", ".join(f"{g} {n}" for g, n in genres))
    click.echo(
        f"\nTry:\n  sucai list --db {store_path}\n  sucai show 1 --db {store_path}\n"
        f"  sucai import --db {store_path} ~/素材/"
    )
