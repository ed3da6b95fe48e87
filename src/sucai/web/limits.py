"""Rate limits (issue 15): token buckets per account or address, per kind of request and tier.

Four kinds of request are limited (:data:`ACTIONS`): ``search`` (every scope, pages and
JSON), ``check`` (查重 drafts), ``download`` (article downloads and basket exports) and
``login`` (sign-in attempts). Each has a bucket per signed-in account, or per address for a
visitor (IPv6 addresses by their /64, which one person usually holds whole). A bucket holds
up to ``burst`` tokens and gains ``count / seconds`` tokens a second; each request takes one,
and a request that finds less than one is refused with HTTP 429 and the seconds until the
next token (``Retry-After``). The refusal comes after :data:`REFUSAL_DELAY` (a second): a
script that sends its next request as soon as the last is answered — the issue's attack —
then costs the server one cheap answer a second instead of hundreds. Sign-in attempts are
counted per address before anyone is known, at the visitor's rate (``visitor.login``); the
store's own throttle (five failures of a name from one address) stays beside it.

Which rates apply depends on the tier: ``visitor`` (not signed in), ``admin``, and for members
their tier's name (会员, SVIP …) when the settings name it, else ``member``; a member whose
tier has expired counts as ``member``. :data:`DEFAULT_RATES` are set so that a person reading
and searching never meets them; the ``rate_limits`` setting changes them per tier and kind
(:func:`parse_rate_limits`).

Where the address comes from: the peer of the connection, or — only when the peer is one of
the ``trusted_proxies`` (default: none) — the ``X-Forwarded-For`` header as that proxy wrote
it (uvicorn's ``ProxyHeadersMiddleware``, added by :func:`~sucai.web.app.create_app`). Any
other client's ``X-Forwarded-For`` is ignored, so it cannot be rotated past the limits.

Several processes: the buckets live in each server process's memory (no shared store, nothing
to run beside the server, as an offline intranet needs). With ``sucai serve --workers W`` the
kernel hands each connection to one process, so a client that opens connections to every
process gets up to W times the rate (a keep-alive connection stays with its process); with
several servers behind a load balancer, up to that many times again. Restarting a server
refills every bucket. The limits bound what one client can do; they are not exact counts.
"""

from __future__ import annotations

import asyncio
import ipaddress
import math
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from sucai.errors import ConfigError, RateLimitedError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from starlette.requests import Request

    from sucai.library import Account

__all__ = [
    "ACTIONS",
    "CHECK_SECONDS",
    "DEFAULT_RATES",
    "DRAFT_CHARS",
    "PDF_CONVERSIONS",
    "PDF_RETRY_SECONDS",
    "REFUSAL_DELAY",
    "Rate",
    "RateLimiter",
    "RateTable",
    "check_rate",
    "client_key",
    "draft_chars",
    "parse_rate_limits",
    "parse_trusted_proxies",
    "rate_tiers",
]

#: The kinds of request that are limited, with the words the 429 message uses for them.
ACTIONS: Final = {"search": "检索", "check": "查重", "download": "下载和导出", "login": "登录尝试"}
#: Buckets kept per server process; past it the least recently used is forgotten (a full
#: bucket again), so memory stays bounded whatever addresses arrive.
MAX_BUCKETS: Final = 100_000
#: Seconds a refused request waits before its 429 is sent (a coroutine sleeping: no thread).
REFUSAL_DELAY: Final = 1.0
#: The longest 查重 draft, in characters, for viewers who may read paid text (valid members,
#: admins) and for the others (visitors, expired members).
DRAFT_CHARS: Final = {"reader": 100_000, "other": 10_000}
#: The longest a 查重 request may compare before it is refused (CheckTooLongError, 400): an
#: ordinary draft of the longest size takes a second or two; a draft that repeats what the
#: library repeats would hold a worker for a minute.
CHECK_SECONDS: Final = 8.0
#: PDF 查重 reports rendered at once by one server process: LibreOffice takes seconds and
#: hundreds of megabytes for each, so a request that finds every slot taken is refused at
#: once (HTTP 429, before its draft is checked) instead of queueing.
PDF_CONVERSIONS: Final = 1
#: The ``Retry-After`` of a PDF report refused because every slot is taken, in seconds.
PDF_RETRY_SECONDS: Final = 10


