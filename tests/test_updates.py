"""今日更新, sorting by date, subscriptions and the digest, on real libraries (issue 19).

Expected answers come from the stored rows (read with sqlite3, ordered and counted here) or
from hand-written gold, never from the code under test.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from sucai import open_library
from sucai.cli import cli
from sucai.errors import QueryError, UserError
from sucai.library import parse_query
from sucai.store.records import ArticleFilter
from sucai.web.access import redact_article
from tests.conftest import CORPUS, REPORTS, SEED

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from sucai import Library

#: Three articles of hand-written text: (file name, text). The third's query word is paid.
ARTICLES = (
    (
        "a.txt",
        "在全县优化营商环境大会上的讲话（县长）\n\n同志们，今天召开大会，部署优化营商环境工作。\n",
    ),
    ("b.txt", "关于加强农田水利建设的通知\n\n各乡镇：为加强农田水利建设，现将有关事项通知如下。\n"),
    (
        "c.txt",
        "在招商引资推进会上的讲话（市长）\n\n同志们，今天我们召开推进会。\n"
        "##paidbegin##紫藤萝瀑布般的营商环境改革措施要落实到位。\n",
    ),
)
SHANGHAI = "Asia/Shanghai"


def _rows(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(sql, params))


def _set_added(db: Path, moments: dict[int, str]) -> None:
    with sqlite3.connect(db) as conn:
        for article_id, moment in moments.items():
            conn.execute("UPDATE articles SET added_at = ? WHERE id = ?", (moment, article_id))


@pytest.fixture
def three(tmp_path: Path) -> Iterator[tuple[Library, Path, list[int]]]:
    """A library of :data:`ARTICLES`, and their ids in order."""
    folder = tmp_path / "in"
    folder.mkdir()
    db = tmp_path / "library.db"
    with open_library(db, time_zone=SHANGHAI) as library:
        ids = []
        for name, text in ARTICLES:
            (folder / name).write_text(text, encoding="utf-8")
            report = library.ingest([folder / name])
            assert report.new_articles == 1, report
            ids.append(library.list()[-1].id)
        yield library, db, ids


def test_a_day_runs_from_midnight_to_midnight_in_the_library_time_zone(
    three: tuple[Library, Path, list[int]],
) -> None:
    library, db, (a, b, c) = three
    # 23:59:59 on 5 December, midnight and 23:59:59 on 6 December in Shanghai (UTC+8).
    _set_added(
        db,
        {
            a: "2026-12-05T15:59:59+00:00",
            b: "2026-12-05T16:00:00+00:00",
            c: "2026-12-06T15:59:59+00:00",
        },
    )
    sixth = library.updates(date(2026, 12, 6))
    assert [r.id for r in sixth.articles] == [c, b]  # latest imported first
    assert (sixth.total, sixth.zone) == (2, SHANGHAI)
    assert (sixth.previous, sixth.next) == (date(2026, 12, 5), None)
    assert sixth.groups["genre"] == sorted(
        Counter(
            str(g) for (g,) in _rows(db, "SELECT genre FROM articles WHERE id IN (?, ?)", (b, c))
        ).items(),
        key=lambda kv: (-kv[1], kv[0]),
    )
    assert sixth.groups["role"] == [("市长", 1)]
    fifth = library.updates(date(2026, 12, 5))
    assert [r.id for r in fifth.articles] == [a]
    assert (fifth.previous, fifth.next) == (None, date(2026, 12, 6))
    assert library.updates(date(2026, 12, 7)).total == 0
    # The same rows in UTC: the midnight article belongs to the 5th.
    with open_library(db, time_zone="UTC") as utc:
        assert [r.id for r in utc.updates(date(2026, 12, 5)).articles] == [b, a]
        assert [r.id for r in utc.updates(date(2026, 12, 6)).articles] == [c]


def test_a_day_counts_follow_every_change_of_the_library(
    three: tuple[Library, Path, list[int]], tmp_path: Path
) -> None:
    # A day's counts are kept between requests (by the change log's head), by a library and
    # its readers alike: any change shows at once, whoever made it.
    library, db, _ids = three
    day = library.local_day(library.list(limit=1)[0].added_at)
    reader = library.reader()
    try:
        assert reader.updates(day).total == 3
        added = _ingest(
            library,
            tmp_path / "in",
            "d.txt",
            "关于做好防汛工作的通知\n\n各乡镇：现将有关事项通知如下。\n",
        )
        assert reader.updates(day).total == library.updates(day).total == 4
        with sqlite3.connect(db) as conn:  # another process changes a kind
            conn.execute("UPDATE articles SET genre = '函' WHERE id = ?", (added,))
        conn.close()
        genres = dict(_rows(db, "SELECT genre, count(*) FROM articles GROUP BY genre"))
        assert dict(reader.updates(day).groups["genre"]) == genres
    finally:
        reader.close()


def test_an_unknown_time_zone_is_refused_naming_the_setting(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["list", "--db", str(tmp_path / "x.db")], env={"SUCAI_TIME_ZONE": "Asia/Beijing"}
    )
    assert result.exit_code == 1
    assert "setting 'time_zone': 'Asia/Beijing' is not a known time zone" in result.output


def _ingest(library: Library, folder: Path, name: str, text: str) -> int:
    (folder / name).write_text(text, encoding="utf-8")
    assert library.ingest([folder / name]).new_articles == 1
    return library.list()[-1].id


def test_a_subscription_counts_what_matches_it_since_it_was_last_opened(
    three: tuple[Library, Path, list[int]], tmp_path: Path
) -> None:
    library, db, _ = three
    saved = library.subscription_add("王敏", "营商", "营商环境")
    assert saved.seen_id == max(int(r[0]) for r in _rows(db, "SELECT id FROM articles"))
    assert [n.new for n in library.subscriptions("王敏")] == [0]  # a and c were there before
    # Articles added after it: one matches in its free text, one only in its paid text, one
    # not at all.
    free = _ingest(
        library, tmp_path / "in", "d.txt", "营商环境再优化的通知\n\n各部门：营商环境要再优化。\n"
    )
    paid = _ingest(
        library,
        tmp_path / "in",
        "e.txt",
        "在全市大会上的讲话（市长）\n\n同志们好。\n##paidbegin##营商环境的说法。\n",
    )
    _ingest(library, tmp_path / "in", "f.txt", "关于防汛工作的通知\n\n各单位：做好防汛。\n")
    assert library.subscriptions("王敏")[0].new == 2
    assert library.subscriptions("王敏", paid=False)[0].new == 1  # the free index alone
    opened, new = library.subscription_open("王敏", "营商", paid=False)
    assert [r.id for r in new] == [free]
    after = library.subscription("王敏", "营商")
    assert after.seen_id == max(free, paid) + 1 and after.opened_at >= opened.opened_at
    assert library.subscriptions("王敏")[0].new == 0
    library.subscription_remove("王敏", "营商")
    assert library.subscriptions("王敏") == []


def test_a_subscription_of_filters_alone_and_its_errors(
    three: tuple[Library, Path, list[int]], tmp_path: Path
) -> None:
    library, db, _ = three
    library.subscription_add("王敏", "讲话", "", ArticleFilter(genre="讲话"))
    speech = _ingest(
        library, tmp_path / "in", "g.txt", "在全县大会上的讲话（县长）\n\n同志们：今天开会。\n"
    )
    _ingest(library, tmp_path / "in", "h.txt", "关于防汛工作的通知\n\n各单位：做好防汛。\n")
    genres = dict(_rows(db, "SELECT id, genre FROM articles"))
    assert genres[speech] == "讲话"
    assert library.subscriptions("王敏")[0].new == 1
    with pytest.raises(UserError, match="王敏 already has a subscription '讲话'"):
        library.subscription_add("王敏", "讲话", "水利")
    with pytest.raises(UserError, match="a subscription needs a query or a filter"):
        library.subscription_add("王敏", "空", "")
    with pytest.raises(UserError, match="no '/'"):
        library.subscription_add("王敏", "a/b", "水利")
    with pytest.raises(QueryError):
        library.subscription_add("王敏", "坏", '"未闭合')
    with pytest.raises(UserError, match="王敏 has no subscription '无'"):
        library.subscription_open("王敏", "无")


# --- sorting by date ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, Path]]:
    """The seed (its articles partly dated, partly not, mostly paid) and three state-council
    reports (free, one a year)."""
    reports = [CORPUS / "reports" / "state_council" / name for name in REPORTS]
    if not SEED.is_file() or not all(r.is_file() for r in reports):
        pytest.skip("../shared is not beside the project")
    db = tmp_path_factory.mktemp("seeded") / "library.db"
    with open_library(db) as library:
        assert library.ingest([SEED, *reports]).new_articles > 8
        yield library, db


def _newest_first(db: Path, ids: set[int]) -> list[int]:
    """``ids`` newest first by their stored date (成文日期, else year), undated last, then the
    highest id: written here from the rows."""
    rows = _rows(db, "SELECT id, issued_on, year FROM articles")
    dated = {int(i): (str(d) if d else (f"{y}-00-00" if y else "")) for i, d, y in rows}
    chosen = [i for i in dated if i in ids]
    with_date = sorted((i for i in chosen if dated[i]), key=lambda i: (dated[i], i), reverse=True)
    return with_date + sorted((i for i in chosen if not dated[i]), reverse=True)


@pytest.mark.parametrize("paid", [True, False])
@pytest.mark.parametrize("words", ["发展", "经济", "发展 -会议"])
def test_sort_by_date_gives_the_same_hits_newest_article_first(
    seeded: tuple[Library, Path], words: str, paid: bool
) -> None:
    library, db = seeded
    by_relevance = library.search(parse_query(words, limit=None), paid=paid)
    by_date = library.search(parse_query(words, limit=None, sort="date"), paid=paid)
    assert by_date.total == by_relevance.total > 20
    hits = [(h.article_id, h.paragraph_index) for h in by_date.hits]
    assert sorted(hits) == sorted((h.article_id, h.paragraph_index) for h in by_relevance.hits)
    articles = list(dict.fromkeys(a for a, _ in hits))
    assert len(articles) >= 3
    assert articles == _newest_first(db, set(articles))
    for article in articles:
        within = [p for a, p in hits if a == article]
        assert within == sorted(within, key=lambda p: -1 if p is None else p)
    if not paid:
        assert not any(h.paid for h in by_date.hits)
    # Pages of 7 tile the whole order.
    pages = [
        library.search(parse_query(words, limit=7, offset=o, sort="date"), paid=paid).hits
        for o in range(0, by_date.total, 7)
    ]
    assert [(h.article_id, h.paragraph_index) for p in pages for h in p] == hits


def test_the_cli_sorts_search_by_date_and_browse_by_import(seeded: tuple[Library, Path]) -> None:
    _, db = seeded
    runner = CliRunner()
    out = runner.invoke(
        cli, ["search", "发展", "--sort", "date", "--limit", "0", "--json", "--db", str(db)]
    )
    assert out.exit_code == 0, out.output
    articles = list(dict.fromkeys(h["article_id"] for h in json.loads(out.output)["hits"]))
    assert articles == _newest_first(db, set(articles))
    out = runner.invoke(
        cli, ["browse", "--sort", "added", "--limit", "0", "--json", "--db", str(db)]
    )
    assert out.exit_code == 0, out.output
    stored = _rows(db, "SELECT id FROM articles ORDER BY added_at DESC, id DESC")
    assert [a["id"] for a in json.loads(out.output)["articles"]] == [int(r[0]) for r in stored]
    out = runner.invoke(cli, ["search", "发展", "--sort", "newest", "--db", str(db)])
    assert out.exit_code == 2 and "'newest' is not one of 'relevance', 'date'" in out.output


# --- the digest ---------------------------------------------------------------------------------


def test_the_digest_lists_the_day_by_kind_and_a_visitor_gets_free_text_only(
    three: tuple[Library, Path, list[int]],
) -> None:
    library, db, _ = three
    day = library.today()
    rows = _rows(db, "SELECT id, title, genre FROM articles")
    _, member = library.digest(day, fmt="md")
    text = member.decode()
    for count, (genre, n) in enumerate(Counter(str(r[2]) for r in rows).most_common(), 1):
        assert f"、{genre}（{n} 篇）" in text, (count, genre)
    for _, title, _ in rows:
        assert str(title) in text
    assert "紫藤萝瀑布" not in text  # c's first paragraph is free: the paid one is not its lead
    visitor = library.accounts.visitor()
    _, html = library.digest(day, fmt="html", paid=False, view=lambda x: redact_article(x, visitor))
    assert "紫藤萝" not in html.decode() and "改革措施" not in html.decode()
    assert html.decode().startswith("<!doctype html>")
    # A query: only its matches (here, as a visitor: the paid match is left out).
    _, found = library.digest(day, query="营商环境", fmt="md", paid=False)
    assert "优化营商环境大会" in found.decode() and "招商引资" not in found.decode()


def test_the_cli_keeps_subscriptions_and_writes_digests(
    three: tuple[Library, Path, list[int]], tmp_path: Path
) -> None:
    library, db, _ = three
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, [*args, "--db", str(db)])
        assert result.exit_code == 0, result.output
        return result.output

    assert run("subscription", "add", "营商", "营商环境", "--user", "王敏") == (
        "Subscribed 王敏 to 营商: 营商环境\n"
    )
    run("subscription", "add", "讲话", "--genre", "讲话", "--user", "王敏")
    new = _ingest(library, tmp_path / "in", "i.txt", "营商环境的讲话（县长）\n\n营商环境要优化。\n")
    listed = json.loads(run("subscription", "list", "--user", "王敏", "--json"))
    genre = str(_rows(db, "SELECT genre FROM articles WHERE id = ?", (new,))[0][0])
    assert listed == [
        {"name": "营商", "search": "营商环境", "new": 1},
        {"name": "讲话", "search": "文种:讲话", "new": 1 if genre == "讲话" else 0},
    ]
    opened = run("subscription", "open", "营商", "--user", "王敏")
    assert opened.startswith("营商: 1 new\n") and f"{new:>6}" in opened
    # The day's digest grouped by the user's subscriptions, and by one of them.
    by_subscription = run("digest", "--user", "王敏", "--format", "md")
    matching = _rows(db, "SELECT DISTINCT article_id FROM paragraphs WHERE text LIKE '%营商环境%'")
    speeches = _rows(db, "SELECT id FROM articles WHERE genre = '讲话'")
    assert f"## 一、营商（{len(matching)} 篇）" in by_subscription
    assert f"## 二、讲话（{len(speeches)} 篇）" in by_subscription
    one = run("digest", "--user", "王敏", "--subscription", "营商", "--format", "html")
    assert "营商环境的讲话" in one and "二、" not in one
    out = tmp_path / "今日更新.docx"
    assert run("digest", "-o", str(out)) == f"Wrote {out}\n"
    assert out.read_bytes()[:2] == b"PK"
    assert (
        run("subscription", "remove", "营商", "--user", "王敏")
        == "Removed 王敏's subscription 营商\n"
    )
    missing = runner.invoke(cli, ["digest", "--subscription", "营商", "--db", str(db)])
    assert missing.exit_code == 2 and "--subscription needs --user" in missing.output
    bad = runner.invoke(cli, ["digest", "--date", "12/06", "--format", "md", "--db", str(db)])
    assert bad.exit_code == 1 and "--date 12/06: write the day as YYYY-MM-DD." in bad.output
    nodocx = runner.invoke(cli, ["digest", "--format", "docx", "--db", str(db)])
    assert nodocx.exit_code == 2 and "a .docx digest needs -o FILE" in nodocx.output
