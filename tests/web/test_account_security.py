"""Accounts against a hostile visitor (issue 15): form tokens bound to the session, requests
from other sites refused, partial admin changes, disabled accounts, the expiry day, and
private upload folders."""

from __future__ import annotations

import re
import stat
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pytest
from starlette.routing import Route
from starlette.testclient import TestClient

from sucai.users import Accounts
from sucai.web.app import SameOrigin
from tests.web.conftest import PASSWORD, csrf_of, sign_in

if TYPE_CHECKING:
    from sucai import Library

CSRF_REFUSED = "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。"
EVIL = "https://evil.example"


def _other(client: TestClient, role: str) -> TestClient:
    """Another browser on the same app (no lifespan of its own), signed in as ``role``."""
    other = TestClient(client.app)
    sign_in(other, role)
    return other


def _new_user(client: TestClient, token: str, name: str, **headers: str) -> int:
    response = client.post(
        "/admin/users",
        data={"name": name, "password": PASSWORD, "csrf": token},
        headers={"Accept": "application/json", **headers},
    )
    return response.status_code


# --- form tokens ----------------------------------------------------------------------------


def test_a_form_token_is_refused_in_another_session(app_client: TestClient) -> None:
    sign_in(app_client, "admin")
    mine = csrf_of(app_client, "/admin")
    theirs = csrf_of(_other(app_client, "admin"), "/admin")  # the same account, signed in twice
    assert mine != theirs
    assert _new_user(app_client, theirs, "甲") == 403
    assert _new_user(app_client, mine, "乙") == 200


def test_a_token_from_before_signing_in_or_out_is_refused(app_client: TestClient) -> None:
    before = csrf_of(app_client)
    sign_in(app_client, "member")
    refused = app_client.post(
        "/account/tokens",
        data={"label": "x", "csrf": before},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 403 and refused.json()["error"] == CSRF_REFUSED
    during = csrf_of(app_client, "/account")
    app_client.post("/logout", data={"csrf": during})
    login = {"name": "会员甲", "password": PASSWORD}
    assert app_client.post("/login", data={**login, "csrf": during}).status_code == 403
    assert app_client.post("/login", data={**login, "csrf": csrf_of(app_client)}).status_code == 200


def test_the_token_is_not_the_cookie_so_a_planted_cookie_forges_nothing(
    app_client: TestClient,
) -> None:
    token = csrf_of(app_client)
    cookie = app_client.cookies.get("sucai_csrf")
    assert cookie and token != cookie and cookie not in app_client.get("/login").text
    # Double submit would take a cookie the attacker planted and the same value in the form.
    app_client.cookies.set("sucai_csrf", "planted-by-an-attacker")
    planted = app_client.post(
        "/login", data={"name": "admin", "password": PASSWORD, "csrf": "planted-by-an-attacker"}
    )
    assert planted.status_code == 403 and "sucai_session" not in app_client.cookies


# --- Origin and Sec-Fetch-Site --------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},
        {"Origin": "https://testserver"},  # another scheme
        {"Origin": "http://testserver:8080"},  # another port
        {"Origin": "http://testserver.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": EVIL, "Sec-Fetch-Site": "same-origin"},  # Origin decides
        {"Origin": EVIL, "Authorization": "Basic YWRtaW46eA=="},  # a browser adds Basic itself
    ],
)
def test_a_post_from_another_site_is_refused_with_the_envelope(
    app_client: TestClient, library: Library, headers: dict[str, str]
) -> None:
    sign_in(app_client, "admin")
    token = csrf_of(app_client, "/admin")
    response = app_client.post(
        "/admin/users",
        data={"name": "跨站", "password": PASSWORD, "csrf": token},
        headers={"Accept": "application/json", **headers},
    )
    assert response.status_code == 403
    assert response.json() == {
        "ok": False,
        "error": SameOrigin.MESSAGE,
        "errors": [SameOrigin.MESSAGE],
        "status": 403,
    }
    assert response.headers["x-frame-options"] == "DENY"
    page = app_client.post("/admin/users", data={"name": "跨站", "csrf": token}, headers=headers)
    assert page.status_code == 403 and SameOrigin.MESSAGE in page.text
    assert library.store.get_user_by_name("跨站") is None


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://testserver"},
        {"Origin": "http://TESTSERVER:80"},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {},  # a script without either header: the token decides
    ],
)
def test_a_post_from_this_sites_pages_is_accepted(
    app_client: TestClient, headers: dict[str, str]
) -> None:
    sign_in(app_client, "admin")
    assert _new_user(app_client, csrf_of(app_client, "/admin"), "同源", **headers) == 200


