"""Layout of a PDF page from character boxes: lines, columns, tables (issue 16).

The PDF parser reads each character with its box (pypdfium2) and hands them here with the
page's ruling lines and rectangles. Reading order is rebuilt from geometry, not from the
order of drawing: characters on one baseline make a line; a gap of several characters, or a
ruling line, splits a line into segments; a page whose lines split at the same gutter is read
column by column; a grid of rules (or rows of segments aligned in columns between the rules
of a 三线表) is a table, read row by row into cells. No space is ever put between two CJK
characters, or between a CJK character and a digit or letter: the spaces a PDF holds there
only justify the line ("电 子 邮 箱", "2023 年").

All coordinates are PDF points, ``y`` growing upwards; a character's box is its loose box
(the font's full height), so the boxes of one line share their bottom and top.
"""

from __future__ import annotations

import bisect
import statistics
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from sucai.groups import connected_groups
from sucai.ingest.normalize import join_wrapped
from sucai.models import table_text

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = [
    "MAX_SHAPES",
    "RULE_WIDTH",
    "Char",
    "Line",
    "Page",
    "Rule",
    "Table",
    "layout_page",
    "ordinary",
    "rules_of_box",
]

#: Kangxi radicals, CJK radicals supplement, CJK compatibility ideographs (and supplement):
#: PDFs printed from a browser may hold these code points for ordinary characters (⼀⽐⼯).
_COMPAT_RANGES: Final = ((0x2E80, 0x2FDF), (0xF900, 0xFAFF), (0x2F800, 0x2FA1F))
#: A gap wider than this many character heights splits a line into segments.
_SEGMENT_GAP: Final = 1.0
#: Between Latin letters, a gap wider than this share of the height is a space…
_WORD_GAP: Final = 0.15
#: …and between two digits, one wider than this share.
_NUMBER_GAP: Final = 0.6
#: Two characters are on one line when their vertical centres are this share of the
#: height apart or less.
_SAME_LINE: Final = 0.4
#: Lines of a table drawn without rules: at least this many, cells of at most so many
#: characters.
_MIN_RUN: Final = 3
_MAX_CELL_CHARS: Final = 20
#: A footnote mark is a digit smaller than this share of its line's height.
_SMALL: Final = 0.75
#: Rules in this share of the page height at its top or bottom frame its running header or
#: footer, not a table.
_PAGE_EDGE: Final = 0.1
#: A rule is at most this thick (points); thinner sides of boxes count as rules too.
RULE_WIDTH: Final = 2.5
#: Positions closer than this (points) are one position of the grid.
_SNAP: Final = 3.0
#: A table has at least this many rows and columns of cells.
_MIN_TABLE: Final = 2
#: A gutter between two columns has at least this share of the page's lines on each side…
_GUTTER_SIDE: Final = 0.25
_GUTTER_MIN_LINES: Final = 4
#: …and at most this share of them crossing it (a title over both columns).
_GUTTER_CROSSING: Final = 0.2
#: Shapes drawn per page that are looked at for rules (a hostile page may draw millions).
MAX_SHAPES: Final = 20_000


def ordinary(char: str) -> str:
    """The ordinary character for a Kangxi radical or a CJK compatibility ideograph
    (``⼀`` → ``一``, ``⽐`` → ``比``, ``金`` → ``金``), by Unicode's compatibility mapping
    (NFKC) of those ranges only; any other character unchanged (full-width punctuation
    stays full-width)."""
    code = ord(char)
    if any(low <= code <= high for low, high in _COMPAT_RANGES):
        mapped = unicodedata.normalize("NFKC", char)
        return mapped if len(mapped) == 1 else char
    return char


def _cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


