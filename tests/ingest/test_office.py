"""Legacy Word .doc and WPS .wps files, imported through LibreOffice (issue 16).

The files are the committed generated ones of the real-file set (LibreOffice wrote them from
committed government text). Needs Debian's ``libreoffice-writer`` (``make office`` installs
it); the tests that convert are skipped with the reason otherwise.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sucai.errors import IngestError
from sucai.ingest.parsers import parse
from sucai.ingest.parsers.office import find_libreoffice
from sucai.models import SourceFile, table_rows

if TYPE_CHECKING:
    from sucai import Library

FILES = Path(__file__).resolve().parents[1] / "data" / "realfiles" / "files"
NOTICE_DOC = FILES / "关于加强本市优秀历史建筑管理的通知.doc"
REPORT_WPS = FILES / "2025年政府工作报告（节选）.wps"
NIANBAO_DOC = FILES / "2019年政府信息公开工作年度报告.doc"

needs_office = pytest.mark.skipif(
    find_libreoffice() is None,
    reason="libreoffice is not installed (make office installs libreoffice-writer)",
)


def source(path: Path, name: str | None = None) -> SourceFile:
    data = path.read_bytes()
    name = name or path.name
    return SourceFile(name, data, hashlib.sha256(data).hexdigest(), Path(name).suffix.lower())


@needs_office
def test_a_doc_is_read_with_its_text_boxes_and_says_it_was_converted() -> None:
    parsed = parse(source(NOTICE_DOC))
    texts = [b.text for b in parsed.blocks if b.text]
    assert texts[:3] == [
        "上海市房屋管理局",
        "沪房规范〔2025〕7号",
        "关于加强本市优秀历史建筑管理的通知",
    ]
    assert texts[-2:] == ["上海市房屋管理局", "2025年12月22日"]
    assert parsed.notes[0] == (
        "a Word 97–2003 .doc file, read through LibreOffice (converted to .docx)."
    )


@needs_office
def test_a_doc_keeps_its_tables() -> None:
    parsed = parse(source(NIANBAO_DOC))
    tables = [table_rows(b.text) for b in parsed.blocks if b.kind == "table"]
    assert len(tables) == 3
    assert ("规章", "13", "13", "", "524") in tables[0]


@needs_office
def test_a_wps_file_is_imported_like_a_doc(library: Library) -> None:
    report = library.ingest([REPORT_WPS])
    [imported] = report.files
    assert imported.status == "imported", imported.message
    assert imported.notes[0].startswith("a WPS .wps file, read through LibreOffice")
    article = library.get(imported.article_ids[0])
    assert article.paragraphs[0].text == "各位代表："


def test_without_libreoffice_a_doc_fails_naming_the_package(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice on this PATH
    assert find_libreoffice() is None
    report = library.ingest([NOTICE_DOC, REPORT_WPS])
    for failed in report.files:
        assert failed.status == "failed"
        assert failed.code == "needs-libreoffice"
        assert "apt install libreoffice-writer" in failed.message
    assert report.files[0].message.startswith(
        f"{NOTICE_DOC}: sucai reads Word 97–2003 .doc files through LibreOffice, which is not "
        "installed."
    )


def test_a_docx_saved_under_a_doc_name_is_read_without_libreoffice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    docx_file = FILES / "关于加强本市优秀历史建筑管理的通知（文本框）.docx"
    parsed = parse(source(docx_file, "通知.doc"))
    assert "关于加强本市优秀历史建筑管理的通知" in [b.text for b in parsed.blocks]


@needs_office
def test_a_file_libreoffice_cannot_convert_fails_in_our_words(tmp_path: Path) -> None:
    broken = tmp_path / "broken.doc"
    # An OLE compound file header with nothing behind it.
    broken.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)
    with pytest.raises(IngestError) as info:
        parse(source(broken))
    assert info.value.code == "damaged"
    assert info.value.message.startswith(
        "broken.doc: LibreOffice could not convert this Word 97–2003 .doc file ("
    )
