"""A Word export laid out by LibreOffice: pages and 22 lines a page (issue 5).

Needs Debian's ``libreoffice-writer`` and ``fonts-noto-cjk`` (``make office`` installs them
when run as root with apt); skipped with the reason otherwise.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        LIBREOFFICE is None,
        reason="libreoffice is not installed (make office installs libreoffice-writer)",
    ),
]


def _pdf(docx_path: Path, out: Path) -> Path:
    assert LIBREOFFICE is not None
    subprocess.run(
        [LIBREOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(out), str(docx_path)],
        check=True,
        capture_output=True,
        timeout=180,
        env={"HOME": str(out), "PATH": "/usr/bin:/bin"},
    )
    return out / (docx_path.stem + ".pdf")


def _lines(page: object) -> list[str]:
    text = page.extract_text()  # type: ignore[attr-defined]
    return [line.replace(" ", "") for line in text.splitlines() if line.strip()]


def test_libreoffice_lays_the_export_out_in_22_lines_of_28_characters(
    seed_library: Library, tmp_path: Path
) -> None:
    article = seed_library.get(5)
    _name, data = seed_library.export(article.id, "docx")
    source = tmp_path / "article.docx"
    source.write_bytes(data)
    reader = PdfReader(_pdf(source, tmp_path))
    pages = reader.pages
    # A4 portrait.
    box = pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    # Expected pages: each paragraph takes ceil((2 + chars) / 28) lines, plus title block.
    lines = 4 + sum(math.ceil((len(p.text) + 2) / 28) for p in article.paragraphs)
    assert abs(len(pages) - math.ceil(lines / 22)) <= 1
    for number, page in enumerate(pages, 1):
        found = _lines(page)
        assert found[-1] == f"—{number}—"  # the page number, below the type area
        body = found[:-1]
        if 1 < number < len(pages):
            assert abs(len(body) - 22) <= 1, (number, len(body))
            full = [len(line) for line in body if len(line) >= 20]
            # Punctuation at a line end may be squeezed in or pushed down: 28 ± 2.
            assert sum(full) / len(full) == pytest.approx(28, abs=1.0)
    text = "".join("".join(_lines(p)) for p in pages)
    assert "D" not in text
    assert "党的二十大" in text
