"""Concurrency on PostgreSQL: gap-free codes under simultaneous receipt, one winner per record."""

import threading

import pytest
from django.db import connection

from records import services
from records.enums import Status
from records.exceptions import RecordConflict
from records.models import Record
from tests.helpers import ON_POSTGRES, local, receive, require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _needs_postgres():
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")


def run_at_once(count, work):
    """Run ``work(i)`` in ``count`` threads released together; return results and errors."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, [None] * count

    def target(index):
        try:
            barrier.wait()
            results[index] = work(index)
        except Exception as exc:  # collected and asserted by the caller
            errors[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_20_simultaneous_receipts_get_20_consecutive_codes(clerk_a, unit_a):
    at = local(2025, 7, 1, 9, 0)
    results, errors = run_at_once(20, lambda i: receive(clerk_a, unit_a, received_at=at).code)
    assert errors == [None] * 20
    assert sorted(results) == [f"H57.19753-250701-{n:04d}" for n in range(1, 21)]
    assert Record.objects.filter(receiving_unit=unit_a).count() == 20


def test_two_simultaneous_resolves_one_wins_one_conflict(clerk_a, unit_a):
    record = services.record_process(record=receive(clerk_a, unit_a), actor=clerk_a)
    results, errors = run_at_once(
        2, lambda i: services.record_resolve(record=record, actor=clerk_a).status
    )
    assert sorted(r for r in results if r is not None) == [Status.RESOLVED]
    conflicts = [e for e in errors if e is not None]
    assert len(conflicts) == 1
    assert isinstance(conflicts[0], RecordConflict)
    assert list(record.events.values_list("action", flat=True)) == ["receive", "process", "resolve"]
    assert Record.objects.get(pk=record.pk).version == 3


def test_simultaneous_different_actions_serialise(clerk_a, unit_a):
    record = services.record_process(record=receive(clerk_a, unit_a), actor=clerk_a)
    actions = [
        lambda: services.record_resolve(record=record, actor=clerk_a),
        lambda: services.record_stop(record=record, actor=clerk_a, reason="x"),
        lambda: services.record_request_supplement(record=record, actor=clerk_a, reason="y"),
    ]
    results, errors = run_at_once(3, lambda i: actions[i]().status)
    assert sum(r is not None for r in results) >= 1
    final = Record.objects.get(pk=record.pk)
    events = list(final.events.order_by("id").values_list("from_status", "to_status"))
    # the history is a chain: each step starts where the previous one ended
    for (_, previous_to), (from_status, _) in zip(events, events[1:], strict=False):
        assert from_status == previous_to
    assert events[-1][1] == final.status
    assert all(isinstance(e, RecordConflict) for e in errors if e is not None)
