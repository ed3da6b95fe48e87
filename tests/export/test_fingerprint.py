"""Export fingerprints (issue 15): the code, where files carry it, and reading it back.

The expected frames are built here from the format's definition (40 code bits, an 8-bit
BLAKE2b checksum of the code's five bytes, two bits a symbol, most significant first, then a
closing U+200B), not from the encoder.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from typing import TYPE_CHECKING

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from sucai import open_library
from sucai.cli import cli
from sucai.errors import UserError
from sucai.export import Stamp, article_document, read_codes, render
from sucai.export.fingerprint import ALPHABET, SPACING, embed, encode, find_codes, strip
from tests.conftest import SEED

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
STAMP = Stamp("会员甲", "2026-12-06", "7K3QX2MA")
ZERO_WIDTH = re.compile(f"[{ALPHABET}]")


def _frame(code: str) -> str:
    """The zero-width frame of ``code``, from the format's definition."""
    value = 0
    for char in code:
        value = value * 32 + CROCKFORD.index(char)
    check = hashlib.blake2b(value.to_bytes(5, "big"), digest_size=1).digest()[0]
    bits = format(value, "040b") + format(check, "08b")
    return "".join(ALPHABET[int(bits[i : i + 2], 2)] for i in range(0, 48, 2)) + "\u200b"


def _paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def _longest_paragraph(library: Library, article_id: int) -> str:
    return max((p.text for p in library.get(article_id).paragraphs), key=len)


@pytest.mark.parametrize("code", ["00000000", "7K3QX2MA", "ZZZZZZZZ", "0000000Z"])
def test_a_code_is_written_as_its_frame_and_read_back(code: str) -> None:
    assert encode(code) == _frame(code)
    assert len(encode(code)) == 25
    assert find_codes(f"前文{_frame(code)}后文") == {code: 1}


def test_a_damaged_frame_names_no_code() -> None:
    frame = _frame("7K3QX2MA")
    # A copy that starts or ends inside the frame, or one symbol changed.
    changed = frame[:5] + ALPHABET[(ALPHABET.index(frame[5]) + 1) % 4] + frame[6:]
    for damaged in (frame[1:], frame[:20], changed):
        assert find_codes(f"前文{damaged}后文") == {}


def test_a_frame_beside_zero_width_characters_of_the_text_is_still_read() -> None:
    text = "前\u200b\u200d" + _frame("ABCDEFGH") + "\u2060后"
    assert find_codes(text) == {"ABCDEFGH": 1}


def test_text_gets_the_code_at_its_start_and_between_ideographs_every_120_characters() -> None:
    text = "（一）" + "营商环境持续优化，" * 80
    marked = embed(text, "7K3QX2MA")
    assert strip(marked) == text
    assert marked.startswith(_frame("7K3QX2MA") + "（一）")
    pieces = marked.split(_frame("7K3QX2MA"))
    assert pieces[0] == ""
    # Each later code stands between two ideographs, at least SPACING characters on.
    assert all(len(p) >= SPACING for p in pieces[1:-1])
    assert all("\u4e00" <= p[-1] <= "\u9fff" for p in pieces[1:-1])
    assert all("\u4e00" <= p[0] <= "\u9fff" for p in pieces[2:])
    assert len(pieces) - 1 == 1 + (len(text) - 1) // SPACING
    # Any stretch of 2 × SPACING characters (and the code's) out of the middle carries it.
    for start in range(30, len(marked) - 2 * SPACING - 50, 17):
        assert find_codes(marked[start : start + 2 * SPACING + 50]), start


def test_a_txt_and_an_md_export_carry_the_code_in_every_paragraph_and_end_with_the_line(
    seed_library: Library,
) -> None:
    doc = article_document(seed_library.get(1))
    for fmt in ("txt", "md"):
        plain = render(doc, fmt).decode()
        marked = render(doc, fmt, stamp=STAMP).decode()
        assert not ZERO_WIDTH.search(plain)
        # Without the code and the footer, the text is the unmarked export's.
        text, _, line = strip(marked).rstrip("\n").rpartition("\n")
        assert line == "仅供 会员甲 使用 · 2026-12-06"
        assert text.rstrip("\n-—") == plain.rstrip("\n")
        # Every line with words carries the code (the Markdown's 校对提示 list is sucai's own).
        material = marked.split("**校对提示**")[0]
        worded = [x for x in material.splitlines() if strip(x).strip("　 #>*-—")]
        assert len(worded) >= len(doc.pieces) > 5
        for x in worded:
            assert "7K3QX2MA" in find_codes(x), x


