"""``sucai check``: JSON, HTML and .docx reports, and clear errors."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import docx
from click.testing import CliRunner

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


def test_check_of_new_text_says_nothing_was_found(reports_library: Library, tmp_path: Path) -> None:
    draft = tmp_path / "新.txt"
    draft.write_text(
        "今天的风很大，树叶在院子里打着旋儿，谁也说不清它们最后会落到哪里去。", "utf-8"
    )
    result = CliRunner().invoke(cli, ["check", str(draft), "--db", library_db(reports_library)])
    assert result.exit_code == 0
    assert "总文字复制比 0.0%" in result.output
    assert "没有找到相似的库内材料（0%）。" in result.output
