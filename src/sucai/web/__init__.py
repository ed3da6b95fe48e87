"""The web app and JSON API (issue 4): ``create_app(library, settings) -> Starlette``, and
what ``sucai serve`` needs to start it."""

from __future__ import annotations

from sucai.web.app import WebSettings, create_app, settings_to_environment
from sucai.web.limits import parse_rate_limits, parse_trusted_proxies

__all__ = [
    "WebSettings",
    "create_app",
    "parse_rate_limits",
    "parse_trusted_proxies",
    "settings_to_environment",
]
