"""The admin family of ``/openapi.json`` (accounts, the 套话 list): :mod:`sucai.web.openapi`
reached its 800 lines, so this family is described here with its helpers."""

from __future__ import annotations

from typing import Final

from sucai.library import MAX_QUOTA, MAX_TIER
from sucai.web.openapi import (
    _PASSWORD,
    INT,
    STR,
    Schema,
    _array,
    _form,
    _id,
    _json,
    _null,
    _object,
    _ok,
    _post,
    _ref,
    _responses,
)

__all__ = ["ADMIN_PATHS"]

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
_PHRASES: Final[Schema] = _json("the library's 套话 list", _ok({"stock_phrases": _array(STR)}))

ADMIN_PATHS: Final[dict[str, Schema]] = {
    "/admin.json": {
        "get": {
            "summary": "Accounts, the 套话 list and the audit log (admins)",
            "responses": _responses(
                _json(
                    "users, 套话 and audit",
                    _ok(
                        {
                            "users": _array(_ref("User")),
                            "stock_phrases": _array(STR),
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
    "/admin/stock-phrases": _post(
        "Add a phrase to the library's 套话 list, which every 查重 uses (admins; audited)",
        _form({"phrase": _PHRASE}, "phrase"),
        _PHRASES,
    ),
    "/admin/stock-phrases/remove": _post(
        "Take a phrase out of the library's 套话 list, a shipped one too (admins; audited)",
        _form({"phrase": _PHRASE}, "phrase"),
        _PHRASES,
    ),
}
