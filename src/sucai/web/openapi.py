"""The OpenAPI description served at ``/openapi.json`` (written by hand, kept small)."""

from __future__ import annotations

from typing import Any, Final

__all__ = ["OPENAPI"]

_ERROR: Final = {"$ref": "#/components/schemas/Error"}


def _json(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema or {"type": "object"}}},
    }


def _errors(*codes: int) -> dict[str, Any]:
    text = {
        400: "bad query or form",
        401: "sign in needed / bad token",
        403: "not allowed / CSRF",
        404: "not found",
        413: "upload too large",
        429: "rate limit (retry_after, Retry-After) / quota used up / too many sign-ins",
    }
    return {str(c): _json(text[c], _ERROR) for c in codes}


def _param(name: str, description: str, where: str = "query", **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema or {"type": "string"},
    }


_FILTERS: Final = [
    _param("genre", "文种, e.g. 讲话"),
    _param("role", "speaker role, e.g. 县长"),
    _param("year", "2020, 2020..2025, 2020.. or ..2025"),
    _param("source", "来源: the folder the material was imported from"),
    _param("page", "1-based page", type="integer", minimum=1),
]

OPENAPI: Final[dict[str, Any]] = {
    "openapi": "3.1.0",
    "info": {
        "title": "sucai 素材库 API",
        "version": "1",
        "description": (
            "Every JSON success has ok=true; every error is {ok:false, error, errors, status}. "
            "Authenticate scripts with `Authorization: Bearer <token>` (create tokens on the "
            "account page). Visitors and expired members never receive paid paragraphs: their "
            "text is empty and search hits in them have no text or highlights."
        ),
    },
    "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "schemas": {
            "Error": {
                "type": "object",
                "required": ["ok", "error", "errors", "status"],
                "properties": {
                    "ok": {"const": False},
                    "error": {"type": "string"},
                    "errors": {"type": "array", "items": {"type": "string"}},
                    "status": {"type": "integer"},
                    "retry_after": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "429 for a rate limit: seconds to wait (Retry-After)",
                    },
                },
            }
        },
    },
    "security": [{}, {"bearer": []}],
    "paths": {
        "/search.json": {
            "get": {
                "summary": "Search paragraphs, titles or outlines",
                "parameters": [
                    _param(
                        "q", 'the query: words, "phrases", -excluded, 文种:讲话 …', maxLength=200
                    ),
                    _param("in", "scope", enum=["all", "title", "outline"]),
                    *_FILTERS,
                    _param(
                        "facets",
                        "1: also count all matches per genre, role, year and source",
                        enum=["1"],
                    ),
                ],
                "responses": {
                    "200": _json("{ok, total, offset, limit, hits:[…], facets (facets=1)}"),
                    **_errors(400, 429),
                },
            }
        },
        "/article/{article_id}.json": {
            "get": {
                "summary": "One article as the caller may read it, with similar articles",
                "parameters": [_param("article_id", "article id", "path", type="integer")],
                "responses": {"200": _json("the article"), **_errors(404)},
            }
        },
        "/article/{article_id}/download": {
            "post": {
                "summary": "Download as .txt, .md or .docx (counts against the daily quota)",
                "parameters": [_param("article_id", "article id", "path", type="integer")],
                "requestBody": {
                    "content": {
                        "application/x-www-form-urlencoded": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "format": {"enum": ["txt", "md", "docx"]},
                                    "csrf": {"type": "string"},
                                },
                            }
                        }
                    }
                },
                "responses": {
                    "200": {"description": "the file"},
                    **_errors(400, 401, 403, 404, 429),
                },
            }
        },
        "/browse.json": {
            "get": {
                "summary": "Articles newest first with facet counts, and today's additions",
                "parameters": _FILTERS,
                "responses": {"200": _json("{ok, total, articles, facets, today}")},
            }
        },
        "/basket.json": {
            "get": {
                "summary": "The caller's 素材篮 (baskets and their items, in order)",
                "responses": {"200": _json("{ok, baskets}"), **_errors(401)},
            }
        },
        "/account.json": {
            "get": {
                "summary": "The caller's account: tier, expiry, quota, API tokens",
                "responses": {"200": _json("the account"), **_errors(401)},
            }
        },
        "/admin.json": {
            "get": {
                "summary": "Accounts and the audit log (admins)",
                "responses": {"200": _json("users and audit"), **_errors(401, 403)},
            }
        },
        "/import": {
            "post": {
                "summary": "Upload files or .zip archives to import (admins)",
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "files": {
                                        "type": "array",
                                        "items": {"type": "string", "format": "binary"},
                                    },
                                    "csrf": {"type": "string"},
                                },
                            }
                        }
                    }
                },
                "responses": {"200": _json("{ok, job}"), **_errors(400, 401, 403, 413)},
            }
        },
        "/import/{job_id}.json": {
            "get": {
                "summary": "Progress and report of an import",
                "parameters": [_param("job_id", "job id", "path")],
                "responses": {"200": _json("{ok, job}"), **_errors(401, 403, 404)},
            }
        },
        "/check.json": {
            "post": {
                "summary": "查重: how much of a draft comes from which library material",
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "text": {"type": "string", "description": "pasted draft"},
                                    "file": {
                                        "type": "string",
                                        "format": "binary",
                                        "description": ".txt, .md or .docx draft",
                                    },
                                    "min_span": {"type": "integer", "default": 13},
                                    "csrf": {"type": "string"},
                                },
                            }
                        }
                    }
                },
                "responses": {
                    "200": _json(
                        "{ok, ratio, ratio_without_quotes, top_source_ratio, paragraphs, sources}"
                    ),
                    **_errors(400, 403, 413, 429),
                },
            }
        },
        "/health": {
            "get": {
                "summary": "Liveness, and which server process answered",
                "responses": {"200": _json("{ok, status, articles, pid}")},
            }
        },
    },
}
