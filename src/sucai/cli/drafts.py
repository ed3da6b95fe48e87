"""Writing with the material: 查重 (check), check-hygiene, export, the 素材篮 (basket) and trace."""

from __future__ import annotations

import itertools
import sys
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import click

from sucai.cli.common import (
    F,
    ProgressBar,
    cli,
    count_option,
    db_option,
    dumps,
    fail,
    filter_options,
    tr,
)
from sucai.config import load_settings
from sucai.errors import SucaiError
from sucai.library import (
    DEFAULT_TEMPLATE,
    N_,
    TEMPLATES,
    FileSink,
    Finding,
    Library,
    LineFinding,
    check_text,
    item_label,
    open_library,
    read_draft,
    write_docx,
    write_html,
    write_pdf,
)
from sucai.serialize import cross_report_to_dict, overlap_report_to_dict
from sucai.store.records import ArticleFilter

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sucai.library import OverlapReport, Stamp
    from sucai.store.records import Basket

#: A file to read or write (not a folder).
_FILE: Final = click.Path(path_type=Path, dir_okay=False)


@cli.command()
@click.argument("drafts", nargs=-1, required=True, type=_FILE)
@click.option(
    "--cross",
    is_flag=True,
    help="横向查重: also compare the drafts with each other (a matrix of shares).",
)
@count_option(
    "--min-span",
    13,
    "Shortest copied stretch that counts, in characters (CJK, letters, digits).",
    least=5,
)
@click.option(
    "--exclude",
    "exclude",
    type=_FILE,
    help="Stock phrases (套话) that do not count, one a line (default: the library's list, "
    "see sucai stock-phrases).",
)
@click.option("--encoding", metavar="NAME", help="Decode a text draft with this encoding.")
@click.option("--json", "as_json", is_flag=True, help="Print the whole report as JSON.")
@click.option("--html", "html_out", type=_FILE, help="Write an HTML report.")
@click.option("--docx", "docx_out", type=_FILE, help="Write a .docx report.")
@click.option(
    "--pdf",
    "pdf_out",
    type=_FILE,
    help="Write a PDF report, copied text in red (needs LibreOffice).",
)
@db_option(create=False)
def check(
    drafts: tuple[Path, ...],
    cross: bool,
    min_span: int,
    exclude: Path | None,
    encoding: str | None,
    as_json: bool,
    html_out: Path | None,
    docx_out: Path | None,
    pdf_out: Path | None,
    library: Library,
) -> None:
    """查重: how much of each DRAFT (.txt/.md/.docx) comes from the library, and from where.

    \b
      sucai check 草稿.docx
      sucai check 草稿.txt --html 报告.html --docx 报告.docx --pdf 报告.pdf
      sucai check 草稿.txt --json --min-span 20 --exclude 我的套话.txt
      sucai check 甲.docx 乙.docx 丙.docx --cross
    Ratios count CJK characters, letters and digits; stretches shorter than --min-span and
    stock phrases (套话) do not count. Light edits (punctuation, a changed character, xx for
    a name, traditional characters) do not hide a copy. With --cross the drafts are also
    compared with each other: each row of the matrix is the share of that draft that the
    draft of each column also holds.
    """
    outputs = {"--html": html_out, "--docx": docx_out, "--pdf": pdf_out}
    given = [name for name, out in outputs.items() if out is not None]
    if len(drafts) > 1 and given:
        raise click.UsageError(
            f"{'/'.join(given)} writes the report of one draft; check the drafts one at a time "
            "to write their reports."
        )
    if cross and len(drafts) < 2:
        raise click.UsageError(tr(N_("--cross compares drafts with each other: give two or more.")))
    if cross:
        batch = library.check_cross(drafts, min_span=min_span, exclude=exclude, encoding=encoding)
        reports = list(batch.reports)
    else:
        reports = [
            library.check(d, min_span=min_span, exclude=exclude, encoding=encoding) for d in drafts
        ]
    if as_json:
        if cross:
            click.echo(dumps(cross_report_to_dict(batch)))
        else:
            each = [overlap_report_to_dict(r) for r in reports]
            click.echo(dumps(each[0] if len(each) == 1 else each))
        return
    for n, report in enumerate(reports):
        if n:
            click.echo()
        _print_report(report)
    if cross:
        _print_matrix(batch.names, batch.matrix)
    writers = {"--html": write_html, "--docx": write_docx, "--pdf": write_pdf}
    for name, out in outputs.items():
        if out is not None:
            writers[name](reports[0], out)
            click.echo(f"Wrote {out}")


