"""Web import jobs: the part of :class:`~sucai.store.Store` that keeps them, the same SQL on
SQLite and PostgreSQL (see :mod:`sucai.store.base`)."""

from __future__ import annotations

import json
from typing import Any

from sucai.store.base import JOB_COLUMNS, SqlBase, job_from_row
from sucai.store.records import ImportJobRow

__all__ = ["SqlJobs"]


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
        self._write(
            "UPDATE import_jobs SET state = coalesce(?, state), "
            "total = coalesce(CAST(? AS INTEGER), total), error = coalesce(?, error), "
            "report = coalesce(?, report), updated_at = ? WHERE id = ?",
            (
                state,
                total,
                error,
                json.dumps(report, ensure_ascii=False) if report is not None else None,
                now,
                job_id,
            ),
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
        row = self._one(
            f"SELECT {JOB_COLUMNS} FROM import_jobs j WHERE j.id = ?",
            (job_id,),
            primary=True,
        )
        if row is None:
            return None
        files = tuple(
            json.loads(r[0])
            for r in self._fetch(
                "SELECT report FROM import_job_files WHERE job_id = ? ORDER BY seq",
                (job_id,),
                primary=True,
            )
        )
        return job_from_row(row, files)

    def import_jobs(self, limit: int) -> list[ImportJobRow]:
        """The newest jobs, newest first (without their files' reports)."""
        rows = self._fetch(
            f"SELECT {JOB_COLUMNS} FROM import_jobs j "
            "ORDER BY j.created_at DESC, j.rowid DESC LIMIT ?",
            (limit,),
            primary=True,
        )
        return [job_from_row(row) for row in rows]
