"""The ``sucai`` group and what its commands share: ``--db``, the filters, errors, JSON, bars."""

from __future__ import annotations

import json
import sys
from functools import partial, wraps
from typing import TYPE_CHECKING, Any, TypeVar, overload

import click

from sucai.config import load_settings
from sucai.errors import DecodeError, SucaiError
from sucai.library import N_, cli_language, open_library, parse_years, say, user_message
from sucai.store.records import ArticleFilter

if TYPE_CHECKING:
    from collections.abc import Callable

    from sucai.store.records import ArticleSummary


F = TypeVar("F", bound="Callable[..., Any]")


def dumps(data: object) -> str:
    """``data`` as JSON, Chinese as it is (not ``\\u`` escapes)."""
    return json.dumps(data, ensure_ascii=False)


def tr(message: str, **values: Any) -> str:
    """``message`` (English, marked ``N_``) in the locale's language, filled with ``values``
    (issue 21: the command line's errors, summaries and progress lines follow the locale)."""
    return say(message, cli_language(), **values)


def fail(exc: SucaiError) -> click.ClickException:
    """The command's error for ``exc``, with a hint where one helps."""
    language = cli_language()
    message = user_message(exc, language)
    if isinstance(exc, DecodeError):
        message += "\n\n" + say(
            N_("Try running this again with --encoding gb18030 (or utf-16, big5 …)."), language
        )
    return click.ClickException(message)


@overload
def db_option(fn: F) -> F: ...
@overload
def db_option(*, create: bool) -> Callable[[F], F]: ...
def db_option(fn: F | None = None, *, create: bool = True) -> F | Callable[[F], F]:
    """Add ``--db`` and hand the command an open :class:`Library` as ``library``.

    ``@db_option(create=False)`` for commands that only read: a missing library file is then
    an error that says so, not a new empty library in which nothing is found."""
    if fn is None:
        return partial(db_option, create=create)

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
                    tr(
                        N_("Library: {db} (the default; choose another with --db or SUCAI_DB)"),
                        db=settings.db,
                    ),
                    err=True,
                )
            # A library whose 金句 were found by older rules finds them again on open.
            refinding = ProgressBar(sys.stderr.isatty(), label="金句")
            try:
                library = open_library(
                    settings.db,
                    read_url=settings.db_read,
                    index_dir=settings.index_dir,
                    time_zone=settings.time_zone,
                    on_jinju=refinding,
                    create=create,
                )
            finally:
                refinding.close()
            # A search after an upgrade (another tokenizer) or an interrupted import brings
            # the index up to date first: shown, since it can take minutes.
            library.on_index = indexing = ProgressBar(sys.stderr.isatty())
            try:
                with library:
                    return fn(*args, library=library, **kwargs)
            finally:
                indexing.close()
        except SucaiError as exc:
            raise fail(exc) from None

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


class ProgressBar:
    """A bar on standard error fed ``(done, total)`` (indexing, copying a library), shown once
    the total is known; nothing when not ``enabled``."""

    def __init__(self, enabled: bool, label: str = N_("Indexing")) -> None:
        self.enabled = enabled
        self.label = tr(label)
        self.bar: Any = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        if self.bar is None:
            self.bar = click.progressbar(
                length=total, label=self.label, file=sys.stderr, show_pos=True
            )
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done
        if done >= total:  # ended here, before the command prints on standard output
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None
            self.done = 0


def count_option(
    flag: str, default: int | None, help: str, *, least: int = 1, **more: Any
) -> Callable[[F], F]:
    """An option that takes a whole number of at least ``least``, its default (if any) shown;
    ``more`` goes to :func:`click.option` (``envvar`` …)."""
    return click.option(
        flag,
        type=click.IntRange(min=least),
        default=default,
        show_default=default is not None,
        help=help,
        **more,
    )


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
            raise fail(exc) from None
        where = ArticleFilter(genre, role, start, end, source)
        return fn(*args, where=where, **kw)

    return wrapper  # type: ignore[return-value]


def summary_line(r: ArticleSummary) -> str:
    role = f"（{r.role}）" if r.role else ""
    date = r.issued_on or (str(r.year) if r.year else "")
    return f"{r.id:>6}  {r.genre:<4}  {date:<10}  {r.title}{role}  [{r.paragraphs}段]"