@dataclass(frozen=True, slots=True)
class Char:
    """One character and its loose box; ``space``: a space came before it in the text."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    space: bool = False

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def middle(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass(frozen=True, slots=True)
class Rule:
    """A ruling line (or a side of a box), as a thin rectangle."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def vertical(self) -> bool:
        return self.x1 - self.x0 <= RULE_WIDTH < self.y1 - self.y0

    @property
    def horizontal(self) -> bool:
        return self.y1 - self.y0 <= RULE_WIDTH < self.x1 - self.x0


def rules_of_box(x0: float, y0: float, x1: float, y1: float) -> list[Rule]:
    """The rule a thin shape is, or the four sides of a box (a cell drawn as a rectangle)."""
    if x1 - x0 <= RULE_WIDTH or y1 - y0 <= RULE_WIDTH:
        return [Rule(x0, y0, x1, y1)]
    return [
        Rule(x0, y0, x1, y0),
        Rule(x0, y1, x1, y1),
        Rule(x0, y0, x0, y1),
        Rule(x1, y0, x1, y1),
    ]


@dataclass(slots=True)
class Line:
    """Characters on one baseline, left to right, as segments split at wide gaps."""

    chars: list[Char]
    segments: list[list[Char]] = field(default_factory=list)
    column: int = 0  # 0: the whole width, 1: left column, 2: right column

    @property
    def x0(self) -> float:
        return self.chars[0].x0

    @property
    def x1(self) -> float:
        return max(c.x1 for c in self.chars)

    @property
    def y0(self) -> float:
        return min(c.y0 for c in self.chars)

    @property
    def y1(self) -> float:
        return max(c.y1 for c in self.chars)

    @property
    def height(self) -> float:
        return statistics.median(c.height for c in self.chars)

    @property
    def middle_y(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def text(self) -> str:
        return _text(self.chars)


@dataclass(slots=True)
class Table:
    """A table found on a page: its frame and its rows of cell texts."""

    x0: float
    x1: float
    y1: float
    rows: list[list[str]]
    column: int = 0

    @property
    def text(self) -> str:
        return table_text(self.rows)


@dataclass(frozen=True, slots=True)
class Page:
    """A page laid out: its lines and tables in reading order."""

    items: list[Line | Table]


def _text(chars: Sequence[Char]) -> str:
    """Characters of one line (or cell line) as text: a space only between Latin words."""
    parts: list[str] = []
    previous: Char | None = None
    for char in chars:
        if previous is not None and not _cjk(previous.text[-1]) and not _cjk(char.text[0]):
            gap = char.x0 - previous.x1
            height = max(previous.height, char.height)
            if previous.text.isdigit() and char.text.isdigit():
                # Digits spaced out (a title's letter spacing) stay one number.
                spaced = gap > _NUMBER_GAP * height
            else:
                spaced = char.space or gap > _WORD_GAP * height
            if spaced:
                parts.append(" ")
        parts.append(char.text)
        previous = char
    return "".join(parts)


def _lines(chars: Iterable[Char]) -> list[Line]:
    """Group characters into lines by their vertical centres, top to bottom."""
    ordered = sorted(chars, key=lambda c: -c.middle)
    groups: list[list[Char]] = []
    middle = height = 0.0
    for char in ordered:
        if groups and abs(char.middle - middle) <= _SAME_LINE * max(height, char.height):
            groups[-1].append(char)
            continue
        groups.append([char])
        middle, height = char.middle, char.height
    return [Line(sorted(group, key=lambda c: c.x0)) for group in groups]


def _superscript(char: Char, line_height: float, line_middle: float) -> bool:
    """A footnote mark: a small digit raised above the middle of its line."""
    return (
        char.text.isdigit()
        and char.height < _SMALL * line_height
        and char.y0 > line_middle - _SMALL * line_height / 4
    )


def _drop_superscripts(lines: list[Line]) -> list[Line]:
    """Lines without footnote marks (``常住人口1761.48万人¹``): small raised digits after
    CJK text or a number, on the line or alone just above it. A raised digit after a letter
    stays (``m²``)."""
    kept: list[Line] = []
    for i, line in enumerate(lines):
        height = line.height
        if all(c.text.isdigit() for c in line.chars) and i + 1 < len(lines):
            below = lines[i + 1]
            if (
                height < _SMALL * below.height
                and line.y0 - below.middle_y < below.height
                and below.x0 <= line.x0
                and line.x1 <= below.x1
            ):
                continue
        middle = statistics.median(c.middle for c in line.chars)
        chars = [
            c
            for k, c in enumerate(line.chars)
            if not (
                _superscript(c, height, middle)
                and not (
                    k and line.chars[k - 1].text.isascii() and line.chars[k - 1].text.isalpha()
                )
            )
        ]
        if chars:
            line.chars = chars
            kept.append(line)
    return kept


def _crosses(rules: Sequence[Rule], x: float, y0: float, y1: float) -> bool:
    """Whether a vertical rule at ``x`` (between two characters) spans the line's middle."""
    middle = (y0 + y1) / 2
    return any(r.x0 - _SNAP <= x <= r.x1 + _SNAP and r.y0 <= middle <= r.y1 for r in rules)


def _segment(line: Line, verticals: Sequence[Rule]) -> None:
    """Split a line at wide gaps and where a vertical rule runs between two characters."""
    segments: list[list[Char]] = [[line.chars[0]]]
    for left, right in zip(line.chars, line.chars[1:], strict=False):
        gap = right.x0 - left.x1
        wide = gap > _SEGMENT_GAP * max(left.height, right.height)
        ruled = gap > 0 and _crosses(verticals, (left.x1 + right.x0) / 2, line.y0, line.y1)
        if wide or ruled:
            segments.append([right])
        else:
            segments[-1].append(right)
    line.segments = segments


def _snap(values: Iterable[float]) -> list[float]:
    """Positions sorted, those closer than :data:`_SNAP` merged into their mean."""
    merged: list[list[float]] = []
    for value in sorted(values):
        if merged and value - merged[-1][-1] <= _SNAP:
            merged[-1].append(value)
        else:
            merged.append([value])
    return [sum(group) / len(group) for group in merged]


def _clusters(rules: list[Rule]) -> list[list[Rule]]:
    """Rules that touch one another, grouped (each group may be one table's frame)."""
    order = sorted(range(len(rules)), key=lambda i: rules[i].x0)
    touching: list[tuple[int, int]] = []
    for position, i in enumerate(order):
        a = rules[i]
        for j in order[position + 1 :]:
            b = rules[j]
            if b.x0 > a.x1 + _SNAP:
                break
            if b.y0 <= a.y1 + _SNAP and a.y0 <= b.y1 + _SNAP:
                touching.append((i, j))
    return [[rules[i] for i in group] for group in connected_groups(range(len(rules)), touching)]


def _covered(rules: Sequence[Rule], *, at: float, low: float, high: float, vertical: bool) -> bool:
    """Whether a rule of the given direction runs along ``at`` over the middle of [low, high]."""
    middle = (low + high) / 2
    for rule in rules:
        if vertical and rule.x0 - _SNAP <= at <= rule.x1 + _SNAP and rule.y0 <= middle <= rule.y1:
            return True
        if (
            not vertical
            and rule.y0 - _SNAP <= at <= rule.y1 + _SNAP
            and rule.x0 <= middle <= rule.x1
        ):
            return True
    return False


@dataclass(slots=True)
class _Grid:
    """A ruled table: column and row boundaries and which grid cells are merged."""

    xs: list[float]
    ys: list[float]  # top to bottom
    rules: list[Rule]
    owner: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)

    def build(self) -> None:
        """Merge neighbouring grid cells that no rule separates (merged cells)."""
        for row in range(len(self.ys) - 1):
            top, bottom = self.ys[row], self.ys[row + 1]
            for col in range(len(self.xs) - 1):
                left, right = self.xs[col], self.xs[col + 1]
                owner = (row, col)
                if col and not _covered(self.rules, at=left, low=bottom, high=top, vertical=True):
                    owner = self.owner[(row, col - 1)]
                elif row and not _covered(self.rules, at=top, low=left, high=right, vertical=False):
                    owner = self.owner[(row - 1, col)]
                self.owner[(row, col)] = owner

    def cell_of(self, char: Char) -> tuple[int, int] | None:
        x = (char.x0 + char.x1) / 2
        y = char.middle
        col = bisect.bisect(self.xs, x) - 1
        row = bisect.bisect([-v for v in self.ys], -y) - 1
        if 0 <= col < len(self.xs) - 1 and 0 <= row < len(self.ys) - 1:
            return self.owner[(row, col)]
        return None


