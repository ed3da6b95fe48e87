"""今日更新, subscriptions, feeds and the digest through the web app (issue 19).

Counts and orders are checked against the stored rows (sqlite3); feeds are parsed by
feedparser, as RSS readers do, and their structure is checked against RFC 4287's required
elements; paid text is looked for in what visitors receive, sentence by sentence and by its
distinctive words.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from xml.etree import ElementTree as ET

import feedparser
import pytest

from sucai.export.fingerprint import strip
from tests.web.conftest import csrf_of, sign_in
from tests.web.test_leaks import paid_only_sentences

if TYPE_CHECKING:
    from pathlib import Path

    from starlette.testclient import TestClient

    from sucai import Library

ATOM = "{http://www.w3.org/2005/Atom}"


def _db(library: Library) -> Path:
    from pathlib import Path

    return Path(str(library.db))


def _rows(library: Library, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    with sqlite3.connect(_db(library)) as conn:
        return list(conn.execute(sql, params))


def _today_rows(library: Library) -> list[tuple[object, ...]]:
    """``(id, genre, role, source, added_at)`` of the articles imported today (local time),
    latest first: from the rows."""
    today = datetime.now().astimezone().date()
    rows = _rows(library, "SELECT id, genre, role, source, added_at FROM articles")
    mine = [r for r in rows if datetime.fromisoformat(str(r[4])).astimezone().date() == today]
    return sorted(mine, key=lambda r: (str(r[4]), int(str(r[0]))), reverse=True)


def _counts(values: list[object]) -> list[list[object]]:
    counted = Counter(str(v) for v in values if v)
    return [[v, n] for v, n in sorted(counted.items(), key=lambda kv: (-kv[1], kv[0]))]


def test_the_day_page_counts_the_imports_of_the_day_by_kind_role_and_source(
    app_client: TestClient, library: Library
) -> None:
    expected = _today_rows(library)
    assert len(expected) > 5
    data = app_client.get("/updates.json").json()
    assert data["ok"] and data["total"] == len(expected)
    assert data["day"] == datetime.now().astimezone().date().isoformat()
    assert [a["id"] for a in data["articles"]] == [r[0] for r in expected][:50]
    assert data["groups"] == {
        "genre": _counts([r[1] for r in expected]),
        "role": _counts([r[2] for r in expected]),
        "source": _counts([r[3] for r in expected]),
    }
    genre = data["groups"]["genre"][0][0]
    same = app_client.get(f"/updates/{data['day']}.json", params={"genre": genre}).json()
    assert [a["id"] for a in same["articles"]] == [r[0] for r in expected if r[1] == genre]
    assert (same["previous"], same["next"]) == (None, None)
    page = app_client.get(f"/updates/{data['day']}")
    assert page.status_code == 200 and "时区" in page.text and "今日更新" in page.text
    empty = app_client.get("/updates/2001-01-01.json").json()
    assert empty["total"] == 0 and empty["next"] == data["day"]


def test_a_bad_day_is_a_clear_404(app_client: TestClient) -> None:
    answer = app_client.get("/updates/2026-13-45.json")
    assert answer.status_code == 404
    assert answer.json()["error"] == "“2026-13-45”不是日期：请写成 YYYY-MM-DD，如 2026-12-06。"


def test_a_member_sees_what_came_in_since_the_last_visit(
    app_client: TestClient, library: Library
) -> None:
    sign_in(app_client, "member")
    first = app_client.get("/updates.json").json()
    assert first["since"] is None and first["since_count"] == 0
    # A reload keeps the visit; a visit after a pause starts from the one before it.
    assert app_client.get("/updates.json").json()["since"] is None
    earlier = (datetime.now(UTC) - timedelta(hours=2)).isoformat(timespec="seconds")
    with sqlite3.connect(_db(library)) as conn:
        conn.execute("UPDATE readers SET visit_at = ? WHERE owner = '会员甲'", (earlier,))
    later = app_client.get("/updates.json").json()
    assert later["since"] == earlier
    added = [r for r in _rows(library, "SELECT added_at FROM articles") if str(r[0]) >= earlier]
    assert later["since_count"] == len(added) > 0
    assert "自上次访问以来新增" in app_client.get("/updates").text


def _ingest(library: Library, folder: Path, name: str, text: str) -> int:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    assert library.ingest([folder / name]).new_articles == 1
    return library.list()[-1].id


def test_a_member_subscribes_to_a_search_and_opens_what_is_new(
    app_client: TestClient, library: Library, tmp_path: Path
) -> None:
    assert app_client.get("/subscriptions", follow_redirects=False).status_code == 303
    sign_in(app_client, "member")
    search = app_client.get("/search", params={"q": "营商环境", "genre": "讲话"})
    assert "订阅此搜索" in search.text
    token = csrf_of(app_client, "/subscriptions")
    answer = app_client.post(
        "/subscriptions",
        data={"name": "营商", "q": "营商环境", "csrf": token},
        headers={"accept": "application/json"},
    )
    assert answer.json()["subscription"]["q"] == "营商环境"
    assert app_client.get("/subscriptions.json").json()["subscriptions"][0]["new"] == 0
    new = _ingest(library, tmp_path / "in", "n.txt", "关于营商环境的通知\n\n营商环境要再优化。\n")
    _ingest(library, tmp_path / "in", "o.txt", "关于防汛工作的通知\n\n做好防汛。\n")
    listed = app_client.get("/subscriptions.json").json()["subscriptions"]
    assert [(s["name"], s["new"]) for s in listed] == [("营商", 1)]
    opened = app_client.get("/subscriptions/营商.json").json()
    assert [a["id"] for a in opened["articles"]] == [new]
    assert app_client.get("/subscriptions.json").json()["subscriptions"][0]["new"] == 0
    page = app_client.get("/subscriptions")
    assert "营商" in page.text and "先生成令牌" in page.text
    again = app_client.post(
        "/subscriptions",
        data={"name": "营商", "q": "发展", "csrf": token},
        headers={"accept": "application/json"},
    )
    assert again.status_code == 400
    assert again.json()["error"] == "已有名为“营商”的订阅：请换一个名称。"
    removed = app_client.post("/subscriptions/营商/remove", data={"csrf": token})
    assert removed.status_code == 200
    assert app_client.get("/subscriptions.json").json()["subscriptions"] == []


def _check_atom(body: bytes) -> feedparser.FeedParserDict:
    """``body`` parsed as RSS readers do, after checking RFC 4287's required elements."""
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    root = ET.fromstring(body)
    assert root.tag == f"{ATOM}feed"

    def one(element: ET.Element, tag: str) -> ET.Element:
        found = element.findall(f"{ATOM}{tag}")
        assert len(found) == 1, (tag, len(found))
        return found[0]

    for tag in ("id", "title", "updated"):
        assert (one(root, tag).text or "").strip()
    assert one(root, "author").find(f"{ATOM}name") is not None  # so entries need none
    assert [link.get("rel") for link in root.findall(f"{ATOM}link")].count("self") == 1
    ids = []
    for entry in root.findall(f"{ATOM}entry"):
        ids.append(one(entry, "id").text)
        assert (one(entry, "title").text or "").strip()
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", one(entry, "updated").text or "")
        assert any(link.get("rel") == "alternate" for link in entry.findall(f"{ATOM}link"))
    assert len(set(ids)) == len(ids)
    return parsed


