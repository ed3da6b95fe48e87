"""The 写作台 (issue 20): skeletons grouped, material found and folded, paid text kept out.

The library holds three hand-written speeches (tests/data/compose: two on 优化营商环境, one on
安全生产, with a paid part in one) and the bundled samples; the expected groups below are
written by hand from reading the speeches.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import docx
import pytest
from click.testing import CliRunner

from sucai import open_library
from sucai.cli import cli
from sucai.compose import Heading, Piece, fold_pieces, group_headings, heading_words
from sucai.errors import UserError
from sucai.library_jinju import saying
from sucai.store.records import ArticleFilter
from sucai.users import Accounts
from sucai.web import access

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sucai import Library
    from sucai.library import Composition

ROOT = Path(__file__).resolve().parents[1]
SPEECHES = ROOT / "tests" / "data" / "compose"
PAID_WORDS = ("秘密武器", "紫薇花开", "会员专享")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library of the speeches and the samples, built once."""
    path = tmp_path_factory.mktemp("compose")
    with open_library(path / "lib.db") as library:
        report = library.ingest([SPEECHES, ROOT / "samples"])
        assert not report.failed
    return path


@pytest.fixture
def lib(folder: Path) -> Iterator[Library]:
    with open_library(folder / "lib.db") as library:
        yield library


def _ids(library: Library) -> dict[str, int]:
    return {a.title: a.id for a in library.list()}


def _groups(found: Composition) -> list[tuple[str, str, set[str]]]:
    return [(g.position, g.label, {h.text for h in g.headings}) for g in found.groups]


def test_headings_that_say_the_same_thing_are_grouped(lib: Library) -> None:
    found = lib.compose("优化营商环境", where=ArticleFilter(genre="讲话"))
    assert [s.title for s in found.skeletons] == [
        "在全市优化营商环境推进会上的讲话",
        "在全县优化营商环境大会上的讲话",
    ]
    assert _groups(found) == [
        (
            "opening",
            "提高站位 · 统一思想",
            {
                "一、统一思想认识，切实增强优化营商环境的责任感",
                "一、提高政治站位，深刻认识优化营商环境的重要意义",
            },
        ),
        (
            "body",
            "政务",
            {"二、突出重点，着力提升政务服务效能", "二、聚焦重点领域，全力打造一流政务环境"},
        ),
        (
            "body",
            "法治",
            {"三、坚持依法行政，营造公平公正的法治环境", "三、聚焦市场主体，持续优化法治环境"},
        ),
        (
            "closing",
            "强化保障 · 狠抓落实",
            {"四、加强组织领导，确保各项任务落地见效", "四、强化组织保障，狠抓工作落实"},
        ),
        ("closing", "秘密武器，会员专享的营商环境心法", {"五、秘密武器，会员专享的营商环境心法"}),
    ]
    assert found.notes == ()
    # 金句 of the skeletons' articles, with the passage each comes from (issue 20).
    assert [(p.title, p.paragraph, p.text) for p in found.jinju] == [
        ("在全县优化营商环境大会上的讲话", 4, "古人云：“人而无信，不知其可也。”")
    ]
    passage = lib.get(found.jinju[0].article_id).paragraphs[found.jinju[0].paragraph].text
    assert found.jinju[0].text in passage


def test_a_genre_the_library_lacks_is_widened_and_said(lib: Library) -> None:
    found = lib.compose("安全生产", where=ArticleFilter(genre="讲话"))
    assert found.notes and "已补入相近文种（发言、报告、文章）" in found.notes[0]
    assert found.skeletons[0].genre == "讲话"
    assert {s.genre for s in found.skeletons[1:]} <= {"报告", "法规", "文章"}


def test_a_widening_that_finds_nothing_is_not_said_to_have_filled_in(lib: Library) -> None:
    # Nothing on the topic in any genre: one note, that nothing was found, not also that
    # other genres' material was added.
    found = lib.compose("载人航天", where=ArticleFilter(genre="讲话"))
    assert (found.notes, found.skeletons) == (
        ("没有找到带提纲的相关材料：换一个说法，或放宽文种、职务、年份、来源。",),
        (),
    )


