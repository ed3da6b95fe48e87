"""今日更新 and subscriptions in a real headless Chromium at 1366×768 (issue 19), as
``test_browser.py`` drives the other pages; screenshots are saved in tmp_path."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.web.browser import MARKS, chromium, desktop_page, sign_in_member

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = MARKS


def test_a_member_reads_the_day_sorts_by_date_and_subscribes(
    server: str,
    tmp_path: Path,
) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with chromium() as browser:
        page, errors = desktop_page(browser)
        page.goto(server + "/updates")
        assert "时区" in page.inner_text("main")
        page.screenshot(path=str(shots / "updates-visitor.png"), full_page=True)

        sign_in_member(page, server)

        page.click("header >> text=今日更新")
        page.wait_for_selector("table.articles")
        assert "这是您第一次访问今日更新" in page.inner_text("main")
        rows = page.locator("table.articles tbody tr").count()
        first_group = page.locator(".facets li a").first
        label = first_group.inner_text()
        first_group.click()
        page.wait_for_selector(".facets a.on")
        assert page.locator(".facets a.on").first.inner_text() == label
        assert page.locator("table.articles tbody tr").count() <= rows
        page.screenshot(path=str(shots / "updates.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366

        page.goto(server + "/search?q=%E5%8F%91%E5%B1%95")
        page.click("text=按日期")
        page.wait_for_url("**sort=date**")
        page.screenshot(path=str(shots / "search-by-date.png"), full_page=True)
        page.fill(".subscribe input[name=name]", "发展动态")
        page.click("text=订阅此搜索")
        page.wait_for_url(server + "/subscriptions")
        assert "发展动态" in page.inner_text("table.articles")

        page.goto(server + "/account")
        assert page.title() == "账户 · 素材库"
        page.click("#feeds button:has-text('生成令牌')")
        page.wait_for_selector("#feeds code.token")
        page.goto(server + "/subscriptions")
        feed = page.locator("a:has-text('Atom')").get_attribute("href") or ""
        assert feed.startswith("/feeds/subscription/") and "token=sf_" in feed
        page.screenshot(path=str(shots / "subscriptions.png"), full_page=True)
        page.click("text=发展动态")
        page.wait_for_selector("p.total")
        assert "上次打开以来新增" in page.inner_text("main")
        assert not errors, errors
