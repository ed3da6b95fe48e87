"""The 写作台 page (``/compose``, ``/compose.json``, issue 20): a topic's skeletons, grouped
headings and, for the groups ticked, candidate paragraphs that link to their passage."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final

from sucai.errors import QueryError
from sucai.library import clean_query_text
from sucai.serialize import composition_to_dict
from sucai.web import access
from sucai.web.limits import check_rate
from sucai.web.render import marked, page, reading, wants_json
from sucai.web.views.base import article_filter, who

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

    from sucai.library import Library, Piece

POSITIONS: Final = {"opening": "开头", "body": "主体", "closing": "结尾"}
#: Groups a page may tick at once (each is a search).
MAX_PICKS: Final = 8


def _picks(request: Request) -> list[int]:
    values = request.query_params.getlist("pick")
    try:
        picks = sorted({int(v) for v in values if v})
    except ValueError:
        raise QueryError("所选分组须为组号。") from None
    if len(picks) > MAX_PICKS:
        raise QueryError(f"一次最多选 {MAX_PICKS} 组标题。")
    return picks


def _piece_view(piece: Piece) -> dict[str, Any]:
    return {
        "piece": piece,
        "html": marked(piece.text, list(piece.highlights)),
        "link": f"/article/{piece.article_id}#p{piece.paragraph}",
    }


async def compose(request: Request) -> Response:
    """``/compose?topic=…&genre=…&pick=N``: the 写作台 as the viewer may read it."""
    topic = clean_query_text(request.query_params.get("topic", "")).strip()
    picks = _picks(request)
    account = await who(request)
    if topic:
        await check_rate(request, "search", account)

    def work(library: Library) -> dict[str, Any]:
        where, kept = article_filter(request)
        base: dict[str, Any] = {"topic": topic, "filters": kept, "picks": picks}
        if not topic:
            return {**base, "result": None}
        result = access.compose(library, account, topic, where=where, picks=picks)
        return {**base, "result": result}

    context = await reading(request, work)
    result = context["result"]
    if result is None:
        if wants_json(request):
            raise QueryError("请输入主题。")
        return page(request, "compose.html", {**context, "positions": POSITIONS})
    context.update(
        positions=POSITIONS,
        pieces={g.number: [_piece_view(p) for p in g.pieces] for g in result.groups},
        jinju=[_piece_view(p) for p in result.jinju],
    )
    return page(request, "compose.html", context, composition_to_dict(result))
