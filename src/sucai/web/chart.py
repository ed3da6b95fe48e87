"""A line chart laid out for a server-rendered SVG (issue 20: 提法 over time): no JavaScript,
no CDN. This module computes the geometry; ``templates/_chart.html`` draws it, so every label
(a phrase a visitor typed) is escaped by the template engine."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["COLORS", "Chart", "Line", "line_chart"]

#: Line colours, distinguishable in print and by most colour-blind readers (Okabe–Ito).
COLORS: Final = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
WIDTH: Final = 960
HEIGHT: Final = 440
#: Room for the y labels (left), the legend (right), the title (top) and the years (bottom).
LEFT, RIGHT, TOP, BOTTOM = 76, 200, 44, 56


@dataclass(frozen=True, slots=True)
class Line:
    """One series: its label, colour, the ``points`` attribute of its polyline, and each
    point's ``(x, y, value)`` for its dot and tooltip."""

    label: str
    color: str
    points: str
    dots: tuple[tuple[float, float, str], ...]
    legend_y: float


@dataclass(frozen=True, slots=True)
class Chart:
    """A laid-out chart: the plot area, the ticks of both axes, the lines."""

    width: int
    height: int
    left: int
    top: int
    right: int
    bottom: int
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    lines: tuple[Line, ...]


def _nice_top(value: float) -> tuple[float, float]:
    """A round top for the y axis at or above ``value``, and its tick step (5 steps or so)."""
    if value <= 0:
        return 1.0, 0.2
    raw = value / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    return step * math.ceil(value / step), step


def _label(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}".rstrip("0").rstrip(".")


def line_chart(xs: Sequence[int], series: Sequence[tuple[str, Sequence[float]]]) -> Chart:
    """Lay out ``series`` (label, one value per x) over the years ``xs`` (ascending).

    A year's place is proportional to its value (a year without text leaves its gap); at most
    16 are labelled (every n-th, and the last).
    """
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    top_value, step = _nice_top(max((v for _, values in series for v in values), default=0))

    span = xs[-1] - xs[0]

    def x_of(i: int) -> float:
        return LEFT + (right - LEFT) * ((xs[i] - xs[0]) / span if span else 0.5)

    def y_of(value: float) -> float:
        return bottom - (bottom - TOP) * value / top_value

    every = max(1, math.ceil(len(xs) / 16))
    x_ticks = tuple(
        (round(x_of(i), 1), str(x)) for i, x in enumerate(xs) if i % every == 0 or i == len(xs) - 1
    )
    count = round(top_value / step)
    y_ticks = tuple((round(y_of(k * step), 1), _label(k * step)) for k in range(count + 1))
    lines = []
    for n, (label, values) in enumerate(series):
        dots = tuple(
            (round(x_of(i), 1), round(y_of(v), 1), f"{xs[i]}：{v:.2f}")
            for i, v in enumerate(values)
        )
        lines.append(
            Line(
                label,
                COLORS[n % len(COLORS)],
                " ".join(f"{x},{y}" for x, y, _ in dots),
                dots,
                TOP + 8 + 26 * n,
            )
        )
    return Chart(WIDTH, HEIGHT, LEFT, TOP, right, bottom, x_ticks, y_ticks, tuple(lines))
