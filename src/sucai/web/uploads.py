"""Uploads for the import page (admins only): streamed to a fresh folder on disk (never held
in memory whole) and checked — a size limit, plain file names only, no archive member that
would escape a folder (zip-slip) — before :class:`~sucai.library.ImportJobs` imports them in
the background.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any, Final

from sucai.errors import UploadError, UploadTooLargeError

if TYPE_CHECKING:
    from pathlib import Path

    from sucai.store.records import ImportJobRow

__all__ = ["check_archive", "job_to_dict", "safe_name", "save_upload", "too_large"]

_CHUNK: Final = 1024 * 1024
_UNSAFE: Final = re.compile(r"[\x00-\x1f/\\:*?\"<>|]")


def safe_name(name: str) -> str:
    """An uploaded file's name, when it is a plain file name.

    Raises:
        UploadError: the name is empty, has a folder part (``../../evil``, ``/etc/x``,
            ``C:\\x``) or characters no file name should have: control characters, and
            invisible format characters (Unicode Cf) such as U+202E, which shows
            ``报告\u202etxt.exe`` as ``报告exe.txt`` on the import page (issue 15).
    """
    if (
        not name
        or name in {".", ".."}
        or name.startswith(".")
        or len(name) > 200
        or _UNSAFE.search(name)
        or any(unicodedata.category(ch) == "Cf" for ch in name)
    ):
        raise UploadError(
            f"文件名“{name[:60]}”不安全或无效，已拒绝上传：请只上传普通文件名的文件（不含路径）。"
        )
    return name


def _member_unsafe(name: str) -> bool:
    for path in (PurePosixPath(name), PureWindowsPath(name)):
        if path.is_absolute() or path.drive or ".." in path.parts:
            return True
    return False


def check_archive(path: Path) -> None:
    """Refuse a .zip whose member names would escape a folder when extracted (zip-slip).

    sucai reads archives in memory and never extracts them, but an archive built to attack
    extractors is refused outright rather than half-imported.

    Raises:
        UploadError: a member name is absolute or climbs out with ``..``.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return  # not a readable archive: the import reports it as a failed file
    for name in names:
        if _member_unsafe(name):
            raise UploadError(
                f"压缩包 {path.name} 含有不安全的路径“{name[:60]}”（zip-slip），已拒绝上传。"
            )


def too_large(limit: int) -> UploadTooLargeError:
    """The error for an upload over ``limit`` bytes."""
    return UploadTooLargeError(
        f"上传内容超过大小上限 {limit // (1024 * 1024) or 1} MB，已拒绝。"
        "请分批上传，或请管理员调高上限（--max-upload-mb）。"
    )


def job_to_dict(job: ImportJobRow) -> dict[str, Any]:
    """A job as JSON (``GET /import/{id}.json``); ``files`` only when the row has them."""
    return {
        "id": job.id,
        "state": job.state,
        "user": job.user_name,
        "names": list(job.names),
        "total": job.total,
        "done": job.done,
        "files": list(job.files),
        "report": job.report,
        "error": job.error,
    }


async def save_upload(upload: Any, folder: Path, limit: int, used: int) -> tuple[str, int]:
    """Copy one ``UploadFile`` into ``folder`` in chunks; return its name and new total.

    Raises:
        UploadError: an unsafe name or an unsafe archive.
        UploadTooLargeError: the running total passes ``limit`` bytes.
    """
    name = safe_name(str(upload.filename or ""))
    target = folder / name
    with target.open("wb") as out:
        while chunk := await upload.read(_CHUNK):
            used += len(chunk)
            if used > limit:
                raise too_large(limit)
            out.write(chunk)
    if target.suffix.lower() == ".zip":
        check_archive(target)
    return name, used