def test_a_hidden_line_leaves_the_code_in(seed_library: Library) -> None:
    doc = article_document(seed_library.get(1))
    hidden = Stamp("会员甲", "2026-12-06", "7K3QX2MA", visible=False)
    for fmt in ("txt", "md"):
        text = render(doc, fmt, stamp=hidden).decode()
        assert "仅供" not in text
        assert strip(text) == render(doc, fmt).decode()
        assert find_codes(text)["7K3QX2MA"] > 10


def test_a_docx_export_carries_the_code_in_each_paragraph_its_properties_and_footer(
    seed_library: Library,
) -> None:
    _name, plain = seed_library.export(1, "docx")
    _name, data = seed_library.export(1, "docx", stamp=STAMP)
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    assert [strip(t) for t in texts] == _paragraphs(plain)
    for text in texts:
        assert text == "" or text.startswith(_frame("7K3QX2MA")), text[:40]
    # Each code is a run of its own, without the body's condensed spacing.
    body = next(p for p in document.paragraphs if p.style.style_id == "GWBody" and p.text)
    code_run = body.runs[0]._r
    assert code_run.text == _frame("7K3QX2MA")
    rpr = code_run.find(qn("w:rPr"))
    assert rpr.find(qn("w:spacing")) is None
    assert rpr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
    assert body.runs[1]._r.find(qn("w:rPr")).find(qn("w:spacing")) is not None
    # Properties.
    assert document.core_properties.identifier == "sucai:7K3QX2MA"
    assert "7K3QX2MA" in document.core_properties.comments
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        custom = archive.read("docProps/custom.xml").decode()
        types = archive.read("[Content_Types].xml").decode()
    assert 'name="sucai-export-code"><vt:lpwstr>7K3QX2MA</vt:lpwstr>' in custom
    assert "custom-properties+xml" in types
    # The footer of odd and even pages: the page number, then the line.
    section = document.sections[0]
    for footer in (section.footer, section.even_page_footer):
        lines = [p.text for p in footer.paragraphs]
        assert len(lines) == 2
        assert strip(lines[0]) == "— 1 —"
        assert lines[1] == _frame("7K3QX2MA") + "仅供 会员甲 使用 · 2026-12-06"
        alignment = footer.paragraphs[1]._p.find(qn("w:pPr")).find(qn("w:jc"))
        assert alignment.get(qn("w:val")) == "center"
    # The footer moves down by the line (10 pt): the page number keeps its place.
    plain_section = docx.Document(io.BytesIO(plain)).sections[0]
    assert plain_section.footer_distance - section.footer_distance == 10 * 12700


def test_a_docx_with_the_line_off_has_a_plain_footer_and_the_code(
    seed_library: Library, tmp_path: Path
) -> None:
    hidden = Stamp("会员甲", "2026-12-06", "7K3QX2MA", visible=False)
    _name, data = seed_library.export(1, "docx", stamp=hidden)
    _name, plain = seed_library.export(1, "docx")
    document = docx.Document(io.BytesIO(data))
    section = document.sections[0]
    assert [strip(p.text) for p in section.footer.paragraphs] == ["— 1 —"]
    assert "仅供" not in "".join(p.text for p in section.even_page_footer.paragraphs)
    assert section.footer_distance == docx.Document(io.BytesIO(plain)).sections[0].footer_distance
    path = tmp_path / "hidden.docx"
    path.write_bytes(data)
    (found,) = read_codes(path)
    assert (found.code, found.in_properties) == ("7K3QX2MA", True)
    assert found.in_text == len([p for p in document.paragraphs if p.text])


def test_an_unmarked_export_has_no_code_anywhere(seed_library: Library, tmp_path: Path) -> None:
    _name, data = seed_library.export(1, "docx")
    document = docx.Document(io.BytesIO(data))
    assert not any(ZERO_WIDTH.search(p.text) for p in document.paragraphs)
    assert document.core_properties.identifier == ""
    assert "docProps/custom.xml" not in zipfile.ZipFile(io.BytesIO(data)).namelist()
    path = tmp_path / "plain.docx"
    path.write_bytes(data)
    assert read_codes(path) == []


