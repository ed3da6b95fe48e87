"""Defects found while fuzzing the API (issue 15), one regression test each.

The values come from the database's limits and the forms' documented bounds, not from the
code under test: an SQLite integer holds at most 2**63 - 1, and /openapi.json says what a
field accepts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sucai.users import MAX_QUOTA, MAX_TIER
from tests.web.conftest import csrf_of, sign_in

if TYPE_CHECKING:
    from starlette.testclient import TestClient

JSON = {"accept": "application/json"}


def _admin_form(client: TestClient) -> str:
    sign_in(client, "admin")
    return csrf_of(client, "/admin")


@pytest.mark.parametrize("quota", [str(10**30), str(2**63), str(MAX_QUOTA + 1)])
def test_a_quota_past_what_the_database_holds_is_a_clear_400_not_a_500(
    app_client: TestClient, quota: str
) -> None:
    # It was "OverflowError: Python int too large to convert to SQLite INTEGER", a 500.
    csrf = _admin_form(app_client)
    added = app_client.post(
        "/admin/users",
        data={"name": "新会员", "password": "long-enough-1", "daily_quota": quota, "csrf": csrf},
        headers=JSON,
    )
    changed = app_client.post(
        "/admin/users/2", data={"daily_quota": quota, "csrf": csrf}, headers=JSON
    )
    for response in (added, changed):
        assert response.status_code == 400, response.text
        assert response.json()["errors"] == [
            f"每日下载额度 {quota} 超出范围：请填 0 至 {MAX_QUOTA}，或留空以用会员等级的默认额度。"
        ]
    users = app_client.get("/admin.json").json()["users"]
    assert "新会员" not in [u["name"] for u in users]


def test_the_largest_quota_is_kept(app_client: TestClient) -> None:
    csrf = _admin_form(app_client)
    response = app_client.post(
        "/admin/users/2", data={"daily_quota": str(MAX_QUOTA), "csrf": csrf}, headers=JSON
    )
    assert response.json()["user"]["daily_quota"] == MAX_QUOTA


def test_a_tier_name_has_a_maximum_length(app_client: TestClient) -> None:
    # A 100,000-character tier was stored and shown on every admin page.
    csrf = _admin_form(app_client)
    kept = app_client.post(
        "/admin/users/2", data={"tier": "级" * MAX_TIER, "csrf": csrf}, follow_redirects=False
    )
    assert kept.status_code == 303
    refused = app_client.post(
        "/admin/users/2", data={"tier": "级" * (MAX_TIER + 1), "csrf": csrf}, headers=JSON
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == f"会员等级名称至多 {MAX_TIER} 个字，如：会员、SVIP。"


@pytest.mark.parametrize("name", ["报告\u202etxt.exe", "a\u200b.txt", "\u2066b.txt"])
def test_an_upload_whose_name_holds_invisible_format_characters_is_refused(
    app_client: TestClient, name: str
) -> None:
    # "报告\u202etxt.exe" was imported and listed on the import page as 报告exe.txt.
    csrf = _admin_form(app_client)
    response = app_client.post(
        "/import",
        data={"csrf": csrf},
        files={"files": (name, "第一条 内容。".encode(), "text/plain")},
        headers=JSON,
    )
    assert response.status_code == 400
    assert response.json()["error"] == (
        f"文件名“{name}”不安全或无效，已拒绝上传：请只上传普通文件名的文件（不含路径）。"
    )
    assert app_client.get("/import", headers=JSON).json()["jobs"] == []
