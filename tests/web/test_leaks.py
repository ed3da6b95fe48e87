"""The paid part of the seed never reaches a visitor or an expired member, by any route.

Paid-only sentences are taken from paragraphs with ``paid=True`` (and not found in any free
text); the test walks every page and JSON endpoint, searches for words of those sentences in
every scope, downloads, and provokes errors, then looks for each sentence in every response.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from typing import TYPE_CHECKING

import pytest

from sucai.export.fingerprint import strip
from tests.web.conftest import csrf_of, sign_in

if TYPE_CHECKING:
    from starlette.testclient import TestClient

    from sucai import Library

_SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")


def paid_only_sentences(library: Library) -> list[str]:
    """Sentences (≥ 8 characters) of paid paragraphs that free text does not also contain."""
    free: list[str] = []
    paid: list[str] = []
    for article in library.articles():
        free.append(article.title)
        for p in article.paragraphs:
            (paid if p.paid else free).append(p.text)
    free_text = "\n".join(free)
    found = {
        s.strip()
        for text in paid
        for s in _SENTENCE.findall(text)
        if len(s.strip()) >= 8 and s.strip() not in free_text
    }
    # Headings (a whole paragraph on its own) are short: keep paid headings of ≥ 6 too.
    found |= {text for text in paid if 6 <= len(text) < 8 and text not in free_text}
    return sorted(found)


def probe_queries(sentences: list[str]) -> list[str]:
    """Words taken from paid sentences: searching them must find (and hide) paid hits.

    At most 5 characters, shorter than any sentence looked for, so that a page echoing the
    query cannot count as a leak.
    """
    return sorted({s[:4] for s in sentences[::5]} | {s[2:7] for s in sentences[::7]})


def walk(client: TestClient, library: Library, sentences: list[str]) -> list[tuple[str, str]]:
    """Every route with the seed's content: ``(what, body)`` of each response."""
    bodies: list[tuple[str, str]] = []

    def get(path: str, **params: str) -> None:
        response = client.get(path, params=params, follow_redirects=True)
        bodies.append((f"GET {path} {params}", response.text))

    for path in (
        "/",
        "/browse",
        "/browse.json",
        "/account",
        "/account.json",
        "/admin",
        "/admin.json",
        "/import",
        "/openapi.json",
        "/health",
        "/login",
        "/article/99999",
        "/article/99999.json",
        "/jinju",
        "/jinju.json",
    ):
        get(path)
    ids = [a.id for a in library.list()]
    token = csrf_of(client, "/login")
    for article_id in ids:
        get(f"/article/{article_id}")
        get(f"/article/{article_id}.json")
        for fmt in ("txt", "md"):
            response = client.post(
                f"/article/{article_id}/download", data={"format": fmt, "csrf": token}
            )
            bodies.append((f"download {article_id}.{fmt}", response.text))
    # Issue 21: favourites and the desk, a .zip of several articles, wider searches.
    for article_id in ids:
        client.post(f"/article/{article_id}/favourite", data={"csrf": token})
    for path in ("/", "/favourites", "/favourites.json"):
        get(path)
    response = client.post(
        "/download", data={"id": [str(i) for i in ids[-5:]], "format": "txt", "csrf": token}
    )
    if response.headers.get("content-type") == "application/zip":
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            for name in archive.namelist():
                bodies.append((f"zip {name}", archive.read(name).decode("utf-8")))
    else:
        bodies.append(("zip", response.text))
    for query in probe_queries(sentences):
        get("/search", q=query, genre="通知")  # nothing found: the wider searches' counts
    # 今日更新, its digests and the feeds (issue 19).
    day = library.today().isoformat()
    for path in ("/updates", "/updates.json", f"/updates/{day}/digest.md"):
        get(path)
    get(f"/updates/{day}/digest.html")
    for genre in sorted({a.genre for a in library.list()}):
        get(f"/feeds/kind/{genre}.atom")
    for query in probe_queries(sentences):
        get("/search.json", q=query, sort="date")
        for scope in ("all", "title", "outline"):
            for path in ("/search", "/search.json"):
                get(path, q=query, **{"in": scope})
        get("/search.json", q=query, page="2")
        get("/search", q=f'"{query}')  # a query error echoes the query, nothing else
        # The 写作台 (issue 20), every group's paragraphs asked for.
        get("/compose", topic=query)
        groups = client.get("/compose.json", params={"topic": query}).json().get("groups", [])
        picks = [("pick", str(g["number"])) for g in groups[:8]]
        response = client.get("/compose.json", params=[("topic", query), *picks])
        bodies.append((f"GET /compose.json {query} {picks}", response.text))
        get("/jinju", q=query[:2])
        get("/jinju.json", q=query[:2])
        get("/tifa", q=query)
    for sentence in sentences[:60]:
        get("/search.json", q=sentence[-6:-1])
        get("/search", q=sentence[1:6])
    return bodies


