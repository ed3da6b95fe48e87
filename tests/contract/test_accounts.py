"""Accounts, sessions, API tokens, the audit log, quotas and sign-in throttling (issues 7, 15).

Each test runs on SQLite and on PostgreSQL and asserts exact values, ids included.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Literal

import pytest
from argon2 import PasswordHasher

from sucai.errors import AuthError, QuotaExceededError, UserError
from sucai.store import ApiToken, AuditEntry, User, open_store
from sucai.store.sqlite import SqliteStore
from sucai.users import Accounts, Passwords

if TYPE_CHECKING:
    from sucai.store import Store

T0 = "2026-01-01T08:00:00+00:00"
T1 = "2026-01-01T09:00:00+00:00"
T2 = "2026-01-02T08:00:00+00:00"


def _add(store: Store, name: str, **kw: object) -> User:
    values: dict[str, object] = {
        "password_hash": "scrypt$x",
        "role": "member",
        "tier": None,
        "expires_on": None,
        "daily_quota": None,
        "now": T0,
    }
    values.update(kw)
    return store.add_user(name=name, **values)  # type: ignore[arg-type]


def test_users_are_stored_listed_by_name_and_updated(store: Store) -> None:
    b = _add(store, "乙", tier="SVIP", expires_on="2099-12-31", daily_quota=5)
    a = _add(store, "admin", role="admin")
    c = _add(store, "Zed")
    assert b == User(1, "乙", "member", "SVIP", "2099-12-31", 5, T0, False)
    assert (a.id, c.id) == (2, 3)
    # Code-point order, as SQLite's BINARY collation: upper case, lower case, then Chinese.
    assert [u.name for u in store.list_users()] == ["Zed", "admin", "乙"]
    assert store.get_user_by_name("乙") == b
    assert store.get_user_by_name("丙") is None
    assert store.get_user(99) is None
    store.update_user(1, role="admin", tier=None, expires_on=None, daily_quota=0, disabled=True)
    assert store.get_user(1) == User(1, "乙", "admin", None, None, 0, T0, True)
    assert store.password_hash(1) == "scrypt$x"
    store.set_password_hash(1, "scrypt$y")
    assert store.password_hash(1) == "scrypt$y"
    assert store.password_hash(99) == ""


def test_sessions_expire_and_end(store: Store) -> None:
    user = _add(store, "甲")
    store.add_session("s1", user.id, T0, T1)
    store.add_session("s2", user.id, T0, T2)
    assert store.session_user("s1", T0) == user
    assert store.session_user("s1", T1) is None  # expired at T1
    assert store.session_user("nope", T0) is None
    store.add_session("s3", user.id, T2, "2026-02-01T00:00:00+00:00")  # drops s1 (expired)
    assert store.session_user("s1", T0) is None
    assert store.session_user("s2", T0) == user
    store.add_session("s4", user.id, T2, "2026-02-01T00:00:00+00:00")
    store.delete_user_sessions(user.id, keep="s4")
    assert store.session_user("s3", T2) is None
    assert store.session_user("s4", T2) == user
    store.delete_session("s4")
    assert store.session_user("s4", T2) is None


def test_a_disabled_account_has_no_session_or_token(store: Store) -> None:
    user = _add(store, "甲")
    store.add_session("s", user.id, T0, T2)
    store.add_api_token("t", user.id, "脚本", T0)
    store.update_user(
        user.id, role="member", tier=None, expires_on=None, daily_quota=None, disabled=True
    )
    assert store.session_user("s", T1) is None
    assert store.api_token_user("t") is None


def test_api_tokens_are_listed_newest_first_and_revoked_once(store: Store) -> None:
    user = _add(store, "甲")
    other = _add(store, "乙")
    assert store.add_api_token("h1", user.id, "一", T0) == 1
    assert store.add_api_token("h2", user.id, "二", T1) == 2
    assert store.api_token_user("h1") == user
    assert store.list_api_tokens(user.id) == [
        ApiToken(2, user.id, "二", T1, None),
        ApiToken(1, user.id, "一", T0, None),
    ]
    assert store.revoke_api_token(other.id, 1, T2) is False
    assert store.revoke_api_token(user.id, 1, T2) is True
    assert store.revoke_api_token(user.id, 1, T2) is False
    assert store.api_token_user("h1") is None
    assert store.list_api_tokens(user.id)[1] == ApiToken(1, user.id, "一", T0, T2)


def test_the_audit_log_counts_downloads_per_day(store: Store) -> None:
    user = _add(store, "甲")
    for at, action in ((T0, "download"), (T1, "download"), (T2, "download"), (T2, "login")):
        store.add_audit(
            at=at,
            user_id=user.id,
            user_name="甲",
            action=action,
            target="12",
            format="docx",
            ip="127.0.0.1",
        )
    store.add_audit(
        at=T2, user_id=None, user_name="访客", action="login", target="", format="", ip="::1"
    )
    assert store.count_audit(user.id, "download", T1) == 2
    assert store.count_audit(user.id, "download", "2000") == 3
    assert store.count_audit(user.id, "login", T2) == 1
    newest = store.audit_entries(limit=2)
    assert newest == [
        AuditEntry(5, T2, None, "访客", "login", "", "", "::1"),
        AuditEntry(4, T2, user.id, "甲", "login", "12", "docx", "127.0.0.1"),
    ]
    assert [e.id for e in store.audit_entries(limit=10, user_id=user.id)] == [4, 3, 2, 1]


def test_failed_sign_ins_are_counted_and_cleared(store: Store) -> None:
    for at in (T0, T1, T2):
        store.add_login_attempt("甲", "1.2.3.4", at, False)
    store.add_login_attempt("甲", "5.6.7.8", T2, False)
    store.add_login_attempt("甲", "1.2.3.4", T2, True)
    assert store.count_failed_logins(T1, name="甲", ip="1.2.3.4") == 2
    assert store.count_failed_logins(T0, name="甲", ip=None) == 4
    assert store.count_failed_logins(T0, name=None, ip="5.6.7.8") == 1
    store.clear_failed_logins("甲", "1.2.3.4")
    assert store.count_failed_logins(T0, name="甲", ip=None) == 1


def test_the_accounts_service_signs_in_and_enforces_quota(store: Store) -> None:
    accounts = Accounts(store)
    accounts.add("会员甲", "correct-horse-1", tier="会员", expires_on="2099-12-31", daily_quota=1)
    user, token = accounts.sign_in("会员甲", "correct-horse-1", "127.0.0.1")
    account = accounts.from_session(token)
    assert account.user == user
    accounts.record_download(account, "12", "docx", "127.0.0.1")
    assert accounts.downloads_today(account) == 1


def test_the_store_records_a_download_only_below_the_quota(store: Store) -> None:
    user = _add(store, "甲")
    other = _add(store, "乙")
    download = {"user_name": "甲", "target": "12", "format": "docx", "ip": "127.0.0.1"}
    assert store.add_download(at=T0, user_id=user.id, since=T0, quota=2, **download)
    assert store.add_download(at=T1, user_id=user.id, since=T0, quota=2, **download)
    assert not store.add_download(at=T1, user_id=user.id, since=T0, quota=2, **download)
    # Another account, another day, or a larger quota: recorded.
    assert store.add_download(at=T1, user_id=other.id, since=T0, quota=2, **download)
    assert store.add_download(at=T2, user_id=user.id, since=T2, quota=2, **download)
    assert store.add_download(at=T2, user_id=user.id, since=T0, quota=4, **download)
    assert store.count_audit(user.id, "download", T0) == 4
    assert [e.at for e in store.audit_entries(limit=10, user_id=user.id)] == [T2, T2, T1, T0]


def test_concurrent_downloads_from_several_servers_stop_at_the_quota(store: Store) -> None:
    quota, clients = 3, 12
    accounts = Accounts(store)
    accounts.add("会员甲", "correct-horse-1", tier="会员", expires_on="2099-12-31", daily_quota=3)
    _, token = accounts.sign_in("会员甲", "correct-horse-1", "127.0.0.1")
    where = store.path if isinstance(store, SqliteStore) else store.url  # type: ignore[attr-defined]
    # Each client is a server of its own (its own store and connections); all start together.
    stores = [open_store(where) for _ in range(clients)]
    start = threading.Barrier(clients)

    def download(client: int) -> bool:
        service = Accounts(stores[client])
        account = service.from_session(token)
        start.wait()
        try:
            service.record_download(account, f"article:{client}", "docx", "127.0.0.1")
        except QuotaExceededError:
            return False
        return True

    try:
        with ThreadPoolExecutor(clients) as pool:
            done = list(pool.map(download, range(clients)))
    finally:
        for opened in stores:
            opened.close()
    assert done.count(True) == quota
    account = accounts.from_session(token)
    assert accounts.downloads_today(account) == quota
    with pytest.raises(QuotaExceededError, match="每日 3 次"):
        accounts.record_download(account, "article:99", "docx", "127.0.0.1")


# --- issue 15: equal work at sign-in, argon2id, disabled accounts, expiry, admin changes -------

#: argon2id as cheap as it goes: the tests that sign in often pass it through the seam.
FAST = Passwords(PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


class CountingHasher(PasswordHasher):
    """The cheap hasher, counting the KDF runs it does (hash and verify)."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.runs: list[str] = []

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        self.runs.append("hash")
        return super().hash(password, salt=salt)

    def verify(self, hash: str | bytes, password: str | bytes) -> Literal[True]:
        self.runs.append("verify")
        return super().verify(hash, password)


