"""The ``sucai`` command line. The only module that prints."""

from __future__ import annotations

import json
import os
import shutil
import sys
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import click

from sucai.config import load_settings
from sucai.errors import DecodeError, SucaiError
from sucai.ingest.neardup import DEFAULT_SIMILARITY
from sucai.library import Library, open_library
from sucai.search.highlight import mark, snippet
from sucai.search.query import format_query, parse_query, parse_years
from sucai.serialize import (
    article_to_dict,
    browse_to_dict,
    duplicates_to_dict,
    page_to_dict,
    report_to_dict,
    summary_to_dict,
)
from sucai.store import ArticleFilter

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sucai.export import Stamp
    from sucai.hygiene import ArticleHygiene
    from sucai.models import Article, FileReport, IngestReport
    from sucai.search.engine import SearchHit
    from sucai.store import ArticleSummary, Basket, User

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
        help="Library file (SQLite) or postgresql:// URL. Default: $SUCAI_DB, else "
        "~/.local/share/sucai/library.db.",
    )
    @click.option(
        "--index-dir",
        "index_dir",
        metavar="DIR",
        envvar="SUCAI_INDEX_DIR",
        help="This server's search index folder. Default: beside a SQLite library; "
        "~/.cache/sucai/index/… for PostgreSQL.",
    )
    @wraps(fn)
    def wrapper(*args: Any, db: str | None, index_dir: str | None, **kwargs: Any) -> Any:
        try:
            settings = load_settings(db=db, index_dir=index_dir)
            if settings.db_is_default:
                click.echo(
                    f"Library: {settings.db} (the default; choose another with --db or SUCAI_DB)",
                    err=True,
                )
            with open_library(
                settings.db, read_url=settings.db_read, index_dir=settings.index_dir
            ) as library:
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

    def clear(self) -> None:
        """Blank the bar's line so that a report line can be printed in its place."""
        if self.bar is not None:
            width = shutil.get_terminal_size().columns - 1
            click.echo("\r" + " " * width + "\r", nl=False, err=True)

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
        if f.merged:
            parts.append(
                f"{len(f.merged)} merged as near-duplicate{'s' if len(f.merged) != 1 else ''}"
            )
        if f.encoding:
            parts.append(f.encoding)
        if f.removed:
            parts.append(f"{len(f.removed)} lines removed")
        return f"ok    {f.path}: " + ", ".join(parts)
    if f.status == "duplicate":
        return f"same  {f.path}: {f.message}"
    if f.status == "skipped":
        return f"skip  {f.path}: {f.message}"
    if f.status == "refused":
        return f"REFUSED  {f.message}"
    return f"FAIL  {f.message}"


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


#: Files skipped inside folders that the summary names (the rest are counted).
_SKIPPED_NAMED: Final = 10


