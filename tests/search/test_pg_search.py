"""Search inside PostgreSQL (issue 7): the same hits, totals and pages as the tantivy engine.

A real slice of the shared corpus (plus the seed and the repo's samples) is imported into a
SQLite library once; its tantivy index is the reference, and :class:`PgSearchIndex` syncs the
same library into a database of the throw-away PostgreSQL server of the test session.
"""

from __future__ import annotations

import random
import threading
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pytest

from bench.queries import all_queries
from sucai import open_library
from sucai.search.engine import FACET_VALUES
from sucai.search.fold import fold
from sucai.search.query import parse_query
from tests.conftest import CORPUS, ROOT, SEED

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from sucai import Library
    from sucai.search.engine import SearchHit, SearchPage
    from sucai.search.pg import PgSearchIndex
    from tests.pgserver import PgCluster

pytest.importorskip("psycopg")


@pytest.fixture(scope="module")
def pg_search_url(pg_cluster: PgCluster) -> str:
    """A database of its own for this module's index."""
    pg_cluster.psql("DROP DATABASE IF EXISTS search_slice")
    pg_cluster.psql("CREATE DATABASE search_slice")
    return pg_cluster.url_of("search_slice")


@pytest.fixture(scope="module")
def sliced(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """Reports, a month of news, the constitution, the seed and samples/, imported once."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    db = tmp_path_factory.mktemp("pgslice") / "lib.db"
    news = sorted((CORPUS / "xinwenlianbo").glob("202403*.md"))
    with open_library(db) as lib:
        report = lib.ingest(
            [
                CORPUS / "reports" / "state_council",
                CORPUS / "laws" / "宪法",
                SEED,
                ROOT / "samples",
                *news,
            ]
        )
        assert not report.failed
        yield lib


@pytest.fixture(scope="module")
def pg_index(sliced: Library, pg_search_url: str) -> Iterator[PgSearchIndex]:
    from sucai.search.pg import PgSearchIndex

    index = PgSearchIndex(pg_search_url)
    assert index.sync(sliced.store) == sliced.count()
    yield index
    index.close()


def _pg(index: PgSearchIndex, lib: Library, query: str, **options: object) -> SearchPage:
    return index.search(lib.store, parse_query(query, **options))  # type: ignore[arg-type]


def _keys(page: SearchPage) -> set[tuple[int, int | None, str]]:
    keys = {(h.article_id, h.paragraph_index, h.text) for h in page.hits}
    assert len(keys) == len(page.hits)
    return keys


def _hit_key(hit: SearchHit) -> tuple[str, int | None, str, tuple[str, ...], bool]:
    return (hit.title, hit.paragraph_index, hit.text, hit.outline_path, hit.paid)


def _brute(lib: Library, query: str) -> set[tuple[int, int]]:
    parsed = parse_query(query)
    must = [fold(t) for t in parsed.terms]
    excluded = [fold(t) for t in parsed.excluded]
    return {
        (a.id, p.index)
        for a in lib.articles()
        for p in a.paragraphs
        if all(t in fold(p.text) for t in must) and not any(t in fold(p.text) for t in excluded)
    }


def test_every_query_has_the_hits_and_total_of_tantivy(
    sliced: Library, pg_index: PgSearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sucai.search.pg import _Plan

    rows = [(a.id, p.index, fold(p.text)) for a in sliced.articles() for p in a.paragraphs]
    rng = random.Random(20261127)
    samples = []
    while len(samples) < 200:
        _, _, text = rng.choice(rows)
        length = rng.choice([1, 2, 2, 3, 4, 5, 8, 12])
        start = rng.randrange(0, max(1, len(text) - length))
        piece = text[start : start + length]
        if piece.strip() and not set(piece) & set('"“”「」-－ '):
            samples.append(("random", f'"{piece}"'))
    # Which searches found their best hits through the score bounds (more than EXACT matches).
    bounded: list[bool] = []
    best = _Plan.best

    def watched(plan: _Plan, *args: Any) -> Any:
        found = best(plan, *args)
        bounded.append(found is not None)
        return found

    monkeypatch.setattr(_Plan, "best", watched)
    for kind, query in all_queries() + samples:
        expected = sliced.search(parse_query(query, limit=None))
        got = _pg(pg_index, sliced, query, limit=None)
        assert (got.total, _keys(got)) == (expected.total, _keys(expected)), (kind, query)
        assert got.total == len(got.hits)
        # The same formula on the same statistics: the same best 30 in the same order, ties
        # and all, whether all matches are scored or the best found through the bounds.
        top = _pg(pg_index, sliced, query, limit=30)
        assert top.total == expected.total
        ranking = [(h.article_id, h.paragraph_index) for h in top.hits]
        assert ranking == [(h.article_id, h.paragraph_index) for h in expected.hits[:30]], (
            kind,
            query,
            expected.total,
        )
    assert sum(bounded) >= 15


def test_counts_of_common_lexemes_come_exact_from_their_bitmaps(
    sliced: Library, pg_index: PgSearchIndex
) -> None:
    with pg_index.connection() as conn:
        rows = conn.execute(
            "SELECT term FROM search_bitmaps WHERE kind = 0 ORDER BY length(term) DESC, term"
        ).fetchall()
    common = [term for (term,) in rows if term.strip()]
    assert len(common) >= 3  # the slice's commonest characters and bigrams have bitmaps
    a, b, c = common[:3]
    rare = "营商"  # in far fewer paragraphs: no bitmap
    assert rare not in common
    queries = [f"{a} {b}", f"{a} -{b}", f"{a} {b} -{c}", f"{a} -{rare}", f"{a} {b} -{rare} -{c}"]
    queries += [f"{rare} {a}", f"{rare} -{a}", f"{a} {b}", f"{a} -{b}"]
    for query in queries:
        want = sliced.search(parse_query(query, limit=3))
        got = _pg(pg_index, sliced, query, limit=3)
        assert got.total == want.total == len(_brute(sliced, query)), query


def test_hits_agree_with_brute_force_for_every_query_class(
    sliced: Library, pg_index: PgSearchIndex
) -> None:
    for kind, query in all_queries()[::6]:
        got = _pg(pg_index, sliced, query, limit=None)
        assert {(h.article_id, h.paragraph_index) for h in got.hits} == _brute(sliced, query), (
            kind,
            query,
        )


def test_highlights_and_outline_paths_match_the_tantivy_hits(
    sliced: Library, pg_index: PgSearchIndex
) -> None:
    expected = {
        (h.article_id, h.paragraph_index): h
        for h in sliced.search(parse_query("“双碳” 目标", limit=None)).hits
    }
    got = _pg(pg_index, sliced, "“双碳” 目标", limit=None)
    assert got.total == len(expected) > 0
    for hit in got.hits:
        twin = expected[(hit.article_id, hit.paragraph_index)]
        assert (hit.text, hit.highlights, hit.outline_path, hit.outline_paid, hit.paid) == (
            twin.text,
            twin.highlights,
            twin.outline_path,
            twin.outline_paid,
            twin.paid,
        )


def test_title_matches_rank_first_as_in_tantivy(sliced: Library, pg_index: PgSearchIndex) -> None:
    top = _pg(pg_index, sliced, "招商", limit=3).hits[0]
    assert top.title == "聚焦精准招商再掀招商热潮"
    assert all("营商环境" in h.text for h in _pg(pg_index, sliced, "营商 环境", limit=5).hits)


def test_filters_restrict_hits_like_tantivy(sliced: Library, pg_index: PgSearchIndex) -> None:
    from sucai.search.pg import EXACT

    large = 0
    for options in (
        {"genre": "新闻", "years": (2024, 2024)},
        {"role": "县长"},
        {"years": (None, 2020)},
        {"years": (2023, None)},
        {"genre": "报告"},
    ):
        expected = sliced.search(parse_query("发展", limit=None, **options))  # type: ignore[arg-type]
        got = _pg(pg_index, sliced, "发展", limit=None, **options)
        assert (got.total, _keys(got)) == (expected.total, _keys(expected)), options
        # Ranked alike, the best of large result sets found through the score bounds, whose
        # candidates pass the filters too.
        for text in ("的", "发展", "人民 -经济", "国 家"):
            expected = sliced.search(parse_query(text, limit=10, **options))  # type: ignore[arg-type]
            got = _pg(pg_index, sliced, text, limit=10, **options)
            assert [(h.article_id, h.paragraph_index) for h in got.hits] == [
                (h.article_id, h.paragraph_index) for h in expected.hits
            ], (text, options)
            large += expected.total > EXACT
    assert large >= 5
    news = _pg(pg_index, sliced, "发展 文种:新闻 年份:2024", limit=None)
    assert news.total > 0
    assert {(h.genre, h.year) for h in news.hits} == {("新闻", 2024)}


def test_title_and_outline_scopes(sliced: Library, pg_index: PgSearchIndex) -> None:
    titles = _pg(pg_index, sliced, "招商", scope="title", limit=None)
    assert [h.text for h in titles.hits] == ["聚焦精准招商再掀招商热潮"]
    outline = _pg(pg_index, sliced, "招商方式", scope="outline", limit=None)
    assert [h.text for h in outline.hits] == ["聚焦精准招商，在“招商方式”上探索创新。"]
    assert outline.hits[0].outline_path == ("聚焦精准招商，在“招商方式”上探索创新。",)
    for scope in ("title", "outline"):
        for query in ("发展", "改革 开放", "政府工作报告", "国 -法"):
            expected = sliced.search(parse_query(query, scope=scope, limit=None))
            got = _pg(pg_index, sliced, query, scope=scope, limit=None)
            assert (got.total, _keys(got)) == (expected.total, _keys(expected)), (scope, query)


def test_pages_tile_the_full_ranking(sliced: Library, pg_index: PgSearchIndex) -> None:
    everything = _pg(pg_index, sliced, "改革", limit=None)
    assert everything.total > 45
    seen = []
    for offset in range(0, 45, 15):
        page = _pg(pg_index, sliced, "改革", limit=15, offset=offset)
        assert page.total == everything.total
        seen.extend((h.article_id, h.paragraph_index) for h in page.hits)
    assert seen == [(h.article_id, h.paragraph_index) for h in everything.hits[:45]]
    assert _pg(pg_index, sliced, "改革", limit=10, offset=everything.total).hits == ()


def _same_facets(got: SearchPage, want: SearchPage) -> bool:
    """Equal facets, but for the order of equal counts (tantivy leaves it unspecified) and
    which of the values tied at the cut-off of FACET_VALUES are listed."""
    for name in ("genre", "role", "year"):
        a, b = got.facets[name], want.facets[name]
        if [n for _, n in a] != [n for _, n in b]:
            return False
        cut = a[-1][1] if len(a) == FACET_VALUES or len(b) == FACET_VALUES else 0
        if {v: n for v, n in a if n > cut} != {v: n for v, n in b if n > cut}:
            return False
    return True


def test_facets_count_every_match_like_tantivy(sliced: Library, pg_index: PgSearchIndex) -> None:
    queries = [
        ("发展", {}),
        ("人民", {}),
        ("改革开放", {}),
        ("的", {}),
        ("营商 环境", {}),
        ("发展 -经济", {}),
        ("发展", {"genre": "新闻"}),
        ("发展", {"years": (2023, None)}),
        ("招商", {"scope": "title"}),
        ("改革", {"scope": "outline"}),
        ("没有这样的词语", {}),
    ]
    for query, options in queries:
        want = sliced.search(parse_query(query, limit=5, **options), facets=True)  # type: ignore[arg-type]
        got = pg_index.search(
            sliced.store,
            parse_query(query, limit=5, **options),  # type: ignore[arg-type]
            facets=True,
        )
        assert got.total == want.total, (query, options)
        assert _same_facets(got, want), (query, options, got.facets, want.facets)
        assert _keys(got) == _keys(want) or got.total > 5
        if got.total:
            assert sum(n for _, n in got.facets["genre"]) == got.total
        # Large results keep their counts: the next search reads them, with the same result.
        again = pg_index.search(
            sliced.store,
            parse_query(query, limit=5, **options),  # type: ignore[arg-type]
            facets=True,
        )
        assert (again.total, again.facets) == (got.total, got.facets)
    assert _pg(pg_index, sliced, "发展").facets == {}
    with pg_index.connection() as conn:
        kept = conn.execute("SELECT count(*) FROM search_facets").fetchone()
    assert kept is not None and kept[0] > 0


def test_sync_adds_new_articles_and_rebuilds_when_stale(
    tmp_path: Path, pg_url: str, shared: Path
) -> None:
    from sucai.search.pg import PgSearchIndex

    del shared
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("关于优化营商环境的通知\n持续优化营商环境。\n", encoding="utf-8")
    second.write_text("关于乡村振兴的意见\n全面推进乡村振兴，优化营商环境。\n", encoding="utf-8")
    index = PgSearchIndex(pg_url)
    with open_library(tmp_path / "x.db") as lib:
        lib.ingest([first])
        assert index.sync(lib.store) == 1
        assert index.sync(lib.store) == 0
        assert index.search(lib.store, parse_query("营商")).total == 1
        lib.ingest([second])
        assert index.sync(lib.store) == 1
        assert index.indexed_up_to() == 2
        page = index.search(lib.store, parse_query("营商"))
        assert page.total == 2
        assert index.search(lib.store, parse_query("振兴")).total == 1
        # Another tokenizer or schema: rebuilt from scratch on the next sync.
        with index.connection() as conn:
            conn.execute("UPDATE search_meta SET value = 'old' WHERE key = 'tokenizer'")
        assert index.indexed_up_to() is None
        assert index.sync(lib.store) == 2
        assert index.search(lib.store, replace(parse_query("营商"), limit=None)).total == 2
        index.clear()
        assert index.indexed_up_to() is None
    index.close()


def test_searches_go_on_while_the_index_is_rebuilt(
    tmp_path: Path, pg_url: str, shared: Path
) -> None:
    from sucai.search.pg import PgSearchIndex

    del shared
    queries = ("营商", "发展 -经济", '"高质量发展"', "的", "招商 -环境")
    index, other = PgSearchIndex(pg_url), PgSearchIndex(pg_url)  # two servers

    def answers(server: PgSearchIndex) -> list[tuple[int, list[tuple[int, int | None]]]]:
        pages = [server.search(lib.store, parse_query(q, limit=10)) for q in queries]
        return [(p.total, [(h.article_id, h.paragraph_index) for h in p.hits]) for p in pages]

    def generations() -> list[str]:
        with index.connection() as conn:
            rows = conn.execute(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'search\\_%' ORDER BY 1"
            ).fetchall()
        return [name for (name,) in rows]

    with open_library(tmp_path / "x.db") as lib:
        lib.ingest([SEED, ROOT / "samples" / "reports"])
        assert index.sync(lib.store) == lib.count()
        expected = answers(index)
        assert all(total for total, _ in expected)
        seen: list[list[tuple[int, list[tuple[int, int | None]]]]] = []
        errors: list[BaseException] = []
        stop = threading.Event()

        def search_all_along() -> None:
            while not stop.is_set():
                try:
                    seen.append(answers(other))
                except BaseException as exc:
                    errors.append(exc)
                    return

        during: list[list[tuple[int, list[tuple[int, int | None]]]]] = []

        def search_midway(done: int, total: int) -> None:
            # Inside the build's transaction: another server's search answers at once.
            del done, total
            search = threading.Thread(target=lambda: during.append(answers(other)))
            search.start()
            search.join(timeout=30)
            assert not search.is_alive(), "a search waited for the rebuild"

        searching = threading.Thread(target=search_all_along)
        searching.start()
        try:
            assert index.rebuild(lib.store, on_progress=search_midway) == lib.count()
            # Two servers rebuilding at once take turns (the advisory lock).
            both = [threading.Thread(target=s.rebuild, args=(lib.store,)) for s in (index, other)]
            for thread in both:
                thread.start()
            for thread in both:
                thread.join()
        finally:
            stop.set()
            searching.join()
        assert not errors
        assert during and all(found == expected for found in during)
        assert len(seen) > 10 and all(found == expected for found in seen)
        assert answers(index) == answers(other) == expected
        # Four generations were built: the last one is left, and no build in progress.
        assert generations() == ["search_g4"]
        assert index.indexed_up_to() == lib.store.max_article_id()
    index.close()
    other.close()


def test_similar_articles_agree_with_tantivy(sliced: Library, pg_index: PgSearchIndex) -> None:
    agree = []
    for article_id in range(1, 16):
        want = [s.article.id for s in sliced.similar(article_id, limit=5)]
        got = [s.article.id for s in pg_index.similar(sliced.store, article_id, limit=5)]
        assert article_id not in got
        agree.append(len(set(want) & set(got)) / max(1, len(want)))
    assert sum(agree) / len(agree) >= 0.8


def test_a_library_with_a_postgres_index_searches_through_it(
    sliced: Library, pg_search_url: str, pg_index: PgSearchIndex
) -> None:
    import dataclasses

    from sucai import Library
    from sucai.search.pg import PgSearchIndex

    del pg_index  # synced: the library below finds nothing to add
    lib = Library(sliced.store, PgSearchIndex(pg_search_url))
    page = lib.search("营商 环境")
    assert page.total == sliced.search("营商 环境").total > 0
    assert lib.similar(1, limit=3)
    draft = [p.text for p in sliced.get(2).paragraphs if len(p.text) > 40][:3]
    checked = lib.check(draft, exclude=[])
    assert checked.ratio > 0.9
    assert dataclasses.replace(checked, seconds=0) == dataclasses.replace(
        sliced.check(draft, exclude=[]), seconds=0
    )
    lib.index.close()


def test_a_postgresql_library_searches_inside_postgresql(
    pg_url: str, tmp_path: Path, shared: Path
) -> None:
    from sucai.search.pg import PgSearchIndex

    del shared
    with open_library(pg_url) as lib, open_library(tmp_path / "lite.db") as lite:
        assert isinstance(lib.index, PgSearchIndex)
        for each in (lib, lite):
            each.ingest([SEED, ROOT / "samples" / "reports"])
        for query in ("招商", "营商 环境", "发展 -经济", '"高质量发展"', "的"):
            got = lib.search(parse_query(query, limit=None))
            want = lite.search(parse_query(query, limit=None))
            assert got.total == want.total > 0, query
            assert {_hit_key(h) for h in got.hits} == {_hit_key(h) for h in want.hits}, query
        top = lib.search("招商").hits[0]
        assert (top.title, top.outline_path) == (
            "聚焦精准招商再掀招商热潮",
            ("聚焦精准招商，在“招商方式”上探索创新。",),
        )
        outline = lib.search(parse_query("招商方式", scope="outline"))
        assert [h.text for h in outline.hits] == ["聚焦精准招商，在“招商方式”上探索创新。"]


def test_percent_signs_in_queries_are_text(sliced: Library, pg_index: PgSearchIndex) -> None:
    """psycopg reads a ``%`` in a statement with parameters as a placeholder: a query such as
    ``5%`` once failed with a ProgrammingError instead of finding the text."""
    for query in ("%", "5%", '"10%"', "增长 %", "%d"):
        expected = sliced.search(parse_query(query, limit=None))
        got = _pg(pg_index, sliced, query, limit=None)
        assert (got.total, _keys(got)) == (expected.total, _keys(expected)), query
    assert _pg(pg_index, sliced, "%", limit=None).total > 0


def test_every_scope_ranks_through_the_bounds_like_tantivy(
    sliced: Library, pg_cluster: PgCluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The slice is too small for titles and outline entries to have bounds: with lower
    thresholds (a bitmap from 40 documents, bounds above 30 matches) every scope's best hits
    come through them, pages and filters included, and rank as tantivy ranks them."""
    from sucai.search import pg

    monkeypatch.setattr(pg, "_BITMAP_FROM", 40)
    monkeypatch.setattr(pg, "EXACT", 30)
    pg_cluster.psql("DROP DATABASE IF EXISTS search_low")
    pg_cluster.psql("CREATE DATABASE search_low")
    index = pg.PgSearchIndex(pg_cluster.url_of("search_low"))
    try:
        index.sync(sliced.store)
        bounded: list[bool] = []
        best = pg._Plan.best

        def watched(plan: pg._Plan, *args: Any) -> Any:
            found = best(plan, *args)
            bounded.append(found is not None)
            return found

        monkeypatch.setattr(pg._Plan, "best", watched)
        queries = [q for _, q in all_queries()][::4]
        for scope in ("all", "title", "outline"):
            for query in queries:
                for options in ({}, {"offset": 20}, {"genre": "报告"}, {"years": (2020, None)}):
                    parsed = parse_query(query, scope=scope, limit=10, **options)  # type: ignore[arg-type]
                    expected = sliced.search(parsed)
                    got = index.search(sliced.store, parsed)
                    assert got.total == expected.total, (scope, query, options)
                    assert [(h.article_id, h.paragraph_index, h.text) for h in got.hits] == [
                        (h.article_id, h.paragraph_index, h.text) for h in expected.hits
                    ], (scope, query, options)
        assert sum(bounded) >= 100
    finally:
        index.close()
