"""Near-duplicates, law versions and the source facet (issue 6) agree on both stores.

The same files are imported into a SQLite library and a PostgreSQL one (each with its own
search index), the same merges, keeps and splits are made in both, and every answer is
compared (import times aside).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from sucai import open_library
from sucai.errors import NotFoundError, UserError
from sucai.ingest.neardup import DEFAULT_SIMILARITY
from sucai.search.query import parse_query
from sucai.store import ArticleFilter
from tests.contract.conftest import plain
from tests.ingest.test_neardup import (
    BODY,
    OPENING,
    OTHER,
    _ingest_each,
    _speech_variants,
    _write,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from sucai import Library


@pytest.fixture
def both(tmp_path: Path, pg_url: str) -> Iterator[tuple[Library, Library]]:
    """An empty SQLite library and an empty PostgreSQL one."""
    sqlite, postgres = open_library(tmp_path / "lib.db"), open_library(pg_url)
    try:
        yield sqlite, postgres
    finally:
        sqlite.close()
        postgres.close()


def same(both: tuple[Library, Library], read: Callable[[Library], Any]) -> Any:
    """Ask both libraries; assert the answers are equal and return SQLite's."""
    left, right = plain(read(both[0])), plain(read(both[1]))
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for part, (one, other) in enumerate(zip(left, right, strict=True)):
            assert one == other, f"part {part} differs"
    assert left == right
    return left


def _everything(library: Library) -> Any:
    """Every article, copy, version group and facet of a library."""
    store = library.store
    return (
        list(library.articles()),
        store.merged_copies(),
        [store.copy_text(c.id) for c in store.merged_copies()],
        library.duplicates(),
        store.law_versions(),
        store.facets(),
        store.list_articles(),
        [store.corrections(a.id) for a in library.articles()],
        store.index_articles(list(range(1, store.max_article_id() + 1))),
    )


def _search(library: Library, text: str) -> Any:
    page = library.search(parse_query(text), facets=True)
    return page.total, [(h.article_id, h.paragraph_index, h.text) for h in page.hits], page.facets


def test_the_same_speech_three_times_is_one_article_with_three_sources_on_both(
    tmp_path: Path, both: tuple[Library, Library]
) -> None:
    folder = tmp_path / "讲话"
    folder.mkdir()
    paths = _speech_variants(folder)
    reports = same(both, lambda lib: _ingest_each(lib, paths))
    assert [f["merged"] != [] for f in reports["files"]] == [False, True, True]
    article = same(both, lambda lib: lib.get(1))
    assert [s["copy_id"] for s in article["sources"]] == [None, 1, 2]
    assert all(DEFAULT_SIMILARITY <= s["similarity"] < 1 for s in article["sources"][1:])
    assert same(both, lambda lib: lib.count()) == 1
    same(both, _everything)
    assert same(both, lambda lib: lib.store.facets())["source"] == [["讲话", 1]]
    for text in ("三十二个", "三十五个", "来源:讲话 经济", "来源:别处 经济"):
        same(both, lambda lib, text=text: _search(lib, text))
    assert same(both, lambda lib: _search(lib, "来源:讲话 经济"))[2]["source"] == [["讲话", 6]]


def test_keep_and_split_give_the_same_library_and_search_on_both(
    tmp_path: Path, both: tuple[Library, Library]
) -> None:
    first, second, _ = _speech_variants(tmp_path)
    notice = _write(tmp_path / "notice.txt", "关于进一步加强安全生产工作的通知", OTHER)
    same(both, lambda lib: _ingest_each(lib, [first, second, notice]))
    same(both, lambda lib: _search(lib, "三十二个"))  # the index is built before the keep
    (copy,) = same(both, lambda lib: lib.store.merged_copies())
    assert same(both, lambda lib: lib.keep_copy(copy["id"])) == copy["article_id"]
    after_keep = same(both, _everything)
    assert after_keep[0][0]["paragraphs"][0]["text"].startswith("同志们：这次会议")
    for text in ("三十二个", "三十五个", "安全生产", "经济"):
        same(both, lambda lib, text=text: _search(lib, text))
    assert same(both, lambda lib: _search(lib, "三十五个"))[0] == 1
    assert same(both, lambda lib: _search(lib, "三十二个"))[0] == 0
    (old,) = same(both, lambda lib: lib.store.merged_copies())
    # Keeping a copy whose text is already an article, or an unknown copy, fails alike.
    for lib in both:
        with pytest.raises(NotFoundError, match="no merged copy 99 in"):
            lib.keep_copy(99)
        with pytest.raises(NotFoundError, match="no merged copy 99 in"):
            lib.split_copy(99)
    new_id = same(both, lambda lib: lib.split_copy(old["id"]))
    same(both, _everything)
    assert same(both, lambda lib: lib.count()) == 3
    assert same(both, lambda lib: lib.duplicates().clusters) == []
    assert same(both, lambda lib: _search(lib, "三十二个"))[1][0][0] == new_id
    with pytest.raises(NotFoundError):
        both[1].store.copy_text(old["id"])


