"""The OpenAPI description of the desk's routes (issue 21): favourites and the baskets' names.

Part of :data:`sucai.web.openapi.OPENAPI`, written with the helpers of
:mod:`sucai.web.openapi_parts`.
"""

from __future__ import annotations

from typing import Final

from sucai.web.openapi_parts import (
    BOOL,
    FILE,
    INT,
    STR,
    Schema,
    array,
    form,
    json_body,
    ok,
    param,
    path_id,
    post,
    ref,
    responses,
)

__all__ = ["DESK_PATHS"]

_ARTICLE: Final = path_id("article_id", "article id")
_BASKET: Final = param("name", "the basket", "path")

DESK_PATHS: Final[dict[str, Schema]] = {
    "/favourites.json": {
        "get": {
            "summary": "The caller's favourite articles (收藏), the latest marked first",
            "responses": responses(
                json_body("the favourites", ok({"articles": array(ref("ArticleSummary"))})), 401
            ),
        }
    },
    "/article/{article_id}/favourite": {
        "post": {
            "summary": "Mark (on=1, the default) or unmark (on=0) an article as a favourite",
            "parameters": [_ARTICLE],
            "requestBody": form(
                {"on": {"enum": ["0", "1"]}, "next": {"description": "/favourites: back there"}}
            ),
            "responses": responses(
                json_body("marked", ok({"article_id": INT, "favourite": BOOL})), 400, 401, 403, 404
            ),
        }
    },
    "/download": {
        "post": {
            "summary": "Several articles as one .zip, one file each plus index.csv; each article "
            "counts as one download against the daily quota",
            "parameters": [
                param(name, f"with all=1: only articles of this {name}")
                for name in ("genre", "role", "year", "source")
            ],
            "requestBody": form(
                {
                    "id": {"type": "array", "items": INT, "maxItems": 50},
                    "all": {"enum": ["1"], "description": "the articles of the filters (≤ 50)"},
                    "format": {"enum": ["txt", "md", "docx"]},
                }
            ),
            "responses": responses(FILE, 400, 401, 403, 404, 429),
        }
    },
    "/basket/new": post(
        "Create an empty basket and open it",
        form({"name": STR}, "name"),
        json_body("created", ok({"basket": STR})),
    ),
    "/basket/{name}/rename": post(
        "Rename a basket",
        form({"to": STR}, "to"),
        json_body("renamed", ok({"basket": STR})),
        _BASKET,
    ),
    "/basket/{name}/delete": post(
        "Delete a basket and its items",
        form({}),
        json_body("deleted", ok({"basket": STR})),
        _BASKET,
    ),
}
