"""The pieces that keep the portal working when Redis is away, on any database (the end-to-end
version with real processes is tests/ops/test_faults.py)."""

import logging
from datetime import date

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError

from core.cache import FailOpenRedisCache
from core.processes import free_port
from stats import tasks
from stats.models import DailyStat, RecomputeOwed
from stats.services import recompute_noted
from tests.helpers import APPLICANT, local, receive

pytestmark = pytest.mark.django_db


def test_cache_fails_open_when_redis_is_unreachable(caplog):
    cache = FailOpenRedisCache(f"redis://127.0.0.1:{free_port()}/0", {"OPTIONS": {}})
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert cache.get("throttle", "missing") == "missing"
        assert cache.get_many(["a", "b"]) == {}
        assert cache.set("throttle", [1, 2], 60) is None
        assert cache.add("throttle", 1) is False
        assert cache.delete("throttle") is False
    assert "Cache unavailable (ConnectionError); get skipped." in caplog.text


def test_change_commits_and_is_noted_when_the_broker_is_down(
    clerk_a, unit_a, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise BrokerOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.recompute_unit_days, "delay", broker_down)
    today = timezone.localdate()
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        record = receive(clerk_a, unit_a)

    record.refresh_from_db()
    assert record.code  # the receipt stands
    assert list(RecomputeOwed.objects.values_list("unit", "day")) == [(unit_a.pk, today)]
    assert "not queued (OperationalError); noted for the sweep" in caplog.text
    for value in APPLICANT.values():
        assert value not in caplog.text
    assert not DailyStat.objects.exists()

    result = recompute_noted()
    assert result.units == 1
    assert DailyStat.objects.get(unit=unit_a, day=today).received == 1
    assert not RecomputeOwed.objects.exists()


def test_sweep_recomputes_each_unit_from_its_earliest_noted_day(clerk_a, unit_a, unit_b):
    receive(clerk_a, unit_a, received_at=local(2025, 7, 3, 9))
    RecomputeOwed.objects.create(unit=unit_a, day=date(2025, 7, 5))
    RecomputeOwed.objects.create(unit=unit_a, day=date(2025, 7, 3))
    RecomputeOwed.objects.create(unit=unit_b, day=date(2025, 7, 10))

    result = recompute_noted(today=date(2025, 7, 12))

    assert (result.units, result.date_from, result.date_to) == (
        2,
        date(2025, 7, 3),
        date(2025, 7, 12),
    )
    assert DailyStat.objects.filter(unit=unit_a).count() == 10  # 3 to 12 July
    assert DailyStat.objects.filter(unit=unit_b).count() == 3  # 10 to 12 July
    assert DailyStat.objects.get(unit=unit_a, day=date(2025, 7, 3)).received == 1
    assert not RecomputeOwed.objects.exists()


def test_task_clears_the_notes_of_its_change_only_when_done(clerk_a, unit_a, monkeypatch):
    """A worker killed mid-task leaves the change's note for the sweep: the task clears it only
    after the work."""
    receive(clerk_a, unit_a, received_at=local(2025, 7, 3, 9))
    note_ids = list(RecomputeOwed.objects.values_list("id", flat=True))  # the receipt's
    seen = []

    def recompute(**kwargs):
        seen.append(list(RecomputeOwed.objects.values_list("unit", "day")))
        raise SystemExit("killed")

    monkeypatch.setattr(tasks.services, "compute_daily_stats", recompute)
    with pytest.raises(SystemExit):
        tasks.recompute_unit_days.run(unit_a.pk, "2025-07-03", "2025-07-05", note_ids)
    assert seen == [[(unit_a.pk, date(2025, 7, 3))]]
    assert RecomputeOwed.objects.filter(unit=unit_a, day=date(2025, 7, 3)).exists()

    monkeypatch.undo()
    tasks.recompute_unit_days.run(unit_a.pk, "2025-07-03", "2025-07-05", note_ids)
    assert not RecomputeOwed.objects.exists()
    assert DailyStat.objects.get(unit=unit_a, day=date(2025, 7, 3)).received == 1