def test_a_copy_with_the_text_of_another_article_is_refused_on_both(
    tmp_path: Path, both: tuple[Library, Library]
) -> None:
    first, second, _ = _speech_variants(tmp_path)
    again = tmp_path / "b-again.txt"
    again.write_bytes(second.read_bytes() + b"\n")  # other bytes, the same title and text
    same(both, lambda lib: _ingest_each(lib, [first, second, again]))
    copies = same(both, lambda lib: lib.store.merged_copies())
    assert [(c["article_id"], c["title"]) for c in copies] == [(1, copies[0]["title"])] * 2
    assert same(both, lambda lib: lib.split_copy(copies[0]["id"])) == 2
    for lib in both:
        for act in (lib.keep_copy, lib.split_copy):
            with pytest.raises(UserError, match="has the same title and text as article 2"):
                act(copies[1]["id"])
    same(both, _everything)


def test_two_versions_of_a_law_are_linked_on_both(
    shared: Path, both: tuple[Library, Library]
) -> None:
    folder = shared / "corpus" / "laws" / "DLC" / "上海地方法规" / "地方性法规" / "上海"
    paths = [folder / "上海市检验检测条例(2024-12-31).md", folder / "上海市检验检测条例.md"]
    report = same(both, lambda lib: lib.ingest(paths))
    old, new = (f["article_ids"][0] for f in report["files"])
    assert [v["article_id"] for v in same(both, lambda lib: lib.versions(old))] == [new]
    assert same(both, lambda lib: lib.versions(new))[0]["version"] == "2024-12-31"
    (group,) = same(both, lambda lib: lib.store.law_versions())
    assert [v["version"] for v in group] == ["2016-11-11", "2024-12-31"]
    same(both, lambda lib: lib.store.law_versions(old))
    same(both, lambda lib: list(lib.store.iter_sketches()))
    same(both, lambda lib: lib.store.same_title("上海市检验检测条例", "法规"))
    same(both, _everything)


def test_sources_are_filtered_and_counted_alike(
    tmp_path: Path, both: tuple[Library, Library]
) -> None:
    for name, title, body in (
        ("讲话", "在全县经济工作会议上的讲话", [OPENING, *BODY]),
        ("通知", "关于进一步加强安全生产工作的通知", OTHER),
    ):
        (tmp_path / name).mkdir()
        _write(tmp_path / name / "a.txt", title, body)
    _write(
        tmp_path / "alone.txt", "张三到城关镇调研", ["县委书记张三今天到城关镇调研安全生产工作。"]
    )
    same(both, lambda lib: lib.ingest([tmp_path / "讲话", tmp_path / "通知"]))
    same(both, lambda lib: lib.ingest([tmp_path / "alone.txt"]))
    facets = same(both, lambda lib: lib.store.facets())
    assert sorted(facets["source"]) == sorted([["讲话", 1], ["通知", 1], [tmp_path.name, 1]])
    for where in (ArticleFilter(source="讲话"), ArticleFilter(source=""), ArticleFilter()):
        same(both, lambda lib, where=where: lib.store.list_articles(where))
        same(both, lambda lib, where=where: lib.store.facets(where))
        same(both, lambda lib, where=where: lib.store.count_matching(where))
    for text in ("安全生产", "来源:通知 安全生产", "source:讲话 安全"):
        same(both, lambda lib, text=text: _search(lib, text))


