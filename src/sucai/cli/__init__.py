"""The ``sucai`` command line: the group (:mod:`sucai.cli.common`) and a module per family
of commands. The only code that prints."""

from __future__ import annotations

from sucai.cli import admin, articles, drafts
from sucai.cli.admin import user
from sucai.cli.common import cli

__all__ = ["admin", "articles", "cli", "drafts", "user"]
