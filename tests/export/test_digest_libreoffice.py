"""The daily digest (issue 19) laid out by LibreOffice: the export's A4 公文 page, every
article's title and its role and source line, and no paid text in a visitor's digest."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from sucai.web.access import redact_article
from tests.export.test_libreoffice import LIBREOFFICE, _lines, _pdf

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(LIBREOFFICE is None, reason="libreoffice is not installed"),
]


def test_libreoffice_lays_the_digest_out_as_an_export(
    seed_library: Library, tmp_path: Path
) -> None:
    visitor = seed_library.accounts.visitor()
    _name, data = seed_library.digest(
        seed_library.today(), paid=False, view=lambda a: redact_article(a, visitor)
    )
    source = tmp_path / "digest.docx"
    source.write_bytes(data)
    pages = PdfReader(_pdf(source, tmp_path)).pages
    box = pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = "".join("".join(_lines(p)) for p in pages)
    articles = list(seed_library.articles())
    assert text.startswith("今日更新（")
    assert f"一、{articles[0].genre}（{len(articles)}篇）" in text
    for article in articles:
        assert article.title.replace(" ", "") in text
        assert (article.role or "") in text
    for article in articles:
        for paragraph in article.paragraphs:
            if paragraph.paid and len(paragraph.text) > 12:
                assert paragraph.text[:12] not in text
    assert "会员内容" in text
    assert [_lines(p)[-1] for p in pages] == [f"—{n}—" for n in range(1, len(pages) + 1)]
