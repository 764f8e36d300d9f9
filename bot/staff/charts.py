"""Server-rendered SVG bar charts: no script and no CDN, and the numbers always sit in a table too.

Only geometry is computed here; the template draws it (templates/chart.html), so the markup stays
escaped by Jinja and the chart carries its accessible name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

WIDTH, HEIGHT = 480, 200
LEFT, BOTTOM, TOP = 36, 28, 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: int
    show_label: bool


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    maximum: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    base: int = HEIGHT - BOTTOM


def nice_maximum(value: int) -> int:
    """A round top for the axis (1, 2, 5 × 10^n) at or above the largest value."""
    top = 1
    while True:
        for step in (1, 2, 5):
            if step * top >= value:
                return step * top
        top *= 10


def bar_chart(title: str, points: Sequence[tuple[str, int]]) -> Chart:
    """Bars for (label, value) pairs, left to right; at most ~8 labels are written under the axis."""
    maximum = nice_maximum(max((v for _, v in points), default=0))
    plot_width, plot_height = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = plot_width / max(len(points), 1)
    every = max(1, -(-len(points) // 8))
    bars = []
    for index, (label, value) in enumerate(points):
        height = plot_height * value / maximum if maximum else 0
        bars.append(
            Bar(
                x=round(LEFT + index * slot + slot * 0.15, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                label=label,
                value=value,
                show_label=index % every == 0,
            )
        )
    return Chart(title=title, bars=tuple(bars), maximum=maximum)