def _print_summary(report: IngestReport) -> None:
    click.echo(
        f"{len(report.files)} files: {report.imported} imported, {report.duplicates} duplicates, "
        f"{report.skipped} skipped, "
        + (f"{report.refused} refused (classified), " if report.refused else "")
        + f"{len(report.failed)} failed · {report.articles} articles "
        f"({report.new_articles} new"
        + (f", {report.merged} merged as near-duplicates" if report.merged else "")
        + ") · "
        f"{sum(len(f.removed) for f in report.files)} advertising/chrome lines removed"
    )
    skipped = [f for f in report.files if f.status == "skipped"]
    for reason in dict.fromkeys(f.message for f in skipped):
        names = [f.path for f in skipped if f.message == reason]
        shown = ", ".join(names[:_SKIPPED_NAMED])
        more = f" and {len(names) - _SKIPPED_NAMED} more" if len(names) > _SKIPPED_NAMED else ""
        click.echo(f"      skipped ({reason}): {shown}{more}")


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
    is given. Exit status is 1 when any file failed; the others are imported all the same.
    """
    show = sys.stderr.isatty() and not as_json
    total = 0 if as_json else library.count_inputs(list(paths))
    progress = _Progress(total, show)
    indexing = _IndexProgress(show)
    on_file = progress if as_json else _Log(progress, verbose or total <= 20, verbose)
    try:
        report = library.ingest(
            list(paths),
            encoding=encoding,
            on_file=on_file,
            on_index=indexing,
            merge=not no_merge,
            similarity=similarity,
            allow_classified=allow_classified,
            redact_personal=redact_personal,
        )
    finally:
        progress.close()
        indexing.close()
    if as_json:
        click.echo(_dumps(report_to_dict(report)))
    else:
        _print_summary(report)
    if report.failed:
        sys.exit(1)


def filter_options(fn: F) -> F:
    """Add ``--genre``, ``--role``, ``--year`` and ``--source``; hand over an ``ArticleFilter``."""

    @click.option("--genre", help="Only this genre (讲话, 报告, 法规, 新闻 …).")
    @click.option("--role", help="Only this speaker role (县长, 市委书记 …).")
    @click.option("--year", metavar="RANGE", help="Only these years: 2020, 2020..2025, ..2019.")
    @click.option("--source", help="Only material imported from this folder (来源).")
    @wraps(fn)
    def wrapper(
        *args: Any,
        genre: str | None,
        role: str | None,
        year: str | None,
        source: str | None,
        **kw: Any,
    ) -> Any:
        try:
            start, end = parse_years(year) if year else (None, None)
        except SucaiError as exc:
            raise _fail(exc) from None
        where = ArticleFilter(genre, role, start, end, source)
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
    for name, label in (("genre", "文种"), ("role", "角色"), ("year", "年份"), ("source", "来源")):
        counts = page.facets[name][:12]
        if counts:
            click.echo(f"{label}: " + "  ".join(f"{value} {n}" for value, n in counts))
    click.echo(
        f"\n{page.total} articles"
        + (f", {offset + 1}–{offset + len(page.articles)} shown:" if page.articles else ".")
    )
    for r in page.articles:
        click.echo(_summary_line(r))


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
@db_option
def show(article_id: int, as_json: bool, original: bool, library: Library) -> None:
    """Show one article: title, role, outline, paragraphs and 校对 (placeholders, gaps)."""
    article = library.original(article_id) if original else library.get(article_id)
    if as_json:
        click.echo(_dumps(article_to_dict(article)))
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
@click.option(
    "--doc-number", metavar="文号", help="Only the document with this 发文字号 (国发〔2019〕4号)."
)
@click.option("--issuer", metavar="机关", help="Only documents of this 发文机关 (国务院办公厅).")
@click.option("--limit", type=click.IntRange(min=0), default=20, help="At most N hits (0 = all).")
@click.option("--offset", type=click.IntRange(min=0), default=0, help="Skip the first N hits.")
@click.option("--json", "as_json", is_flag=True, help="Print {ok, total, hits:[…]} as JSON.")
@db_option
def search_(
    words: tuple[str, ...],
    where: ArticleFilter,
    scope: str,
    doc_number: str | None,
    issuer: str | None,
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
      sucai search 优秀历史建筑 文号:沪房规范〔2025〕7号
      sucai search 优秀历史建筑 --issuer 上海市房屋管理局
    Hits are ranked (titles and headings above body text, words written together above
    scattered ones) and grouped by article.
    """
    try:
        query = parse_query(
            " ".join(words),
            genre=where.genre,
            role=where.role,
            years=(where.year_from, where.year_to),
            doc_number=doc_number,
            issuer=issuer,
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
        # The query as parsed: invisible format controls (U+202E …) are not echoed.
        click.echo(
            f"No matches for “{format_query(query)}”. Try fewer words, or check the filters."
        )
        return
    shown = f"{offset + 1}–{offset + len(page.hits)}" if page.hits else "none"
    click.echo(
        f"{page.total} matching {'paragraphs' if scope == 'all' else scope + 's'} ({shown} shown)"
    )
    if not page.hits and limit:
        last = (page.total - 1) // limit * limit
        click.echo(f"--offset {offset} is past the end; the last page is --offset {last}.")
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
@click.argument("draft", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--min-span",
    type=click.IntRange(min=5),
    default=13,
    show_default=True,
    help="Shortest copied stretch that counts, in characters (CJK, letters, digits).",
)
@click.option(
    "--exclude",
    "exclude",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Stock phrases (套话) that do not count, one a line (default: the shipped list).",
)
@click.option("--encoding", metavar="NAME", help="Decode a text draft with this encoding.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
@click.option(
    "--html",
    "html_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write an HTML report.",
)
@click.option(
    "--docx",
    "docx_out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write a .docx report.",
)
@db_option
def check(
    draft: Path,
    min_span: int,
    exclude: Path | None,
    encoding: str | None,
    as_json: bool,
    html_out: Path | None,
    docx_out: Path | None,
    library: Library,
) -> None:
    """查重: how much of DRAFT (.txt/.md/.docx) comes from the library, and from where.

    \b
      sucai check 草稿.docx
      sucai check 草稿.txt --html 报告.html --docx 报告.docx
      sucai check 草稿.txt --json --min-span 20 --exclude 我的套话.txt
    Ratios count CJK characters, letters and digits; stretches shorter than --min-span and
    stock phrases (套话) do not count. Light edits (punctuation, a changed character, xx县 for
    某县, traditional characters) do not hide a copy.
    """
    from sucai.check.render import write_docx, write_html
    from sucai.serialize import overlap_report_to_dict

    try:
        report = library.check(draft, min_span=min_span, exclude=exclude, encoding=encoding)
    except SucaiError as exc:
        raise _fail(exc) from None
    if html_out is not None:
        write_html(report, html_out)
    if docx_out is not None:
        write_docx(report, docx_out)
    if as_json:
        click.echo(_dumps(overlap_report_to_dict(report)))
        return
    pct = "{:.1%}".format
    click.echo(
        f"{report.name}: {report.chars} 字 · {len(report.paragraphs)} 段 · {report.seconds:.2f} s"
    )
    click.echo(
        f"总文字复制比 {pct(report.ratio)} · 去除引用复制比 {pct(report.ratio_without_quotes)}"
        f" · 单篇最大复制比 {pct(report.top_source_ratio)} · 套话 {report.excluded} 字不计"
    )
    if report.sources:
        click.echo("\n相似来源:")
    for s in report.sources:
        role = f"（{s.role}）" if s.role else ""
        paras = "、".join(str(i + 1) for i in s.paragraphs[:10])
        click.echo(
            f"  {pct(s.ratio):>6} {s.chars:>6}字  [{s.article_id}] {s.title}{role}  ¶{paras}"
        )
    color = sys.stdout.isatty()
    styles = {"high": "red", "medium": "yellow", "low": "green"}
    shown = [p for p in report.paragraphs if p.spans]
    if shown:
        click.echo("\n相似段落:")
    for p in shown:
        head = p.text if len(p.text) <= 40 else p.text[:39] + "…"
        ratio = (
            click.style(f"{pct(p.ratio):>6}", fg=styles[p.level]) if color else f"{pct(p.ratio):>6}"
        )
        click.echo(f"  ¶{p.index + 1:<3} {ratio}  {head}")
        for span in p.spans:
            click.echo(
                f"        {span.start}–{span.end} ← [{span.article_id}] "
                f"¶{span.paragraph_index + 1} {span.source_start}–{span.source_end} "
                f"({span.chars}字)"
            )
    for out in (html_out, docx_out):
        if out is not None:
            click.echo(f"Wrote {out}")
    if not report.sources:
        click.echo("没有找到相似的库内材料（0%）。")


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
@db_option
def duplicates(keep: int | None, split: int | None, as_json: bool, library: Library) -> None:
    """List near-duplicate material merged at import, and law versions; resolve by hand.

    Each cluster is a canonical article and the copies merged into it (title, file,
    similarity). --keep COPY makes a copy the canonical text of its cluster; --split COPY
    turns a copy back into an article of its own.
    """
    if keep is not None and split is not None:
        raise click.UsageError("give --keep or --split, not both.")
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
        click.echo(_dumps(duplicates_to_dict(found)))
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
        click.echo("No near-duplicates merged and no law versions linked.")
    else:
        click.echo(
            f"\n{len(found.clusters)} clusters, {sum(len(c.copies) for c in found.clusters)} "
            f"copies · {len(found.versions)} laws in several versions"
        )


@cli.command()
@db_option
def info(library: Library) -> None:
    """Say where the library is, what it holds, and what to do next."""
    files = library.files()
    store_path = getattr(library.store, "url", None) or getattr(library.store, "path", "")
    click.echo(f"Library: {store_path}")
    click.echo(f"{library.count()} articles from {len(files)} files.")
    genres = library.browse(limit=0).facets["genre"]
    if genres:
        click.echo("By genre: " + ", ".join(f"{g} {n}" for g, n in genres))
    state = library.index_state()
    if state.building:
        health = f"being built ({state.building[0]} of {state.building[1]} articles)"
    elif not state.ready:
        health = "not built yet (the next search or `sucai reindex` builds it)"
    elif state.behind:
        health = f"{state.behind} changes behind the library (the next search applies them)"
    else:
        health = "up to date"
    click.echo(f"Search index: {state.path}, {health}.")
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
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Server processes, each searching on its own CPU core [default: one per core, at most 4].",
)
@click.option(
    "--trusted-proxies",
    metavar="ADDRESSES",
    default=None,
    help="Reverse proxies whose X-Forwarded-For/-Proto are believed, e.g. 127.0.0.1 "
    "[default: $SUCAI_TRUSTED_PROXIES, else none].",
)
@click.option(
    "--rate-limits",
    metavar="RULES",
    default=None,
    help="Rate limits over the defaults, e.g. 'visitor.search=1/s burst 10; SVIP.search=off', "
    "or off [default: $SUCAI_RATE_LIMITS].",
)
@db_option
def serve(
    host: str,
    port: int,
    max_upload_mb: int,
    workers: int | None,
    trusted_proxies: str | None,
    rate_limits: str | None,
    library: Library,
) -> None:
    """Serve the web app and JSON API (uvicorn, with request logging).

    \b
      sucai serve                        http://127.0.0.1:8000/
      sucai serve --host 0.0.0.0 --port 8080 --workers 2
      sucai serve --trusted-proxies 127.0.0.1     behind nginx on the same machine
    Create the first admin with: sucai user add NAME --admin
    """
    import uvicorn

    from sucai.users import Accounts
    from sucai.web import WebSettings, create_app
    from sucai.web.app import settings_to_environment
    from sucai.web.limits import parse_rate_limits, parse_trusted_proxies

    store_path = getattr(library.store, "url", None) or Path(
        str(getattr(library.store, "path", ""))
    )
    try:
        resolved = load_settings(trusted_proxies=trusted_proxies, rate_limits=rate_limits)
        parse_rate_limits(resolved.rate_limits)  # a bad value fails now, naming the setting
        settings = WebSettings(
            db=store_path,
            db_read=getattr(library.store, "read_url", None),
            index_dir=library.index.path,
            max_upload_bytes=max_upload_mb * 1024 * 1024,
            export_line_off_tiers=resolved.export_line_off_tiers,
            trusted_proxies=parse_trusted_proxies(resolved.trusted_proxies),
            rate_limits=resolved.rate_limits,
        )
    except SucaiError as exc:
        raise _fail(exc) from None
    workers = workers or min(os.cpu_count() or 1, 4)
    if not any(u.role == "admin" for u in Accounts(library.store).users()):
        click.echo(
            "No admin account yet: create one with "
            f"`sucai user add NAME --admin --db {store_path}`.",
            err=True,
        )
    processes = "1 process" if workers == 1 else f"{workers} processes"
    click.echo(
        f"Serving {library.count()} articles at http://{host}:{port}/ with {processes} "
        "(Ctrl-C stops)"
    )
    if not library.index_state().ready:
        click.echo(
            f"Building the search index in {library.index.path} in the background: pages "
            "answer now, searches once it is done (progress: /health).",
            err=True,
        )
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "info",
        "access_log": True,
        # X-Forwarded-For/-Proto are read by the app, from --trusted-proxies only (uvicorn
        # would believe any local client: issue 15).
        "proxy_headers": False,
        "server_header": False,
    }
    if workers == 1:
        uvicorn.run(create_app(library, settings), **options)
        return
    # Each worker process builds its own app from the environment; one of them at a time
    # writes the index (the others leave it to it).
    library.close()
    os.environ.update(settings_to_environment(settings))
    uvicorn.run("sucai.web.app:app_from_environment", factory=True, workers=workers, **options)


