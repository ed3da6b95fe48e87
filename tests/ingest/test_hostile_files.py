"""Hostile files one by one (issue 22): each is imported or fails alone, in our own words.

Each test reproduces a finding of the issue — a traceback, a hang, memory that grows until it
runs out, mojibake stored as text — and states what must happen instead.
"""

from __future__ import annotations

import io
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import tracemalloc
from typing import TYPE_CHECKING, TypeVar

import pytest
from click.testing import CliRunner

from sucai import ImportOptions
from sucai.check import draft_error_message, draft_from_bytes
from sucai.cli import cli
from sucai.errors import IngestError, LimitExceededError, UserError
from sucai.ingest import parsers
from sucai.ingest.archive import open_archive
from sucai.ingest.limits import (
    MAX_ARCHIVE_MEMBERS,
    MAX_COMBINING_RUN,
    MAX_FILE_BYTES,
    MAX_HEADINGS,
    MAX_LINE_CHARS,
    MAX_LINES,
    MAX_PAID_MARKERS,
    MAX_PART_BYTES,
    MAX_TEXT_CHARS,
)
from sucai.ingest.normalize import normalize
from sucai.ingest.parsers import parse
from sucai.ingest.sources import Candidate, load_file
from sucai.models import SourceFile
from tests.ingest.hostile import (
    _many_members,
    _patch,
    _pdf,
    _stream,
    document_xml,
    minimal_docx,
    package,
    paragraphs_xml,
    understated,
)

T = TypeVar("T")

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from sucai import Library
    from sucai.models import FileReport, ParsedText

NOTICE = "关于做好防汛工作的通知\n各区人民政府：\n请切实做好今年的防汛准备工作，确保安全度汛。\n"
BODY = "<p>请切实做好今年的防汛准备工作，确保安全度汛，保障人民群众生命财产安全。</p>"


def one(library: Library, path: Path) -> FileReport:
    report = library.ingest([path])
    assert len(report.files) == 1, report.files
    return report.files[0]


def source(name: str, data: bytes) -> SourceFile:
    return SourceFile(name, data, "0" * 64, "." + name.rsplit(".", 1)[-1])


def finishes(work: Callable[[], T], seconds: float = 60) -> T:
    """Run ``work`` in a thread that may not block forever (a pipe opened for reading would);
    its result, or the exception it raised."""
    result: list[T] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            result.append(work())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked"
    if errors:
        raise errors[0]
    return result[0]


# --- encodings --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "charset", ["rot13", "hex", "zlib", "uu", "base64", "quopri", "bz2", "undefined"]
)
def test_page_declaring_a_codec_that_is_no_text_encoding_is_detected_with_a_note(
    library: Library, tmp_path: Path, charset: str
) -> None:
    page = tmp_path / "page.html"
    page.write_bytes(
        f'<html><head><meta charset="{charset}"></head><body>{BODY}</body></html>'.encode()
    )
    report = one(library, page)
    assert (report.status, report.encoding) == ("imported", "utf-8")
    assert report.notes[0] == (
        f"the page declares charset {charset}, which is not a text encoding sucai reads pages "
        "in; it was read as utf-8 instead."
    )


def test_forced_encoding_that_is_no_text_encoding_is_refused_before_any_file(
    library: Library, tmp_path: Path
) -> None:
    (tmp_path / "a.txt").write_text(NOTICE, encoding="utf-8")
    with pytest.raises(UserError, match="unknown encoding 'rot13'"):
        library.ingest([tmp_path / "a.txt"], ImportOptions(encoding="rot13"))
    assert library.count() == 0


def test_utf8_cut_inside_its_last_character_is_utf8_with_the_cut_noted(
    library: Library, tmp_path: Path
) -> None:
    text = "营商环境是发展的基础，必须持续优化营商环"
    path = tmp_path / "cut.txt"
    path.write_bytes(text.encode()[:-2])
    report = one(library, path)
    assert (report.status, report.encoding) == ("imported", "utf-8")
    assert report.notes == (
        "the file ends inside a character (its last 1 byte(s) are an incomplete UTF-8 sequence: "
        "was it cut off?); they were left out.",
    )
    article = library.get(report.article_ids[0])
    assert article.title == text[:-1]


