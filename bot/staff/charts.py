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
class Segment:
    """One series' part of a stacked bar; `series` indexes the legend (and the colour)."""

    x: float
    y: float
    width: float
    height: float
    series: int
    name: str
    label: str
    value: int


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    maximum: int
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    base: int = HEIGHT - BOTTOM
    segments: tuple[Segment, ...] = ()  # a stacked chart draws these instead of the bars
    legend: tuple[str, ...] = ()


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


def stacked_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[int]]]) -> Chart:
    """Bars of totals split by series (e.g. messages per day by language), bottom to top in the
    order given; the legend names the series in the same order. At most 8 series get their own
    colour (staff.css), which is every language of the assistant."""
    totals = [sum(values[i] for _, values in series) for i in range(len(labels))]
    base = bar_chart(title, list(zip(labels, totals, strict=True)))
    segments = []
    for bar, index in zip(base.bars, range(len(labels)), strict=True):
        top = float(base.height - BOTTOM)
        for number, (name, values) in enumerate(series):
            value = values[index]
            if not value:
                continue
            height = round(bar.height * value / bar.value, 1)
            top -= height
            segments.append(Segment(bar.x, round(top, 1), bar.width, height, number, name, bar.label, value))
    return Chart(
        title=title,
        bars=base.bars,
        maximum=base.maximum,
        segments=tuple(segments),
        legend=tuple(name for name, _ in series),
    )
