"""Server-rendered SVG charts for the dashboard: geometry computed here, drawn by templates.
No JavaScript library and no third-party file: the charts render without internet.

Every number a chart shows (axis ticks, tooltips) is formatted here in the active language
(1.067 and 23,68% in Vietnamese, 1,067 and 23.68% in English), so the template prints text."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format

WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 34
MAX_TICKS = 5  # at most 5 labels on the y axis (0 included)


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    bars: list[dict] = field(default_factory=list)
    points: str = ""
    dots: list[dict] = field(default_factory=list)
    y_ticks: list[dict] = field(default_factory=list)
    x_labels: list[dict] = field(default_factory=list)
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT


def format_number(value: int | Decimal, decimals: int = 0) -> str:
    """``value`` as the UI language writes it, thousands grouped (1.067 / 1,067)."""
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def format_percent(value: Decimal | float | None) -> str:
    """A rate with two decimals and the sign (23,68% / 23.68%), "—" without a rate."""
    return "—" if value is None else f"{format_number(Decimal(value), 2)}%"


def integer_ticks(largest: int, most: int = MAX_TICKS) -> list[int]:
    """Axis values from 0 to a round top >= ``largest``: the smallest integer step of 1, 2,
    2.5 or 5 times a power of ten giving at most ``most`` values, so none repeats (2 gives
    0, 1, 2; 100 gives 0, 25, 50, 75, 100; 1.067 gives 0, 500, 1.000, 1.500)."""
    largest = max(int(largest), 1)
    magnitude = 1
    while True:
        # 2.5 × 1 is not whole: 5 // 2 = 2 repeats the step of 2, which the set removes.
        for step in sorted({magnitude, 2 * magnitude, 5 * magnitude // 2, 5 * magnitude}):
            intervals = -(-largest // step)  # ceiling
            if intervals + 1 <= most:
                return [step * n for n in range(intervals + 1)]
        magnitude *= 10


def _frame(days: list, ticks: list[int], label_every: int, suffix: str = "") -> tuple:
    chart = Chart()
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    top_value = ticks[-1]
    for value in ticks:
        chart.y_ticks.append(
            {
                "y": TOP + plot_h * (1 - value / top_value),
                "label": f"{format_number(value)}{suffix}",
            }
        )
    for index, day in enumerate(days):
        if index % label_every == 0 or index == len(days) - 1:
            chart.x_labels.append({"x": LEFT + slot * (index + 0.5), "day": day})
    return chart, slot, plot_h, top_value


def stacked_bars(daily: list[dict], series: list[tuple[str, str, str]]) -> Chart:
    """One bar per day stacked by ``series`` = [(count key, label, css class)]."""
    days = [row["date"] for row in daily]
    totals = [sum(row[key] for key, _, _ in series) for row in daily]
    ticks = integer_ticks(max(totals, default=0))
    chart, slot, plot_h, top_value = _frame(days, ticks, max(1, len(days) // 12))
    width = max(slot * 0.7, 1)
    for index, row in enumerate(daily):
        y = TOP + plot_h
        for key, label, css in series:
            height = plot_h * row[key] / top_value
            y -= height
            chart.bars.append(
                {
                    "x": LEFT + slot * index + (slot - width) / 2,
                    "y": y,
                    "width": width,
                    "height": height,
                    "css": css,
                    "title": f"{row['date']:%d/%m}: {label} {format_number(row[key])}",
                }
            )
    return chart


def rate_line(daily: list[dict], key: str) -> Chart:
    """A line of a percentage per day (days without a rate are skipped)."""
    days = [row["date"] for row in daily]
    chart, slot, plot_h, _ = _frame(days, [0, 25, 50, 75, 100], max(1, len(days) // 12), "%")
    points = []
    for index, row in enumerate(daily):
        value = row.get(key)
        if value is None:
            continue
        x = LEFT + slot * (index + 0.5)
        y = TOP + plot_h * (1 - float(value) / 100)
        points.append(f"{x:.1f},{y:.1f}")
        chart.dots.append(
            {"x": x, "y": y, "title": f"{row['date']:%d/%m}: {format_percent(value)}"}
        )
    chart.points = " ".join(points)
    return chart
