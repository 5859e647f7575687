"""Period reports: the city's figures (domain brief §4) for any range and any set of units,
summed from ``DailyStat`` only (a report never scans the records).

Definitions, all from counts, as percentages with two decimals (half up); a zero denominator
gives None (null in JSON, "—" in text):

- online rate = received online ÷ received;
- handling rate = finished ÷ to handle, where to handle = received in the period + carried
  over (open at the end of the day before the period);
- on-time rate = (finished early + on time) ÷ finished;
- 766 on-time rate = (finished early + on time + open at the end of the period and not past
  its original appointment date) ÷ to handle (the index's reading: an extension does not move
  the date, a record waiting for the citizen is not late);
- digitisation rate = digitised ÷ received.

Stocks (carried over, open and overdue at the end) are read from each unit's row of the day
concerned. A report never extrapolates: days not computed yet (up to today) are computed
before the report reads them (``services.ensure_computed``), and a period cannot end after
today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.db.models import OuterRef, Subquery, Sum
from django.utils import timezone

from communes.models import Commune
from stats.models import FLOW_FIELDS, STOCK_FIELDS, DailyStat
from stats.services import ensure_computed

STOCK_COUNTS = ["carried_over", "to_handle", *STOCK_FIELDS]
REPORT_COUNTS = [*FLOW_FIELDS, *STOCK_COUNTS]
RATE_FIELDS = [
    "online_rate",
    "handling_rate",
    "on_time_rate",
    "on_time_rate_766",
    "digitisation_rate",
]
DAILY_COUNTS = [*FLOW_FIELDS, *STOCK_FIELDS]
HUNDREDTH = Decimal("0.01")
# The rate highlights (highest handling rate, highest online rate) consider only units with at
# least this many records in the rate's denominator (records to handle, records received).
# Below 20 one record moves a rate by more than 5 points, so a unit with 2 records would "lead"
# by chance (1/1 = 100%, or even 0/2 when no unit did better). Over 1–11 July 2025 the smallest
# unit received 50 records, so every unit qualifies over a week or more; on a single day the
# smallest units receive 5 to 10 and the day's highlight goes to a busier one. The bulletin and
# the dashboard state the minimum.
HIGHLIGHT_MIN_RECORDS = 20


def rate(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` as a percentage with two decimals, None if nothing to
    divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(HUNDREDTH, ROUND_HALF_UP)


def rates_of(counts: dict[str, int]) -> dict[str, Decimal | None]:
    on_time = counts["finished_early"] + counts["finished_on_time"]
    still_in_time = counts["open_end"] - counts["overdue_original_end"]
    return {
        "online_rate": rate(counts["received_online"], counts["received"]),
        "handling_rate": rate(counts["finished"], counts["to_handle"]),
        "on_time_rate": rate(on_time, counts["finished"]),
        "on_time_rate_766": rate(on_time + still_in_time, counts["to_handle"]),
        "digitisation_rate": rate(counts["digitised"], counts["received"]),
    }


@dataclass
class UnitFigures:
    unit: Commune
    counts: dict[str, int]
    rates: dict[str, Decimal | None]


@dataclass
class PeriodReport:
    date_from: date
    date_to: date
    units: list[Commune]
    totals: dict[str, int]
    rates: dict[str, Decimal | None]
    rows: list[UnitFigures]
    daily: list[dict]
    highlights: dict[str, UnitFigures | None] = field(default_factory=dict)
    summary_vi: str = ""
    summary_en: str = ""


def period_report(*, date_from: date, date_to: date, units: list[Commune]) -> PeriodReport:
    """The report of ``units`` for ``[date_from, date_to]``, from ``DailyStat`` in three
    queries (per-unit sums with stocks, per-day sums). ``units`` must already be within the
    reader's scope. Days of the period not computed yet are computed first; otherwise
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

    rows = []
    for unit in sorted(units, key=_unit_order):
        counts = {name: (flows.get(unit.pk, {}).get(name) or 0) for name in FLOW_FIELDS}
        stock = stocks.get(unit.pk, {})
        for name in ("carried_over", *STOCK_FIELDS):
            counts[name] = stock.get(name) or 0
        counts["to_handle"] = counts["received"] + counts["carried_over"]
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


# --- The bulletin's sentences ----------------------------------------------------------------

MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def number_vi(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def number_en(value: int) -> str:
    return f"{value:,}"


def percent_vi(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}".replace(".", ",") + "%"


def percent_en(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}%"


def _day_vi(day: date, with_year: bool) -> str:
    text = f"{day.day:02d}/{day.month}"
    return f"{text}/{day.year}" if with_year else text


def period_vi(date_from: date, date_to: date) -> str:
    if date_from == date_to:
        return f"Ngày {_day_vi(date_from, True)}"
    same_year = date_from.year == date_to.year
    return f"Từ ngày {_day_vi(date_from, not same_year)} đến {_day_vi(date_to, True)}"


def period_en(date_from: date, date_to: date) -> str:
    def full(day: date) -> str:
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"

    if date_from == date_to:
        return f"On {full(date_to)}"
    if (date_from.year, date_from.month) == (date_to.year, date_to.month):
        return f"From {date_from.day} to {full(date_to)}"
    if date_from.year == date_to.year:
        return f"From {date_from.day} {MONTHS_EN[date_from.month - 1]} to {full(date_to)}"
    return f"From {full(date_from)} to {full(date_to)}"


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _records_en(count: int) -> str:
    return f"{number_en(count)} record" + ("" if count == 1 else "s")


def summary_vi(report: PeriodReport) -> str:
    """Two sentences in the style of the city's bulletin, in Vietnamese."""
    totals, rates = report.totals, report.rates
    single = len(report.units) == 1
    who = report.units[0].name if single else f"{len(report.units)} xã, phường"
    first = (
        f"{period_vi(report.date_from, report.date_to)}, {who} tiếp nhận "
        f"{number_vi(totals['received'])} hồ sơ, tỷ lệ trực tuyến "
        f"{percent_vi(rates['online_rate'])}."
    )
    if single:
        second = (
            f"Tỷ lệ giải quyết {percent_vi(rates['handling_rate'])}, tỷ lệ đúng hạn "
            f"{percent_vi(rates['on_time_rate'])}."
        )
        return f"{first} {second}"
    parts = []
    most = report.highlights.get("most_received")
    if most:
        parts.append(
            f"{_lower_first(most.unit.name)} tiếp nhận nhiều nhất "
            f"({number_vi(most.counts['received'])} hồ sơ)"
        )
    rates = []
    handling = report.highlights.get("highest_handling_rate")
    if handling:
        rates.append(
            f"{_lower_first(handling.unit.name)} có tỷ lệ giải quyết cao nhất "
            f"({percent_vi(handling.rates['handling_rate'])})"
        )
    online = report.highlights.get("highest_online_rate")
    if online:
        rates.append(
            f"{_lower_first(online.unit.name)} có tỷ lệ trực tuyến cao nhất "
            f"({number_vi(online.counts['received_online'])}/"
            f"{number_vi(online.counts['received'])} hồ sơ)"
        )
    if rates:
        parts.append(
            f"trong các đơn vị có từ {number_vi(HIGHLIGHT_MIN_RECORDS)} hồ sơ trở lên, "
            + " và ".join(rates)
        )
    if not parts:
        return f"{first} Chưa có số liệu để so sánh giữa các đơn vị."
    second = "; ".join(parts)
    return f"{first} {second[:1].upper()}{second[1:]}."


def summary_en(report: PeriodReport) -> str:
    """The same two sentences in English."""
    totals, rates = report.totals, report.rates
    single = len(report.units) == 1

    def name(unit: Commune) -> str:
        return unit.name_en or unit.name

    who = name(report.units[0]) if single else f"the {len(report.units)} wards and communes"
    first = (
        f"{period_en(report.date_from, report.date_to)}, {who} received "
        f"{_records_en(totals['received'])}, with an online rate of "
        f"{percent_en(rates['online_rate'])}."
    )
    if single:
        second = (
            f"The handling rate was {percent_en(rates['handling_rate'])} and the on-time rate "
            f"{percent_en(rates['on_time_rate'])}."
        )
        return f"{first} {second}"
    parts = []
    most = report.highlights.get("most_received")
    if most:
        parts.append(
            f"{name(most.unit)} received the most ({_records_en(most.counts['received'])})"
        )
    rates = []
    handling = report.highlights.get("highest_handling_rate")
    if handling:
        rates.append(
            f"{name(handling.unit)} had the highest handling rate "
            f"({percent_en(handling.rates['handling_rate'])})"
        )
    online = report.highlights.get("highest_online_rate")
    if online:
        verb = "" if handling else "had "
        rates.append(
            f"{name(online.unit)} {verb}the highest online rate "
            f"({number_en(online.counts['received_online'])} of "
            f"{_records_en(online.counts['received'])})"
        )
    if rates:
        parts.append(
            f"among units with at least {_records_en(HIGHLIGHT_MIN_RECORDS)}, "
            + " and ".join(rates)
        )
    if not parts:
        return f"{first} There are no figures to compare between units."
    second = "; ".join(parts)
    return f"{first} {second[:1].upper()}{second[1:]}."


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
