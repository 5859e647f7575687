"""The demo's ratings: a deterministic share of the returned records (chosen by code), valid
answers, idempotent, paper forms entered by a clerk of the handling unit."""

import pytest

from demo.ratings import seed_ratings
from satisfaction.models import Rating, Source
from satisfaction.questions import INDICATOR_FIELDS, SCORES
from tests.helpers import receive
from tests.satisfaction.builders import returned_record

pytestmark = pytest.mark.django_db


def snapshot():
    return sorted(
        (r.record.code, r.source, *(getattr(r, name) for name in INDICATOR_FIELDS))
        for r in Rating.objects.select_related("record")
    )


def test_demo_ratings_are_deterministic_and_idempotent(clerk_a, unit_a):
    records = [returned_record(clerk_a, unit_a) for _ in range(40)]
    receive(clerk_a, unit_a)  # not returned: never rated
    created = seed_ratings()
    assert 5 <= created <= 25  # about 35 % of 40
    first = snapshot()
    assert seed_ratings() == 0 and snapshot() == first
    Rating.objects.all().delete()
    assert seed_ratings() == created and snapshot() == first
    for rating in Rating.objects.all():
        assert rating.record in records
        assert all(getattr(rating, name) in SCORES for name in INDICATOR_FIELDS)
        assert rating.rated_at >= rating.record.returned_at
        if rating.source == Source.PAPER:
            assert rating.entered_by == clerk_a
        else:
            assert rating.entered_by is None
