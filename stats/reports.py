"""Period reports: the city's figures (domain brief §4) for any range and any set of units,
summed from ``DailyStat`` (a report never scans the records), with one exception: the sync
rate's backlog, counted on the partial index of the records whose sync is pending (its cost
grows with the backlog, never with the history).

The counts and rates, and their definitions, are ``stats.figures``'; the report's two
sentences ``stats.bulletin``'s.

Stocks (carried over, open and overdue at the end) are read from each unit's row of the day
concerned. A report never extrapolates: days not computed yet (up to today) are computed
before the report reads them (``services.ensure_computed``), and a period cannot end after
today.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from communes.models import Commune
from records.calendar import day_start
from records.selectors import sync_pending_counts
from stats.bulletin import summary_en, summary_vi
from stats.figures import (
    DAILY_COUNTS,
    HIGHLIGHT_MIN_RECORDS,
    RATE_FIELDS,
    REPORT_COUNTS,
    PeriodReport,
    UnitFigures,
    rate,
    rates_of,
)
from stats.models import FLOW_FIELDS, STOCK_FIELDS, DailyStat
from stats.services import ensure_computed

# The figures are importable from here as before (the API, the dashboard, the exports, tests).
__all__ = [
    "DAILY_COUNTS",
    "HIGHLIGHT_MIN_RECORDS",
    "RATE_FIELDS",
    "REPORT_COUNTS",
    "PeriodReport",
    "UnitFigures",
    "period_report",
    "report_as_dict",
    "unit_figures_as_dict",
]


def period_report(*, date_from: date, date_to: date, units: list[Commune]) -> PeriodReport:
    """The report of ``units`` for ``[date_from, date_to]``, from ``DailyStat`` in three
    queries (per-unit sums with stocks, per-day sums), plus one on the partial index of the
    records whose sync is pending (the sync rate's backlog). ``units`` must already be within
    the reader's scope. Days of the period not computed yet are computed first; otherwise
    read-only."""
    if date_to < date_from:
        raise ValueError("date_to is before date_from")
    if date_to > timezone.localdate():
        raise ValueError("date_to is after today")
    unit_ids = [unit.pk for unit in units]
    ensure_computed(unit_ids=unit_ids, up_to=date_to)
    period = DailyStat.objects.filter(unit__in=unit_ids, day__gte=date_from, day__lte=date_to)

    flows = {
        row.pop("unit"): row
        for row in period.order_by()
        .values("unit")
        .annotate(**{name: Sum(name) for name in FLOW_FIELDS})
    }

    def last_row(on_or_before: date, column: str) -> Subquery:
        return Subquery(
            DailyStat.objects.filter(unit=OuterRef("pk"), day__lte=on_or_before)
            .order_by("-day")
            .values(column)[:1]
        )

    stocks = {
        row["pk"]: row
        for row in Commune.objects.filter(pk__in=unit_ids)
        .annotate(
            carried_over=last_row(date_from - timedelta(days=1), "open_end"),
            **{name: last_row(date_to, name) for name in STOCK_FIELDS},
        )
        .values("pk", "carried_over", *STOCK_FIELDS)
    }

    pending = sync_pending_counts(
        unit_ids=unit_ids,
        start=day_start(date_from),
        end=day_start(date_to + timedelta(days=1)),
    )
    rows = []
    for unit in sorted(units, key=_unit_order):
        counts = {name: (flows.get(unit.pk, {}).get(name) or 0) for name in FLOW_FIELDS}
        stock = stocks.get(unit.pk, {})
        for name in ("carried_over", *STOCK_FIELDS):
            counts[name] = stock.get(name) or 0
        counts["to_handle"] = counts["received"] + counts["carried_over"]
        # Read live, while ``received`` may wait for its recompute: never more than received.
        counts["sync_pending"] = min(pending.get(unit.pk, 0), counts["received"])
        counts["synced"] = counts["received"] - counts["sync_pending"]
        rows.append(UnitFigures(unit, counts, rates_of(counts)))
    totals = {name: sum(row.counts[name] for row in rows) for name in REPORT_COUNTS}

    daily = _daily_series(period, date_from, date_to)
    report = PeriodReport(
        date_from=date_from,
        date_to=date_to,
        units=sorted(units, key=_unit_order),
        totals=totals,
        rates=rates_of(totals),
        rows=rows,
        daily=daily,
        highlights=_highlights(rows),
    )
    report.summary_vi = summary_vi(report)
    report.summary_en = summary_en(report)
    return report


def _unit_order(unit: Commune):
    # Wards first, then communes, by folded name: the portal's usual order.
    return (unit.kind != "ward", unit.name_folded, unit.code)


def _daily_series(period, date_from: date, date_to: date) -> list[dict]:
    by_day = {
        row.pop("day"): row
        for row in period.order_by()
        .values("day")
        .annotate(**{name: Sum(name) for name in DAILY_COUNTS})
    }
    days = [date_from + timedelta(days=n) for n in range((date_to - date_from).days + 1)]
    series = []
    for day in days:
        row = {name: (by_day.get(day, {}).get(name) or 0) for name in DAILY_COUNTS}
        row["online_rate"] = rate(row["received_online"], row["received"])
        series.append({"date": day, **row})
    return series


def _best(rows: list[UnitFigures], numerator: str, denominator: str) -> UnitFigures | None:
    """The row with the highest ``numerator / denominator`` among those with at least
    ``HIGHLIGHT_MIN_RECORDS`` in the denominator and a numerator above zero."""
    candidates = [
        row
        for row in rows
        if row.counts[denominator] >= HIGHLIGHT_MIN_RECORDS and row.counts[numerator] > 0
    ]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda row: (
            -Fraction(row.counts[numerator], row.counts[denominator]),
            -row.counts[numerator],
            row.unit.code,
        ),
    )


def _highlights(rows: list[UnitFigures]) -> dict[str, UnitFigures | None]:
    """The unit that received the most, and those with the highest handling and online rates
    among units with at least ``HIGHLIGHT_MIN_RECORDS`` records (exact fractions compared; ties
    go to the larger count, then the smaller code). None where no unit qualifies."""
    receiving = [row for row in rows if row.counts["received"]]
    most = min(receiving, key=lambda r: (-r.counts["received"], r.unit.code), default=None)
    return {
        "most_received": most,
        "highest_handling_rate": _best(rows, "finished", "to_handle"),
        "highest_online_rate": _best(rows, "received_online", "received"),
    }


# --- Plain data for the API and the exports ------------------------------------------------


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def unit_figures_as_dict(row: UnitFigures) -> dict:
    return {
        "code": row.unit.code,
        "name": row.unit.name,
        "name_en": row.unit.name_en,
        "kind": row.unit.kind,
        **row.counts,
        **{name: _number(value) for name, value in row.rates.items()},
    }


def report_as_dict(report: PeriodReport) -> dict:
    """The report as JSON-ready data (rates as numbers with two decimals, or None)."""

    def highlight(key: str, *fields: str) -> dict | None:
        row = report.highlights.get(key)
        if row is None:
            return None
        values = {**row.counts, **{k: _number(v) for k, v in row.rates.items()}}
        return {
            "code": row.unit.code,
            "name": row.unit.name,
            "name_en": row.unit.name_en,
            **{name: values[name] for name in fields},
        }

    return {
        "date_from": report.date_from,
        "date_to": report.date_to,
        "communes_count": len(report.units),
        "totals": {
            **report.totals,
            **{name: _number(value) for name, value in report.rates.items()},
        },
        "communes": [unit_figures_as_dict(row) for row in report.rows],
        "daily": [{**row, "online_rate": _number(row["online_rate"])} for row in report.daily],
        "highlights": {
            "min_records": HIGHLIGHT_MIN_RECORDS,
            "most_received": highlight("most_received", "received"),
            "highest_handling_rate": highlight(
                "highest_handling_rate", "handling_rate", "finished", "to_handle"
            ),
            "highest_online_rate": highlight(
                "highest_online_rate", "online_rate", "received_online", "received"
            ),
        },
        "summary_vi": report.summary_vi,
        "summary_en": report.summary_en,
    }
