"""The figures per unit and quarter equal a brute-force recount over generated records:
returned in the quarter (local time, by handling unit), rated, rated online / on paper, the
count per answer and the average of every indicator, the share rated and the dissatisfied
rate, with units that returned nothing (zero denominators: None, shown "—")."""

import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import Commune
from records.enums import Status
from records.models import Record
from satisfaction.models import Rating, Source
from satisfaction.quarters import Quarter
from satisfaction.questions import INDICATOR_FIELDS, SCORES
from satisfaction.selectors import quarter_figures
from tests.helpers import local, receive

pytestmark = pytest.mark.django_db

QUARTERS = [Quarter(2025, 3), Quarter(2025, 4), Quarter(2026, 1)]
# Moments around the quarters' local boundaries (Asia/Ho_Chi_Minh, UTC+7): 00:30 on 1 October
# is still 30 September in UTC.
MOMENTS = [
    local(2025, 7, 1, 0, 5),
    local(2025, 8, 15, 10, 0),
    local(2025, 9, 30, 23, 59),
    local(2025, 10, 1, 0, 30),
    local(2025, 11, 20, 14, 0),
    local(2025, 12, 31, 23, 30),
    local(2026, 1, 1, 6, 0),
    local(2026, 3, 31, 16, 0),
    local(2026, 4, 1, 0, 1),
]


def generate(rng, clerk, units):
    """Records at the first units, handled (and returned) by any unit, some not returned, a
    random part of the returned rated online or on paper with random answers."""
    records = [receive(clerk, units[0]) for _ in range(60)]
    ratings = []
    for record in records:
        handling = rng.choice(units[:3])  # the fourth unit handles nothing
        returned = rng.random() < 0.8
        moment = rng.choice(MOMENTS) + timedelta(minutes=rng.randrange(0, 50))
        open_status = rng.choice([Status.PROCESSING, Status.RESOLVED])
        Record.objects.filter(pk=record.pk).update(
            handling_unit=handling,
            status=Status.RETURNED if returned else open_status,
            returned_at=moment if returned else None,
        )
        if returned and rng.random() < 0.6:
            paper = rng.random() < 0.3
            ratings.append(
                Rating(
                    record=record,
                    source=Source.PAPER if paper else Source.ONLINE,
                    entered_by=clerk if paper else None,
                    rated_at=moment + timedelta(days=rng.randrange(0, 40)),
                    **{name: rng.choice(SCORES) for name in INDICATOR_FIELDS},
                )
            )
    Rating.objects.bulk_create(ratings)


def pct(numerator, denominator):
    if denominator == 0:
        return None
    return (Decimal(100 * numerator) / denominator).quantize(Decimal("0.01"), ROUND_HALF_UP)


def recount(unit, quarter):
    """By hand, one record at a time."""
    returned = rated = online = paper = 0
    counts = {name: dict.fromkeys(SCORES, 0) for name in INDICATOR_FIELDS}
    for record in Record.objects.all():
        if record.status != Status.RETURNED or record.handling_unit_id != unit.pk:
            continue
        if Quarter.of(record.returned_at.astimezone(local(2025, 1, 1).tzinfo).date()) != quarter:
            continue
        returned += 1
        rating = Rating.objects.filter(record=record).first()
        if rating is None:
            continue
        rated += 1
        online += rating.source == Source.ONLINE
        paper += rating.source == Source.PAPER
        for name in INDICATOR_FIELDS:
            counts[name][getattr(rating, name)] += 1
    return returned, rated, online, paper, counts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_figures_equal_a_recount(clerk_a, seed):
    units = list(Commune.objects.order_by("code")[:4])
    clerk_a.commune = units[0]
    clerk_a.save()
    generate(random.Random(seed), clerk_a, units)
    seen = 0
    for quarter in [*QUARTERS, Quarter(2026, 2), Quarter(2025, 2)]:
        with CaptureQueriesContext(connection) as queries:
            figures = quarter_figures(quarter=quarter, units=units)
        assert len(queries) == 1  # one grouped query, no loop over records
        total_returned = total_rated = total_dissatisfied = 0
        for row, unit in zip(figures.rows, units, strict=True):
            returned, rated, online, paper, counts = recount(unit, quarter)
            assert (row.unit, row.returned, row.rated) == (unit, returned, rated)
            assert (row.rated_online, row.rated_paper) == (online, paper)
            assert row.share_rated == pct(rated, returned)
            assert row.dissatisfied == counts["overall"][0]
            assert row.dissatisfied_rate == pct(counts["overall"][0], returned)
            for name in INDICATOR_FIELDS:
                assert row.indicators[name].counts == counts[name]
                expected = (
                    None
                    if rated == 0
                    else (Decimal(2 * counts[name][2] + counts[name][1]) / rated).quantize(
                        Decimal("0.01"), ROUND_HALF_UP
                    )
                )
                assert row.indicators[name].average == expected
            total_returned += returned
            total_rated += rated
            total_dissatisfied += counts["overall"][0]
        assert figures.rows[3].returned == 0
        assert figures.rows[3].share_rated is None
        assert all(item.average is None for item in figures.rows[3].indicators.values())
        assert (figures.total.returned, figures.total.rated) == (total_returned, total_rated)
        assert figures.total.share_rated == pct(total_rated, total_returned)
        assert figures.total.dissatisfied == total_dissatisfied
        seen += total_rated
    assert seen == Rating.objects.count() > 0  # every rating counted in exactly one quarter


def test_no_units_no_records(reference_data):
    figures = quarter_figures(quarter=Quarter(2025, 3), units=[])
    assert figures.rows == [] and figures.total.returned == 0
    assert figures.total.share_rated is None and figures.total.dissatisfied_rate is None