def _distinctive(sentences: list[str]) -> list[str]:
    """Four-character pieces of paid sentences that no free text holds."""
    return sorted({s[i : i + 4] for s in sentences[::3] for i in (0, 4) if len(s) >= 8})


def test_feeds_parse_as_atom_and_carry_no_paid_text_without_a_token(
    app_client: TestClient, library: Library
) -> None:
    sentences = paid_only_sentences(library)
    free = "\n".join(
        [a.title for a in library.articles()]
        + [p.text for a in library.articles() for p in a.paragraphs if not p.paid]
    )
    words = [w for w in _distinctive(sentences) if w not in free]
    assert len(words) > 20
    genres = [str(r[0]) for r in _rows(library, "SELECT DISTINCT genre FROM articles")]
    bodies = []
    for genre in genres:
        answer = app_client.get(f"/feeds/kind/{genre}.atom")
        assert answer.headers["content-type"] == "application/atom+xml; charset=utf-8"
        parsed = _check_atom(answer.content)
        expected = _rows(
            library,
            "SELECT id, title FROM articles WHERE genre = ? ORDER BY added_at DESC, id DESC",
            (genre,),
        )[:50]
        assert [e.link.rsplit("/", 1)[1] for e in parsed.entries] == [str(r[0]) for r in expected]
        bodies.append(answer.text)
    source = str(_rows(library, "SELECT source FROM articles WHERE source <> ''")[0][0])
    bodies.append(app_client.get(f"/feeds/source/{source}.atom").text)
    joined = "\n".join(bodies)
    assert not [s for s in sentences if s in joined]
    assert not [w for w in words if w in joined]
    # A subscription's feed needs a member's token.
    assert app_client.get("/feeds/subscription/x.atom").status_code == 401
    assert app_client.get("/feeds/kind/讲话.atom", params={"token": "sf_bad"}).status_code == 401