@dataclass(frozen=True, slots=True)
class Rate:
    """``count`` requests per ``seconds``, up to ``burst`` at once.

    Attributes:
        count: tokens gained per period.
        seconds: the period: 1, 60 or 3600.
        burst: the most tokens a bucket holds (requests in a row after a quiet spell).
    """

    count: float
    seconds: int
    burst: int

    @property
    def per_second(self) -> float:
        """Tokens gained per second."""
        return self.count / self.seconds

    def describe(self) -> str:
        """The rate in words, e.g. ``每秒 5 次，可连续 30 次``."""
        unit = {1: "每秒", 60: "每分钟", 3600: "每小时"}[self.seconds]
        count = f"{self.count:g}"
        if self.burst != math.ceil(self.count):
            return f"{unit} {count} 次，可连续 {self.burst} 次"
        return f"{unit} {count} 次"


#: Tier → kind of request → rate. Visitors get less than members; ``login`` is per address.
DEFAULT_RATES: Final[Mapping[str, Mapping[str, Rate]]] = {
    "visitor": {
        "search": Rate(2, 1, 20),
        "check": Rate(3, 60, 3),
        "download": Rate(1, 1, 5),
        "login": Rate(10, 60, 10),
    },
    "member": {
        "search": Rate(5, 1, 30),
        "check": Rate(10, 60, 10),
        "download": Rate(1, 1, 10),
    },
    "admin": {
        "search": Rate(20, 1, 100),
        "check": Rate(60, 60, 30),
        "download": Rate(5, 1, 50),
    },
}

_UNITS: Final = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
}
_RATE: Final = re.compile(
    r"(\d+(?:\.\d+)?)\s*/\s*([a-z]+)(?:\s+burst\s+(\d+))?", re.IGNORECASE | re.ASCII
)
_ENTRY_SEPARATOR: Final = re.compile(r"[;\n]")


@dataclass(frozen=True, slots=True)
class RateTable:
    """The rates in force: the defaults with the ``rate_limits`` setting over them.

    Attributes:
        rates: ``(tier, action)`` → rate, or ``None`` for no limit.
        enabled: ``False`` when the setting is ``off`` (no limits at all).
    """

    rates: Mapping[tuple[str, str], Rate | None]
    enabled: bool = True

    def rate(self, tiers: tuple[str, ...], action: str) -> Rate | None:
        """The rate of ``action`` for the first of ``tiers`` that sets one (``None``: none)."""
        if not self.enabled:
            return None
        for tier in tiers:
            if (tier, action) in self.rates:
                return self.rates[tier, action]
        return None


def _rate(text: str, where: str) -> Rate | None:
    if text.lower() == "off":
        return None
    match = _RATE.fullmatch(text)
    unit = _UNITS.get(match.group(2).lower().removesuffix("s") or "s") if match else None
    if match is None or unit is None:
        raise ConfigError(
            f"rate_limits: '{where}' has the rate '{text}'; write COUNT/UNIT [burst N] with "
            "UNIT s, min or h (e.g. 5/s burst 30, 3/min) or off."
        )
    count = float(match.group(1))
    burst = int(match.group(3)) if match.group(3) else math.ceil(count)
    if count <= 0 or burst < 1:
        raise ConfigError(
            f"rate_limits: '{where}' allows nothing; give a count and burst of at least 1, "
            "or off for no limit."
        )
    return Rate(count, unit, burst)


def parse_rate_limits(text: str) -> RateTable:
    """The rates in force for the ``rate_limits`` setting.

    ``text`` is empty (the defaults), ``off`` (no limits at all) or entries separated by
    ``;`` or new lines, each ``TIER.ACTION=RATE``: a tier (``visitor``, ``member``, ``admin``
    or a member tier's name such as ``SVIP``), an action of :data:`ACTIONS`, and a rate
    ``COUNT/UNIT [burst N]`` (UNIT ``s``, ``min`` or ``h``; burst defaults to the count) or
    ``off``. Example: ``visitor.search=1/s burst 10; SVIP.search=10/s burst 60``.

    Raises:
        ConfigError: an entry that cannot be read; the message names the setting and entry.
    """
    rates: dict[tuple[str, str], Rate | None] = {
        (tier, action): rate
        for tier, table in DEFAULT_RATES.items()
        for action, rate in table.items()
    }
    text = text.strip()
    if text.lower() == "off":
        return RateTable(rates, enabled=False)
    for entry in filter(None, (e.strip() for e in _ENTRY_SEPARATOR.split(text))):
        name, sep, value = entry.partition("=")
        tier, dot, action = name.strip().rpartition(".")
        if not (sep and dot and tier.strip()):
            raise ConfigError(
                f"rate_limits: '{entry}' is not TIER.ACTION=RATE "
                "(e.g. visitor.search=2/s burst 20)."
            )
        tier, action = tier.strip(), action.strip()
        if action not in ACTIONS:
            raise ConfigError(
                f"rate_limits: '{entry}' names the action '{action}'; "
                f"choose one of {', '.join(ACTIONS)}."
            )
        if action == "login" and tier != "visitor":
            raise ConfigError(
                f"rate_limits: '{entry}': sign-in attempts are counted per address before "
                "anyone is known; set visitor.login instead."
            )
        rates[tier, action] = _rate(value.strip(), entry)
    return RateTable(rates)


