"""Web import jobs, kept in the library so that every server sees them."""

from __future__ import annotations

import json
from typing import Any, Final

from sucai.store.base import SqlBase
from sucai.store.records import ImportJobRow

__all__ = ["SqlJobs"]

#: The columns :func:`_job` reads, in order (on ``import_jobs j``).
_JOB_SELECT: Final = (
    "SELECT j.id, j.user_name, j.names, j.state, j.total, "
    "(SELECT count(*) FROM import_job_files f WHERE f.job_id = j.id), "
    "j.error, j.report, j.host, j.pid, j.created_at, j.updated_at FROM import_jobs j"
)


def _job(row: tuple[Any, ...], files: tuple[dict[str, Any], ...] = ()) -> ImportJobRow:
    """An :class:`ImportJobRow` from a row of :data:`_JOB_SELECT` (and its files' reports)."""
    values = list(row)
    values[2] = tuple(json.loads(row[2]))
    values[5] = int(row[5])
    values[7] = None if row[7] is None else json.loads(row[7])
    values.insert(8, files)
    return ImportJobRow(*values)


class SqlJobs(SqlBase):
    """Web import jobs."""

    def add_import_job(
        self, job_id: str, user_name: str, names: list[str], host: str, pid: int, now: str
    ) -> None:
        """Record a new, queued web import, run by process ``pid`` on ``host``."""
        self._write(
            "INSERT INTO import_jobs (id, user_name, names, state, host, pid, created_at, "
            "updated_at) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?)",
            (job_id, user_name, json.dumps(names, ensure_ascii=False), host, pid, now, now),
        )

    def update_import_job(
        self,
        job_id: str,
        now: str,
        *,
        state: str | None = None,
        total: int | None = None,
        error: str | None = None,
        report: dict[str, Any] | None = None,
    ) -> None:
        """Change what is given of a job (``None`` leaves a field as it is)."""
        packed = None if report is None else json.dumps(report, ensure_ascii=False)
        self._write(
            "UPDATE import_jobs SET state = coalesce(?, state), "
            "total = coalesce(CAST(? AS INTEGER), total), error = coalesce(?, error), "
            "report = coalesce(?, report), updated_at = ? WHERE id = ?",
            (state, total, error, packed, now, job_id),
        )

    def add_import_job_file(self, job_id: str, report: dict[str, Any], now: str) -> None:
        """Append one file's report to a job."""
        with self.atomic():
            self._execute(
                "INSERT INTO import_job_files (job_id, seq, report) VALUES (?, "
                "(SELECT count(*) FROM import_job_files WHERE job_id = ?), ?)",
                (job_id, job_id, json.dumps(report, ensure_ascii=False)),
            )
            self._execute("UPDATE import_jobs SET updated_at = ? WHERE id = ?", (now, job_id))

    def import_job(self, job_id: str) -> ImportJobRow | None:
        """One job with every file's report, or ``None`` (read from the primary: the job
        is polled while it runs)."""
        row = self._one(f"{_JOB_SELECT} WHERE j.id = ?", (job_id,), primary=True)
        if row is None:
            return None
        files = self._fetch(
            "SELECT report FROM import_job_files WHERE job_id = ? ORDER BY seq",
            (job_id,),
            primary=True,
        )
        return _job(row, tuple(json.loads(r[0]) for r in files))

    def import_jobs(self, limit: int) -> list[ImportJobRow]:
        """The newest jobs, newest first (without their files' reports)."""
        rows = self._fetch(
            f"{_JOB_SELECT} ORDER BY j.created_at DESC, j.rowid DESC LIMIT ?",
            (limit,),
            primary=True,
        )
        return [_job(row) for row in rows]
