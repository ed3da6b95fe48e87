"""Word files laid out by LibreOffice and read back from the PDF with poppler's ``pdftotext
-bbox-layout`` (issues 15, 21): each page's lines with their position, in points from the
top-left corner of the page.

Needs ``libreoffice-writer``, ``poppler-utils`` and ``fonts-noto-cjk`` (``make office``);
:data:`NEEDS_OFFICE` skips a test module with the reason otherwise.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from html import unescape
from typing import TYPE_CHECKING

import pytest

from sucai.export.fingerprint import strip

if TYPE_CHECKING:
    from pathlib import Path

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
PDFTOTEXT = shutil.which("pdftotext")
NEEDS_OFFICE = [
    pytest.mark.slow,
    pytest.mark.skipif(
        LIBREOFFICE is None or PDFTOTEXT is None,
        reason="libreoffice or pdftotext is not installed (make office installs them)",
    ),
]

_PAGE = re.compile(r"<page [^>]*>(.*?)</page>", re.S)
_LINE = re.compile(
    r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S
)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>([^<]*)</word>')


@dataclass(frozen=True, slots=True)
class Line:
    """A line of text on a page: its box and its text (the zero-width code removed);
    ``words`` are poppler's words, ``(x_min, x_max, text)``."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    words: tuple[tuple[float, float, str], ...]

    @property
    def compact(self) -> str:
        """The text without spaces (poppler puts spaces between words it sees apart)."""
        return re.sub(r"\s+", "", self.text)


def pdfs(docs: dict[str, bytes], folder: Path) -> dict[str, Path]:
    """Each ``name: .docx bytes`` written to ``folder`` and converted to PDF in one run."""
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


def pages(pdf: Path) -> list[list[Line]]:
    """Each page's lines, top to bottom as poppler reads them."""
    assert PDFTOTEXT is not None
    out = subprocess.run(
        [PDFTOTEXT, "-bbox-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout.decode()
    return [
        [
            Line(
                float(x0),
                float(y0),
                float(x1),
                float(y1),
                strip(unescape(" ".join(w[2] for w in words))),
                tuple((float(a), float(b), strip(unescape(t))) for a, b, t in words),
            )
            for x0, y0, x1, y1, body in _LINE.findall(page)
            for words in [_WORD.findall(body)]
        ]
        for page in _PAGE.findall(out)
    ]


def render(docs: dict[str, bytes], folder: Path) -> dict[str, list[list[Line]]]:
    """Each ``name: .docx bytes`` laid out by LibreOffice, as its pages' lines."""
    return {name: pages(pdf) for name, pdf in pdfs(docs, folder).items()}
