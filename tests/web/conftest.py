"""Fixtures of the web tests: the seed library with four kinds of viewer, and a client.

The seed is imported once per session into a template folder; every test gets its own copy
(library file and search index), so tests that write (sign-ins, downloads, imports) never see
each other's changes.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
import schemathesis
from starlette.testclient import TestClient

from sucai import open_library
from sucai.users import Accounts
from sucai.web import WebSettings, create_app
from sucai.web.openapi import OPENAPI
from tests.conftest import SEED
from tests.web.browser import serving

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from httpx2 import Response

    from sucai import Library

PASSWORD = "correct-horse-1"


@dataclass(frozen=True)
class Role:
    """A kind of viewer and how to sign in as it (``name is None``: a visitor)."""

    key: str
    name: str | None
    reads_paid: bool


ROLES = {
    "visitor": Role("visitor", None, False),
    "expired": Role("expired", "过期会员", False),
    "member": Role("member", "会员甲", True),
    "admin": Role("admin", "admin", True),
}


@pytest.fixture(scope="session")
def seed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the seed library (with its index) and the four accounts."""
    if not SEED.is_file():
        pytest.skip(f"{SEED} is not beside the project")
    folder = tmp_path_factory.mktemp("seed")
    with open_library(folder / "library.db") as library:
        report = library.ingest([SEED])
        assert report.new_articles > 0
        accounts = Accounts(library.store)
        accounts.add("admin", PASSWORD, admin=True)
        accounts.add("会员甲", PASSWORD, tier="会员", expires_on="2099-12-31")
        accounts.add("过期会员", PASSWORD, tier="会员", expires_on="2020-01-01")
    return folder


@pytest.fixture
def library(seed_template: Path, tmp_path: Path) -> Iterator[Library]:
    """A private copy of the seed library."""
    folder = tmp_path / "lib"
    shutil.copytree(seed_template, folder)
    with open_library(folder / "library.db") as library:
        yield library


@pytest.fixture
def settings(tmp_path: Path) -> WebSettings:
    """Web settings with a small upload limit and a private upload folder.

    Rate limits are off: tests ask faster than people do. tests/web/test_limits.py tests them.
    """
    return WebSettings(
        max_upload_bytes=256 * 1024, upload_dir=tmp_path / "uploads", rate_limits="off"
    )


@pytest.fixture
def server(library: Library, settings: WebSettings) -> Iterator[str]:
    """The app under a real uvicorn on a free loopback port (for the browser tests)."""
    with serving(create_app(library, settings)) as url:
        yield url


@pytest.fixture
def app_client(library: Library, settings: WebSettings) -> Iterator[TestClient]:
    """A client driving the real app in-process (visitor until it signs in)."""
    app = create_app(library, settings)
    with TestClient(app) as client:
        yield client
    app.state.imports.wait(30)


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token a page's forms carry."""
    page = client.get(path)
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: TestClient, role: str) -> None:
    """Sign ``client`` in as one of :data:`ROLES` (nothing for the visitor)."""
    name = ROLES[role].name
    if name is None:
        return
    response = client.post(
        "/login",
        data={"name": name, "password": PASSWORD, "csrf": csrf_of(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def assert_described(path: str, method: str, response: Response) -> None:
    """``response`` is an answer ``/openapi.json`` describes for the operation: its status is
    one the operation lists, and its body matches that status's schema."""
    responses = OPENAPI["paths"][path][method.lower()]["responses"]
    assert str(response.status_code) in responses, (path, method, response.status_code)
    schemathesis.openapi.from_dict(OPENAPI)[path][method.upper()].validate_response(response)
