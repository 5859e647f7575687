"""What the benchmark scripts share: percentiles and their sections of docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank value at ``share`` (0.5 for the median); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[index]


def replace_section(doc: Path, start_mark: str, end_mark: str, text: str) -> None:
    """Write ``text`` (which begins with ``start_mark`` and ends with ``end_mark``) in place
    of that section of ``doc``, or append it; the rest of the file is kept."""
    existing = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if start_mark in existing and end_mark in existing:
        head, rest = existing.split(start_mark, 1)
        _, tail = rest.split(end_mark, 1)
        updated = head + text.rstrip("\n") + tail
    else:
        updated = existing.rstrip("\n") + "\n\n" + text
    doc.write_text(updated, encoding="utf-8")