@cli.group()
def user() -> None:
    """Manage the web app's accounts.

    \b
      sucai user add NAME [--admin]           create one (the first admin, too)
      sucai user list [--json]                every account
      sucai user set NAME --tier SVIP         change role, tier, expiry or quota
      sucai user disable NAME · enable NAME   stop or allow signing in
      sucai user passwd NAME                  a new password (signs the account out)
    """


def _describe_user(u: User) -> str:
    role = "admin" if u.role == "admin" else f"member {u.tier or '(no tier)'}"
    until = f" until {u.expires_on}" if u.expires_on else ""
    quota = f", {u.daily_quota} downloads a day" if u.daily_quota is not None else ""
    return f"{u.name}: {role}{until}{quota}" + (" (disabled)" if u.disabled else "")


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


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

    password = _read_password(password_stdin)
    try:
        created = Accounts(library.store).add(
            name, password, admin=admin, tier=tier, expires_on=expires, daily_quota=quota
        )
    except SucaiError as exc:
        raise _fail(exc) from None
    click.echo(f"Created {_describe_user(created)}.")


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


def _quota_value(value: str) -> int | None:
    """``--quota``: a whole number, or "" for the tier's default."""
    if not value.strip():
        return None
    if not value.strip().isdigit():
        raise click.BadParameter(
            f"'{value}' is not a whole number; give one, or '' for the tier's default.",
            param_hint="'--quota'",
        )
    return int(value)


