"""The OpenAPI description served at ``/openapi.json``, written by hand from small helpers.

It describes every route that answers JSON (issue 15): the ``.json`` twins of the pages, every
form ``POST`` (which answers JSON when asked with ``Accept: application/json``), the error
envelope of each status a route can give, and the limits the handlers enforce (query length,
filter length, 查重 draft caps per viewer). ``tests/web/test_openapi.py`` walks the app's
routes and fails when one that answers JSON is not described here, or when a path described
here is not a route; ``tests/web/test_fuzz.py`` sends what this description allows, as
visitor, member and admin, and checks every answer against it.
"""

from __future__ import annotations

from typing import Any, Final

from sucai.library import MAX_FILTER_CHARS, MAX_QUERY_CHARS, MAX_QUOTA, MAX_TIER, MIN_PASSWORD
from sucai.web.limits import DRAFT_CHARS
from sucai.web.openapi_health import HEALTH

__all__ = ["OPENAPI"]

Schema = dict[str, Any]

#: The most 查重 characters anyone may send (a member's or admin's draft).
_MAX_DRAFT: Final = DRAFT_CHARS["reader"]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _null(schema: Schema) -> Schema:
    """``schema`` or ``null``."""
    return {"anyOf": [schema, {"type": "null"}]}


STR: Final[Schema] = {"type": "string"}
INT: Final[Schema] = {"type": "integer"}
NUM: Final[Schema] = {"type": "number"}
BOOL: Final[Schema] = {"type": "boolean"}
RATIO: Final[Schema] = {"type": "number", "minimum": 0, "maximum": 1}


#: A form's optional number: a whole number, or empty for "none" (the default).
_QUOTA: Final[Schema] = {
    "anyOf": [{"type": "integer", "minimum": 0, "maximum": MAX_QUOTA}, {"const": ""}],
    "description": "downloads a day; empty: the tier's default",
}
_TIER: Final[Schema] = {"type": "string", "maxLength": MAX_TIER, "description": "empty: none"}
_PASSWORD: Final[Schema] = {"type": "string", "minLength": MIN_PASSWORD}


def _array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def _pair(first: Schema, second: Schema, description: str) -> Schema:
    """A JSON array of two: ``[first, second]``."""
    return {
        "type": "array",
        "description": description,
        "prefixItems": [first, second],
        "minItems": 2,
        "maxItems": 2,
    }


def _object(properties: dict[str, Schema], *optional: str) -> Schema:
    """A closed object: every property required except ``optional``, nothing else allowed
    (a field the app adds without describing it fails the fuzz test)."""
    return {
        "type": "object",
        "required": [name for name in properties if name not in optional],
        "properties": properties,
        "additionalProperties": False,
    }


def _ok(properties: dict[str, Schema], *optional: str) -> Schema:
    """A success: ``{"ok": true, …}``."""
    return _object({"ok": {"const": True}, **properties}, *optional)


#: Filter values are bounded (issue 15): they are repeated in every link of a page.
_FILTER_VALUE: Final[Schema] = {"type": "string", "maxLength": MAX_FILTER_CHARS}
#: What an article's description and its summary's start with, after the id.
_HEAD: Final[dict[str, Schema]] = {
    "title": STR,
    "role": _null(STR),
    "genre": STR,
    "issued_on": _null(STR),
    "year": _null(INT),
}
_SUMMARY: Final[dict[str, Schema]] = {
    "id": INT,
    **_HEAD,
    "chars": INT,
    "added_at": STR,
    "paragraphs": INT,
    "sources": INT,
}

