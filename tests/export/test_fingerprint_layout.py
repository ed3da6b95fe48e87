"""A marked .docx export lays out exactly as the unmarked one (issue 15), in LibreOffice.

Both are converted to PDF and read back with poppler's ``pdftotext -bbox-layout``: every line
of text (the zero-width code removed) must be the same, at the same place, on the same page;
the marked one only adds the footer line under each page number. Needs ``libreoffice-writer``,
``poppler-utils`` and ``fonts-noto-cjk`` (``make office``); skipped with the reason otherwise.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from html import unescape
from typing import TYPE_CHECKING

import pytest

from sucai.export import Stamp
from sucai.export.fingerprint import strip

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")
#: pdftotext rounds glyph boxes; the same layout reads the same within this (points).
TOLERANCE = 0.5
LINE = "仅供 会员甲 使用 · 2026-12-06"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        LIBREOFFICE is None or PDFTOTEXT is None,
        reason="libreoffice or pdftotext is not installed (make office installs them)",
    ),
]

_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
_LINE = re.compile(
    r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</line>', re.S
)
_WORD = re.compile(r"<word [^>]*>([^<]*)</word>")


def _pdfs(docs: dict[str, bytes], folder: Path) -> dict[str, Path]:
    assert LIBREOFFICE is not None
    for name, data in docs.items():
        (folder / f"{name}.docx").write_bytes(data)
    subprocess.run(
        [LIBREOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(folder)]
        + [str(folder / f"{name}.docx") for name in docs],
        check=True,
        capture_output=True,
        timeout=300,
        env={"HOME": str(folder), "PATH": "/usr/bin:/bin"},
    )
    return {name: folder / f"{name}.pdf" for name in docs}


def _pages(pdf: Path) -> list[list[tuple[float, float, float, str]]]:
    """Each page's lines: ``(x_min, y_min, x_max, text)``, the zero-width code removed."""
    assert PDFTOTEXT is not None
    out = subprocess.run(
        [PDFTOTEXT, "-bbox-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode()
    return [
        [
            (float(x0), float(y0), float(x1), strip(unescape("".join(_WORD.findall(words)))))
            for x0, y0, x1, words in _LINE.findall(page)
        ]
        for page in _PAGE.findall(out)
    ]


@pytest.mark.parametrize("template", ["gbt9704", "word-grid"])
def test_a_marked_export_lays_out_line_for_line_like_the_unmarked_one(
    seed_library: Library, tmp_path: Path, template: str
) -> None:
    stamp = Stamp("会员甲", "2026-12-06", "7K3QX2MA")
    _name, plain = seed_library.export(5, "docx", template)
    _name, marked = seed_library.export(5, "docx", template, stamp=stamp)
    pdfs = _pdfs({"plain": plain, "marked": marked}, tmp_path)
    before, after = _pages(pdfs["plain"]), _pages(pdfs["marked"])
    assert len(after) == len(before) > 2
    for number, (old, new) in enumerate(zip(before, after, strict=True), 1):
        footer = [line for line in new if line[3].replace(" ", "") == LINE.replace(" ", "")]
        assert len(footer) == 1, (number, new[-3:])
        body = [line for line in new if line not in footer]
        assert [line[3] for line in body] == [line[3] for line in old], number
        for a, b in zip(old, body, strict=True):
            assert all(abs(p - q) <= TOLERANCE for p, q in zip(a[:3], b[:3], strict=True)), (
                number,
                a,
                b,
            )
        # The line sits under the page number, centred on the type area.
        page_number = max(old, key=lambda line: line[1])
        assert page_number[3].replace(" ", "") == f"—{number}—"
        assert footer[0][1] > page_number[1]
        assert abs((footer[0][0] + footer[0][2]) / 2 - 297.6) < 20
