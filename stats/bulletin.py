"""The bulletin's sentences: a period report told in two sentences, in Vietnamese and in
English, in the style of the city's bulletin (numbers and percentages written the local way)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from communes.models import Commune
from stats.figures import HIGHLIGHT_MIN_RECORDS, PeriodReport

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
