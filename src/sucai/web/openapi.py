"""The OpenAPI description served at ``/openapi.json``, written by hand from small helpers.

It describes every route that answers JSON (issue 15): the ``.json`` twins of the pages, every
form ``POST`` (which answers JSON when asked with ``Accept: application/json``), the error
envelope of each status a route can give, and the limits the handlers enforce (query length,
filter length, 查重 draft caps per viewer). ``tests/web/test_openapi.py`` walks the app's
routes and fails when one that answers JSON is not described here (or in the family modules
``openapi_admin``, ``openapi_compose``, ``openapi_desk``, ``openapi_jinju``,
``openapi_updates``), or when a path described is not a route; ``tests/web/test_fuzz.py``
sends what this description allows, as visitor, member and admin, and checks every answer
against it.
"""

from __future__ import annotations

from typing import Any, Final

from sucai.library import MAX_FILTER_CHARS, MAX_QUERY_CHARS, MIN_PASSWORD
from sucai.web.limits import DRAFT_CHARS
from sucai.web.openapi_admin import ADMIN_PATHS
from sucai.web.openapi_compose import COMPOSE_PATHS, COMPOSE_SCHEMAS
from sucai.web.openapi_desk import DESK_PATHS
from sucai.web.openapi_health import HEALTH_DB
from sucai.web.openapi_jinju import ARTICLE_JINJU, JINJU_PATHS, JINJU_SCHEMAS
from sucai.web.openapi_parts import (
    BOOL,
    ERRORS,
    FILE,
    FILTERS,
    INT,
    NUM,
    RATIO,
    STR,
    Schema,
    array,
    closed_object,
    form,
    json_body,
    null,
    ok,
    pair,
    param,
    path_id,
    post,
    ref,
    responses,
)
from sucai.web.openapi_updates import SORTS, UPDATE_PATHS, UPDATE_SCHEMAS

__all__ = ["OPENAPI"]

#: The most 查重 characters anyone may send (a member's or admin's draft).
_MAX_DRAFT: Final = DRAFT_CHARS["reader"]


_PASSWORD: Final[Schema] = {"type": "string", "minLength": MIN_PASSWORD}


