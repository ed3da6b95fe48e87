"""The one exception tree of sucai.

::

    SucaiError ─┬ ConfigError                 bad setting value (names the key)
                ├ IngestError ─┬ UnsupportedFormatError
                │              ├ DecodeError          not text, or in no encoding found
                │              └ LimitExceededError   past a bound of sucai.ingest.limits
                ├ StoreError ──┬ SchemaVersionError
                │              ├ NotFoundError
                │              └ StoreUnavailableError  database server unreachable (web 503)
                │                 └ IndexBuildingError  the first search index is being built
                └ UserError ──┬ QueryError    message is safe to show: CLI exit 1
                              ├ AuthError ─── LoginThrottledError     sign in first (web 401)
                              ├ AccessDeniedError                     not allowed (web 403)
                              ├ QuotaExceededError                    daily downloads used up
                              ├ RateLimitedError                      too many requests (web 429)
                              └ UploadError ─ UploadTooLargeError     bad upload (400 / 413)

Every ingest error carries a machine ``code`` (stable, for reports and scripts) next to the
human ``message`` that says what is wrong and what to do next; the message starts with the
file's name and never holds the text of a Python exception (issue 22).
"""

from __future__ import annotations

from typing import Self

from sucai.i18n import N_, fill

__all__ = [
    "AccessDeniedError",
    "AuthError",
    "CheckTooLongError",
    "ConfigError",
    "DamagedFileError",
    "DecodeError",
    "IndexBuildingError",
    "IngestError",
    "LimitExceededError",
    "LoginThrottledError",
    "NotFoundError",
    "QueryError",
    "QuotaExceededError",
    "RateLimitedError",
    "SchemaVersionError",
    "StoreError",
    "StoreUnavailableError",
    "SucaiError",
    "UnsupportedFormatError",
    "UploadError",
    "UploadTooLargeError",
    "UserError",
]


class SucaiError(Exception):
    """Base class of every error sucai raises on purpose.

    Made with :meth:`of`, it keeps its English ``template`` (marked ``N_`` for the message
    catalogue, issue 21) and the ``values`` filled in, so that a web page shows it in Chinese
    and the command line in the locale's language (:func:`sucai.i18n.user_message`).
    """

    template: str = ""
    values: dict[str, object] = {}  # noqa: RUF012 (read only; instances get their own)

    @classmethod
    def of(cls, template: str, **values: object) -> Self:
        """The error ``template`` filled with ``values`` (in English), translatable as
        ``template``: lists are joined, :class:`~sucai.i18n.Term` values translated."""
        error = cls(fill(template, values, "en"))
        error.template, error.values = template, values
        return error


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
    """The bytes of a text file are in no encoding sucai can detect (``code`` ``"decode"``),
    or are not text at all (``"binary"``)."""

    def __init__(self, message: str, code: str = "decode") -> None:
        super().__init__(code, message)


class DamagedFileError(IngestError):
    """A document is damaged or truncated (``code`` ``"damaged"``).

    Args:
        path: the file.
        kind: what it is to a person, e.g. ``".docx"`` or ``"PDF"``.
        reason: what is wrong with it.
        fix: what to do, one sentence or two.
    """

    def __init__(self, path: str, kind: str, reason: str, fix: str) -> None:
        super().__init__(
            "damaged", f"{path}: this {kind} is damaged or truncated ({reason}). {fix}"
        )


class LimitExceededError(IngestError):
    """A file goes past one of the bounds of :mod:`sucai.ingest.limits` (its size, unpacked
    size, lines, line length, headings …); ``code`` names the bound, e.g. ``"line-too-long"``.
    """


class StoreError(SucaiError):
    """The library file cannot be opened or used."""


class SchemaVersionError(StoreError):
    """The library file was written by a newer sucai than this one."""


class NotFoundError(StoreError):
    """No article or file with the requested id."""


class StoreUnavailableError(StoreError):
    """The database server cannot be reached or went away (issue 7); retry later (HTTP 503).

    A transaction cut off this way did not commit: nothing was half-written.
    """


class IndexBuildingError(StoreUnavailableError):
    """This server has no complete search index yet: its first build is under way (or has
    not started). Searches are answered once it is done; articles and browsing work meanwhile.

    Args:
        progress: ``(done, total)`` articles of the build under way, if one is.
    """

    def __init__(self, progress: tuple[int, int] | None) -> None:
        self.progress = progress
        if progress is None:
            self.template = N_(
                "the search index has not been built yet: run `sucai reindex` (a server "
                "builds it by itself when it starts)."
            )
            self.values = {}
        else:
            self.template = N_(
                "the search index is being built ({done} of {total} articles); searches are "
                "answered when it is done."
            )
            self.values = {"done": progress[0], "total": progress[1]}
        super().__init__(fill(self.template, self.values, "en"))


class UserError(SucaiError):
    """A mistake in what the user asked for; the message is safe to show as it is."""


class QueryError(UserError):
    """A search query or filter that cannot be understood (made with :meth:`of`: Chinese on
    the web, in the locale's language on the command line)."""


# --- accounts and the web app (issue 4) ----------------------------------------------------


class AuthError(UserError):
    """Not signed in, or a wrong name or password (HTTP 401)."""


class LoginThrottledError(AuthError):
    """Too many failed sign-ins for this name from this address; wait and retry (HTTP 429)."""


class AccessDeniedError(UserError):
    """Signed in, but the account may not do this (HTTP 403)."""


class CheckTooLongError(UserError):
    """A 查重 that would take longer than the web app allows one request (issue 15)."""


class QuotaExceededError(UserError):
    """The account's daily download quota is used up (HTTP 429)."""


class RateLimitedError(UserError):
    """Too many requests of one kind from one account or address (HTTP 429, issue 15).

    Args:
        message: what was refused and when to retry, for people.
        retry_after: whole seconds until the next request of this kind is accepted (≥ 1).
    """

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class UploadError(UserError):
    """An uploaded file cannot be accepted: a bad name, an unsafe archive (HTTP 400)."""


class UploadTooLargeError(UploadError):
    """An upload is larger than the configured limit (HTTP 413)."""
