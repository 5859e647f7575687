"""The statistics pipeline with the production shape: a real Redis broker and a real Celery
worker process on the test database. A record change, committed, reaches the figures."""

import time
from pathlib import Path

import pytest
from django.utils import timezone

from records import services
from stats.models import DailyStat
from tests.helpers import ON_POSTGRES, local, receive, redis_available, require_service

WAIT_SECONDS = 60


def wait_for(condition, log: Path):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"figures not updated within {WAIT_SECONDS} s; worker log:\n{log.read_text()}")


@pytest.mark.slow  # a real Celery worker process
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_real_worker_updates_figures_after_record_change(clerk_a, unit_a, request):
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")
    require_service(redis_available(), "Redis (REDIS_URL=redis://...)")
    log = request.getfixturevalue("worker")  # started only once the services are there
    today = timezone.localdate()
    rows = DailyStat.objects.filter(unit=unit_a)

    def row(day):
        return rows.filter(day=day).values("received", "finished", "open_end").first()

    record = receive(clerk_a, unit_a)
    wait_for(lambda: row(today) == {"received": 1, "finished": 0, "open_end": 1}, log)

    services.record_resolve(record=record, actor=clerk_a)
    wait_for(lambda: row(today) == {"received": 1, "finished": 1, "open_end": 0}, log)

    # A late receipt: its day and every later one, up to today, are recomputed.
    receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 9))
    wait_for(lambda: row(today) == {"received": 1, "finished": 1, "open_end": 1}, log)
    assert row(local(2025, 7, 1).date()) == {"received": 1, "finished": 0, "open_end": 1}
