"""查重 (issue 6): the check page, its report as HTML, JSON, .docx or PDF (issue 18)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any, Final

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response

from sucai.errors import (
    IngestError,
    RateLimitedError,
    UploadError,
    UploadTooLargeError,
    UserError,
)
from sucai.library import (
    DEFAULT_MIN_SPAN,
    MEDIA_TYPES,
    draft_error_message,
    draft_from_bytes,
    report_css,
    report_docx,
    report_html,
    report_pdf,
    split_paragraphs,
)
from sucai.serialize import overlap_report_to_dict
from sucai.web import access
from sucai.web.limits import DRAFT_CHARS, PDF_RETRY_SECONDS, check_rate, draft_chars
from sucai.web.render import check_csrf, page, reading, wants_json
from sucai.web.uploads import too_large
from sucai.web.views.base import attachment, current_account, int_param, who

if TYPE_CHECKING:
    import threading
    from collections.abc import AsyncIterator

    from starlette.datastructures import UploadFile
    from starlette.requests import Request

    from sucai.library import Library, MatchSpan, OverlapReport, SourceShare


#: The largest draft file the check page takes, in bytes (its length in characters is bounded
#: per viewer by :func:`~sucai.web.limits.draft_chars`).
CHECK_MAX_BYTES: Final = 10 * 1024 * 1024


def _check_context(
    report: OverlapReport | None, text: str, min_span: int, max_chars: int
) -> dict[str, Any]:
    def link(span: MatchSpan) -> str:
        return f"/article/{span.article_id}#p{span.paragraph_index}"

    def source_link(source: SourceShare) -> str:
        return f"/article/{source.article_id}"

    return {
        "report": report,
        "report_html": report_html(report, link=link, source_link=source_link) if report else "",
        "text": text,
        "min_span": min_span,
        "max_chars": max_chars,
        "max_mb": CHECK_MAX_BYTES // (1024 * 1024),
    }


async def check_page(request: Request) -> Response:
    """``GET /check``: the 查重 form (paste text or choose a file); open to every viewer."""
    account = await who(request)
    context = _check_context(None, "", DEFAULT_MIN_SPAN, draft_chars(account))
    limits = {k: context[k] for k in ("min_span", "max_chars", "max_mb")}
    return page(request, "check.html", context, limits)


def _too_long(chars: int | None, limit: int) -> UserError:
    size = f"{chars} 字，" if chars is not None else ""
    members = DRAFT_CHARS["reader"]
    more = f"；会员上限 {members} 字" if limit < members else ""
    return UserError(f"草稿过长（{size}上限 {limit} 字{more}）：请分段查重。")


async def _draft(request: Request) -> tuple[list[str], str, str, int, str]:
    """The posted draft: ``(paragraphs, name, pasted text, min_span, format)``.

    Checked before any work: the account's 查重 rate, the declared size, and the draft's
    length in characters (:func:`~sucai.web.limits.draft_chars`: visitors less than members).
    """
    account = await who(request)
    await check_rate(request, "check", account)
    limit = draft_chars(account)
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > CHECK_MAX_BYTES + 64 * 1024:
        raise too_large(CHECK_MAX_BYTES)
    try:
        # A pasted field holds at most 4 bytes a character in UTF-8, and 9 once URL-encoded
        # (%E6%8B%9B: a form posted as application/x-www-form-urlencoded).
        form = await request.form(max_files=1, max_fields=10, max_part_size=9 * limit + 1024)
    except HTTPException as exc:
        if exc.status_code != 400:
            raise
        # Starlette's message is English ("Field exceeded maximum size of 1024KB").
        raise _too_long(None, limit) from None
    try:
        if not getattr(request.state, "via_token", False):
            check_csrf(request, form.get("csrf"))
        text = str(form.get("text") or "")
        fmt = str(form.get("format") or "html")
        min_span = int_param(
            str(form.get("min_span") or DEFAULT_MIN_SPAN), DEFAULT_MIN_SPAN, 5, 200
        )
        upload: UploadFile | str | None = form.get("file")
        data, name = b"", ""
        if upload is not None and not isinstance(upload, str) and upload.filename:
            name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
            data = await upload.read(CHECK_MAX_BYTES + 1)
            if len(data) > CHECK_MAX_BYTES:
                raise too_large(CHECK_MAX_BYTES)
    finally:
        await form.close()
    if fmt not in ("html", "docx", "pdf"):
        raise UserError(f"报告格式“{fmt[:20]}”未知：请选择 html、docx 或 pdf。")
    if data:
        try:
            # Parsing a .docx takes a while: off the event loop, beside the library's threads.
            paragraphs = await run_in_threadpool(draft_from_bytes, name, data)
        except IngestError as exc:
            # A bad file is a 400, one past a limit a 413; in our words, in Chinese (#22).
            message, over_limit = draft_error_message(exc, name)
            raise (UploadTooLargeError if over_limit else UploadError)(message) from None
        chars = sum(len(p) for p in paragraphs)
        if chars > limit:
            raise _too_long(chars, limit)
        return paragraphs, name, "", min_span, fmt
    if len(text) > limit:
        raise _too_long(len(text), limit)
    paragraphs = split_paragraphs(text)
    if not paragraphs:
        raise UserError("请粘贴要查重的文字，或选择一个 .txt、.md、.docx 文件。")
    return paragraphs, "", text, min_span, fmt


async def check(request: Request) -> Response:
    """``POST /check`` and ``POST /check.json``: the overlap report of a pasted or uploaded draft.

    Form fields: ``text`` (pasted) or ``file`` (.txt/.md/.docx), ``min_span``, and ``format``
    (``html``; ``docx`` or ``pdf`` for the report as a download). Source text of paid
    paragraphs takes no part for viewers who may not read it (:func:`~sucai.web.access.check`).
    A PDF is rendered by LibreOffice, :data:`~sucai.web.limits.PDF_CONVERSIONS` at a time
    per server process: a PDF request that finds them all taken is refused with 429 before
    its draft is checked.
    """
    paragraphs, name, text, min_span, fmt = await _draft(request)
    account = current_account(request)  # read by _draft
    download = fmt if fmt in ("docx", "pdf") and not wants_json(request) else None

    def work(reader: Library) -> OverlapReport:
        return access.check(reader, account, paragraphs, min_span=min_span, name=name)

    async with _pdf_slot(request, download == "pdf"):
        # It only reads: beside searches, never holding up imports and sign-ins.
        report = await reading(request, work)
        if download == "pdf":
            pdf = await run_in_threadpool(report_pdf, report)
            return attachment(pdf, "application/pdf", "check-report.pdf", _report_name(name, "pdf"))
    if download == "docx":
        docx = report_docx(report)
        return attachment(
            docx, MEDIA_TYPES["docx"], "check-report.docx", _report_name(name, "docx")
        )
    context = _check_context(report, text, min_span, draft_chars(current_account(request)))
    return page(request, "check.html", context, overlap_report_to_dict(report))


def _report_name(draft: str, suffix: str) -> str:
    return f"查重报告-{draft or '草稿'}.{suffix}"


@contextlib.asynccontextmanager
async def _pdf_slot(request: Request, wanted: bool) -> AsyncIterator[None]:
    """Hold one of the app's PDF slots while ``wanted`` (see :func:`check`)."""
    if not wanted:
        yield
        return
    slots: threading.BoundedSemaphore = request.app.state.pdf_slots
    if not slots.acquire(blocking=False):
        await asyncio.sleep(request.app.state.limiter.delay)
        raise RateLimitedError(
            f"PDF 报告正在为其他查重生成，请 {PDF_RETRY_SECONDS} 秒后再试，或下载 Word 报告。",
            PDF_RETRY_SECONDS,
        )
    try:
        yield
    finally:
        slots.release()


async def check_css(request: Request) -> Response:
    """``/check.css``: the report's style sheet (one file for the page and ``--html``)."""
    return Response(report_css(), media_type="text/css; charset=utf-8")
