"""``python -m sucai`` runs the command-line interface."""

from __future__ import annotations

from sucai.cli import cli

cli()