def _print_matrix(names: Sequence[str], matrix: Sequence[Sequence[float]]) -> None:
    """横向查重's matrix: row a, column b is the share of draft a that draft b also holds."""
    click.echo("\n横向查重（行：该稿被列稿覆盖的比例）:")
    labels = [f"{n + 1}" for n in range(len(names))]
    for n, name in enumerate(names):
        click.echo(f"  {labels[n]:>3} {name}")
    click.echo("      " + "".join(f"{label:>7}" for label in labels))
    for n, row in enumerate(matrix):
        cells = "".join(f"{'—':>7}" if m == n else f"{share:>7.1%}" for m, share in enumerate(row))
        click.echo(f"  {labels[n]:>3} {cells}")


def _print_report(report: OverlapReport) -> None:
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
    if not report.sources:
        click.echo("没有找到相似的库内材料（0%）。")


# --- export, the 素材篮 and hygiene (issue 5) ----------------------------------------------


@cli.group(name="stock-phrases")
def stock_phrases() -> None:
    """The library's 套话 list: stock phrases that never count as copied in 查重.

    The shipped list (sucai/check/stock_phrases.txt) with the operator's edits, kept in the
    library: every server and every sucai check uses it (unless --exclude FILE is given).
    Each change is written to the audit log. Admins edit it on the web too (/admin).

    \b
      sucai stock-phrases list [--json]
      sucai stock-phrases add 高举…伟大旗帜 推动高质量发展     "…": up to 30 characters
      sucai stock-phrases remove 以…为指导
    """


@stock_phrases.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@db_option(create=False)
def stock_phrases_list(as_json: bool, library: Library) -> None:
    """Print the library's 套话 list, one phrase a line."""
    phrases = library.stock_phrases()
    click.echo(dumps(phrases) if as_json else "\n".join(phrases))


@stock_phrases.command(name="add")
@click.argument("phrases", nargs=-1, required=True)
@db_option
def stock_phrases_add(phrases: tuple[str, ...], library: Library) -> None:
    """Add phrases to the library's 套话 list."""
    for phrase in phrases:
        click.echo(f"Added {library.add_stock_phrase(phrase, user_name=_owner(None))}")


@stock_phrases.command(name="remove")
@click.argument("phrases", nargs=-1, required=True)
@db_option
def stock_phrases_remove(phrases: tuple[str, ...], library: Library) -> None:
    """Take phrases out of the library's 套话 list (shipped ones too)."""
    for phrase in phrases:
        click.echo(f"Removed {library.remove_stock_phrase(phrase, user_name=_owner(None))}")


def _print_templates() -> None:
    for name, t in TEMPLATES.items():
        default = " (default)" if name == DEFAULT_TEMPLATE else ""
        click.echo(f"{name}{default}\n    {t.changes}")


def _list_templates(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        _print_templates()
        ctx.exit()


def for_option(fn: F) -> F:
    """Add ``--for NAME``: the export is marked as made for NAME (issue 15)."""
    return click.option(
        "--for",
        "recipient",
        metavar="NAME",
        help="Mark the file as made for NAME: the footer line 仅供 NAME 使用 · date and an "
        "invisible code in the text, recorded in the audit log (sucai trace reads it back). "
        "Without it, no mark.",
    )(fn)


def template_options(fn: F) -> F:
    """Add ``--format``, ``--template`` (``list`` lists them) and ``--list-templates``."""
    fn = click.option(
        "--list-templates",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=_list_templates,
        help="List the Word layouts and what each changes, then exit.",
    )(fn)
    fn = click.option(
        "--template",
        metavar="NAME",
        help="Word layout: gbt9704 (default), compact, loose … `--template list` lists them.",
    )(fn)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["docx", "txt", "md"]),
        default="docx",
        show_default=True,
        help="Word (GB/T 9704 layout), plain text or Markdown.",
    )(fn)


