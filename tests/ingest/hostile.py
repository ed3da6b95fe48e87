"""Hostile input files for the fuzz run of issue 22, generated on the spot (never committed).

:func:`generate` writes inputs of fourteen classes under a folder — truncated and byte-flipped
copies of real documents, broken .docx packages, zip and XML bombs (kept small compressed),
billion laughs and XXE, deep nesting, odd encodings, huge lines and counts, broken PDFs,
hostile archives, odd names, empty files, folders named like files, devices and pipes — and
returns one :class:`Hostile` per input. ``tests/ingest/test_hostile.py`` imports and 查重s
them; ``bench/hostile_bench.py`` runs a larger set (``scale``).

The outcomes allowed for each input are written here by hand from what the input is (a named
pipe is not a file, a member called ``../x.txt`` is unsafe, 300,000 lines are too many), not
from what sucai answers.
"""

from __future__ import annotations

import codecs
import io
import os
import random
import socket
import stat
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import docx
from docx.enum.text import WD_ALIGN_PARAGRAPH

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

__all__ = ["CLASSES", "Hostile", "Measured", "display", "generate", "run_sucai"]

DATA = Path(__file__).resolve().parents[1] / "data"

#: The classes of the issue, in the order the bench prints them.
CLASSES = (
    "truncated",
    "byte-flipped",
    "broken-docx",
    "zip-bomb",
    "xml-bomb",
    "deep-nesting",
    "odd-encoding",
    "huge",
    "broken-pdf",
    "hostile-archive",
    "odd-name",
    "empty",
    "folder-like-file",
    "device-pipe",
)

#: Outcomes of a file that imports (or is found to be in the library already).
READ = "imported|duplicate"

TEXT = (
    "关于进一步优化营商环境的通知\n"
    "\n"
    "各区县人民政府，市政府各部门：\n"
    "为深入贯彻落实“放管服”改革部署，持续优化营商环境，激发市场主体活力，现就有关事项通知如下。\n"
    "一、提高政务服务效率\n"
    "全面推行“一网通办”，企业开办时间压缩至一个工作日以内，推动更多事项“掌上办”“就近办”。\n"
    "二、加强要素保障\n"
    "统筹用地、用能、资金等要素，优先保障重点项目，确保项目早开工、早投产、早见效。\n"
    "三、强化组织实施\n"
    "各地各部门要高度重视，明确责任分工，细化工作措施，确保各项任务落到实处。\n"
    "\n"
    "某某市人民政府\n"
    "2024年3月1日\n"
)

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{_MAIN}"/></Types>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
_STYLES_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="styles.xml" Type="http://schemas.openxmlformats'
    '.org/officeDocument/2006/relationships/styles"/></Relationships>'
)


@dataclass(frozen=True)
class Hostile:
    """One input and what may come of it.

    Attributes:
        path: where it is (a file, folder, link, pipe …).
        kind: its class (one of :data:`CLASSES`).
        expect: the outcomes allowed: ``"imported"``, ``"duplicate"``, ``"skipped"`` or a
            failure code; ``None``: any specific outcome.
        named: given to the import by name, not found by walking ``tree/``.
        archive: a .zip, whose members are reported one by one (``archive.zip!member``).
    """

    path: Path
    kind: str
    expect: frozenset[str] | None
    named: bool = False
    archive: bool = False


@dataclass(frozen=True)
class Measured:
    """One ``sucai …`` process: exit status, output, seconds and peak resident memory (MB)."""

    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float


#: ``sucai ARGS…`` that writes its peak resident memory to the file ``argv[1]`` when it ends.
#: VmHWM counts from the process's own start; ru_maxrss (getrusage, wait4) would also count
#: the process it is spawned from, which holds the generated set.
_PEAK = (
    "import atexit, pathlib, sys\n"
    "def peak(path=pathlib.Path(sys.argv[1])):\n"
    "    status = pathlib.Path('/proc/self/status').read_text()\n"
    "    path.write_text(next(l.split()[1] for l in status.splitlines() if l[:6] == 'VmHWM:'))\n"
    "atexit.register(peak)\n"
    "sys.argv = ['sucai', *sys.argv[2:]]\n"
    "from sucai.cli import cli\n"
    "cli()\n"
)


