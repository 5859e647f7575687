"""Round robin under simultaneous receipts on PostgreSQL: the turn row is locked, so 24
receipts at once take 24 successive turns, spread evenly (±1) over the specialists."""

from collections import Counter

import pytest

from accounts.models import Role
from records.models import Assignment
from tests.helpers import ON_POSTGRES, make_user, receive, require_service
from tests.records.test_records_concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")


def test_simultaneous_receipts_take_successive_turns(unit_a):
    desk = make_user("motcua", Role.CLERK, commune=unit_a, is_specialist=False)
    for name in ("cv1", "cv2", "cv3"):
        make_user(name, Role.CLERK, commune=unit_a, is_desk=False)
    results, errors = run_at_once(24, lambda i: receive(desk, unit_a).pk)
    assert errors == [None] * 24
    spread = Counter(
        Assignment.objects.filter(record_id__in=results, until__isnull=True).values_list(
            "officer__username", flat=True
        )
    )
    assert spread == {"cv1": 8, "cv2": 8, "cv3": 8}
