"""Several articles as one .zip on the web (issue 21): chosen on the results page or by the
browse filters; each article counts against the daily quota; paid text never reaches a viewer
who may not read it (checked against every stored paid paragraph)."""

from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING

import pytest
from starlette.testclient import TestClient

from sucai.export.fingerprint import strip
from sucai.web import create_app
from tests.web.conftest import ROLES, csrf_of, sign_in

if TYPE_CHECKING:
    from sucai import Library
    from sucai.web import WebSettings


def _zip(client: TestClient, data: dict[str, object], path: str = "/download") -> zipfile.ZipFile:
    response = client.post(path, data={**data, "csrf": csrf_of(client, "/browse")})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.content))


def _texts(archive: zipfile.ZipFile) -> list[str]:
    return [
        strip(archive.read(name).decode("utf-8"))
        for name in archive.namelist()
        if name.endswith(".txt")
    ]


def test_results_chosen_on_the_page_come_as_one_zip(app_client: TestClient) -> None:
    sign_in(app_client, "member")
    page = app_client.get("/search", params={"q": "发展"}).text
    assert 'form="zip"' in page and 'action="/download"' in page
    archive = _zip(app_client, {"id": ["2", "5", "2"], "format": "txt"})
    names = archive.namelist()
    assert "index.csv" in names
    assert len([n for n in names if n.endswith(".txt")]) == 2
    assert app_client.get("/account.json").json()["downloads_today"] == 2


@pytest.mark.parametrize("role", ["member", "expired"])
def test_a_browse_filter_zip_holds_its_articles_as_the_viewer_may_read_them(
    library: Library, app_client: TestClient, role: str
) -> None:
    sign_in(app_client, role)
    html = app_client.get("/browse", params={"genre": "发言"}).text
    assert 'action="/download?genre=%E5%8F%91%E8%A8%80"' in html
    archive = _zip(app_client, {"all": "1", "format": "txt"}, "/download?genre=%E5%8F%91%E8%A8%80")
    texts = _texts(archive)
    articles = [library.get(s.id) for s in library.list() if s.genre == "发言"]
    assert len(texts) == len(articles)
    paid = [p.text for a in articles for p in a.paragraphs if p.paid and len(p.text) >= 8]
    free = [p.text for a in articles for p in a.paragraphs if not p.paid]
    everything = "\n".join(texts)
    assert all(text in everything for text in free)
    if ROLES[role].reads_paid:
        assert all(text in everything for text in paid)
    else:
        assert paid and not any(text in everything for text in paid)


def test_a_zip_counts_every_article_against_the_quota_all_or_nothing(
    library: Library, settings: WebSettings
) -> None:
    library.accounts.update(library.accounts.user("会员甲").id, daily_quota=3)
    with TestClient(create_app(library, settings)) as client:
        sign_in(client, "member")
        refused = client.post(
            "/download",
            data={"id": ["1", "2", "3", "4"], "csrf": csrf_of(client, "/browse")},
        )
        assert refused.status_code == 429
        assert "打包下载 4 篇计 4 次下载，今日只剩 3 次" in refused.text
        assert client.get("/account.json").json()["downloads_today"] == 0
        _zip(client, {"id": ["1", "2", "3"]})
        assert client.get("/account.json").json()["downloads_today"] == 3


def test_a_visitor_or_an_empty_choice_gets_a_clear_refusal(app_client: TestClient) -> None:
    token = csrf_of(app_client)
    assert app_client.post("/download", data={"id": "1", "csrf": token}).status_code == 401
    sign_in(app_client, "member")
    token = csrf_of(app_client, "/browse")
    empty = app_client.post("/download", data={"csrf": token})
    assert empty.status_code == 400 and "没有选中文章" in empty.text
    many = app_client.post("/download", data={"id": [str(i) for i in range(51)], "csrf": token})
    assert many.status_code == 400 and "一次至多打包下载 50 篇" in many.text
    missing = app_client.post("/download", data={"id": "999999", "csrf": token})
    assert missing.status_code == 404
