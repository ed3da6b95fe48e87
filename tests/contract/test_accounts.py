"""Accounts, sessions, API tokens, the audit log, quotas and sign-in throttling (issue 7).

Each test runs on SQLite and on PostgreSQL and asserts exact values, ids included.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest

from sucai.errors import QuotaExceededError
from sucai.store import ApiToken, AuditEntry, User, open_store
from sucai.store.sqlite import SqliteStore
from sucai.users import Accounts

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
