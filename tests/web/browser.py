"""What the browser tests share: Debian's Chromium driven by Playwright, against the app under
a real uvicorn (the ``server`` fixture of ``conftest.py``)."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from starlette.applications import Starlette

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The marks of every browser test module.
MARKS = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)",
    ),
]
#: The two screens the pages are checked at (issue 21): an office laptop and a phone.
OFFICE = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
#: A desktop browser context at 1366×768. bypass_csp: Playwright's own waiting helpers evaluate
#: strings, which the app's Content-Security-Policy (no eval) rightly forbids; the app's JS
#: needs no bypass.
DESKTOP: dict[str, Any] = {
    "viewport": OFFICE,
    "accept_downloads": True,
    "locale": "zh-CN",
    "bypass_csp": True,
}


@contextmanager
def serving(app: Starlette) -> Iterator[str]:
    """``app`` under a real uvicorn on a free loopback port: its base URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (a Playwright ``Browser``), closed at the end."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def desktop_page(browser: Any, **options: Any) -> tuple[Any, list[str]]:
    """A new page of ``browser`` in a :data:`DESKTOP` context (``options`` override it), and
    the list its JavaScript errors are collected in (assert it is empty at the end)."""
    page = browser.new_context(**(DESKTOP | options)).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


def sign_in_member(page: Any, server: str) -> None:
    """Sign a Playwright page in as the member 会员甲 (on the home page after)."""
    from tests.web.conftest import PASSWORD  # the conftest imports this module

    page.goto(server + "/login")
    page.fill("input[name=name]", "会员甲")
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(server + "/")
