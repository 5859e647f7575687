"""Concurrency on PostgreSQL: receipt numbers without gaps under simultaneous payments, and one
payment however many times the gateway's confirmation arrives at once."""

import pytest

from records.models import Payment
from records.services import record_paid, record_paid_online, record_process, record_request_payment
from tests.helpers import ON_POSTGRES, receive, require_service
from tests.records.test_records_concurrency import run_at_once

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")


def awaiting(clerk, unit):
    record = record_process(record=receive(clerk, unit, procedure="chung-thuc-chu-ky"), actor=clerk)
    return record_request_payment(record=record, actor=clerk)


def test_20_simultaneous_payments_get_20_consecutive_receipt_numbers(clerk_a, unit_a):
    records = [awaiting(clerk_a, unit_a) for _ in range(20)]
    results, errors = run_at_once(
        20, lambda i: record_paid(record=records[i], actor=clerk_a).status
    )
    assert errors == [None] * 20
    numbers = sorted(Payment.objects.values_list("receipt_number", flat=True))
    assert numbers == list(range(1, 21))


def test_the_same_confirmation_at_once_records_one_payment(clerk_a, unit_a):
    request = awaiting(clerk_a, unit_a).payment_requests.get()
    results, errors = run_at_once(
        5,
        lambda i: record_paid_online(
            request_id=request.public_id, reference="GW-777", amount=10000
        )[1],
    )
    assert errors == [None] * 5
    assert sorted(results) == [False, False, False, False, True]
    assert Payment.objects.count() == 1
    assert request.record.events.filter(action="paid").count() == 1
