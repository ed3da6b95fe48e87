"""An article's page (``/article/{id}``) and its download."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from sucai.errors import IndexBuildingError
from sucai.library import MEDIA_TYPES, article_findings
from sucai.serialize import article_to_dict, law_status_to_dict, summary_to_dict
from sucai.web import access
from sucai.web.limits import check_rate
from sucai.web.render import blocking, marked, page, reading
from sucai.web.views.base import (
    accounts_of,
    attachment,
    current_account,
    download_format,
    library_of,
    load_article,
    posted_form,
    record_download,
    who,
)

if TYPE_CHECKING:
    from starlette.requests import Request

    from sucai.library import Library
    from sucai.models import Article


async def article(request: Request) -> Response:
    """``/article/{id}`` and ``/article/{id}.json``: one article as the viewer may read it."""
    article_id = int(request.path_params["article_id"])

    account = await who(request)

    def work(library: Library) -> dict[str, Any]:
        shown = load_article(library, account, article_id)
        try:
            related = access.similar(library, account, article_id, 8)
        except IndexBuildingError:
            related = []  # the article reads from the library; "similar" waits for the index
        return {
            "article": shown,
            "similar": related,
            "locked": sum(1 for p in shown.paragraphs if p.paid and not p.text),
            "versions": library.versions(article_id),
            "status": access.law_status(library, account, article_id),
        }

    context = await reading(request, work)
    if account.user is not None:
        context["downloads_today"], context["favourite"] = await blocking(
            request,
            lambda: (
                accounts_of(request).downloads_today(account),
                library_of(request).is_favourite(account.name, article_id),
            ),
        )
    else:
        context["downloads_today"], context["favourite"] = 0, False
    shown: Article = context["article"]
    data = {
        # Server paths and file hashes are for admins; others get file names (issue 15).
        **article_to_dict(shown, file_details=account.is_admin),
        "locked_paragraphs": context["locked"],
        "similar": [
            {**summary_to_dict(s.article), "score": round(s.score, 3)} for s in context["similar"]
        ],
        # Other versions of a law (issue 6).
        "versions": [asdict(v) for v in context["versions"]],
        # Whether a law is in force (issue 20).
        "status": law_status_to_dict(context["status"]),
    }
    first_locked = next((p.index for p in shown.paragraphs if p.paid and not p.text), None)
    # Hygiene (issue 5) runs on the article as shown, so it never reveals paid text.
    hygiene = article_findings(shown)
    data["hygiene"] = [
        {"paragraph": para.index, **asdict(f)} for para in hygiene.paragraphs for f in para.findings
    ]
    context.update(
        hygiene={
            para.index: marked(
                shown.title if para.index < 0 else shown.paragraphs[para.index].text,
                [(f.start, f.end) for f in para.findings],
            )
            for para in hygiene.paragraphs
        },
        hygiene_count=hygiene.count,
        first_locked=first_locked,
        toc=shown.outline,
        # A source that held a near-duplicate (issue 6) says how close it was.
        sources=[
            s.path.replace("\\", "/").rsplit("/", 1)[-1]
            + (f"（近似 {s.similarity:.2f}）" if s.similarity is not None else "")
            for s in shown.sources
        ],
    )
    return page(request, "article.html", context, data)


async def download(request: Request) -> Response:
    """``POST /article/{id}/download`` (``format=txt|md|docx``): counts against the quota.

    The file carries who took it (issue 15): the audit line's code in its text (and .docx
    properties) and, unless the account's tier is in ``export_line_off_tiers``, the line
    ``仅供 NAME 使用 · date`` in its footer.
    """
    article_id = int(request.path_params["article_id"])
    await check_rate(request, "download", await who(request))
    form = await posted_form(request)
    fmt = download_format(form, "txt")

    def work() -> tuple[str, bytes]:
        account = current_account(request)
        library = library_of(request)
        # A missing article fails before the quota counts.
        load_article(library, account, article_id)
        stamp = record_download(request, account, f"article:{article_id}", fmt)
        return library.export(
            article_id, fmt, view=lambda a: access.redact_article(a, account), stamp=stamp
        )

    file_name, data = await blocking(request, work)
    return attachment(data, MEDIA_TYPES[fmt], f"article-{article_id}.{fmt}", file_name)
