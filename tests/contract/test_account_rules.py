"""The rules of :mod:`sucai.users` at their boundaries (issue 23): throttling, sessions, quotas,
limits on names, passwords, tiers and dates, tokens, multi-article downloads.

The expected values are the documented rules worked by hand (5 failures in 15 minutes, 14-day
sessions, 会员 20 / SVIP 200 / 10 downloads, 8-character passwords …), each checked on both
sides of its boundary. Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from argon2 import PasswordHasher

from sucai.errors import (
    AccessDeniedError,
    AuthError,
    LoginThrottledError,
    QuotaExceededError,
    UserError,
)
from sucai.store import User
from sucai.users import Account, Accounts, Passwords

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sucai.store import Store

FAST = Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
PASSWORD = "correct-horse-1"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = NOON

    def __call__(self) -> datetime:
        return self.now


def _accounts(store: Store) -> tuple[Accounts, Clock]:
    clock = Clock()
    return Accounts(store, clock=clock, passwords=FAST), clock


def test_the_fifth_failure_within_fifteen_minutes_stops_sign_in_for_that_name_and_address(
    store: Store,
) -> None:
    accounts, clock = _accounts(store)
    accounts.add("甲", PASSWORD)
    for _ in range(4):
        with pytest.raises(AuthError, match="用户名或密码不正确"):
            accounts.sign_in("甲", "wrong-password", "10.0.0.1")
    # Four failures: the right password still signs in, and clears them.
    accounts.sign_in("甲", PASSWORD, "10.0.0.1")
    for _ in range(5):
        with pytest.raises(AuthError, match="用户名或密码不正确"):
            accounts.sign_in("甲", "wrong-password", "10.0.0.1")
    first_refusal = clock.now
    with pytest.raises(LoginThrottledError, match=r"^登录失败次数过多，请 15 分钟后再试。$"):
        accounts.sign_in("甲", PASSWORD, "10.0.0.1")
    # Another address, or another name from this address, is not throttled.
    assert accounts.sign_in("甲", PASSWORD, "10.0.0.2")[0].name == "甲"
    with pytest.raises(AuthError, match="用户名或密码不正确"):
        accounts.sign_in("乙", PASSWORD, "10.0.0.1")
    # The failures count for 15 minutes (the last second included), then no longer.
    clock.now = first_refusal + timedelta(minutes=15)
    with pytest.raises(LoginThrottledError):
        accounts.sign_in("甲", PASSWORD, "10.0.0.1")
    clock.now = first_refusal + timedelta(minutes=15, seconds=1)
    assert accounts.sign_in("甲", PASSWORD, "10.0.0.1")[0].name == "甲"


def test_a_session_lasts_fourteen_days_and_ends_at_sign_out(store: Store) -> None:
    accounts, clock = _accounts(store)
    user = accounts.add("甲", PASSWORD)
    _, token = accounts.sign_in("甲", PASSWORD, "10.0.0.1")
    clock.now = NOON + timedelta(days=14, seconds=-1)
    assert accounts.from_session(token).user == user
    clock.now = NOON + timedelta(days=14)
    assert accounts.from_session(token).user is None
    clock.now = NOON
    accounts.sign_out(token)
    assert accounts.from_session(token) == Account(None, date(2026, 3, 10))


def _user(role: str = "member", tier: str | None = None, quota: int | None = None) -> User:
    return User(1, "甲", role, tier, None, quota, "2026-01-01T08:00:00+00:00", False)


@pytest.mark.parametrize(
    ("user", "quota"),
    [
        (None, 0),
        (_user("admin", quota=3), None),
        (_user(), 10),
        (_user(tier="会员"), 20),
        (_user(tier="SVIP"), 200),
        (_user(tier="银卡"), 10),
        (_user(tier="SVIP", quota=3), 3),
        (_user(tier="会员", quota=0), 0),
    ],
)
def test_the_daily_quota_is_the_accounts_own_else_its_tiers_else_ten(
    user: User | None, quota: int | None
) -> None:
    assert Account(user, date(2026, 3, 10)).daily_quota == quota


def test_who_reads_the_paid_part() -> None:
    today = date(2026, 3, 10)
    no_tier = User(1, "甲", "member", None, "2099-12-31", None, "", False)
    assert (Account(no_tier, today).member_valid, Account(no_tier, today).reads_paid) == (
        False,
        False,
    )
    admin = User(2, "乙", "admin", None, "2000-01-01", None, "", False)
    assert (Account(admin, today).is_admin, Account(admin, today).reads_paid) == (True, True)
    visitor = Account(None, today)
    assert (visitor.is_admin, visitor.reads_paid, visitor.name) == (False, False, "visitor")


def test_names_passwords_quotas_tiers_and_dates_are_checked_at_their_limits(
    store: Store,
) -> None:
    accounts, _ = _accounts(store)
    with pytest.raises(UserError, match="at least 8 characters"):
        accounts.add("甲", "x" * 7)
    assert accounts.add(" 甲 ", "x" * 8).name == "甲"
    assert accounts.add("名" * 64, PASSWORD).name == "名" * 64
    for bad in ("名" * 65, "", "a b", "a/b"):
        message = (
            f"^user name '{bad}' is not allowed: use 1–64 letters, digits, Chinese "
            "characters, '.', '-', '_' or '@'.$"
        )
        with pytest.raises(UserError, match=message):
            accounts.add(bad, PASSWORD)
    with pytest.raises(UserError, match=r"^user '甲' already exists; choose another name\.$"):
        accounts.add("甲", PASSWORD)
    assert accounts.add("乙", PASSWORD, daily_quota=0).daily_quota == 0
    assert accounts.add("丙", PASSWORD, daily_quota=1_000_000).daily_quota == 1_000_000
    for quota in (-1, 1_000_001):
        message = (
            f"^the daily quota {quota} is out of range: give 0 to 1000000, "
            "or leave it empty for the tier's default.$"
        )
        with pytest.raises(UserError, match=message):
            accounts.add("丁", PASSWORD, daily_quota=quota)
    assert accounts.add("戊", PASSWORD, tier="级" * 40).tier == "级" * 40
    tier_message = r"^a tier name has at most 40 characters, e\.g\. 会员 or SVIP\.$"
    with pytest.raises(UserError, match=tier_message):
        accounts.add("己", PASSWORD, tier="级" * 41)
    assert accounts.add("庚", PASSWORD, expires_on=" 2027-01-31 ").expires_on == "2027-01-31"
    for bad in ("2027-1-31", "2027-02-30", "31.01.2027", "2027-01-31x"):
        with pytest.raises(UserError, match=f"date '{bad}' is not understood"):
            accounts.add("辛", PASSWORD, expires_on=bad)
    assert [u.name for u in accounts.users()] == sorted(["甲", "名" * 64, "乙", "丙", "戊", "庚"])
    user = accounts.user("乙")
    for change in ({"daily_quota": -1}, {"tier": "级" * 41}):
        with pytest.raises(UserError):
            accounts.update(user.id, **change)
    assert accounts.user("乙") == user
    with pytest.raises(UserError, match=r"^role 'owner' is unknown; choose member or admin\.$"):
        accounts.update(user.id, role="owner")
    with pytest.raises(UserError, match="no user '壬'"):
        accounts.user("壬")
    with pytest.raises(UserError, match=r"^no user with id 99\.$"):
        accounts.set_password(99, "new-password-1")
    assert accounts.downloads_today(accounts.visitor()) == 0


def test_a_password_change_needs_the_old_one_and_keeps_only_this_session(store: Store) -> None:
    accounts, _ = _accounts(store)
    accounts.add("甲", PASSWORD)
    _, here = accounts.sign_in("甲", PASSWORD, "10.0.0.1")
    _, there = accounts.sign_in("甲", PASSWORD, "10.0.0.2")
    account = accounts.from_session(here)
    with pytest.raises(AuthError, match=r"^当前密码不正确。$"):
        accounts.change_password(account, "wrong-password", "new-password-1")
    with pytest.raises(UserError, match="at least 8 characters"):
        accounts.change_password(account, PASSWORD, "short")
    with pytest.raises(AuthError, match=r"^请先登录。$"):
        accounts.change_password(accounts.visitor(), PASSWORD, "new-password-1")
    assert accounts.from_session(there).user is not None  # nothing changed yet
    accounts.change_password(account, PASSWORD, "new-password-1")
    assert accounts.from_session(here).user is not None
    assert accounts.from_session(there).user is None
    assert accounts.sign_in("甲", "new-password-1", "10.0.0.1")[0].name == "甲"


def test_api_tokens_carry_a_label_of_at_most_80_characters(store: Store) -> None:
    accounts, _ = _accounts(store)
    accounts.add("甲", PASSWORD)
    _, session = accounts.sign_in("甲", PASSWORD, "10.0.0.1")
    account = accounts.from_session(session)
    blank = accounts.create_token(account, "   ")
    long = accounts.create_token(account, " " + "标" * 81)
    assert blank.startswith("sc_") and long.startswith("sc_")
    assert [t.label for t in accounts.tokens(account)] == ["标" * 80, "API"]
    assert accounts.tokens(accounts.visitor()) == []
    with pytest.raises(AuthError, match=r"^请先登录。$"):
        accounts.create_token(accounts.visitor(), "x")
    # 32 random bytes, URL-safe base64 without padding: 43 characters after the prefix.
    assert (len(blank), len(long)) == (46, 46)
    first = accounts.tokens(account)[1]
    accounts.revoke_token(account, first.id)
    assert accounts.from_api_token(blank) is None
    assert accounts.from_api_token(long) is not None
    with pytest.raises(UserError, match=rf"^no live API token {first.id} of this account\.$"):
        accounts.revoke_token(account, first.id)


def test_a_zip_counts_one_download_per_article_all_or_none(store: Store) -> None:
    accounts, _ = _accounts(store)
    accounts.add("甲", PASSWORD, daily_quota=3)
    _, session = accounts.sign_in("甲", PASSWORD, "10.0.0.1")
    account = accounts.from_session(session)
    stamp = accounts.record_downloads(account, ["article:1", "article:2"], "zip", "10.0.0.1")
    assert (stamp.recipient, stamp.issued_on, stamp.visible) == ("甲", "2026-03-10", True)
    assert accounts.downloads_today(account) == 2
    with pytest.raises(
        QuotaExceededError,
        match=r"^打包下载 2 篇计 2 次下载，今日只剩 1 次（每日 3 次）：请少选几篇，或明天再试。$",
    ):
        accounts.record_downloads(account, ["article:3", "article:4"], "zip", "10.0.0.1")
    assert accounts.downloads_today(account) == 2
    admin = accounts.add("管理员", PASSWORD, admin=True)
    log = accounts.audit_log(Account(admin, date(2026, 3, 10)))
    downloads = [e for e in log if e.action == "download"]
    assert [e.target for e in downloads] == ["article:2", "article:1"]
    assert {e.code for e in downloads} == {stamp.code}
    with pytest.raises(AccessDeniedError, match=r"^只有管理员可以查看审计日志。$"):
        accounts.audit_log(account)
    with pytest.raises(AuthError, match=r"^下载需要登录：请先登录或开通会员。$"):
        accounts.record_downloads(accounts.visitor(), ["article:1"], "zip", "10.0.0.1")
    accounts.record_downloads(account, ["article:3"], "zip", "10.0.0.1")
    none_left = r"^打包下载 1 篇计 1 次下载，今日只剩 0 次（每日 3 次）"
    with pytest.raises(QuotaExceededError, match=none_left):
        accounts.record_downloads(account, ["article:4"], "zip", "10.0.0.1")
    nothing = Account(accounts.add("乙", PASSWORD, daily_quota=0), date(2026, 3, 10))
    with pytest.raises(QuotaExceededError, match="今日只剩 0 次（每日 0 次）"):
        accounts.record_downloads(nothing, ["article:1"], "zip", "10.0.0.1")


def test_the_footer_line_is_off_only_for_the_tiers_named(store: Store) -> None:
    accounts, _ = _accounts(store)
    for name, tier in (("甲", "SVIP"), ("乙", "会员")):
        accounts.add(name, PASSWORD, tier=tier)
    for name, visible in (("甲", False), ("乙", True)):
        account = Account(accounts.user(name), date(2026, 3, 10))
        stamp = accounts.record_download(
            account, "article:1", "docx", "10.0.0.1", line_off_tiers=("SVIP",)
        )
        assert stamp.visible is visible
        zipped = accounts.record_downloads(
            account, ["article:1", "article:2"], "zip", "10.0.0.1", line_off_tiers=("SVIP",)
        )
        assert zipped.visible is visible


def test_an_export_for_someone_is_audited_with_their_account_when_there_is_one(
    store: Store,
) -> None:
    accounts, _ = _accounts(store)
    user = accounts.add("甲", PASSWORD)
    admin = accounts.add("管理员", PASSWORD, admin=True)
    known = accounts.record_export(" 甲 ", "article:1", "docx")
    unknown = accounts.record_export("局办公室", "article:2", "pdf")
    assert (known.recipient, known.issued_on, known.visible) == ("甲", "2026-03-10", True)
    entries = accounts.audit_log(Account(admin, date(2026, 3, 10)))
    assert [(e.user_id, e.user_name, e.action, e.target, e.format, e.ip, e.code) for e in entries][
        :2
    ] == [
        (None, "局办公室", "export", "article:2", "pdf", "cli", unknown.code),
        (user.id, "甲", "export", "article:1", "docx", "cli", known.code),
    ]
    with pytest.raises(UserError, match=r"^name whom the export is for: --for NAME\.$"):
        accounts.record_export("  ", "article:1", "docx")


def test_an_admins_download_has_no_quota_and_is_audited_in_full(store: Store) -> None:
    accounts, _ = _accounts(store)
    admin = Account(accounts.add("管理员", PASSWORD, admin=True), date(2026, 3, 10))
    for n in range(3):
        stamp = accounts.record_download(admin, f"article:{n}", "docx", "10.0.0.9")
    (last, *_) = accounts.audit_log(admin)
    assert (last.at, last.user_id, last.user_name, last.action) == (
        "2026-03-10T12:00:00+00:00",
        admin.user.id if admin.user else None,
        "管理员",
        "download",
    )
    assert (last.target, last.format, last.ip, last.code) == (
        "article:2",
        "docx",
        "10.0.0.9",
        stamp.code,
    )
    assert accounts.downloads_today(admin) == 3


def test_an_unreadable_old_hash_is_no_match() -> None:
    for stored in ("scrypt$x", "scrypt$16384$8$1$zz$00", "scrypt$0$8$1$00$00"):
        assert FAST.verify("correct-horse-1", stored) is False, stored


def test_the_audit_log_shows_the_newest_200_lines(store: Store) -> None:
    accounts, _ = _accounts(store)
    admin = Account(accounts.add("管理员", PASSWORD, admin=True), date(2026, 3, 10))
    for n in range(201):
        accounts.audit(admin, "download", f"article:{n}", "docx", "10.0.0.1")
    log = accounts.audit_log(admin)
    assert [e.target for e in log] == [f"article:{n}" for n in range(200, 0, -1)]
    assert len(accounts.audit_log(admin, limit=3)) == 3


def test_a_sign_in_is_audited_and_gives_a_43_character_session_token(store: Store) -> None:
    accounts, _ = _accounts(store)
    user = accounts.add("甲", PASSWORD)
    admin = Account(accounts.add("管理员", PASSWORD, admin=True), date(2026, 3, 10))
    _, token = accounts.sign_in("甲", PASSWORD, "10.0.0.7")
    assert len(token) == 43  # 32 random bytes, URL-safe base64
    accounts.audit(admin, "note", "article:1", "", "10.0.0.8")
    note, login = accounts.audit_log(admin)[:2]
    assert (login.at, login.user_id, login.user_name, login.action) == (
        "2026-03-10T12:00:00+00:00",
        user.id,
        "甲",
        "login",
    )
    assert (login.target, login.format, login.ip, login.code) == ("", "", "10.0.0.7", "")
    assert (note.user_id, note.user_name, note.code) == (admin.user and admin.user.id, "管理员", "")
    assert accounts.visitor() == Account(None, date(2026, 3, 10))


def test_the_shipped_hash_has_a_16_byte_salt_and_a_32_byte_digest() -> None:
    passwords = Passwords()
    salt, digest = passwords.hash(PASSWORD).split("$")[-2:]
    assert (len(salt), len(digest)) == (22, 43)  # base64 without padding of 16 and 32 bytes
    assert passwords.needs_rehash("$argon2id$broken") is True


def test_a_visitors_action_is_audited_without_an_account(store: Store) -> None:
    accounts, _ = _accounts(store)
    admin = Account(accounts.add("管理员", PASSWORD, admin=True), date(2026, 3, 10))
    accounts.audit(accounts.visitor(), "search", "高质量发展", "", "10.0.0.3")
    (line, *_) = accounts.audit_log(admin)
    assert (line.user_id, line.user_name, line.action, line.target) == (
        None,
        "visitor",
        "search",
        "高质量发展",
    )


def test_a_feed_token_opens_its_members_account_until_renewed_revoked_or_disabled(
    store: Store,
) -> None:
    accounts, _ = _accounts(store)
    user = accounts.add("甲", PASSWORD)
    accounts.add("乙", PASSWORD)
    accounts.update(user.id, tier="会员", expires_on="2026-03-10")
    account = accounts.from_session(accounts.sign_in("甲", PASSWORD, "10.0.0.1")[1])
    assert accounts.feed_token(account) is None
    token = accounts.feed_token(account, renew=True)
    # "sf_" and 24 random bytes in URL-safe base64 without padding: 32 characters.
    assert token is not None and token.startswith("sf_") and len(token) == 35
    assert accounts.feed_token(account) == token
    owner = accounts.from_feed_token(token)
    # The member's tier is judged on the clock's day: the expiry date itself is still valid.
    assert owner is not None and (owner.name, owner.reads_paid) == ("甲", True)
    assert accounts.from_feed_token("") is None
    assert accounts.from_feed_token("sf_" + "x" * 32) is None
    renewed = accounts.feed_token(account, renew=True)
    assert renewed is not None and renewed != token
    assert accounts.from_feed_token(token) is None
    accounts.update(user.id, disabled=True)
    assert accounts.from_feed_token(renewed) is None
    accounts.update(user.id, disabled=False)
    found = accounts.from_feed_token(renewed)
    assert found is not None and found.name == "甲"
    accounts.revoke_feed_token(account)
    assert accounts.from_feed_token(renewed) is None
    assert accounts.feed_token(account) is None
    for act in (accounts.feed_token, accounts.revoke_feed_token):
        with pytest.raises(AuthError, match=r"^请先登录。$"):
            act(accounts.visitor())


@pytest.fixture
def beijing_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time zone UTC+8 (POSIX ``CST-8``: no zone database needed), as on
    a server in China; the machine's zone again afterwards."""
    monkeypatch.setenv("TZ", "CST-8")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_times_are_stored_in_utc_and_the_day_is_local_on_a_server_in_china(
    store: Store, beijing_time: None
) -> None:
    """15:30 UTC is 23:30 in Beijing, 16:30 UTC is 00:30 the next day: the day's downloads
    start again at local midnight (16:00 UTC), and every stored time is written in UTC."""
    accounts, clock = _accounts(store)
    admin = accounts.add("管理员", PASSWORD, admin=True)
    accounts.add("甲", PASSWORD, daily_quota=5)
    clock.now = datetime(2026, 3, 10, 15, 30, tzinfo=UTC)
    _, session = accounts.sign_in("甲", PASSWORD, "10.0.0.1")
    account = accounts.from_session(session)
    assert account.today == date(2026, 3, 10)
    accounts.record_downloads(account, ["article:1"], "zip", "10.0.0.1")
    assert accounts.downloads_today(account) == 1
    clock.now = datetime(2026, 3, 10, 16, 30, tzinfo=UTC)
    account = accounts.from_session(session)
    assert account.today == date(2026, 3, 11)
    assert accounts.downloads_today(account) == 0
    accounts.record_downloads(account, ["article:2"], "zip", "10.0.0.1")
    assert accounts.downloads_today(account) == 1
    log = accounts.audit_log(Account(admin, date(2026, 3, 11)))
    assert [(e.action, e.target, e.at) for e in log] == [
        ("download", "article:2", "2026-03-10T16:30:00+00:00"),
        ("download", "article:1", "2026-03-10T15:30:00+00:00"),
        ("login", "", "2026-03-10T15:30:00+00:00"),
    ]
