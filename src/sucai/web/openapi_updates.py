"""The API description of 今日更新, subscriptions, feeds and digests (issue 19), and the whole
description the app serves: :data:`sucai.web.openapi.BASE` (at the 800-line limit) with these
paths, and the ``sort`` parameter of ``/search.json`` and ``/browse.json``.

``tests/web/test_openapi.py`` and ``tests/web/test_fuzz.py`` check :data:`OPENAPI` against the
app (see :mod:`sucai.web.openapi`).
"""

from __future__ import annotations

from typing import Any, Final

from sucai.web.openapi import (
    _FILE,
    _FILTER_VALUE,
    _FILTERS,
    BASE,
    INT,
    PATHS,
    SCHEMAS,
    STR,
    Schema,
    _array,
    _form,
    _json,
    _not_found_in_paths,
    _null,
    _object,
    _ok,
    _param,
    _post,
    _ref,
    _responses,
)

__all__ = ["OPENAPI"]

_DAY: Final = _param(
    "day",
    "an import day, YYYY-MM-DD, in the library's time zone",
    "path",
    type="string",
    pattern=r"^\d{4}-\d{2}-\d{2}$",
)
_NAME: Final = _param("name", "the subscription's name", "path")
_GROUP: Final = _array(
    {"type": "array", "prefixItems": [STR, {"type": "integer", "minimum": 1}], "minItems": 2}
)
_SUBSCRIPTION: Final[dict[str, Schema]] = {
    "name": STR,
    "q": STR,
    "genre": _null(STR),
    "role": _null(STR),
    "year": _null(STR),
    "source": _null(STR),
    "opened_at": STR,
}

UPDATE_SCHEMAS: Final[dict[str, Schema]] = {
    "Updates": _ok(
        {
            "day": STR,
            "time_zone": STR,
            "total": {"type": "integer", "minimum": 0},
            "offset": {"type": "integer", "minimum": 0},
            "groups": _object({"genre": _GROUP, "role": _GROUP, "source": _GROUP}),
            "articles": _array(_ref("ArticleSummary")),
            "previous": _null(STR),
            "next": _null(STR),
            "since": _null(STR),
            "since_count": {"type": "integer", "minimum": 0},
        }
    ),
    "Subscription": _object(_SUBSCRIPTION),
}

_UPDATES: Final = "Articles imported on a day, counted by kind, role and source, latest first"
UPDATE_PATHS: Final[dict[str, Schema]] = {
    "/updates.json": {
        "get": {
            "summary": _UPDATES + " (today); a signed-in member's visit is recorded",
            "parameters": _FILTERS,
            "responses": _responses(_json("the day", _ref("Updates")), 400, 401),
        }
    },
    "/updates/{day}.json": {
        "get": {
            "summary": _UPDATES,
            "parameters": [_DAY, *_FILTERS],
            "responses": _responses(_json("the day", _ref("Updates")), 400, 401, 404),
        }
    },
    "/updates/{day}/digest.{fmt}": {
        "get": {
            "summary": "The day's digest: title, role, source, date and first paragraph of "
            "each article, by kind (free paragraphs only for visitors)",
            "parameters": [
                _DAY,
                _param("fmt", "the file's format", "path", enum=["docx", "md", "html"]),
                _param("q", "only the day's matches of this query", maxLength=200),
            ],
            "responses": _responses(_FILE, 400, 401, 404),
        }
    },
    "/subscriptions.json": {
        "get": {
            "summary": "The caller's subscriptions, each with its number of new articles",
            "responses": _responses(
                _json(
                    "the subscriptions",
                    _ok(
                        {
                            "subscriptions": _array(
                                _object({**_SUBSCRIPTION, "new": INT, "feed": STR})
                            )
                        }
                    ),
                ),
                401,
            ),
        }
    },
    "/subscriptions": _post(
        "Save a search (q and filters) as a subscription",
        _form(
            {
                "name": {"type": "string", "description": "default: q"},
                "q": STR,
                **{name: _FILTER_VALUE for name in ("genre", "role", "year", "source")},
            }
        ),
        _json("saved", _ok({"subscription": _ref("Subscription")})),
    ),
    "/subscriptions/{name}.json": {
        "get": {
            "summary": "Open a subscription: its new articles, which are then no longer new",
            "parameters": [_NAME],
            "responses": _responses(
                _json(
                    "the new articles",
                    _ok(
                        {
                            "subscription": _ref("Subscription"),
                            "articles": _array(_ref("ArticleSummary")),
                        }
                    ),
                ),
                400,
                401,
            ),
        }
    },
    "/subscriptions/{name}/remove": _post(
        "Delete a subscription", _form({}), _json("deleted", _ok({"removed": STR})), _NAME
    ),
    "/account/feed-token": _post(
        "A new feed token for the caller's feed URLs (the old one stops working)",
        _form({}),
        _json("the token", _ok({"feed_token": STR})),
    ),
    "/account/feed-token/revoke": _post(
        "Revoke the caller's feed token", _form({}), _json("revoked", _ref("Done"))
    ),
    "/feeds/{kind}/{value}.atom": {
        "get": {
            "summary": "An Atom feed (RFC 4287) of the latest articles of a kind (文种), a "
            "source or a subscription; a member's feed token shows what the member may read",
            "parameters": [
                _param(
                    "kind", "what the feed follows", "path", enum=["kind", "source", "subscription"]
                ),
                _param("value", "the kind, source or subscription", "path"),
                _param("token", "a member's feed token (see the account page)"),
            ],
            "responses": _responses(_FILE, 400, 401, 404),
        }
    },
}


def _with_sort(path: str, values: list[str], description: str) -> Schema:
    """The GET of ``path`` with a ``sort`` parameter."""
    get: dict[str, Any] = PATHS[path]["get"]
    return {
        "get": {**get, "parameters": [*get["parameters"], _param("sort", description, enum=values)]}
    }


#: The description served at ``/openapi.json``.
OPENAPI: Final[dict[str, Any]] = {
    **BASE,
    "components": {**BASE["components"], "schemas": SCHEMAS | UPDATE_SCHEMAS},
    "paths": {
        **BASE["paths"],
        "/search.json": _with_sort(
            "/search.json", ["relevance", "date"], "best first, or the newest articles first"
        ),
        "/browse.json": _with_sort(
            "/browse.json", ["date", "added"], "by 成文日期, or the latest imported first"
        ),
        **_not_found_in_paths(UPDATE_PATHS),
    },
}
