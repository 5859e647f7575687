"""Reads of ratings: whether a record is rated, the clerk's panel, and the figures per unit and
quarter.

Which unit and which date decide (README, "Satisfaction rating"): a rating counts for the
record's **handling unit** and for the quarter in which the record was **returned**
(``Record.returned_at``, local time), whenever the citizen rated it; the share of records
rated is rated ÷ returned over the same records, so it never exceeds 100 %. A late rating of a
record returned last quarter still counts for last quarter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from records.calendar import day_start
from records.enums import Status
from records.models import Record
from satisfaction.models import Rating, Source
from satisfaction.quarters import Quarter
from satisfaction.questions import INDICATORS, SCORES

TWO_PLACES = Decimal("0.01")


def is_rated(record) -> bool:
    return Rating.objects.filter(record_id=record.pk).exists()


def rating_of(record) -> Rating | None:
    return Rating.objects.select_related("entered_by").filter(record_id=record.pk).first()


def panel_value(record) -> dict | None:
    """The record page's satisfaction panel (and the API detail's ``extras.satisfaction``):
    nothing before the result is returned; then whether it is rated, how, and the overall
    answer."""
    if record.status != Status.RETURNED:
        return None
    rating = rating_of(record)
    if rating is None:
        return {"rated": False}
    return {
        "rated": True,
        "source": rating.source,
        "entered_by": rating.entered_by.username if rating.entered_by else None,
        "entered_by_name": rating.entered_by.display_name if rating.entered_by else None,
        "rated_at": rating.rated_at.isoformat(),
        "overall": rating.overall,
    }


# --- Figures per unit and quarter -----------------------------------------------------------


def _rate(numerator: int, denominator: int) -> Decimal | None:
    """A percentage with two decimals; None (shown "—") for a zero denominator."""
    if not denominator:
        return None
    return (Decimal(100 * numerator) / denominator).quantize(TWO_PLACES, ROUND_HALF_UP)


def _average(counts: dict[int, int]) -> Decimal | None:
    rated = sum(counts.values())
    if not rated:
        return None
    total = sum(score * count for score, count in counts.items())
    return (Decimal(total) / rated).quantize(TWO_PLACES, ROUND_HALF_UP)


@dataclass
class IndicatorFigures:
    field: str
    counts: dict[int, int]  # score -> ratings with that answer

    @property
    def average(self) -> Decimal | None:
        return _average(self.counts)


@dataclass
class UnitFigures:
    unit: object | None  # a Commune; None for the total row
    returned: int = 0
    rated: int = 0
    rated_online: int = 0
    rated_paper: int = 0
    indicators: dict[str, IndicatorFigures] = field(default_factory=dict)

    @property
    def share_rated(self) -> Decimal | None:
        return _rate(self.rated, self.returned)

    @property
    def dissatisfied(self) -> int:
        """Ratings whose overall answer is "dissatisfied": the part of Decision 766's
        indicator 5.4 ("records with a dissatisfied rating") the portal holds."""
        return self.indicators["overall"].counts[0]

    @property
    def dissatisfied_rate(self) -> Decimal | None:
        """Dissatisfied ratings ÷ records returned, the rate 5.4 subtracts."""
        return _rate(self.dissatisfied, self.returned)

    def add(self, other: UnitFigures) -> None:
        self.returned += other.returned
        self.rated += other.rated
        self.rated_online += other.rated_online
        self.rated_paper += other.rated_paper
        for name, figures in other.indicators.items():
            empty = IndicatorFigures(name, dict.fromkeys(SCORES, 0))
            mine = self.indicators.setdefault(name, empty)
            for score, count in figures.counts.items():
                mine.counts[score] += count


def _empty(unit) -> UnitFigures:
    indicators = {
        indicator.field: IndicatorFigures(indicator.field, dict.fromkeys(SCORES, 0))
        for indicator in INDICATORS
    }
    return UnitFigures(unit=unit, indicators=indicators)


def _aggregates() -> dict:
    rating = "satisfaction_rating"
    aggregates = {
        "returned": Count("pk"),
        "rated": Count(rating),
        "rated_online": Count(rating, filter=Q(**{f"{rating}__source": Source.ONLINE})),
        "rated_paper": Count(rating, filter=Q(**{f"{rating}__source": Source.PAPER})),
    }
    for indicator in INDICATORS:
        for score in SCORES:
            aggregates[f"{indicator.field}_{score}"] = Count(
                rating, filter=Q(**{f"{rating}__{indicator.field}": score})
            )
    return aggregates


@dataclass
class QuarterFigures:
    quarter: Quarter
    rows: list[UnitFigures]
    total: UnitFigures


def quarter_figures(*, quarter: Quarter, units) -> QuarterFigures:
    """The figures of ``units`` (a list of Communes) for ``quarter``: one row per unit, in the
    order given, units with nothing returned included (their shares are None), and the total.
    One grouped query over the records returned in the quarter with their ratings."""
    units = list(units)
    start, end = day_start(quarter.first_day), day_start(quarter.next().first_day)
    grouped = (
        Record.objects.filter(
            status=Status.RETURNED,
            returned_at__gte=start,
            returned_at__lt=end,
            handling_unit__in=[unit.pk for unit in units],
        )
        .order_by()
        .values("handling_unit")
        .annotate(**_aggregates())
    )
    by_unit = {row["handling_unit"]: row for row in grouped}
    rows, total = [], _empty(None)
    for unit in units:
        figures = _empty(unit)
        row = by_unit.get(unit.pk)
        if row is not None:
            figures.returned, figures.rated = row["returned"], row["rated"]
            figures.rated_online, figures.rated_paper = row["rated_online"], row["rated_paper"]
            for indicator in INDICATORS:
                counts = figures.indicators[indicator.field].counts
                for score in SCORES:
                    counts[score] = row[f"{indicator.field}_{score}"]
        rows.append(figures)
        total.add(figures)
    return QuarterFigures(quarter=quarter, rows=rows, total=total)


def figures_as_dict(figures: UnitFigures) -> dict:
    """JSON-ready (rates and averages as strings with two decimals, None for "—")."""

    def text(value):
        return None if value is None else str(value)

    return {
        "returned": figures.returned,
        "rated": figures.rated,
        "rated_online": figures.rated_online,
        "rated_paper": figures.rated_paper,
        "share_rated": text(figures.share_rated),
        "dissatisfied": figures.dissatisfied,
        "dissatisfied_rate": text(figures.dissatisfied_rate),
        "indicators": {
            name: {
                "average": text(item.average),
                "counts": {str(score): item.counts[score] for score in SCORES},
            }
            for name, item in figures.indicators.items()
        },
    }