def leaks(bodies: list[tuple[str, str]], sentences: list[str]) -> list[tuple[str, str]]:
    found = []
    for what, body in bodies:
        # Downloads carry their export code inside the text (issue 15): read past it.
        text = strip(html.unescape(body))
        for sentence in sentences:
            if sentence in text:
                found.append((what, sentence))
    return found


@pytest.mark.slow(seconds=25)
@pytest.mark.parametrize("role", ["visitor", "expired"])
def test_paid_text_never_reaches_visitors_or_expired_members(
    app_client: TestClient, library: Library, role: str
) -> None:
    sentences = paid_only_sentences(library)
    assert len(sentences) > 50, "the seed has a paid part"
    sign_in(app_client, role)
    bodies = walk(app_client, library, sentences)
    assert len(bodies) > 100
    found = leaks(bodies, sentences)
    assert not found, f"{len(found)} leaks, first: {found[:3]}"
    # The walk really met paid hits and showed the prompt instead.
    joined = "\n".join(body for _, body in bodies)
    assert "会员内容" in joined
    assert '"paid":true' in joined
    # Members' surfaces were walked: an expired member got the .zip, a visitor was refused.
    assert any(what.startswith("zip ") for what, _ in bodies) == (role == "expired")


@pytest.mark.slow(seconds=25)
def test_members_receive_the_paid_text_the_walk_looks_for(
    app_client: TestClient, library: Library
) -> None:
    # Guards the leak test against looking for sentences no route could ever show.
    sentences = paid_only_sentences(library)
    sign_in(app_client, "member")
    bodies = walk(app_client, library, sentences)
    shown = {sentence for _, sentence in leaks(bodies, sentences)}
    assert len(shown) == len(sentences)


def test_a_visitors_search_neither_shows_nor_counts_paid_matches(
    app_client: TestClient, library: Library
) -> None:
    # A quote mark is query syntax (a cut-off “ is an error): take words without one.
    sentence = next(s for s in paid_only_sentences(library) if not set(s[:8]) & set('"“”「」'))
    visitor = app_client.get("/search.json", params={"q": sentence[:8], "facets": "1"}).json()
    page = app_client.get("/search", params={"q": sentence[:8]}).text
    sign_in(app_client, "member")
    member = app_client.get("/search.json", params={"q": sentence[:8], "facets": "1"}).json()
    assert visitor["total"] == 0 and visitor["hits"] == []
    assert all(counts == [] for counts in visitor["facets"].values())
    assert "会员可检索全文" in page
    assert member["total"] > 0 and any(h["paid"] and h["text"] for h in member["hits"])


def test_a_visitor_sees_how_many_paragraphs_are_paid_but_not_their_structure(
    app_client: TestClient, library: Library
) -> None:
    headings = entries = 0
    for article in library.articles():
        paid = {p.index for p in article.paragraphs if p.paid}
        if not paid:
            continue
        headings += sum(1 for p in article.paragraphs if p.paid and p.heading)
        entries += sum(1 for e in article.outline if e.paragraph in paid)
        shown = app_client.get(f"/article/{article.id}.json").json()
        paragraphs = {p["index"]: p for p in shown["paragraphs"]}
        assert len(paragraphs) == len(article.paragraphs)
        for index in paid:
            assert paragraphs[index] == {
                **paragraphs[index],
                "text": "",
                "paid": True,
                "heading": 0,
                "section": None,
            }
        assert all(e["paragraph"] not in paid for e in shown["outline"])
        kept = {e["index"] for e in shown["outline"]}
        sections = {p["section"] for p in shown["paragraphs"]} - {None}
        assert sections <= kept
        assert all(e["parent"] is None or e["parent"] in kept for e in shown["outline"])
    # The seed's paid part has heading lines and outline entries, all withheld above.
    assert headings >= 3 and entries >= 30
