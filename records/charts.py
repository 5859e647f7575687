"""Server-rendered SVG charts for the dashboard: geometry computed here, drawn by templates.
No JavaScript library and no third-party file: the charts render without internet."""

from __future__ import annotations

from dataclasses import dataclass, field

WIDTH, HEIGHT = 760, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 34


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


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 2.5, 5, 10):
        magnitude = 10 ** (len(str(int(value))) - 1)
        if value <= step * magnitude:
            return step * magnitude
    return value


def _frame(days: list, top_value: float, label_every: int) -> tuple[Chart, float, float]:
    chart = Chart()
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(days), 1)
    for index in range(5):
        value = top_value * index / 4
        chart.y_ticks.append({"y": TOP + plot_h * (1 - index / 4), "value": value})
    for index, day in enumerate(days):
        if index % label_every == 0 or index == len(days) - 1:
            chart.x_labels.append({"x": LEFT + slot * (index + 0.5), "day": day})
    return chart, slot, plot_h


def stacked_bars(daily: list[dict], series: list[tuple[str, str, str]]) -> Chart:
    """One bar per day stacked by ``series`` = [(count key, label, css class)]."""
    days = [row["date"] for row in daily]
    totals = [sum(row[key] for key, _, _ in series) for row in daily]
    top_value = _nice_max(max(totals, default=0))
    chart, slot, plot_h = _frame(days, top_value, max(1, len(days) // 12))
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
                    "title": f"{row['date']:%d/%m}: {label} {row[key]}",
                }
            )
    return chart


def rate_line(daily: list[dict], key: str) -> Chart:
    """A line of a percentage per day (days without a rate are skipped)."""
    days = [row["date"] for row in daily]
    chart, slot, plot_h = _frame(days, 100, max(1, len(days) // 12))
    points = []
    for index, row in enumerate(daily):
        value = row.get(key)
        if value is None:
            continue
        x = LEFT + slot * (index + 0.5)
        y = TOP + plot_h * (1 - float(value) / 100)
        points.append(f"{x:.1f},{y:.1f}")
        chart.dots.append({"x": x, "y": y, "title": f"{row['date']:%d/%m}: {value}%"})
    chart.points = " ".join(points)
    return chart