def test_the_source_migration_fills_in_stored_articles_on_postgresql(
    tmp_path: Path, both: tuple[Library, Library], pg_url: str
) -> None:
    import psycopg

    for name in ("讲话", "通知"):
        (tmp_path / name).mkdir()
    _write(tmp_path / "讲话" / "a.txt", "在全县经济工作会议上的讲话", [OPENING, *BODY])
    _write(tmp_path / "通知" / "b.txt", "关于进一步加强安全生产工作的通知", OTHER)
    same(both, lambda lib: lib.ingest([tmp_path / "讲话", tmp_path / "通知"]))
    expected = same(both, lambda lib: lib.store.facets()["source"])
    both[1].close()
    # The library as a sucai before m007_article_source left it.
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE articles DROP COLUMN source")
        conn.execute("DELETE FROM _sucai_migrations WHERE name = 'm007_article_source'")
    with open_library(pg_url) as reopened:
        assert plain(reopened.store.facets()["source"]) == expected
        assert plain(list(reopened.articles())) == plain(list(both[0].articles()))


def test_migrate_copies_merged_copies_sketches_and_links_both_ways(
    tmp_path: Path, both: tuple[Library, Library], pg_url: str
) -> None:
    from sucai.store.migrate import migrate

    first, second, third = _speech_variants(tmp_path)
    sqlite, postgres = both
    _ingest_each(sqlite, [first, second, third])
    sqlite.keep_copy(1)
    postgres.close()
    migrate(tmp_path / "lib.db", pg_url)
    with open_library(pg_url) as copied:
        copied.reindex()
        assert plain(_everything(copied)) == plain(_everything(sqlite))
        assert plain(list(copied.store.iter_sketches())) == plain(
            list(sqlite.store.iter_sketches())
        )
        # The copies' ids continue as in SQLite.
        copied.split_copy(copied.store.merged_copies()[0].id)
        sqlite.split_copy(sqlite.store.merged_copies()[0].id)
        assert plain(_everything(copied)) == plain(_everything(sqlite))
        assert _search(copied, "三十二个") == _search(sqlite, "三十二个")
    migrate(pg_url, tmp_path / "back.db")
    with open_library(tmp_path / "back.db") as back:
        assert plain(_everything(back)) == plain(_everything(sqlite))


def test_a_keep_updates_each_index_as_a_rebuild_would(
    tmp_path: Path, both: tuple[Library, Library]
) -> None:
    first, second, third = _speech_variants(tmp_path)
    notice = _write(tmp_path / "notice.txt", "关于进一步加强安全生产工作的通知", OTHER)
    same(both, lambda lib: _ingest_each(lib, [first, second, third, notice]))
    queries = ("三十二个", "三十五个", "同志们", "安全生产", "来源:" + tmp_path.name + " 经济")

    def answers(lib: Library) -> Any:
        return [_search(lib, text) for text in queries] + [lib.similar(1, limit=5)]

    before = same(both, answers)
    copy = both[1].store.merged_copies()[0]
    same(both, lambda lib: lib.keep_copy(copy.id))
    kept = same(both, answers)
    assert kept != before
    same(both, lambda lib: lib.reindex())
    assert same(both, answers) == kept


def _posts(count: int, changed: set[int]) -> list[str]:
    """``count`` paragraphs on work safety; those in ``changed`` on fire checks instead."""
    return [
        f"{n}号岗位的{'消防检查' if n in changed else '安全生产'}责任要落实到人，确保万无一失。"
        for n in range(1, count + 1)
    ]


