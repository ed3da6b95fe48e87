"""Fixtures of the 查重 tests: a few state-council reports imported once per store, and edited
drafts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from opencc import OpenCC

from sucai.check import counted
from sucai.store.sqlite import SqliteStore
from tests.web.conftest import app_client, library, seed_template, settings

__all__ = ["app_client", "library", "seed_template", "settings"]  # the web app's fixtures

if TYPE_CHECKING:
    from pathlib import Path

    from sucai import Library

#: Text written for these tests: found nowhere in the corpus.
NEW_TEXT = (
    "清晨六点，老陈骑着那辆掉了漆的三轮车穿过菜市场，车斗里码着刚从地里拔出来的萝卜和青蒜。",
    "他说今年雨水多，萝卜长得快却不甜，得多晒两天太阳才能卖出好价钱，邻居们都笑他太讲究。",
    "镇上新开的那家面馆只卖三样东西：牛肉面、酸辣粉和一碗不要钱的骨头汤，门口总是排着长队。",
    "孩子们放学后喜欢蹲在河边看鸭子，谁先数清楚一共有几只，谁就能分到半块烤红薯当奖励。",
)


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def reports_library(request: pytest.FixtureRequest) -> Library:
    """The three reports, on SQLite and then on PostgreSQL (issue 7: 查重 on both stores)."""
    # sqlite_reports and postgres_reports live in tests/conftest.py: the contract tests use
    # them too.
    library: Library = request.getfixturevalue(f"{request.param}_reports")
    return library


def library_db(library: Library) -> str:
    """What ``--db`` names a library by: its file, or its ``postgresql://`` URL."""
    store = library.store
    return str(store.path if isinstance(store, SqliteStore) else store.url)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Piece:
    """One paragraph of a built draft: its text and where its copied part came from."""

    text: str
    copied: tuple[int, int] | None  # [start, end) of the copied stretch in ``text``
    article_id: int | None = None
    paragraph_index: int | None = None

    @property
    def copied_chars(self) -> int:
        """Counted characters of the copied stretch (the truth for this paragraph)."""
        if self.copied is None:
            return 0
        return counted(self.text[self.copied[0] : self.copied[1]])


def _body(library: Library, count: int, skip: int = 0) -> list[tuple[int, int, str]]:
    """``count`` body paragraphs (70–160 characters) spread over the library's articles."""
    found: list[tuple[int, int, str]] = []
    for article in library.articles():
        ok = [p for p in article.paragraphs if 70 <= len(p.text) <= 160 and not p.heading]
        found.extend((article.id, p.index, p.text) for p in ok[skip::7][:4])
    return found[:count]


def build_draft(library: Library) -> list[Piece]:
    """A draft of library paragraphs edited the ways writers edit, mixed with new text.

    Edits: punctuation changed; characters inserted and deleted; a two-character name swapped
    for ``xx``; traditional characters; a copied sentence inside a new paragraph.
    """
    s2t = OpenCC("s2t")
    source = _body(library, 8)
    pieces: list[Piece] = [Piece(NEW_TEXT[0], None)]
    for n, (aid, idx, text) in enumerate(source):
        edit = n % 5
        if edit == 0:  # punctuation changed
            text = text.replace("，", "、").replace("。", "！").replace("；", "，")
        elif edit == 1:  # characters inserted and deleted
            third = len(text) // 3
            text = text[:third] + "切实" + text[third : 2 * third] + text[2 * third + 1 :]
        elif edit == 2:  # two characters swapped (a name: 某县 → xx), bridged as copied
            mid = len(text) // 2
            text = text[:mid] + "xx" + text[mid + 2 :]
        elif edit == 3:  # traditional characters
            text = s2t.convert(text)
        else:  # a copied stretch inside new text
            lead, tail = NEW_TEXT[1], NEW_TEXT[2]
            piece = text[: min(len(text), 60)]
            pieces.append(Piece(lead + piece + tail, (len(lead), len(lead) + len(piece)), aid, idx))
            continue
        pieces.append(Piece(text, (0, len(text)), aid, idx))
        if n == 3:
            pieces.append(Piece(NEW_TEXT[3], None))
    return pieces


def draft_text(pieces: list[Piece]) -> str:
    """The draft as one text, one paragraph a line."""
    return "\n".join(p.text for p in pieces)


def write_draft(path: Path, pieces: list[Piece]) -> Path:
    """Write the draft as UTF-8 text."""
    path.write_text(draft_text(pieces), encoding="utf-8")
    return path
