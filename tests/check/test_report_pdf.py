"""The 查重 report as PDF, rendered by the real LibreOffice: copied text in red (issue 18)."""

from __future__ import annotations

import shutil
import subprocess
from typing import TYPE_CHECKING

import pytest

from sucai.check.render import report_pdf
from tests.check.conftest import NEW_TEXT, build_draft

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        (shutil.which("libreoffice") or shutil.which("soffice")) is None
        or PDFTOTEXT is None
        or PDFTOPPM is None,
        reason="libreoffice or poppler is not installed (make office installs them)",
    ),
]


def _red_pixels(pdf: Path) -> int:
    """Pixels of the first page (36 dpi) that are clearly red."""
    assert PDFTOPPM is not None
    ppm = subprocess.run(
        [PDFTOPPM, "-r", "36", "-f", "1", "-l", "1", str(pdf)],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    # Binary PPM: "P6\n<w> <h>\n255\n" then RGB triples.
    magic, _size, _depth, pixels = ppm.split(b"\n", 3)
    assert magic == b"P6"
    return sum(
        1
        for k in range(0, len(pixels) - 2, 3)
        if pixels[k] > 150 and pixels[k + 1] < 90 and pixels[k + 2] < 90
    )


def test_the_pdf_report_has_the_figures_the_rules_and_copied_text_in_red(
    sqlite_reports: Library, tmp_path: Path
) -> None:
    pieces = build_draft(sqlite_reports)
    copied = sqlite_reports.check([p.text for p in pieces[:3]], exclude=[])
    fresh = sqlite_reports.check(list(NEW_TEXT), exclude=[])
    assert copied.ratio > 0.5 and fresh.ratio == 0.0
    for name, report in (("copied", copied), ("fresh", fresh)):
        (tmp_path / f"{name}.pdf").write_bytes(report_pdf(report))
    assert PDFTOTEXT is not None
    text = subprocess.run(
        [PDFTOTEXT, str(tmp_path / "copied.pdf"), "-"], check=True, capture_output=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert "总文字复制比" in flat and "检测说明" in flat
    assert "".join(pieces[1].text.split())[:20] in flat
    # Copied text is red; a report of new text has no red at all.
    assert _red_pixels(tmp_path / "copied.pdf") > 200
    assert _red_pixels(tmp_path / "fresh.pdf") == 0