def _scrypt_hash(password: str) -> str:
    """A hash as sucai stored them before issue 15 (scrypt, n=2**14, r=8, p=1, hex)."""
    salt = bytes(range(16))
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt$16384$8$1${salt.hex()}${digest.hex()}"


def test_the_shipped_password_hash_is_argon2id_at_owasps_minimum() -> None:
    passwords = Passwords()
    stored = passwords.hash("correct-horse-1")
    # OWASP Password Storage Cheat Sheet: argon2id, 19 MiB, 2 iterations, 1 lane.
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify("correct-horse-1", stored)
    assert not passwords.verify("correct-horse-2", stored)
    assert not passwords.needs_rehash(stored)
    assert passwords.needs_rehash(FAST.hash("correct-horse-1"))
    assert passwords.needs_rehash(_scrypt_hash("correct-horse-1"))
    assert passwords.dummy.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert not passwords.verify("x", "") and not passwords.verify("x", "$argon2id$broken")


def test_every_sign_in_path_runs_the_kdf_exactly_once(store: Store) -> None:
    hasher = CountingHasher()
    accounts = Accounts(store, clock=lambda: NOON, passwords=Passwords(hasher))
    accounts.add("甲", "correct-horse-1")
    off = accounts.add("停用", "correct-horse-1")
    accounts.update(off.id, disabled=True)
    accounts.sign_in("甲", "correct-horse-1", "10.0.0.1")  # makes the dummy hash once
    hasher.runs.clear()
    for name, password in (
        ("甲", "correct-horse-1"),  # right
        ("甲", "wrong-password"),  # wrong password
        ("无此人", "correct-horse-1"),  # unknown name
        ("停用", "correct-horse-1"),  # disabled, right password
    ):
        before = len(hasher.runs)
        with contextlib.suppress(AuthError):
            accounts.sign_in(name, password, "10.0.0.2")
        assert hasher.runs[before:] == ["verify"], name


