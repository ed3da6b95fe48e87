"""Accounts of the web app (issue 4): members, admins, sessions, API tokens, quotas, audit.

Roles: a *visitor* is not signed in; a *member* has a tier (会员, SVIP …) valid up to an
expiry date; an *admin* manages the library and the accounts. Only an admin, or a member whose
tier is valid today, may read the paid part of articles (:meth:`Account.reads_paid`).

Passwords are hashed with argon2id (:class:`Passwords`) and a per-user random salt; session
and API tokens are long random strings of which only a SHA-256 is stored, so a copy of the
library file does not let anyone sign in.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Final

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from sucai.errors import (
    AccessDeniedError,
    AuthError,
    LoginThrottledError,
    QuotaExceededError,
    UserError,
)
from sucai.export.fingerprint import Stamp, new_code
from sucai.i18n import N_

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Sequence

    from sucai.store import ApiToken, AuditEntry, Store, User

__all__ = [
    "DEFAULT_QUOTA",
    "LOGIN_FAILURES",
    "LOGIN_WINDOW",
    "SESSION_DAYS",
    "TIER_QUOTAS",
    "UNCHANGED",
    "Account",
    "Accounts",
    "Passwords",
    "Unchanged",
]

# Downloads per day for each tier, unless the account has its own quota.
TIER_QUOTAS: Final[dict[str, int]] = {"会员": 20, "SVIP": 200}
DEFAULT_QUOTA: Final = 10
SESSION_DAYS: Final = 14
LOGIN_FAILURES: Final = 5  # failed sign-ins of a name from one address within …
LOGIN_WINDOW: Final = timedelta(minutes=15)  # … this long, then sign-in is refused
MIN_PASSWORD: Final = 8
#: The largest own daily quota an account may have (a database integer holds less than the
#: digits a form can carry: 10**30 was a 500, found by the fuzz test of issue 15).
MAX_QUOTA: Final = 1_000_000
#: The longest tier name, in characters (it is shown on pages and named in rate limits).
MAX_TIER: Final = 40
_NO_USER: Final = N_("no user with id {id}.")
ROLES: Final = ("member", "admin")

_NAME: Final = re.compile(r"[\w.@\-\u4e00-\u9fff]{1,64}")
_DATE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


class Unchanged(enum.Enum):
    """The type of :data:`UNCHANGED`."""

    UNCHANGED = "unchanged"


#: A field of :meth:`Accounts.update` left as it is (``None`` clears a field instead).
UNCHANGED: Final = Unchanged.UNCHANGED


class Passwords:
    """How passwords are hashed and checked (issue 15).

    New hashes are argon2id with 19 MiB of memory, 2 passes and 1 lane: the minimum of the
    OWASP Password Storage Cheat Sheet, whose first choice argon2id is. Its other option,
    scrypt with N = 2¹⁷ (r = 8, p = 1), needs 128 MiB and about five times the time per
    sign-in for a comparable cost to a guesser, and every sign-in holds a worker while it
    hashes; argon2id at these settings costs 19 MiB and tens of milliseconds. argon2-cffi
    (the reference C implementation) computes it; it also reads the parameters back from a
    hash, so older hashes are recognised and rehashed.

    Hashes of earlier versions (``scrypt$n$r$p$salt$hash``, N = 2¹⁴) are still verified;
    :meth:`needs_rehash` says so, and :meth:`Accounts.sign_in` stores a new hash at the
    next successful sign-in.

    Args:
        hasher: the argon2 hasher; the default has the shipped parameters above. Tests pass a
            cheaper one (or one that counts its calls): this is the only seam.
    """

    #: argon2id's parameters: passes, memory in KiB, lanes.
    TIME_COST: Final = 2
    MEMORY_KIB: Final = 19 * 1024
    PARALLELISM: Final = 1

    def __init__(self, hasher: PasswordHasher | None = None) -> None:
        self.hasher = hasher or PasswordHasher(
            time_cost=self.TIME_COST,
            memory_cost=self.MEMORY_KIB,
            parallelism=self.PARALLELISM,
            hash_len=32,
            salt_len=16,
            type=Type.ID,
        )
        self._dummy = ""

    def hash(self, password: str) -> str:
        """The argon2id hash of ``password`` (PHC string format, with a fresh random salt)."""
        return self.hasher.hash(password)

    def verify(self, password: str, stored: str) -> bool:
        """Whether ``password`` matches ``stored`` (argon2, or an earlier version's scrypt).

        Constant time in the password; an unreadable ``stored`` is no match.
        """
        if stored.startswith("scrypt$"):
            return _verify_scrypt(password, stored)
        try:
            return self.hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with other parameters or scheme than :meth:`hash` uses."""
        if not stored.startswith("$argon2"):
            return True
        try:
            return self.hasher.check_needs_rehash(stored)
        except InvalidHashError:
            return True

    @property
    def dummy(self) -> str:
        """A hash of a random password with the current parameters, made once.

        Verifying against it costs what verifying a real account's password costs: it stands
        in for unknown and disabled names so that the time of an answer does not list them.
        """
        if not self._dummy:
            self._dummy = self.hash(secrets.token_urlsafe(16))
        return self._dummy


def _verify_scrypt(password: str, stored: str) -> bool:
    """A hash of the scheme before issue 15: ``scrypt$n$r$p$salt$hash`` (hex)."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        actual = hashlib.scrypt(
            password.encode(),
            salt=bytes.fromhex(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(digest) // 2,
        )
    except ValueError:
        return False
    return hmac.compare_digest(actual.hex(), digest)


def _active_admin(user: User) -> bool:
    return user.role == "admin" and not user.disabled


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class Account:
    """Who is asking: an account, or a visitor (``user is None``).

    Attributes:
        user: the signed-in account, ``None`` for a visitor.
        today: the date the account's tier is judged on.
        session: the session token hash when signed in with a cookie.
    """

    user: User | None
    today: date
    session: str | None = None

    @property
    def is_admin(self) -> bool:
        """An administrator."""
        return self.user is not None and self.user.role == "admin"

    @property
    def member_valid(self) -> bool:
        """A member whose tier is valid today (the expiry date itself included)."""
        user = self.user
        if user is None or user.tier is None:
            return False
        return user.expires_on is None or user.expires_on >= self.today.isoformat()

    @property
    def reads_paid(self) -> bool:
        """May receive the paid part of articles."""
        return self.is_admin or self.member_valid

    @property
    def name(self) -> str:
        """The account name, or ``"visitor"``."""
        return self.user.name if self.user is not None else "visitor"

    @property
    def daily_quota(self) -> int | None:
        """Downloads per day (``None`` = unlimited, for admins; 0 for visitors)."""
        user = self.user
        if user is None:
            return 0
        if user.role == "admin":
            return None
        if user.daily_quota is not None:
            return user.daily_quota
        return TIER_QUOTAS.get(user.tier or "", DEFAULT_QUOTA)


class Accounts:
    """Account business rules over a :class:`~sucai.store.Store`.

    Args:
        store: the library's store (accounts live in the library file).
        clock: the current time (UTC), replaceable for tests of expiry and throttling.
        passwords: how passwords are hashed (default: the shipped :class:`Passwords`).
    """

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime] | None = None,
        passwords: Passwords | None = None,
    ) -> None:
        self.store = store
        self.clock = clock or (lambda: datetime.now(UTC))
        self.passwords = passwords or Passwords()

    def _now(self) -> str:
        return _iso(self.clock())

    def today(self) -> date:
        """Today's date in local time (tiers expire at the end of their last local day)."""
        return self.clock().astimezone().date()

    def _midnight(self) -> str:
        """Local midnight as stored: where today's downloads start."""
        return _iso(datetime.combine(self.today(), datetime.min.time()).astimezone())

    def visitor(self) -> Account:
        """The account of someone not signed in."""
        return Account(None, self.today())

    # --- accounts ----------------------------------------------------------------------------

    def add(
        self,
        name: str,
        password: str,
        *,
        admin: bool = False,
        tier: str | None = None,
        expires_on: str | None = None,
        daily_quota: int | None = None,
    ) -> User:
        """Create an account.

        Raises:
            UserError: the name is taken or not allowed, the password too short, a bad date.
        """
        name = name.strip()
        if not _NAME.fullmatch(name):
            raise UserError.of(
                N_(
                    "user name '{name}' is not allowed: use 1–64 letters, digits, Chinese "
                    "characters, '.', '-', '_' or '@'."
                ),
                name=name,
            )
        if self.store.get_user_by_name(name) is not None:
            raise UserError.of(N_("user '{name}' already exists; choose another name."), name=name)
        self._check_password(password)
        expires_on = self._check_date(expires_on)
        if daily_quota is not None:
            self._check_quota(daily_quota)
        if tier:
            self._check_tier(tier)
        return self.store.add_user(
            name=name,
            password_hash=self.passwords.hash(password),
            role="admin" if admin else "member",
            tier=tier or None,
            expires_on=expires_on,
            daily_quota=daily_quota,
            now=self._now(),
        )

    def users(self) -> list[User]:
        """Every account, by name."""
        return self.store.list_users()

    def user(self, name: str) -> User:
        """The account called ``name``.

        Raises:
            UserError: there is none.
        """
        found = self.store.get_user_by_name(name.strip())
        if found is None:
            raise UserError.of(
                N_("no user '{name}'; `sucai user list` shows the accounts."), name=name
            )
        return found

    def update(
        self,
        user_id: int,
        *,
        role: str | Unchanged = UNCHANGED,
        tier: str | Unchanged | None = UNCHANGED,
        expires_on: str | Unchanged | None = UNCHANGED,
        daily_quota: int | Unchanged | None = UNCHANGED,
        disabled: bool | Unchanged = UNCHANGED,
    ) -> User:
        """Change an account (an admin's action): only the fields given; ``None`` or ``""``
        clears a tier, an expiry date or an own quota. Disabling an account ends its sessions
        at once; its API tokens stop working while it is disabled.

        Raises:
            UserError: unknown account, role or date, a negative quota, or a change that
                would leave no enabled admin (demoting or disabling the last one).
        """
        if role is not UNCHANGED and role not in ROLES:
            raise UserError.of(N_("role '{role}' is unknown; choose member or admin."), role=role)
        if isinstance(daily_quota, int):
            self._check_quota(daily_quota)
        if isinstance(tier, str):
            self._check_tier(tier)
        with self.store.atomic():
            user = self.store.get_user(user_id)
            if user is None:
                raise UserError.of(_NO_USER, id=user_id)
            changed = replace(
                user,
                role=user.role if role is UNCHANGED else role,
                tier=user.tier if tier is UNCHANGED else tier or None,
                expires_on=(
                    user.expires_on if expires_on is UNCHANGED else self._check_date(expires_on)
                ),
                daily_quota=user.daily_quota if daily_quota is UNCHANGED else daily_quota,
                disabled=user.disabled if disabled is UNCHANGED else disabled,
            )
            others = (u for u in self.store.list_users() if u.id != user.id)
            if (
                _active_admin(user)
                and not _active_admin(changed)
                and not any(_active_admin(u) for u in others)
            ):
                raise UserError.of(
                    N_(
                        "{name} is the only enabled admin and cannot become a member or be "
                        "disabled: make another account an admin first."
                    ),
                    name=user.name,
                )
            self.store.update_user(
                user_id,
                role=changed.role,
                tier=changed.tier,
                expires_on=changed.expires_on,
                daily_quota=changed.daily_quota,
                disabled=changed.disabled,
            )
            if changed.disabled:
                self.store.delete_user_sessions(user_id)
        return changed

    def set_password(self, user_id: int, password: str) -> None:
        """Give an account a new password (an admin's reset); its sessions end.

        Raises:
            UserError: no such account, or the password is too short.
        """
        self._check_password(password)
        if self.store.get_user(user_id) is None:
            raise UserError.of(_NO_USER, id=user_id)
        with self.store.atomic():
            self.store.set_password_hash(user_id, self.passwords.hash(password))
            self.store.delete_user_sessions(user_id)

    @staticmethod
    def _check_password(password: str) -> None:
        if len(password) < MIN_PASSWORD:
            raise UserError.of(
                N_("the password must have at least {least} characters."), least=MIN_PASSWORD
            )

    @staticmethod
    def _check_quota(quota: int) -> None:
        if not 0 <= quota <= MAX_QUOTA:
            raise UserError.of(
                N_(
                    "the daily quota {quota} is out of range: give 0 to {most}, "
                    "or leave it empty for the tier's default."
                ),
                quota=quota,
                most=MAX_QUOTA,
            )

    @staticmethod
    def _check_tier(tier: str) -> None:
        if len(tier) > MAX_TIER:
            raise UserError.of(
                N_("a tier name has at most {most} characters, e.g. 会员 or SVIP."), most=MAX_TIER
            )

    @staticmethod
    def _check_date(value: str | None) -> str | None:
        if not value:
            return None
        value = value.strip()
        try:
            if not _DATE.fullmatch(value):
                raise ValueError(value)
            date.fromisoformat(value)
        except ValueError:
            raise UserError.of(
                N_("date '{date}' is not understood; write it as YYYY-MM-DD, e.g. 2027-01-01."),
                date=value,
            ) from None
        return value

    def change_password(self, account: Account, old: str, new: str) -> None:
        """Change the signed-in account's password; other sessions are signed out.

        Raises:
            AuthError: not signed in, or ``old`` is wrong.
            UserError: ``new`` is too short.
        """
        if account.user is None:
            raise AuthError("请先登录。")
        if not self.passwords.verify(old, self.store.password_hash(account.user.id)):
            raise AuthError("当前密码不正确。")
        self._check_password(new)
        self.store.set_password_hash(account.user.id, self.passwords.hash(new))
        self.store.delete_user_sessions(account.user.id, keep=account.session)

    # --- signing in --------------------------------------------------------------------------

    def sign_in(self, name: str, password: str, ip: str) -> tuple[User, str]:
        """Check a name and password; return the account and a new session token.

        Every path verifies one password hash of the current parameters, in the same store
        reads: an unknown or disabled name is checked against :attr:`Passwords.dummy`, so the
        time of the answer does not tell which names have accounts (issue 15). A hash of an
        earlier scheme is replaced after a successful sign-in.

        Raises:
            LoginThrottledError: :data:`LOGIN_FAILURES` failures of this name from this
                address within :data:`LOGIN_WINDOW`.
            AuthError: wrong name or password (the message does not say which).
        """
        now = self.clock()
        since = _iso(now - LOGIN_WINDOW)
        if self.store.count_failed_logins(since, name=name, ip=ip) >= LOGIN_FAILURES:
            raise LoginThrottledError(
                f"登录失败次数过多，请 {LOGIN_WINDOW.seconds // 60} 分钟后再试。"
            )
        dummy = self.passwords.dummy  # made at the first sign-in, whichever the name
        user = self.store.get_user_by_name(name)
        # Id 0 is no account: its hash is "", and the dummy hash is verified instead.
        usable = user.id if user is not None and not user.disabled else 0
        stored = self.store.password_hash(usable)
        ok = self.passwords.verify(password, stored or dummy)
        self.store.add_login_attempt(name, ip, _iso(now), ok)
        if not ok or user is None:
            raise AuthError("用户名或密码不正确。")
        self.store.clear_failed_logins(name, ip)
        if self.passwords.needs_rehash(stored):
            self.store.set_password_hash(user.id, self.passwords.hash(password))
        token = secrets.token_urlsafe(32)
        self.store.add_session(
            _token_hash(token), user.id, _iso(now), _iso(now + timedelta(days=SESSION_DAYS))
        )
        self.audit(Account(user, self.today()), "login", "", "", ip)
        return user, token

    def from_session(self, token: str) -> Account:
        """The account of a session cookie (a visitor when unknown or expired)."""
        hashed = _token_hash(token)
        user = self.store.session_user(hashed, self._now())
        return Account(user, self.today(), hashed if user else None)

    def sign_out(self, token: str) -> None:
        """End a session."""
        self.store.delete_session(_token_hash(token))

    # --- API tokens --------------------------------------------------------------------------

    def create_token(self, account: Account, label: str) -> str:
        """A new API token for the account; shown once, only its hash is kept.

        Raises:
            AuthError: not signed in.
        """
        if account.user is None:
            raise AuthError("请先登录。")
        token = "sc_" + secrets.token_urlsafe(32)
        self.store.add_api_token(
            _token_hash(token), account.user.id, label.strip()[:80] or "API", self._now()
        )
        return token

    def tokens(self, account: Account) -> list[ApiToken]:
        """The account's API tokens, newest first."""
        return [] if account.user is None else self.store.list_api_tokens(account.user.id)

    def revoke_token(self, account: Account, token_id: int) -> None:
        """Revoke one of the account's API tokens.

        Raises:
            UserError: no such live token of this account.
        """
        if account.user is None or not self.store.revoke_api_token(
            account.user.id, token_id, self._now()
        ):
            raise UserError.of(N_("no live API token {id} of this account."), id=token_id)

    def from_api_token(self, token: str) -> Account | None:
        """The account of an ``Authorization: Bearer`` token, ``None`` when not valid."""
        user = self.store.api_token_user(_token_hash(token))
        return Account(user, self.today()) if user is not None else None

    # --- feed tokens (issue 19) ---------------------------------------------------------------

    def feed_token(self, account: Account, *, renew: bool = False) -> str | None:
        """The account's feed token (``renew``: a new one, and the old one stops working).

        The token in a member's feed URLs opens those feeds as the member reads them, and
        nothing else (no page, no API). ``None``: the account has none.

        Raises:
            AuthError: not signed in.
        """
        if account.user is None:
            raise AuthError("请先登录。")
        if renew:
            self.store.set_feed_token(account.user.name, "sf_" + secrets.token_urlsafe(24))
        return self.store.feed_token(account.user.name)

    def revoke_feed_token(self, account: Account) -> None:
        """Revoke the account's feed token: its feed URLs stop working."""
        if account.user is None:
            raise AuthError("请先登录。")
        self.store.set_feed_token(account.user.name, None)

    def from_feed_token(self, token: str) -> Account | None:
        """The account whose feed token ``token`` is; ``None`` when none is (or it is
        disabled)."""
        owner = self.store.feed_token_owner(token) if token else None
        user = self.store.get_user_by_name(owner) if owner else None
        if user is None or user.disabled:
            return None
        return Account(user, self.today())

    # --- downloads and the audit log ---------------------------------------------------------

    def downloads_today(self, account: Account) -> int:
        """Downloads the account made since local midnight."""
        if account.user is None:
            return 0
        return self.store.count_audit(account.user.id, "download", self._midnight())

    def record_download(
        self,
        account: Account,
        target: str,
        fmt: str,
        ip: str,
        *,
        line_off_tiers: Collection[str] = (),
        code: str | None = None,
    ) -> Stamp:
        """Check the daily quota and record a download in the audit log, as one step in the
        store: concurrent downloads of an account (threads, servers) never exceed its quota.

        Args:
            account: who downloads.
            target: what (``article:12``, ``basket:讲话``).
            fmt: the file format.
            ip: from where.
            line_off_tiers: member tiers whose files carry no visible footer line (the
                ``export_line_off_tiers`` setting).
            code: the code to record (one file's other downloads, see
                :meth:`record_downloads`); a new one when ``None``.

        Returns:
            The stamp the file must carry: for the account, dated today, with a new code
            that the audit line records (issue 15).

        Raises:
            AuthError: a visitor (downloads need an account).
            QuotaExceededError: today's quota is used up.
        """
        if account.user is None:
            raise AuthError("下载需要登录：请先登录或开通会员。")
        stamp = Stamp(
            account.name,
            self.today().isoformat(),
            code or new_code(),
            visible=account.user.tier not in line_off_tiers,
        )
        quota = account.daily_quota
        if quota is None:
            self.audit(account, "download", target, fmt, ip, code=stamp.code)
            return stamp
        if not self.store.add_download(
            at=self._now(),
            user_id=account.user.id,
            user_name=account.name,
            target=target,
            format=fmt,
            ip=ip,
            since=self._midnight(),
            quota=quota,
            code=stamp.code,
        ):
            raise QuotaExceededError(
                f"今日下载次数已用完（每日 {quota} 次），请明天再试或联系管理员提高额度。"
            )
        return stamp

    def record_downloads(
        self,
        account: Account,
        targets: Sequence[str],
        fmt: str,
        ip: str,
        *,
        line_off_tiers: Collection[str] = (),
    ) -> Stamp:
        """Record one file (a .zip) of several articles: each of ``targets`` counts as one
        download against the quota (a .zip of 20 articles is 20 downloads, as 20 single files
        would be, issue 21), all recorded with the file's one code, or none of them.

        Raises:
            AuthError: a visitor.
            QuotaExceededError: the downloads left today are fewer than ``targets``.
        """
        stamp: Stamp | None = None
        try:
            with self.store.atomic():
                for target in targets:
                    stamp = self.record_download(
                        account,
                        target,
                        fmt,
                        ip,
                        line_off_tiers=line_off_tiers,
                        code=stamp.code if stamp else None,
                    )
        except QuotaExceededError:
            left = max(0, (account.daily_quota or 0) - self.downloads_today(account))
            raise QuotaExceededError(
                f"打包下载 {len(targets)} 篇计 {len(targets)} 次下载，今日只剩 {left} 次"
                f"（每日 {account.daily_quota} 次）：请少选几篇，或明天再试。"
            ) from None
        assert stamp is not None, "no targets"
        return stamp

    def record_export(self, recipient: str, target: str, fmt: str) -> Stamp:
        """Record in the audit log an export made on the operator's machine for
        ``recipient`` (``sucai export --for NAME``, issue 15); no quota applies.

        The line is an ``export`` from address ``cli``, with the account's id when
        ``recipient`` names an account.

        Returns:
            The stamp the file must carry (the visible line on: the operator asked for it).

        Raises:
            UserError: ``recipient`` is empty.
        """
        recipient = recipient.strip()
        if not recipient:
            raise UserError.of(N_("name whom the export is for: --for NAME."))
        user = self.store.get_user_by_name(recipient)
        stamp = Stamp(recipient, self.today().isoformat(), new_code())
        self.store.add_audit(
            at=self._now(),
            user_id=user.id if user is not None else None,
            user_name=recipient,
            action="export",
            target=target,
            format=fmt,
            ip="cli",
            code=stamp.code,
        )
        return stamp

    def audit(
        self, account: Account, action: str, target: str, fmt: str, ip: str, *, code: str = ""
    ) -> None:
        """Append a line to the audit log (``code``: the code of the file it gave out)."""
        self.store.add_audit(
            at=self._now(),
            user_id=account.user.id if account.user else None,
            user_name=account.name,
            action=action,
            target=target,
            format=fmt,
            ip=ip,
            code=code,
        )

    def audit_log(self, account: Account, limit: int = 200) -> list[AuditEntry]:
        """The newest audit lines (admins only).

        Raises:
            AccessDeniedError: not an admin.
        """
        if not account.is_admin:
            raise AccessDeniedError("只有管理员可以查看审计日志。")
        return self.store.audit_entries(limit=limit)
