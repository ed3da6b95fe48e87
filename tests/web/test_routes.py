"""Every route for every role, the JSON envelope, CSRF, injection, sessions, tokens, quotas."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import pytest
from starlette.testclient import TestClient

from sucai.users import Accounts
from sucai.web import create_app
from tests.conftest import ROOT
from tests.web.conftest import PASSWORD, csrf_of, sign_in

if TYPE_CHECKING:
    from sucai import Library
    from sucai.web import WebSettings

# path → expected status for visitor, expired, member, admin (GET, no redirects followed).
PAGES = {
    "/": (200, 200, 200, 200),
    "/search?q=招商": (200, 200, 200, 200),
    "/search.json?q=招商": (200, 200, 200, 200),
    "/search?q=招商&in=title": (200, 200, 200, 200),
    "/search?q=招商&in=outline&genre=发言&page=2": (200, 200, 200, 200),
    "/article/1": (200, 200, 200, 200),
    "/article/1.json": (200, 200, 200, 200),
    "/browse": (200, 200, 200, 200),
    "/browse.json?genre=发言": (200, 200, 200, 200),
    "/login": (200, 200, 200, 200),
    "/account": (303, 200, 200, 200),
    "/account.json": (401, 200, 200, 200),
    "/admin": (401, 403, 403, 200),
    "/admin.json": (401, 403, 403, 200),
    "/import": (401, 403, 403, 200),
    "/health": (200, 200, 200, 200),
    "/openapi.json": (200, 200, 200, 200),
    "/static/app.css": (200, 200, 200, 200),
    "/static/app.js": (200, 200, 200, 200),
    "/article/9999": (404, 404, 404, 404),
    "/article/9999.json": (404, 404, 404, 404),
    "/no-such-page": (404, 404, 404, 404),
    "/search.json?q=%22open": (400, 400, 400, 400),
    "/search.json?q=": (400, 400, 400, 400),
    "/search.json?q=x&year=abc": (400, 400, 400, 400),
    "/import/nojob.json": (401, 403, 403, 404),
}


@pytest.mark.parametrize(
    "role_index,role", list(enumerate(["visitor", "expired", "member", "admin"]))
)
def test_every_page_answers_each_role_as_expected(
    app_client: TestClient, role_index: int, role: str
) -> None:
    sign_in(app_client, role)
    for path, statuses in PAGES.items():
        response = app_client.get(path, follow_redirects=False)
        assert response.status_code == statuses[role_index], (role, path, response.text[:300])
        is_api = path.endswith(".json") or ".json?" in path or path == "/health"
        if is_api and path != "/openapi.json":  # the OpenAPI document is not an API answer
            body = response.json()
            if response.status_code == 200:
                assert body["ok"] is True, path
            else:
                assert body == {
                    "ok": False,
                    "error": "; ".join(body["errors"]),
                    "errors": body["errors"],
                    "status": response.status_code,
                }, path
                assert body["errors"] and all(body["errors"]), path


def test_accept_header_asks_for_json_from_the_same_handler(app_client: TestClient) -> None:
    html = app_client.get("/search?q=招商")
    data = app_client.get("/search?q=招商", headers={"Accept": "application/json"})
    assert html.headers["content-type"].startswith("text/html")
    assert data.json()["ok"] is True
    assert data.json() == app_client.get("/search.json?q=招商").json()
    missing = app_client.get("/article/9999", headers={"Accept": "application/json"})
    assert missing.json() == {
        "ok": False,
        "error": "没有编号为 9999 的文章。",
        "errors": ["没有编号为 9999 的文章。"],
        "status": 404,
    }


def test_json_is_written_without_ascii_escapes(app_client: TestClient) -> None:
    raw = app_client.get("/search.json?q=招商&in=title").text
    assert "招商" in raw
    assert "\\u" not in raw


def test_search_page_groups_hits_by_article_with_highlights_facets_and_tabs(
    app_client: TestClient,
) -> None:
    sign_in(app_client, "member")
    page = app_client.get("/search?q=招商")
    assert "<mark>招商</mark>" in page.text
    assert 'class="group"' in page.text
    assert "文种" in page.text  # facets
    assert 'href="/search?q=%E6%8B%9B%E5%95%86&amp;in=title"' in page.text  # tab keeps q
    data = app_client.get("/search.json?q=招商").json()
    assert data["total"] >= len(data["hits"]) > 0
    assert "facets" not in data  # the API counts facets when asked
    counted = app_client.get("/search.json?q=招商&facets=1").json()
    assert sum(n for _, n in counted["facets"]["genre"]) == counted["total"] == data["total"]
    assert "来源" in page.text  # the source facet: the folder the seed came from
    hit = data["hits"][0]
    start, end = hit["highlights"][0]
    assert hit["text"][start:end] == "招商"


def test_paging_and_filters_live_in_the_url(app_client: TestClient) -> None:
    sign_in(app_client, "member")  # the seed is mostly paid: members search all of it
    first = app_client.get("/search.json?q=发展").json()
    assert first["total"] > 20
    second = app_client.get("/search.json?q=发展&page=2").json()
    assert second["offset"] == 20
    assert {(h["article_id"], h["paragraph_index"]) for h in first["hits"]}.isdisjoint(
        (h["article_id"], h["paragraph_index"]) for h in second["hits"]
    )
    page = app_client.get("/search?q=发展")
    assert "page=2" in page.text
    none = app_client.get("/search.json?q=发展&genre=不存在的文种").json()
    assert none["total"] == 0


def test_pages_link_to_their_neighbours_and_facets_to_their_filters(
    app_client: TestClient,
) -> None:
    sign_in(app_client, "member")
    total = app_client.get("/search.json?q=发展").json()["total"]
    last = (total + 19) // 20  # 20 hits a page
    assert last >= 2

    def links(url: str) -> dict[str, str]:
        html = app_client.get(url).text.replace("&amp;", "&")
        found = re.findall(r'<a href="([^"]*)" rel="(prev|next)">', html)
        return {rel: href for href, rel in found}

    first = links("/search?q=发展")
    assert first == {"next": "/search?" + urlencode({"q": "发展", "page": 2})}
    assert links(f"/search?q=发展&page={last}") == {
        "prev": "/search?" + urlencode({"q": "发展", "page": last - 1})
    }
    genre = app_client.get("/browse.json").json()["facets"]["genre"][0][0]
    html = app_client.get("/browse?" + urlencode({"genre": genre})).text
    assert f'<a href="/browse?{urlencode({"genre": genre})}" class="on">{genre}</a>' in html
    assert '<a class="clear" href="/browse">清除</a>' in html


def test_article_page_has_toc_anchors_copy_buttons_similar_and_downloads(
    app_client: TestClient,
) -> None:
    sign_in(app_client, "member")
    page = app_client.get("/article/1").text
    anchors = re.findall(r'<a href="#p(\d+)">', page)
    assert anchors, "outline entries link to paragraphs"
    for index in anchors:
        assert f'id="p{index}"' in page
    assert 'class="copy"' in page
    assert "相似材料" in page
    assert "下载 .txt" in page and "下载 .md" in page
    data = app_client.get("/article/1.json").json()
    assert data["similar"] and data["locked_paragraphs"] == 0


def test_browse_lists_newest_first_with_facets_and_todays_additions(
    app_client: TestClient,
) -> None:
    data = app_client.get("/browse.json").json()
    assert data["total"] == len(data["articles"]) == 7
    assert len(data["today"]) == 7  # the seed was imported today
    assert data["facets"]["genre"]
    page = app_client.get("/browse").text
    assert "今日更新" in page


def test_download_needs_an_account_and_is_audited_with_its_format(
    app_client: TestClient, library: Library
) -> None:
    token = csrf_of(app_client)
    assert (
        app_client.post("/article/1/download", data={"format": "txt", "csrf": token}).status_code
        == 401
    )
    sign_in(app_client, "member")
    token = csrf_of(app_client, "/article/1")  # the form token of the new session
    response = app_client.post("/article/1/download", data={"format": "md", "csrf": token})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert "attachment" in response.headers["content-disposition"]
    assert response.text.startswith("# ")
    entries = library.store.audit_entries(limit=10)
    assert (entries[0].user_name, entries[0].action, entries[0].target, entries[0].format) == (
        "会员甲",
        "download",
        "article:1",
        "md",
    )


def test_daily_download_quota_is_enforced(app_client: TestClient, library: Library) -> None:
    accounts = Accounts(library.store)
    user = accounts.add("限额", PASSWORD, tier="会员", expires_on="2099-01-01", daily_quota=2)
    token = csrf_of(app_client)
    response = app_client.post(
        "/login", data={"name": user.name, "password": PASSWORD, "csrf": token}
    )
    assert response.status_code == 200
    token = csrf_of(app_client, "/account")
    statuses = [
        app_client.post("/article/1/download", data={"format": "txt", "csrf": token}).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    over = app_client.post(
        "/article/1/download",
        data={"format": "txt", "csrf": token},
        headers={"Accept": "application/json"},
    ).json()
    assert over["status"] == 429 and "今日下载次数已用完" in over["error"]


@pytest.mark.parametrize(
    "path,data",
    [
        ("/login", {"name": "admin", "password": PASSWORD}),
        ("/logout", {}),
        ("/article/1/download", {"format": "txt"}),
        ("/account/password", {"old": PASSWORD, "new": "another-pass-9", "confirm": "x"}),
        ("/account/tokens", {"label": "x"}),
        ("/admin/users", {"name": "新人", "password": PASSWORD}),
        ("/admin/users/1", {"role": "member"}),
    ],
)
def test_a_post_without_the_csrf_token_is_refused(
    app_client: TestClient, path: str, data: dict[str, str]
) -> None:
    sign_in(app_client, "admin")
    missing = app_client.post(path, data=data, follow_redirects=False)
    assert missing.status_code == 403, missing.text[:200]
    assert "CSRF" in missing.text
    wrong = app_client.post(path, data={**data, "csrf": "forged"}, follow_redirects=False)
    assert wrong.status_code == 403
    # Still signed in as admin: the refused POSTs changed nothing.
    assert app_client.get("/admin.json").status_code == 200


def test_cookies_are_httponly_samesite_and_secure_over_https(
    library: Library, settings: WebSettings
) -> None:
    app = create_app(library, settings)
    for base, secure in (("http://testserver", False), ("https://testserver", True)):
        with TestClient(app, base_url=base) as client:
            token = csrf_of(client)
            response = client.post(
                "/login",
                data={"name": "admin", "password": PASSWORD, "csrf": token},
                follow_redirects=False,
            )
            cookie = response.headers["set-cookie"]
            assert "sucai_session=" in cookie
            assert "HttpOnly" in cookie and "SameSite=lax" in cookie
            assert ("Secure" in cookie) is secure


def test_sessions_live_in_the_database_and_end_at_logout(
    app_client: TestClient, library: Library, settings: WebSettings
) -> None:
    sign_in(app_client, "member")
    cookie = app_client.cookies.get("sucai_session")
    assert cookie
    # A second app over the same library (a restarted server) knows the session.
    with TestClient(create_app(library, settings)) as other:
        other.cookies.set("sucai_session", cookie)
        assert other.get("/account.json").json()["user"]["name"] == "会员甲"
        token = csrf_of(app_client, "/account")
        app_client.post("/logout", data={"csrf": token})
        other.cookies.set("sucai_session", cookie)
        assert other.get("/account.json").status_code == 401


def test_login_is_throttled_after_five_failures(app_client: TestClient) -> None:
    token = csrf_of(app_client)
    for _ in range(5):
        bad = app_client.post("/login", data={"name": "admin", "password": "wrong", "csrf": token})
        assert bad.status_code == 401
        assert "用户名或密码不正确" in bad.text
    blocked = app_client.post("/login", data={"name": "admin", "password": PASSWORD, "csrf": token})
    assert blocked.status_code == 429
    assert "登录失败次数过多" in blocked.text
    assert app_client.get("/account.json").status_code == 401


def test_api_tokens_authenticate_scripts_and_can_be_revoked(app_client: TestClient) -> None:
    sign_in(app_client, "member")
    token = csrf_of(app_client, "/account")
    created = app_client.post(
        "/account/tokens",
        data={"label": "脚本", "csrf": token},
        headers={"Accept": "application/json"},
    ).json()
    secret = created["token"]
    token_id = created["tokens"][0]["id"]
    with TestClient(app_client.app) as script:
        auth = {"Authorization": f"Bearer {secret}"}
        assert script.get("/account.json", headers=auth).json()["user"]["name"] == "会员甲"
        # A Bearer request carries no cookies, so it needs no CSRF token.
        download = script.post("/article/1/download", data={"format": "txt"}, headers=auth)
        assert download.status_code == 200
        app_client.post(f"/account/tokens/{token_id}/revoke", data={"csrf": token})
        refused = script.get("/account.json", headers=auth)
        assert refused.status_code == 401
        assert refused.json()["error"] == "API 令牌无效或已撤销。"


def test_admin_manages_accounts_and_sees_the_audit_log(
    app_client: TestClient, library: Library
) -> None:
    sign_in(app_client, "admin")
    token = csrf_of(app_client, "/admin")
    added = app_client.post(
        "/admin/users",
        data={
            "name": "新会员",
            "password": PASSWORD,
            "role": "member",
            "tier": "SVIP",
            "expires_on": "2030-06-30",
            "daily_quota": "5",
            "csrf": token,
        },
        headers={"Accept": "application/json"},
    ).json()
    assert added["user"]["tier"] == "SVIP"
    uid = added["user"]["id"]
    app_client.post(
        f"/admin/users/{uid}",
        data={"role": "member", "tier": "会员", "expires_on": "2020-01-01", "csrf": token},
    )
    user = library.store.get_user(uid)
    # The quota was not sent: it stays.
    assert user is not None and (user.tier, user.expires_on, user.daily_quota) == (
        "会员",
        "2020-01-01",
        5,
    )
    data = app_client.get("/admin.json").json()
    assert {"user-add", "user-update", "login"} <= {e["action"] for e in data["audit"]}
    bad = app_client.post(
        "/admin/users",
        data={"name": "x", "password": PASSWORD, "expires_on": "明年", "csrf": token},
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["error"]


def test_member_changes_password(app_client: TestClient) -> None:
    sign_in(app_client, "member")
    token = csrf_of(app_client, "/account")
    wrong = app_client.post(
        "/account/password",
        data={"old": "nope", "new": "new-password-1", "confirm": "new-password-1", "csrf": token},
    )
    assert wrong.status_code == 401
    ok = app_client.post(
        "/account/password",
        data={"old": PASSWORD, "new": "new-password-1", "confirm": "new-password-1", "csrf": token},
        follow_redirects=False,
    )
    assert ok.status_code == 303
    app_client.post("/logout", data={"csrf": token})
    again = app_client.post(
        "/login", data={"name": "会员甲", "password": "new-password-1", "csrf": csrf_of(app_client)}
    )
    assert again.status_code == 200 and "会员甲" in again.text


INJECTIONS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "招商'; DROP TABLE articles; --",
    "%' UNION SELECT password_hash FROM users --",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_injection_in_query_parameters_is_inert(
    app_client: TestClient, library: Library, payload: str
) -> None:
    sign_in(app_client, "admin")
    for param in ("q", "genre", "role", "in", "page", "year"):
        params = {"q": "招商", param: payload}
        for path in ("/search", "/search.json", "/browse", "/browse.json"):
            response = app_client.get(path, params=params)
            assert response.status_code in (200, 400), (path, param, response.text[:200])
            assert "scrypt$" not in response.text
            if path.endswith(".json"):
                # Data, not markup: served as JSON (with nosniff), never as HTML.
                assert response.headers["content-type"] == "application/json"
                continue
            assert "<script>alert(1)</script>" not in response.text
            assert "<img src=x" not in response.text
    assert library.count() == 7
    login = app_client.post("/login", data={"name": payload, "password": payload, "csrf": "x"})
    assert login.status_code == 403
    assert "<script>alert(1)</script>" not in login.text


def test_injection_in_form_fields_is_escaped_or_refused(
    app_client: TestClient, library: Library
) -> None:
    token = csrf_of(app_client)
    payload = "<script>alert(1)</script>"
    login = app_client.post("/login", data={"name": payload, "password": "x", "csrf": token})
    assert login.status_code == 401
    assert payload not in login.text and "&lt;script&gt;" in login.text
    sign_in(app_client, "admin")
    token = csrf_of(app_client, "/admin")
    refused = app_client.post(
        "/admin/users",
        data={"name": payload, "password": PASSWORD, "csrf": token},
        headers={"Accept": "application/json"},
    )
    assert refused.status_code == 400
    member = library.store.get_user_by_name("会员甲")
    assert member is not None
    app_client.post(
        f"/admin/users/{member.id}",
        data={"role": "member", "tier": payload, "expires_on": "2099-12-31", "csrf": token},
    )
    admin_page = app_client.get("/admin").text
    assert payload not in admin_page and "&lt;script&gt;" in admin_page
    assert len(library.store.list_users()) == 3


def test_pages_carry_security_headers_and_are_not_cached(app_client: TestClient) -> None:
    response = app_client.get("/article/1")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert "no-store" in response.headers["cache-control"]


def test_the_web_docs_name_every_json_endpoint() -> None:
    docs = (ROOT / "docs" / "web.md").read_text(encoding="utf-8")
    from sucai.web.openapi_updates import OPENAPI

    for path in OPENAPI["paths"]:
        assert path in docs, path
    assert "/openapi.json" in docs


def test_a_table_is_shown_as_a_table_on_the_article_page(
    library: Library, app_client: TestClient
) -> None:
    """Issue 16: rows and cells, not a paragraph of tabs; the JSON says which paragraph it is."""
    page_file = (
        ROOT / "tests/data/realfiles/files/2019年上海市人民政府办公厅政府信息公开工作年度报告.html"
    )
    article_id = library.ingest([page_file]).files[0].article_ids[0]
    sign_in(app_client, "member")
    page = app_client.get(f"/article/{article_id}").text
    assert page.count('<table class="data">') == 3
    assert "<tr><td>规章</td><td>13</td><td>13</td><td></td><td>524</td></tr>" in page
    data = app_client.get(f"/article/{article_id}.json").json()
    tables = [p for p in data["paragraphs"] if p["kind"] == "table"]
    assert len(tables) == 3
    assert "规章\t13\t13\t\t524" in tables[0]["text"].split("\n")
