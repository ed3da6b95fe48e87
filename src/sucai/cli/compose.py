"""The 写作台 on the command line (issue 20): ``sucai compose TOPIC``; and ``sucai mcp``, the
library (写作台 included) as tools for a local assistant."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from sucai.cli.common import cli, count_option, db_option, dumps, filter_options, tr
from sucai.cli.drafts import user_option
from sucai.library import DEFAULT_ARTICLES, DEFAULT_PIECES, N_, Account
from sucai.serialize import composition_to_dict
from sucai.web import run_mcp

if TYPE_CHECKING:
    from sucai.library import Composition, Library, Piece
    from sucai.store.records import ArticleFilter

_POSITIONS = {"opening": "开头", "body": "主体", "closing": "结尾"}


@cli.command(name="compose")
@click.argument("topic")
@filter_options
@click.option(
    "--pick",
    "picks",
    type=int,
    multiple=True,
    metavar="N",
    help="Show candidate paragraphs for heading group N (repeat for more).",
)
@count_option("--articles", DEFAULT_ARTICLES, "Skeletons to show.")
@count_option("--pieces", DEFAULT_PIECES, "Candidate paragraphs per picked group.")
@click.option(
    "--basket",
    metavar="NAME",
    help="Add the picked groups' paragraphs to this 素材篮 (export it with its 依据表: "
    "sucai basket export NAME).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the 写作台 as JSON.")
@user_option
@db_option(create=False)
def compose(
    topic: str,
    where: ArticleFilter,
    picks: tuple[int, ...],
    articles: int,
    pieces: int,
    basket: str | None,
    as_json: bool,
    owner: str,
    library: Library,
) -> None:
    """写作台: the skeletons of the articles that best match TOPIC, their headings grouped
    (开头 / 主体 / 结尾), and candidate paragraphs for the groups you --pick.

    \b
      sucai compose 优化营商环境 --genre 讲话
      sucai compose 优化营商环境 --genre 讲话 --pick 1 --pick 4
      sucai compose 安全生产 --pick 2 --basket 安全生产讲话 && sucai basket export 安全生产讲话
    """
    found = library.compose(
        topic,
        where=where,
        picks=picks,
        articles=articles,
        pieces=pieces,
    )
    if basket:
        refs = [f"{p.article_id}:{p.paragraph + 1}" for g in found.groups for p in g.pieces]
        if not refs:
            raise click.ClickException(
                "nothing to add: --pick the groups whose paragraphs you want."
            )
        library.basket_add(owner, basket, refs)
    if as_json:
        click.echo(dumps(composition_to_dict(found)))
        return
    _print(found)
    if basket:
        click.echo(f"\nAdded to basket {basket}: sucai basket export {basket} -o {basket}.docx")


def _print(found: Composition) -> None:
    for note in found.notes:
        click.echo(f"注：{note}")
    if found.skeletons:
        click.echo("提纲")
    for s in found.skeletons:
        role = f"（{s.role}）" if s.role else ""
        date = s.issued_on or (str(s.year) if s.year else "")
        status = f"  [{s.status.label}]" if s.status else ""
        click.echo(f"{s.article_id:>6}  {s.genre:<4}  {date:<10}  {s.title}{role}{status}")
        for h in s.headings:
            click.echo(f"        {_POSITIONS[h.position]}  {h.text}")
    if found.groups:
        click.echo("\n标题分组（--pick N 看候选段落）")
    for g in found.groups:
        articles = len({h.article_id for h in g.headings})
        click.echo(f"{g.number:>4}  {_POSITIONS[g.position]}  {g.label}  [{articles}篇]")
        for h in g.headings:
            click.echo(f"        {h.text}  ({h.article_id}#{h.entry + 1})")
        for p in g.pieces:
            _print_piece(p)
    if found.jinju:
        click.echo("\n金句")
        for p in found.jinju:
            _print_piece(p)


def _print_piece(p: Piece) -> None:
    role = f"（{p.role}）" if p.role else ""
    date = p.issued_on or (str(p.year) if p.year else "")
    status = f" [{p.status.label}]" if p.status else ""
    folded = f" 另有{p.folded}处相近" if p.folded else ""
    click.echo(f"        · {p.text}")
    click.echo(
        f"          ——《{p.title}》{role} {date}{status}  {p.article_id}:{p.paragraph + 1}{folded}"
    )


@cli.command(name="mcp")
@click.option(
    "--user",
    "user",
    metavar="NAME",
    help="Answer as this account of the library (a member reads the paid part). Default: as "
    "a visitor, free text only.",
)
@click.option(
    "--token",
    metavar="TOKEN",
    envvar="SUCAI_MCP_TOKEN",
    help="Answer as the account of this API token of the web app ($SUCAI_MCP_TOKEN).",
)
@click.option(
    "--allow-writes",
    is_flag=True,
    help="Also offer basket_add (the account's 素材篮). Without it no tool changes the library.",
)
@db_option(create=False)
def mcp(user: str | None, token: str | None, allow_writes: bool, library: Library) -> None:
    """Serve the library as Model Context Protocol tools over stdio, for a local assistant:
    search, show, compose and check, each answer with its sources.

    \b
      {"command": "sucai", "args": ["mcp", "--db", "/srv/sucai/library.db"]}
    """
    accounts = library.accounts
    if user and token:
        raise click.UsageError(tr(N_("give --user or --token, not both.")))
    if token:
        account = accounts.from_api_token(token)
        if account is None:
            raise click.ClickException(
                tr(N_("the token is unknown, revoked or its account disabled."))
            )
    elif user:
        found = accounts.user(user)
        if found.disabled:
            raise click.ClickException(tr(N_("the account {name} is disabled."), name=user))
        account = Account(found, accounts.today())
    else:
        account = accounts.visitor()
    run_mcp(library, account, allow_writes=allow_writes)
