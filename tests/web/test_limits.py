"""Rate limits, bounded requests and our own errors (issue 15).

The buckets run on a clock the tests move (the limiter's ``clock`` seam), so no test waits;
expected waits and counts come from the rates written in each test.
"""

from __future__ import annotations

import dataclasses
import html
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from typing import TYPE_CHECKING, Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from sucai.cli import cli
from sucai.config import load_settings
from sucai.errors import ConfigError
from sucai.users import Account, Accounts
from sucai.web import create_app
from sucai.web.limits import (
    DEFAULT_RATES,
    Rate,
    RateLimiter,
    parse_rate_limits,
    parse_trusted_proxies,
    rate_tiers,
)
from tests.web.conftest import PASSWORD, ROLES, csrf_of, sign_in
from tests.web.test_serve import _free_port

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from sucai import Library
    from sucai.web import WebSettings


class Clock:
    """A monotonic clock that moves only when told."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


CSP = "default-src 'self'"
Client = "Callable[..., TestClient]"


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client_for(
    library: Library, settings: WebSettings, clock: Clock
) -> Iterator[Callable[..., TestClient]]:
    """``client_for(rate_limits=…, trusted_proxies=…, peer=…)``: a client of an app with
    these settings, its limiter on the test's clock and answering refusals at once (the
    served app below keeps the real delay)."""
    opened: list[TestClient] = []

    def make(peer: str = "192.0.2.10", **changes: object) -> TestClient:
        changes.setdefault("rate_limits", "")  # the defaults, unless the test sets its own
        app = create_app(library, dataclasses.replace(settings, **changes))
        app.state.limiter = RateLimiter(app.state.limiter.table, clock=clock, delay=0)
        client = TestClient(app, client=(peer, 50000))
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)


def _search(client: TestClient, q: str = "招商", **headers: str) -> int:
    return client.get("/search.json", params={"q": q}, headers=headers).status_code


# --- the token buckets -----------------------------------------------------------------------


def test_a_bucket_gives_its_burst_then_one_request_per_refill(clock: Clock) -> None:
    limiter = RateLimiter(parse_rate_limits("visitor.search=2/s burst 3"), clock=clock)
    taken = [limiter.take("search", ("visitor",), "ip:a")[1] for _ in range(4)]
    assert taken == [0.0, 0.0, 0.0, 0.5]  # three at once, then half a second for the next
    clock.now += 0.25
    assert limiter.take("search", ("visitor",), "ip:a")[1] == pytest.approx(0.25)
    clock.now += 0.25
    assert limiter.take("search", ("visitor",), "ip:a")[1] == 0.0
    assert limiter.take("search", ("visitor",), "ip:b")[1] == 0.0  # another address
    assert limiter.take("check", ("visitor",), "ip:a")[1] == 0.0  # another kind of request
    clock.now += 3600  # a quiet hour fills the bucket to its burst, not beyond
    assert [limiter.take("search", ("visitor",), "ip:a")[1] for _ in range(4)][3] > 0


def test_the_limiter_forgets_the_least_recently_used_bucket_past_its_size(clock: Clock) -> None:
    limiter = RateLimiter(parse_rate_limits("visitor.search=1/h"), clock=clock, max_buckets=2)
    for key in ("ip:a", "ip:b"):
        assert limiter.take("search", ("visitor",), key)[1] == 0.0
    assert limiter.take("search", ("visitor",), "ip:a")[1] > 0  # a is used again: b is older
    assert limiter.take("search", ("visitor",), "ip:c")[1] == 0.0  # b is forgotten
    assert limiter.take("search", ("visitor",), "ip:a")[1] > 0
    assert limiter.take("search", ("visitor",), "ip:b")[1] == 0.0  # a full bucket again


def test_rates_are_the_defaults_with_the_setting_over_them() -> None:
    table = parse_rate_limits("visitor.search=1/s burst 10; SVIP.search=10/min\nadmin.check=off")
    assert table.rate(("visitor",), "search") == Rate(1, 1, 10)
    assert table.rate(("SVIP", "member"), "search") == Rate(10, 60, 10)
    assert table.rate(("SVIP", "member"), "check") == DEFAULT_RATES["member"]["check"]
    assert table.rate(("会员", "member"), "search") == Rate(5, 1, 30)
    assert table.rate(("admin",), "check") is None
    assert parse_rate_limits("off").rate(("visitor",), "search") is None
    assert parse_rate_limits("").rate(("visitor",), "login") == Rate(10, 60, 10)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("visitor.search", "rate_limits: 'visitor.search' is not TIER.ACTION=RATE"),
        ("search=1/s", "rate_limits: 'search=1/s' is not TIER.ACTION=RATE"),
        ("visitor.browse=1/s", "rate_limits: 'visitor.browse=1/s' names the action 'browse'"),
        ("visitor.search=fast", "rate_limits: 'visitor.search=fast' has the rate 'fast'"),
        ("visitor.search=5/day", "rate_limits: 'visitor.search=5/day' has the rate '5/day'"),
        ("visitor.search=0/s", "rate_limits: 'visitor.search=0/s' allows nothing"),
        ("member.login=1/s", "rate_limits: 'member.login=1/s': sign-in attempts are counted"),
    ],
)
def test_a_bad_rate_limit_names_the_setting_and_the_entry(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_rate_limits(text)
    assert str(caught.value).startswith(message)


def test_trusted_proxies_are_addresses_or_networks_and_never_everyone() -> None:
    assert parse_trusted_proxies("127.0.0.1, 10.0.0.0/24 ::1") == (
        "127.0.0.1/32",
        "10.0.0.0/24",
        "::1/128",
    )
    assert parse_trusted_proxies("") == ()
    for bad in ("*", "proxy.local", "10.0.0.0/33"):
        with pytest.raises(ConfigError, match=re.escape(f"trusted_proxies: '{bad}' is not an IP")):
            parse_trusted_proxies(bad)


def test_each_account_is_limited_at_its_tier(library: Library) -> None:
    accounts = Accounts(library.store)
    by_name = {u.name: u for u in accounts.users()}
    today = accounts.today()
    assert rate_tiers(Account(None, today)) == ("visitor",)
    assert rate_tiers(Account(by_name["admin"], today)) == ("admin",)
    assert rate_tiers(Account(by_name[ROLES["member"].name or ""], today)) == ("会员", "member")
    assert rate_tiers(Account(by_name[ROLES["expired"].name or ""], today)) == ("member",)


# --- 429 in the web app ----------------------------------------------------------------------


def test_a_visitor_over_the_search_rate_gets_429_with_retry_after(
    client_for: Client, clock: Clock
) -> None:
    client = client_for(rate_limits="visitor.search=6/min burst 3")
    # Every scope, the page and the JSON API draw on the same bucket.
    assert client.get("/search", params={"q": "招商"}).status_code == 200
    assert client.get("/search.json", params={"q": "招商", "in": "title"}).status_code == 200
    assert client.get("/search", params={"q": "招商", "in": "outline"}).status_code == 200
    refused = client.get("/search.json", params={"q": "招商"})
    assert refused.status_code == 429
    message = "检索过于频繁（上限：每分钟 6 次，可连续 3 次），请 10 秒后再试。"
    assert refused.json() == {
        "ok": False,
        "error": message,
        "errors": [message],
        "status": 429,
        "retry_after": 10,
    }
    assert refused.headers["retry-after"] == "10"
    page = client.get("/search", params={"q": "招商"})
    assert page.status_code == 429
    assert page.headers["retry-after"] == "10"
    assert "请稍后再试" in page.text and message in page.text
    assert CSP in page.headers["content-security-policy"]
    # The empty search page is not a search.
    assert client.get("/").status_code == 200
    clock.now += 2.5  # 7.5 s to go: the client is told 8, never too early
    assert client.get("/search.json", params={"q": "招商"}).json()["retry_after"] == 8
    clock.now += 7.5
    assert _search(client) == 200
    assert _search(client) == 429


def test_members_are_counted_by_account_not_by_address(client_for: Client) -> None:
    visitor = client_for(rate_limits="visitor.search=1/h; member.search=2/h")
    assert _search(visitor) == 200
    assert _search(visitor) == 429
    # Another browser at the same address, on the same server.
    with TestClient(visitor.app, client=("192.0.2.10", 50001)) as member:
        sign_in(member, "member")
        assert [_search(member) for _ in range(3)] == [200, 200, 429]
    assert _search(visitor) == 429


def test_a_member_tier_can_have_its_own_rate(client_for: Client) -> None:
    client = client_for(rate_limits="member.search=1/h; 会员.search=3/h")
    sign_in(client, "member")
    assert [_search(client) for _ in range(4)] == [200, 200, 200, 429]


def test_people_searching_at_reading_speed_never_meet_the_default_limits(
    client_for: Client, clock: Clock
) -> None:
    visitor = client_for()
    member = client_for()
    sign_in(member, "member")
    # A member: a burst of 30 searches (paging quickly), then one every second for a minute.
    assert {_search(member) for _ in range(30)} == {200}
    for _ in range(60):
        clock.now += 1
        assert _search(member) == 200
    # A visitor: 20 at once, then one every two seconds; more is refused.
    assert {_search(visitor) for _ in range(20)} == {200}
    assert _search(visitor) == 429


# --- addresses and proxies -------------------------------------------------------------------


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(client_for: Client) -> None:
    client = client_for(rate_limits="visitor.search=1/h")
    assert _search(client, **{"X-Forwarded-For": "203.0.113.1"}) == 200
    assert _search(client, **{"X-Forwarded-For": "203.0.113.2"}) == 429
    assert _search(client) == 429


def test_a_trusted_proxy_gives_each_client_its_own_address(client_for: Client) -> None:
    proxy = client_for(
        peer="10.0.0.5", rate_limits="visitor.search=1/h", trusted_proxies=("10.0.0.0/24",)
    )
    assert _search(proxy, **{"X-Forwarded-For": "203.0.113.1"}) == 200
    assert _search(proxy, **{"X-Forwarded-For": "203.0.113.1"}) == 429
    # A client's own X-Forwarded-For before the proxy's entry does not help it.
    assert _search(proxy, **{"X-Forwarded-For": "198.51.100.7, 203.0.113.1"}) == 429
    assert _search(proxy, **{"X-Forwarded-For": "203.0.113.2"}) == 200
    # IPv6 clients are counted by their /64.
    assert _search(proxy, **{"X-Forwarded-For": "2001:db8:1:2::1"}) == 200
    assert _search(proxy, **{"X-Forwarded-For": "2001:db8:1:2::ffff"}) == 429
    assert _search(proxy, **{"X-Forwarded-For": "2001:db8:1:3::1"}) == 200


def test_only_a_trusted_proxy_makes_cookies_secure(client_for: Client) -> None:
    def cookie(client: TestClient) -> str:
        return client.get("/login", headers={"X-Forwarded-Proto": "https"}).headers["set-cookie"]

    assert "Secure" not in cookie(client_for(peer="10.0.0.5"))
    trusted = client_for(peer="10.0.0.5", trusted_proxies=("10.0.0.5",))
    assert "Secure" in cookie(trusted)


def _login(client: TestClient, name: str, password: str, xff: str = "") -> int:
    headers = {"X-Forwarded-For": xff} if xff else {}
    response = client.post(
        "/login",
        data={"name": name, "password": password, "csrf": csrf_of(client)},
        headers=headers,
        follow_redirects=False,
    )
    return response.status_code


def test_sign_in_attempts_are_limited_per_address(client_for: Client) -> None:
    client = client_for(rate_limits="visitor.login=3/min")
    assert [_login(client, f"nobody{k}", "wrong-password") for k in range(3)] == [401] * 3
    refused = client.post(
        "/login",
        data={"name": "admin", "password": PASSWORD, "csrf": csrf_of(client)},
        follow_redirects=False,
    )
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "20"
    assert "登录尝试过于频繁（上限：每分钟 3 次），请 20 秒后再试。" in refused.text
    assert 'name="password"' in refused.text  # the sign-in form again, with the message
    data = client.post(
        "/login",
        data={"name": "admin", "password": PASSWORD, "csrf": csrf_of(client)},
        headers={"Accept": "application/json"},
    ).json()
    assert data["status"] == 429 and data["retry_after"] == 20
    assert client.get("/account.json").status_code == 401


def test_a_lock_out_behind_a_proxy_does_not_lock_the_owner_out_from_elsewhere(
    client_for: Client,
) -> None:
    proxy = client_for(peer="10.0.0.5", rate_limits="off", trusted_proxies=("10.0.0.5",))
    attacker, owner = "203.0.113.66", "198.51.100.20"
    assert [_login(proxy, "admin", "wrong-password", attacker) for _ in range(5)] == [401] * 5
    assert _login(proxy, "admin", PASSWORD, attacker) == 429
    assert _login(proxy, "admin", PASSWORD, owner) == 303


# --- 查重 and downloads ------------------------------------------------------------------------


def _check(client: TestClient, text: str, json: bool = True) -> Any:
    """Paste ``text`` into the 查重 form (multipart, as the page sends it)."""
    return client.post(
        "/check.json" if json else "/check",
        data={"text": text, "csrf": csrf_of(client, "/check")},
        files={"file": ("", b"")},
    )


def test_drafts_per_minute_are_limited(client_for: Client) -> None:
    client = client_for(rate_limits="visitor.check=2/min")
    statuses = [
        _check(client, "推进高质量发展，建设现代化产业体系。").status_code for _ in range(3)
    ]
    assert statuses == [200, 200, 429]


@pytest.mark.parametrize(("role", "limit"), [("visitor", 10000), ("expired", 10000)])
def test_a_visitor_may_paste_a_shorter_draft_than_a_member(
    client_for: Client, role: str, limit: int
) -> None:
    other = client_for()
    sign_in(other, role)
    member = client_for()
    sign_in(member, "member")
    long = "推进高质量发展。" * (limit // 8) + "再"  # one character over
    refused = _check(other, long)
    assert refused.status_code == 400
    assert refused.json()["errors"] == [
        f"草稿过长（{limit + 1} 字，上限 {limit} 字；会员上限 100000 字）：请分段查重。"
    ]
    assert _check(other, long[:-1]).status_code == 200
    assert _check(member, long).status_code == 200


def test_pasting_over_the_form_limit_gets_our_message_not_starlettes(
    client_for: Client,
) -> None:
    visitor = client_for()
    member = client_for()
    sign_in(member, "member")
    for client, limit in ((visitor, 10000), (member, 100000)):
        huge = "营" * (limit * 4)  # over 9 bytes a character of the limit, URL-encoded
        refused = _check(client, huge)
        assert refused.status_code == 400
        body = refused.json()
        assert body["ok"] is False and body["status"] == 400
        assert body["errors"][0].startswith(f"草稿过长（上限 {limit} 字")
        assert "exceeded" not in refused.text
        page = _check(client, huge, json=False)
        assert page.status_code == 400 and "草稿过长" in page.text


def test_any_form_field_over_a_megabyte_gets_a_chinese_message(client_for: Client) -> None:
    client = client_for()
    response = client.post(
        "/login",
        data={"name": "x" * (1024 * 1024 + 1), "password": "p", "csrf": csrf_of(client)},
        files={"file": ("", b"")},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        "请求无法解析：表单格式有误，或其中一项超过 1 MB。长文请分段提交，或上传文件。"
    ]


def test_downloads_are_limited_before_the_quota_counts(
    client_for: Client, library: Library
) -> None:
    client = client_for(rate_limits="member.download=1/h")
    sign_in(client, "member")
    token = csrf_of(client, "/article/1")
    first = client.post("/article/1/download", data={"format": "txt", "csrf": token})
    second = client.post("/article/1/download", data={"format": "txt", "csrf": token})
    assert (first.status_code, second.status_code) == (200, 429)
    assert second.headers["retry-after"] == "3600"
    account = client.get("/account.json").json()
    assert account["downloads_today"] == 1


# --- errors that give nothing away -----------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/article/99999999999999999999999", "/article/99999999999999999999999.json"]
)
def test_an_article_number_too_large_for_the_database_is_a_404(
    client_for: Client, path: str
) -> None:
    response = client_for().get(path)
    assert response.status_code == 404
    assert CSP in response.headers["content-security-policy"]
    assert "找不到这个地址" in response.text


def test_a_basket_item_too_large_for_the_database_is_a_404(client_for: Client) -> None:
    client = client_for()
    sign_in(client, "member")
    response = client.post(
        "/basket/add",
        data={"article_id": "9" * 30, "csrf": csrf_of(client, "/basket")},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 404
    assert response.json()["errors"] == [f"没有编号为 {'9' * 30} 的文章。"]


def test_an_unexpected_error_is_our_500_with_every_header(client_for: Client) -> None:
    client = client_for()
    client.app.state.readers.close()  # the readers are gone, as while a server stops
    page = client.get("/article/1")
    assert page.status_code == 500
    assert "服务器内部错误，请稍后重试或联系管理员。" in page.text
    assert CSP in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    data = client.get("/article/1.json")
    assert data.json() == {
        "ok": False,
        "error": "服务器内部错误，请稍后重试或联系管理员。",
        "errors": ["服务器内部错误，请稍后重试或联系管理员。"],
        "status": 500,
    }


@pytest.mark.parametrize("role", ["visitor", "expired", "member"])
def test_non_admins_see_file_names_not_server_paths_or_hashes(
    client_for: Client, role: str
) -> None:
    client = client_for()
    sign_in(client, role)
    sources = client.get("/article/1.json").json()["sources"]
    assert sources and all(s["path"] == "000_f3e70d4696a96c53.txt" for s in sources)
    assert all("sha256" not in s for s in sources)


def test_admins_see_where_each_source_file_is(client_for: Client) -> None:
    client = client_for()
    sign_in(client, "admin")
    source = client.get("/article/1.json").json()["sources"][0]
    assert source["path"].startswith("/") and source["path"].endswith("/000_f3e70d4696a96c53.txt")
    assert len(source["sha256"]) == 64


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ('营商环境"', '引号 "（在“营商环境”之后）没有配对：请补上另一半引号，或删去它。'),
        ("营商 文种:", "筛选条件“文种:”后面没有值"),
        ("营" * 201, "检索词过长（201 字，上限 200 字）"),
    ],
)
def test_query_errors_are_in_chinese_on_the_web(client_for: Client, q: str, message: str) -> None:
    client = client_for()
    data = client.get("/search.json", params={"q": q})
    assert data.status_code == 400
    assert data.json()["errors"][0].startswith(message)
    page = client.get("/search", params={"q": q})
    assert page.status_code == 400 and message in html.unescape(page.text)


def test_a_long_filter_is_refused_before_it_fills_every_link(client_for: Client) -> None:
    client = client_for()
    for path in ("/search", "/browse"):
        response = client.get(path, params={"q": "招商", "genre": "讲" * 101})
        assert response.status_code == 400
        assert "筛选条件“文种”过长（101 字，上限 100 字）" in response.text


def test_format_controls_are_not_echoed_by_the_search_page(client_for: Client) -> None:
    page = client_for().get("/search", params={"q": "\u202e招商\u200b"})
    assert page.status_code == 200
    assert "\u202e" not in page.text and "\u200b" not in page.text
    assert 'value="招商"' in page.text


# --- the settings, and `sucai serve` ---------------------------------------------------------


def test_limit_settings_come_from_the_flag_then_the_environment_then_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "sucai.toml"
    config.write_text('rate_limits = "visitor.search=1/s"\ntrusted_proxies = "10.0.0.1"\n')
    assert load_settings(config_file=config).rate_limits == "visitor.search=1/s"
    monkeypatch.setenv("SUCAI_RATE_LIMITS", "off")
    monkeypatch.setenv("SUCAI_TRUSTED_PROXIES", "127.0.0.1")
    from_env = load_settings(config_file=config)
    assert (from_env.rate_limits, from_env.trusted_proxies) == ("off", "127.0.0.1")
    flagged = load_settings(config_file=config, rate_limits="", trusted_proxies="::1")
    assert (flagged.rate_limits, flagged.trusted_proxies) == ("", "::1")
    config.write_text("rate_limits = 5\n")
    monkeypatch.delenv("SUCAI_RATE_LIMITS")
    with pytest.raises(ConfigError, match="setting 'rate_limits' must be a string"):
        load_settings(config_file=config)


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--rate-limits", "visitor.search=fast"], {}, "Error: rate_limits: 'visitor.search=fast'"),
        ([], {"SUCAI_TRUSTED_PROXIES": "*"}, "Error: trusted_proxies: '*' is not an IP"),
    ],
)
def test_serve_refuses_a_bad_limit_setting_at_start_up(
    library: Library, args: list[str], env: dict[str, str], message: str
) -> None:
    db = str(library.store.path)  # type: ignore[attr-defined]
    result = CliRunner().invoke(cli, ["serve", "--db", db, *args], env=env)
    assert result.exit_code == 1
    assert result.output.startswith(message), result.output


def _request(
    con: http.client.HTTPConnection, method: str, path: str, body: str = "", **headers: str
) -> tuple[int, str, str]:
    """``(status, body, set-cookie)`` of one request on ``con``."""
    con.request(method, path, body=body or None, headers=headers)
    response = con.getresponse()
    return response.status, response.read().decode(), response.getheader("set-cookie", "")


def test_a_served_app_limits_each_worker_and_ignores_local_forwarded_headers(
    library: Library,
) -> None:
    """The real server: uvicorn itself believed X-Forwarded-For from any local client, so a
    script on the machine rotated it past the sign-in throttle; the limits reach every worker."""
    port = _free_port()
    db = str(library.store.path)  # type: ignore[attr-defined]
    library.close()
    command = [sys.executable, "-m", "sucai", "serve", "--db", db, "--port", str(port)]
    rates = "visitor.search=1/h; visitor.login=2/h"
    server = subprocess.Popen(
        [*command, "--workers", "2", "--rate-limits", rates],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_for(port)
        # One keep-alive connection stays with one worker: its buckets.
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        search = "/search.json?q=" + urllib.parse.quote("招商")
        assert _request(con, "GET", search)[0] == 200
        for k in range(3):
            status, body, _ = _request(con, "GET", search, **{"X-Forwarded-For": f"203.0.113.{k}"})
            assert status == 429
            assert 3590 <= json.loads(body)["retry_after"] <= 3600  # less the second waited
        _, page, cookie = _request(con, "GET", "/login")
        token = re.search(r'name="csrf" value="([^"]+)"', page)
        assert token
        form = urllib.parse.urlencode({"name": "admin", "password": "wrong", "csrf": token[1]})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie.split(";")[0],
        }
        statuses = [
            _request(con, "POST", "/login", form, **headers, **{"X-Forwarded-For": f"10.9.9.{k}"})[
                0
            ]
            for k in range(4)
        ]
        assert statuses == [401, 401, 429, 429]
        con.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        con = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            if _request(con, "GET", "/health")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
        finally:
            con.close()
    raise AssertionError("sucai serve did not answer /health")
