"""The pieces the OpenAPI description is written with (:mod:`sucai.web.openapi` and the
modules of later route families, such as :mod:`sucai.web.openapi_compose`): JSON Schema
helpers, the error envelope of each status, parameters, forms and the search filters."""

from __future__ import annotations

from typing import Any, Final

from sucai.library import MAX_FILTER_CHARS

__all__ = [
    "BOOL",
    "ERRORS",
    "FILE",
    "FILTERS",
    "FILTER_VALUE",
    "INT",
    "NUM",
    "RATIO",
    "STR",
    "Schema",
    "array",
    "closed_object",
    "form",
    "json_body",
    "null",
    "ok",
    "pair",
    "param",
    "path_id",
    "post",
    "ref",
    "responses",
]

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def null(schema: Schema) -> Schema:
    """``schema`` or ``null``."""
    return {"anyOf": [schema, {"type": "null"}]}


STR: Final[Schema] = {"type": "string"}
INT: Final[Schema] = {"type": "integer"}
NUM: Final[Schema] = {"type": "number"}
BOOL: Final[Schema] = {"type": "boolean"}
RATIO: Final[Schema] = {"type": "number", "minimum": 0, "maximum": 1}


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def pair(first: Schema, second: Schema, description: str) -> Schema:
    """A JSON array of two: ``[first, second]``."""
    return {
        "type": "array",
        "description": description,
        "prefixItems": [first, second],
        "minItems": 2,
        "maxItems": 2,
    }


def closed_object(properties: dict[str, Schema], *optional: str) -> Schema:
    """A closed object: every property required except ``optional``, nothing else allowed
    (a field the app adds without describing it fails the fuzz test)."""
    return {
        "type": "object",
        "required": [name for name in properties if name not in optional],
        "properties": properties,
        "additionalProperties": False,
    }


def ok(properties: dict[str, Schema], *optional: str) -> Schema:
    """A success: ``{"ok": true, …}``."""
    return closed_object({"ok": {"const": True}, **properties}, *optional)


#: Filter values are bounded (issue 15): they are repeated in every link of a page.
FILTER_VALUE: Final[Schema] = {"type": "string", "maxLength": MAX_FILTER_CHARS}

ERRORS: Final = {
    400: "bad query, form or file",
    401: "sign-in needed, or a bad API token",
    403: "not allowed, bad CSRF token, or a request from another site",
    404: "not found",
    413: "upload or draft too large",
    429: "rate limit (retry_after, Retry-After), daily quota used up, or too many sign-ins",
    503: "the database is unavailable, or (searches) the search index is being built "
    "(搜索索引正在建立…); Retry-After says when to retry",
}


def json_body(description: str, schema: Schema) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def responses(ok: Schema, *codes: int) -> Schema:
    """The 200 answer and the error envelope for each of ``codes``; every route that reads the
    library may also answer 503 (the database down), so it is always listed."""
    answers = {"200": ok}
    for code in sorted({*codes, 503}):
        answers[str(code)] = json_body(ERRORS[code], ref("Error"))
    return answers


def param(name: str, description: str, where: str = "query", **schema: Any) -> Schema:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema or {"type": "string"},
    }


def path_id(name: str, what: str) -> Schema:
    return param(name, what, "path", type="integer", minimum=0, maximum=2**63 - 1)


def post(summary: str, form: Schema, ok: Schema, *parameters: Schema) -> Schema:
    """A form ``POST`` of a signed-in caller: ``ok`` when JSON is asked for (else a 303 to the
    page that shows the change), 400, 401 or 403 (a bad form, a visitor, another site)."""
    where = {"parameters": list(parameters)} if parameters else {}
    return {
        "post": {
            "summary": summary,
            **where,
            "requestBody": form,
            "responses": responses(ok, 400, 401, 403),
        }
    }


def form(properties: dict[str, Schema], *required: str, multipart: bool = False) -> Schema:
    """A form body; ``csrf`` is the page's token, needed unless the request carries an API
    token (``Authorization: Bearer``)."""
    schema = {
        "type": "object",
        "properties": {
            **properties,
            "csrf": {"type": "string", "description": "the form's CSRF token (not with a token)"},
        },
        "required": list(required),
    }
    kind = "multipart/form-data" if multipart else "application/x-www-form-urlencoded"
    return {"required": True, "content": {kind: {"schema": schema}}}


FILE: Final = {"description": "the file (Content-Disposition names it)"}

FILTERS: Final = [
    param("genre", "文种, e.g. 讲话", **FILTER_VALUE),
    param("role", "speaker role, e.g. 县长", **FILTER_VALUE),
    param("year", "2020, 2020..2025, 2020.. or ..2025", **FILTER_VALUE),
    param("source", "来源: the folder the material was imported from", **FILTER_VALUE),
    param("page", "1-based page (past 500: the last)", type="integer", minimum=1),
]
