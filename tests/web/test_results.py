"""The search results page as a writer reads it (issue 21): a long article's hits folded,
numbered pages, and what to try when nothing is found."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from starlette.testclient import TestClient

from sucai.web import create_app
from tests.web.conftest import sign_in

if TYPE_CHECKING:
    from sucai import Library
    from sucai.web import WebSettings


def _hits_per_article(client: TestClient, query: str) -> Counter[int]:
    data = client.get("/search.json", params={"q": query}).json()
    return Counter(hit["article_id"] for hit in data["hits"])


def test_a_long_articles_hits_fold_after_the_first_two(app_client: TestClient) -> None:
    sign_in(app_client, "member")
    per_article = _hits_per_article(app_client, "高质量发展")
    assert max(per_article.values()) > 2
    html = app_client.get("/search", params={"q": "高质量发展"}).text
    groups = html.split('<article class="group">')[1:]
    assert len(groups) == len(per_article)
    for group in groups:
        article_id = int(re.search(r'href="/article/(\d+)"', group)[1])  # type: ignore[index]
        shown, _, folded = group.partition('<details class="more">')
        assert shown.count('<div class="hit">') == min(2, per_article[article_id])
        rest = per_article[article_id] - 2
        if rest > 0:
            assert f"<summary>本文还有 {rest} 处匹配</summary>" in folded
            assert folded.count('<div class="hit">') == rest
        else:
            assert not folded


def test_results_have_numbered_pages_around_the_current_one(
    library: Library, settings: WebSettings
) -> None:
    with TestClient(create_app(library, replace(settings, page_size=2))) as client:
        sign_in(client, "member")
        total = client.get("/search.json", params={"q": "发展"}).json()["total"]
        last = (total + 1) // 2
        assert last > 12
        html = client.get("/search", params={"q": "发展", "page": 10}).text
        pager = html[html.index('<nav class="pager"') :]
        pager = pager[: pager.index("</nav>")]
        numbers = re.findall(r'<a class="page" href="[^"]*page=(\d+)[^"]*">(\d+)</a>', pager)
        assert all(a == b for a, b in numbers)
        first = re.search(r'<a class="page" href="/search\?q=[^"&]*">1</a>', pager)
        assert first, "page 1's link carries no page parameter"
        assert [int(b) for _, b in numbers] == [8, 9, 11, 12, last]
        assert '<span class="page current" aria-current="page">10</span>' in pager
        assert pager.count("…") == 2


def _offers(client: TestClient, params: dict[str, str]) -> list[tuple[str, str, int]]:
    html = client.get("/search", params=params).text
    assert "共 <strong>0</strong> 条" in html
    wider = html[html.index('<p class="hint wider">') :].split("</p>")[0]
    found = re.findall(r'<a href="([^"]+)">([^<]+)</a>（(\d+) 条）', wider)
    return [(url.replace("&amp;", "&"), label, int(n)) for url, label, n in found]


def test_nothing_found_offers_the_search_without_its_filters_or_in_the_whole_text(
    app_client: TestClient,
) -> None:
    sign_in(app_client, "member")

    def total(**params: str) -> int:
        return int(app_client.get("/search.json", params=params).json()["total"])

    assert total(q="招商", genre="通知") == 0 < total(q="招商")
    assert _offers(app_client, {"q": "招商", "genre": "通知"}) == [
        ("/search?q=%E6%8B%9B%E5%95%86", "去掉筛选条件", total(q="招商"))
    ]
    assert total(q="项目", **{"in": "title"}) == 0 < total(q="项目")
    assert _offers(app_client, {"q": "项目", "in": "title"}) == [
        ("/search?q=%E9%A1%B9%E7%9B%AE", "在全文中检索", total(q="项目"))
    ]