@user.command(name="set")
@click.argument("name")
@click.option("--role", type=click.Choice(["member", "admin"]), help="member or admin.")
@click.option("--tier", metavar="NAME", help="Member tier, e.g. 会员 or SVIP ('' for none).")
@click.option("--expires", metavar="YYYY-MM-DD", help="Last day the tier is valid ('' for never).")
@click.option("--quota", metavar="N", help="Downloads per day ('' for the tier's default).")
@db_option
def user_set(
    name: str,
    role: str | None,
    tier: str | None,
    expires: str | None,
    quota: str | None,
    library: Library,
) -> None:
    """Change an account: only the options given; '' clears a tier, expiry or quota.

    \b
      sucai user set 张三 --tier SVIP --expires 2027-06-30
      sucai user set 张三 --quota 5        sucai user set 张三 --expires ''
    """
    from sucai.users import UNCHANGED, Accounts

    accounts = Accounts(library.store)
    try:
        found = accounts.user(name)
        changed = accounts.update(
            found.id,
            role=UNCHANGED if role is None else role,
            tier=UNCHANGED if tier is None else tier,
            expires_on=UNCHANGED if expires is None else expires,
            daily_quota=UNCHANGED if quota is None else _quota_value(quota),
        )
    except SucaiError as exc:
        raise _fail(exc) from None
    click.echo(f"Changed {_describe_user(changed)}.")