SCHEMAS: Final[dict[str, Schema]] = {
    "Error": _object(
        {
            "ok": {"const": False},
            "error": {"type": "string", "minLength": 1, "description": "the messages, joined"},
            "errors": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "retry_after": {
                "type": "integer",
                "minimum": 1,
                "description": "429 for a rate limit: seconds to wait (also Retry-After)",
            },
        },
        "retry_after",
    ),
    "Facets": _object(
        {
            name: _array(_pair(value, {"type": "integer", "minimum": 1}, "[value, count]"))
            for name, value in (("genre", STR), ("role", STR), ("year", INT), ("source", STR))
        }
    ),
    "ArticleSummary": _object(_SUMMARY),
    "Hit": _object(
        {
            "article_id": INT,
            "title": STR,
            "role": _null(STR),
            "genre": STR,
            "year": _null(INT),
            "paragraph_index": _null({"type": "integer", "minimum": 0}),
            "text": {
                "type": "string",
                "description": "empty in a paid paragraph a viewer may not read",
            },
            "highlights": _array(_pair(INT, INT, "[start, end) in characters of text")),
            "outline_path": _array(STR),
            "paid": BOOL,
            "score": NUM,
        }
    ),
    "SearchPage": _ok(
        {
            "total": {"type": "integer", "minimum": 0},
            "offset": {"type": "integer", "minimum": 0},
            "limit": _null(INT),
            "hits": _array(_ref("Hit")),
            "facets": _ref("Facets"),
            "suggestions": _array(_ref("Suggestion")),
        },
        "facets",
    ),
    "Suggestion": _object(
        {
            "query": STR,
            "total": {"type": "integer", "minimum": 1},
            "kind": {"enum": ["typo", "longer", "fewer"]},
        }
    ),
    "Browse": _ok(
        {
            "total": {"type": "integer", "minimum": 0},
            "offset": {"type": "integer", "minimum": 0},
            "articles": _array(_ref("ArticleSummary")),
            "facets": _ref("Facets"),
            "today": _array(_ref("ArticleSummary")),
        }
    ),
    "Paragraph": _object(
        {
            "index": INT,
            "text": {"type": "string", "description": "empty when paid and not readable"},
            "paid": BOOL,
            "heading": INT,
            "section": _null(INT),
            "kind": STR,
        }
    ),
    "OutlineEntry": _object(
        {
            "index": INT,
            "level": INT,
            "text": STR,
            "paragraph": INT,
            "parent": _null(INT),
            "kind": STR,
        }
    ),
    "Source": _object(
        {
            "file_id": INT,
            "path": {"type": "string", "description": "admins: the server path; others: the name"},
            "sha256": {"type": "string", "description": "admins only"},
            "position": INT,
            "compilation_title": STR,
            "copy_id": _null(INT),
            "similarity": _null(NUM),
        },
        "sha256",
    ),
    "Article": _ok(
        {
            "id": INT,
            **_HEAD,
            "doc_number": _null(STR),
            "issuer": _null(STR),
            "addressee": _null(STR),
            "signer": _null(STR),
            "attachments": _array(STR),
            "chars": INT,
            "added_at": STR,
            "sources": _array(_ref("Source")),
            "outline": _array(_ref("OutlineEntry")),
            "paragraphs": _array(_ref("Paragraph")),
            "locked_paragraphs": {"type": "integer", "minimum": 0},
            "similar": _array(_object({**_SUMMARY, "score": NUM})),
            "versions": _array(
                _object(
                    {
                        "article_id": INT,
                        "title": STR,
                        "version": _null(STR),
                        "issued_on": _null(STR),
                    }
                )
            ),
            "hygiene": _array(
                _object(
                    {
                        "paragraph": {"type": "integer", "description": "-1: the title"},
                        "kind": STR,
                        "start": INT,
                        "end": INT,
                        "text": STR,
                        "message": STR,
                    }
                )
            ),
        }
    ),
    "CheckReport": _ok(
        {
            "name": STR,
            "ratio": RATIO,
            "ratio_without_quotes": RATIO,
            "top_source_ratio": RATIO,
            "chars": INT,
            "copied": INT,
            "quoted": INT,
            "excluded": INT,
            "min_span": INT,
            "seconds": NUM,
            "sources": _array(
                _object(
                    {
                        "article_id": INT,
                        "title": STR,
                        "role": _null(STR),
                        "genre": STR,
                        "year": _null(INT),
                        "chars": INT,
                        "ratio": RATIO,
                        "paragraphs": _array(INT),
                    }
                )
            ),
            "paragraphs": _array(
                _object(
                    {
                        "index": INT,
                        "text": STR,
                        "chars": INT,
                        "copied": INT,
                        "ratio": RATIO,
                        "level": STR,
                        "excluded": _array(_array(INT)),
                        "quoted": _array(_array(INT)),
                        "spans": _array(
                            _object(
                                {
                                    "start": INT,
                                    "end": INT,
                                    "article_id": INT,
                                    "paragraph_index": INT,
                                    "source_start": INT,
                                    "source_end": INT,
                                    "chars": INT,
                                    "quoted": INT,
                                    "source_text": STR,
                                    "paid": BOOL,
                                }
                            )
                        ),
                    }
                )
            ),
        }
    ),
    "Job": _object(
        {
            "id": STR,
            "state": STR,
            "user": STR,
            "names": _array(STR),
            "total": INT,
            "done": INT,
            "files": _array({"type": "object"}),
            "report": _null({"type": "object", "description": "as `sucai import --json`"}),
            "error": STR,
        }
    ),
    "User": _object(
        {
            "id": INT,
            "name": STR,
            "role": {"enum": ["member", "admin"]},
            "tier": _null(STR),
            "expires_on": _null(STR),
            "daily_quota": _null(INT),
            "created_at": STR,
            "disabled": BOOL,
        }
    ),
    "Account": _ok(
        {
            "user": _ref("User"),
            "member_valid": BOOL,
            "reads_paid": BOOL,
            "daily_quota": _null(INT),
            "downloads_today": INT,
            "tokens": _array(
                _object(
                    {
                        "id": INT,
                        "user_id": INT,
                        "label": STR,
                        "created_at": STR,
                        "revoked_at": _null(STR),
                    }
                )
            ),
            "token": {"type": "string", "description": "a new API token: shown once"},
        },
        "token",
    ),
    "Done": _ok({}),
}