def _cell_text(chars: list[Char]) -> str:
    """A cell's characters as text: its lines top to bottom, joined as wrapped lines."""
    text = ""
    for line in _lines(chars):
        text = join_wrapped(text, line.text)
    return text


def _ruled_table(cluster: list[Rule], chars: list[Char]) -> tuple[Table, set[int]] | None:
    """The table a group of rules frames, with the indices of the characters it takes."""
    verticals = [r for r in cluster if r.vertical]
    horizontals = [r for r in cluster if r.horizontal]
    xs = _snap([(r.x0 + r.x1) / 2 for r in verticals])
    ys = sorted(_snap([(r.y0 + r.y1) / 2 for r in horizontals]), reverse=True)
    if len(xs) < _MIN_TABLE + 1 or len(ys) < _MIN_TABLE + 1:
        return None
    grid = _Grid(xs, ys, cluster)
    grid.build()
    cells: dict[tuple[int, int], list[Char]] = {}
    taken: set[int] = set()
    for index, char in enumerate(chars):
        owner = grid.cell_of(char)
        if owner is not None:
            cells.setdefault(owner, []).append(char)
            taken.add(index)
    rows = [
        [
            _cell_text(cells.get((row, col), [])) if grid.owner[(row, col)] == (row, col) else ""
            for col in range(len(xs) - 1)
        ]
        for row in range(len(ys) - 1)
    ]
    filled = [row for row in rows if any(row)]
    if len(filled) < _MIN_TABLE or max(sum(1 for c in row if c) for row in filled) < _MIN_TABLE:
        return None
    return Table(xs[0], xs[-1], ys[0], rows), taken