def test_utf8_damaged_in_the_middle_is_refused_not_read_as_gb18030(tmp_path: Path) -> None:
    data = bytearray((NOTICE * 20).encode())
    at = len(NOTICE.encode())  # the lead byte of 关, first character of line 4
    data[at] = 0xFF  # 0xFF and the two continuation bytes after it: three bad sequences
    with pytest.raises(IngestError) as info:
        parse(source("damaged.txt", bytes(data)))
    assert info.value.code == "decode"
    assert info.value.message == (
        f"damaged.txt: a UTF-8 file damaged at byte offset {at} (line 4): 3 byte sequence(s) "
        "are not valid UTF-8. Fix that place in an editor, save the file as UTF-8 and import "
        "it again."
    )


@pytest.mark.parametrize(
    "data",
    [b"\0" * (1024 * 1024), NOTICE.encode() + b"\0" * 4096, bytes(range(1, 32)) * 100],
    ids=["nul", "nul-tail", "controls"],
)
def test_nul_bytes_and_control_characters_are_refused_as_binary(data: bytes) -> None:
    with pytest.raises(IngestError) as info:
        parse(source("binary.txt", data))
    assert info.value.code == "binary"
    assert info.value.message.startswith("binary.txt: this looks like a binary file, not text")


def test_a_byte_order_mark_alone_is_an_empty_file() -> None:
    with pytest.raises(IngestError) as info:
        parse(source("bom.txt", b"\xef\xbb\xbf \r\n"))
    assert info.value.code == "empty"


def test_control_characters_are_left_out_with_a_note_and_the_text_exports(
    library: Library, tmp_path: Path
) -> None:
    path = tmp_path / "controls.txt"
    path.write_bytes(
        "关于做好防汛工作的通知\n请切实\x1b[1m做好\f准备工作，确保安全度汛。\n".encode()
    )
    report = one(library, path)
    assert report.notes == ("2 control character(s), which are not text, were left out.",)
    article = library.get(report.article_ids[0])
    assert article.paragraphs[0].text == "请切实[1m做好准备工作，确保安全度汛。"
    name, data = library.export(article.id, "docx")
    assert name.endswith(".docx") and data.startswith(b"PK")


def test_page_with_control_characters_is_read() -> None:
    page = f"<html><body>{BODY}<p>第二段\x05文字，说明情况。</p><nav>导航</nav></body></html>"
    parsed = parse(source("page.html", page.encode()))
    assert [b.text for b in parsed.blocks][-1] == "第二段文字，说明情况。"


# --- counts and names the store could not hold --------------------------------------------------


def test_absurd_declared_count_is_no_count(library: Library, tmp_path: Path) -> None:
    path = tmp_path / "汇编.txt"
    path.write_text(
        "讲话汇编（99999999999999999999篇）\n\n\n在全市会议上的讲话（市长）\n同志们：开会。\n",
        encoding="utf-8",
    )
    report = one(library, path)
    assert report.status == "imported"
    assert report.declared_count is None


def test_file_name_with_bytes_that_are_not_utf8_is_stored_and_shown_escaped(
    library: Library, tmp_path: Path
) -> None:
    path = tmp_path / os.fsdecode(b"bad\xff\xfe\x1b[31m.txt")
    path.write_text(NOTICE, encoding="utf-8")
    shown = f"{tmp_path}/bad\\xff\\xfe\\x1b[31m.txt"
    assert one(library, path).path == shown
    assert [f.path for f in library.files()] == [shown]
    result = CliRunner().invoke(cli, ["import", str(path), "--db", str(tmp_path / "cli.db")])
    assert result.exit_code == 0
    assert result.output.startswith(f"ok    {shown}: 1 article, utf-8\n")


def test_zip_member_flagged_utf8_with_a_name_that_is_not_is_a_clear_failure(
    library: Library, tmp_path: Path
) -> None:
    data = _patch(package({"name-x.txt": NOTICE.encode()}), "name-x.txt", flag=0x800)
    archive = tmp_path / "a.zip"
    archive.write_bytes(data.replace(b"name-x.txt", b"name\xffx.txt"))
    report = one(library, archive)
    assert report.code == "bad-archive"
    assert "a member's name is marked as UTF-8 but is not valid UTF-8" in report.message


# --- only regular files -----------------------------------------------------------------------


