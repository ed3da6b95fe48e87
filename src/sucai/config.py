"""Settings, declared once with help text.

Precedence: command-line flag > ``SUCAI_*`` environment variable > ``sucai.toml`` in the
current folder > default. A bad value fails at start-up with an error naming the key.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sucai.errors import ConfigError

__all__ = [
    "SETTINGS",
    "Setting",
    "Settings",
    "check_time_zone",
    "default_db_path",
    "load_settings",
]


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: its name, default and what it does."""

    name: str
    default: str
    help: str


def default_db_path() -> Path:
    """``$XDG_DATA_HOME/sucai/library.db`` (``~/.local/share/sucai/library.db``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sucai" / "library.db"


SETTINGS: Final = (
    Setting(
        "db",
        "",
        "Library file (SQLite), or postgresql://USER@HOST/DATABASE. Empty means the per-user "
        "default, $XDG_DATA_HOME/sucai/library.db.",
    ),
    Setting(
        "db_read",
        "",
        "A streaming replica of a PostgreSQL library (postgresql://…) for reads and searches; "
        "writes still go to db. Empty: db serves everything.",
    ),
    Setting(
        "index_dir",
        "",
        "This server's search index folder (a cache of the library, rebuilt when missing). "
        "Empty: <db>-search/ beside a SQLite library, $XDG_CACHE_HOME/sucai/index/<host>-<db>-… "
        "for a PostgreSQL one.",
    ),
    Setting(
        "export_line_off_tiers",
        "",
        "Member tiers, comma-separated (e.g. SVIP,企业), whose web downloads carry no visible "
        "footer line 仅供 NAME 使用 · DATE. Their files still carry the invisible code that "
        "sucai trace reads. Empty: every download shows the line.",
    ),
    Setting(
        "trusted_proxies",
        "",
        "Addresses or networks of the reverse proxies in front of `sucai serve`, separated by "
        "commas (e.g. 127.0.0.1, 10.0.0.0/24): only from these is X-Forwarded-For (the client's "
        "address, for rate limits and the audit log) and X-Forwarded-Proto believed. Empty: "
        "none; the address is the connection's peer.",
    ),
    Setting(
        "rate_limits",
        "",
        "Rate limits of the web app per tier, over the defaults: entries TIER.ACTION=RATE "
        "separated by ';', e.g. 'visitor.search=1/s burst 10; SVIP.search=10/s burst 60'. "
        "TIER: visitor, member, admin or a member tier's name; ACTION: search, check, "
        "download, login (visitor only); RATE: COUNT/UNIT [burst N] with UNIT s, min or h, "
        "or off. 'off' alone turns every limit off. Empty: the defaults.",
    ),
    Setting(
        "time_zone",
        "",
        "The library's time zone (an IANA name such as Asia/Shanghai): a day of 今日更新, of "
        "sucai digest and of the feeds runs from midnight to midnight there, by the time "
        "articles were imported. Empty: the system's time zone.",
    ),
)


@dataclass(frozen=True, slots=True)
class Settings:
    """Resolved settings."""

    db: Path | str
    db_is_default: bool
    db_read: str | None = None
    index_dir: Path | None = None
    export_line_off_tiers: tuple[str, ...] = ()
    trusted_proxies: str = ""
    rate_limits: str = ""
    time_zone: str = ""


def load_settings(
    *,
    db: str | None = None,
    index_dir: str | None = None,
    trusted_proxies: str | None = None,
    rate_limits: str | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Resolve settings from flags, environment, ``sucai.toml`` and defaults.

    Args:
        db, index_dir, trusted_proxies, rate_limits: the command-line flags' values (``None``:
            not given).
        config_file: the settings file (default ``./sucai.toml``).

    Raises:
        ConfigError: ``sucai.toml`` is unreadable, has an unknown key or a value that is not
            a string.
    """
    file_values: dict[str, object] = {}
    path = config_file or Path("sucai.toml")
    if path.is_file():
        try:
            file_values = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc}). Fix or remove the file.") from None
        known = {s.name for s in SETTINGS}
        unknown = sorted(set(file_values) - known)
        if unknown:
            raise ConfigError(
                f"{path}: unknown setting {', '.join(unknown)}; known settings: "
                f"{', '.join(sorted(known))}."
            )
    value = db or os.environ.get("SUCAI_DB") or file_values.get("db") or ""
    if not isinstance(value, str):
        raise ConfigError(f"{path}: setting 'db' must be a string (a file path).")
    read = os.environ.get("SUCAI_DB_READ") or file_values.get("db_read") or None
    if read is not None and not isinstance(read, str):
        raise ConfigError(f"{path}: setting 'db_read' must be a string (a postgresql:// URL).")
    folder = index_dir or os.environ.get("SUCAI_INDEX_DIR") or file_values.get("index_dir") or ""
    if not isinstance(folder, str):
        raise ConfigError(f"{path}: setting 'index_dir' must be a string (a folder).")
    index = Path(folder).expanduser() if folder else None
    tiers = _tiers(
        os.environ.get("SUCAI_EXPORT_LINE_OFF_TIERS") or file_values.get("export_line_off_tiers"),
        path,
    )
    web = {
        name: _text(name, flag, file_values, path)
        for name, flag in (
            ("trusted_proxies", trusted_proxies),
            ("rate_limits", rate_limits),
            ("time_zone", None),
        )
    }
    check_time_zone(web["time_zone"])
    if value.startswith(("postgresql://", "postgres://")):
        # A URL stays a string: as a Path its "//" would collapse.
        return Settings(value, False, read, index, tiers, **web)
    if value:
        return Settings(Path(value).expanduser(), False, read, index, tiers, **web)
    return Settings(default_db_path(), True, read, index, tiers, **web)


def check_time_zone(name: str) -> str:
    """``name`` when it is empty (the system's zone) or a time zone this machine knows.

    Raises:
        ConfigError: an unknown zone, naming the setting.
    """
    if name:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(
                f"setting 'time_zone': '{name}' is not a known time zone; use an IANA name "
                "such as Asia/Shanghai, or leave it empty for the system's zone."
            ) from None
    return name


def _tiers(value: object, path: Path) -> tuple[str, ...]:
    """Tier names from ``"SVIP,企业"`` (environment or file) or ``["SVIP", "企业"]`` (file)."""
    if not value:
        return ()
    if isinstance(value, str):
        names = value.replace("，", ",").split(",")
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        names = value
    else:
        raise ConfigError(
            f"{path}: setting 'export_line_off_tiers' must be tier names: \"SVIP,企业\" or "
            '["SVIP", "企业"].'
        )
    return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))


def _text(name: str, flag: str | None, file_values: dict[str, object], path: Path) -> str:
    """A text setting: the flag, else ``SUCAI_<NAME>``, else the file's value, else empty."""
    if flag is not None:
        return flag
    env = os.environ.get(f"SUCAI_{name.upper()}")
    if env is not None:
        return env
    value = file_values.get(name, "")
    if not isinstance(value, str):
        raise ConfigError(f"{path}: setting '{name}' must be a string.")
    return value