def run_sucai(arguments: list[str], folder: Path, timeout: float) -> Measured:
    """Run ``sucai ARGUMENTS`` in a process of its own (killed after ``timeout`` seconds, and
    then ``TimeoutExpired`` is raised: a hang is a failure) and measure it."""
    out, err, peak = folder / "out.txt", folder / "err.txt", folder / "peak.txt"
    peak.unlink(missing_ok=True)
    start = time.perf_counter()
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-c", _PEAK, str(peak), *arguments],
            stdout=stdout,
            stderr=stderr,
            cwd=folder,
        )
        try:
            code = process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    return Measured(
        code,
        out.read_text(encoding="utf-8"),
        err.read_text(encoding="utf-8"),
        time.perf_counter() - start,
        int(peak.read_text()) / 1024,
    )


def display(path: Path | str) -> str:
    """How a report names ``path``, written independently of sucai: bytes that are not
    UTF-8 and control characters as ``\\xNN``, bidi controls as ``\\uNNNN``."""
    out = []
    for char in os.fsencode(path).decode("utf-8", "backslashreplace"):
        code = ord(char)
        if code < 0x20 or 0x7F <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        elif (
            code in (0x61C, 0x200E, 0x200F) or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069
        ):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


# --- documents and packages -------------------------------------------------------------------


def package(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive of ``members``."""
    buffer = io.BytesIO()
    # Level 1: tens of MB of one byte compress fast and still about a thousandfold.
    with zipfile.ZipFile(buffer, "w", method, compresslevel=1) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def document_xml(body: str | bytes, prolog: str = "") -> bytes:
    """A word/document.xml around ``body``."""
    inner = body if isinstance(body, bytes) else body.encode()
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
    return (
        head.encode()
        + f'<w:document xmlns:w="{_W}"><w:body>'.encode()
        + inner
        + (b"</w:body></w:document>")
    )


def paragraphs_xml(text: str = TEXT) -> str:
    """One ``w:p`` a line of ``text``."""
    return "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in text.splitlines())


def minimal_docx(document: bytes | None = None, **parts: bytes) -> bytes:
    """A .docx of three parts (Word opens it); ``document`` replaces word/document.xml."""
    return package(
        {
            "[Content_Types].xml": _CONTENT_TYPES.encode(),
            "_rels/.rels": _RELS.encode(),
            "word/document.xml": document or document_xml(paragraphs_xml()),
            **parts,
        }
    )


def word_docx() -> bytes:
    """A .docx as python-docx (and Word) writes it: styles, settings, a table."""
    document = docx.Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("关于开展春节前安全检查的通知").bold = True
    document.add_paragraph("各区人民政府，市政府各部门：")
    document.add_heading("一、检查范围", level=1)
    document.add_paragraph("全市所有人员密集场所，包括商场、车站、医院和学校，逐一排查隐患。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "单位"
    table.cell(0, 1).text = "责任人"
    document.add_paragraph("请于2024年1月20日前报送检查结果。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def html(body: str, head: str = "") -> bytes:
    """A page with a title, ``head`` and ``body``."""
    title = "<title>关于优化营商环境的通知</title>"
    return f"<html><head>{head}{title}</head><body>{body}</body></html>".encode()


def article_html() -> str:
    """:data:`TEXT` as paragraphs."""
    return "".join(f"<p>{line}</p>" for line in TEXT.splitlines() if line)


def bases() -> dict[str, bytes]:
    """The real-looking documents the mutation classes start from, by file name."""
    return {
        "utf8.txt": TEXT.encode("utf-8"),
        "gbk.txt": TEXT.encode("gbk"),
        "utf16.txt": TEXT.encode("utf-16"),
        "notice.md": ("# " + TEXT).encode("utf-8"),
        "page.html": html(article_html(), '<meta charset="utf-8">'),
        "noisy.html": (DATA / "noisy.html").read_bytes(),
        "minimal.docx": minimal_docx(),
        "word.docx": word_docx(),
        "report.pdf": (DATA / "report.pdf").read_bytes(),
    }


def _patch(
    data: bytes,
    member: str,
    *,
    flag: int = 0,
    method: int | None = None,
    size: int | None = None,
    crc: int | None = None,
) -> bytes:
    """Rewrite a member's flags, method, uncompressed size or CRC in both its zip headers."""
    out = bytearray(data)
    name = member.encode()
    local = out.index(b"PK\x03\x04")
    while bytes(out[local + 30 : local + 30 + len(name)]) != name:
        local = out.index(b"PK\x03\x04", local + 4)
    central = out.index(b"PK\x01\x02")
    while bytes(out[central + 46 : central + 46 + len(name)]) != name:
        central = out.index(b"PK\x01\x02", central + 4)
    for offset in (local + 6, central + 8):
        (old,) = struct.unpack_from("<H", out, offset)
        struct.pack_into("<H", out, offset, old | flag)
        if method is not None:
            struct.pack_into("<H", out, offset + 2, method)
    if size is not None:
        struct.pack_into("<I", out, local + 22, size)
        struct.pack_into("<I", out, central + 24, size)
    if crc is not None:
        struct.pack_into("<I", out, local + 14, crc)
        struct.pack_into("<I", out, central + 16, crc)
    return bytes(out)


def understated(data: bytes, member: str, inflated: bytes, size: int) -> bytes:
    """``member`` with headers declaring ``size`` bytes, and the CRC of the first ``size``
    bytes it inflates to (``inflated``): zipfile finds nothing wrong until it has inflated all
    of it."""
    return _patch(data, member, size=size, crc=zlib.crc32(inflated[:size]))


def _many_members(count: int) -> bytes:
    """A valid archive of ``count`` empty stored members (by hand: zipfile takes seconds)."""
    local, central = bytearray(), bytearray()
    for i in range(count):
        name = b"%d.txt" % i
        fields = (20, 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0, 0, 0, 0, 0, len(local))
        central += struct.pack("<4s6H3I5H2I", b"PK\x01\x02", *fields) + name
        local += struct.pack("<4s5H3I2H", b"PK\x03\x04", 20, 0, 0, 0, 0, 0, 0, 0, len(name), 0)
        local += name
    entries = min(count, 0xFFFF)  # no zip64 record: zipfile reads the directory by its size
    end = struct.pack(
        "<4s4H2IH", b"PK\x05\x06", 0, 0, entries, entries, len(central), len(local), 0
    )
    return bytes(local + central + end)


def _end_record_lie(data: bytes) -> bytes:
    """An end record that claims 65,535 members in a central directory of 4 GB."""
    out = bytearray(data)
    end = out.rindex(b"PK\x05\x06")
    struct.pack_into("<HHI", out, end + 8, 0xFFFF, 0xFFFF, 0xFFFFFFF0)
    return bytes(out)


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of ``objects`` (1 is the catalog) with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data, 1)
    head = b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(packed), extra)
    return head + packed + b"\nendstream"