# --- operations ------------------------------------------------------------------------------

_ERRORS: Final = {
    400: "bad query, form or file",
    401: "sign-in needed, or a bad API token",
    403: "not allowed, bad CSRF token, or a request from another site",
    404: "not found",
    413: "upload or draft too large",
    429: "rate limit (retry_after, Retry-After), daily quota used up, or too many sign-ins",
    503: "the database is unavailable, or (searches) the search index is being built "
    "(搜索索引正在建立…); Retry-After says when to retry",
}


def _json(description: str, schema: Schema) -> Schema:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _responses(ok: Schema, *codes: int) -> Schema:
    """The 200 answer and the error envelope for each of ``codes``; every route that reads the
    library may also answer 503 (the database down), so it is always listed."""
    answers = {"200": ok}
    for code in sorted({*codes, 503}):
        answers[str(code)] = _json(_ERRORS[code], _ref("Error"))
    return answers


def _param(name: str, description: str, where: str = "query", **schema: Any) -> Schema:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema or {"type": "string"},
    }


def _id(name: str, what: str) -> Schema:
    return _param(name, what, "path", type="integer", minimum=0, maximum=2**63 - 1)


def _post(summary: str, form: Schema, ok: Schema, *parameters: Schema) -> Schema:
    """A form ``POST`` of a signed-in caller: ``ok`` when JSON is asked for (else a 303 to the
    page that shows the change), 400, 401 or 403 (a bad form, a visitor, another site)."""
    where = {"parameters": list(parameters)} if parameters else {}
    return {
        "post": {
            "summary": summary,
            **where,
            "requestBody": form,
            "responses": _responses(ok, 400, 401, 403),
        }
    }


def _form(properties: dict[str, Schema], *required: str, multipart: bool = False) -> Schema:
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