def test_links_out_of_the_folder_are_refused_and_devices_never_read(
    library: Library, tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "passwd.txt").symlink_to("/etc/passwd")
    named = tmp_path / "urandom.txt"
    named.symlink_to("/dev/urandom")
    report = library.ingest([folder, named])
    codes = {f.path.rsplit("/", 1)[-1]: f.code for f in report.files}
    assert codes == {
        "passwd.txt": "outside-link",
        "zero.txt": "outside-link",
        "urandom.txt": "not-a-file",
    }
    outside = next(f for f in report.files if f.path.endswith("zero.txt"))
    assert outside.message == (
        f"{folder}/zero.txt: a symbolic link to /dev/zero, outside the folder being imported; "
        "it was not followed. Import that file or folder by its own name if you mean it."
    )
    device = next(f for f in report.files if f.path.endswith("urandom.txt"))
    assert device.message.startswith(f"{named}: a character device, not a regular file;")


def test_named_pipes_are_refused_without_being_opened(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    os.mkfifo(folder / "pipe.zip")
    (folder / "ok.txt").write_text(NOTICE, encoding="utf-8")
    os.mkfifo(tmp_path / "named.docx")
    paths = [folder, tmp_path / "named.docx"]
    assert finishes(lambda: library.count_inputs(paths)) == 4
    report = finishes(lambda: library.ingest(paths))
    assert [(f.path.rsplit("/", 1)[-1], f.code) for f in report.files] == [
        ("ok.txt", ""),
        ("pipe.txt", "not-a-file"),
        ("pipe.zip", "not-a-file"),
        ("named.docx", "not-a-file"),
    ]


def test_a_pipe_put_in_a_file_s_place_after_the_walk_is_refused_unopened(tmp_path: Path) -> None:
    pipe = tmp_path / "swapped.txt"
    os.mkfifo(pipe)
    with pytest.raises(IngestError) as info:
        finishes(lambda: load_file(Candidate(str(pipe), fs_path=pipe)))
    assert info.value.code == "not-a-file"
    assert info.value.message.startswith(f"{pipe}: a named pipe (FIFO), not a regular file;")


def test_a_folder_named_like_a_file_is_walked_or_reported(tmp_path: Path) -> None:
    empty = tmp_path / "x.docx"
    empty.mkdir()
    full = tmp_path / "y.docx"
    full.mkdir()
    (full / "a.txt").write_text(NOTICE, encoding="utf-8")
    db = str(tmp_path / "lib.db")
    result = CliRunner().invoke(cli, ["import", str(empty), str(full), "--db", db])
    assert result.exit_code == 1
    assert result.output.splitlines()[:2] == [
        f"FAIL  {empty}: a folder with no files in it (though its name may look like a file's); "
        "nothing to import. Name the files or folders to import.",
        f"ok    {full}/a.txt: 1 article, utf-8",
    ]


# --- our own words -----------------------------------------------------------------------------


def test_damaged_docx_is_explained_without_python_exception_text() -> None:
    with pytest.raises(IngestError) as info:
        parse(source("a.docx", minimal_docx(b"<w:document><w:body><w:p>")))
    assert info.value.message == (
        "a.docx: this .docx is damaged or truncated (its XML is malformed). "
        "Re-save it from Word/WPS and import it again."
    )


def test_pdf_repaired_while_read_says_so_in_the_report_not_on_stderr(tmp_path: Path) -> None:
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>"
    )
    pdf = _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page,
            _stream(b"BT /F1 12 Tf 72 720 Td (Flood control work is a priority.) Tj ET"),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )
    path = tmp_path / "broken.pdf"
    path.write_bytes(pdf.replace(b"startxref\n", b"startxref\n9999"))
    command = [sys.executable, "-m", "sucai", "import", "--db", str(tmp_path / "l.db"), str(path)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stderr == ""
    assert re.search(
        r"\n      note: the PDF is damaged: \d+ problem\(s\) in its structure were worked around",
        done.stdout,
    )


def test_an_unforeseen_error_fails_that_file_alone_and_the_batch_goes_on(
    library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Exploding:
        """A parser that lets an error through, as third-party code might."""

        name = "boom"
        suffixes = frozenset({".boom"})

        def parse(self, source: SourceFile, encoding: str | None = None) -> ParsedText:
            raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setitem(parsers._BY_SUFFIX, ".boom", Exploding())
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("1.txt", "2.boom", "3.txt"):
        (folder / name).write_text(NOTICE.replace("防汛", name[0]), encoding="utf-8")
    report = library.ingest([folder])
    assert [(f.status, f.code) for f in report.files] == [
        ("imported", ""),
        ("failed", "internal"),
        ("imported", ""),
    ]
    assert report.files[1].message == (
        f"{folder}/2.boom: sucai met an unexpected error while reading this file, so it was "
        "not imported (the other files were). Please report it to the sucai developers, with "
        "the file if you can."
    )
    assert library.count() == 2


# --- limits -----------------------------------------------------------------------------------


def refused(name: str, data: bytes) -> IngestError:
    with pytest.raises(IngestError) as info:
        parse(source(name, data))
    return info.value


#: Per limit: its value, a text holding ``n`` of what it counts, and how messages state it.
LIMITS: dict[str, tuple[int, Callable[[int], str], str]] = {
    "line-too-long": (MAX_LINE_CHARS, lambda n: "题\n" + "字" * n, "100,000 in one line"),
    "too-many-lines": (MAX_LINES, lambda n: "一\n" * (n - 1) + "一", "200,000 in one file"),
    "too-many-headings": (MAX_HEADINGS, lambda n: "条例\n" + "第一条 内容。\n" * n, "50,000 in"),
    "too-many-markers": (MAX_PAID_MARKERS, lambda n: "通知\n" + "##paidend##\n" * n, "10,000 in"),
    "combining-marks": (MAX_COMBINING_RUN, lambda n: "通知\na" + "\u0301" * n, "30 on one"),
    "text-too-long": (
        MAX_TEXT_CHARS,
        lambda n: ("字" * 99_999 + "\n") * (n // 100_000) + "字" * (n % 100_000),
        "10,000,000 in one file",
    ),
}


@pytest.mark.parametrize("code", LIMITS)
def test_a_file_at_a_limit_is_read_and_one_past_it_refused_naming_the_limit(code: str) -> None:
    limit, text, stated = LIMITS[code]
    assert parse(source("fits.txt", text(limit).encode())).blocks
    error = refused("over.txt", text(limit + 1).encode())
    assert isinstance(error, LimitExceededError)
    assert error.code == code
    assert f"sucai takes at most {stated}" in error.message


def test_docx_whose_part_inflates_past_the_cap_is_refused_before_inflating() -> None:
    bomb = minimal_docx(document_xml(b" " * (MAX_PART_BYTES + 1) + paragraphs_xml().encode()))
    assert len(bomb) < MAX_PART_BYTES // 100
    tracemalloc.start()
    try:
        error = refused("bomb.docx", bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.code == "unpacked-too-large"
    assert error.message.startswith(
        "bomb.docx: its part word/document.xml unpacks to more than 32 MB, the most sucai "
        "unpacks from one part of a .docx"
    )
    assert peak < MAX_PART_BYTES // 4


@pytest.mark.parametrize("crc", ["wrong", "matching"])
def test_docx_whose_headers_understate_a_part_is_damaged_and_never_inflated(crc: str) -> None:
    document = document_xml(b" " * (4 * MAX_PART_BYTES) + paragraphs_xml().encode())
    bomb = minimal_docx(document)
    lying = (
        _patch(bomb, "word/document.xml", size=4096)
        if crc == "wrong"
        else understated(bomb, "word/document.xml", document, 4096)
    )
    del document, bomb
    tracemalloc.start()
    try:
        error = refused("lying.docx", lying)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert error.code == "damaged"
    assert peak < MAX_PART_BYTES // 4


def test_zip_member_inflating_past_the_file_cap_is_refused_while_inflating(
    library: Library, tmp_path: Path
) -> None:
    archive = tmp_path / "a.zip"
    big = package({"big.txt": b" " * (MAX_FILE_BYTES + 1), "ok.txt": NOTICE.encode()})
    archive.write_bytes(_patch(big, "big.txt", size=1000))
    report = library.ingest([archive])
    assert [(f.path.rsplit("!", 1)[-1], f.code) for f in report.files] == [
        ("big.txt", "bad-archive"),
        ("ok.txt", ""),
    ]
    archive.write_bytes(big)
    assert library.ingest([archive]).files[0].code == "too-large"


def test_an_archive_of_too_many_members_is_refused_before_zipfile_reads_them() -> None:
    assert len(open_archive(io.BytesIO(_many_members(MAX_ARCHIVE_MEMBERS)), "a.zip").infolist())
    with pytest.raises(LimitExceededError) as info:
        open_archive(io.BytesIO(_many_members(MAX_ARCHIVE_MEMBERS + 1)), "b.zip")
    assert info.value.code == "too-many-members"


def test_docx_of_too_many_paragraphs_is_refused_before_they_are_read() -> None:
    body = "<w:p><w:r><w:t>段</w:t></w:r></w:p>" * (MAX_LINES + 1)
    assert refused("long.docx", minimal_docx(document_xml(body))).code == "too-many-lines"


def test_wrapped_lines_join_into_paragraphs_no_longer_than_the_line_limit() -> None:
    # Lines of one width with no sentence end: hard-wrapped text, all of one paragraph.
    lines = [
        f"营商环境是发展的基础必须持续优化营商环境是发展的基础必须持续优化营商{i % 10}"
        for i in range(10_000)
    ]
    text = "标题\n" + "".join(line + "\n" for line in lines)
    blocks = normalize(parse(source("wrapped.txt", text.encode()))).blocks
    body = [b.text for b in blocks[1:] if b.text]
    assert len(body) > 1
    assert max(len(b) for b in body) <= MAX_LINE_CHARS
    assert "".join(body) == "".join(lines)


def test_many_paywall_markers_on_one_line_split_the_text_in_order() -> None:
    text = "通知\n" + "免费##paidbegin##付费##paidbegin##仍付费##paidend##" * 1000 + "\n"
    blocks = normalize(parse(source("paid.txt", text.encode()))).blocks[1:]
    pieces = [("免费", False), ("付费", True), ("仍付费", True)]
    assert [(b.text, b.paid) for b in blocks] == pieces * 1000 + [("", False)]


# --- drafts -----------------------------------------------------------------------------------


def test_hostile_drafts_are_refused_in_chinese_with_413_for_limits() -> None:
    bomb = minimal_docx(document_xml(b" " * (MAX_PART_BYTES + 1)))
    with pytest.raises(LimitExceededError) as info:
        draft_from_bytes("草稿.docx", bomb)
    assert draft_error_message(info.value, "草稿.docx") == (
        "草稿.docx：文件解压后超过上限（单个部件 32 MB，全部 128 MB）：请拆分文档，"
        "或用 Word/WPS 重新保存后再上传。",
        True,
    )
    with pytest.raises(IngestError) as damaged:
        draft_from_bytes("坏\n.docx", b"PK\x03\x04" + b"\0" * 100)
    assert draft_error_message(damaged.value, "坏\n.docx") == (
        "坏\\x0a.docx：文件已损坏或不完整，无法读取：请用 Word/WPS 重新保存后再上传。",
        False,
    )


# --- the import's output ----------------------------------------------------------------------


@pytest.mark.slow
def test_a_killed_import_leaves_the_lines_of_the_files_it_stored(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(600):
        text = f"第{i}号通知\n各单位：\n请做好第{i}项工作，确保按期完成。\n"
        (folder / f"{i:03}.txt").write_text(text, encoding="utf-8")
    db, log = tmp_path / "lib.db", tmp_path / "import.log"
    command = [sys.executable, "-m", "sucai", "import", "-v", "--db", str(db), str(folder)]
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL)
    # The first lines come once the first chunk of files is stored; then kill it mid-import.
    while "ok    " not in log.read_text(encoding="utf-8") and process.poll() is None:
        time.sleep(0.02)
    process.kill()
    assert process.wait() == -signal.SIGKILL
    logged = {
        line[len("ok    ") :].split(": ")[0]
        for line in log.read_text(encoding="utf-8").splitlines()
        if line.startswith("ok    ")
    }
    with sqlite3.connect(db) as con:
        stored = {path for (path,) in con.execute("SELECT path FROM files")}
    assert logged
    assert logged <= stored
    assert len(stored) < 600


def test_every_paragraph_of_a_long_file_is_found_where_it_is(
    library: Library, tmp_path: Path
) -> None:
    # 1.2 M characters: the index tokenizes them in pieces, which must keep each paragraph's
    # tokens with that paragraph.
    chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    rng = random.Random(22)
    lines = ["".join(rng.choices(chars, k=99_000)) for _ in range(12)]
    marks = [f"独一无二的第{n}段检索短语" for n in range(12)]
    body = "".join(
        f"{line[:50_000]}{mark}{line[50_000:]}。\n" for line, mark in zip(lines, marks, strict=True)
    )
    path = tmp_path / "long.txt"
    path.write_text("很长的材料\n" + body, encoding="utf-8")
    assert one(library, path).status == "imported"
    for n, mark in enumerate(marks):
        (hit,) = library.search(f'"{mark}"').hits
        assert hit.paragraph_index == n
        assert mark in hit.text
