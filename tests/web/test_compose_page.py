"""The 写作台 page (issue 20) in a real headless Chromium at 1366×768: a member asks for a topic,
ticks two groups, opens a piece's passage (marked on the article page) and puts a piece in the
素材篮, whose export ends with the 依据表, rendered by LibreOffice and read back from the PDF.
Screenshots are kept in tmp_path (``compose.png``, ``compose-passage.png``).

A visitor's page never shows the paid part of the speech that has one (the in-process client).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from sucai import open_library
from sucai.export.fingerprint import strip
from sucai.users import Accounts
from sucai.web import create_app
from tests.export.test_libreoffice import LIBREOFFICE, _pdf
from tests.test_compose import PAID_WORDS, ROOT, SPEECHES
from tests.web.browser import CHROMIUM, chromium, desktop_page, sign_in_member
from tests.web.conftest import PASSWORD, csrf_of

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sucai import Library
    from sucai.web import WebSettings


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    """The speeches and the samples, a member and no one else."""
    with open_library(tmp_path / "lib" / "library.db") as library:
        assert not library.ingest([SPEECHES, ROOT / "samples"]).failed
        Accounts(library.store).add("会员甲", PASSWORD, tier="会员", expires_on="2099-12-31")
        yield library


def test_a_visitors_compose_page_holds_no_paid_text(
    library: Library, settings: WebSettings
) -> None:
    with TestClient(create_app(library, settings)) as client:
        html = client.get("/compose", params={"topic": "优化营商环境", "genre": "讲话"}).text
        data = client.get(
            "/compose.json",
            params=[("topic", "优化营商环境"), ("genre", "讲话")]
            + [("pick", str(n)) for n in range(1, 5)],
        ).json()
        assert "提高站位 · 统一思想" in html
        assert not [w for w in PAID_WORDS if w in html or w in str(data)]
        assert [len(g["pieces"]) for g in data["groups"]] == [2, 2, 2, 2]
        member = client
        member.post(
            "/login",
            data={"name": "会员甲", "password": PASSWORD, "csrf": csrf_of(member)},
            follow_redirects=False,
        )
        assert "秘密武器" in member.get("/compose", params={"topic": "优化营商环境"}).text
        bad = member.get(
            "/compose.json", params={"topic": "优化营商环境", "genre": "讲话", "pick": "99"}
        )
        assert bad.status_code == 400
        assert bad.json()["error"] == "没有第 99 组：“优化营商环境”的写作台共有 5 组标题。"


def test_the_compose_page_takes_the_source_filter_its_api_describes(
    library: Library, settings: WebSettings
) -> None:
    # /compose.json lists 来源 among its filters (/openapi.json), as `sucai compose --source`
    # has it: the outlines come from that folder alone (the law is in samples/laws).
    with TestClient(create_app(library, settings)) as client:

        def titles(**params: str) -> set[str]:
            found = client.get("/compose.json", params={"topic": "优化营商环境", **params})
            return {s["title"] for s in found.json()["skeletons"]}

        assert titles() == {
            "优化营商环境条例",
            "在全县优化营商环境大会上的讲话",
            "在全市优化营商环境推进会上的讲话",
        }
        assert titles(source="laws") == {"优化营商环境条例"}
        # Nothing in that folder: the note says so, and no empty 提纲/标题分组 sections follow.
        page = client.get("/compose", params={"topic": "优化营商环境", "source": "没有这个来源"})
        assert "没有找到带提纲的相关材料" in page.text
        assert "提纲对照" not in page.text and "标题分组" not in page.text
        assert "提纲对照" in client.get("/compose", params={"topic": "优化营商环境"}).text


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
def test_a_member_composes_opens_a_passage_and_exports_the_basis_table(
    server: str, tmp_path: Path
) -> None:
    shots = tmp_path / "screenshots"
    shots.mkdir()
    with chromium() as browser:
        page, errors = desktop_page(browser)
        sign_in_member(page, server)

        page.click("header nav >> text=写作台")
        page.fill("input[name=topic]", "优化营商环境")
        page.fill("input[name=genre]", "讲话")
        page.press("input[name=topic]", "Enter")
        page.wait_for_selector(".skeleton")
        assert page.locator(".skeleton").count() == 2
        page.check("#g1 input[name=pick]")
        page.check("#g2 input[name=pick]")
        page.click("text=查看所选分组的段落")
        page.wait_for_selector("#g2 .piece")
        assert page.locator("#g2 .piece").count() == 2
        page.screenshot(path=str(shots / "compose.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366

        piece = page.locator("#g2 .piece").first
        text = piece.locator("p").first.inner_text()
        piece.locator("p.meta a").click()
        page.wait_for_selector(".para:target")
        assert page.locator(".para:target p").inner_text() == text
        page.screenshot(path=str(shots / "compose-passage.png"))
        page.go_back()
        page.wait_for_selector("#g2 .piece")
        page.locator("#g2 .piece").first.locator("text=加入素材篮").click()
        page.wait_for_url(re.compile(r".*/basket\?name=.*"))
        with page.expect_download() as info:
            page.click("text=导出 .docx")
        saved = tmp_path / "basket.docx"
        info.value.save_as(saved)
        assert not errors, errors
    assert sorted(p.name for p in shots.glob("*.png")) == ["compose-passage.png", "compose.png"]
    if LIBREOFFICE is None:
        pytest.skip("LibreOffice renders the export (make office installs libreoffice-writer)")
    pages = PdfReader(_pdf(saved, tmp_path)).pages
    text = "".join(page.extract_text() for page in pages)
    # The web download is marked for its account (zero-width code, footer line): strip it.
    table = re.sub(r"\s+", "", strip(text[text.rindex("依据表") :])).split("—1—")[0]
    assert re.fullmatch(
        r"依据表序号材料文章职务日期效力出处1要推进政务服务“一网通办”，压缩审批时限，以数字…"
        r"《在全市优化营商环境推进会上的讲话》市长2024-02-20/article/\d+#p6",
        table,
    ), table


def test_a_repealed_law_says_so_on_its_page_and_beside_its_hits(
    library: Library, settings: WebSettings
) -> None:
    ids = {a.title: a.id for a in library.list()}
    sand, river = ids["甲市河道采砂管理办法"], ids["甲市河道管理条例"]
    with TestClient(create_app(library, settings)) as client:
        page = client.get(f"/article/{sand}").text
        assert f'<a href="/article/{river}">已废止（甲市河道管理条例）</a>' in page
        assert client.get(f"/article/{sand}.json").json()["status"] == {
            "status": "已废止",
            "by_id": river,
            "by_title": "甲市河道管理条例",
            "by_version": "2015-03-20",
            "label": "已废止（甲市河道管理条例）",
        }
        hits = client.get("/search", params={"q": "采砂"}).text
        assert '<span class="law-status">已废止（甲市河道管理条例）</span>' in hits
        assert '<span class="law-status">现行有效</span>' in hits
        assert (
            client.get(f"/article/{ids['在全县优化营商环境大会上的讲话']}.json").json()["status"]
            is None
        )