def _post_routes(client: TestClient) -> list[str]:
    """Every POST route of the app, with its parameters filled in."""
    values = {"article_id": "1", "user_id": "2", "token_id": "1", "name": "篮", "job_id": "x"}
    paths = []
    for route in client.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Route) and route.methods and "POST" in route.methods:
            paths.append(re.sub(r"{(\w+)(:\w+)?}", lambda m: values[m.group(1)], route.path))
    return paths


def test_every_post_route_refuses_another_sites_page_and_changes_nothing(
    app_client: TestClient, library: Library
) -> None:
    sign_in(app_client, "admin")
    token = csrf_of(app_client, "/admin")
    paths = _post_routes(app_client)
    assert len(paths) >= 15 and "/admin/users/2" in paths and "/import" in paths
    audit = library.store.audit_entries(limit=1000)
    users = library.store.list_users()
    for path in paths:
        data = {"csrf": token, "name": "x", "password": PASSWORD, "role": "member", "text": "x"}
        response = app_client.post(
            path, data=data, headers={"Origin": EVIL, "Accept": "application/json"}
        )
        assert response.status_code == 403, path
        assert response.json()["error"] == SameOrigin.MESSAGE, path
    assert library.store.audit_entries(limit=1000) == audit
    assert library.store.list_users() == users
    assert app_client.get("/admin.json").status_code == 200  # still signed in


def test_an_api_token_request_is_not_judged_by_its_origin(app_client: TestClient) -> None:
    sign_in(app_client, "member")
    created = app_client.post(
        "/account/tokens",
        data={"label": "脚本", "csrf": csrf_of(app_client, "/account")},
        headers={"Accept": "application/json"},
    ).json()
    script = TestClient(app_client.app)
    auth = {"Authorization": f"Bearer {created['token']}", "Origin": EVIL}
    assert script.post("/article/1/download", data={"format": "txt"}, headers=auth).is_success
    forged = {"Authorization": "Bearer sc_forged", "Origin": EVIL}
    refused = script.post("/article/1/download", data={"format": "txt"}, headers=forged)
    assert refused.status_code == 401


# --- admin changes --------------------------------------------------------------------------


def test_an_admin_change_keeps_every_field_it_does_not_send(
    app_client: TestClient, library: Library
) -> None:
    accounts = Accounts(library.store)
    other = accounts.add("管理员乙", PASSWORD, admin=True, tier="SVIP", expires_on="2099-12-31")
    sign_in(app_client, "admin")
    token = csrf_of(app_client, "/admin")

    def post(*fields: tuple[str, str]) -> dict[str, object]:
        data: dict[str, list[str]] = {"csrf": [token]}
        for key, value in fields:
            data.setdefault(key, []).append(value)
        response = app_client.post(
            f"/admin/users/{other.id}", data=data, headers={"Accept": "application/json"}
        )
        assert response.status_code == 200, response.text
        user: dict[str, object] = response.json()["user"]
        return user

    # Only the quota is sent: the role, tier, expiry and the rest stay as they were.
    assert post(("daily_quota", "5")) == {**asdict(other), "daily_quota": 5}
    assert library.store.get_user(other.id) == replace(other, daily_quota=5)
    cleared = post(("tier", ""), ("expires_on", ""), ("daily_quota", ""))
    assert (cleared["tier"], cleared["expires_on"], cleared["daily_quota"]) == (None, None, None)
    # The admin page sends a hidden 0 and, when ticked, the checkbox's 1 after it.
    assert post(("disabled", "0"), ("disabled", "1"))["disabled"] is True
    assert post(("disabled", "0"))["disabled"] is False
    assert post(("role", "member"))["role"] == "member"


