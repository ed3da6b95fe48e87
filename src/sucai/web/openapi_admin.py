"""The admin family of ``/openapi.json`` (accounts, the 套话 list), written with the helpers
of :mod:`sucai.web.openapi_parts`; :mod:`sucai.web.openapi` joins it to the other families."""

from __future__ import annotations

from typing import Final

from sucai.library import MAX_QUOTA, MAX_TIER, MIN_PASSWORD
from sucai.web.openapi_parts import (
    INT,
    STR,
    Schema,
    array,
    closed_object,
    form,
    json_body,
    null,
    ok,
    path_id,
    post,
    ref,
    responses,
)

__all__ = ["ADMIN_PATHS"]

_PASSWORD: Final[Schema] = {"type": "string", "minLength": MIN_PASSWORD}

#: A form's optional number: a whole number, or empty for "none" (the default).
_QUOTA: Final[Schema] = {
    "anyOf": [{"type": "integer", "minimum": 0, "maximum": MAX_QUOTA}, {"const": ""}],
    "description": "downloads a day; empty: the tier's default",
}
_TIER: Final[Schema] = {"type": "string", "maxLength": MAX_TIER, "description": "empty: none"}

_PHRASE: Final[Schema] = {
    "type": "string",
    "maxLength": 200,
    "description": "a 套话 as the list writes it (… stands for up to 30 characters)",
}
_PHRASES: Final[Schema] = json_body("the library's 套话 list", ok({"stock_phrases": array(STR)}))

ADMIN_PATHS: Final[dict[str, Schema]] = {
    "/admin.json": {
        "get": {
            "summary": "Accounts, the 套话 list and the audit log (admins)",
            "responses": responses(
                json_body(
                    "users, 套话 and audit",
                    ok(
                        {
                            "users": array(ref("User")),
                            "stock_phrases": array(STR),
                            "audit": array(
                                closed_object(
                                    {
                                        "id": INT,
                                        "at": STR,
                                        "user_id": null(INT),
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
            "requestBody": form(
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
            "responses": responses(
                json_body("the new account", ok({"user": ref("User")})), 400, 401, 403
            ),
        }
    },
    "/admin/users/{user_id}": {
        "post": {
            "summary": "Change the fields sent (admins); fields left out stay as they are",
            "parameters": [path_id("user_id", "user id")],
            "requestBody": form(
                {
                    "role": {"enum": ["member", "admin"]},
                    "tier": _TIER,
                    "expires_on": {"type": "string", "description": "YYYY-MM-DD; empty: none"},
                    "daily_quota": _QUOTA,
                    "disabled": {"enum": ["1", "0"]},
                }
            ),
            "responses": responses(
                json_body("the account", ok({"user": ref("User")})), 400, 401, 403
            ),
        }
    },
    "/admin/stock-phrases": post(
        "Add a phrase to the library's 套话 list, which every 查重 uses (admins; audited)",
        form({"phrase": _PHRASE}, "phrase"),
        _PHRASES,
    ),
    "/admin/stock-phrases/remove": post(
        "Take a phrase out of the library's 套话 list, a shipped one too (admins; audited)",
        form({"phrase": _PHRASE}, "phrase"),
        _PHRASES,
    ),
}
