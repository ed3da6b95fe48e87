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
from sucai.search.highlight import mark, snippet
from sucai.search.query import parse_query, parse_years
from sucai.serialize import (
    article_to_dict,
    browse_to_dict,
    page_to_dict,
    report_to_dict,
    summary_to_dict,
)
from sucai.store import ArticleFilter

if TYPE_CHECKING:
    from collections.abc import Callable

    from sucai.models import Article, FileReport, IngestReport
    from sucai.search.engine import SearchHit
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

    def __init__(self, total: int, enabled: bool, label: str = "导入") -> None:
        self.bar = (
            click.progressbar(
                length=total,
                label=label,
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


class _IndexProgress:
    """A second bar for the search index, shown once indexing reports its total."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="索引", file=sys.stderr, show_pos=True)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

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
    indexing = _IndexProgress(show)
    try:
        report = library.ingest(list(paths), encoding=encoding, on_file=progress, on_index=indexing)
    finally:
        progress.close()
        indexing.close()
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


def _hit_lines(hit: SearchHit, color: bool) -> list[str]:
    text, spans = snippet(hit.text, list(hit.highlights))
    marked = mark(text, spans, "\x1b[1;31m", "\x1b[0m") if color else text
    where = " › ".join(hit.outline_path)
    head = f"  ¶{hit.paragraph_index + 1}" if hit.paragraph_index is not None else "  标题"
    lines = [head + (f"  {where}" if where else "") + ("  [会员]" if hit.paid else "")]
    lines.append("     " + marked)
    return lines


@cli.command(name="search", context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1, required=True, type=click.UNPROCESSED)
@filter_options
@click.option(
    "--in",
    "scope",
    type=click.Choice(["all", "title", "outline"]),
    default="all",
    show_default=True,
    help="Search paragraphs, article titles only, or outline headings only (提纲检索).",
)
@click.option("--limit", type=click.IntRange(min=0), default=20, help="At most N hits (0 = all).")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip the first N hits.")
@click.option("--json", "as_json", is_flag=True, help="Print {ok, total, hits:[…]} as JSON.")
@db_option
def search_(
    words: tuple[str, ...],
    where: ArticleFilter,
    scope: str,
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
    Hits are ranked (titles and headings above body text, words written together above
    scattered ones) and grouped by article.
    """
    try:
        query = parse_query(
            " ".join(words),
            genre=where.genre,
            role=where.role,
            years=(where.year_from, where.year_to),
            scope=scope,
            limit=limit or None,
            offset=offset,
        )
        page = library.search(query)
    except SucaiError as exc:
        raise _fail(exc) from None
    if as_json:
        click.echo(_dumps(page_to_dict(page)))
        return
    if not page.total:
        click.echo(f"No matches for “{' '.join(words)}”. Try fewer words, or check the filters.")
        return
    shown = f"{offset + 1}–{offset + len(page.hits)}" if page.hits else "none"
    click.echo(
        f"{page.total} matching {'paragraphs' if scope == 'all' else scope + 's'} ({shown} shown)"
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
@db_option
def similar(article_id: int, limit: int, as_json: bool, library: Library) -> None:
    """Articles most like ARTICLE_ID (by their most distinctive shared words)."""
    found = library.similar(article_id, limit=limit)
    if as_json:
        click.echo(
            _dumps([{**summary_to_dict(s.article), "score": round(s.score, 3)} for s in found])
        )
        return
    for s in found:
        click.echo(f"{s.score:7.1f}  " + _summary_line(s.article).lstrip())
    if not found:
        click.echo("No similar articles found.")


@cli.command()
@db_option
def reindex(library: Library) -> None:
    """Rebuild the search index from the library (it is rebuilt automatically when stale)."""
    progress = _IndexProgress(sys.stderr.isatty())
    try:
        count = library.reindex(on_progress=progress)
    finally:
        progress.close()
    click.echo(f"Indexed {count} articles.")


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


# --- the web app and its accounts (issue 4) ------------------------------------------------


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--max-upload-mb",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Largest upload the import page accepts.",
)
@db_option
def serve(host: str, port: int, max_upload_mb: int, library: Library) -> None:
    """Serve the web app and JSON API (uvicorn, with request logging).

    \b
      sucai serve                        http://127.0.0.1:8000/
      sucai serve --host 0.0.0.0 --port 8080
    Create the first admin with: sucai user add NAME --admin
    """
    import uvicorn

    from sucai.users import Accounts
    from sucai.web import WebSettings, create_app

    store_path = Path(str(getattr(library.store, "path", "")))
    app = create_app(
        library, WebSettings(db=store_path, max_upload_bytes=max_upload_mb * 1024 * 1024)
    )
    if not any(u.role == "admin" for u in Accounts(library.store).users()):
        click.echo(
            "No admin account yet: create one with "
            f"`sucai user add NAME --admin --db {store_path}`.",
            err=True,
        )
    click.echo(f"Serving {library.count()} articles at http://{host}:{port}/ (Ctrl-C stops)")
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        access_log=True,
        proxy_headers=True,  # https behind a local reverse proxy → Secure cookies
        server_header=False,
    )


@cli.group()
def user() -> None:
    """Manage the web app's accounts: sucai user add NAME [--admin], sucai user list."""


@user.command(name="add")
@click.argument("name")
@click.option("--admin", is_flag=True, help="An administrator (manages accounts and imports).")
@click.option("--tier", metavar="NAME", help="Member tier, e.g. 会员 or SVIP.")
@click.option("--expires", metavar="YYYY-MM-DD", help="Last day the tier is valid.")
@click.option("--quota", type=click.IntRange(min=0), help="Downloads per day (default: by tier).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@db_option
def user_add(
    name: str,
    admin: bool,
    tier: str | None,
    expires: str | None,
    quota: int | None,
    password_stdin: bool,
    library: Library,
) -> None:
    """Create an account; the password is asked for (or read with --password-stdin).

    \b
      sucai user add boss --admin
      sucai user add 张三 --tier 会员 --expires 2027-01-01
    """
    from sucai.users import Accounts

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        created = Accounts(library.store).add(
            name, password, admin=admin, tier=tier, expires_on=expires, daily_quota=quota
        )
    except SucaiError as exc:
        raise _fail(exc) from None
    role = "admin" if created.role == "admin" else f"member {created.tier or '(no tier)'}"
    until = f" until {created.expires_on}" if created.expires_on else ""
    click.echo(f"Created {created.name}: {role}{until}.")


@user.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@db_option
def user_list(as_json: bool, library: Library) -> None:
    """List the accounts."""
    from dataclasses import asdict

    from sucai.users import Accounts

    users = Accounts(library.store).users()
    if as_json:
        click.echo(_dumps([asdict(u) for u in users]))
        return
    for u in users:
        tier = u.tier or "-"
        click.echo(
            f"{u.id:>4}  {u.name:<16} {u.role:<6} {tier:<6} {u.expires_on or '-':<10}"
            + ("  disabled" if u.disabled else "")
        )
    if not users:
        click.echo("No accounts. Create the first admin with: sucai user add NAME --admin")