def test_articles_about_the_topic_fill_in_before_kindred_genres(lib: Library) -> None:
    # No 讲话 on 乡村振兴: the law named for it comes before the reports that mention it.
    found = lib.compose("乡村振兴", where=ArticleFilter(genre="讲话"))
    assert [(s.genre, s.title) for s in found.skeletons][:2] == [
        ("法规", "中华人民共和国乡村振兴促进法"),
        ("报告", "2024年中华人民共和国国务院政府工作报告"),
    ]
    assert found.skeletons[0].status is not None and found.skeletons[0].status.label == "现行有效"


def _skeleton(article_id: int, *texts: str) -> tuple[Heading, ...]:
    last = len(texts) - 1
    return tuple(
        Heading(
            article_id,
            n,
            n,
            text,
            "opening" if n == 0 else "closing" if n == last else "body",
            heading_words(text, "数字政府"),
        )
        for n, text in enumerate(texts)
    )


def test_a_theme_cue_counts_where_the_theme_belongs_and_words_link_within_a_position() -> None:
    first = _skeleton(1, "一、提高政治站位", "二、加强数据认识能力", "三、守住数据底线")
    second = _skeleton(2, "一、统一思想认识", "二、打通数据壁垒", "三、强化组织保障")
    groups = group_headings([first, second])
    assert [(g.position, g.label, [h.text for h in g.headings]) for g in groups] == [
        ("opening", "提高站位 · 统一思想", ["一、提高政治站位", "一、统一思想认识"]),
        ("body", "数据", ["二、加强数据认识能力", "二、打通数据壁垒"]),
        ("closing", "强化保障 · 狠抓落实", ["三、强化组织保障"]),
        ("closing", "守住数据底线", ["三、守住数据底线"]),  # 数据, but at the close: apart
    ]


def test_picked_groups_get_ranked_paragraphs_with_their_source(lib: Library) -> None:
    found = lib.compose("优化营商环境", where=ArticleFilter(genre="讲话"), picks=[2], pieces=3)
    picked = found.groups[1]
    assert [g.pieces for g in found.groups if g.number != 2] == [(), (), (), ()]
    titles = {a.id: a for a in lib.list()}
    assert len(picked.pieces) == 2
    for piece in picked.pieces:
        article = lib.get(piece.article_id)
        assert piece.text == article.paragraphs[piece.paragraph].text  # the stored passage
        assert (piece.title, piece.role, piece.issued_on) == (
            titles[piece.article_id].title,
            article.role,
            article.issued_on,
        )
    # The one paragraph with both 优化营商环境 and 政务 (a search hit), then the paragraph under
    # the other speech's 政务 heading.
    ids = _ids(lib)
    assert [(p.article_id, p.paragraph, p.score > 0) for p in picked.pieces] == [
        (ids["在全市优化营商环境推进会上的讲话"], 6, True),
        (ids["在全县优化营商环境大会上的讲话"], 6, False),
    ]
    # The opening's headings hold 优化营商环境 and a cue (思想, 认识): heading lines are no
    # pieces, the paragraphs written under them are.
    opening = lib.compose("优化营商环境", where=ArticleFilter(genre="讲话"), picks=[1]).groups[0]
    assert [p.text[:9] for p in opening.pieces] == ["优化营商环境是一场", "营商环境是企业生存"]
    with pytest.raises(UserError, match="there is no group 9"):
        lib.compose("优化营商环境", where=ArticleFilter(genre="讲话"), picks=[9])


def test_near_duplicate_paragraphs_are_folded_into_the_better_ranked() -> None:
    def piece(n: int, text: str) -> Piece:
        return Piece(n, 0, "t", None, "讲话", None, None, text, (), 1.0)

    base = "要推进政务服务一网通办，压缩审批时限，以数字化改革带动优化营商环境，让企业办事更便捷。"
    edited = base.replace("更便捷", "更方便")
    other = "要规范涉企执法检查，杜绝多头检查、重复检查，以法治稳定优化营商环境的预期。"
    kept = fold_pieces([piece(1, base), piece(2, other), piece(3, edited)], 5)
    assert [(p.article_id, p.folded) for p in kept] == [(1, 1), (2, 0)]
    assert [p.article_id for p in fold_pieces([piece(1, base), piece(2, other)], 1)] == [1]


