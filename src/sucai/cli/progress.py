"""The import's progress line on a terminal, measured in display columns (issue 21).

Click's progress bar counts characters, so a line with a Chinese file name (two columns a
character) overflowed a 100-column window and wrapped, one line per file. This line is drawn
to fit the window: each character counted as wide as the terminal shows it
(:func:`display_width`), the file name cut from the front to the room left.
"""

from __future__ import annotations

import os
import shutil
import sys
import unicodedata
from typing import Final

import click

__all__ = ["FileProgress", "display_width", "fit"]

#: Characters of the bar itself.
BAR_WIDTH: Final = 30


def _terminal_columns() -> int:
    """Usable columns of the terminal on standard error (the last one would wrap on some)."""
    try:
        columns = os.get_terminal_size(sys.stderr.fileno()).columns
    except (OSError, ValueError):  # not a terminal: COLUMNS, or 80
        columns = shutil.get_terminal_size().columns
    return columns - 1


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: two for East Asian wide and full-width characters,
    none for combining marks and other zero-width ones, one for the rest."""
    width = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def fit(text: str, columns: int) -> str:
    """``text``, or its end after ``…`` when it takes more than ``columns`` columns (a file
    name's end says most)."""
    if display_width(text) <= columns:
        return text
    if columns < 2:
        return ""
    kept: list[str] = []
    room = columns - 1  # "…" takes one column on most terminals
    for char in reversed(text):
        room -= display_width(char)
        if room < 0:
            break
        kept.append(char)
    return "…" + "".join(reversed(kept))


class FileProgress:
    """``label  [####------]  12/40  name``, redrawn in place on standard error after each
    file; nothing when not ``enabled`` (not a terminal)."""

    def __init__(self, total: int, enabled: bool, label: str = "导入") -> None:
        self.total = total
        self.done = 0
        self.enabled = enabled
        self.label = label
        self.drawn = False

    def update(self, name: str) -> None:
        """Count one more file, ``name``, and redraw the line."""
        self.done += 1
        if not self.enabled:
            return
        columns = _terminal_columns()
        filled = BAR_WIDTH * self.done // max(self.total, 1)
        head = (
            f"{self.label}  [{'#' * filled}{'-' * (BAR_WIDTH - filled)}]  {self.done}/{self.total}"
        )
        line = fit(head, columns)
        room = columns - display_width(line) - 2
        if room > 0:
            line += "  " + fit(name, room)
        click.echo("\r" + line + " " * (columns - display_width(line)), nl=False, err=True)
        self.drawn = True

    def clear(self) -> None:
        """Blank the line so that a report line can be printed in its place."""
        if self.drawn:
            columns = _terminal_columns()
            click.echo("\r" + " " * columns + "\r", nl=False, err=True)

    def close(self) -> None:
        """End the line (the summary follows below it)."""
        if self.drawn:
            click.echo("", err=True)
            self.drawn = False
