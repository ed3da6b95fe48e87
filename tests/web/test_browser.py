"""A real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright) uses the app.

It signs in, searches, opens an article, clicks an outline entry, copies a paragraph and
downloads a file, saving screenshots of the main pages (1366×768 and a phone) in tmp_path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sucai.export.fingerprint import strip
from tests.web.browser import ARGS, CHROMIUM, MARKS
from tests.web.conftest import PASSWORD

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = MARKS


def test_a_member_signs_in_searches_reads_copies_and_downloads(server: str, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            # bypass_csp: Playwright's own waiting helpers evaluate strings, which the app's
            # Content-Security-Policy (no eval) rightly forbids; the app's JS needs no bypass.
            context = browser.new_context(
                viewport={"width": 1366, "height": 768},
                accept_downloads=True,
                locale="zh-CN",
                bypass_csp=True,
            )
            context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))

            page.goto(server + "/login")
            page.fill("input[name=name]", "会员甲")
            page.fill("input[name=password]", PASSWORD)
            page.click("form.stack button[type=submit]")
            page.wait_for_url(server + "/")
            assert "会员甲" in page.inner_text("header")

            page.fill("input[name=q]", "招商")
            page.press("input[name=q]", "Enter")
            page.wait_for_selector(".group mark")
            page.screenshot(path=str(shots / "search.png"), full_page=True)
            assert "q=%E6%8B%9B%E5%95%86" in page.url

            page.click(".group h2 a")
            page.wait_for_selector(".toc a")
            page.screenshot(path=str(shots / "article.png"), full_page=True)
            entry = page.locator(".toc a").nth(1)
            target = entry.get_attribute("href")
            assert target and target.startswith("#p")
            entry.click()
            page.wait_for_function(f"location.hash === '{target}'")
            assert page.locator(f"{target}:target").count() == 1
            assert "current" in (entry.get_attribute("class") or "")

            para = page.locator(".para").first
            para.locator("button.copy").click()
            page.wait_for_function("document.querySelector('.para button.copy.done') !== null")
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied == para.locator("p").inner_text()

            with page.expect_download() as info:
                page.click("text=下载 .txt")
            download = info.value
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            assert saved.suffix == ".txt"
            # The file carries its export code (issue 15) inside the text.
            assert copied in strip(saved.read_text(encoding="utf-8"))

            page.goto(server + "/browse")
            page.screenshot(path=str(shots / "browse.png"), full_page=True)

            phone = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True, bypass_csp=True
            )
            small = phone.new_page()
            small.goto(server + "/search?q=%E6%8B%9B%E5%95%86")
            small.screenshot(path=str(shots / "search-phone.png"), full_page=True)
            width = small.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, "no sideways scrolling on a phone"
            small.goto(server + "/article/1")
            small.screenshot(path=str(shots / "article-phone.png"), full_page=True)
            assert small.evaluate("document.documentElement.scrollWidth") <= 390
            assert not errors, errors
        finally:
            browser.close()
    assert len(list(shots.glob("*.png"))) == 5