@cli.command(name="export")
@click.argument("article_ids", nargs=-1, type=int)
@template_options
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File (or .zip) to write.")
@click.option("--query", metavar="QUERY", help="Export every article with hits for this search.")
@click.option("--basket", metavar="NAME", help="Export the whole articles of a basket.")
@click.option("--user", metavar="NAME", help="Whose basket (default: $USER).")
@for_option
@filter_options
@db_option(create=False)
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
            tr(N_("nothing to export: name article ids, or use --query, --basket or a filter."))
        )
    single = len(ids) == 1 and not (query or basket or where != ArticleFilter())
    single = single and not (output and output.suffix.lower() == ".zip")
    stamp = _stamp_for(library, recipient, _export_target(ids, single), fmt)
    if single:
        name, data = library.export(ids[0], fmt, template, stamp=stamp)
        target = output or Path(name)
        with FileSink(target) as sink:
            sink.add(target.name, data)
        click.echo(f"Wrote {target}")
        return
    target = output or Path("sucai-export.zip")
    # A bar for large exports only (nothing for small ones or pipes).
    progress = ProgressBar(len(ids) >= 20 and sys.stderr.isatty(), N_("Exporting"))
    done = itertools.count(1)
    try:
        count = library.export_many(
            ids,
            target,
            fmt,
            template,
            on_article=lambda _article: progress(next(done), len(ids)),
            stamp=stamp,
        )
    finally:
        progress.close()
    click.echo(
        tr(
            N_("Wrote {target}: {count} articles ({format}) and index.csv"),
            target=target,
            count=count,
            format=fmt,
        )
    )


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
    return library.accounts.record_export(recipient, target, fmt)


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
    found = library.basket_add(owner, name, list(refs))
    click.echo(
        tr(
            N_("Added {count} to {basket} ({items} items)."),
            count=len(refs),
            basket=found.name,
            items=len(found.items),
        )
    )


@basket.command(name="list")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@user_option
@db_option(create=False)
def basket_list(name: str | None, as_json: bool, owner: str, library: Library) -> None:
    """List your baskets, or the items of basket NAME in order."""
    from dataclasses import asdict

    found = [library.basket(owner, name)] if name else library.baskets(owner)
    if as_json:
        click.echo(dumps({"ok": True, "baskets": [asdict(b) for b in found]}))
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
    found = library.basket_move(owner, name, source, target)
    _print_basket(library, found)


@basket.command(name="remove")
@click.argument("name")
@click.argument("position", type=int)
@user_option
@db_option
def basket_remove(name: str, position: int, owner: str, library: Library) -> None:
    """Remove item POSITION from basket NAME."""
    found = library.basket_remove(owner, name, position)
    _print_basket(library, found)


@basket.command(name="export")
@click.argument("name")
@template_options
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write.")
@for_option
@user_option
@db_option(create=False)
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
    found = library.basket(owner, name)  # a missing basket fails before it is recorded
    stamp = _stamp_for(library, recipient, f"basket:{found.name}", fmt)
    file_name, data = library.basket_export(owner, name, fmt, template, stamp=stamp)
    target = output or Path(file_name)
    with FileSink(target) as sink:
        sink.add(target.name, data)
    click.echo(f"Wrote {target}")


@cli.command()
@click.argument("source", metavar="FILE", default="-")
@click.option("--json", "as_json", is_flag=True, help="Print {ok, codes:[…]} as JSON.")
@db_option(create=False)
def trace(source: str, as_json: bool, library: Library) -> None:
    """Name the download a found file comes from: its export code and the audit log's line.

    \b
      sucai trace 泄露.docx                  a .docx, .txt or .md file
      pbpaste | sucai trace                 text pasted from a chat (FILE - or none: stdin)
    The exit status is 1 when no code is found.
    """
    found = library.trace(sys.stdin.read() if source == "-" else Path(source))
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
        click.echo(dumps({"ok": True, "source": shown, "codes": codes}))
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
@click.option(
    "--stale-tifa",
    is_flag=True,
    help="Also warn of 提法 the library's newest material (its last two years) no longer "
    "uses while older material does.",
)
@click.option(
    "--db",
    "db",
    metavar="PATH",
    envvar="SUCAI_DB",
    help="The library (file or postgresql:// URL; default $SUCAI_DB): also warn where the "
    "draft quotes a law it knows to be amended by a later version or repealed.",
)
def check_hygiene(
    path: Path, encoding: str | None, as_json: bool, stale_tifa: bool, db: str | None
) -> None:
    """Check a draft (.txt, .md, .docx) for D written for 党, placeholders and cut names; with
    a library (--db), for quotations of laws no longer in force, and with --stale-tifa, for
    提法 the library no longer uses.

    Prints each finding as FILE:LINE:COLUMN (columns count characters); the exit status is
    1 when anything was found.
    """
    try:
        lines = read_draft(path, encoding)
        findings = check_text(lines)
        if db or stale_tifa:
            settings = load_settings(db=db)
            with open_library(settings.db, index_dir=settings.index_dir) as library:
                findings += [
                    LineFinding(
                        q.paragraph + 1,
                        q.start + 1,
                        Finding("law", q.start, q.end, q.text, q.message),
                    )
                    for q in library.law_quotes(lines)
                ]
                if stale_tifa:
                    findings += library.stale_tifa(lines)
            findings.sort(key=lambda f: (f.line, f.column))
    except SucaiError as exc:
        raise fail(exc) from None
    if as_json:
        click.echo(
            dumps(
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
