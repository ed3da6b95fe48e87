"""The web app and JSON API (issue 4): ``create_app(library, settings) -> Starlette``, and
what ``sucai serve`` needs to start it; the library's MCP tools (``sucai mcp``, issue 20)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sucai.web.app import WebSettings, create_app, settings_to_environment
from sucai.web.limits import parse_rate_limits, parse_trusted_proxies

if TYPE_CHECKING:
    from sucai.library import Account, Library

__all__ = [
    "WebSettings",
    "create_app",
    "parse_rate_limits",
    "parse_trusted_proxies",
    "run_mcp",
    "settings_to_environment",
]


def run_mcp(library: Library, account: Account, *, allow_writes: bool = False) -> None:
    """Serve the library's MCP tools over stdio until the client closes (see
    :mod:`sucai.web.agents`; the SDK is imported only here, so the web app starts without it)."""
    from sucai.web.agents import build_server

    build_server(library, account, allow_writes=allow_writes).run("stdio")