def _set_disabled(name: str, disabled: bool, library: Library) -> User:
    from sucai.users import Accounts

    accounts = Accounts(library.store)
    try:
        return accounts.update(accounts.user(name).id, disabled=disabled)
    except SucaiError as exc:
        raise _fail(exc) from None


@user.command(name="disable")
@click.argument("name")
@db_option
def user_disable(name: str, library: Library) -> None:
    """Stop an account from signing in; its sessions end and its API tokens stop working."""
    changed = _set_disabled(name, True, library)
    click.echo(f"Disabled {changed.name}: signed out everywhere; its API tokens are refused.")


@user.command(name="enable")
@click.argument("name")
@db_option
def user_enable(name: str, library: Library) -> None:
    """Let a disabled account sign in again (its API tokens work again)."""
    changed = _set_disabled(name, False, library)
    click.echo(f"Enabled {_describe_user(changed)}.")


@user.command(name="passwd")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@db_option
def user_passwd(name: str, password_stdin: bool, library: Library) -> None:
    """Give an account a new password (asked for, or read with --password-stdin).

    The account is signed out everywhere; its API tokens keep working.
    """
    from sucai.users import Accounts

    accounts = Accounts(library.store)
    try:
        found = accounts.user(name)
        accounts.set_password(found.id, _read_password(password_stdin))
    except SucaiError as exc:
        raise _fail(exc) from None
    click.echo(f"Changed the password of {found.name}; it is signed out everywhere.")


# --- export, the 素材篮 and hygiene (issue 5) ----------------------------------------------


def _print_templates() -> None:
    from sucai.export import DEFAULT_TEMPLATE, TEMPLATES

    for name, t in TEMPLATES.items():
        default = " (default)" if name == DEFAULT_TEMPLATE else ""
        click.echo(f"{name}{default}\n    {t.changes}")


