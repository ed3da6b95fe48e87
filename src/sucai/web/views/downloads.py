"""``POST /download``: several articles as one .zip (issue 21), as ``sucai export`` makes it —
one file per article plus ``index.csv`` — chosen on the results page (``id``, repeated) or by
the browse page's filters (in the query string, with ``all=1``).

The same rules as a single download: signed in, the download rate limit, and the daily quota,
where each article of the .zip counts as one download (all recorded, or none when fewer are
left); every file carries the account's stamp; paid text is withheld by
:func:`sucai.web.access.redact_article` for a viewer who may not read it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Final

from sucai.errors import UserError
from sucai.web import access
from sucai.web.limits import check_rate
from sucai.web.render import blocking
from sucai.web.views.base import (
    accounts_of,
    article_filter,
    attachment,
    client_ip,
    download_format,
    library_of,
    load_article,
    posted_form,
    require,
    who,
)

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

#: The most articles in one .zip from the web (the command line has no such bound).
ZIP_MOST: Final = 50


def _chosen(request: Request, ids: list[str], everything: bool) -> list[int]:
    """The article ids of the form, or when ``everything`` the newest :data:`ZIP_MOST` of the
    filters (as the browse page lists them).

    Raises:
        UserError: none chosen, more than :data:`ZIP_MOST` ids, or an id that is not a number.
    """
    library = library_of(request)
    if everything:
        where, _ = article_filter(request)
        found = [a.id for a in library.list(where, limit=ZIP_MOST, newest_first=True)]
    else:
        try:
            found = list(dict.fromkeys(int(i) for i in ids))
        except ValueError:
            raise UserError("要下载的文章编号须是数字。") from None
    if not found:
        raise UserError("没有选中文章：请在检索结果中勾选，或在浏览页选定筛选条件后再下载。")
    if len(found) > ZIP_MOST:
        raise UserError(f"一次至多打包下载 {ZIP_MOST} 篇：请少选几篇，或加筛选条件缩小范围。")
    return found


async def download_zip(request: Request) -> Response:
    """``POST /download`` (``id`` repeated, or ``all=1`` with filters; ``format``): a .zip."""
    await check_rate(request, "download", await who(request))
    form = await posted_form(request)
    fmt = download_format(form, "docx")
    ids = [str(v) for v in form.getlist("id")]
    everything = form.get("all") == "1"

    def work() -> bytes:
        account = require(request)
        library = library_of(request)
        chosen = _chosen(request, ids, everything)
        for article_id in chosen:  # a missing article fails before the quota counts
            load_article(library, account, article_id)
        settings = request.app.state.settings
        stamp = accounts_of(request).record_downloads(
            account,
            [f"article:{i}" for i in chosen],
            fmt,
            client_ip(request),
            line_off_tiers=settings.export_line_off_tiers,
        )
        with tempfile.TemporaryDirectory(prefix="sucai-zip-") as folder:
            out = Path(folder) / "export.zip"
            library.export_many(
                chosen, out, fmt, view=lambda a: access.redact_article(a, account), stamp=stamp
            )
            return out.read_bytes()

    data = await blocking(request, work)
    return attachment(data, "application/zip", "sucai-export.zip", "素材库导出.zip")