def test_a_saying_is_one_however_it_is_cited() -> None:
    # Written out by hand: marks, punctuation and a citing clause go; 道 before a comma stays.
    assert (
        saying("习近平总书记指出：“民之所忧，我必念之；民之所盼，我必行之。”")
        == saying("“民之所忧，我必念之；民之所盼，我必行之。”")
        == "民之所忧我必念之民之所盼我必行之"
    )
    assert saying("他强调，人民城市人民建，人民城市为人民。") == "人民城市人民建人民城市为人民"
    assert saying("古人云：“道虽迩，不行不至。”") == "道虽迩不行不至"
    assert saying("天下有道，则庶人不议。") == "天下有道则庶人不议"


def test_the_desk_lists_a_saying_quoted_in_two_speeches_once(tmp_path: Path) -> None:
    speeches = [
        ("甲", "2024年3月1日", "习近平总书记指出：“民之所忧，我必念之；民之所盼，我必行之。”"),
        ("乙", "2023年5月1日", "“民之所忧，我必念之；民之所盼，我必行之。”各地要办好民生实事。"),
    ]
    for name, day, text in speeches:
        (tmp_path / f"{name}.txt").write_text(
            f"在{name}县民生工作会议上的讲话\n（{day}）\n一、提高站位\n{text}\n", encoding="utf-8"
        )
    with open_library(tmp_path / "lib.db") as library:
        library.ingest(sorted(tmp_path.glob("*.txt")))
        assert library.jinju("民之所忧", repeats=True)[0] == 2
        found = library.compose("民之所忧")
    assert [(p.title, p.text) for p in found.jinju] == [
        ("在甲县民生工作会议上的讲话", speeches[0][2]),
    ]


def _visitor_compose(library: Library) -> Composition:
    visitor = Accounts(library.store).visitor()
    return access.compose(
        library,
        visitor,
        "优化营商环境",
        where=ArticleFilter(genre="讲话"),
        picks=[1, 2, 3, 4],
    )


def test_a_visitor_never_sees_or_is_ranked_by_paid_paragraphs(folder: Path, tmp_path: Path) -> None:
    with open_library(folder / "lib.db") as library:
        seen = _visitor_compose(library)
        member = library.compose("优化营商环境", where=ArticleFilter(genre="讲话"))
    text = json.dumps([seen.skeletons, [g.headings for g in seen.groups]], default=str)
    text += "".join(p.text for g in seen.groups for p in g.pieces)
    assert not [w for w in PAID_WORDS if w in text]
    assert any(w in h.text for g in member.groups for h in g.headings for w in PAID_WORDS)
    # The paid part replaced by other text of the same length: the visitor's 写作台 is the same.
    other = tmp_path / "other"
    shutil.copytree(SPEECHES, other)
    speech = other / "乙市优化营商环境讲话.txt"
    body = speech.read_text(encoding="utf-8")
    head, paid = body.split("##paidbegin##")
    swapped = "".join("营" if "\u4e00" <= c <= "\u9fff" else c for c in paid)
    speech.write_text(head + "##paidbegin##" + swapped, encoding="utf-8")
    with open_library(tmp_path / "lib.db") as library:
        library.ingest([other, ROOT / "samples"])
        again = _visitor_compose(library)
    assert again == seen


def test_cli_compose_prints_the_skeletons_and_fills_a_basket(folder: Path, tmp_path: Path) -> None:
    db = str(folder / "lib.db")
    runner = CliRunner()
    result = runner.invoke(cli, ["compose", "优化营商环境", "--genre", "讲话", "--db", db])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "提纲"
    assert "        开头  一、统一思想认识，切实增强优化营商环境的责任感" in lines
    assert "   1  开头  提高站位 · 统一思想  [2篇]" in lines
    data = json.loads(
        runner.invoke(
            cli, ["compose", "优化营商环境", "--genre", "讲话", "--pick", "2", "--json", "--db", db]
        ).output
    )
    assert data["ok"] and [(j["text"], j["link"][:9]) for j in data["jinju"]] == [
        ("古人云：“人而无信，不知其可也。”", "/article/")
    ]
    links = [p["link"] for p in data["groups"][1]["pieces"]]
    assert links and all(link.startswith("/article/") and "#p" in link for link in links)

    args = ["compose", "优化营商环境", "--genre", "讲话", "--pick", "2", "--basket", "稿"]
    result = runner.invoke(cli, [*args, "--user", "u", "--db", db])
    assert result.exit_code == 0, result.output
    out = tmp_path / "稿.docx"
    result = runner.invoke(
        cli, ["basket", "export", "稿", "--user", "u", "-o", str(out), "--db", db]
    )
    assert result.exit_code == 0, result.output
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    assert "依据表" in texts
    table = document.tables[-1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "材料", "文章", "职务", "日期", "效力", "出处"]
    assert [r[6] for r in rows[1:]] == links
    assert rows[1][2:5] == ["《在全市优化营商环境推进会上的讲话》", "市长", "2024-02-20"]


