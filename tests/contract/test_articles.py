"""Files and articles: both stores answer every read the same, to the character (issue 7).

The seed and the samples are imported once into SQLite and once into PostgreSQL; every read
of the Store Protocol is asked of both and the answers compared (import times aside).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from sucai.errors import NotFoundError
from sucai.ingest.pipeline import ingest
from sucai.models import ArticleDraft, Compilation, Paragraph
from sucai.store import ArticleFilter
from tests.conftest import DATA, SEED
from tests.contract.conftest import plain

FILES = DATA / "realfiles" / "files"

if TYPE_CHECKING:
    from sucai.store import Store
    from tests.contract.conftest import Pair


def same(pair: Pair, read: Any) -> Any:
    """Ask both stores; assert the answers are equal and return SQLite's."""
    left, right = plain(read(pair.sqlite)), plain(read(pair.postgres))
    assert left == right
    return left


FILTERS = (
    None,
    ArticleFilter(),
    ArticleFilter(genre="发言"),
    ArticleFilter(genre="法规"),
    ArticleFilter(genre="报告", year_from=2024),
    ArticleFilter(year_from=2019, year_to=2023),
    ArticleFilter(role="市长"),
    ArticleFilter(genre="没有这种文种"),
)


def test_both_stores_hold_the_same_files_and_articles(loaded: Pair) -> None:
    files = same(loaded, lambda s: s.files())
    assert len(files) == 9
    count = same(loaded, lambda s: s.count_articles())
    assert count > 10
    assert same(loaded, lambda s: s.max_article_id()) == count
    for f in files:
        same(loaded, lambda s, f=f: s.file_articles(f["sha256"]))
        assert same(loaded, lambda s, f=f: s.has_file(f["sha256"])) is True
        assert same(loaded, lambda s, f=f: s.file_id(f["sha256"])) == f["id"]
        same(loaded, lambda s, f=f: s.removed_lines(f["id"]))
        same(loaded, lambda s, f=f: s.file_corrections(f["id"]))
    assert same(loaded, lambda s: s.has_file("0" * 64)) is False
    assert same(loaded, lambda s: s.file_id("0" * 64)) is None
    assert same(loaded, lambda s: s.file_articles("0" * 64)) == []


@pytest.mark.parametrize("where", FILTERS)
def test_listing_counting_and_facets_agree(loaded: Pair, where: ArticleFilter | None) -> None:
    total = same(loaded, lambda s: s.count_matching(where))
    listed = same(loaded, lambda s: s.list_articles(where))
    assert len(listed) == total
    newest = same(loaded, lambda s: s.list_articles(where, newest_first=True))
    assert sorted(a["id"] for a in newest) == [a["id"] for a in listed]
    same(loaded, lambda s: s.list_articles(where, limit=3, offset=2))
    same(loaded, lambda s: s.list_articles(where, limit=0))
    same(loaded, lambda s: s.list_articles(where, limit=5, offset=1, newest_first=True))
    same(loaded, lambda s: s.facets(where))


def test_undated_articles_come_last_when_newest_first(loaded: Pair) -> None:
    newest = same(loaded, lambda s: s.list_articles(newest_first=True))
    dated = [a["issued_on"] is not None or a["year"] is not None for a in newest]
    assert dated == sorted(dated, reverse=True)
    assert any(dated) and not all(dated)


def test_every_article_reads_the_same(loaded: Pair) -> None:
    ids = list(range(1, loaded.sqlite.max_article_id() + 1))
    articles = same(loaded, lambda s: [s.get_article(i) for i in ids])
    assert [a["id"] for a in articles] == ids
    assert same(loaded, lambda s: list(s.iter_articles())) == articles
    same(loaded, lambda s: s.summaries(ids))
    same(loaded, lambda s: s.summaries([*ids[:3], 999_999]))
    same(loaded, lambda s: s.article_heads(ids))
    same(loaded, lambda s: s.article_heads([]))
    for article in articles:
        same(loaded, lambda s, a=article: s.corrections(a["id"]))
        for entry in article["outline"]:
            same(loaded, lambda s, a=article, e=entry: s.outline_path(a["id"], e["index"]))
    same(loaded, lambda s: s.outline_path(1, 9_999))
    same(loaded, lambda s: s.count_corrections())


