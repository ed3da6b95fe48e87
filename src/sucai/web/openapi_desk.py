"""The OpenAPI description of the desk's routes (issue 21): favourites and the baskets' names.

Part of :data:`sucai.web.openapi.OPENAPI`, written with its helpers (``openapi.py`` imports
this module after defining them).
"""

from __future__ import annotations

from typing import Final

from sucai.web.openapi import (
    _FILE,
    BOOL,
    INT,
    STR,
    Schema,
    _array,
    _form,
    _id,
    _json,
    _ok,
    _param,
    _post,
    _ref,
    _responses,
)

__all__ = ["DESK_PATHS"]

_ARTICLE: Final = _id("article_id", "article id")
_BASKET: Final = _param("name", "the basket", "path")

DESK_PATHS: Final[dict[str, Schema]] = {
    "/favourites.json": {
        "get": {
            "summary": "The caller's favourite articles (收藏), the latest marked first",
            "responses": _responses(
                _json("the favourites", _ok({"articles": _array(_ref("ArticleSummary"))})), 401
            ),
        }
    },
    "/article/{article_id}/favourite": {
        "post": {
            "summary": "Mark (on=1, the default) or unmark (on=0) an article as a favourite",
            "parameters": [_ARTICLE],
            "requestBody": _form(
                {"on": {"enum": ["0", "1"]}, "next": {"description": "/favourites: back there"}}
            ),
            "responses": _responses(
                _json("marked", _ok({"article_id": INT, "favourite": BOOL})), 400, 401, 403, 404
            ),
        }
    },
    "/download": {
        "post": {
            "summary": "Several articles as one .zip, one file each plus index.csv; each article "
            "counts as one download against the daily quota",
            "parameters": [
                _param(name, f"with all=1: only articles of this {name}")
                for name in ("genre", "role", "year", "source")
            ],
            "requestBody": _form(
                {
                    "id": {"type": "array", "items": INT, "maxItems": 50},
                    "all": {"enum": ["1"], "description": "the articles of the filters (≤ 50)"},
                    "format": {"enum": ["txt", "md", "docx"]},
                }
            ),
            "responses": _responses(_FILE, 400, 401, 403, 404, 429),
        }
    },
    "/basket/new": _post(
        "Create an empty basket and open it",
        _form({"name": STR}, "name"),
        _json("created", _ok({"basket": STR})),
    ),
    "/basket/{name}/rename": _post(
        "Rename a basket",
        _form({"to": STR}, "to"),
        _json("renamed", _ok({"basket": STR})),
        _BASKET,
    ),
    "/basket/{name}/delete": _post(
        "Delete a basket and its items",
        _form({}),
        _json("deleted", _ok({"basket": STR})),
        _BASKET,
    ),
}
