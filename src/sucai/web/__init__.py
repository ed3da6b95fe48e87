"""The web app and JSON API (issue 4): ``create_app(library, settings) -> Starlette``."""

from __future__ import annotations

from sucai.web.app import WebSettings, create_app

__all__ = ["WebSettings", "create_app"]
