"""A marked .docx export lays out exactly as the unmarked one (issue 15), in LibreOffice.

Both are converted to PDF and read back with poppler (:mod:`tests.export.rendered`): every line
of text (the zero-width code removed) must be the same, at the same place, on the same page;
the marked one only adds the footer line under each page number. Needs ``libreoffice-writer``,
``poppler-utils`` and ``fonts-noto-cjk`` (``make office``); skipped with the reason otherwise.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sucai.export import Stamp
from tests.export.rendered import NEEDS_OFFICE, render

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

#: pdftotext rounds glyph boxes; the same layout reads the same within this (points).
TOLERANCE = 0.5
LINE = "仅供 会员甲 使用 · 2026-12-06"

pytestmark = NEEDS_OFFICE


@pytest.mark.parametrize("template", ["gbt9704", "word-grid"])
def test_a_marked_export_lays_out_line_for_line_like_the_unmarked_one(
    seed_library: Library, tmp_path: Path, template: str
) -> None:
    stamp = Stamp("会员甲", "2026-12-06", "7K3QX2MA")
    _name, plain = seed_library.export(5, "docx", template)
    _name, marked = seed_library.export(5, "docx", template, stamp=stamp)
    pages = render({"plain": plain, "marked": marked}, tmp_path)
    before = [[(li.x0, li.y0, li.x1, li.compact) for li in page] for page in pages["plain"]]
    after = [[(li.x0, li.y0, li.x1, li.compact) for li in page] for page in pages["marked"]]
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