#: What an article's description and its summary's start with, after the id.
_HEAD: Final[dict[str, Schema]] = {
    "title": STR,
    "role": null(STR),
    "genre": STR,
    "issued_on": null(STR),
    "year": null(INT),
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
    "Error": closed_object(
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
    "Facets": closed_object(
        {
            name: array(pair(value, {"type": "integer", "minimum": 1}, "[value, count]"))
            for name, value in (("genre", STR), ("role", STR), ("year", INT), ("source", STR))
        }
    ),
    "ArticleSummary": closed_object(_SUMMARY),
    "Hit": closed_object(
        {
            "article_id": INT,
            "title": STR,
            "role": null(STR),
            "genre": STR,
            "year": null(INT),
            "paragraph_index": null({"type": "integer", "minimum": 0}),
            "text": {
                "type": "string",
                "description": "empty in a paid paragraph a viewer may not read",
            },
            "highlights": array(pair(INT, INT, "[start, end) in characters of text")),
            "outline_path": array(STR),
            "paid": BOOL,
            "score": NUM,
        }
    ),
    "SearchPage": ok(
        {
            "total": {"type": "integer", "minimum": 0},
            "offset": {"type": "integer", "minimum": 0},
            "limit": null(INT),
            "hits": array(ref("Hit")),
            "facets": ref("Facets"),
            "suggestions": array(ref("Suggestion")),
        },
        "facets",
    ),
    "Suggestion": closed_object(
        {
            "query": STR,
            "total": {"type": "integer", "minimum": 1},
            "kind": {"enum": ["typo", "longer", "fewer"]},
        }
    ),
    "Browse": ok(
        {
            "total": {"type": "integer", "minimum": 0},
            "offset": {"type": "integer", "minimum": 0},
            "articles": array(ref("ArticleSummary")),
            "facets": ref("Facets"),
            "today": array(ref("ArticleSummary")),
        }
    ),
    "Paragraph": closed_object(
        {
            "index": INT,
            "text": {"type": "string", "description": "empty when paid and not readable"},
            "paid": BOOL,
            "heading": INT,
            "section": null(INT),
            "kind": STR,
        }
    ),
    "OutlineEntry": closed_object(
        {
            "index": INT,
            "level": INT,
            "text": STR,
            "paragraph": INT,
            "parent": null(INT),
            "kind": STR,
        }
    ),
    "Source": closed_object(
        {
            "file_id": INT,
            "path": {"type": "string", "description": "admins: the server path; others: the name"},
            "sha256": {"type": "string", "description": "admins only"},
            "position": INT,
            "compilation_title": STR,
            "copy_id": null(INT),
            "similarity": null(NUM),
        },
        "sha256",
    ),
    "Article": ok(
        {
            "id": INT,
            **_HEAD,
            "doc_number": null(STR),
            "issuer": null(STR),
            "addressee": null(STR),
            "signer": null(STR),
            "attachments": array(STR),
            "chars": INT,
            "added_at": STR,
            "sources": array(ref("Source")),
            "outline": array(ref("OutlineEntry")),
            "paragraphs": array(ref("Paragraph")),
            "locked_paragraphs": {"type": "integer", "minimum": 0},
            **ARTICLE_JINJU,
            "similar": array(closed_object({**_SUMMARY, "score": NUM})),
            "versions": array(
                closed_object(
                    {
                        "article_id": INT,
                        "title": STR,
                        "version": null(STR),
                        "issued_on": null(STR),
                    }
                )
            ),
            "status": ref("LawStatus"),
            "hygiene": array(
                closed_object(
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
    "CheckReport": ok(
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
            "sources": array(
                closed_object(
                    {
                        "article_id": INT,
                        "title": STR,
                        "role": null(STR),
                        "genre": STR,
                        "year": null(INT),
                        "chars": INT,
                        "ratio": RATIO,
                        "paragraphs": array(INT),
                    }
                )
            ),
            "paragraphs": array(
                closed_object(
                    {
                        "index": INT,
                        "text": STR,
                        "chars": INT,
                        "copied": INT,
                        "ratio": RATIO,
                        "level": STR,
                        "excluded": array(array(INT)),
                        "quoted": array(array(INT)),
                        "spans": array(
                            closed_object(
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
    "Job": closed_object(
        {
            "id": STR,
            "state": STR,
            "user": STR,
            "names": array(STR),
            "total": INT,
            "done": INT,
            "files": array({"type": "object"}),
            "report": null({"type": "object", "description": "as `sucai import --json`"}),
            "error": STR,
        }
    ),
    "User": closed_object(
        {
            "id": INT,
            "name": STR,
            "role": {"enum": ["member", "admin"]},
            "tier": null(STR),
            "expires_on": null(STR),
            "daily_quota": null(INT),
            "created_at": STR,
            "disabled": BOOL,
        }
    ),
    "Account": ok(
        {
            "user": ref("User"),
            "member_valid": BOOL,
            "reads_paid": BOOL,
            "daily_quota": null(INT),
            "downloads_today": INT,
            "tokens": array(
                closed_object(
                    {
                        "id": INT,
                        "user_id": INT,
                        "label": STR,
                        "created_at": STR,
                        "revoked_at": null(STR),
                    }
                )
            ),
            "token": {"type": "string", "description": "a new API token: shown once"},
        },
        "token",
    ),
    "Done": ok({}),
}

# --- operations ------------------------------------------------------------------------------

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
                    **param(
                        "q",
                        'the query: words, "phrases", -excluded, 文种:讲话 年份:2020..2025 …; '
                        "format controls (U+202E, U+200B …) are removed",
                        type="string",
                        minLength=1,
                        maxLength=MAX_QUERY_CHARS,
                    ),
                    "required": True,
                },
                param("in", "scope (jinju: see /jinju)", enum=["all", "title", "outline"]),
                *FILTERS,
                param("facets", "1: also count every match per facet", enum=["1", "true"]),
            ],
            "responses": responses(json_body("a page of hits", ref("SearchPage")), 400, 401, 429),
        }
    },
    "/article/{article_id}.json": {
        "get": {
            "summary": "One article as the caller may read it, with similar articles",
            "parameters": [path_id("article_id", "article id")],
            "responses": responses(json_body("the article", ref("Article")), 401, 404),
        }
    },
    "/article/{article_id}/download": {
        "post": {
            "summary": "Download as .txt, .md or .docx (signed in; counts against the daily quota)",
            "parameters": [path_id("article_id", "article id")],
            "requestBody": form({"format": {"enum": ["txt", "md", "docx"]}}),
            "responses": responses(FILE, 400, 401, 403, 404, 429),
        }
    },
    "/browse.json": {
        "get": {
            "summary": "Articles newest first with facet counts, and today's additions",
            "parameters": FILTERS,
            "responses": responses(json_body("a page of articles", ref("Browse")), 400, 401),
        }
    },
    "/login": {
        "get": {
            "summary": "The sign-in form: where it returns to",
            "parameters": [param("next", "a local path to return to")],
            "responses": responses(
                json_body("the form", ok({"next": STR, "error": STR, "name": STR})), 401
            ),
        },
        "post": {
            "summary": "Sign in: sets the session cookie",
            "requestBody": form({"name": STR, "password": STR, "next": STR}, "name", "password"),
            "responses": responses(
                json_body("signed in", ok({"user": STR, "role": {"enum": ["member", "admin"]}})),
                400,
                401,
                403,
                429,
            ),
        },
    },
    "/logout": post("Sign out", form({}), json_body("signed out", ref("Done"))),
    "/account.json": {
        "get": {
            "summary": "The caller's account: tier, expiry, quota, API tokens",
            "responses": responses(json_body("the account", ref("Account")), 401),
        }
    },
    "/account/password": post(
        "Change the caller's password",
        form({"old": STR, "new": _PASSWORD, "confirm": STR}, "old", "new"),
        json_body("changed", ref("Done")),
    ),
    "/account/tokens": post(
        "A new API token (in `token`, shown once)",
        form({"label": STR}),
        json_body("the account", ref("Account")),
    ),
    "/account/tokens/{token_id}/revoke": post(
        "Revoke one of the caller's API tokens",
        form({}),
        json_body("revoked", ref("Done")),
        path_id("token_id", "token id"),
    ),
    "/import": {
        "get": {
            "summary": "The latest import jobs (admins)",
            "responses": responses(json_body("jobs", ok({"jobs": array(ref("Job"))})), 401, 403),
        },
        "post": {
            "summary": "Upload files or .zip archives to import in the background (admins)",
            "requestBody": form(
                {"files": array({"type": "string", "format": "binary"})},
                "files",
                multipart=True,
            ),
            "responses": responses(
                json_body("the job started", ok({"job": ref("Job")})), 400, 401, 403, 413
            ),
        },
    },
    "/import/{job_id}.json": {
        "get": {
            "summary": "Progress and report of an import (admins)",
            "parameters": [param("job_id", "job id", "path")],
            "responses": responses(json_body("the job", ok({"job": ref("Job")})), 401, 403, 404),
        }
    },
    "/check": {
        "get": {
            "summary": "The 查重 form: the caller's draft limit (max_chars) and file limit",
            "responses": responses(
                json_body(
                    "the form's limits",
                    ok(
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
            "requestBody": form(
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
                    "format": {"enum": ["html", "docx", "pdf"]},
                },
                multipart=True,
            ),
            "responses": responses(
                json_body("the report", ref("CheckReport")), 400, 401, 403, 413, 429
            ),
        }
    },
    "/basket.json": {
        "get": {
            "summary": "The caller's 素材篮: its baskets, and the items of one (?name=)",
            "parameters": [param("name", "the basket shown (default: the first)")],
            "responses": responses(
                json_body(
                    "the baskets",
                    ok(
                        {
                            "baskets": array(closed_object({"name": STR, "items": INT})),
                            "basket": null(STR),
                            "items": array(
                                closed_object(
                                    {
                                        "position": INT,
                                        "article_id": INT,
                                        "kind": {"enum": ["article", "paragraph", "section"]},
                                        "ref": null(INT),
                                        "label": STR,
                                        "text": {"type": "string", "maxLength": 301},
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
            "requestBody": form(
                {
                    "article_id": INT,
                    "kind": {"enum": ["article", "paragraph", "section"]},
                    "ref": {"type": "integer", "description": "0-based paragraph or entry"},
                    "name": {"type": "string", "description": "the basket (default 素材篮)"},
                },
                "article_id",
            ),
            "responses": responses(
                json_body("added", ok({"basket": STR, "items": INT})), 400, 401, 403, 404
            ),
        }
    },
    "/basket/{name}/move": post(
        "Move an item to another position (from 1)",
        form({"from": INT, "to": INT}, "from", "to"),
        json_body("moved", ok({"basket": STR})),
        param("name", "the basket", "path"),
    ),
    "/basket/{name}/remove": post(
        "Take the item at a position (from 1) out",
        form({"position": INT}, "position"),
        json_body("removed", ok({"basket": STR})),
        param("name", "the basket", "path"),
    ),
    "/basket/{name}/export": {
        "post": {
            "summary": "The basket as one document (counts as a download)",
            "parameters": [param("name", "the basket", "path")],
            "requestBody": form({"format": {"enum": ["txt", "md", "docx"]}}),
            "responses": responses(FILE, 400, 401, 403, 429),
        }
    },
    "/health": {
        "get": {
            "summary": "Liveness, the search index's state, the database connections, and "
            "which server process answered",
            "responses": responses(
                json_body(
                    "alive",
                    ok(
                        {
                            "status": {"enum": ["ok", "degraded"]},
                            "articles": INT,
                            "index": closed_object(
                                {
                                    "ready": BOOL,
                                    "behind": INT,
                                    "building": null(closed_object({"done": INT, "total": INT})),
                                }
                            ),
                            "db": null(HEALTH_DB),
                            "pid": INT,
                        }
                    ),
                )
            ),
        }
    },
    "/openapi.json": {
        "get": {
            "summary": "This description",
            "responses": {"200": json_body("OpenAPI 3.1", {"type": "object"})},
        }
    },
}


def _not_found_in_paths(paths: dict[str, Schema]) -> dict[str, Schema]:
    """A path with a parameter may match no route (``/article/abc.json``, an id of 19 digits):
    404, in the envelope, for every such operation."""
    for path, operations in paths.items():
        if "{" in path:
            for operation in operations.values():
                operation["responses"].setdefault("404", json_body(ERRORS[404], ref("Error")))
    return paths


def _with_sorts(paths: dict[str, Schema]) -> dict[str, Schema]:
    """``paths`` with the ``sort`` parameter of each GET that takes one (:data:`SORTS`)."""
    for path, sort in SORTS.items():
        get = paths[path]["get"]
        get["parameters"] = [*get["parameters"], sort]
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
        "schemas": {**SCHEMAS, **COMPOSE_SCHEMAS, **UPDATE_SCHEMAS, **JINJU_SCHEMAS},
    },
    "security": [{}, {"bearer": []}],
    "paths": _not_found_in_paths(
        _with_sorts(PATHS) | COMPOSE_PATHS | DESK_PATHS | ADMIN_PATHS | UPDATE_PATHS | JINJU_PATHS
    ),
}
