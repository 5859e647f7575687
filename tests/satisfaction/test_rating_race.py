"""Two ratings of one record at the same moment on PostgreSQL: the unique record key lets one
in, the other gets the clear "already rated" conflict (never an IntegrityError, never two)."""

import pytest
from django.db import IntegrityError

from satisfaction.models import Rating, Source
from satisfaction.services import AlreadyRated, rate_record
from tests.helpers import ON_POSTGRES, require_service
from tests.records.test_records_concurrency import run_at_once
from tests.satisfaction.builders import answers, returned_record

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_ratings_one_wins(clerk_a, unit_a):
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")
    record = returned_record(clerk_a, unit_a)

    def rate(index):
        if index % 2:
            return rate_record(
                record=record, answers=answers(), source=Source.PAPER, entered_by=clerk_a
            ).pk
        return rate_record(record=record, answers=answers(overall=index % 3)).pk

    raced = 0
    for _round in range(5):
        Rating.objects.all().delete()
        results, errors = run_at_once(6, rate)
        assert len([r for r in results if r is not None]) == 1
        assert all(isinstance(e, AlreadyRated) for e in errors if e is not None)
        assert len([e for e in errors if e is not None]) == 5
        assert Rating.objects.filter(record=record).count() == 1
        # Losers that passed the "already rated?" read together hit the unique key.
        raced += sum(isinstance(e.__cause__, IntegrityError) for e in errors if e is not None)
    assert raced > 0
