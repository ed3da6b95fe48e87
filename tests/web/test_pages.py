"""The pages as a writer uses them (issue 21), in a real headless Chromium: layout measured in
the browser, the article's copy and print, and screenshots of every page at an office and a
phone screen, kept in ``tmp_path/screenshots`` as ``test_browser.py`` keeps its own."""

from __future__ import annotations

import io
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
from pypdf import PdfReader

from sucai.users import Account
from sucai.web import access
from tests.web.browser import MARKS, OFFICE, PHONE, chromium
from tests.web.conftest import PASSWORD, ROLES

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

pytestmark = MARKS

VISITOR = Account(None, date(2026, 1, 1))


def _sign_in(page: Any, server: str, role: str) -> None:
    name = ROLES[role].name
    if name is None:
        return
    page.goto(server + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(server + "/")


def _width(page: Any, selector: str) -> float:
    return float(
        page.evaluate(f"document.querySelector('{selector}').getBoundingClientRect().width")
    )


def _height(page: Any, selector: str) -> float:
    return float(page.evaluate(f"document.querySelector('{selector}').offsetHeight"))


def _plain_article(library: Library, tmp_path: Path) -> int:
    """An article with no outline and no paid part, imported for the test."""
    source = tmp_path / "短文.txt"
    source.write_text(
        "关于做好冬季安全生产工作的通知\n\n"
        + "\n".join(
            f"第{n}段：各单位要压实责任，排查隐患，确保安全生产形势稳定。" for n in range(8)
        ),
        encoding="utf-8",
    )
    library.ingest([source])
    found = [a for a in library.list(limit=1000) if a.title.startswith("关于做好冬季安全生产")]
    assert len(found) == 1
    article = library.get(found[0].id)
    assert not article.outline and not any(p.paid for p in article.paragraphs)
    return article.id


def _paywalled_article(library: Library) -> int:
    """An article whose outline a visitor does not see (all of it stands on paid text)."""
    for summary in library.list(limit=1000):
        article = library.get(summary.id)
        shown = access.redact_article(article, VISITOR)
        if article.outline and not shown.outline and any(p.paid for p in article.paragraphs):
            return article.id
    pytest.fail("the seed has no article whose outline is all paid")


def test_an_article_without_a_visible_outline_reads_full_width(
    library: Library, server: str, tmp_path: Path
) -> None:
    plain = _plain_article(library, tmp_path)
    paywalled = _paywalled_article(library)
    with chromium() as browser:
        page = browser.new_page(viewport=OFFICE)
        for article_id in (plain, paywalled):
            page.goto(f"{server}/article/{article_id}")
            assert page.locator(".toc").count() == 0
            # The text fills the row the outline would share: no empty 17rem column.
            assert _width(page, ".text") >= _width(page, ".doc") - 1, article_id
            assert _width(page, ".text") > 1000
        # A member sees the outline beside the text.
        _sign_in(page, server, "member")
        page.goto(f"{server}/article/{paywalled}")
        assert page.locator(".toc").count() == 1
        assert _width(page, ".text") < _width(page, ".doc") - 200


def _member_page(browser: Any, server: str, viewport: dict[str, int] = OFFICE) -> Any:
    context = browser.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
    page = context.new_page()
    _sign_in(page, server, "member")
    return page


def test_copy_all_copies_the_title_and_every_paragraph_the_viewer_may_read(
    library: Library, server: str
) -> None:
    article_id = _paywalled_article(library)
    article = library.get(article_id)
    heading = article.title + (f"（{article.role}）" if article.role else "")
    free = [p.text for p in access.redact_article(article, VISITOR).paragraphs if p.text]
    with chromium() as browser:
        member = _member_page(browser, server)
        visitor = browser.new_context(viewport=OFFICE, bypass_csp=True)
        visitor.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
        for page, paragraphs in (
            (member, [p.text for p in article.paragraphs]),
            (visitor.new_page(), free),
        ):
            page.goto(f"{server}/article/{article_id}")
            page.click("button.copy-all")
            page.wait_for_function("document.querySelector('button.copy-all.done') !== null")
            assert page.evaluate("navigator.clipboard.readText()") == "\n".join(
                [heading, *paragraphs]
            )


def test_print_lays_the_article_out_as_a_gongwen_on_a4(library: Library, server: str) -> None:
    article_id = next(
        s.id
        for s in library.list(limit=1000)
        if any(p.heading == 1 for p in library.get(s.id).paragraphs)
    )
    with chromium() as browser:
        page = _member_page(browser, server)
        page.goto(f"{server}/article/{article_id}")
        screen_font = page.evaluate(
            "getComputedStyle(document.querySelector('.para p')).fontFamily"
        )
        assert screen_font.startswith("FangSong, 仿宋"), "the body reads in 仿宋 on screen too"
        page.emulate_media(media="print")
        style = page.evaluate(
            """() => {
              const css = (s, p) => getComputedStyle(document.querySelector(s))[p];
              return {
                header: css('header.top', 'display'), toc: css('.toc', 'display'),
                actions: css('.actions', 'display'), copy: css('.para .copy', 'display'),
                body: css('.para p', 'fontFamily'), size: css('.para p', 'fontSize'),
                title: css('.doc-head h1', 'fontSize'), align: css('.doc-head h1', 'textAlign'),
                lv1: css('.para.heading.lv1 p', 'fontFamily'),
              };
            }"""
        )
        assert style["header"] == style["toc"] == style["actions"] == style["copy"] == "none"
        assert style["body"].startswith("FangSong, 仿宋")
        assert style["lv1"].startswith("SimHei, 黑体")
        assert style["size"] == "21.3333px"  # 16 pt, 三号
        assert style["title"] == "29.3333px"  # 22 pt, 二号
        assert style["align"] == "center"
        pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
        # A4 is 210 × 297 mm (Chromium's own default would be US Letter, 216 × 279 mm).
        box = pdf.pages[0].mediabox
        assert (round(box.width / 72 * 25.4), round(box.height / 72 * 25.4)) == (210, 297)


def test_the_pages_at_office_and_phone_sizes(library: Library, server: str, tmp_path: Path) -> None:
    """Screenshots of the desk, results, an article (member and visitor) and the basket at
    1366×768 and 390×844, kept in ``tmp_path/screenshots``; no page scrolls sideways."""
    shots = tmp_path / "screenshots"
    shots.mkdir()
    paywalled = _paywalled_article(library)
    pages = {
        "home": "/",
        "results": "/search?q=%E9%AB%98%E8%B4%A8%E9%87%8F%E5%8F%91%E5%B1%95",
        "article": f"/article/{paywalled}",
        "basket": "/basket",
    }
    with chromium() as browser:
        for size, viewport in (("office", OFFICE), ("phone", PHONE)):
            for role in ("member", "visitor"):
                context = browser.new_context(viewport=viewport, locale="zh-CN", bypass_csp=True)
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
                _sign_in(page, server, role)
                if role == "member":
                    for form in (f"/article/{paywalled}/favourite", "/basket/add"):
                        page.goto(f"{server}/article/{paywalled}")
                        page.click(f"form[action='{form}'] button")
                for name, path in pages.items():
                    if role == "visitor" and name == "basket":
                        continue
                    page.goto(server + path)
                    page.screenshot(path=str(shots / f"{name}-{role}-{size}.png"), full_page=True)
                    width = page.evaluate("document.documentElement.scrollWidth")
                    assert width <= viewport["width"], (name, role, size, width)
                    # The menu takes two rows on a phone (it took four), one at the office.
                    assert _height(page, "header.top") <= (100 if size == "phone" else 60)
                    if name == "article" and role == "visitor":
                        # The paywall's lock is a shipped SVG, drawn without an emoji font.
                        icon = "document.querySelector('.paywall img.icon').naturalWidth"
                        assert page.evaluate(icon) == 16
                assert not errors, errors
                context.close()
    assert len(list(shots.glob("*.png"))) == 14
