"""Reading a draft: pasted text, or a .txt/.md/.docx file through the import parsers.

An uploaded draft meets the same limits as an imported file (:mod:`sucai.ingest.limits`);
:func:`draft_error_message` words a refusal in Chinese for the web page (issue 22).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePath
from typing import TYPE_CHECKING, Final

from sucai.errors import IngestError, LimitExceededError, UnsupportedFormatError
from sucai.ingest.limits import (
    MAX_ARCHIVE_MEMBERS,
    MAX_COMBINING_RUN,
    MAX_FILE_BYTES,
    MAX_HEADINGS,
    MAX_LINE_CHARS,
    MAX_LINES,
    MAX_PACKAGE_BYTES,
    MAX_PAID_MARKERS,
    MAX_PART_BYTES,
    MAX_TEXT_CHARS,
)
from sucai.ingest.parsers import parse
from sucai.ingest.sources import Candidate, display_name, load_file
from sucai.models import SourceFile

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "DRAFT_SUFFIXES",
    "draft_error_message",
    "draft_from_bytes",
    "draft_from_path",
    "split_paragraphs",
]

#: Suffixes a draft may have (the formats drafts are written in).
DRAFT_SUFFIXES: Final = frozenset({".txt", ".text", ".md", ".markdown", ".docx"})
_LINE: Final = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


def split_paragraphs(text: str) -> list[str]:
    """One paragraph a non-blank line, stripped of surrounding whitespace and indentation."""
    return [line.strip() for line in _LINE.split(text) if line.strip()]


def _check_suffix(name: str) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix not in DRAFT_SUFFIXES:
        kinds = ", ".join(sorted(DRAFT_SUFFIXES))
        raise UnsupportedFormatError(
            f"{name}: a draft to check must be one of {kinds}; save it as .docx or .txt "
            "and check it again."
        )
    return suffix


def _parse(source: SourceFile, encoding: str | None) -> list[str]:
    parsed = parse(source, encoding)
    paragraphs = [b.text.strip() for b in parsed.blocks if b.text.strip()]
    if not paragraphs:
        raise IngestError("empty", f"{source.path}: the draft has no text to check.")
    return paragraphs


def draft_from_path(path: Path, encoding: str | None = None) -> list[str]:
    """The paragraphs of a draft file.

    Raises:
        IngestError: the file is missing, empty, undecodable or damaged;
            :class:`~sucai.errors.UnsupportedFormatError` for other formats.
    """
    if not path.is_file():
        raise IngestError(
            "missing", f"{path}: no such file. Check the path of the draft and try again."
        )
    _check_suffix(str(path))
    return _parse(load_file(Candidate(str(path), fs_path=path)), encoding)


def draft_from_bytes(name: str, data: bytes, encoding: str | None = None) -> list[str]:
    """The paragraphs of an uploaded draft (``name`` gives the format).

    Raises:
        IngestError: as :func:`draft_from_path`.
    """
    suffix = _check_suffix(name)
    return _parse(SourceFile(name, data, hashlib.sha256(data).hexdigest(), suffix), encoding)


#: What a refused draft upload is told, by the error's code (the English message names
#: details such as byte offsets that the page does not need).
_DRAFT_ERRORS: Final = {
    "unsupported": "只能查重 .txt、.md、.docx 文件：请另存为 .docx 或 .txt 后再上传。",
    "empty": "文件中没有可查重的文字。",
    "no-text": "文件中没有可查重的文字。",
    "decode": "无法识别文件的文字编码：请另存为 UTF-8 编码的 .txt 后再上传。",
    "binary": "这不是文本文件（含有二进制数据）：请确认上传的是草稿文件。",
    "damaged": "文件已损坏或不完整，无法读取：请用 Word/WPS 重新保存后再上传。",
    "encrypted": "文件有密码保护，无法读取：请去除密码后另存，再上传。",
    "too-large": f"文件超过 {MAX_FILE_BYTES // 1048576} MB 的大小上限：请拆分后分别查重。",
    "unpacked-too-large": (
        f"文件解压后超过上限（单个部件 {MAX_PART_BYTES // 1048576} MB，全部 "
        f"{MAX_PACKAGE_BYTES // 1048576} MB）：请拆分文档，或用 Word/WPS 重新保存后再上传。"
    ),
    "too-many-members": (
        f"文件内部部件超过 {MAX_ARCHIVE_MEMBERS:,} 个：请用 Word/WPS 重新保存后再上传。"
    ),
    "too-many-lines": f"文件超过 {MAX_LINES:,} 行（段）的上限：请拆分后分别查重。",
    "line-too-long": f"文件中有一行超过 {MAX_LINE_CHARS:,} 字的上限：请按段落分行后再上传。",
    "text-too-long": f"文件超过 {MAX_TEXT_CHARS:,} 字的上限：请拆分后分别查重。",
    "too-many-headings": f"文件中的标题超过 {MAX_HEADINGS:,} 个的上限：请拆分后分别查重。",
    "too-many-markers": (
        f"文件中的付费标记超过 {MAX_PAID_MARKERS:,} 个的上限：请删去多余标记后再上传。"
    ),
    "combining-marks": (
        f"文件中有字符叠加了超过 {MAX_COMBINING_RUN} 个附加符号，不是正常文字：请清理后再上传。"
    ),
}


def draft_error_message(error: IngestError, name: str) -> tuple[str, bool]:
    """A refused draft upload in Chinese for the web page, and whether it was too large.

    Args:
        error: what :func:`draft_from_bytes` raised.
        name: the uploaded file's name.

    Returns:
        ``(message, too_large)``: ``too_large`` for a file past a limit (HTTP 413), else a
        bad file (HTTP 400).
    """
    words = _DRAFT_ERRORS.get(error.code, "无法读取这个文件：请另存为 .docx 或 .txt 后再上传。")
    return f"{display_name(name)}：{words}", isinstance(error, LimitExceededError)
