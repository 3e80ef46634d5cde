"""Horizontal bar charts drawn on the server as inline SVG (permits/public/_bar_chart.html):
no script, no library. The geometry is computed here so that the template only places it;
each chart carries its text alternative (title, and a description listing every value) and the
page keeps the data table beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 640
LABEL_WIDTH = 270  # room for "Retiré par l'administration (retrait)" at 12 px
VALUE_WIDTH = 120
BAR_HEIGHT = 22
GAP = 10
PADDING = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as read: "12", "63 jours", "3 (25 %)"
    y: float
    width: float
    text_y: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    slug: str  # unique on the page: ids of the title, description and table
    title: str
    bars: list[Bar]
    height: float
    columns: tuple[str, str]  # the data table's headers
    colour: str = "#00426b"  # 10.6:1 on white: the bars need only 3:1 (WCAG 1.4.11)
    width: int = WIDTH
    label_width: int = LABEL_WIDTH

    @property
    def description(self) -> str:
        """The chart in words, for screen readers (WCAG 1.1.1): every bar's label and value."""
        if not self.bars:
            return "Aucune donnée."
        return " ; ".join(f"{b.label} : {b.text}" for b in self.bars) + "."

    @property
    def empty(self) -> bool:
        """Nothing to draw (no row, or every value nil): said in words, no empty axes."""
        return not any(b.value for b in self.bars)

    @property
    def bar_x(self) -> int:
        """Where the bars start, after the widest label."""
        return self.label_width + PADDING


def bar_chart(
    slug: str,
    title: str,
    rows: Sequence[tuple[str, float] | tuple[str, float, str]],
    columns: tuple[str, str],
    text: Callable[[float], str] = lambda v: f"{v:g}",
) -> BarChart:
    """One bar per (label, value[, text]), scaled to the largest value; `text` says a value
    that comes without its own."""
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 2 * PADDING
    top = max((row[1] for row in rows), default=0) or 1
    bars = []
    for i, (label, value, *said) in enumerate(rows):
        y = PADDING + i * (BAR_HEIGHT + GAP)
        width = round(span * value / top, 1)
        bars.append(
            Bar(
                label=label,
                value=value,
                text=said[0] if said else text(value),
                y=y,
                width=max(width, 1.0) if value else 0.0,  # a non-zero value stays visible
                text_y=y + BAR_HEIGHT / 2,
                value_x=LABEL_WIDTH + 2 * PADDING + width,
            )
        )
    height = 2 * PADDING + len(rows) * (BAR_HEIGHT + GAP) - (GAP if rows else 0)
    return BarChart(slug=slug, title=title, bars=bars, height=height, columns=columns)