def test_the_last_admin_cannot_demote_or_disable_themselves(
    app_client: TestClient, library: Library
) -> None:
    sign_in(app_client, "admin")
    token = csrf_of(app_client, "/admin")
    admin = library.store.get_user_by_name("admin")
    assert admin is not None
    for change in ({"role": "member"}, {"disabled": "1"}):
        response = app_client.post(
            f"/admin/users/{admin.id}",
            data={**change, "csrf": token},
            headers={"Accept": "application/json"},
        )
        assert response.status_code == 400
        assert response.json()["error"] == (
            "admin 是唯一在用的管理员，不能降为会员或停用：请先把另一个账号设为管理员。"
        )
    assert library.store.get_user(admin.id) == admin
    assert app_client.get("/admin.json").status_code == 200


# --- disabled accounts and the expiry day ---------------------------------------------------


def test_disabling_an_account_ends_its_sessions_and_tokens_at_once(
    app_client: TestClient, library: Library
) -> None:
    member = _other(app_client, "member")
    secret = member.post(
        "/account/tokens",
        data={"label": "脚本", "csrf": csrf_of(member, "/account")},
        headers={"Accept": "application/json"},
    ).json()["token"]
    auth = {"Authorization": f"Bearer {secret}"}
    assert member.get("/account.json").status_code == 200
    sign_in(app_client, "admin")
    user = library.store.get_user_by_name("会员甲")
    assert user is not None
    app_client.post(
        f"/admin/users/{user.id}", data={"disabled": "1", "csrf": csrf_of(app_client, "/admin")}
    )
    assert member.get("/account.json").status_code == 401
    assert TestClient(app_client.app).get("/account.json", headers=auth).status_code == 401
    again = TestClient(app_client.app)
    login = again.post(
        "/login",
        data={"name": "会员甲", "password": PASSWORD, "csrf": csrf_of(again)},
        headers={"Accept": "application/json"},
    )
    assert login.status_code == 401 and login.json()["error"] == "用户名或密码不正确。"


@pytest.mark.parametrize(
    ("expires_on", "reads_paid"), [("2026-03-10", True), ("2026-03-09", False)]
)
def test_a_member_reads_the_paid_part_on_the_last_day_of_the_tier(
    app_client: TestClient, library: Library, expires_on: str, reads_paid: bool
) -> None:
    # Noon UTC on 2026-03-10 is 2026-03-10 in every time zone from UTC-11 to UTC+11.
    clock = Accounts(library.store, clock=lambda: datetime(2026, 3, 10, 12, tzinfo=UTC))
    app_client.app.state.accounts = clock  # type: ignore[attr-defined]
    clock.add("末日会员", PASSWORD, tier="会员", expires_on=expires_on)
    app_client.post(
        "/login", data={"name": "末日会员", "password": PASSWORD, "csrf": csrf_of(app_client)}
    )
    account = app_client.get("/account.json").json()
    assert (account["member_valid"], account["reads_paid"]) == (reads_paid, reads_paid)
    paid = next(a for a in library.articles() if any(p.paid for p in a.paragraphs))
    article = app_client.get(f"/article/{paid.id}.json").json()
    locked = sum(1 for p in paid.paragraphs if p.paid)
    assert article["locked_paragraphs"] == (0 if reads_paid else locked)


# --- files ----------------------------------------------------------------------------------


def test_upload_folders_are_readable_by_their_owner_only(app_client: TestClient) -> None:
    jobs = app_client.app.state.imports  # type: ignore[attr-defined]
    folder = jobs.new_folder()
    try:
        for path in (jobs.root, folder):
            assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
    finally:
        folder.rmdir()
