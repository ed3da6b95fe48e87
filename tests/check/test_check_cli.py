"""``sucai check``: JSON, HTML and .docx reports, and clear errors."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import docx
from click.testing import CliRunner

from sucai.check import counted
from sucai.cli import cli
from tests.check.conftest import build_draft, library_db, write_draft

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library


def test_check_json_prints_the_whole_report(reports_library: Library, tmp_path: Path) -> None:
    pieces = build_draft(reports_library)
    draft = write_draft(tmp_path / "草稿.txt", pieces)
    result = CliRunner().invoke(
        cli, ["check", str(draft), "--json", "--db", library_db(reports_library)]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    expected = reports_library.check(draft)
    assert data["ok"] is True
    assert data["name"] == "草稿.txt"
    assert data["ratio"] == round(expected.ratio, 4)
    assert data["chars"] == expected.chars and data["copied"] == expected.copied
    assert [s["article_id"] for s in data["sources"]] == [s.article_id for s in expected.sources]
    first = data["paragraphs"][1]
    assert first["text"] == pieces[1].text
    assert set(first["spans"][0]) >= {
        "start",
        "end",
        "article_id",
        "paragraph_index",
        "source_start",
        "source_end",
        "chars",
        "source_text",
        "paid",
    }


def test_check_writes_html_and_docx_reports(reports_library: Library, tmp_path: Path) -> None:
    draft = write_draft(tmp_path / "草稿.txt", build_draft(reports_library))
    html, word = tmp_path / "报告.html", tmp_path / "报告.docx"
    result = CliRunner().invoke(
        cli,
        [
            "check",
            str(draft),
            "--html",
            str(html),
            "--docx",
            str(word),
            "--db",
            library_db(reports_library),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "总文字复制比" in result.output and f"Wrote {html}" in result.output
    page = html.read_text(encoding="utf-8")
    assert page.startswith("<!doctype html>") and "<style>" in page and "ck-high" in page
    assert '<mark class="ck-copy"' in page
    document = docx.Document(str(word))
    shaded = [
        run.text
        for p in document.paragraphs
        for run in p.runs
        if run._r.rPr is not None and run._r.rPr.find(docx.oxml.ns.qn("w:shd")) is not None
    ]
    assert sum(len(t) for t in shaded) > 200
    # Both reports state how they count (检测说明), with the span they were made with.
    assert "检测说明" in page and "全长 13 字以上" in page and "“链主”" in page
    texts = [p.text for p in document.paragraphs]
    assert "检测说明" in texts and any("全长 13 字以上" in t for t in texts)


def test_check_of_a_missing_or_unsupported_file_fails_clearly(
    reports_library: Library, tmp_path: Path
) -> None:
    runner = CliRunner()
    result = runner.invoke(
        cli, ["check", str(tmp_path / "无.txt"), "--db", library_db(reports_library)]
    )
    assert result.exit_code == 1
    assert f"Error: {tmp_path / '无.txt'}: no such file." in result.output
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    result = runner.invoke(
        cli, ["check", str(tmp_path / "x.pdf"), "--db", library_db(reports_library)]
    )
    assert result.exit_code == 1
    assert "a draft to check must be one of .docx, .markdown, .md, .text, .txt" in result.output


def test_check_refuses_a_folder_as_a_draft_or_a_report(
    reports_library: Library, tmp_path: Path
) -> None:
    draft = write_draft(tmp_path / "草稿.txt", build_draft(reports_library))
    for args in (
        [str(tmp_path)],
        [str(draft), "--exclude", str(tmp_path)],
        [str(draft), "--html", str(tmp_path)],
        [str(draft), "--docx", str(tmp_path)],
        [str(draft), "--pdf", str(tmp_path)],
    ):
        result = CliRunner().invoke(cli, ["check", *args, "--db", library_db(reports_library)])
        assert result.exit_code == 2, args
        assert f"'{tmp_path}' is a directory." in result.output, args


def test_check_of_new_text_says_nothing_was_found(reports_library: Library, tmp_path: Path) -> None:
    draft = tmp_path / "新.txt"
    draft.write_text(
        "今天的风很大，树叶在院子里打着旋儿，谁也说不清它们最后会落到哪里去。", "utf-8"
    )
    result = CliRunner().invoke(cli, ["check", str(draft), "--db", library_db(reports_library)])
    assert result.exit_code == 0
    assert "总文字复制比 0.0%" in result.output
    assert "没有找到相似的库内材料（0%）。" in result.output


def test_check_cross_prints_each_report_and_the_matrix(
    reports_library: Library, tmp_path: Path
) -> None:
    own = "各乡镇要在本月底前完成春耕备耕物资储备情况摸底，逐村建立台账，做到底数清、情况明。"
    other = "县农业农村局牵头组织技术骨干下沉一线，围绕育秧、施肥和病虫害防治开展现场指导。"
    first, second = tmp_path / "甲.txt", tmp_path / "乙.txt"
    first.write_text(own, encoding="utf-8")
    # 乙 is 甲's paragraph and as much again of its own: half of 乙 is in 甲, all of 甲 in 乙.
    second.write_text(own + "\n" + other, encoding="utf-8")
    db = library_db(reports_library)
    result = CliRunner().invoke(cli, ["check", str(first), str(second), "--cross", "--db", db])
    assert result.exit_code == 0, result.output
    assert result.output.count("总文字复制比") == 2
    matrix = [line.split() for line in result.output.split("横向查重")[1].splitlines()]
    assert ["1", "甲.txt"] in matrix and ["2", "乙.txt"] in matrix
    shares = [row[1:] for row in matrix if len(row) == 3 and row[0] in ("1", "2")]
    half = counted(own) / (counted(own) + counted(other))
    assert shares == [["—", "100.0%"], [f"{half:.1%}", "—"]]

    as_json = CliRunner().invoke(
        cli, ["check", str(first), str(second), "--cross", "--json", "--db", db]
    )
    data = json.loads(as_json.output)
    assert data["names"] == ["甲.txt", "乙.txt"]
    assert [r["name"] for r in data["reports"]] == ["甲.txt", "乙.txt"]
    assert data["matrix"][0] == [0.0, 1.0]


def test_check_refuses_cross_with_one_draft_and_reports_for_several(
    reports_library: Library, tmp_path: Path
) -> None:
    draft = write_draft(tmp_path / "草稿.txt", build_draft(reports_library))
    db = library_db(reports_library)
    alone = CliRunner().invoke(cli, ["check", str(draft), "--cross", "--db", db])
    assert alone.exit_code == 2
    assert "--cross compares drafts with each other: give two or more." in alone.output
    two = CliRunner().invoke(
        cli, ["check", str(draft), str(draft), "--pdf", str(tmp_path / "r.pdf"), "--db", db]
    )
    assert two.exit_code == 2
    assert "--pdf writes the report of one draft" in two.output
    assert not (tmp_path / "r.pdf").exists()
