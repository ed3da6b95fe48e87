"""The ``sucai`` command line: the group and its shared options (:mod:`sucai.cli.common`),
then a module per family of commands. The only code that prints."""

from __future__ import annotations

# Importing a family's module adds its commands to the group.
from sucai.cli import admin, articles, compose, drafts, updates, watch  # noqa: F401
from sucai.cli.admin import user
from sucai.cli.common import cli

__all__ = ["cli", "user"]
