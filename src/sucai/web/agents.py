"""The library as Model Context Protocol tools (``sucai mcp``, issue 20): a second server
beside the web app, under the same rules (facade only, paid text through :mod:`.access`).

A local assistant on the intranet starts ``sucai mcp --db LIBRARY`` and talks to it over
stdio with the official MCP SDK. The tools answer the JSON of the CLI and web API, every piece
with its source (``link``: the passage on the web app, ``/article/12#p4``):

* ``search`` — paragraphs, titles or outlines (``sucai search``);
* ``show`` — one article, with a law's status (``sucai show``);
* ``compose`` — the 写作台 of a topic (``sucai compose``);
* ``check`` — 查重 of a draft, with the quotations of laws no longer in force
  (``sucai check`` and ``check-hygiene --db``);
* ``jinju`` — sentences worth quoting (``sucai search --in jinju``);
* ``tifa`` — how often the library uses a 提法 per year, source or 文种 (``sucai tifa``).

**Who is asking.** A visitor, unless the server is started for an account (``--user NAME``, or
an API token of the web app): the same paid-text rules as the web (:mod:`sucai.web.access`),
so a visitor's tools never return, count or rank by paid paragraphs.

**Read-only by default.** No tool changes the library; ``--allow-writes`` adds ``basket_add``
(the account's 素材篮), for an account only.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Final

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations

from sucai.errors import SucaiError, UserError
from sucai.library import DEFAULT_MIN_SPAN, parse_query, parse_years
from sucai.serialize import (
    article_to_dict,
    composition_to_dict,
    jinju_to_dict,
    law_status_to_dict,
    overlap_report_to_dict,
    page_to_dict,
    tifa_to_dict,
)
from sucai.store.records import ArticleFilter
from sucai.web import access

if TYPE_CHECKING:
    from sucai.library import Account, Library

__all__ = ["MAX_HITS", "build_server"]

#: The most hits one ``search`` returns.
MAX_HITS: Final = 50
_READ: Final = ToolAnnotations(read_only_hint=True, open_world_hint=False)
_WRITE: Final = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)


def _answers(
    fn: Callable[..., Awaitable[dict[str, Any]]],
) -> Callable[..., Awaitable[dict[str, Any]]]:
    """A tool whose library errors (a bad query, no such article) reach the assistant as the
    error's message, never a traceback."""

    @functools.wraps(fn)
    async def tool(*args: Any, **kwargs: Any) -> dict[str, Any]:
        try:
            return await fn(*args, **kwargs)
        except SucaiError as exc:
            raise ToolError(str(exc)) from None

    return tool


def _where(genre: str, role: str, year: str) -> ArticleFilter:
    """The article filters of a tool's arguments (an empty one filters nothing)."""
    start, end = parse_years(year) if year else (None, None)
    return ArticleFilter(genre or None, role or None, start, end)


