"""金句 and 提法 (issue 20): ``sucai search … --in jinju`` prints 金句, ``sucai tifa`` how
often the library uses phrases year by year."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import click

from sucai.cli.common import cli, db_option, dumps, tr
from sucai.library import N_, TIFA_GROUPS, Term
from sucai.serialize import jinju_to_dict, tifa_to_dict

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sucai.library import Library

__all__ = ["print_jinju", "tifa"]


def print_jinju(
    library: Library,
    words: Sequence[str],
    kinds: Sequence[str],
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """``sucai search [WORDS] --in jinju``: the 金句 holding every word (all of them without
    words), newest first, a saying quoted in several places once."""
    total, found = library.jinju(
        " ".join(words), kinds=list(kinds) or None, limit=limit or None, offset=offset
    )
    if as_json:
        click.echo(dumps(jinju_to_dict(total, found, offset, limit or None)))
        return
    if not total and not words:
        if kinds:
            click.echo(tr(N_("No 金句 of the kind {kind} in this library."), kind="、".join(kinds)))
        else:
            click.echo(tr(N_("No 金句 in this library yet.")))
        return
    if not total:
        click.echo(
            tr(
                N_("No 金句 hold “{words}”. Try fewer words, or another --kind."),
                words=" ".join(words),
            )
        )
        return
    shown = f"{offset + 1}–{offset + len(found)}" if found else Term(N_("none"))
    click.echo(tr(N_("{total} matching 金句 ({shown} shown)"), total=total, shown=shown))
    for j in found:
        role = f"（{j.article.role}）" if j.article.role else ""
        date = j.article.issued_on or (str(j.article.year) if j.article.year else "")
        click.echo(
            click.style(f"\n[{j.kind}] ", bold=True)
            + j.text
            + ("  " + tr(N_("(+{n} elsewhere)"), n=j.elsewhere) if j.elsewhere else "")
            + ("  [会员]" if j.paid else "")
            + f"\n     [{j.article.id}:{j.paragraph + 1}] {j.article.title}{role}"
            + (f" · {date}" if date else "")
        )


@cli.command()
@click.argument("phrases", nargs=-1, required=True)
@click.option(
    "--by",
    type=click.Choice(TIFA_GROUPS),
    default="year",
    show_default=True,
    help="One row per year of the text, per source (来源) or per 文种.",
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print {ok, phrases:[{phrase, first, last, uses, rows:[…]}]} with the splits.",
)
@db_option(create=False)
def tifa(phrases: tuple[str, ...], by: str, as_json: bool, library: Library) -> None:
    """How often the library uses each phrase (提法): exact uses and uses per million
    characters, per year of the text, with the first and last year.

    \b
      sucai tifa 新质生产力
      sucai tifa 新质生产力 高质量发展 供给侧结构性改革
      sucai tifa 营商环境 --by genre --json
    A law counts in the year of its latest 修正/修订; undated articles are left out.
    """
    found = library.tifa(phrases, by=by)
    if as_json:
        click.echo(dumps(tifa_to_dict(found)))
        return
    for t in found:
        if t.first is None:
            click.echo(tr(N_("{phrase}: never used"), phrase=t.phrase))
        else:
            click.echo(
                tr(
                    N_("{phrase}: {uses} uses, first {first}, last {last}"),
                    phrase=t.phrase,
                    uses=t.uses,
                    first=t.first,
                    last=t.last,
                )
            )
    heads = [tr(_HEADINGS[by]), tr(N_("chars"))] + [
        f"{t.phrase} {col}" for t in found for col in (tr(N_("uses")), "/百万字")
    ]
    cells = [{row.key: row for row in t.rows} for t in found]
    keys = [row.key for row in found[0].rows]
    firsts = [t.first for t in found if t.first is not None]
    if by == "year" and firsts:
        # Years before any phrase's first use are all zeros: say so in one line.
        earlier = [k for k in keys if isinstance(k, int) and k < min(firsts)]
        keys = keys[len(earlier) :]
        if earlier:
            click.echo(_no_uses(earlier[0], earlier[-1]))
    rows = [
        [str(key), f"{cells[0][key].chars:,}"]
        + [cell for c in cells for cell in (str(c[key].uses), f"{c[key].per_million:.2f}")]
        for key in keys
    ]
    widths = [max([_width(h), *(_width(r[c]) for r in rows)]) for c, h in enumerate(heads)]
    click.echo()
    for line in [heads, *rows]:
        click.echo(
            "  ".join(
                cell + " " * (w - _width(cell)) if c == 0 else " " * (w - _width(cell)) + cell
                for c, (cell, w) in enumerate(zip(line, widths, strict=True))
            ).rstrip()
        )


#: The first column's heading for each grouping of ``--by``.
_HEADINGS: Final = {"year": N_("year"), "source": N_("source"), "genre": N_("genre")}


def _no_uses(first: int, last: int) -> str:
    """The line for the years before any phrase's first use: one year, or a range."""
    if first == last:
        return tr(N_("No uses in {year}."), year=first)
    return tr(N_("No uses in {first}–{last}."), first=first, last=last)


def _width(text: str) -> int:
    """Columns a terminal gives ``text`` (a CJK character takes two)."""
    return sum(2 if "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" else 1 for ch in text)