_FILE: Final = {"description": "the file (Content-Disposition names it)"}

_FILTERS: Final = [
    _param("genre", "文种, e.g. 讲话", **_FILTER_VALUE),
    _param("role", "speaker role, e.g. 县长", **_FILTER_VALUE),
    _param("year", "2020, 2020..2025, 2020.. or ..2025", **_FILTER_VALUE),
    _param("source", "来源: the folder the material was imported from", **_FILTER_VALUE),
    _param("page", "1-based page (past 500: the last)", type="integer", minimum=1),
]

_DRAFT_LIMITS: Final = (
    f"at most {DRAFT_CHARS['other']} characters for visitors and expired members, "
    f"{_MAX_DRAFT} for members and admins"
)

PATHS: Final[dict[str, Schema]] = {
    "/search.json": {
        "get": {
            "summary": "Search paragraphs, titles or outlines (also /search, / with Accept)",
            "parameters": [
                {
                    **_param(
                        "q",
                        'the query: words, "phrases", -excluded, 文种:讲话 年份:2020..2025 …; '
                        "format controls (U+202E, U+200B …) are removed",
                        type="string",
                        minLength=1,
                        maxLength=MAX_QUERY_CHARS,
                    ),
                    "required": True,
                },
                _param("in", "scope", enum=["all", "title", "outline"]),
                *_FILTERS,
                _param("facets", "1: also count every match per facet", enum=["1", "true"]),
            ],
            "responses": _responses(_json("a page of hits", _ref("SearchPage")), 400, 401, 429),
        }
    },
    "/article/{article_id}.json": {
        "get": {
            "summary": "One article as the caller may read it, with similar articles",
            "parameters": [_id("article_id", "article id")],
            "responses": _responses(_json("the article", _ref("Article")), 401, 404),
        }
    },
    "/article/{article_id}/download": {
        "post": {
            "summary": "Download as .txt, .md or .docx (signed in; counts against the daily quota)",
            "parameters": [_id("article_id", "article id")],
            "requestBody": _form({"format": {"enum": ["txt", "md", "docx"]}}),
            "responses": _responses(_FILE, 400, 401, 403, 404, 429),
        }
    },
    "/browse.json": {
        "get": {
            "summary": "Articles newest first with facet counts, and today's additions",
            "parameters": _FILTERS,
            "responses": _responses(_json("a page of articles", _ref("Browse")), 400, 401),
        }
    },
    "/login": {
        "get": {
            "summary": "The sign-in form: where it returns to",
            "parameters": [_param("next", "a local path to return to")],
            "responses": _responses(
                _json("the form", _ok({"next": STR, "error": STR, "name": STR})), 401
            ),
        },
        "post": {
            "summary": "Sign in: sets the session cookie",
            "requestBody": _form({"name": STR, "password": STR, "next": STR}, "name", "password"),
            "responses": _responses(
                _json("signed in", _ok({"user": STR, "role": {"enum": ["member", "admin"]}})),
                400,
                401,
                403,
                429,
            ),
        },
    },
    "/logout": _post("Sign out", _form({}), _json("signed out", _ref("Done"))),
    "/account.json": {
        "get": {
            "summary": "The caller's account: tier, expiry, quota, API tokens",
            "responses": _responses(_json("the account", _ref("Account")), 401),
        }
    },
    "/account/password": _post(
        "Change the caller's password",
        _form({"old": STR, "new": _PASSWORD, "confirm": STR}, "old", "new"),
        _json("changed", _ref("Done")),
    ),
    "/account/tokens": _post(
        "A new API token (in `token`, shown once)",
        _form({"label": STR}),
        _json("the account", _ref("Account")),
    ),
    "/account/tokens/{token_id}/revoke": _post(
        "Revoke one of the caller's API tokens",
        _form({}),
        _json("revoked", _ref("Done")),
        _id("token_id", "token id"),
    ),
    "/admin.json": {
        "get": {
            "summary": "Accounts and the audit log (admins)",
            "responses": _responses(
                _json(
                    "users and audit",
                    _ok(
                        {
                            "users": _array(_ref("User")),
                            "audit": _array(
                                _object(
                                    {
                                        "id": INT,
                                        "at": STR,
                                        "user_id": _null(INT),
                                        "user_name": STR,
                                        "action": STR,
                                        "target": STR,
                                        "format": STR,
                                        "ip": STR,
                                        "code": STR,
                                    }
                                )
                            ),
                        }
                    ),
                ),
                401,
                403,
            ),
        }
    },
    "/admin/users": {
        "post": {
            "summary": "Create an account (admins)",
            "requestBody": _form(
                {
                    "name": {"type": "string", "description": "1–64 letters, digits, 汉字, .-_@"},
                    "password": _PASSWORD,
                    "role": {"enum": ["member", "admin"]},
                    "tier": _TIER,
                    "expires_on": {"type": "string", "description": "YYYY-MM-DD"},
                    "daily_quota": _QUOTA,
                },
                "name",
                "password",
            ),
            "responses": _responses(
                _json("the new account", _ok({"user": _ref("User")})), 400, 401, 403
            ),
        }
    },
    "/admin/users/{user_id}": {
        "post": {
            "summary": "Change the fields sent (admins); fields left out stay as they are",
            "parameters": [_id("user_id", "user id")],
            "requestBody": _form(
                {
                    "role": {"enum": ["member", "admin"]},
                    "tier": _TIER,
                    "expires_on": {"type": "string", "description": "YYYY-MM-DD; empty: none"},
                    "daily_quota": _QUOTA,
                    "disabled": {"enum": ["1", "0"]},
                }
            ),
            "responses": _responses(
                _json("the account", _ok({"user": _ref("User")})), 400, 401, 403
            ),
        }
    },
    "/import": {
        "get": {
            "summary": "The latest import jobs (admins)",
            "responses": _responses(_json("jobs", _ok({"jobs": _array(_ref("Job"))})), 401, 403),
        },
        "post": {
            "summary": "Upload files or .zip archives to import in the background (admins)",
            "requestBody": _form(
                {"files": _array({"type": "string", "format": "binary"})},
                "files",
                multipart=True,
            ),
            "responses": _responses(
                _json("the job started", _ok({"job": _ref("Job")})), 400, 401, 403, 413
            ),
        },
    },
    "/import/{job_id}.json": {
        "get": {
            "summary": "Progress and report of an import (admins)",
            "parameters": [_param("job_id", "job id", "path")],
            "responses": _responses(_json("the job", _ok({"job": _ref("Job")})), 401, 403, 404),
        }
    },
    "/check": {
        "get": {
            "summary": "The 查重 form: the caller's draft limit (max_chars) and file limit",
            "responses": _responses(
                _json(
                    "the form's limits",
                    _ok(
                        {
                            "min_span": INT,
                            "max_chars": {"type": "integer", "description": _DRAFT_LIMITS},
                            "max_mb": INT,
                        }
                    ),
                ),
                401,
            ),
        }
    },
    "/check.json": {
        "post": {
            "summary": "查重: how much of a draft comes from which library material "
            "(also POST /check with Accept)",
            "description": f"Paste `text` or send a `file`; {_DRAFT_LIMITS}, files up to "
            "10 MB. Paid paragraphs take part only for viewers who may read them.",
            "requestBody": _form(
                {
                    "text": {
                        "type": "string",
                        "maxLength": _MAX_DRAFT,
                        "description": "the pasted draft",
                    },
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": ".txt, .md or .docx draft",
                    },
                    "min_span": {
                        "type": "integer",
                        "minimum": 5,
                        "maximum": 200,
                        "default": 13,
                        "description": "shortest copied run counted, in characters",
                    },
                    "format": {"enum": ["html", "docx"]},
                },
                multipart=True,
            ),
            "responses": _responses(
                _json("the report", _ref("CheckReport")), 400, 401, 403, 413, 429
            ),
        }
    },
    "/basket.json": {
        "get": {
            "summary": "The caller's 素材篮: its baskets, and the items of one (?name=)",
            "parameters": [_param("name", "the basket shown (default: the first)")],
            "responses": _responses(
                _json(
                    "the baskets",
                    _ok(
                        {
                            "baskets": _array(_object({"name": STR, "items": INT})),
                            "basket": _null(STR),
                            "items": _array(
                                _object(
                                    {
                                        "position": INT,
                                        "article_id": INT,
                                        "kind": {"enum": ["article", "paragraph", "section"]},
                                        "ref": _null(INT),
                                        "label": STR,
                                        "text": {"type": "string", "maxLength": 300},
                                        "locked": BOOL,
                                    }
                                )
                            ),
                        }
                    ),
                ),
                401,
            ),
        }
    },
    "/basket/add": {
        "post": {
            "summary": "Add an article, a paragraph or an outline entry to a basket",
            "requestBody": _form(
                {
                    "article_id": INT,
                    "kind": {"enum": ["article", "paragraph", "section"]},
                    "ref": {"type": "integer", "description": "0-based paragraph or entry"},
                    "name": {"type": "string", "description": "the basket (default 素材篮)"},
                },
                "article_id",
            ),
            "responses": _responses(
                _json("added", _ok({"basket": STR, "items": INT})), 400, 401, 403, 404
            ),
        }
    },
    "/basket/{name}/move": _post(
        "Move an item to another position (from 1)",
        _form({"from": INT, "to": INT}, "from", "to"),
        _json("moved", _ok({"basket": STR})),
        _param("name", "the basket", "path"),
    ),
    "/basket/{name}/remove": _post(
        "Take the item at a position (from 1) out",
        _form({"position": INT}, "position"),
        _json("removed", _ok({"basket": STR})),
        _param("name", "the basket", "path"),
    ),
    "/basket/{name}/export": {
        "post": {
            "summary": "The basket as one document (counts as a download)",
            "parameters": [_param("name", "the basket", "path")],
            "requestBody": _form({"format": {"enum": ["txt", "md", "docx"]}}),
            "responses": _responses(_FILE, 400, 401, 403, 429),
        }
    },
    "/health": {
        "get": {
            "summary": "Liveness, the search index's state, the database connections, and "
            "which server process answered",
            "responses": _responses(_json("alive", HEALTH)),
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "This description",
            "responses": {"200": _json("OpenAPI 3.1", {"type": "object"})},
        }
    },
}