def test_an_old_scrypt_hash_signs_in_and_is_upgraded_to_argon2id(store: Store) -> None:
    accounts = Accounts(store, passwords=FAST)
    user = _add(store, "老用户", password_hash=_scrypt_hash("old-password-1"))
    with pytest.raises(AuthError):
        accounts.sign_in("老用户", "wrong-password", "127.0.0.1")
    assert store.password_hash(user.id) == _scrypt_hash("old-password-1")  # not on a failure
    accounts.sign_in("老用户", "old-password-1", "127.0.0.1")
    upgraded = store.password_hash(user.id)
    assert upgraded.startswith("$argon2id$") and not FAST.needs_rehash(upgraded)
    assert FAST.verify("old-password-1", upgraded)
    accounts.sign_in("老用户", "old-password-1", "127.0.0.1")
    assert store.password_hash(user.id) == upgraded  # current hashes are kept


def test_a_disabled_account_cannot_sign_in_and_loses_sessions_and_tokens_at_once(
    store: Store,
) -> None:
    accounts = Accounts(store, passwords=FAST)
    user = accounts.add("会员甲", "correct-horse-1", tier="会员")
    _, session = accounts.sign_in("会员甲", "correct-horse-1", "127.0.0.1")
    token = accounts.create_token(accounts.from_session(session), "脚本")
    assert accounts.from_api_token(token) is not None
    accounts.update(user.id, disabled=True)
    assert accounts.from_session(session).user is None
    assert accounts.from_api_token(token) is None
    with pytest.raises(AuthError, match="用户名或密码不正确"):
        accounts.sign_in("会员甲", "correct-horse-1", "127.0.0.1")
    accounts.update(user.id, disabled=False)
    assert accounts.from_session(session).user is None  # sessions ended for good
    assert accounts.from_api_token(token) is not None  # tokens work again
    signed, _ = accounts.sign_in("会员甲", "correct-horse-1", "127.0.0.1")
    assert signed.id == user.id


