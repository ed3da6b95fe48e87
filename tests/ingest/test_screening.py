"""Screening at import (issue 16 item 11): classified files refused, personal data flagged
and, on request, masked.

The classified test files are real government text (the shared corpus's reports and laws)
under a 版头 laid out as GB/T 9704 places it: 份号, then 密级和保密期限 at the top left, then
紧急程度 and the 发文机关标志. The personal numbers are published examples: the 身份证号 of
GB 11643's annex, card numbers that card networks publish for testing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import docx
import pytest
from click.testing import CliRunner

from sucai import ImportOptions
from sucai.cli import cli
from sucai.hygiene import find_issues
from sucai.ingest.screening import classified_marking, find_personal, redact_personal

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

REPORT_2024 = "reports/state_council/002_2024_2024年中华人民共和国国务院政府工作报告.txt"
SECRECY_LAW = "laws/行政法/保守国家秘密法(2024-02-27).md"


def _head(marking: str) -> str:
    return f"000123\n{marking}\n特急\n\n国务院办公厅文件\n\n国办发〔2024〕7号\n\n"


@pytest.mark.parametrize(
    ("head", "marking"),
    [
        (_head("秘密"), "秘密"),
        (_head("机密★1年"), "机密★1年"),
        (_head("绝密★长期"), "绝密★长期"),
        (_head("秘密★启用前"), "秘密★启用前"),
        (_head("机密 ★ 10年"), "机密 ★ 10年"),
        (_head("秘密★六个月").replace("六个月", "6个月"), "秘密★6个月"),
        ("　　绝密★30年\n\n国务院文件\n", "绝密★30年"),
        ("密级：机密\n国务院文件\n", "机密"),
        ("000001  秘密★5年\n\n", "秘密★5年"),
        ("机密★1年  特急\n国务院文件\n", "机密★1年"),
    ],
)
def test_a_marking_in_the_head_is_found(head: str, marking: str) -> None:
    assert classified_marking(head.splitlines()) == marking


@pytest.mark.parametrize(
    "lines",
    [
        ["第十条　国家秘密的密级分为绝密、机密、秘密三级。"],
        ["中华人民共和国保守国家秘密法", "第一章　总则", "第一条　为了保守国家秘密……"],
        ["商业秘密", "保护商业秘密"],
        ["一", "二", "三", "四", "五", "六", "秘密★1年"],  # below the 版头
        ["秘密武器"],
        ["绝密行动"],
        ["机密文件管理办法"],
    ],
)
def test_text_that_mentions_secrets_is_no_marking(lines: list[str]) -> None:
    assert classified_marking(lines) is None


@pytest.mark.slow
def test_the_corpus_has_no_marking_and_no_personal_number(shared: Path) -> None:
    """Laws (the 保密法 among them), reports and news: 0 refusals, 0 personal numbers."""
    marked = []
    personal = []
    files = 0
    for path in sorted((shared / "corpus").rglob("*")):
        if path.suffix not in (".md", ".txt") or "utf16" in path.name:
            continue
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        files += 1
        if classified_marking(lines):
            marked.append(path.name)
        personal += [(path.name, line) for line in lines if find_personal(line)]
    assert files > 5000
    assert marked == []
    assert personal == []


def _classified(shared: Path, tmp_path: Path) -> Path:
    body = (shared / "corpus" / REPORT_2024).read_text(encoding="utf-8")
    path = tmp_path / "机密通知.txt"
    path.write_text(_head("机密★1年") + body, encoding="utf-8")
    return path


def test_import_refuses_a_classified_file_names_it_and_goes_on(
    shared: Path, tmp_path: Path
) -> None:
    marked = _classified(shared, tmp_path)
    law = shared / "corpus" / SECRECY_LAW
    db = str(tmp_path / "lib.db")
    result = CliRunner().invoke(cli, ["import", str(marked), str(law), "--db", db])
    assert result.exit_code == 1, result.output  # a refused file fails the import (issue 17)
    assert (
        f"REFUSED  {marked}: 版头标有密级“机密★1年”，为防误入素材库未导入 (the file is "
        "marked “机密★1年”, a classified document, and was not imported). If you may keep "
        "it in this library, import it again with --allow-classified" in result.output
    )
    assert "2 files: 1 imported, 0 duplicates, 0 skipped, 1 refused (classified), 0 failed" in (
        result.output
    )
    data = json.loads(CliRunner().invoke(cli, ["import", str(marked), "--db", db, "--json"]).output)
    assert (data["refused"], data["imported"]) == (1, 0)
    assert data["details"][0]["status"] == "refused"
    assert data["details"][0]["code"] == "classified"
    allowed = CliRunner().invoke(cli, ["import", str(marked), "--allow-classified", "--db", db])
    assert "1 files: 1 imported" in allowed.output


def test_a_docx_with_a_marking_is_refused(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "请示.docx"
    document = docx.Document()
    for text in ("000051", "秘密★2年", "XX市人民政府", "关于申请专项资金的请示", "市政府："):
        document.add_paragraph(text)
    document.add_paragraph("现将有关情况请示如下。")
    document.save(str(path))
    report = library.ingest([path])
    assert [(f.status, f.code) for f in report.files] == [("refused", "classified")]
    assert report.refused == 1 and library.count() == 0
    assert library.ingest([path], ImportOptions(allow_classified=True)).imported == 1


def test_a_marking_only_in_the_docx_page_header_is_refused(
    library: Library, tmp_path: Path
) -> None:
    """A template may keep 密级 in the page header (word/header1.xml), never in the body."""
    path = tmp_path / "请示.docx"
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "机密★1年"
    for text in ("XX市人民政府", "关于申请专项资金的请示", "市政府："):
        document.add_paragraph(text)
    document.add_paragraph("现将有关情况请示如下。")
    document.save(str(path))
    (report,) = library.ingest([path]).files
    assert (report.status, report.code) == ("refused", "classified")
    assert "“机密★1年”" in report.message and library.count() == 0
    (report,) = library.ingest([path], ImportOptions(allow_classified=True)).files
    article = library.get(report.article_ids[0])
    assert article.title == "XX市人民政府关于申请专项资金的请示"
    assert not any("机密" in p.text for p in article.paragraphs)


def test_a_page_header_without_a_marking_is_no_refusal(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "通知.docx"
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "XX市人民政府办公室文件"
    document.sections[0].header.add_paragraph("关于做好保守国家秘密工作的通知")
    document.add_paragraph("关于做好保守国家秘密工作的通知")
    document.add_paragraph("各区人民政府：现将有关事项通知如下。")
    document.save(str(path))
    assert library.ingest([path]).imported == 1


# --- personal data -------------------------------------------------------------------------

ID_CARD = "11010519491231002X"  # GB 11643-1999, annex: the example number
CARDS = ("4111111111111111", "6011000990139424", "5555555555554444")  # published test cards


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (f"身份证号：{ID_CARD}。", [(ID_CARD, "id-card")]),
        (f"身份证号：{ID_CARD.lower()}。", [(ID_CARD.lower(), "id-card")]),
        ("旧式身份证号110105491231002，", [("110105491231002", "id-card")]),
        ("联系电话：13912345678（张先生）", [("13912345678", "mobile")]),
        ("手机19988887777或15000000000", [("19988887777", "mobile"), ("15000000000", "mobile")]),
        (f"开户账号{CARDS[0]}，", [(CARDS[0], "bank-card")]),
        (f"卡号{CARDS[1]}、{CARDS[2]}", [(CARDS[1], "bank-card"), (CARDS[2], "bank-card")]),
    ],
)
def test_personal_numbers_are_found(text: str, found: list[tuple[str, str]]) -> None:
    assert [(text[s:e], kind) for s, e, kind in find_personal(text)] == found


@pytest.mark.parametrize(
    "text",
    [
        "11010519491231002Y",  # not a check character
        "110105194912310021",  # wrong check digit
        "110105194913310029",  # month 13
        "电话：010-12345678，传真：010-87654321",  # office numbers
        "咨询电话12345，服务热线400-123-4567",
        "12345678901",  # 1 then 2: no mobile prefix
        "1391234567890123",  # a mobile-like start inside a longer run (not Luhn-valid)
        "流水号00004111111111111111",  # a card number's digits at the end of a longer run
        "金额13912345678.50元",  # an amount
        "统一社会信用代码91110000100000000X",  # letters end it, and the check fails
        "国发〔2019〕4号、国令第711号、第一百二十三条",
        "2019年1月24日、20190124、2024—2025年",
        "4111111111111112",  # Luhn-invalid
        "GB/T9704-2012、ISBN9787010123456",
        "/2025/03/30/2025033019541676199.jpg",  # a file name in a path
    ],
)
def test_numbers_that_are_not_personal_are_left_alone(text: str) -> None:
    assert find_personal(text) == []


def test_personal_numbers_are_flagged_in_the_article_and_shown(
    library: Library, tmp_path: Path
) -> None:
    path = tmp_path / "公示.txt"
    path.write_text(
        "关于张某某同志的公示\n\n"
        f"　　张某某，身份证号{ID_CARD}，联系电话13912345678，现任某局科员。\n",
        encoding="utf-8",
    )
    [article_id] = library.ingest([path]).files[0].article_ids
    findings = [
        (f.kind, f.text) for p in library.hygiene(article_id).paragraphs for f in p.findings
    ]
    assert ("personal", ID_CARD) in findings
    assert ("personal", "13912345678") in findings
    out = CliRunner().invoke(cli, ["show", str(article_id), "--db", str(tmp_path / "library.db")])
    out = out.output
    assert f"{ID_CARD}  疑似身份证号（个人信息），请核对是否应删去或遮盖。" in out


def test_redact_personal_masks_them_with_the_same_length(tmp_path: Path) -> None:
    path = tmp_path / "名单.txt"
    text = f"　　李某，身份证号{ID_CARD}，手机13912345678，工资卡{CARDS[0]}。"
    path.write_text("人员名单\n\n" + text + "\n", encoding="utf-8")
    db = str(tmp_path / "lib.db")
    result = CliRunner().invoke(cli, ["import", str(path), "--redact-personal", "--db", db])
    assert "3 personal numbers masked" in result.output
    shown = json.loads(CliRunner().invoke(cli, ["show", "1", "--json", "--db", db]).output)
    stored = shown["paragraphs"][0]["text"]
    expected = text.strip("　").replace(ID_CARD, "＊" * 18).replace("13912345678", "＊" * 11)
    assert stored == expected.replace(CARDS[0], "＊" * 16)
    assert len(stored) == len(text.strip("　"))
    found = CliRunner().invoke(cli, ["search", "13912345678", "--db", db, "--json"]).output
    assert json.loads(found)["total"] == 0
    assert redact_personal("无个人信息。") == ("无个人信息。", 0)


def test_a_draft_with_a_mobile_number_gets_a_finding() -> None:
    assert [f.kind for f in find_issues("请联系13912345678。")] == ["personal"]


def test_an_allowed_classified_file_keeps_its_marking_out_of_the_title(
    library: Library, tmp_path: Path
) -> None:
    """份号 and 密级 head the 版头 (GB/T 9704): they are never part of the title."""
    path = tmp_path / "请示.docx"
    document = docx.Document()
    for text in ("000051", "秘密★2年", "XX市人民政府", "关于申请专项资金的请示", "市政府："):
        document.add_paragraph(text)
    document.add_paragraph("现将有关情况请示如下。")
    document.save(str(path))
    (report,) = library.ingest([path], ImportOptions(allow_classified=True)).files
    assert library.get(report.article_ids[0]).title == "XX市人民政府关于申请专项资金的请示"
    plain = tmp_path / "通知.txt"
    plain.write_text(
        "秘密★1年\n\n关于加强保密工作的通知\n\n各单位：\n现将有关事项通知如下。\n", "utf-8"
    )
    (report,) = library.ingest([plain], ImportOptions(allow_classified=True)).files
    assert library.get(report.article_ids[0]).title == "关于加强保密工作的通知"
