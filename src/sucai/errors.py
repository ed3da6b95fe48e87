"""The one exception tree of sucai.

::

    SucaiError ─┬ ConfigError                 bad setting value (names the key)
                ├ IngestError ─┬ UnsupportedFormatError
                │              └ DecodeError
                ├ StoreError ──┬ SchemaVersionError
                │              └ NotFoundError
                └ UserError ─── QueryError    message is safe to show: CLI exit 1

Every ingest error carries a machine ``code`` (stable, for reports and scripts) next to the
human ``message`` that says what is wrong and what to do next.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "DecodeError",
    "IngestError",
    "NotFoundError",
    "QueryError",
    "SchemaVersionError",
    "StoreError",
    "SucaiError",
    "UnsupportedFormatError",
    "UserError",
]


class SucaiError(Exception):
    """Base class of every error sucai raises on purpose."""


class ConfigError(SucaiError):
    """A setting has a value sucai cannot use; the message names the key."""


class IngestError(SucaiError):
    """One input file could not be imported.

    Args:
        code: stable machine-readable reason, e.g. ``"empty"`` or ``"decode"``.
        message: what is wrong and what to do next, for people.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class UnsupportedFormatError(IngestError):
    """The file's type is not one sucai reads."""

    def __init__(self, message: str) -> None:
        super().__init__("unsupported", message)


class DecodeError(IngestError):
    """The bytes of a text file are in no encoding sucai can detect."""

    def __init__(self, message: str) -> None:
        super().__init__("decode", message)


class StoreError(SucaiError):
    """The library file cannot be opened or used."""


class SchemaVersionError(StoreError):
    """The library file was written by a newer sucai than this one."""


class NotFoundError(StoreError):
    """No article or file with the requested id."""


class UserError(SucaiError):
    """A mistake in what the user asked for; the message is safe to show as it is."""


class QueryError(UserError):
    """A search query or filter that cannot be understood."""
