"""The 提法 page, the 金句 tab and an article's 金句 in a real headless Chromium (issue 20), at
1366×768 as tests/web/test_browser.py drives it; screenshots are kept in tmp_path
(``screenshots/tifa.png`` …) for review."""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest

from sucai import open_library
from tests.conftest import CORPUS
from tests.web.browser import MARKS, chromium, desktop_page

pytestmark = MARKS

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from sucai import Library

REPORTS = CORPUS / "reports" / "state_council"


@pytest.fixture(scope="module")
def reports_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The state council's reports of 2010–2025 in a library, imported once."""
    if not REPORTS.is_dir():
        pytest.skip("../shared/corpus is not beside the project")
    folder = tmp_path_factory.mktemp("tifa-web")
    with open_library(folder / "library.db") as library:
        assert not library.ingest(sorted(REPORTS.glob("0[0-2]*_20*.txt"))).failed
    return folder


@pytest.fixture
def library(reports_template: Path, tmp_path: Path) -> Iterator[Library]:
    """A private copy of the reports library (what ``server`` serves)."""
    folder = tmp_path / "lib"
    shutil.copytree(reports_template, folder)
    with open_library(folder / "library.db") as opened:
        yield opened


def test_the_tifa_chart_the_jinju_tab_and_an_articles_jinju_in_chromium(
    server: str,
    tmp_path: Path,
) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with chromium() as browser:
        page, errors = desktop_page(browser)
        page.goto(server + "/tifa")
        for n, phrase in enumerate(["新质生产力", "高质量发展", "供给侧结构性改革"]):
            page.locator("input[name=q]").nth(n).fill(phrase)
        page.click(".tifa-form button[type=submit]")
        page.wait_for_selector(".tifa-chart svg polyline")
        page.screenshot(path=str(shots / "tifa.png"), full_page=True)
        svg = page.locator(".tifa-chart svg")
        texts = svg.locator("text").all_text_contents()
        # Legend, axis titles and years (the reports use 供给侧结构性改革 from 2016 on).
        assert {
            "新质生产力",
            "高质量发展",
            "供给侧结构性改革",
            "年份",
            "每百万字使用次数",
        } <= set(texts)
        assert {"2013", "2024", "2025"} <= set(texts)
        assert svg.locator("polyline").count() == 3
        box = svg.bounding_box()
        assert box is not None and box["width"] <= 1366 and box["height"] >= 300
        assert "新质生产力：共" in page.inner_text("main")
        assert "首见 2024 年" in page.inner_text("main")

        page.goto(server + "/search?q=%E5%8F%91%E5%B1%95")
        page.click("nav.tabs >> text=金句")
        page.wait_for_selector(".list.jinju li")
        page.screenshot(path=str(shots / "jinju.png"), full_page=True)
        page.click(".kinds >> text=引用")
        page.wait_for_selector(".list.jinju li")
        kinds = set(page.locator(".list.jinju .kind").all_inner_texts())
        assert kinds == {"引用"}  # 发展如逆水行舟，不进则退 (增广贤文: 学如逆水行舟…)
        page.locator(".list.jinju li .meta a").first.click()
        page.wait_for_selector("section.jinju li")
        page.locator("section.jinju").scroll_into_view_if_needed()
        page.screenshot(path=str(shots / "article-jinju.png"), full_page=False)
        target = page.locator("section.jinju li a").first.get_attribute("href")
        assert target and page.locator(target).count() == 1
        assert not errors, errors
    assert len(list(shots.glob("*.png"))) == 3