def _open_frames(rules: list[Rule], page_height: float) -> list[list[Rule]]:
    """Horizontal rules of the same extent, no vertical one touching them: the top, middle
    and bottom rules of a 三线表 (a table ruled across only), top to bottom; not the rules
    under a running header or over a running footer."""
    touched = {
        id(r) for cluster in _clusters(rules) if any(x.vertical for x in cluster) for r in cluster
    }
    low, high = _PAGE_EDGE * page_height, (1 - _PAGE_EDGE) * page_height
    frames: list[list[Rule]] = []
    loose = _joined([r for r in rules if r.horizontal and id(r) not in touched])
    for rule in sorted(loose, key=lambda r: -r.y1):
        if not low <= rule.y0 <= high:
            continue
        for frame in frames:
            first = frame[0]
            if abs(first.x0 - rule.x0) <= _SNAP and abs(first.x1 - rule.x1) <= _SNAP:
                frame.append(rule)
                break
        else:
            frames.append([rule])
    return [frame for frame in frames if len(frame) >= _MIN_TABLE]


def _joined(horizontals: list[Rule]) -> list[Rule]:
    """Horizontal rules drawn piece by piece (a border under each cell) joined end to end."""
    joined: list[Rule] = []
    for rule in sorted(horizontals, key=lambda r: (round(r.y0), r.x0)):
        last = joined[-1] if joined else None
        if last is not None and abs(last.y0 - rule.y0) <= 1 and rule.x0 <= last.x1 + _SNAP:
            joined[-1] = Rule(
                last.x0, min(last.y0, rule.y0), max(last.x1, rule.x1), max(last.y1, rule.y1)
            )
        else:
            joined.append(rule)
    return joined