def test_a_paragraph_pasted_into_a_new_document_is_traced_to_the_export(tmp_path: Path) -> None:
    if not SEED.is_file():
        pytest.skip(f"{SEED} is not beside the project")
    with open_library(tmp_path / "library.db") as library:
        library.ingest([SEED])
        runner = CliRunner()
        db = ["--db", str(tmp_path / "library.db")]
        out = tmp_path / "给张三.docx"
        result = runner.invoke(cli, ["export", "3", "--for", "张三", "-o", str(out), *db])
        assert result.exit_code == 0, result.output
        (entry,) = library.store.audit_entries(limit=5)
        assert (entry.action, entry.user_name, entry.target, entry.format, entry.ip) == (
            "export",
            "张三",
            "article:3",
            "docx",
            "cli",
        )
        # A writer copies one paragraph into a document of their own, after words of theirs;
        # Word splits it into runs where it likes (here: inside the code).
        paragraph = max(_paragraphs(out.read_bytes()), key=len)
        own = docx.Document()
        own.add_paragraph("我的讲话稿")
        mine = own.add_paragraph("正如讲话所说：")
        mine.add_run(paragraph[:10])
        mine.add_run(paragraph[10:])
        pasted = tmp_path / "讲话稿.docx"
        own.save(str(pasted))
        (traced,) = library.trace(pasted)
        assert (traced.code, traced.in_text, traced.in_properties) == (entry.code, 1, False)
        assert traced.entries == (entry,)
        # The command line names the download; pasted text on standard input too.
        result = runner.invoke(cli, ["trace", str(pasted), *db])
        assert result.exit_code == 0
        assert result.output == (
            f"{entry.code}  found once in the text\n"
            f"    export of article:3 (docx) for 张三 at {entry.at} from cli\n"
        )
        result = runner.invoke(cli, ["trace", "--json", *db], input=paragraph[:200])
        data = result.output
        assert result.exit_code == 0
        assert f'"code": "{entry.code}", "in_text": 1' in data
        assert '"user_name": "张三"' in data


def test_trace_says_when_there_is_no_code_and_refuses_what_it_cannot_read(
    tmp_path: Path, seed_library: Library
) -> None:
    runner = CliRunner()
    db = ["--db", str(seed_library.location)]
    text = tmp_path / "retyped.txt"
    text.write_text(_longest_paragraph(seed_library, 1), encoding="utf-8")
    result = runner.invoke(cli, ["trace", str(text), *db])
    assert result.exit_code == 1
    assert result.output.startswith(f"No export code found in {text}: the text was retyped")
    pdf = tmp_path / "leak.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    result = runner.invoke(cli, ["trace", str(pdf), *db])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {pdf}: sucai trace reads .docx, .txt, .md files; copy the text out of it "
        "and paste it on standard input instead: sucai trace -\n"
    )
    fake = tmp_path / "fake.docx"
    fake.write_text("not a zip", encoding="utf-8")
    with pytest.raises(UserError, match=r"fake.docx: cannot be read as a Word \(.docx\) file"):
        read_codes(fake)
    with pytest.raises(UserError, match=r"missing\.md: no such file"):
        read_codes(tmp_path / "missing.md")


def test_trace_refuses_a_docx_part_that_unpacks_too_large(tmp_path: Path) -> None:
    from sucai.export.reading import MAX_PART_BYTES

    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (MAX_PART_BYTES + 1))
    assert bomb.stat().st_size < 200_000
    with pytest.raises(UserError, match="unpacks to 67,108,865 bytes"):
        read_codes(bomb)


def test_a_marked_export_imported_again_stores_no_code_and_is_found_by_search(
    tmp_path: Path, seed_library: Library
) -> None:
    name, data = seed_library.export(2, "txt", stamp=STAMP)
    assert find_codes(data.decode())
    path = tmp_path / name
    path.write_bytes(data)
    with open_library(tmp_path / "again.db") as library:
        report = library.ingest([path])
        assert report.new_articles == 1
        (article,) = library.articles()
        stored = "".join(p.text for p in article.paragraphs) + article.title
        assert not ZERO_WIDTH.search(stored)
        # A phrase that had a code inside it is found again.
        longest = _longest_paragraph(seed_library, 2)
        marked = embed(longest, "7K3QX2MA")
        inner = marked.index(_frame("7K3QX2MA"), 1)
        phrase = strip(marked[inner - 6 : inner + 25 + 6])
        assert len(phrase) == 12
        assert library.search(f'"{phrase}"').total >= 1


def test_a_marked_paragraph_checked_as_a_draft_counts_as_copied(seed_library: Library) -> None:
    paragraph = _longest_paragraph(seed_library, 2)
    plain = seed_library.check([paragraph])
    marked = seed_library.check([embed(paragraph, "7K3QX2MA")])
    assert plain.ratio > 0.9
    assert marked.ratio == plain.ratio
