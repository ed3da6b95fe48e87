"""Accounts, sessions, API tokens, the audit log, downloads and sign-in attempts."""

from __future__ import annotations

from typing import Any, Final

from sucai.store.base import SqlBase, columns
from sucai.store.records import ApiToken, AuditEntry, User

__all__ = ["SqlAccounts"]

_AUDIT_COLUMNS: Final = columns(AuditEntry)


class SqlAccounts(SqlBase):
    """Accounts, sessions, tokens, the audit log and sign-in attempts."""

    def _users(self, tables: str, params: tuple[Any, ...] = ()) -> list[User]:
        """The accounts (``users u``) of ``FROM tables`` (``disabled`` is stored as 0/1)."""
        rows = self._fetch(f"SELECT {columns(User, 'u')} FROM {tables}", params, primary=True)
        return [User(*(*row[:7], bool(row[7]))) for row in rows]

    def _user(self, tables: str, params: tuple[Any, ...]) -> User | None:
        found = self._users(tables, params)
        return found[0] if found else None

    def get_user(self, user_id: int) -> User | None:
        """The account with this id."""
        return self._user("users u WHERE id = ?", (user_id,))

    def get_user_by_name(self, name: str) -> User | None:
        """The account with this name."""
        return self._user("users u WHERE name = ?", (name,))

    def list_users(self) -> list[User]:
        """Every account, by name."""
        return self._users("users u ORDER BY name")

    def password_hash(self, user_id: int) -> str:
        """The stored password hash of an account ("" when there is no such account)."""
        row = self._one("SELECT password_hash FROM users WHERE id = ?", (user_id,), primary=True)
        return str(row[0]) if row else ""

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace an account's password hash."""
        self._write("UPDATE users SET password_hash = ? WHERE id = ?", (password_hash, user_id))

    def update_user(
        self,
        user_id: int,
        *,
        role: str,
        tier: str | None,
        expires_on: str | None,
        daily_quota: int | None,
        disabled: bool,
    ) -> None:
        """Change an account's role, tier, expiry, quota and whether it is disabled."""
        self._write(
            "UPDATE users SET role = ?, tier = ?, expires_on = ?, daily_quota = ?, "
            "disabled = ? WHERE id = ?",
            (role, tier, expires_on, daily_quota, int(disabled), user_id),
        )

    def add_session(self, token_hash: str, user_id: int, now: str, expires_at: str) -> None:
        """Store a sign-in session (and drop expired ones, so the table stays small)."""
        with self.atomic():
            self._execute("DELETE FROM sessions WHERE expires_at < ?", (now,))
            self._execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
                "VALUES (?, ?, ?, ?)",
                (token_hash, user_id, now, expires_at),
            )

    def session_user(self, token_hash: str, now: str) -> User | None:
        """The enabled account of an unexpired session."""
        return self._user(
            "sessions s JOIN users u ON u.id = s.user_id "
            "WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0",
            (token_hash, now),
        )

    def delete_session(self, token_hash: str) -> None:
        """End one session."""
        self._write("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    def delete_user_sessions(self, user_id: int, keep: str | None = None) -> None:
        """End every session of an account except ``keep`` (a token hash)."""
        self._write(
            "DELETE FROM sessions WHERE user_id = ? AND token_hash != ?",
            (user_id, keep or ""),
        )

    def api_token_user(self, token_hash: str) -> User | None:
        """The enabled account of an unrevoked API token."""
        return self._user(
            "api_tokens t JOIN users u ON u.id = t.user_id "
            "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND u.disabled = 0",
            (token_hash,),
        )

    def list_api_tokens(self, user_id: int) -> list[ApiToken]:
        """An account's API tokens, newest first."""
        return self._records(
            ApiToken,
            f"SELECT {columns(ApiToken)} FROM api_tokens WHERE user_id = ? ORDER BY id DESC",
            (user_id,),
            primary=True,
        )

    def revoke_api_token(self, user_id: int, token_id: int, now: str) -> bool:
        """Revoke one of an account's tokens; ``False`` when there is no such live token."""
        cur = self._write(
            "UPDATE api_tokens SET revoked_at = ? "
            "WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
            (now, token_id, user_id),
        )
        return cur.rowcount > 0

    def add_audit(
        self,
        *,
        at: str,
        user_id: int | None,
        user_name: str,
        action: str,
        target: str,
        format: str,
        ip: str,
        code: str = "",
    ) -> None:
        """Append a line to the audit log (``code``: the code of the file it gave out)."""
        self._write(
            "INSERT INTO audit_log (at, user_id, user_name, action, target, format, ip, "
            "code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (at, user_id, user_name, action, target, format, ip, code),
        )

    def audit_entries(self, *, limit: int, user_id: int | None = None) -> list[AuditEntry]:
        """The newest lines of the audit log (of one account when ``user_id`` is given)."""
        params = (limit,) if user_id is None else (user_id, limit)
        where = "" if user_id is None else " WHERE user_id = ?"
        return self._records(
            AuditEntry,
            f"SELECT {_AUDIT_COLUMNS} FROM audit_log{where} ORDER BY id DESC LIMIT ?",
            params,
            primary=True,
        )

    def audit_by_code(self, code: str) -> list[AuditEntry]:
        """The lines of the audit log that gave out a file with ``code``, oldest first."""
        return self._records(
            AuditEntry,
            f"SELECT {_AUDIT_COLUMNS} FROM audit_log WHERE code = ? ORDER BY id",
            (code,),
            primary=True,
        )

    def count_audit(self, user_id: int, action: str, since: str) -> int:
        """How many ``action`` lines an account has since ``since``."""
        return self._count(
            "SELECT count(*) FROM audit_log WHERE user_id = ? AND action = ? AND at >= ?",
            (user_id, action, since),
            primary=True,
        )

    def add_login_attempt(self, name: str, ip: str, at: str, ok: bool) -> None:
        """Record a sign-in attempt."""
        self._write(
            "INSERT INTO login_attempts (name, ip, at, ok) VALUES (?, ?, ?, ?)",
            (name, ip, at, int(ok)),
        )

    def count_failed_logins(self, since: str, *, name: str | None, ip: str | None) -> int:
        """Failed sign-ins since ``since`` for this name and/or address."""
        sql = "SELECT count(*) FROM login_attempts WHERE ok = 0 AND at >= ?"
        params: list[Any] = [since]
        if name is not None:
            sql += " AND name = ?"
            params.append(name)
        if ip is not None:
            sql += " AND ip = ?"
            params.append(ip)
        return self._count(sql, params, primary=True)

    def clear_failed_logins(self, name: str, ip: str) -> None:
        """Forget the failed sign-ins of a name from an address (after a success)."""
        self._write("DELETE FROM login_attempts WHERE name = ? AND ip = ? AND ok = 0", (name, ip))

    def add_user(
        self,
        *,
        name: str,
        password_hash: str,
        role: str,
        tier: str | None,
        expires_on: str | None,
        daily_quota: int | None,
        now: str,
    ) -> User:
        """Store a new account (the name must be new)."""
        with self.atomic():
            user_id = self._insert_id(
                "INSERT INTO users (name, password_hash, role, tier, expires_on, daily_quota, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (name, password_hash, role, tier, expires_on, daily_quota, now),
            )
        user = self.get_user(user_id)
        assert user is not None
        return user

    def add_api_token(self, token_hash: str, user_id: int, label: str, now: str) -> int:
        """Store an API token; return its id."""
        with self.atomic():
            return self._insert_id(
                "INSERT INTO api_tokens (token_hash, user_id, label, created_at) "
                "VALUES (?, ?, ?, ?)",
                (token_hash, user_id, label, now),
            )

    def add_download(
        self,
        *,
        at: str,
        user_id: int,
        user_name: str,
        target: str,
        format: str,
        ip: str,
        since: str,
        quota: int,
        code: str = "",
    ) -> bool:
        """Record a download in the audit log unless the account's quota is used up.

        One ``INSERT … SELECT`` after the account is locked (``_lock_account``): the
        downloads of one account, from any thread or server, take turns and each one's count
        sees the ones before it. Returns whether it was recorded.
        """
        with self.atomic():
            self._lock_account(user_id)
            cur = self._execute(
                "INSERT INTO audit_log (at, user_id, user_name, action, target, format, ip, code) "
                "SELECT ?, ?, ?, 'download', ?, ?, ?, ? WHERE (SELECT count(*) FROM audit_log "
                "WHERE user_id = ? AND action = 'download' AND at >= ?) < ?",
                (at, user_id, user_name, target, format, ip, code, user_id, since, quota),
            )
        return cur.rowcount == 1