def build_server(library: Library, account: Account, *, allow_writes: bool = False) -> MCPServer:
    """The MCP server over ``library``, answering as ``account`` may read.

    Args:
        library: an open library (used from the server's one thread).
        account: whose rules apply: a visitor's (free text only), or a member's.
        allow_writes: also offer ``basket_add`` (refused for a visitor).
    """
    server = MCPServer(
        "sucai",
        instructions=(
            "素材库: Chinese official-writing material. Search it, read articles, build a "
            "写作台 (skeletons and paragraphs for a topic) and check drafts; every piece "
            "comes with its source: cite the article title, role and date."
        ),
    )

    @server.tool(annotations=_READ)
    @_answers
    async def search(
        query: str,
        scope: str = "all",
        genre: str = "",
        role: str = "",
        year: str = "",
        limit: int = 10,
    ) -> dict[str, Any]:
        """Search the library: paragraphs (scope all), titles (title) or headings (outline).

        The query takes words, "exact phrases", -excluded words and filters such as
        文种:讲话 年份:2020..2025; genre, role and year (2023 or 2020..2025) filter too.
        Returns the exact total and the best hits, each with its article, the paragraph's
        text, highlights (character offsets) and link (its passage).
        """
        parsed = parse_query(
            query,
            where=_where(genre, role, year),
            scope=scope,
            limit=max(1, min(limit, MAX_HITS)),
        )
        data = page_to_dict(access.search(library, account, parsed, facets=False))
        for hit in data["hits"]:
            anchor = hit["paragraph_index"]
            hit["link"] = f"/article/{hit['article_id']}" + (
                f"#p{anchor}" if anchor is not None else ""
            )
        return data

    @server.tool(annotations=_READ)
    @_answers
    async def show(article_id: int) -> dict[str, Any]:
        """One article: title, role, genre, date, 公文 fields, outline and paragraphs (paid
        paragraphs empty for a visitor), and a law's status (现行有效/已修正/已废止)."""
        article = access.article(library, account, article_id)
        return {
            "ok": True,
            **article_to_dict(article, file_details=False),
            "status": law_status_to_dict(access.law_status(library, account, article_id)),
            "link": f"/article/{article_id}",
        }

    @server.tool(annotations=_READ)
    @_answers
    async def compose(
        topic: str,
        genre: str = "",
        role: str = "",
        year: str = "",
        picks: list[int] | None = None,
    ) -> dict[str, Any]:
        """写作台: the outlines of the articles that best match a topic, their headings
        grouped (opening, body, closing), and for the groups numbered in picks, ranked
        candidate paragraphs with their article, role, date and link."""
        found = access.compose(
            library, account, topic, where=_where(genre, role, year), picks=picks or []
        )
        return composition_to_dict(found)

    @server.tool(annotations=_READ)
    @_answers
    async def check(text: str) -> dict[str, Any]:
        """查重 of a draft (one paragraph a line): how much comes from the library and from
        where, and where it quotes a law no longer in force (law_quotes)."""
        lines = text.splitlines()
        report = access.check(library, account, lines, min_span=DEFAULT_MIN_SPAN, name="")
        quotes = access.law_quotes(library, account, lines)
        return {
            **overlap_report_to_dict(report),
            "law_quotes": [
                {
                    "line": q.paragraph + 1,
                    "start": q.start,
                    "end": q.end,
                    "text": q.text,
                    "article_id": q.article_id,
                    "status": law_status_to_dict(q.status),
                    "message": q.message,
                }
                for q in quotes
            ],
        }

    @server.tool(annotations=_READ)
    @_answers
    async def jinju(query: str = "", kind: str = "", limit: int = 10) -> dict[str, Any]:
        """金句: sentences worth quoting (kind 引用, 排比, 对仗 or 警句; empty: all) whose
        sentence holds every word of query, newest first, each with its article and place (a
        saying quoted in several places once; elsewhere: how many others quote it)."""
        size = max(1, min(limit, MAX_HITS))
        total, found = access.jinju(
            library, account, query, kinds=[kind] if kind else None, limit=size, offset=0
        )
        data = jinju_to_dict(total, found, 0, size)
        for item in data["jinju"]:
            item["link"] = f"/article/{item['article_id']}#p{item['paragraph_index']}"
        return data

    @server.tool(annotations=_READ)
    @_answers
    async def tifa(phrases: list[str], by: str = "year") -> dict[str, Any]:
        """提法 over time: each phrase's exact uses and uses per million characters per year
        (by year), source (by source) or 文种 (by genre), with its first and last year."""
        return tifa_to_dict(access.tifa(library, account, phrases, by))

    if allow_writes:

        @server.tool(annotations=_WRITE)
        @_answers
        async def basket_add(basket: str, refs: list[str]) -> dict[str, Any]:
            """Add material to the account's 素材篮: 12 (an article), 12:3 (its paragraph 3)
            or 12#2 (its outline entry 2), counting from 1."""
            if account.user is None:
                raise UserError("basket_add needs an account: start sucai mcp with --user.")
            found = library.basket_add(account.name, basket, refs)
            return {"ok": True, "basket": found.name, "items": len(found.items)}

    return server
