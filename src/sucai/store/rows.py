"""What both stores share that does not depend on the SQL dialect: filters, column lists, the
quota-checked download insert and rows turned into records. Each store passes its own
placeholder (``?`` or ``%s``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sucai.store.records import ArticleFilter, ImportJobRow, User

__all__ = [
    "AUDIT_COLUMNS",
    "JOB_COLUMNS",
    "USER_COLUMNS",
    "download_sql",
    "job_from_row",
    "user_from_row",
    "utc_now",
    "where_sql",
]

#: The columns of :class:`~sucai.store.AuditEntry`, in order.
AUDIT_COLUMNS: Final = "id, at, user_id, user_name, action, target, format, ip, code"
#: The columns :func:`user_from_row` reads, in order.
USER_COLUMNS: Final = "id, name, role, tier, expires_on, daily_quota, created_at, disabled"
#: The columns :func:`job_from_row` reads, in order (on ``import_jobs j``).
JOB_COLUMNS: Final = (
    "j.id, j.user_name, j.names, j.state, j.total, "
    "(SELECT count(*) FROM import_job_files f WHERE f.job_id = j.id), "
    "j.error, j.report, j.host, j.pid, j.created_at, j.updated_at"
)


def utc_now() -> str:
    """The time stored with rows: UTC, ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def download_sql(mark: str) -> str:
    """The INSERT of a ``download`` line of the audit log that inserts nothing when the account
    already has ``quota`` downloads since ``since``; ``mark`` is the store's placeholder.

    Parameters, in order: ``at, user_id, user_name, target, format, ip, code, user_id, since,
    quota``. The store runs it where no other download of the account can commit meanwhile.
    """
    values = ", ".join([mark] * 3 + ["'download'"] + [mark] * 4)
    return (
        "INSERT INTO audit_log (at, user_id, user_name, action, target, format, ip, code) "
        f"SELECT {values} WHERE (SELECT count(*) FROM audit_log WHERE user_id = {mark} "
        f"AND action = 'download' AND at >= {mark}) < {mark}"
    )


def where_sql(where: ArticleFilter | None, mark: str) -> tuple[str, list[Any]]:
    """``(" WHERE …", params)`` for an article filter on table alias ``a``; ``mark`` is the
    store's placeholder."""
    if where is None:
        return "", []
    parts: list[str] = []
    params: list[Any] = []
    for column, value in (
        ("a.genre", where.genre),
        ("a.role", where.role),
        ("a.source", where.source),
    ):
        if value is not None:
            parts.append(f"{column} = {mark}")
            params.append(value)
    if where.year_from is not None:
        parts.append(f"a.year >= {mark}")
        params.append(where.year_from)
    if where.year_to is not None:
        parts.append(f"a.year <= {mark}")
        params.append(where.year_to)
    return (" WHERE " + " AND ".join(parts), params) if parts else ("", [])


def user_from_row(row: Sequence[Any] | None) -> User | None:
    """A :class:`User` from a row of :data:`USER_COLUMNS`."""
    from sucai.store.records import User

    if row is None:
        return None
    return User(row[0], row[1], row[2], row[3], row[4], row[5], row[6], bool(row[7]))


def job_from_row(row: Sequence[Any], files: tuple[dict[str, Any], ...] = ()) -> ImportJobRow:
    """An :class:`ImportJobRow` from a row of :data:`JOB_COLUMNS` (and its files' reports)."""
    from sucai.store.records import ImportJobRow

    return ImportJobRow(
        id=row[0],
        user_name=row[1],
        names=tuple(json.loads(row[2])),
        state=row[3],
        total=row[4],
        done=int(row[5]),
        error=row[6],
        report=json.loads(row[7]) if row[7] is not None else None,
        files=files,
        host=row[8],
        pid=row[9],
        created_at=row[10],
        updated_at=row[11],
    )