def parse_trusted_proxies(text: str) -> tuple[str, ...]:
    """The ``trusted_proxies`` setting: addresses and networks separated by commas or spaces.

    Raises:
        ConfigError: an entry that is neither an IP address nor a network (such as
            ``10.0.0.0/8``); ``*`` is refused, as it would let every client choose its address.
    """
    found: list[str] = []
    for entry in re.split(r"[,\s]+", text.strip()):
        if not entry:
            continue
        try:
            found.append(str(ipaddress.ip_network(entry, strict=False)))
        except ValueError:
            raise ConfigError(
                f"trusted_proxies: '{entry}' is not an IP address or network; list the "
                "addresses of your reverse proxies, e.g. 127.0.0.1, 10.0.0.0/24."
            ) from None
    return tuple(found)


def rate_tiers(account: Account) -> tuple[str, ...]:
    """The tiers whose rates apply to ``account``, most specific first."""
    user = account.user
    if user is None:
        return ("visitor",)
    if account.is_admin:
        return ("admin",)
    if account.member_valid and user.tier:
        return (user.tier, "member")
    return ("member",)


def client_key(request: Request) -> str:
    """The address a visitor is counted by: the client's IP, an IPv6 address by its /64."""
    host = request.client.host if request.client else "-"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return "ip:" + host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"ip:{address.ipv4_mapped}"
        return f"ip:{ipaddress.IPv6Network((address, 64), strict=False)}"
    return f"ip:{address}"


class RateLimiter:
    """Token buckets, one per kind of request and account or address, in this process.

    Not thread-safe: the app calls it from the event loop only (each call takes microseconds).

    Args:
        table: the rates in force.
        clock: seconds on a monotonic clock, replaceable for tests.
        max_buckets: buckets kept; the least recently used is forgotten past it.
        delay: seconds a refused request waits before it is answered.
    """

    def __init__(
        self,
        table: RateTable,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_buckets: int = MAX_BUCKETS,
        delay: float = REFUSAL_DELAY,
    ) -> None:
        self.table = table
        self.clock = clock
        self.max_buckets = max_buckets
        self.delay = delay
        self._buckets: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()

    def take(self, action: str, tiers: tuple[str, ...], key: str) -> tuple[Rate | None, float]:
        """Take a token for one request.

        Returns:
            The rate that applies (``None``: no limit) and ``0.0`` when the request may go
            ahead, else the seconds until the bucket holds a token again.
        """
        rate = self.table.rate(tiers, action)
        if rate is None:
            return None, 0.0
        now = self.clock()
        name = (action, key)
        bucket = self._buckets.get(name)
        if bucket is None:
            tokens = float(rate.burst)
            if len(self._buckets) >= self.max_buckets:
                self._buckets.popitem(last=False)
        else:
            tokens = min(float(rate.burst), bucket[0] + (now - bucket[1]) * rate.per_second)
            self._buckets.move_to_end(name)
        if tokens >= 1:
            self._buckets[name] = (tokens - 1, now)
            return rate, 0.0
        self._buckets[name] = (tokens, now)
        return rate, (1 - tokens) / rate.per_second


async def check_rate(request: Request, action: str, account: Account) -> None:
    """Count one ``action`` of ``account`` (by its address when a visitor, and always by its
    address for ``login``) against the app's :class:`RateLimiter`.

    Raises:
        RateLimitedError: the bucket is empty (HTTP 429 with ``Retry-After``), after the
            limiter's ``delay``.
    """
    limiter: RateLimiter = request.app.state.limiter
    tiers: tuple[str, ...]
    if action == "login" or account.user is None:
        tiers, key = ("visitor",), client_key(request)
    else:
        tiers, key = rate_tiers(account), f"account:{account.user.id}"
    rate, wait = limiter.take(action, tiers, key)
    if rate is None or not wait:
        return
    seconds = max(1, math.ceil(wait))
    await asyncio.sleep(limiter.delay)
    raise RateLimitedError(
        f"{ACTIONS[action]}过于频繁（上限：{rate.describe()}），请 {seconds} 秒后再试。", seconds
    )


def draft_chars(account: Account) -> int:
    """The longest 查重 draft ``account`` may submit, in characters (:data:`DRAFT_CHARS`)."""
    return DRAFT_CHARS["reader" if account.reads_paid else "other"]
