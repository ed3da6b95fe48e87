"""The 素材篮 through the Library and the CLI (issue 5): real SQLite, the seed."""

from __future__ import annotations

from typing import TYPE_CHECKING

import docx
import pytest
from click.testing import CliRunner

from sucai.cli import cli
from sucai.errors import UserError
from sucai.store.migrations import MIGRATIONS
from tests.conftest import SEED

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library


@pytest.fixture
def seeded(library: Library, shared: Path) -> Library:
    library.ingest([SEED])
    return library


def test_migrations_end_with_baskets_then_corrections() -> None:
    names = [name for name, _ in MIGRATIONS]
    assert names[:2] == ["m001_initial", "m002_users"]
    assert names.index("m003_baskets") < names.index("m004_corrections")


def test_items_are_kept_in_order_and_can_be_moved_and_removed(seeded: Library) -> None:
    basket = seeded.basket_add("张三", "讲话素材", ["3:2", "5#1", "7"])
    assert [(i.position, i.article_id, i.kind, i.ref) for i in basket.items] == [
        (1, 3, "paragraph", 1),
        (2, 5, "section", 0),
        (3, 7, "article", None),
    ]
    moved = seeded.basket_move("张三", "讲话素材", 3, 1)
    assert [i.article_id for i in moved.items] == [7, 3, 5]
    removed = seeded.basket_remove("张三", "讲话素材", 2)
    assert [(i.position, i.article_id) for i in removed.items] == [(1, 7), (2, 5)]
    # Baskets are per owner.
    assert seeded.baskets("李四") == []
    assert [b.name for b in seeded.baskets("张三")] == ["讲话素材"]
    seeded.basket_delete("张三", "讲话素材")
    assert seeded.baskets("张三") == []


def test_a_section_is_its_heading_and_the_paragraphs_under_it(seeded: Library) -> None:
    article = seeded.get(3)
    basket = seeded.basket_add("u", "b", [(3, "section", 0)])
    parts = seeded.basket_parts(basket)
    (_article, _item, paragraphs) = parts[0]
    entry = article.outline[0]
    later = next(e for e in article.outline[1:] if e.level <= entry.level)
    assert [p.index for p in paragraphs] == list(range(entry.paragraph, later.paragraph))


def test_bad_references_say_what_exists(seeded: Library) -> None:
    with pytest.raises(UserError, match=r"article 1 has paragraphs 1–10; there is no paragraph 99"):
        seeded.basket_add("u", "b", ["1:99"])
    with pytest.raises(UserError, match=r"'x1' is not material: write ARTICLE \(12\)"):
        seeded.basket_add("u", "b", ["x1"])
    with pytest.raises(UserError, match="u has no basket 'none'"):
        seeded.basket("u", "none")
    seeded.basket_add("u", "b", ["1"])
    with pytest.raises(UserError, match=r"basket 'b' has items 1–1; there is no item 5"):
        seeded.basket_move("u", "b", 1, 5)


def test_export_puts_each_piece_before_its_source_and_lists_sources_last(
    seeded: Library,
) -> None:
    seeded.basket_add("u", "稿子", ["3:2", "7:1", "3:5"])
    name, data = seeded.basket_export("u", "稿子", "txt")
    assert name == "稿子.txt"
    lines = data.decode().splitlines()
    third, seventh = seeded.get(3), seeded.get(7)
    assert lines[0] == "稿子"
    assert lines[2] == third.paragraphs[1].text  # a heading line: no indent
    assert lines[3] == f"——摘自《{third.title}》"
    assert lines[4] == "　　" + seventh.paragraphs[0].text
    assert lines[5] == f"——摘自《{seventh.title}》（市委副书记、市长）"
    end = lines.index("依据表")
    assert lines[end - 4 : end] == [
        "出处",
        f"1. 《{third.title}》",
        f"2. 《{seventh.title}》（市委副书记、市长）",
        "",
    ]
    # The 依据表 (issue 20): a row per piece, with its passage on the article page.
    fifth = third.paragraphs[4].text
    assert lines[end + 1 :] == [
        "序号\t材料\t文章\t职务\t日期\t效力\t出处",
        # 范文 is a mark in the title, not a role (issue 21): no 职务.
        f"1\t{third.paragraphs[1].text}\t《{third.title}》\t\t\t\t/article/3#p1",
        f"2\t{seventh.paragraphs[0].text[:24]}…\t《{seventh.title}》\t市委副书记、市长\t\t\t"
        "/article/7#p0",
        f"3\t{fifth[:24]}…\t《{third.title}》\t\t\t\t/article/3#p4",
    ]


def test_export_as_docx_is_one_document(seeded: Library, tmp_path: Path) -> None:
    seeded.basket_add("u", "稿子", ["3:2", "7"])
    _name, data = seeded.basket_export("u", "稿子", "docx")
    path = tmp_path / "b.docx"
    path.write_bytes(data)
    document = docx.Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "稿子"
    assert "出处" in texts
    assert sum(1 for t in texts if t.startswith("——摘自")) == 2
    assert document.paragraphs[texts.index("出处")].style.style_id == "GWHeading1"


def test_cli_basket_commands(seeded: Library, tmp_path: Path) -> None:
    db = str(seeded.store.path)  # type: ignore[attr-defined]
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, [*args, "--user", "bob", "--db", db])
        assert result.exit_code == 0, result.output
        return result.output

    assert run("basket", "add", "讲话", "3:2", "7") == "Added 2 to 讲话 (2 items).\n"
    listing = run("basket", "list", "讲话").splitlines()
    assert listing[0] == "讲话: 2 items"
    assert listing[1].startswith(
        "   1. [3] 《贯彻落实重要讲话精神会高质量发展全面推动xx经济社会（范文）》第2段"
    )
    moved = run("basket", "move", "讲话", "2", "1").splitlines()
    assert moved[1].startswith("   1. [7] ")
    assert run("basket", "list") == "讲话  (2 items)\n"
    out = tmp_path / "讲话.md"
    assert run("basket", "export", "讲话", "--format", "md", "-o", str(out)) == f"Wrote {out}\n"
    assert out.read_text(encoding="utf-8").startswith("# 讲话\n")
    removed = run("basket", "remove", "讲话", "1").splitlines()
    assert removed[0] == "讲话: 1 items"
    error = runner.invoke(cli, ["basket", "add", "讲话", "1:99", "--user", "bob", "--db", db])
    assert error.exit_code == 1
    assert error.output == "Error: article 1 has paragraphs 1–10; there is no paragraph 99.\n"
    other = runner.invoke(cli, ["basket", "list", "--user", "alice", "--db", db])
    assert other.output == "alice has no baskets. Start one with: sucai basket add NAME ARTICLE\n"
