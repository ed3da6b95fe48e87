"""The 来源 facet shows the labels the operator sets with ``sucai source label`` (issue 21)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from click.testing import CliRunner
from starlette.testclient import TestClient

from sucai import open_library
from sucai.cli import cli
from sucai.web import create_app

if TYPE_CHECKING:
    from sucai import Library
    from sucai.web import WebSettings


def _source_facet(html: str) -> str:
    start = html.index("<h3>来源")
    return html[start : html.index("</section>", start)]


def test_a_labelled_source_shows_its_label_and_filters_by_its_folder(
    library: Library, settings: WebSettings
) -> None:
    db = str(library.db)
    runner = CliRunner()
    done = runner.invoke(cli, ["source", "label", "--db", db, "seed", "样例汇编"])
    assert done.exit_code == 0, done.output
    assert done.output == "seed → 样例汇编\n"
    listed = runner.invoke(cli, ["source", "list", "--db", db, "--json"])
    assert json.loads(listed.output) == [{"source": "seed", "articles": 7, "label": "样例汇编"}]
    with open_library(db) as fresh, TestClient(create_app(fresh, settings)) as client:
        for page in ("/browse", "/search?q=%E5%8F%91%E5%B1%95"):
            facet = _source_facet(client.get(page).text)
            assert ">样例汇编</a>" in facet and ">seed</a>" not in facet
            assert "source=seed" in facet
    runner.invoke(cli, ["source", "label", "--db", db, "seed"])
    with open_library(db) as fresh, TestClient(create_app(fresh, settings)) as client:
        assert ">seed</a>" in _source_facet(client.get("/browse").text)


def test_labelling_an_unknown_source_or_a_long_label_says_what_to_do(library: Library) -> None:
    runner = CliRunner()
    db = str(library.db)
    unknown = runner.invoke(cli, ["source", "label", "--db", db, "laws", "法律法规"])
    assert unknown.exit_code == 1
    assert "no article comes from the source 'laws'. Sources: seed" in unknown.output
    long = runner.invoke(cli, ["source", "label", "--db", db, "seed", "长" * 21])
    assert long.exit_code == 1
    assert "at most 20 are allowed" in long.output
