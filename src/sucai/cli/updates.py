"""``sucai digest`` and ``sucai subscription`` (issue 19): the day's material as one document,
and saved searches whose new articles the site counts and lists."""

from __future__ import annotations

import sys
from datetime import date
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sucai.cli.common import cli, db_option, dumps, fail, filter_options, summary_line, tr
from sucai.cli.drafts import _owner
from sucai.errors import SucaiError, UserError
from sucai.library import N_

if TYPE_CHECKING:
    from collections.abc import Callable

    from sucai.library import Library
    from sucai.store.records import ArticleFilter, Subscription

F = TypeVar("F", bound="Callable[..., Any]")


def owner_option(fn: F) -> F:
    """Add ``--user`` and hand the command the subscriptions' owner as ``owner``."""

    @click.option(
        "--user", metavar="NAME", help="Whose subscriptions (default: $USER, else default)."
    )
    @wraps(fn)
    def wrapper(*args: Any, user: str | None, **kwargs: Any) -> Any:
        return fn(*args, owner=_owner(user), **kwargs)

    return wrapper  # type: ignore[return-value]


def _day(text: str | None, library: Library) -> date:
    if not text:
        return library.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise fail(UserError(f"--date {text}: write the day as YYYY-MM-DD.")) from None


@cli.command()
@click.option("--date", "day", metavar="YYYY-MM-DD", help="The import day (default: today).")
@click.option("--subscription", metavar="NAME", help="Only this subscription of --user.")
@click.option("--user", metavar="NAME", help="Group by this member's subscriptions.")
@click.option("--query", metavar="Q", default="", help="Only the day's matches of this query.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["docx", "md", "html", "txt"]),
    default=None,
    help="Default: from the -o suffix, else md.",
)
@click.option("--template", metavar="NAME", help="Word layout (sucai export --list-templates).")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="File to write.")
@db_option(create=False)
def digest(
    day: str | None,
    subscription: str | None,
    user: str | None,
    query: str,
    fmt: str | None,
    template: str | None,
    output: Path | None,
    library: Library,
) -> None:
    """The day's new material as one document (今日更新): title, role, source, date and first
    paragraph of each article, grouped by kind (文种) or by subscription.

    \b
      sucai digest -o 今日更新.docx                    today's imports, by kind
      sucai digest --date 2026-12-06 --format md      to stdout, for a mail or a group message
      sucai digest --user 王敏 -o 订阅.docx           grouped by 王敏's subscriptions
      sucai digest --subscription 营商环境 --user 王敏 --format html -o 营商.html
      sucai digest --query 乡村振兴 --format md
    A day runs from midnight to midnight in the library's time zone (SUCAI_TIME_ZONE).
    """
    if subscription and not user:
        raise click.UsageError(tr(N_("--subscription needs --user: whose subscription it is.")))
    if subscription and query:
        raise click.UsageError(tr(N_("give --subscription or --query, not both.")))
    fmt = fmt or (output.suffix.lstrip(".").lower() if output else "md")
    if fmt == "docx" and output is None:
        raise click.UsageError(
            tr(N_("a .docx digest needs -o FILE (or --format md|html for stdout)."))
        )
    try:
        _, data = library.digest(
            _day(day, library),
            owner=user,
            subscription=subscription,
            query=query,
            fmt=fmt,
            template=template,
        )
    except SucaiError as exc:
        raise fail(exc) from None
    if output is None:
        sys.stdout.buffer.write(data)
        return
    output.write_bytes(data)
    click.echo(tr(N_("Wrote {target}"), target=output), err=True)


@cli.group()
def subscription() -> None:
    """Subscriptions (订阅): saved searches; what is added and matches them is new.

    \b
      sucai subscription add 营商环境 '优化营商环境' --genre 讲话 --user 王敏
      sucai subscription list --user 王敏          each with its number of new articles
      sucai subscription open 营商环境 --user 王敏  list the new ones and mark them read
      sucai subscription remove 营商环境 --user 王敏
    The web app's members see their own (the owner is the account name).
    """


def _describe(found: Subscription) -> str:
    filters = [
        f"{label}:{value}"
        for label, value in (
            ("文种", found.genre),
            ("角色", found.role),
            ("年份", found.years),
            ("来源", found.source),
        )
        if value
    ]
    return " ".join([found.query, *filters]).strip()


@subscription.command(name="add")
@click.argument("name")
@click.argument("words", nargs=-1)
@filter_options
@owner_option
@db_option
def subscription_add(
    name: str, words: tuple[str, ...], where: ArticleFilter, owner: str, library: Library
) -> None:
    """Save the search WORDS (and filters) as subscription NAME."""
    params = click.get_current_context().params
    years = params.get("year")
    try:
        found = library.subscription_add(owner, name, " ".join(words), where, years)
    except SucaiError as exc:
        raise fail(exc) from None
    click.echo(
        tr(
            N_("Subscribed {owner} to {name}: {search}"),
            owner=owner,
            name=found.name,
            search=_describe(found),
        )
    )


@subscription.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@owner_option
@db_option(create=False)
def subscription_list(as_json: bool, owner: str, library: Library) -> None:
    """The subscriptions of --user, each with its number of new articles."""
    found = library.subscriptions(owner)
    if as_json:
        click.echo(
            dumps(
                [
                    {"name": n.subscription.name, "search": _describe(n.subscription), "new": n.new}
                    for n in found
                ]
            )
        )
        return
    for news in found:
        click.echo(f"{news.subscription.name}  {_describe(news.subscription)}  {news.new} new")
    if not found:
        click.echo(f"{owner} has no subscriptions. Add one with: sucai subscription add NAME QUERY")


@subscription.command(name="open")
@owner_option
@click.argument("name")
@db_option(create=False)
def subscription_open(name: str, owner: str, library: Library) -> None:
    """List the new articles of subscription NAME; afterwards they are no longer new."""
    try:
        found, new = library.subscription_open(owner, name)
    except SucaiError as exc:
        raise fail(exc) from None
    click.echo(f"{found.name}: {len(new)} new")
    for row in new:
        click.echo(summary_line(row))


@subscription.command(name="remove")
@click.argument("name")
@owner_option
@db_option
def subscription_remove(name: str, owner: str, library: Library) -> None:
    """Delete subscription NAME of --user."""
    try:
        library.subscription_remove(owner, name)
    except SucaiError as exc:
        raise fail(exc) from None
    click.echo(tr(N_("Removed {owner}'s subscription {name}"), owner=owner, name=name))
