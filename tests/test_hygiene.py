"""Hygiene (issue 5): D restored to 党 only where it stands for 党, placeholders, cut names."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from sucai.cli import cli
from sucai.hygiene import check_text, find_issues, restore_text
from tests.conftest import SEED

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("D员领导干部", "党员领导干部"),
        ("全面贯彻落实D的二十大精神", "全面贯彻落实党的二十大精神"),
        ("以同志为核心的D中央", "以同志为核心的党中央"),
        ("县委D委书记、D组书记", "县委党委书记、党组书记"),
        ("抓D建促发展，D风廉政", "抓党建促发展，党风廉政"),
        ("增强D性，学习D史", "增强党性，学习党史"),
        ("凝聚全D全国各族人民", "凝聚全党全国各族人民"),
        ("坚持管D治D", "坚持管党治党"),
        ("立D为公、执政为民", "立党为公、执政为民"),
        ("中国共产D领导", "中国共产党领导"),
        ("推动D和国家事业", "推动党和国家事业"),
        ("基层D组织、D支部、讲D课、守D纪", "基层党组织、党支部、讲党课、守党纪"),
        ("我们D也是", "我们党也是"),
        ("是D对做好经济工作", "是党对做好经济工作"),
        ("Ｄ员", "党员"),
    ],
)
def test_d_standing_for_party_is_restored(text: str, expected: str) -> None:
    restored, changes = restore_text(text)
    assert restored == expected
    assert len(changes) == text.count("D") + text.count("Ｄ")
    for offset, original, replacement, _rule in changes:
        assert text[offset] == original
        assert restored[offset] == replacement == "党"


@pytest.mark.parametrize(
    "text",
    [
        "5G基站和3D打印",
        "3D的效果",
        "AD钙奶",
        "CAD的图纸",
        "D5的车次",
        "维生素D的作用",
        "A、B、C、D组成员",
        "2023年女足世界杯D组第二轮比赛",
        "选项D的说法正确",
        "DNA检测",
        "D级风险",
        "D风格的设计",
        "GDP的增长",
        "D",
        "Plan D的内容",
    ],
)
def test_d_that_is_a_letter_is_left_alone(text: str) -> None:
    assert restore_text(text) == (text, [])


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find_issues(text)]


def test_placeholders_are_flagged_with_offsets() -> None:
    text = "xxxx年x月，XX县新签项目xxx个，由×××、某某负责，到位资金xx亿元。"
    found = find_issues(text)
    assert [(f.kind, f.text) for f in found] == [
        ("placeholder", "xxxx年"),
        ("placeholder", "x月"),
        ("placeholder", "XX县"),
        ("placeholder", "xxx"),
        ("placeholder", "×××"),
        ("placeholder", "某某"),
        ("placeholder", "xx"),
    ]
    for f in found:
        assert text[f.start : f.end] == f.text


@pytest.mark.parametrize(
    "text",
    [
        "3×4=12",
        "x86 架构",
        "Linux系统",
        "X光检查",
        "box里",
        "某种程度上",
        "extra",
        # Names (issue 16): a capital X that is a name, a × that multiplies.
        "电影《X战警》上映",
        "欧盟对社交媒体平台X罚款1.2亿欧元",
        "国内代理公司X公司以马某违约为由",
        "随着中欧班列X（行）8082次列车驶出",
        "应纳税额＝销售额×税率",
        "“数据要素×”三年行动计划",
        "“中日韩+X”合作项目",
    ],
)
def test_letters_names_and_arithmetic_are_not_placeholders(text: str) -> None:
    assert _kinds(text) == []


@pytest.mark.parametrize(
    ("text", "blank"),
    [
        ("并在×个月内向我院书面回复", "×"),
        ("依照第X条的规定", "X"),
        ("新签项目X个", "X"),
        ("X县X镇", "X县"),
        ("（2023）最高法行申×号", "×"),
        ("办好“x新消费”四件事", "x"),
    ],
)
def test_a_lone_x_in_a_counting_slot_is_a_placeholder(text: str, blank: str) -> None:
    assert ("placeholder", blank) in _kinds(text)


def test_speech_without_a_speaker_is_flagged_but_a_named_one_is_not() -> None:
    assert _kinds("。的重要讲话，高屋建瓴") == [("missing-name", "的重要讲话")]
    assert _kinds("在中央经济工作会议上的重要讲话，具有很强的思想性") == [
        ("missing-name", "在中央经济工作会议上的重要讲话")
    ]
    assert _kinds("深刻领悟重要讲话的思想内涵") == [("missing-name", "领悟重要讲话")]
    assert _kinds("以同志为核心的党中央") == [("missing-name", "以同志为核心")]
    assert _kinds("总书记在中央经济工作会议上的重要讲话") == []
    assert _kinds("总书记的重要讲话") == []


def test_a_missing_speaker_is_told_where_and_what_to_do() -> None:
    found = find_issues("。的重要讲话，要领悟重要讲话，以同志为核心")
    assert [(f.start, f.end, f.text, f.message) for f in found] == [
        (1, 6, "的重要讲话", "句首“的重要讲话”前缺少讲话人，可能被删去，请核对补全。"),
        (8, 14, "领悟重要讲话", "“重要讲话”前没有讲话人，可能被删去，请核对补全。"),
        (15, 21, "以同志为核心", "“以同志为核心”中缺少姓名，可能被删去，请核对补全。"),
    ]


def test_check_text_reports_line_and_column() -> None:
    found = check_text(["第一行没问题。", "请D员同志在xx月前完成"])
    assert [(f.line, f.column, f.finding.kind) for f in found] == [
        (2, 2, "sanitised"),
        (2, 7, "placeholder"),
    ]


def test_seed_import_restores_all_29_occurrences_and_keeps_the_originals(
    library: Library, shared: Path
) -> None:
    report = library.ingest([SEED])
    ids = report.files[0].article_ids
    articles = [library.get(i) for i in ids]
    for article in articles:
        texts = [article.title, article.role or ""] + [p.text for p in article.paragraphs]
        texts += [e.text for e in article.outline]
        assert all(restore_text(t)[1] == [] for t in texts), article.title
        assert "D" not in "".join(texts)
    per_article = [library.hygiene(i).corrections for i in ids]
    file = library.files()[0]
    in_header = library.store.file_corrections(file.id)
    assert sum(len(c) for c in per_article) == 28
    assert len(in_header) == 1
    assert file.title.startswith("党员领导干部")
    assert library.store.count_corrections() == 29
    # Every correction points at the 党 it made, and undoing them gives the seed's text back.
    source = SEED.read_text(encoding="utf-8")
    for article_id, corrections in zip(ids, per_article, strict=True):
        article = library.get(article_id)
        original = library.original(article_id)
        for c in corrections:
            assert c.part == "paragraph"
            assert article.paragraphs[c.index].text[c.offset] == "党"
            assert original.paragraphs[c.index].text[c.offset] == "D"
        assert sum(p.text.count("D") for p in original.paragraphs) == len(corrections)
    originals = [library.original(i) for i in ids]
    assert sum(p.text.count("D") for a in originals for p in a.paragraphs) + 1 == 29
    assert source.count("D") == 29


def test_seed_findings_flag_every_xx_placeholder(library: Library, shared: Path) -> None:
    report = library.ingest([SEED])
    for article_id in report.files[0].article_ids:
        article = library.get(article_id)
        hygiene = library.hygiene(article_id)
        for p in article.paragraphs:
            flagged = {(f.start, f.end) for f in hygiene.of(p.index) if f.kind == "placeholder"}
            start = p.text.find("xx")
            while start >= 0:
                assert any(s <= start < e for s, e in flagged), (article_id, p.index, start)
                start = p.text.find("xx", start + 1)
    third = library.hygiene(report.files[0].article_ids[2])
    assert any(f.kind == "missing-name" for p in third.paragraphs for f in p.findings)


def test_show_lists_hygiene_and_original_shows_the_imported_text(
    tmp_path: Path, shared: Path
) -> None:
    runner = CliRunner()
    db = str(tmp_path / "lib.db")
    runner.invoke(cli, ["import", str(SEED), "--db", db])
    out = runner.invoke(cli, ["show", "3", "--db", db]).output
    assert "\n校对:\n" in out
    assert "  ¶3 第1字  在中央经济工作会议上的重要讲话  " in out
    assert "导入时已还原 3 处（D对、D的、D领导）" in out
    original = runner.invoke(cli, ["show", "3", "--original", "--db", db]).output
    assert "是D对做好经济工作" in original
    assert "是党对做好经济工作" in out


def test_check_hygiene_prints_findings_with_line_and_column(tmp_path: Path) -> None:
    draft = tmp_path / "草稿.txt"
    draft.write_text("全面贯彻D的二十大精神，5G和3D。\n到xxxx年底完成。\n", encoding="gb18030")
    result = CliRunner().invoke(cli, ["check-hygiene", str(draft)])
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{draft}:1:5: sanitised: “D”应为“党”（D的），请改正。",
        f"{draft}:2:2: placeholder: “xxxx年”是待填写的占位符。",
        f"2 findings in {draft}.",
    ]
    data = json.loads(CliRunner().invoke(cli, ["check-hygiene", str(draft), "--json"]).output)
    assert data["ok"] is True
    assert [(f["line"], f["column"], f["kind"]) for f in data["findings"]] == [
        (1, 5, "sanitised"),
        (2, 2, "placeholder"),
    ]


def test_check_hygiene_reads_docx_and_says_clean(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("一切正常的段落。")
    document.add_paragraph("请某某同志审定。")
    path = tmp_path / "draft.docx"
    document.save(str(path))
    result = CliRunner().invoke(cli, ["check-hygiene", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2:2: placeholder:" in result.output
    clean = tmp_path / "clean.md"
    clean.write_text("没有问题。\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["check-hygiene", str(clean)])
    assert (result.exit_code, result.output) == (0, f"{clean}: clean.\n")


def test_check_hygiene_of_an_unsupported_file_says_what_it_reads(tmp_path: Path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF")
    result = CliRunner().invoke(cli, ["check-hygiene", str(path)])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {path}: check-hygiene reads .txt, .md and .docx drafts, not .pdf.\n"
    )
