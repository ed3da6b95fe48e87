"""提法 over time (issue 20): ``/tifa?q=新质生产力&q=高质量发展`` — how often the library (the
part the viewer may read) uses each phrase per year, as an SVG line chart and a table, and
``/tifa.json``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sucai.library import MAX_PHRASES, TIFA_GROUPS
from sucai.serialize import tifa_to_dict
from sucai.web import access
from sucai.web.chart import line_chart
from sucai.web.limits import check_rate
from sucai.web.render import page, reading
from sucai.web.views.base import who

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from sucai.library import Library
    from sucai.models import Tifa

__all__ = ["tifa_page"]

#: Years shown before the first use of any phrase (the chart starts from nothing).
LEAD_YEARS = 3


async def tifa_page(request: Request) -> Response:
    """``/tifa`` and ``/tifa.json``: each ``q`` (repeatable) counted per ``by`` (year, source
    or genre); an empty form without phrases."""
    params = request.query_params
    phrases = [q.strip() for q in params.getlist("q") if q.strip()]
    by = params.get("by", "year")
    account = await who(request)
    if not phrases:
        context: dict[str, Any] = {"phrases": [], "by": by, "found": [], "groups": TIFA_GROUPS}
        return page(request, "tifa.html", {**context, "inputs": ["", "", ""]}, {"phrases": []})
    await check_rate(request, "search", account)

    def work(library: Library) -> list[Tifa]:
        return access.tifa(library, account, phrases, by)

    found = await reading(request, work)
    context = {
        "phrases": phrases,
        "inputs": [*phrases, ""][:MAX_PHRASES],
        "by": by,
        "groups": TIFA_GROUPS,
        "found": found,
        "keys": _keys(found),
        "cells": [{row.key: row for row in t.rows} for t in found],
        "chart": _chart(found) if by == "year" else None,
        "splits": [_totals(t) for t in found],
    }
    return page(request, "tifa.html", context, tifa_to_dict(found))


def _keys(found: list[Tifa]) -> list[int | str]:
    """The rows shown: for years, from a little before the first use of any phrase."""
    keys = [row.key for row in found[0].rows]
    firsts = [t.first for t in found if t.first is not None]
    if found[0].by != "year" or not firsts:
        return keys
    start = min(firsts) - LEAD_YEARS
    return [k for k in keys if isinstance(k, int) and k >= start]


def _chart(found: list[Tifa]) -> Any:
    years = [k for k in _keys(found) if isinstance(k, int)]
    if not years:
        return None
    series = []
    for t in found:
        rows = {row.key: row for row in t.rows}
        series.append((t.phrase, [rows[y].per_million for y in years]))
    return line_chart(years, series)


def _totals(t: Tifa) -> dict[str, list[tuple[str, int, int]]]:
    """All uses and characters of ``t`` by source and by 文种 (the rows' splits added up)."""
    out: dict[str, list[tuple[str, int, int]]] = {}
    for split in ("by_source", "by_genre"):
        sums: dict[str, list[int]] = {}
        for row in t.rows:
            for name, uses, chars in getattr(row, split):
                tally = sums.setdefault(name, [0, 0])
                tally[0] += uses
                tally[1] += chars
        out[split] = sorted(
            ((n, u, c) for n, (u, c) in sums.items() if u), key=lambda s: (-s[1], s[0])
        )
    return out
