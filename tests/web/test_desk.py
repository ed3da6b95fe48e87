"""The home page as a writer's desk, favourites (收藏) and the 素材篮 managed on the page
(issue 21), through the real app; expected figures come from the store's own rows or from
counting the stored text by hand."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from starlette.testclient import TestClient

from sucai.search.tokenize import tifa_terms
from sucai.web import create_app
from sucai.web.views.baskets import cut
from tests.web.conftest import csrf_of, sign_in

if TYPE_CHECKING:
    from sucai import Library
    from sucai.web import WebSettings


def _panel(html: str, key: str) -> str:
    match = re.search(rf'<section class="panel panel-{key}" id="{key}">(.*?)</section>', html, re.S)
    assert match, f"no {key} panel"
    return match.group(1)


def _post(client: TestClient, path: str, data: dict[str, str], page: str = "/basket") -> str:
    response = client.post(path, data={**data, "csrf": csrf_of(client, page)})
    assert response.status_code == 200, response.text
    return response.text


def test_the_desk_shows_todays_counts_the_librarys_size_and_links_updates(
    app_client: TestClient, library: Library
) -> None:
    articles = library.list()
    genres: dict[str, int] = {}
    for article in articles:  # the seed was imported today (this test's session)
        genres[article.genre] = genres.get(article.genre, 0) + 1
    html = app_client.get("/").text
    assert 'name="q"' in html
    today = _panel(html, "today")
    assert f"<strong>{len(articles)}</strong> 篇" in today
    for genre, count in genres.items():
        assert f">{genre} {count}</a>" in today
    assert 'href="/updates"' in today
    size = _panel(html, "library")
    newest = max(a.added_at for a in articles)
    assert f"共 <strong>{len(articles)}</strong> 篇" in size
    assert newest[:4] in size  # the date, in the server's time zone
    # A visitor has no baskets or favourites to see.
    assert "panel-baskets" not in html and "panel-favourites" not in html


def test_the_desks_tifa_are_the_ones_in_the_most_free_text(
    app_client: TestClient, library: Library
) -> None:
    texts = []
    for summary in library.list():
        article = library.get(summary.id)
        texts.append(article.title + "".join(p.text for p in article.paragraphs if not p.paid))
    counted = {t: sum(t in text for text in texts) for t in tifa_terms()}
    best = max(counted.values())
    assert best > 0
    shown = re.findall(
        r'title="最近入库的 (\d+) 篇材料中出现">([^<]+)</a>', app_client.get("/").text
    )
    assert shown, "no 提法 on the desk"
    assert int(shown[0][0]) == best and counted[shown[0][1]] == best
    assert all(counted[term] == int(n) for n, term in shown)


def test_a_member_marks_a_favourite_and_finds_it_on_the_desk(app_client: TestClient) -> None:
    sign_in(app_client, "member")
    assert "还没有收藏" in _panel(app_client.get("/").text, "favourites")
    page = app_client.get("/article/3").text
    assert "收藏</button>" in page and "已收藏" not in page
    _post(app_client, "/article/3/favourite", {"on": "1"}, "/article/3")
    assert "已收藏</button>" in app_client.get("/article/3").text
    favourites = _panel(app_client.get("/").text, "favourites")
    assert re.findall(r'href="/article/(\d+)"', favourites) == ["3"]
    listed = app_client.get("/favourites.json").json()["articles"]
    assert [a["id"] for a in listed] == [3]
    _post(app_client, "/article/3/favourite", {"on": "0", "next": "/favourites"}, "/favourites")
    assert app_client.get("/favourites.json").json()["articles"] == []


def test_favourites_are_for_signed_in_members_of_existing_articles(
    app_client: TestClient,
) -> None:
    response = app_client.get("/favourites", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith("/login")
    assert app_client.get("/favourites.json").status_code == 401
    denied = app_client.post(
        "/article/3/favourite", data={"csrf": csrf_of(app_client, "/article/3")}
    )
    assert denied.status_code == 401
    sign_in(app_client, "member")
    missing = app_client.post(
        "/article/999999/favourite", data={"csrf": csrf_of(app_client, "/article/3")}
    )
    assert missing.status_code == 404


def test_a_member_creates_renames_and_deletes_baskets_on_the_page(app_client: TestClient) -> None:
    sign_in(app_client, "member")
    html = _post(app_client, "/basket/new", {"name": "周报素材"})
    assert "<h2>周报素材</h2>" in html
    html = _post(app_client, "/basket/%E5%91%A8%E6%8A%A5%E7%B4%A0%E6%9D%90/rename", {"to": "开头"})
    assert "<h2>开头</h2>" in html and "周报素材" not in html
    again = app_client.post(
        "/basket/new", data={"name": "开头", "csrf": csrf_of(app_client, "/basket")}
    )
    assert again.status_code == 400 and "已有名为“开头”的素材篮：请换一个名称。" in again.text
    long = app_client.post(
        "/basket/new", data={"name": "长" * 41, "csrf": csrf_of(app_client, "/basket")}
    )
    assert long.status_code == 400 and "素材篮名称须为 1 至 40 个字" in long.text
    html = _post(app_client, "/basket/%E5%BC%80%E5%A4%B4/delete", {})
    assert "开头" not in html
    assert app_client.get("/basket.json").json()["baskets"] == []


def test_the_basket_page_opens_on_the_basket_used_last(
    app_client: TestClient, library: Library
) -> None:
    # 甲篮 is made first and sorts after 乙篮 by name, but material went into it last.
    store = library.store
    store.create_basket("会员甲", "甲篮", "2026-01-01T00:00:00+00:00")
    store.create_basket("会员甲", "乙篮", "2026-01-02T00:00:00+00:00")
    store.add_basket_items("会员甲", "甲篮", [(2, "article", None)], "2026-01-03T00:00:00+00:00")
    sign_in(app_client, "member")
    assert app_client.get("/basket.json").json()["basket"] == "甲篮"
    assert "<h2>甲篮</h2>" in app_client.get("/basket").text
    store.create_basket("会员甲", "丙篮", "2026-01-04T00:00:00+00:00")
    assert app_client.get("/basket.json").json()["basket"] == "丙篮"


def test_a_preview_is_cut_only_past_300_characters() -> None:
    assert cut("字" * 300, 300) == "字" * 300
    assert cut("字" * 301, 300) == "字" * 300 + "…"


@pytest.mark.parametrize("role", ["member", "expired"])
def test_basket_previews_end_with_an_ellipsis_when_cut(
    library: Library, settings: WebSettings, role: str
) -> None:
    article = library.get(1)
    # An expired member's preview is the free text alone (paid paragraphs are empty).
    text = "\n".join(p.text for p in article.paragraphs if role == "member" or not p.paid)
    with TestClient(create_app(library, settings)) as client:
        sign_in(client, role)
        _post(client, "/basket/add", {"article_id": "1"}, "/article/1")
        item = client.get("/basket.json").json()["items"][0]
    if role == "member":
        assert len(text) > 300
        assert item["text"] == text[:300] + "…"
    else:
        assert len(text) < 300
        assert item["text"] == text