def _not_found_in_paths(paths: dict[str, Schema]) -> dict[str, Schema]:
    """A path with a parameter may match no route (``/article/abc.json``, an id of 19 digits):
    404, in the envelope, for every such operation."""
    for path, operations in paths.items():
        if "{" in path:
            for operation in operations.values():
                operation["responses"].setdefault("404", _json(_ERRORS[404], _ref("Error")))
    return paths


OPENAPI: Final[dict[str, Any]] = {
    "openapi": "3.1.0",
    "info": {
        "title": "sucai 素材库 API",
        "version": "1",
        "description": (
            "Every JSON success has ok=true; every error is {ok:false, error, errors, status} "
            "(a rate limit's 429 adds retry_after). Pages answer JSON when asked with "
            "`Accept: application/json`; form POSTs need the page's CSRF token, or an API "
            "token: `Authorization: Bearer <token>` (create tokens on the account page). "
            "Visitors and expired members never receive paid paragraphs: their text is empty, "
            "and they take no part in searches and 查重. Queries: at most "
            f"{MAX_QUERY_CHARS} characters; filters: at most {MAX_FILTER_CHARS}."
        ),
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": SCHEMAS,
    },
    "security": [{}, {"bearer": []}],
    "paths": _not_found_in_paths(PATHS),
}
