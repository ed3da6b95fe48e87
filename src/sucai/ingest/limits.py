"""The bounds one input file must keep, so that one import and one 查重 stay within memory and time.

No real document comes near them: the shared corpus (5,000 files of laws, reports and news)
peaks at 107,607 characters, 3,755 lines and 3,077 characters in one line per file. Each
bound is checked before the work it protects (inflating, parsing, cleaning, storing), and a
file past one fails on its own with a :class:`~sucai.errors.LimitExceededError` whose code
names the bound and whose message says what to do (issue 22). Drafts for 查重 are read by the
same parsers and meet the same bounds.

With these bounds the import holds at most one chunk of parsed files
(:data:`~sucai.ingest.pipeline.CHUNK_CHARS` characters) and one file being read, whatever
the files hold; ``docs/benchmarks.md`` gives the measured peaks (a file at the limits takes
under 1 GB to import).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache
from typing import TYPE_CHECKING, Final

from sucai.errors import LimitExceededError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sucai.models import Block

__all__ = [
    "MAX_ARCHIVE_MEMBERS",
    "MAX_COMBINING_RUN",
    "MAX_FILE_BYTES",
    "MAX_HEADINGS",
    "MAX_LINES",
    "MAX_LINE_CHARS",
    "MAX_PACKAGE_BYTES",
    "MAX_PAID_MARKERS",
    "MAX_PART_BYTES",
    "MAX_TEXT_CHARS",
    "check_blocks",
    "check_text",
]

#: Bytes of one file, on disk or as an archive member once inflated (a .zip member is read
#: in pieces and refused as soon as it passes this, whatever its header declares).
MAX_FILE_BYTES: Final = 64 * 1024 * 1024
#: Bytes of one XML part of a .docx (word/document.xml, styles.xml …) once inflated: the
#: parsed tree takes several times this in memory. A 1,000-page report is about 10 MB.
MAX_PART_BYTES: Final = 32 * 1024 * 1024
#: Bytes of all the parts of a .docx together (text, styles, pictures) once inflated.
MAX_PACKAGE_BYTES: Final = 128 * 1024 * 1024
#: Members of one .zip archive or .docx package (each one is a line of the import report).
MAX_ARCHIVE_MEMBERS: Final = 50_000
#: Characters of one file's text, after decoding or extraction (100× the largest real file).
MAX_TEXT_CHARS: Final = 10_000_000
#: Lines (or paragraphs and table cells of a .docx, lines of a PDF) of one file.
MAX_LINES: Final = 200_000
#: Characters of one line as the file has it, and of one paragraph once wrapped lines are
#: joined (longer runs of wrapped lines are cut into paragraphs of this size).
MAX_LINE_CHARS: Final = 100_000
#: Outline headings (一、 （一） 第X条 …, or headings the format marks) of one file.
MAX_HEADINGS: Final = 50_000
#: ``##paidbegin##``/``##paidend##`` markers of one file (an article has one pair).
MAX_PAID_MARKERS: Final = 10_000
#: Combining marks (accents) on one character. Unicode's stream-safe text format (UAX #15)
#: allows 30; more is "zalgo" text that only slows every step down.
MAX_COMBINING_RUN: Final = 30

_PAID: Final = re.compile(r"##paid(?:begin|end)##")
_HEADING: Final = re.compile(
    r"^[\s\u3000]*(?:第[一二三四五六七八九十百千零〇两\d]+[编章节条部分]"
    r"|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])"
)
_LINE_BREAKS: Final = re.compile(r"\r\n|[\n\r\u2028\u2029]")


@cache
def _combining_run() -> re.Pattern[str]:
    """A run of more than :data:`MAX_COMBINING_RUN` combining marks (non-starters)."""
    ranges: list[list[int]] = []
    for code in range(sys.maxunicode + 1):
        if unicodedata.combining(chr(code)):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    marks = "".join(f"{chr(a)}-{chr(b)}" for a, b in ranges)
    return re.compile(f"[{marks}]{{{MAX_COMBINING_RUN + 1}}}")


def _refuse(path: str, code: str, what: str, limit: str, todo: str) -> LimitExceededError:
    return LimitExceededError(code, f"{path}: {what}; sucai takes at most {limit}. {todo}")


def check_text(text: str, path: str) -> None:
    """Check a decoded text file before it is split into lines.

    Args:
        text: the whole text.
        path: the file's name, for messages.

    Raises:
        LimitExceededError: the text is too long, has too many lines or too long a line.
    """
    _check_size(len(text), path)
    breaks = sum(text.count(c) for c in "\n\r\u2028\u2029") - text.count("\r\n")
    if breaks + 1 > MAX_LINES:
        raise _too_many_lines(path, breaks + 1)
    start = 0
    for number, match in enumerate(_LINE_BREAKS.finditer(text), 1):
        if match.start() - start > MAX_LINE_CHARS:
            raise _line_too_long(path, number, match.start() - start)
        start = match.end()
    if len(text) - start > MAX_LINE_CHARS:
        raise _line_too_long(path, breaks + 1, len(text) - start)


def check_blocks(blocks: Iterable[Block], path: str) -> None:
    """Check a parsed file's blocks (every format) before they are cleaned and stored.

    Args:
        blocks: the parser's blocks.
        path: the file's name, for messages.

    Raises:
        LimitExceededError: the file is past one of the bounds of this module.
    """
    total = lines = headings = markers = 0
    blocks = list(blocks)
    for block in blocks:
        lines += 1
        size = len(block.text)
        total += size
        if size > MAX_LINE_CHARS:
            raise _line_too_long(path, block.line, size)
        if block.kind != "text" or _HEADING.match(block.text):
            headings += 1
        if "##paid" in block.text:
            markers += len(_PAID.findall(block.text))
    _check_marks(blocks, path)
    if lines > MAX_LINES:
        raise _too_many_lines(path, lines)
    _check_size(total, path)
    if headings > MAX_HEADINGS:
        raise _refuse(
            path,
            "too-many-headings",
            f"{headings:,} lines are headings (一、 第X条 …)",
            f"{MAX_HEADINGS:,} in one file",
            "Split the file into several and import those.",
        )
    if markers > MAX_PAID_MARKERS:
        raise _refuse(
            path,
            "too-many-markers",
            f"{markers:,} ##paidbegin##/##paidend## markers",
            f"{MAX_PAID_MARKERS:,} in one file (one pair an article)",
            "Remove the surplus markers and import the file again.",
        )


def _check_size(chars: int, path: str) -> None:
    if chars > MAX_TEXT_CHARS:
        raise _refuse(
            path,
            "text-too-long",
            f"the text has {chars:,} characters",
            f"{MAX_TEXT_CHARS:,} in one file",
            "Split it into several files and import those.",
        )


def _check_marks(blocks: list[Block], path: str) -> None:
    # One search over the whole file (the pattern is a long class: a search per line cost
    # more than the search itself), then the line that has the run.
    if not _combining_run().search("\n".join(b.text for b in blocks)):
        return
    block = next(b for b in blocks if _combining_run().search(b.text))
    found = _combining_run().search(block.text)
    if found is not None:
        raise _refuse(
            path,
            "combining-marks",
            f"a character at offset {found.start() - 1} of line {block.line:,} carries more "
            f"than {MAX_COMBINING_RUN} combining marks (accents)",
            f"{MAX_COMBINING_RUN} on one character",
            "This is not ordinary text; remove the marks and import it again.",
        )


def _too_many_lines(path: str, lines: int) -> LimitExceededError:
    return _refuse(
        path,
        "too-many-lines",
        f"{lines:,} lines (or paragraphs)",
        f"{MAX_LINES:,} in one file",
        "Split the file into several and import those.",
    )


def _line_too_long(path: str, line: int, chars: int) -> LimitExceededError:
    return _refuse(
        path,
        "line-too-long",
        f"line {line:,} has {chars:,} characters",
        f"{MAX_LINE_CHARS:,} in one line",
        "Put each paragraph on a line of its own and import the file again.",
    )
