"""The OpenAPI description of 金句 and 提法 (issue 20): ``/jinju.json``, ``/tifa.json`` and the
``jinju`` of an article, merged into :data:`sucai.web.openapi.OPENAPI`."""

from __future__ import annotations

from typing import Final

from sucai.library import JINJU_KINDS, MAX_PHRASES, MAX_QUERY_CHARS, TIFA_GROUPS
from sucai.web.openapi_parts import (
    BOOL,
    INT,
    NUM,
    STR,
    Schema,
    array,
    closed_object,
    json_body,
    null,
    ok,
    param,
    ref,
    responses,
)

__all__ = ["ARTICLE_JINJU", "JINJU_PATHS", "JINJU_SCHEMAS"]

#: ``[name, uses, characters]`` of a source or 文种.
_SPLIT: Final[Schema] = {
    "type": "array",
    "items": {"type": ["string", "integer"]},
    "minItems": 3,
    "maxItems": 3,
}
#: Why a query of these routes is refused (400), besides the common reasons.
_REFUSED: Final = (
    "A bad query answers 400: an unknown kind, no phrase, too many or too long phrases, a bad by."
)


JINJU: Final[Schema] = closed_object(
    {
        "kind": {"enum": list(JINJU_KINDS)},
        "text": STR,
        "article_id": INT,
        "title": STR,
        "role": null(STR),
        "genre": STR,
        "issued_on": null(STR),
        "year": null(INT),
        "paragraph_index": INT,
        "start": {"type": "integer", "description": "character offset in the paragraph"},
        "stop": {"type": "integer", "description": "character offset (exclusive)"},
        "paid": BOOL,
        "elsewhere": {
            "type": "integer",
            "minimum": 0,
            "description": "other 金句 of the list that quote the same saying (this one is "
            "the newest); 0 in an article's list",
        },
    }
)

JINJU_SCHEMAS: Final[dict[str, Schema]] = {
    "Jinju": JINJU,
    "JinjuPage": ok(
        {"total": INT, "offset": INT, "limit": null(INT), "jinju": array(ref("Jinju"))}
    ),
    "Tifa": ok(
        {
            "phrases": array(
                closed_object(
                    {
                        "phrase": STR,
                        "by": {"enum": list(TIFA_GROUPS)},
                        "first": null(INT),
                        "last": null(INT),
                        "uses": INT,
                        "rows": array(
                            closed_object(
                                {
                                    "key": {"type": ["integer", "string"]},
                                    "uses": INT,
                                    "chars": INT,
                                    "per_million": NUM,
                                    "by_source": array(_SPLIT),
                                    "by_genre": array(_SPLIT),
                                }
                            )
                        ),
                    }
                )
            )
        }
    ),
}

#: What ``/article/{id}.json`` adds: the 金句 of the paragraphs the caller may read.
ARTICLE_JINJU: Final[dict[str, Schema]] = {"jinju": array(ref("Jinju"))}

JINJU_PATHS: Final[dict[str, Schema]] = {
    "/jinju.json": {
        "get": {
            "summary": "金句 holding every word of q (all, newest first, without q); "
            "of the free text alone for visitors",
            "description": _REFUSED,
            "parameters": [
                param("q", "words, separated by spaces", type="string", maxLength=MAX_QUERY_CHARS),
                param("kind", "one kind", enum=["", *JINJU_KINDS]),
                param("page", "1-based page", type="integer", minimum=1),
            ],
            "responses": responses(json_body("a page of 金句", ref("JinjuPage")), 400, 401, 429),
        }
    },
    "/tifa.json": {
        "get": {
            "summary": "提法 over time: each phrase's exact uses and uses per million "
            "characters per year (source, 文种); of the free text alone for visitors",
            "description": _REFUSED,
            "parameters": [
                {
                    **param("q", "a phrase (repeat: several)", type="string", maxLength=40),
                    "explode": True,
                },
                param("by", "what a row is", enum=list(TIFA_GROUPS)),
            ],
            "responses": responses(
                json_body(f"per phrase (at most {MAX_PHRASES})", ref("Tifa")), 400, 401, 429
            ),
        }
    },
}