# --- the classes: (name, data, allowed outcomes) ---------------------------------------------

_Entry = tuple[str | bytes, bytes, str | None]


def _truncated(rng: random.Random, scale: int) -> Iterator[_Entry]:
    for name, data in bases().items():
        stem, suffix = name.rsplit(".", 1)
        cuts = [len(data) // 2, len(data) - 1]
        cuts += [rng.randrange(1, len(data)) for _ in range(45 * scale - 2)]
        for i, cut in enumerate(cuts):
            yield f"{stem}-{i}.{suffix}", data[:cut], None
    # A UTF-8 text cut inside its last character (the 钀ュ晢鐜 case).
    text = "营商环境是发展的基础，必须持续优化营商环".encode()
    yield "cut-last-char.txt", text[:-2], "imported"
    yield "cut-last-char-1.txt", text[:-1], "imported"


def _byte_flipped(rng: random.Random, scale: int) -> Iterator[_Entry]:
    for name, data in bases().items():
        stem, suffix = name.rsplit(".", 1)
        for i in range(45 * scale):
            out = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                at = rng.randrange(len(out))
                if i % 3 == 0:
                    out[at] ^= 1 << rng.randrange(8)
                elif i % 3 == 1:
                    out[at] = rng.randrange(256)
                else:
                    del out[at : at + rng.randint(1, 16)]
            yield f"{stem}-{i}.{suffix}", bytes(out), None


def _broken_docx() -> Iterator[_Entry]:
    good = minimal_docx()
    members = {
        "[Content_Types].xml": _CONTENT_TYPES.encode(),
        "_rels/.rels": _RELS.encode(),
        "word/document.xml": document_xml(paragraphs_xml()),
    }
    for missing in members:
        rest = {k: v for k, v in members.items() if k != missing}
        yield f"no-{missing.replace('/', '_')}.docx", package(rest), "damaged"
    outline = '<w:p><w:pPr><w:outlineLvl w:val="²"/></w:pPr><w:r><w:t>一、总体</w:t></w:r></w:p>'
    dangling = _RELS.replace("word/document.xml", "word/nowhere.xml").encode()
    yield from [
        ("garbage-document.docx", minimal_docx(b"\x00\x01garbage<<<"), "damaged"),
        ("not-xml.docx", minimal_docx(b"just text, not xml"), "damaged"),
        ("unclosed.docx", minimal_docx(b"<w:document><w:body><w:p>"), "damaged"),
        ("html-inside.docx", minimal_docx(html("<p>x</p>")), "damaged"),
        ("ole.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "unsupported"),
        ("plain-zip.docx", package({"a.txt": b"hello"}), "damaged"),
        ("no-members.docx", package({}), "damaged|empty"),
        ("stored.docx", package(members, zipfile.ZIP_STORED), READ),
        ("bz2.docx", package(members, zipfile.ZIP_BZIP2), READ),
        ("text.docx", TEXT.encode(), "damaged"),
        ("pdf.docx", (DATA / "report.pdf").read_bytes(), "damaged"),
        ("encrypted.docx", _patch(good, "word/document.xml", flag=0x1), "encrypted"),
        ("method-99.docx", _patch(good, "word/document.xml", method=99), "damaged"),
        ("bad-rels.docx", minimal_docx(**{"_rels/.rels": b"<Relationships"}), "damaged"),
        ("dangling-rel.docx", minimal_docx(**{"_rels/.rels": dangling}), "damaged"),
        ("no-text.docx", minimal_docx(document_xml("<w:p/>" * 50)), "empty"),
        ("bad-outline.docx", minimal_docx(document_xml(outline + paragraphs_xml())), READ),
    ]


def _zip_bomb(scale: int) -> Iterator[_Entry]:
    spaces = b" " * (40 * 1024 * 1024 * scale)  # over the cap on one unpacked .docx part
    document = document_xml(spaces + paragraphs_xml().encode())
    bomb = minimal_docx(document)
    styles = f"<w:styles xmlns:w='{_W}'>".encode() + spaces + b"</w:styles>"
    styled = {"word/styles.xml": styles, "word/_rels/document.xml.rels": _STYLES_RELS.encode()}
    media = {f"word/media/{i}.bin": spaces[: len(spaces) // 8] for i in range(30)}
    text = TEXT.encode() + b" " * (65 * 1024 * 1024 * scale)  # over the cap on one member
    yield from [
        ("document-bomb.docx", bomb, "unpacked-too-large"),
        ("styles-bomb.docx", minimal_docx(**styled), "unpacked-too-large"),
        ("many-parts.docx", minimal_docx(**media), "unpacked-too-large"),
        # Headers that declare 4 KB: zipfile stops there and the CRC check fails …
        ("lying-bomb.docx", _patch(bomb, "word/document.xml", size=4096), "damaged"),
        # … or holds, and the part is 4 KB of blanks: no text.
        ("understated.docx", understated(bomb, "word/document.xml", document, 4096), "damaged"),
        ("docx-in-zip.zip", package({"bomb.docx": bomb}), "unpacked-too-large"),
        ("archive.zip", package({"bomb.txt": text, "ok.txt": TEXT.encode()}), "too-large|" + READ),
        ("lying.zip", _patch(package({"lie.txt": spaces}), "lie.txt", size=100), "bad-archive"),
    ]


def _refs(entity: int) -> str:
    return f"&lol{entity};" * 10


# Billion laughs: lol9 expands to 10⁹ "lol"s.
_LAUGHS = (
    '<!DOCTYPE w:document [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{_refs(i - 1)}">' for i in range(1, 10))
    + "]>"
)
_XXE = '<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
_REMOTE = '<!DOCTYPE w:document SYSTEM "http://127.0.0.1:9/evil.dtd">'
_QUADRATIC = '<!DOCTYPE w:document [<!ENTITY a "' + "a" * 50_000 + '">]>'


def _xml_bomb() -> Iterator[_Entry]:
    para = "<w:p><w:r><w:t>{}</w:t></w:r></w:p>"
    for name, prolog, body in (
        ("laughs", _LAUGHS, para.format("&lol9;")),
        ("xxe", _XXE, para.format("&xxe;")),
        ("remote-dtd", _REMOTE, ""),
        ("quadratic", _QUADRATIC, para.format("&a;" * 20_000)),
    ):
        document = document_xml(paragraphs_xml() + body, prolog)
        yield f"{name}.docx", minimal_docx(document), "damaged|" + READ
    page = article_html()
    laughs = _LAUGHS.replace("w:document", "html").encode()
    yield "laughs.html", laughs + html(page + "<p>&lol9;</p>"), READ
    xxe = b'<?xml version="1.0"?>' + _XXE.replace("w:document", "html").encode()
    yield "xxe.xhtml", xxe + html(page + "<p>&xxe;</p>"), READ


def _deep_nesting(scale: int) -> Iterator[_Entry]:
    depth = 20_000 * scale
    page = article_html()
    sdt = "<w:sdt><w:sdtContent>" * 3000 + paragraphs_xml() + "</w:sdtContent></w:sdt>" * 3000
    tables = paragraphs_xml()
    for _ in range(60):
        tables = f"<w:tbl><w:tr><w:tc>{tables}<w:p/></w:tc></w:tr></w:tbl>"
    yield from [
        ("divs.html", html("<div>" * depth + page + "</div>" * depth), None),
        ("open-divs.html", html("<div><p>深</p>" * depth), None),
        ("tables.html", html("<table><tr><td>" * 2000 + page), None),
        ("inline.html", html("<b><i>" * depth + page), None),
        ("sdt.docx", minimal_docx(document_xml(sdt)), None),
        ("tables.docx", minimal_docx(document_xml(tables)), READ),
        ("quotes.md", ("# 标题\n" + "> " * 50_000 + "正文。\n").encode(), None),
    ]


#: Names a ``<meta charset>`` may carry: Python codecs that are no text encodings, text
#: encodings a page in ASCII cannot be in, unknown names, and ordinary ones.
META_CHARSETS = (
    "rot13", "rot_13", "hex", "hex_codec", "zlib", "zlib_codec", "uu", "uu_codec", "base64",
    "base64_codec", "quopri", "quopri_codec", "bz2", "undefined", "unicode_escape",
    "raw_unicode_escape", "idna", "punycode", "utf-16", "utf-32", "utf-7", "cp500", "mbcs",
    "x-user-defined", "klingon", "utf-8-sig", "gb2312", "big5", "shift_jis", "latin-1",
)  # fmt: skip


def _odd_encoding() -> Iterator[_Entry]:
    page = article_html()
    for name in META_CHARSETS:
        yield f"meta-{name}.html", html(page, f'<meta charset="{name}">'), READ + "|decode"
        http = f'<meta http-equiv="Content-Type" content="text/html; charset={name}">'
        yield f"http-{name}.html", html(page, http), READ + "|decode"
    flipped = bytearray((TEXT * 20).encode())
    flipped[len(flipped) // 2] = 0xFF
    yield from [
        ("utf32-nobom.txt", TEXT.encode("utf-32-le"), "binary"),
        ("utf16-odd.txt", TEXT.encode("utf-16")[:-1], "decode"),
        ("mixed.txt", TEXT.encode("gbk") + TEXT.encode("utf-8"), "decode"),
        ("overlong.txt", TEXT.encode() + b"\xc0\x80\xe0\x80\x80", "decode"),
        ("cesu.txt", TEXT.encode() + b"\xed\xa0\x80\xed\xb0\x80", "decode"),
        ("big5.txt", TEXT.encode("big5", "replace"), "imported|decode"),
        ("shift-jis.txt", "関係各位へのお知らせ。\n".encode("shift_jis"), None),
        ("nul.txt", b"\0" * (1024 * 1024), "binary"),
        ("nul-tail.txt", TEXT.encode() + b"\0" * 4096, "binary"),
        ("controls.txt", bytes(range(1, 32)) * 200, "binary"),
        ("random.txt", random.Random(7).randbytes(20_000), "binary|decode"),
        ("utf8-one-bad-byte.txt", bytes(flipped), "decode"),
        ("bom-then-gbk.txt", codecs.BOM_UTF8 + TEXT.encode("gbk"), "decode"),
        ("utf16-bom-garbage.txt", codecs.BOM_UTF16_LE + b"\x00\xd8" * 40, "decode"),
        ("bidi.txt", ("\u202e" + TEXT).encode(), "imported"),
    ]


def _huge(scale: int) -> Iterator[_Entry]:
    line = "营商环境是发展的基础，必须持续优化营商环境，"
    articles = "".join(f"第{i}条 内容。\n" for i in range(60_000 * scale))
    markers = "##paidbegin##内容##paidend##\n" * (6_000 * scale)
    wrapped = "营商环境是发展的基础必须持续优化营商环境是发展的基础必须持续优化营商环境\n"
    paragraphs = "".join(f"<w:p><w:r><w:t>第{i}段。</w:t></w:r></w:p>" for i in range(210_000))
    count = "讲话汇编（99999999999999999999篇）\n\n\n在全市会议上的讲话（市长）\n同志们：开会。\n"
    yield from [
        ("one-line.txt", (line * (60_000 * scale)).encode(), "line-too-long"),
        ("long-line.md", ("# 标题\n" + "改" * (500_000 * scale)).encode(), "line-too-long"),
        ("outline.txt", ("标题\n" + "一、\n" * (300_000 * scale)).encode(), "too-many-lines"),
        ("articles.txt", ("条例\n" + articles).encode(), "too-many-headings"),
        ("paid.txt", ("关于工作的通知\n" + markers).encode(), "too-many-markers"),
        ("combining.txt", ("通知\n正文a" + "\u0301" * 40 + "内容。\n").encode(), "combining-marks"),
        ("wrapped.txt", ("标题\n" + wrapped * 60_000).encode(), READ),
        ("long-line.html", html("<p>" + "改" * (300_000 * scale) + "</p>"), "line-too-long"),
        ("declared-count.txt", count.encode(), "imported"),
        ("paragraphs.docx", minimal_docx(document_xml(paragraphs)), "too-many-lines"),
    ]


def _broken_pdf(scale: int) -> Iterator[_Entry]:
    catalog = b"<< /Type /Catalog /Pages 2 0 R >>"
    pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>"
    )
    text = _stream(b"BT /F1 12 Tf 72 720 Td (Hello hostile world, a PDF with text.) Tj ET")
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    good = _pdf([catalog, pages, page, text, font])
    bomb = _stream(b"BT /F1 12 Tf 72 720 Td (x) Tj ET" + b" " * (90 * 1024 * 1024 * scale))
    loop = b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>"
    count = 2000 * scale
    many = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join([b"3 0 R"] * count), count)
    self_kid = b"<< /Type /Pages /Kids [2 0 R] /Count 1 /Parent 2 0 R >>"
    deep = b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 100_000 + b" >>"
    encrypt = good.replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt << /Filter /Nope /V 9 >>")
    objects = b"1 0 2 5 << /Type /Catalog /Pages 2 0 R >> garbage"
    object_stream = _stream(objects, b"/Type /ObjStm /N 99 /First 4 ")
    yield from [
        ("good.pdf", good, READ),
        ("flate-bomb.pdf", _pdf([catalog, pages, page, bomb, font]), "unpacked-too-large"),
        ("page-loop.pdf", _pdf([catalog, loop, page, text, font]), None),
        ("no-xref.pdf", good[: good.index(b"xref")], None),
        ("bad-startxref.pdf", good.replace(b"startxref\n", b"startxref\n9999999"), None),
        ("header-only.pdf", b"%PDF-1.7\n%%EOF\n", "damaged|no-text"),
        ("no-header.pdf", good[9:], "damaged"),
        ("html.pdf", html("<p>x</p>"), "damaged"),
        ("many-pages.pdf", _pdf([catalog, many, page, text, font]), None),
        ("self-kid.pdf", _pdf([catalog, self_kid, page, text, font]), None),
        ("deep-array.pdf", _pdf([deep, pages, page, text, font]), None),
        ("odd-encrypt.pdf", encrypt, "encrypted|damaged"),
        ("object-stream.pdf", _pdf([catalog, pages, page, text, font, object_stream]), None),
    ]


def _symlink_member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info


def _hostile_archive() -> Iterator[_Entry]:
    good = TEXT.encode()
    traversal = package(
        {
            "../evil.txt": good,
            "/abs.txt": good,
            "C:/win.txt": good,
            "a/../../up.txt": good,
            "..\\back.txt": good,
            "ok.txt": good,
        }
    )
    links = io.BytesIO()
    with zipfile.ZipFile(links, "w") as archive:
        archive.writestr(_symlink_member("link.txt"), "/etc/passwd")
        archive.writestr(_symlink_member("dir-link"), "/")
        archive.writestr("real.txt", good)
    odd = io.BytesIO()
    with zipfile.ZipFile(odd, "w") as archive:
        archive.writestr(zipfile.ZipInfo("报告.txt".encode("gbk").decode("cp437")), good)
        archive.writestr("控制\n字符\x1b[31m.txt", good.replace("通知".encode(), "通告".encode()))
        archive.writestr("dir.docx/", b"")
        archive.writestr("nested.zip", package({"inner.txt": good}))
        archive.writestr("same.txt", good)
        archive.writestr("same.txt.bak", good)
    # A member whose name is flagged UTF-8 but is not UTF-8 (same length as the real one).
    bad_name = _patch(package({"name-x.txt": good}), "name-x.txt", flag=0x800)
    bad_name = bad_name.replace(b"name-x.txt", b"name\xffx.txt")
    yield from [
        ("traversal.zip", traversal, "unsafe-name|" + READ),
        ("symlinks.zip", links.getvalue(), "not-a-file|skipped|" + READ),
        ("encrypted.zip", _patch(package({"a.txt": good}), "a.txt", flag=0x1), "encrypted"),
        ("method-99.zip", _patch(package({"a.txt": good}), "a.txt", method=99), "bad-archive"),
        ("bad-utf8-name.zip", bad_name, "bad-archive"),
        ("odd-members.zip", odd.getvalue(), "skipped|" + READ),
        ("truncated.zip", package({"a.txt": good * 50})[:-30], "bad-archive"),
        ("garbage.zip", b"PK\x03\x04" + b"\xff" * 500, "bad-archive"),
        ("empty.zip", b"PK\x05\x06" + b"\0" * 18, "empty-archive"),
        ("end-record-lie.zip", _end_record_lie(package({"a.txt": good})), "bad-archive"),
        ("many-members.zip", _many_members(100_001), "too-many-members"),
    ]


def _odd_name() -> Iterator[_Entry]:
    names: list[str | bytes] = [
        b"bad\xff\xfename.txt", b"\xb1\xa8\xb8\xe6.txt", "new\nline.txt", "tab\there.txt",
        "esc\x1b[31mred.txt", "rtl\u202etxt.exe.txt", "x" * 240 + ".txt", "-rf.txt", "a!b.txt",
        "UPPER.TXT", " .txt", "..txt", "中文 名字（一）.txt", "emoji😀.txt", "bell\x07.txt",
        "del\x7f.txt", "c1\u0085.txt",
    ]  # fmt: skip
    for i, name in enumerate(names):
        yield name, TEXT.replace("通知", f"通知{i}").encode(), "imported"
    yield "no-suffix", TEXT.encode(), "skipped"
    yield "a.txt.docx", (TEXT + "附件").encode(), "damaged"
    yield "a.docx.txt", minimal_docx(), "binary|decode"


def _empty() -> Iterator[_Entry]:
    for suffix in ("txt", "md", "html", "shtml", "markdown", "pdf"):
        yield f"zero.{suffix}", b"", "empty"
    yield from [
        ("zero.docx", b"", "empty"),
        ("zero.zip", b"", "bad-archive"),
        ("spaces.txt", b" \n\t\r\n   ", "empty"),
        ("bom.txt", codecs.BOM_UTF8, "empty"),
        ("bom16.txt", codecs.BOM_UTF16_LE, "empty"),
        ("ideographic-space.txt", "\u3000\u3000\n".encode(), "empty"),
        ("blank.html", b"<html></html>", "no-text"),
        ("script-only.html", html("<script>var a=1;</script>"), "no-text"),
        ("ads-only.txt", "【公文素材库】每日更新\n添加客服微信：abc\n".encode(), "no-text"),
        ("paid-markers-only.txt", b"##paidbegin####paidend##\n", "no-text"),
    ]


# --- writing ----------------------------------------------------------------------------------


class _Writer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.found: list[Hostile] = []

    def files(self, kind: str, entries: Iterator[_Entry]) -> None:
        folder = os.fsencode(self.root / "tree" / kind)
        for name, data, expect in entries:
            path = Path(os.fsdecode(folder + b"/" + os.fsencode(name)))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            allowed = None if expect is None else frozenset(expect.split("|"))
            self.found.append(Hostile(path, kind, allowed, archive=path.suffix.lower() == ".zip"))

    def special(
        self, kind: str, name: str, make: Callable[[Path], object], expect: str, named: bool
    ) -> Path:
        path = self.root / ("named" if named else "tree") / kind / name
        path.parent.mkdir(parents=True, exist_ok=True)
        make(path)
        self.found.append(Hostile(path, kind, frozenset(expect.split("|")), named=named))
        return path


def _folders(w: _Writer) -> None:
    for name in ("x.docx", "y.zip", "z.txt", "p.pdf"):
        # Empty inside the tree they give no line (a folder is no file); named, a failure.
        (w.root / "tree" / "folder-like-file" / name).mkdir(parents=True)
        w.special("folder-like-file", name, Path.mkdir, "empty-folder", named=True)
    inner = [("full.txt/inner.docx/real.txt", TEXT.encode("gbk"), READ)]
    w.files("folder-like-file", iter(inner))


def _socket(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))


def _devices(w: _Writer) -> None:
    outside = w.root / "outside.txt"
    outside.write_bytes(TEXT.encode())
    w.files("device-pipe", iter([("target.txt", TEXT.replace("2024", "2023").encode(), READ)]))
    inside = w.found[-1].path

    def link(target: Path | str) -> Callable[[Path], None]:
        return lambda path: path.symlink_to(target)

    for named in (False, True):
        # Walked, links out of the tree are refused as such; named, for what they lead to.
        out = "not-a-file" if named else "outside-link"
        w.special("device-pipe", "fifo.txt", os.mkfifo, "not-a-file", named)
        w.special("device-pipe", "fifo.zip", os.mkfifo, "not-a-file", named)
        w.special("device-pipe", "fifo.docx", os.mkfifo, "not-a-file", named)
        w.special("device-pipe", "socket.txt", _socket, "not-a-file", named)
        w.special("device-pipe", "zero.txt", link("/dev/zero"), out, named)
        w.special("device-pipe", "urandom.txt", link("/dev/urandom"), out, named)
        w.special("device-pipe", "null.docx", link("/dev/null"), out, named)
        dangling = "missing" if named else "outside-link"
        w.special("device-pipe", "dangling.txt", link("/nonexistent/x.txt"), dangling, named)
        w.special("device-pipe", "loop-a.txt", link("loop-b.txt"), "missing", named)
        w.special("device-pipe", "loop-b.txt", link("loop-a.txt"), "missing", named)
    w.special("device-pipe", "out.txt", link(outside), "outside-link", named=False)
    w.special("device-pipe", "etc", link("/etc"), "outside-link", named=False)
    w.special("device-pipe", "in.txt", link(inside), READ, named=False)
    w.special("device-pipe", "named-out.txt", link(outside), READ, named=True)


def generate(root: Path, seed: int = 22, scale: int = 1) -> list[Hostile]:
    """Write the hostile set under ``root``: ``tree/`` to import as a folder, ``named/`` to
    name one by one.

    Args:
        root: an empty folder.
        seed: the random seed of the mutations.
        scale: 1 for the test suite; larger multiplies the mutations, sizes and depths.

    Returns:
        One entry per input (file, link, pipe, named folder; an archive once).
    """
    rng = random.Random(seed)
    w = _Writer(root)
    w.files("truncated", _truncated(rng, scale))
    w.files("byte-flipped", _byte_flipped(rng, scale))
    w.files("broken-docx", _broken_docx())
    w.files("zip-bomb", _zip_bomb(scale))
    w.files("xml-bomb", _xml_bomb())
    w.files("deep-nesting", _deep_nesting(scale))
    w.files("odd-encoding", _odd_encoding())
    w.files("huge", _huge(scale))
    w.files("broken-pdf", _broken_pdf(scale))
    w.files("hostile-archive", _hostile_archive())
    w.files("odd-name", _odd_name())
    w.files("empty", _empty())
    _folders(w)
    _devices(w)
    return w.found
