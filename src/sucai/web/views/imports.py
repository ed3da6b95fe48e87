"""The import page (admins only): uploads and the jobs that import them."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Final

from starlette.responses import Response

from sucai.errors import NotFoundError, UploadError
from sucai.library import ImportOptions
from sucai.web.render import blocking, check_csrf, page, reading
from sucai.web.uploads import job_to_dict, save_upload, too_large
from sucai.web.views.base import after_post, require

if TYPE_CHECKING:
    from starlette.requests import Request

RECENT_JOBS: Final = 30  # import jobs listed on the import page


async def import_page(request: Request) -> Response:
    """``GET /import``: the upload form and the jobs of this run (admins only)."""
    await blocking(request, lambda: require(request, admin=True))
    jobs = await reading(request, lambda reader: reader.import_jobs(RECENT_JOBS))
    limit = request.app.state.settings.max_upload_bytes
    return page(
        request,
        "import.html",
        {"jobs": jobs, "limit_mb": max(1, limit // (1024 * 1024))},
        {"jobs": [job_to_dict(j) for j in jobs]},
    )


async def upload(request: Request) -> Response:
    """``POST /import``: files or .zip archives, streamed to disk, then imported in the background.

    Refused before the body is read: visitors, members, a ``Content-Length`` over the limit.
    """
    account = await blocking(request, lambda: require(request, admin=True))
    limit: int = request.app.state.settings.max_upload_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise too_large(limit)
    jobs = request.app.state.imports
    folder = jobs.new_folder()
    try:
        form = await request.form(max_files=1000, max_fields=20)
        try:
            if not getattr(request.state, "via_token", False):
                check_csrf(request, form.get("csrf"))
            # Screening options (issue 16): checkboxes, off unless ticked.
            options = ImportOptions(
                allow_classified=form.get("allow_classified") == "1",
                redact_personal=form.get("redact_personal") == "1",
            )
            names: list[str] = []
            used = 0
            for item in form.getlist("files"):
                if isinstance(item, str):
                    continue
                name, used = await save_upload(item, folder, limit, used)
                names.append(name)
        finally:
            await form.close()
        if not names:
            raise UploadError("没有收到文件：请选择要导入的文件或 .zip 压缩包。")
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    job_id = await blocking(
        request,
        lambda: jobs.start(folder, names, account, options),
    )
    job = await reading(request, lambda reader: reader.import_job(job_id))
    return after_post(request, f"/import/{job_id}", {"job": job_to_dict(job)})


async def import_status(request: Request) -> Response:
    """``/import/{job}`` and ``/import/{job}.json``: progress, then the report."""
    await blocking(request, lambda: require(request, admin=True))
    job_id = request.path_params["job_id"]
    job = await reading(request, lambda reader: reader.import_job(job_id))
    if job is None:
        raise NotFoundError("没有这个导入任务。")
    return page(request, "import_job.html", {"job": job_to_dict(job)}, {"job": job_to_dict(job)})
