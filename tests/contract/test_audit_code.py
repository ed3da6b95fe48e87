"""The audit log keeps the code of each file it gave out (issue 15), on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sucai.store import AuditEntry
from sucai.users import Accounts

if TYPE_CHECKING:
    from sucai.store import Store
    from sucai.users import Account

T0 = "2026-01-01T08:00:00+00:00"
PASSWORD = "correct-horse-1"


def _signed_in(accounts: Accounts, name: str) -> Account:
    _user, token = accounts.sign_in(name, PASSWORD, "127.0.0.1")
    return accounts.from_session(token)


def test_downloads_and_exports_are_found_by_their_code(store: Store) -> None:
    accounts = Accounts(store)
    member = accounts.add("会员甲", PASSWORD, tier="会员", expires_on="2099-12-31")
    admin = accounts.add("admin", PASSWORD, admin=True)
    # A member's download (quota counted), an admin's (no quota) and two CLI exports.
    stamps = [
        accounts.record_download(_signed_in(accounts, "会员甲"), "article:1", "docx", "1.2.3.4"),
        accounts.record_download(_signed_in(accounts, "admin"), "basket:讲话", "txt", "::1"),
        accounts.record_export("张三", "articles:1,2", "md"),
        accounts.record_export("会员甲", "article:2", "docx"),
    ]
    assert len({s.code for s in stamps}) == 4
    found = [store.audit_by_code(s.code) for s in stamps]
    assert [(e.user_id, e.user_name, e.action, e.target, e.format, e.ip) for (e,) in found] == [
        (member.id, "会员甲", "download", "article:1", "docx", "1.2.3.4"),
        (admin.id, "admin", "download", "basket:讲话", "txt", "::1"),
        (None, "张三", "export", "articles:1,2", "md", "cli"),
        (member.id, "会员甲", "export", "article:2", "docx", "cli"),
    ]
    assert [(s.recipient, s.visible) for s in stamps] == [
        ("会员甲", True),
        ("admin", True),
        ("张三", True),
        ("会员甲", True),
    ]
    assert store.audit_by_code("00000000") == []


def test_a_repeated_code_lists_every_line_oldest_first(store: Store) -> None:
    store.add_audit(
        at=T0, user_id=None, user_name="访客", action="login", target="", format="", ip="::1"
    )
    for name, fmt in (("张三", "docx"), ("李四", "txt")):
        store.add_audit(
            at=T0,
            user_id=None,
            user_name=name,
            action="export",
            target="article:1",
            format=fmt,
            ip="cli",
            code="7K3QX2MA",
        )
    assert store.audit_entries(limit=3) == [
        AuditEntry(3, T0, None, "李四", "export", "article:1", "txt", "cli", "7K3QX2MA"),
        AuditEntry(2, T0, None, "张三", "export", "article:1", "docx", "cli", "7K3QX2MA"),
        AuditEntry(1, T0, None, "访客", "login", "", "", "::1", ""),
    ]
    assert [e.user_name for e in store.audit_by_code("7K3QX2MA")] == ["张三", "李四"]


def test_the_line_is_off_only_for_the_tiers_named(store: Store) -> None:
    accounts = Accounts(store)
    accounts.add("会员甲", PASSWORD, tier="会员", expires_on="2099-12-31")
    accounts.add("大客户", PASSWORD, tier="SVIP", expires_on="2099-12-31")
    off = ("SVIP", "企业")
    member = accounts.record_download(
        _signed_in(accounts, "会员甲"), "article:1", "docx", "::1", line_off_tiers=off
    )
    svip = accounts.record_download(
        _signed_in(accounts, "大客户"), "article:1", "docx", "::1", line_off_tiers=off
    )
    assert (member.visible, svip.visible) == (True, False)
    assert svip.line == f"仅供 大客户 使用 · {accounts.today().isoformat()}"
