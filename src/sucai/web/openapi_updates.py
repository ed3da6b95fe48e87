"""The API description of 今日更新, subscriptions, feeds and digests (issue 19), and the
``sort`` parameter of ``/search.json`` and ``/browse.json``: part of
:data:`sucai.web.openapi.OPENAPI`, written with the helpers of :mod:`sucai.web.openapi_parts`.
"""

from __future__ import annotations

from typing import Final

from sucai.web.openapi_parts import (
    FILE,
    FILTER_VALUE,
    FILTERS,
    INT,
    STR,
    Schema,
    array,
    closed_object,
    form,
    json_body,
    null,
    ok,
    param,
    post,
    ref,
    responses,
)

__all__ = ["SORTS", "UPDATE_PATHS", "UPDATE_SCHEMAS"]

_DAY: Final = param(
    "day",
    "an import day, YYYY-MM-DD, in the library's time zone",
    "path",
    type="string",
    pattern=r"^\d{4}-\d{2}-\d{2}$",
)
_NAME: Final = param("name", "the subscription's name", "path")
_GROUP: Final = array(
    {"type": "array", "prefixItems": [STR, {"type": "integer", "minimum": 1}], "minItems": 2}
)
_SUBSCRIPTION: Final[dict[str, Schema]] = {
    "name": STR,
    "q": STR,
    "genre": null(STR),
    "role": null(STR),
    "year": null(STR),
    "source": null(STR),
    "opened_at": STR,
}

UPDATE_SCHEMAS: Final[dict[str, Schema]] = {
    "Updates": ok(
        {
            "day": STR,
            "time_zone": STR,
            "total": {"type": "integer", "minimum": 0},
            "offset": {"type": "integer", "minimum": 0},
            "groups": closed_object({"genre": _GROUP, "role": _GROUP, "source": _GROUP}),
            "articles": array(ref("ArticleSummary")),
            "previous": null(STR),
            "next": null(STR),
            "since": null(STR),
            "since_count": {"type": "integer", "minimum": 0},
        }
    ),
    "Subscription": closed_object(_SUBSCRIPTION),
}

_UPDATES: Final = "Articles imported on a day, counted by kind, role and source, latest first"
UPDATE_PATHS: Final[dict[str, Schema]] = {
    "/updates.json": {
        "get": {
            "summary": _UPDATES + " (today); a signed-in member's visit is recorded",
            "parameters": FILTERS,
            "responses": responses(json_body("the day", ref("Updates")), 400, 401),
        }
    },
    "/updates/{day}.json": {
        "get": {
            "summary": _UPDATES,
            "parameters": [_DAY, *FILTERS],
            "responses": responses(json_body("the day", ref("Updates")), 400, 401, 404),
        }
    },
    "/updates/{day}/digest.{fmt}": {
        "get": {
            "summary": "The day's digest: title, role, source, date and first paragraph of "
            "each article, by kind (free paragraphs only for visitors)",
            "parameters": [
                _DAY,
                param("fmt", "the file's format", "path", enum=["docx", "md", "html"]),
                param("q", "only the day's matches of this query", maxLength=200),
            ],
            "responses": responses(FILE, 400, 401, 404),
        }
    },
    "/subscriptions.json": {
        "get": {
            "summary": "The caller's subscriptions, each with its number of new articles",
            "responses": responses(
                json_body(
                    "the subscriptions",
                    ok(
                        {
                            "subscriptions": array(
                                closed_object({**_SUBSCRIPTION, "new": INT, "feed": STR})
                            )
                        }
                    ),
                ),
                401,
            ),
        }
    },
    "/subscriptions": post(
        "Save a search (q and filters) as a subscription",
        form(
            {
                "name": {"type": "string", "description": "default: q"},
                "q": STR,
                **{name: FILTER_VALUE for name in ("genre", "role", "year", "source")},
            }
        ),
        json_body("saved", ok({"subscription": ref("Subscription")})),
    ),
    "/subscriptions/{name}.json": {
        "get": {
            "summary": "Open a subscription: its new articles, which are then no longer new",
            "parameters": [_NAME],
            "responses": responses(
                json_body(
                    "the new articles",
                    ok(
                        {
                            "subscription": ref("Subscription"),
                            "articles": array(ref("ArticleSummary")),
                        }
                    ),
                ),
                400,
                401,
            ),
        }
    },
    "/subscriptions/{name}/remove": post(
        "Delete a subscription", form({}), json_body("deleted", ok({"removed": STR})), _NAME
    ),
    "/account/feed-token": post(
        "A new feed token for the caller's feed URLs (the old one stops working)",
        form({}),
        json_body("the token", ok({"feed_token": STR})),
    ),
    "/account/feed-token/revoke": post(
        "Revoke the caller's feed token", form({}), json_body("revoked", ref("Done"))
    ),
    "/feeds/{kind}/{value}.atom": {
        "get": {
            "summary": "An Atom feed (RFC 4287) of the latest articles of a kind (文种), a "
            "source or a subscription; a member's feed token shows what the member may read",
            "parameters": [
                param(
                    "kind", "what the feed follows", "path", enum=["kind", "source", "subscription"]
                ),
                param("value", "the kind, source or subscription", "path"),
                param("token", "a member's feed token (see the account page)"),
            ],
            "responses": responses(FILE, 400, 401, 404),
        }
    },
}


#: The ``sort`` parameter of the searches that take one.
SORTS: Final[dict[str, Schema]] = {
    "/search.json": param(
        "sort", "best first, or the newest articles first", enum=["relevance", "date"]
    ),
    "/browse.json": param(
        "sort", "by 成文日期, or the latest imported first", enum=["date", "added"]
    ),
}