def test_a_missing_article_raises_not_found_on_both(loaded: Pair) -> None:
    for opened in (loaded.sqlite, loaded.postgres):
        with pytest.raises(NotFoundError, match=r"no article 424242 in .*`sucai list`"):
            opened.get_article(424242)


@pytest.mark.parametrize(("after", "batch"), [(0, 1000), (0, 4), (5, 3)])
def test_the_search_index_feed_is_the_same(loaded: Pair, after: int, batch: int) -> None:
    batches = same(loaded, lambda s: list(s.iter_index_articles(after, batch)))
    assert all(len(b) <= batch for b in batches)
    rowids = [p[0] for b in batches for a in b for p in a["paragraphs"]]
    assert len(set(rowids)) == len(rowids)
    found = same(loaded, lambda s: s.paragraphs_by_rowid([*rowids[::7], 10**9]))
    assert len(found) == len(rowids[::7])
    assert same(loaded, lambda s: s.paragraphs_by_rowid([])) == {}


def test_importing_the_seed_again_is_a_duplicate_on_both(loaded: Pair) -> None:
    for opened in (loaded.sqlite, loaded.postgres):
        report = ingest(opened, [SEED])
        assert (report.duplicates, report.new_articles) == (1, 0)


def test_an_article_in_two_files_is_stored_once(store: Store, tmp_path: Any) -> None:
    text = SEED.read_text(encoding="utf-8")
    copy = tmp_path / "copy.txt"
    copy.write_text(text + "\n", encoding="utf-8")
    first = ingest(store, [SEED])
    second = ingest(store, [copy])
    assert second.new_articles == 0
    assert second.files[0].article_ids == first.files[0].article_ids
    article = store.get_article(first.files[0].article_ids[0])
    assert [s.path for s in article.sources] == [str(SEED), str(copy)]
    assert store.count_articles() == first.new_articles


def test_a_table_paragraph_keeps_its_kind_and_rows_in_both_stores(store: Store) -> None:
    """A table is stored as one paragraph of kind ``table`` (issue 16), on either store."""
    page = FILES / "2019年上海市人民政府办公厅政府信息公开工作年度报告.html"
    report = ingest(store, [page])
    article = store.get_article(report.files[0].article_ids[0])
    tables = [p for p in article.paragraphs if p.kind == "table"]
    assert len(tables) == 3
    assert tables[0].rows[:4] == (
        ("第二十条第（一）项", "", "", "", ""),
        ("信息内容", "本年新制作数量", "本年新公开数量", "", "对外公开总数量"),
        ("规章", "13", "13", "", "524"),
        ("规范性文件", "60", "60", "", "368"),
    )
    assert {p.kind for p in article.paragraphs} == {"text", "table"}


def _notice(number: str, issuer: str, text: str) -> ArticleDraft:
    """A 公文 as the structure step gives it: its 发文字号 and 发文机关 stated in the header."""
    return ArticleDraft(
        title="关于加强基层应急管理工作的通知",
        role=None,
        genre="通知",
        issued_on="2026-03-02",
        year=2026,
        paragraphs=(Paragraph(0, "各乡镇人民政府，县政府各部门："), Paragraph(1, text)),
        outline=(),
        doc_number=number,
        issuer=issuer,
    )


def test_an_article_keeps_its_number_and_issuer_when_stored_and_when_replaced(
    store: Store,
) -> None:
    draft = _notice("某政办发〔2026〕7号", "某县人民政府办公室", "现就有关事项通知如下。")
    added = store.add_file(
        path="notices/2026-7.txt",
        sha256="7" * 64,
        size=120,
        encoding="utf-8",
        compilation=Compilation(draft.title, (), None, (draft,)),
        removed=(),
        notes=(),
    )
    (article_id,) = added.ids
    article = store.get_article(article_id)
    assert (article.doc_number, article.issuer) == ("某政办发〔2026〕7号", "某县人民政府办公室")
    assert article.chars == len("各乡镇人民政府，县政府各部门：现就有关事项通知如下。")
    other = _notice("某政办发〔2026〕9号", "某县应急管理局", "请结合实际认真贯彻落实。")
    store.replace_text(article_id, other, ())
    article = store.get_article(article_id)
    assert (article.doc_number, article.issuer) == ("某政办发〔2026〕9号", "某县应急管理局")
    assert article.paragraphs[1].text == "请结合实际认真贯彻落实。"
    assert store.article_by_text(other) == article_id
    assert store.article_by_text(draft) is None
