"""The OpenAPI description of 金句 and 提法 (issue 20): ``/jinju.json``, ``/tifa.json`` and the
``jinju`` of an article, merged into :data:`sucai.web.openapi.OPENAPI`."""

from __future__ import annotations

from typing import Any, Final

from sucai.library import JINJU_KINDS, MAX_PHRASES, MAX_QUERY_CHARS, TIFA_GROUPS

__all__ = ["ARTICLE_JINJU", "JINJU_PATHS", "JINJU_SCHEMAS"]

Schema = dict[str, Any]
_INT: Final[Schema] = {"type": "integer"}
_STR: Final[Schema] = {"type": "string"}
_NULL_STR: Final[Schema] = {"anyOf": [_STR, {"type": "null"}]}
_NULL_INT: Final[Schema] = {"anyOf": [_INT, {"type": "null"}]}
#: ``[name, uses, characters]`` of a source or 文种.
_SPLIT: Final[Schema] = {
    "type": "array",
    "items": {"type": ["string", "integer"]},
    "minItems": 3,
    "maxItems": 3,
}
_ERRORS: Final = {
    "400": "bad query (an unknown kind, no phrase, too many or too long phrases, a bad by)",
    "401": "a bad API token",
    "429": "rate limit (retry_after, Retry-After)",
    "503": "the database is unavailable, or the search index is being built; Retry-After",
}


def _closed(properties: dict[str, Schema]) -> Schema:
    return {
        "type": "object",
        "required": list(properties),
        "properties": properties,
        "additionalProperties": False,
    }


def _answers(description: str, schema: str) -> Schema:
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    return {
        "200": {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
        },
        **{code: {"description": what, **error} for code, what in _ERRORS.items()},
    }


def _query(name: str, description: str, schema: Schema) -> Schema:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


JINJU: Final[Schema] = _closed(
    {
        "kind": {"enum": list(JINJU_KINDS)},
        "text": _STR,
        "article_id": _INT,
        "title": _STR,
        "role": _NULL_STR,
        "genre": _STR,
        "issued_on": _NULL_STR,
        "year": _NULL_INT,
        "paragraph_index": _INT,
        "start": {"type": "integer", "description": "character offset in the paragraph"},
        "stop": {"type": "integer", "description": "character offset (exclusive)"},
        "paid": {"type": "boolean"},
    }
)

JINJU_SCHEMAS: Final[dict[str, Schema]] = {
    "Jinju": JINJU,
    "JinjuPage": _closed(
        {
            "ok": {"const": True},
            "total": _INT,
            "offset": _INT,
            "limit": _NULL_INT,
            "jinju": {"type": "array", "items": {"$ref": "#/components/schemas/Jinju"}},
        }
    ),
    "Tifa": _closed(
        {
            "ok": {"const": True},
            "phrases": {
                "type": "array",
                "items": _closed(
                    {
                        "phrase": _STR,
                        "by": {"enum": list(TIFA_GROUPS)},
                        "first": _NULL_INT,
                        "last": _NULL_INT,
                        "uses": _INT,
                        "rows": {
                            "type": "array",
                            "items": _closed(
                                {
                                    "key": {"type": ["integer", "string"]},
                                    "uses": _INT,
                                    "chars": _INT,
                                    "per_million": {"type": "number"},
                                    "by_source": {"type": "array", "items": _SPLIT},
                                    "by_genre": {"type": "array", "items": _SPLIT},
                                }
                            ),
                        },
                    }
                ),
            },
        }
    ),
}

#: What ``/article/{id}.json`` adds: the 金句 of the paragraphs the caller may read.
ARTICLE_JINJU: Final[dict[str, Schema]] = {
    "jinju": {"type": "array", "items": {"$ref": "#/components/schemas/Jinju"}}
}

JINJU_PATHS: Final[dict[str, Schema]] = {
    "/jinju.json": {
        "get": {
            "summary": "金句 holding every word of q (all, newest first, without q); "
            "of the free text alone for visitors",
            "parameters": [
                _query(
                    "q",
                    "words, separated by spaces",
                    {"type": "string", "maxLength": MAX_QUERY_CHARS},
                ),
                _query("kind", "one kind", {"enum": ["", *JINJU_KINDS]}),
                _query("page", "1-based page", {"type": "integer", "minimum": 1}),
            ],
            "responses": _answers("a page of 金句", "JinjuPage"),
        }
    },
    "/tifa.json": {
        "get": {
            "summary": "提法 over time: each phrase's exact uses and uses per million "
            "characters per year (source, 文种); of the free text alone for visitors",
            "parameters": [
                {
                    **_query(
                        "q", "a phrase (repeat: several)", {"type": "string", "maxLength": 40}
                    ),
                    "explode": True,
                },
                _query("by", "what a row is", {"enum": list(TIFA_GROUPS)}),
            ],
            "responses": _answers(f"per phrase (at most {MAX_PHRASES})", "Tifa"),
        }
    },
}