def _open_table(
    horizontals: list[Rule], lines: list[Line], height: float
) -> tuple[Table, set[int]] | None:
    """A table between horizontal rules only (a 三线表): its lines between the top and the
    bottom rule, columns where their segments line up. Returns the table and its lines."""
    top = max(r.y1 for r in horizontals)
    bottom = min(r.y0 for r in horizontals)
    left = min(r.x0 for r in horizontals)
    right = max(r.x1 for r in horizontals)
    inside = [
        i
        for i, line in enumerate(lines)
        if bottom <= line.middle_y <= top and line.x0 >= left - height and line.x1 <= right + height
    ]
    if len(inside) < _MIN_TABLE:
        return None
    rows = _aligned_rows([lines[i] for i in inside], height)
    if rows is None:
        return None
    return Table(left, right, top, rows), set(inside)


def _aligned_rows(lines: list[Line], height: float) -> list[list[str]] | None:
    """Rows of cells from lines whose segments fall into common columns, or ``None`` when
    the segments make fewer than two columns."""
    # Columns come from the rows of several cells; a cell spanning columns (a title row) is
    # put in the column where it starts.
    spans = sorted(
        (seg[0].x0, max(c.x1 for c in seg))
        for line in lines
        if len(line.segments) >= _MIN_TABLE
        for seg in line.segments
    )
    columns: list[list[float]] = []
    for x0, x1 in spans:
        if columns and x0 <= columns[-1][1] + _WORD_GAP * height:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    if len(columns) < _MIN_TABLE:
        return None
    starts = [column[0] for column in columns]
    rows = []
    for line in lines:
        cells = [""] * len(columns)
        for seg in line.segments:
            col = bisect.bisect(starts, seg[0].x0 + _SNAP) - 1
            cells[col] = join_wrapped(cells[col], _text(seg)) if cells[col] else _text(seg)
        rows.append(cells)
    return rows


def _sides(line: Line, x: float) -> tuple[bool, bool, bool]:
    """Whether the line has text left of ``x``, right of it, and across it."""
    left = right = across = False
    for seg in line.segments:
        x0, x1 = seg[0].x0, max(c.x1 for c in seg)
        across |= x0 < x < x1
        left |= x1 <= x
        right |= x0 >= x
    return left, right, across


def _aligned_runs(lines: list[Line], height: float) -> tuple[list[Table], set[int]]:
    """Tables drawn without rules: runs of three or more lines, one under the other, each
    split into short segments that fall into the same two or more columns."""
    tables: list[Table] = []
    used: set[int] = set()
    order = sorted(range(len(lines)), key=lambda i: (lines[i].column, -lines[i].y1))
    run: list[int] = []

    def flush() -> None:
        if len(run) >= _MIN_RUN:
            rows = _aligned_rows([lines[i] for i in run], height)
            if rows is not None and all(sum(1 for c in row if c) >= _MIN_TABLE for row in rows):
                mine = [lines[i] for i in run]
                table = Table(
                    min(line.x0 for line in mine), max(line.x1 for line in mine), mine[0].y1, rows
                )
                table.column = mine[0].column
                tables.append(table)
                used.update(run)
        run.clear()

    for i in order:
        line = lines[i]
        cells = [len(seg) for seg in line.segments]
        short = len(cells) >= _MIN_TABLE and max(cells) <= _MAX_CELL_CHARS
        if run and (
            not short
            or line.column != lines[run[-1]].column
            or lines[run[-1]].y0 - line.y1 > 2 * height
        ):
            flush()
        if short:
            run.append(i)
    flush()
    return tables, used