def _list_templates(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        _print_templates()
        ctx.exit()


def for_option(fn: F) -> F:
    """Add ``--for NAME``: the export is marked as made for NAME (issue 15)."""

    @click.option(
        "--for",
        "recipient",
        metavar="NAME",
        help="Mark the file as made for NAME: the footer line 仅供 NAME 使用 · date and an "
        "invisible code in the text, recorded in the audit log (sucai trace reads it back). "
        "Without it, no mark.",
    )
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def template_options(fn: F) -> F:
    """Add ``--format``, ``--template`` (``list`` lists them) and ``--list-templates``."""

    @click.option(
        "--format",
        "fmt",
        type=click.Choice(["docx", "txt", "md"]),
        default="docx",
        show_default=True,
        help="Word (GB/T 9704 layout), plain text or Markdown.",
    )
    @click.option(
        "--template",
        metavar="NAME",
        help="Word layout: gbt9704 (default), compact, loose … `--template list` lists them.",
    )
    @click.option(
        "--list-templates",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_list_templates,
        help="List the Word layouts and what each changes, then exit.",
    )
    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class _ExportProgress:
    """A bar on standard error for large exports (nothing for small ones or pipes)."""

    def __init__(self, total: int) -> None:
        self.bar: Any = None
        if total >= 20 and sys.stderr.isatty():
            self.bar = click.progressbar(length=total, label="导出", file=sys.stderr, show_pos=True)
            self.bar.__enter__()

    def __call__(self, _article: Article) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


@cli.command(name="export")
@click.argument("article_ids", nargs=-1, type=int)
@template_options
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File (or .zip) to write.")
@click.option("--query", metavar="QUERY", help="Export every article with hits for this search.")
@click.option("--basket", metavar="NAME", help="Export the whole articles of a basket.")
@click.option("--user", metavar="NAME", help="Whose basket (default: $USER).")
@for_option
@filter_options
@db_option
def export_(
    article_ids: tuple[int, ...],
    fmt: str,
    template: str | None,
    output: Path | None,
    query: str | None,
    basket: str | None,
    user: str | None,
    recipient: str | None,
    where: ArticleFilter,
    library: Library,
) -> None:
    """Export articles as Word files in GB/T 9704 layout, text or Markdown.

    \b
      sucai export 12                       12-<title>.docx
      sucai export 12 --format md -o a.md
      sucai export 3 5 8 -o 材料.zip         one file per article plus index.csv
      sucai export --query 营商环境 -o 营商环境.zip
      sucai export --genre 讲话 --year 2023 -o 讲话2023.zip
      sucai export --template list          the Word layouts
      sucai export 12 --for 张三             marked as made for 张三 (sucai trace reads it)
    Several articles go into one .zip, written one article at a time; a failed or
    interrupted export leaves no partial file behind.
    """
    if template == "list":
        _print_templates()
        return
    try:
        ids = list(article_ids)
        if query:
            ids += library.search_article_ids(query)
        if basket:
            found = library.basket(_owner(user), basket)
            ids += [item.article_id for item in found.items]
        if where != ArticleFilter():
            ids += [r.id for r in library.list(where)]
        ids = list(dict.fromkeys(ids))
        if not ids:
            raise click.UsageError(
                "nothing to export: name article ids, or use --query, --basket or a filter."
            )
        single = len(ids) == 1 and not (query or basket or where != ArticleFilter())
        single = single and not (output and output.suffix.lower() == ".zip")
        stamp = _stamp_for(library, recipient, _export_target(ids, single), fmt)
        if single:
            name, data = library.export(ids[0], fmt, template, stamp=stamp)
            target = output or Path(name)
            from sucai.export import FileSink

            with FileSink(target) as sink:
                sink.add(target.name, data)
            click.echo(f"Wrote {target}")
            return
        target = output or Path("sucai-export.zip")
        progress = _ExportProgress(len(ids))
        try:
            count = library.export_many(
                ids, target, fmt, template, on_article=progress, stamp=stamp
            )
        finally:
            progress.close()
    except SucaiError as exc:
        raise _fail(exc) from None
    click.echo(f"Wrote {target}: {count} articles ({fmt}) and index.csv")


def _export_target(ids: list[int], single: bool) -> str:
    """What an export holds, for its audit line: ``article:12``, ``articles:3,5,8``."""
    if single:
        return f"article:{ids[0]}"
    shown = ",".join(map(str, ids[:20]))
    return f"articles:{shown}" + (f"… ({len(ids)})" if len(ids) > 20 else "")


def _stamp_for(library: Library, recipient: str | None, target: str, fmt: str) -> Stamp | None:
    """The stamp of an export ``--for`` someone (recorded in the audit log), else ``None``."""
    if recipient is None:
        return None
    from sucai.users import Accounts

    return Accounts(library.store).record_export(recipient, target, fmt)


def _owner(user: str | None) -> str:
    """The basket owner: ``--user``, else the OS user, else ``default``."""
    if user:
        return user
    import getpass

    try:
        return getpass.getuser() or "default"
    except Exception:  # getuser raises OSError or KeyError when no name is known
        return "default"


def user_option(fn: F) -> F:
    """Add ``--user`` and hand the command the basket owner as ``owner``."""

    @click.option("--user", metavar="NAME", help="Whose baskets (default: $USER, else default).")
    @wraps(fn)
    def wrapper(*args: Any, user: str | None, **kwargs: Any) -> Any:
        return fn(*args, owner=_owner(user), **kwargs)

    return wrapper  # type: ignore[return-value]


@cli.group()
def basket() -> None:
    """The 素材篮: collect paragraphs, outline sections and articles, reorder, export.

    \b
      sucai basket add 讲话素材 12:3 15#2 20   paragraph 3 of 12, outline entry 2 of 15, article 20
      sucai basket list 讲话素材
      sucai basket move 讲话素材 3 1
      sucai basket export 讲话素材 -o 讲话素材.docx
    """


def _print_basket(library: Library, found: Basket) -> None:
    from sucai.basket import item_label

    click.echo(f"{found.name}: {len(found.items)} items")
    for article, item, paragraphs in library.basket_parts(found):
        first = paragraphs[0].text if paragraphs else ""
        preview = first[:30] + ("…" if len(first) > 30 else "")
        click.echo(f"{item.position:>4}. [{article.id}] {item_label(article, item)}  {preview}")


@basket.command(name="add")
@click.argument("name")
@click.argument("refs", nargs=-1, required=True)
@user_option
@db_option
def basket_add(name: str, refs: tuple[str, ...], owner: str, library: Library) -> None:
    """Add material to basket NAME: ARTICLE, ARTICLE:PARAGRAPH or ARTICLE#OUTLINE (from 1)."""
    try:
        found = library.basket_add(owner, name, list(refs))
    except SucaiError as exc:
        raise _fail(exc) from None
    click.echo(f"Added {len(refs)} to {found.name} ({len(found.items)} items).")


@basket.command(name="list")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@user_option
@db_option
def basket_list(name: str | None, as_json: bool, owner: str, library: Library) -> None:
    """List your baskets, or the items of basket NAME in order."""
    from dataclasses import asdict

    try:
        found = [library.basket(owner, name)] if name else library.baskets(owner)
    except SucaiError as exc:
        raise _fail(exc) from None
    if as_json:
        click.echo(_dumps({"ok": True, "baskets": [asdict(b) for b in found]}))
        return
    if name:
        _print_basket(library, found[0])
        return
    for b in found:
        click.echo(f"{b.name}  ({len(b.items)} items)")
    if not found:
        click.echo(f"{owner} has no baskets. Start one with: sucai basket add NAME ARTICLE")


@basket.command(name="move")
@click.argument("name")
@click.argument("source", type=int)
@click.argument("target", type=int)
@user_option
@db_option
def basket_move(name: str, source: int, target: int, owner: str, library: Library) -> None:
    """Move item SOURCE of basket NAME to position TARGET (positions from 1)."""
    try:
        found = library.basket_move(owner, name, source, target)
    except SucaiError as exc:
        raise _fail(exc) from None
    _print_basket(library, found)


@basket.command(name="remove")
@click.argument("name")
@click.argument("position", type=int)
@user_option
@db_option
def basket_remove(name: str, position: int, owner: str, library: Library) -> None:
    """Remove item POSITION from basket NAME."""
    try:
        found = library.basket_remove(owner, name, position)
    except SucaiError as exc:
        raise _fail(exc) from None
    _print_basket(library, found)


@basket.command(name="export")
@click.argument("name")
@template_options
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write.")
@for_option
@user_option
@db_option
def basket_export(
    name: str,
    fmt: str,
    template: str | None,
    output: Path | None,
    recipient: str | None,
    owner: str,
    library: Library,
) -> None:
    """Export basket NAME as one document: the material in order, sources, then 出处."""
    from sucai.export import FileSink

    try:
        found = library.basket(owner, name)  # a missing basket fails before it is recorded
        stamp = _stamp_for(library, recipient, f"basket:{found.name}", fmt)
        file_name, data = library.basket_export(owner, name, fmt, template, stamp=stamp)
    except SucaiError as exc:
        raise _fail(exc) from None
    target = output or Path(file_name)
    with FileSink(target) as sink:
        sink.add(target.name, data)
    click.echo(f"Wrote {target}")


@cli.command()
@click.argument("source", metavar="FILE", default="-")
@click.option("--json", "as_json", is_flag=True, help="Print {ok, codes:[…]} as JSON.")
@db_option
def trace(source: str, as_json: bool, library: Library) -> None:
    """Name the download a found file comes from: its export code and the audit log's line.

    \b
      sucai trace 泄露.docx                  a .docx, .txt or .md file
      pbpaste | sucai trace                 text pasted from a chat (FILE - or none: stdin)
    The exit status is 1 when no code is found.
    """
    try:
        found = library.trace(sys.stdin.read() if source == "-" else Path(source))
    except SucaiError as exc:
        raise _fail(exc) from None
    shown = "standard input" if source == "-" else source
    if as_json:
        from dataclasses import asdict

        codes = [
            {
                "code": t.code,
                "in_text": t.in_text,
                "in_properties": t.in_properties,
                "downloads": [asdict(e) for e in t.entries],
            }
            for t in found
        ]
        click.echo(_dumps({"ok": True, "source": shown, "codes": codes}))
    for t in [] if as_json else found:
        times = "once" if t.in_text == 1 else f"{t.in_text} times"
        where = [f"{times} in the text"] if t.in_text else []
        where += ["in the document properties"] if t.in_properties else []
        click.echo(f"{t.code}  found {', '.join(where)}")
        for e in t.entries:
            account = f" (account {e.user_id})" if e.user_id is not None else ""
            click.echo(
                f"    {e.action} of {e.target} ({e.format}) for {e.user_name}{account} "
                f"at {e.at} from {e.ip}"
            )
        if not t.entries:
            click.echo("    not in this library's audit log: exported by another library?")
    if not found:
        if not as_json:
            click.echo(
                f"No export code found in {shown}: the text was retyped, converted (PDF, "
                "screenshot) or cleaned of zero-width characters, or it was exported without "
                "a mark (sucai export without --for)."
            )
        sys.exit(1)


@cli.command(name="check-hygiene")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--encoding", metavar="NAME", help="Decode a text draft with this encoding.")
@click.option("--json", "as_json", is_flag=True, help="Print {ok, findings:[…]} as JSON.")
def check_hygiene(path: Path, encoding: str | None, as_json: bool) -> None:
    """Check a draft (.txt, .md, .docx) for D written for 党, placeholders and cut names.

    Prints each finding as FILE:LINE:COLUMN (columns count characters); the exit status is
    1 when anything was found.
    """
    from sucai.hygiene import check_text, read_draft

    try:
        findings = check_text(read_draft(path, encoding))
    except SucaiError as exc:
        raise _fail(exc) from None
    if as_json:
        click.echo(
            _dumps(
                {
                    "ok": True,
                    "file": str(path),
                    "findings": [
                        {
                            "line": f.line,
                            "column": f.column,
                            "kind": f.finding.kind,
                            "text": f.finding.text,
                            "message": f.finding.message,
                        }
                        for f in findings
                    ],
                }
            )
        )
    else:
        for f in findings:
            click.echo(f"{path}:{f.line}:{f.column}: {f.finding.kind}: {f.finding.message}")
        click.echo(f"{len(findings)} findings in {path}." if findings else f"{path}: clean.")
    if findings:
        sys.exit(1)


# --- moving and keeping libraries (issue 7) ------------------------------------------------


@cli.command()
@click.option("--from", "source", required=True, metavar="DB", help="The library to copy.")
@click.option("--to", "target", required=True, metavar="DB", help="An empty library to fill.")
def migrate(source: str, target: str) -> None:
    """Copy a whole library between SQLite and PostgreSQL, ids and all, then index it.

    \b
      sucai migrate --from library.db --to postgresql://sucai@db1/sucai
      sucai migrate --from postgresql://sucai@db1/sucai --to library.db
    The target must be empty (a new file, or a new database); the source is not changed.
    """
    import time

    from sucai.store.migrate import migrate as copy_library

    began = time.monotonic()
    bar: Any = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not sys.stderr.isatty():
            return
        if bar is None:
            bar = click.progressbar(length=total, label="复制", file=sys.stderr, show_pos=True)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        try:
            report = copy_library(source, target, on_progress=progress)
        finally:
            if bar is not None:
                bar.__exit__(None, None, None)
        click.echo(
            f"Copied {report.articles} articles ({report.total} rows) in "
            f"{time.monotonic() - began:.1f} s; building the search index …",
            err=True,
        )
        indexing = _IndexProgress(sys.stderr.isatty())
        try:
            # The search index is not copied: the target's own one is built from its rows.
            with open_library(target) as library:
                indexed = library.reindex(on_progress=indexing)
        finally:
            indexing.close()
    except SucaiError as exc:
        raise _fail(exc) from None
    click.echo(
        f"Migrated {report.articles} articles to {target} and indexed {indexed} "
        f"in {time.monotonic() - began:.1f} s."
    )


@cli.command()
@click.option(
    "--to", "target", required=True, type=click.Path(path_type=Path), help="The new backup file."
)
@db_option
def backup(target: Path, library: Library) -> None:
    """Copy a SQLite library into a new file while it is in use (imports may go on).

    \b
      sucai backup --to /backups/library-$(date +%F).db
    The search index is not copied; it is rebuilt when the copy is first used.
    For a PostgreSQL library use pg_dump (see docs/deploy.md).
    """
    from sucai.store.sqlite import SqliteStore

    if not isinstance(library.store, SqliteStore):
        raise click.ClickException(
            "backup copies SQLite libraries; back a PostgreSQL library up with pg_dump "
            "(see docs/deploy.md)."
        )
    try:
        library.store.backup(target)
    except SucaiError as exc:
        raise _fail(exc) from None
    click.echo(f"Backed up {library.count()} articles to {target}.")