def test_a_law_is_in_force_amended_by_a_later_version_or_repealed(
    tmp_path: Path, shared: Path
) -> None:
    holidays = shared / "corpus" / "laws" / "行政法规"
    with open_library(tmp_path / "lib.db") as library:
        report = library.ingest(
            [
                SPEECHES / "laws",
                holidays / "全国年节及纪念日放假办法(2013-12-11).md",
                holidays / "全国年节及纪念日放假办法(2024-11-10).md",
            ]
        )
        assert not report.failed
        ids = {(a.title, a.chars): a.id for a in library.list()}
        by_title = {title: i for (title, _chars), i in ids.items()}
        old, new = sorted(i for (t, _c), i in ids.items() if t == "全国年节及纪念日放假办法")
        statuses = {i: library.law_status(i) for i in ids.values()}
        assert statuses[new] is not None and statuses[new].label == "现行有效"
        assert statuses[old] is not None and statuses[old].label == "已修正（2024-11-10 版）"
        assert statuses[old].by_id == new
        sand = statuses[by_title["甲市河道采砂管理办法"]]
        assert sand is not None and sand.label == "已废止（甲市河道管理条例）"
        assert sand.by_id == by_title["甲市河道管理条例"]
        assert statuses[by_title["甲市河道管理条例"]] == statuses[new]
        speech = library.ingest([SPEECHES / "甲县优化营商环境讲话.txt"]).files[0].article_ids[0]
        assert library.law_status(speech) is None


def test_check_hygiene_warns_of_quotes_from_an_amended_version_or_a_repealed_law(
    tmp_path: Path, shared: Path
) -> None:
    holidays = shared / "corpus" / "laws" / "行政法规"
    db = tmp_path / "lib.db"
    with open_library(db) as library:
        library.ingest(
            [
                SPEECHES / "laws",
                holidays / "全国年节及纪念日放假办法(2013-12-11).md",
                holidays / "全国年节及纪念日放假办法(2024-11-10).md",
            ]
        )
    draft = tmp_path / "稿.txt"
    old_rule = (
        "全体公民放假的假日，如果适逢星期六、星期日，应当在工作日补假。"
        "部分公民放假的假日，如果适逢星期六、星期日，则不补假。"
    )
    draft.write_text(
        "\n".join(
            [
                f"  按规定，{old_rule}",  # the 2013 text (2024: 周六、周日)
                "为统一全国年节及纪念日的假期，制定本办法。",  # unchanged in 2024
                "",
                "依据《甲市河道采砂管理办法》，采砂须经许可。",
                "依据《甲市河道管理条例》加强管理。",  # in force
            ]
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["check-hygiene", str(draft), "--db", str(db)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{draft}:1:7: law: 此处引用的是《全国年节及纪念日放假办法》的旧版本，该法已修正"
        "（现行为 2024-11-10 版）：请按现行版本核对引文。",
        f"{draft}:4:3: law: 《甲市河道采砂管理办法》已废止（见《甲市河道管理条例》），"
        "请勿作为依据引用。",
        f"2 findings in {draft}.",
    ]
    # The unchanged article was found (in one version or the other) and is no warning.
    with open_library(db) as library:
        report = library.check(draft.read_text(encoding="utf-8"))
    assert report.paragraphs[1].spans
    # Without a library the law check does not run.
    assert CliRunner().invoke(cli, ["check-hygiene", str(draft)], env={"SUCAI_DB": ""}).output == (
        f"{draft}: clean.\n"
    )