def test_kept_totals_facets_and_rankings_follow_keeps_and_splits(
    tmp_path: Path, both: tuple[Library, Library]
) -> None:
    # More than 1,000 matches, keeps and splits re-index hundreds of paragraphs at a time.
    title = "在全县安全生产工作会议上的讲话"
    first = _write(tmp_path / "a.txt", title, _posts(1100, set()))
    second = _write(tmp_path / "b.txt", title, _posts(1100, set(range(1, 1100, 14))))
    same(both, lambda lib: _ingest_each(lib, [first, second]))
    (copy,) = same(both, lambda lib: lib.store.merged_copies())
    query = "安全生产 责任"

    def found(lib: Library) -> Any:
        page = _search(lib, query)
        return lib.search(query).total, page[0], page[2]["genre"], _search(lib, "消防")[0]

    def ranked(lib: Library) -> Any:
        return (
            _search(lib, query)[1],
            _search(lib, "岗位 -消防")[1],
            _search(lib, "安全")[1],
            _search(lib, "安全生产")[:2],
            _search(lib, "安全生产 -消防")[:2],
        )

    assert same(both, found) == [1100, 1100, [["讲话", 1100]], 0]
    same(both, lambda lib: lib.keep_copy(copy["id"]))
    assert same(both, found) == [1021, 1021, [["讲话", 1021]], 79]
    # The old text is a copy now: an article again.
    (old,) = same(both, lambda lib: lib.store.merged_copies())
    same(both, lambda lib: lib.split_copy(old["id"]))
    assert same(both, found) == [2121, 2121, [["讲话", 2121]], 79]
    same(both, lambda lib: lib.reindex())
    same(both, ranked)
    # Documents added (a sync) and replaced (a keep) since the rebuild rank as rebuilt ones.
    third = _write(tmp_path / "c.txt", title, _posts(1100, set(range(5, 1100, 20))))
    same(both, lambda lib: _ingest_each(lib, [third]))
    same(both, ranked)
    (copy,) = same(both, lambda lib: lib.store.merged_copies())
    same(both, lambda lib: lib.keep_copy(copy["id"]))
    assert same(both, found) == [2145, 2145, [["讲话", 2145]], 55]  # merged into article 1
    same(both, ranked)
    for text in ("100号岗位", "消防检查", "确保万无一失 -消防"):
        same(both, lambda lib, text=text: _search(lib, text)[0::2])


def test_a_server_behind_the_log_leaves_out_hits_whose_text_another_server_replaced(
    tmp_path: Path, pg_url: str
) -> None:
    """Server two has not applied a keep made through server one yet: its index still
    points at the paragraphs the keep replaced, which are gone from the library. Its hits
    leave them out (they were a traceback); once it follows the log, it finds the new text."""
    title = "在全县安全生产工作会议上的讲话"
    first = _write(tmp_path / "a.txt", title, _posts(30, set()))
    second = _write(tmp_path / "b.txt", title, _posts(30, set(range(1, 30, 4))))
    with (
        open_library(pg_url, index_dir=tmp_path / "one") as one,
        open_library(pg_url, index_dir=tmp_path / "two") as two,
    ):
        _ingest_each(one, [first, second])
        two.sync_index()
        two.auto_sync = False
        assert two.search("安全生产").total == 30
        one.keep_copy(one.store.merged_copies()[0].id)
        stale = two.search(parse_query("安全生产", limit=None))
        assert stale.total == 30 and stale.hits == ()  # every paragraph was replaced
        assert two.sync_index() == 1
        assert two.search("安全生产").total == 30 - 8 == one.search("安全生产").total
        assert two.search("消防检查").total == 8


def test_other_servers_show_the_kept_title_without_a_restart(tmp_path: Path, pg_url: str) -> None:
    """Each server keeps article heads for its searches; a keep through one server changes
    a title, and the next search through another server must show the new one."""
    first, second, _ = _speech_variants(tmp_path)
    with (
        open_library(pg_url, index_dir=tmp_path / "one") as one,
        open_library(pg_url, index_dir=tmp_path / "two") as two,
    ):
        _ingest_each(one, [first, second])
        two.sync_index()
        reader = two.reader()
        (before,) = {hit.title for hit in reader.search("稳中求进工作总基调").hits}
        assert before == "在全县经济工作会议上的讲话"
        one.keep_copy(one.store.merged_copies()[0].id)
        assert two.sync_index() == 1  # what the server's follower does every second
        (after,) = {hit.title for hit in reader.search("稳中求进工作总基调").hits}
        assert after == "坚定信心真抓实干奋力推动县域经济高质量发展"
