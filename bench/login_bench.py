"""Sign-in timing: does the time of a refused sign-in tell which names have accounts? (issue 15)

Run with ``.venv/bin/python -m bench.login_bench [--runs N]``. A fresh SQLite library gets an
account with a current hash, a disabled account, and an account still holding a hash of the
scheme before issue 15 (scrypt, N = 2¹⁴). Each round signs in once on every path, in turn (so
that the machine's load falls on all paths alike), each time from a new address (the sign-in
throttle counts failures per name and address). The table gives each path's median and spread
and how far its median lies from that of a wrong password for a real name; the goal is that an
unknown or disabled name lies within the noise of it (|Δ| under 10 % of the median).

The same script runs against an older checkout (``PYTHONPATH=OLD/src``): it uses only
``Accounts.add``, ``Accounts.sign_in`` and the store.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import platform
import statistics
import tempfile
import time
from pathlib import Path

from sucai import open_library
from sucai.errors import AuthError
from sucai.users import Accounts

PASSWORD = "correct-horse-1"
PATHS = (
    ("real name, wrong password", "会员甲", "wrong-password"),
    ("unknown name", "无此人", PASSWORD),
    ("disabled name, right password", "停用", PASSWORD),
    ("old scrypt hash, wrong password", "老用户", "wrong-password"),
    ("real name, right password", "会员甲", PASSWORD),
)


def _scrypt_hash(password: str) -> str:
    """A hash as sucai stored them before issue 15."""
    salt = bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt$16384$8$1${salt.hex()}${digest.hex()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="sign-ins per path")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, open_library(Path(folder) / "l.db") as library:
        store = library.store
        accounts = Accounts(store)
        accounts.add("会员甲", PASSWORD, tier="会员")
        off = accounts.add("停用", PASSWORD)
        store.update_user(
            off.id, role="member", tier=None, expires_on=None, daily_quota=None, disabled=True
        )
        old = accounts.add("老用户", PASSWORD)
        store.set_password_hash(old.id, _scrypt_hash(PASSWORD))
        accounts.sign_in("会员甲", PASSWORD, "192.0.2.1")  # warm up (the dummy hash, caches)
        times: dict[str, list[float]] = {label: [] for label, _, _ in PATHS}
        for run in range(args.runs):
            for number, (label, name, password) in enumerate(PATHS):
                ip = f"10.{number}.{run // 250}.{run % 250}"
                start = time.perf_counter()
                with contextlib.suppress(AuthError):
                    accounts.sign_in(name, password, ip)
                times[label].append((time.perf_counter() - start) * 1000)
    base = statistics.median(times[PATHS[0][0]])
    print(f"{platform.node()} · Python {platform.python_version()} · {args.runs} runs per path")
    print(f"{'path':<34} {'median ms':>10} {'p10':>8} {'p90':>8} {'Δ median':>10} {'Δ %':>7}")
    for label, _, _ in PATHS:
        values = sorted(times[label])
        median = statistics.median(values)
        p10 = values[len(values) // 10]
        p90 = values[len(values) * 9 // 10]
        delta = median - base
        print(
            f"{label:<34} {median:>10.1f} {p10:>8.1f} {p90:>8.1f} {delta:>+10.1f} "
            f"{100 * delta / base:>+6.1f}%"
        )


if __name__ == "__main__":
    main()
