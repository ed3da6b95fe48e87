"""The real-file set of issue 16: its manifest, and the scorer run on the committed files."""

from __future__ import annotations

import copy
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest

from bench.fidelity import (
    FIELDS,
    KINDS,
    count_compat,
    count_pdf_spaces,
    load_manifest,
    locate,
    score_set,
)
from sucai.ingest.parsers.office import find_libreoffice

ROOT = Path(__file__).resolve().parents[2]
ROWS = load_manifest()
COMMITTED = [row for row in ROWS if row["committed"]]
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@pytest.mark.parametrize("row", ROWS, ids=[row["file"] for row in ROWS])
def test_every_file_has_its_provenance_and_a_gold_record(row: dict[str, Any]) -> None:
    source = row["source"]
    if "generator" in source:
        # Made from committed government text by the script, and committed.
        assert row["committed"] and (ROOT / source["generator"]).is_file()
        assert source["text"] and source["licence"]
    else:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+", source["repo"])
        assert source["path"] and source["licence"]
        assert re.fullmatch(r"[0-9a-f]{40}", source["commit"])
    assert re.fullmatch(r"[0-9a-f]{64}", source["sha256"])
    gold = row["gold"]
    assert gold["articles"] and gold["fragments"]
    for article in gold["articles"]:
        assert article["kind"] in KINDS
        assert article["issued_on"] is None or _DATE.fullmatch(article["issued_on"])
        assert set(article.get("fields", {})) <= set(FIELDS)


@pytest.mark.parametrize("row", COMMITTED, ids=[row["file"] for row in COMMITTED])
def test_a_committed_file_is_the_one_the_manifest_names(row: dict[str, Any]) -> None:
    path = locate(row, None)
    assert path is not None and path.is_file()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == row["source"]["sha256"]


def test_every_committed_file_is_imported_and_its_fragments_are_found(tmp_path: Path) -> None:
    results, absent = score_set(COMMITTED, None, tmp_path / "library.db")
    assert not absent
    assert [r.file for r in results] == [row["file"] for row in COMMITTED]
    office = find_libreoffice() is not None
    for result in results:
        if not office and result.file.endswith((".doc", ".wps")):
            assert result.message.split(": ", 1)[1].startswith("sucai reads"), result.message
            continue
        assert result.status == "imported", (result.file, result.message)
        assert result.score.fragments[0] == result.score.fragments[1] > 0, result.misses
        # Issue 16: no table cell in an outline, no Kangxi radical, no space in CJK from a PDF.
        assert result.score.cells == 0, result.misses
        assert result.score.compat == 0
        assert (result.score.cjk_spaces, result.score.cjk_alnum_spaces) == (0, 0)


def test_the_scorer_counts_a_wrong_title_a_surviving_string_and_an_unknown_fragment(
    tmp_path: Path,
) -> None:
    row = copy.deepcopy(COMMITTED[0])
    path = locate(row, None)
    assert path is not None
    text = path.read_text(encoding="utf-8")
    kept = row["gold"]["fragments"][0]
    assert kept in text
    row["gold"]["articles"][0]["title"] += "（修订）"
    row["gold"]["forbidden"] = [kept]
    row["gold"]["fragments"] = [kept, "这一句不在文件里出现过"]
    [result], _ = score_set([row], None, tmp_path / "library.db")
    assert result.score.titles == [0, 1]
    assert result.score.forbidden == 1
    assert result.score.fragments == [1, 2]
    assert any("这一句不在文件里出现过" in miss for miss in result.misses)


def test_a_cached_file_with_other_bytes_is_not_scored(tmp_path: Path) -> None:
    row = next(row for row in ROWS if not row["committed"])
    (tmp_path / row["file"]).write_bytes(b"not the file the manifest names")
    assert locate(row, tmp_path) is None
    assert locate(row, None) is None


def test_kangxi_radicals_and_compatibility_ideographs_are_counted() -> None:
    assert count_compat(["统⼀⽐对", "⼯作中的比对：金（\uf90a）", "统一比对"]) == 4


def test_spaces_inside_cjk_text_and_next_to_digits_are_counted() -> None:
    texts = ["电 子 邮 箱", "国令第 711 号", "2023 年，全区 Web 平台", "One line, 一段话。"]
    assert count_pdf_spaces(texts) == (3, 5)