@pytest.mark.parametrize(
    ("expires_on", "reads_paid"),
    [("2026-03-11", True), ("2026-03-10", True), ("2026-03-09", False), (None, True)],
)
def test_a_tier_is_valid_up_to_and_including_its_expiry_day(
    store: Store, expires_on: str | None, reads_paid: bool
) -> None:
    # Noon UTC on 2026-03-10 is 2026-03-10 in every time zone from UTC-11 to UTC+11.
    accounts = Accounts(store, clock=lambda: NOON, passwords=FAST)
    accounts.add("会员甲", "correct-horse-1", tier="会员", expires_on=expires_on)
    _, session = accounts.sign_in("会员甲", "correct-horse-1", "127.0.0.1")
    account = accounts.from_session(session)
    assert account.today == date(2026, 3, 10)
    assert (account.member_valid, account.reads_paid) == (reads_paid, reads_paid)


def test_an_update_changes_only_the_fields_given(store: Store) -> None:
    accounts = Accounts(store, passwords=FAST)
    boss = accounts.add("boss", "correct-horse-1", admin=True)
    admin = accounts.add("管理员乙", "correct-horse-1", admin=True, tier="SVIP")
    accounts.update(admin.id, expires_on="2099-12-31")
    changed = accounts.update(admin.id, daily_quota=5)
    assert changed == replace(admin, expires_on="2099-12-31", daily_quota=5)
    assert store.get_user(admin.id) == changed
    cleared = accounts.update(admin.id, tier=None, expires_on="", daily_quota=None)
    assert cleared == replace(admin, tier=None, expires_on=None, daily_quota=None)
    assert store.get_user(admin.id) == cleared
    assert store.get_user(boss.id) == boss
    with pytest.raises(UserError, match="role 'owner' is unknown"):
        accounts.update(admin.id, role="owner")
    with pytest.raises(UserError, match="no user with id 99"):
        accounts.update(99, daily_quota=1)


def test_the_last_enabled_admin_cannot_be_demoted_or_disabled(store: Store) -> None:
    accounts = Accounts(store, passwords=FAST)
    boss = accounts.add("boss", "correct-horse-1", admin=True)
    other = accounts.add("乙", "correct-horse-1", admin=True)
    accounts.update(other.id, disabled=True)  # a disabled admin does not count
    for change in ({"role": "member"}, {"disabled": True}):
        with pytest.raises(UserError, match="boss is the only enabled admin"):
            accounts.update(boss.id, **change)  # type: ignore[arg-type]
        assert store.get_user(boss.id) == boss
    accounts.update(other.id, disabled=False)
    assert accounts.update(boss.id, role="member").role == "member"
    with pytest.raises(UserError, match="乙 is the only enabled admin"):
        accounts.update(other.id, disabled=True)
    accounts.update(boss.id, tier="会员")  # any other change of a member is fine


def test_an_admin_reset_password_signs_the_account_out(store: Store) -> None:
    accounts = Accounts(store, passwords=FAST)
    user = accounts.add("会员甲", "correct-horse-1")
    _, session = accounts.sign_in("会员甲", "correct-horse-1", "127.0.0.1")
    with pytest.raises(UserError, match="at least 8 characters"):
        accounts.set_password(user.id, "short")
    accounts.set_password(user.id, "new-password-1")
    assert accounts.from_session(session).user is None
    with pytest.raises(AuthError):
        accounts.sign_in("会员甲", "correct-horse-1", "127.0.0.1")
    assert accounts.sign_in("会员甲", "new-password-1", "127.0.0.1")[0].id == user.id
