"""Web import jobs in the library (issue 4): the same rows on SQLite and PostgreSQL.

Each test runs on both stores and asserts exact values: states, counts, reports, order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sucai.store import ImportJobRow

if TYPE_CHECKING:
    from sucai.store import Store

T0 = "2026-01-01T08:00:00+00:00"
T1 = "2026-01-01T08:00:05+00:00"
T2 = "2026-01-01T08:01:00+00:00"


def test_a_job_is_queued_then_runs_file_by_file_and_finishes(store: Store) -> None:
    store.add_import_job("j1", "管理员", ["汇编.txt", "讲话.docx"], "web1", 4242, T0)
    assert store.import_job("j1") == ImportJobRow(
        id="j1",
        user_name="管理员",
        names=("汇编.txt", "讲话.docx"),
        state="queued",
        total=0,
        done=0,
        error="",
        report=None,
        files=(),
        host="web1",
        pid=4242,
        created_at=T0,
        updated_at=T0,
    )
    store.update_import_job("j1", T1, state="running", total=2)
    store.add_import_job_file("j1", {"path": "汇编.txt", "articles": [1, 2], "note": "全角，"}, T1)
    store.add_import_job_file("j1", {"path": "讲话.docx", "articles": []}, T2)
    running = store.import_job("j1")
    assert running is not None
    assert (running.state, running.total, running.done, running.updated_at) == (
        "running",
        2,
        2,
        T2,
    )
    assert running.files == (
        {"path": "汇编.txt", "articles": [1, 2], "note": "全角，"},
        {"path": "讲话.docx", "articles": []},
    )
    # None leaves a field as it is: the total stays, the report is set.
    store.update_import_job("j1", T2, state="done", report={"new_articles": 2, "failed": []})
    done = store.import_job("j1")
    assert done is not None
    assert (done.state, done.total, done.error, done.report) == (
        "done",
        2,
        "",
        {"new_articles": 2, "failed": []},
    )
    assert store.import_job("nope") is None


def test_jobs_are_listed_newest_first_without_their_files(store: Store) -> None:
    # j2 and j3 start in the same second: the later one is listed first.
    store.add_import_job("j1", "甲", ["a.txt"], "web1", 1, T0)
    store.add_import_job("j3", "乙", ["c.txt"], "web2", 2, T1)
    store.add_import_job("j2", "甲", ["b.txt"], "web1", 1, T1)
    store.add_import_job_file("j1", {"path": "a.txt"}, T1)
    store.update_import_job("j3", T2, state="failed", error="导入中断：服务进程已退出。")
    jobs = store.import_jobs(10)
    assert [(j.id, j.state, j.done, j.files) for j in jobs] == [
        ("j2", "queued", 0, ()),
        ("j3", "failed", 0, ()),
        ("j1", "queued", 1, ()),
    ]
    assert jobs[1].error == "导入中断：服务进程已退出。"
    assert [j.id for j in store.import_jobs(2)] == ["j2", "j3"]