def test_a_members_feed_token_opens_feeds_and_nothing_else(
    app_client: TestClient, library: Library
) -> None:
    sign_in(app_client, "member")
    token = csrf_of(app_client, "/account")
    made = app_client.post(
        "/account/feed-token", data={"csrf": token}, headers={"accept": "application/json"}
    )
    feed_token = made.json()["feed_token"]
    assert feed_token in app_client.get("/account").text
    app_client.post(
        "/subscriptions", data={"name": "发展", "q": "发展", "csrf": token}, follow_redirects=False
    )
    page = app_client.get("/subscriptions").text
    assert f"/feeds/subscription/%E5%8F%91%E5%B1%95.atom?token={feed_token}" in page
    reader = app_client.__class__(app_client.app)  # no cookies: an RSS reader
    genre = str(_rows(library, "SELECT genre FROM articles ORDER BY added_at DESC, id DESC")[0][0])
    member_feed = reader.get(f"/feeds/kind/{genre}.atom", params={"token": feed_token})
    parsed = _check_atom(member_feed.content)
    # The member's entries lead with the first body paragraph, paid or not.
    article = library.get(int(parsed.entries[0].link.rsplit("/", 1)[1]))
    first = next(p.text for p in article.paragraphs if p.text and not p.heading)
    assert parsed.entries[0].summary == first
    assert (
        reader.get("/feeds/subscription/发展.atom", params={"token": feed_token}).status_code == 200
    )
    # The token is no sign-in and no API token.
    assert reader.get("/account.json", params={"token": feed_token}).status_code == 401
    bearer = {"authorization": f"Bearer {feed_token}"}
    assert reader.get("/search.json", params={"q": "发展"}, headers=bearer).status_code == 401
    # Regenerated: the old URL stops working; revoked: so does the new one.
    renewed = app_client.post(
        "/account/feed-token", data={"csrf": token}, headers={"accept": "application/json"}
    ).json()["feed_token"]
    assert reader.get(f"/feeds/kind/{genre}.atom", params={"token": feed_token}).status_code == 401
    assert reader.get(f"/feeds/kind/{genre}.atom", params={"token": renewed}).status_code == 200
    app_client.post("/account/feed-token/revoke", data={"csrf": token})
    assert reader.get(f"/feeds/kind/{genre}.atom", params={"token": renewed}).status_code == 401


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_a_visitors_digest_carries_free_text_only(
    app_client: TestClient, library: Library, fmt: str
) -> None:
    sentences = paid_only_sentences(library)
    day = datetime.now().astimezone().date().isoformat()
    answer = app_client.get(f"/updates/{day}/digest.{fmt}")
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    if fmt == "docx":
        from io import BytesIO

        from docx import Document

        text = "\n".join(p.text for p in Document(BytesIO(answer.content)).paragraphs)
    else:
        text = strip(answer.text)
    titles = [str(r[0]) for r in _rows(library, "SELECT title FROM articles")]
    assert sum(t in text for t in titles) == len(titles)
    assert not [s for s in sentences if s in text]
    assert "会员内容" in text  # articles whose first paragraphs are paid say so
    sign_in(app_client, "member")
    member = app_client.get(f"/updates/{day}/digest.md").text
    assert [s for s in sentences if s in member]


def test_sorted_search_keeps_the_paywall_and_the_stored_date_order(
    app_client: TestClient, library: Library
) -> None:
    data = app_client.get("/search.json", params={"q": "发展", "sort": "date", "page": "1"}).json()
    full = app_client.get("/search.json", params={"q": "发展"}).json()
    assert data["total"] == full["total"]
    assert not any(h["paid"] for h in data["hits"])
    dates = {
        int(str(i)): (str(d) if d else (f"{y}-00-00" if y else ""))
        for i, d, y in _rows(library, "SELECT id, issued_on, year FROM articles")
    }
    order = list(dict.fromkeys(h["article_id"] for h in data["hits"]))
    keys = [(dates[a] != "", dates[a], a) for a in order]
    assert keys == sorted(keys, reverse=True)
    page = app_client.get("/search", params={"q": "发展", "sort": "date"})
    assert 'class="active" aria-current="true">按日期' in page.text
    bad = app_client.get("/search.json", params={"q": "发展", "sort": "newest"})
    assert bad.status_code == 400
