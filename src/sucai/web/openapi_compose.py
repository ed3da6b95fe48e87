"""The OpenAPI description of the 写作台 (``/compose.json``, issue 20), merged into
:data:`sucai.web.openapi.OPENAPI`."""

from __future__ import annotations

from typing import Final

from sucai.library import MAX_QUERY_CHARS
from sucai.web.openapi_parts import (
    FILTERS,
    INT,
    NUM,
    STR,
    Schema,
    array,
    closed_object,
    json_body,
    null,
    ok,
    pair,
    param,
    ref,
    responses,
)

__all__ = ["COMPOSE_PATHS", "COMPOSE_SCHEMAS"]

_POSITION: Final[Schema] = {"enum": ["opening", "body", "closing"]}
_WHERE: Final[dict[str, Schema]] = {
    "title": STR,
    "role": null(STR),
    "genre": STR,
    "issued_on": null(STR),
    "year": null(INT),
}
_HEADING: Final = closed_object(
    {
        "article_id": INT,
        "entry": INT,
        "paragraph": INT,
        "text": STR,
        "position": _POSITION,
        "words": array(STR),
    }
)

COMPOSE_SCHEMAS: Final[dict[str, Schema]] = {
    "LawStatus": null(
        closed_object(
            {
                "status": {"enum": ["现行有效", "已修正", "已废止"]},
                "by_id": null(INT),
                "by_title": null(STR),
                "by_version": null(STR),
                "label": STR,
            }
        )
    ),
    "ComposePiece": closed_object(
        {
            "article_id": INT,
            "paragraph": INT,
            **_WHERE,
            "text": STR,
            "highlights": array(pair(INT, INT, "[start, end) in characters of text")),
            "score": NUM,
            "folded": {"type": "integer", "minimum": 0, "description": "near-duplicates folded"},
            "status": ref("LawStatus"),
            "link": {"type": "string", "description": "/article/ID#pN: the passage, marked"},
        }
    ),
    "Composition": ok(
        {
            "topic": STR,
            "genre": null(STR),
            "role": null(STR),
            "year_from": null(INT),
            "year_to": null(INT),
            "skeletons": array(
                closed_object(
                    {
                        "article_id": INT,
                        **_WHERE,
                        "headings": array(_HEADING),
                        "status": ref("LawStatus"),
                        "link": STR,
                    }
                )
            ),
            "groups": array(
                closed_object(
                    {
                        "number": INT,
                        "label": STR,
                        "position": _POSITION,
                        "headings": array(_HEADING),
                        "words": array(STR),
                        "pieces": array(ref("ComposePiece")),
                    }
                )
            ),
            "jinju": array(ref("ComposePiece")),
            "notes": array(STR),
        }
    ),
}

COMPOSE_PATHS: Final[dict[str, Schema]] = {
    "/compose.json": {
        "get": {
            "summary": "写作台: a topic's skeletons, grouped headings and, for the groups "
            "picked, candidate paragraphs with their sources (also /compose with Accept)",
            "parameters": [
                {
                    **param(
                        "topic",
                        "the topic (a query: words, phrases, -excluded)",
                        type="string",
                        minLength=1,
                        maxLength=MAX_QUERY_CHARS,
                    ),
                    "required": True,
                },
                *[p for p in FILTERS if p["name"] != "page"],
                {
                    **param("pick", "a group whose paragraphs are wanted (repeatable)"),
                    "schema": array({"type": "integer", "minimum": 1}),
                    "style": "form",
                    "explode": True,
                },
            ],
            "responses": responses(json_body("the 写作台", ref("Composition")), 400, 401, 429),
        }
    },
}