def _gutter(lines: list[Line], left: float, right: float) -> float | None:
    """The x of a gutter between two columns of text, if the page has one.

    A gutter is a position in the middle third of the text width that most lines leave
    empty, with many lines on either side of it (lines of two columns on one baseline are
    split there first; a title over both columns may cross it).
    """
    width = right - left
    low, high = left + width / 3, right - width / 3
    candidates = sorted(
        {
            edge
            for line in lines
            for seg in line.segments
            for edge in (seg[0].x0 - 0.5, max(c.x1 for c in seg) + 0.5)
            if low <= edge <= high
        }
    )
    need = max(_GUTTER_MIN_LINES, _GUTTER_SIDE * len(lines))
    best: tuple[int, float] | None = None
    for x in candidates:
        sides = [_sides(line, x) for line in lines]
        crossing = sum(1 for _, _, across in sides if across)
        on_left = sum(1 for before, _, across in sides if before and not across)
        on_right = sum(1 for _, after, across in sides if after and not across)
        if crossing > _GUTTER_CROSSING * len(lines) or min(on_left, on_right) < need:
            continue
        if best is None or min(on_left, on_right) > best[0]:
            best = (min(on_left, on_right), x)
    return None if best is None else best[1]


def _splits(line: Line, x: float) -> bool:
    return any(
        max(c.x1 for c in a) <= x <= b[0].x0
        for a, b in zip(line.segments, line.segments[1:], strict=False)
    )


def _split_columns(lines: list[Line], gutter: float) -> list[Line]:
    """Lines cut at the gutter, tagged with their column (0 where a line crosses it)."""
    out: list[Line] = []
    for line in lines:
        if line.x1 <= gutter:
            line.column = 1
            out.append(line)
        elif line.x0 >= gutter:
            line.column = 2
            out.append(line)
        elif _splits(line, gutter):
            for column, chars in (
                (1, [c for c in line.chars if c.x1 <= gutter]),
                (2, [c for c in line.chars if c.x0 >= gutter]),
            ):
                part = Line(chars, [s for s in line.segments if s[0] in chars], column)
                out.append(part)
        else:
            out.append(line)
    return out


def _reading_order(items: list[Line | Table]) -> list[Line | Table]:
    """Top to bottom; between two full-width items, the left column before the right one."""
    ordered = sorted(items, key=lambda item: item.y1, reverse=True)
    out: list[Line | Table] = []
    band: list[Line | Table] = []
    for item in ordered:
        if item.column == 0:
            out += sorted(band, key=lambda i: (i.column, -i.y1))
            band = []
            out.append(item)
        else:
            band.append(item)
    out += sorted(band, key=lambda i: (i.column, -i.y1))
    return out


def layout_page(chars: list[Char], rules: list[Rule], page_height: float) -> Page:
    """Lay out one page: its lines (with their columns) and tables, in reading order."""
    if not chars:
        return Page([])
    height = statistics.median(c.height for c in chars)
    tables: list[Table] = []
    free = chars
    for cluster in _clusters(rules):
        found = _ruled_table(cluster, free)
        if found is not None:
            table, taken = found
            tables.append(table)
            free = [c for i, c in enumerate(free) if i not in taken]
    lines = _drop_superscripts(_lines(free))
    verticals = [r for r in rules if r.vertical]
    for line in lines:
        _segment(line, verticals)
    for frame in _open_frames(rules, page_height):
        found_open = _open_table(frame, lines, height)
        if found_open is not None:
            table, used = found_open
            tables.append(table)
            lines = [line for i, line in enumerate(lines) if i not in used]
    if lines:
        left = min(line.x0 for line in lines)
        right = max(line.x1 for line in lines)
        gutter = _gutter(lines, left, right)
        if gutter is not None:
            lines = _split_columns(lines, gutter)
            for table in tables:
                table.column = 1 if table.x1 <= gutter else 2 if table.x0 >= gutter else 0
    unruled, used = _aligned_runs(lines, height)
    tables += unruled
    lines = [line for i, line in enumerate(lines) if i not in used]
    items: list[Line | Table] = [*lines, *tables]
    return Page(_reading_order(items))
