"""Statistics engine: the daily figures computed from the records, the recompute a record change
schedules, the nightly job, the backfill command, idempotency and the concurrent-run guard."""

import threading
import time
from datetime import date, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from communes.models import Commune
from records import services
from records.models import Record
from stats import tasks
from stats.models import COUNT_FIELDS, DailyStat, RecomputeOwed
from stats.reports import period_report
from stats.services import (
    _lock_units,
    compute_daily_stats,
    recompute_nightly,
)
from tests.helpers import APPLICANT, ON_POSTGRES, UNIT_A, local, receive, require_service

pytestmark = pytest.mark.django_db

JULY = date(2025, 7, 1)


def figures(unit, day, *names):
    row = DailyStat.objects.get(unit=unit, day=day)
    return {name: getattr(row, name) for name in names or COUNT_FIELDS}


def rows_of(unit):
    return list(
        DailyStat.objects.filter(unit=unit).order_by("day").values("id", "day", *COUNT_FIELDS)
    )


def test_compute_counts_intake_by_channel_and_day(clerk_a, unit_a, point_a):
    receive(clerk_a, unit_a, received_at=local(2025, 7, 7, 8, 0))
    receive(clerk_a, unit_a, received_at=local(2025, 7, 7, 23, 59), digitised=True)
    receive(clerk_a, unit_a, channel=2, received_at=local(2025, 7, 7, 10, 0))
    receive(clerk_a, unit_a, channel=3, agent_point=point_a, received_at=local(2025, 7, 7, 11))
    receive(clerk_a, unit_a, received_at=local(2025, 7, 8, 0, 0))  # next local day
    waiting = services.record_submit(
        actor=None,
        procedure="ho-tich-khai-tu",
        receiving_unit=unit_a,
        applicant=APPLICANT,
        submitted_at=local(2025, 7, 7, 21, 0),
    )
    refused = services.record_submit(
        actor=None,
        procedure="ho-tich-khai-tu",
        receiving_unit=unit_a,
        applicant=APPLICANT,
        submitted_at=local(2025, 7, 6, 21, 0),
    )
    services.record_refuse(
        record=refused, actor=clerk_a, reason="Sai thẩm quyền", at=local(2025, 7, 7, 9)
    )

    result = compute_daily_stats(date_from=date(2025, 7, 7), date_to=date(2025, 7, 8))

    assert result.rows == 2 * Commune.objects.count()
    assert waiting.status == 1
    assert figures(unit_a, date(2025, 7, 7)) == {
        **dict.fromkeys(COUNT_FIELDS, 0),
        "received": 4,
        "received_in_person": 2,
        "received_online": 1,
        "received_postal": 1,
        "digitised": 2,  # the online record is digitised by definition
        "not_accepted": 1,
        "refused": 1,
        # the online record accepted at once and the submission refused within its 8 hours
        "acceptance_decided": 2,
        "acceptance_on_time": 2,
        "open_end": 4,
    }
    assert figures(unit_a, date(2025, 7, 8), "received", "open_end") == {
        "received": 1,
        "open_end": 5,
    }


def test_compute_open_and_overdue_at_end_of_day(clerk_a, unit_a):
    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 9, 0))
    due = record.due_date
    services.record_resolve(record=record, actor=clerk_a, at=local(2025, 7, 11, 16, 0))
    services.record_return(record=record, actor=clerk_a, method="post", at=local(2025, 7, 14, 8, 0))

    compute_daily_stats(date_from=JULY, date_to=date(2025, 7, 15), unit_ids=[unit_a.pk])

    assert due == date(2025, 7, 8)
    stock = {
        row["day"].day: (row["open_end"], row["overdue_end"])
        for row in DailyStat.objects.filter(unit=unit_a).values("day", "open_end", "overdue_end")
    }
    assert stock == {
        1: (1, 0),
        2: (1, 0),
        3: (1, 0),
        4: (1, 0),
        5: (1, 0),
        6: (1, 0),
        7: (1, 0),
        8: (1, 0),  # due on the 8th: not overdue on its appointment day
        9: (1, 1),  # the day is past its appointment date and it is still open
        10: (1, 1),
        11: (0, 0),
        12: (0, 0),
        13: (0, 0),
        14: (0, 0),
        15: (0, 0),
    }
    assert figures(unit_a, date(2025, 7, 11), "finished", "finished_late") == {
        "finished": 1,
        "finished_late": 1,
    }
    assert figures(unit_a, date(2025, 7, 14), "returned", "returned_post") == {
        "returned": 1,
        "returned_post": 1,
    }


def test_compute_splits_receiving_and_handling_unit(clerk_a, unit_a, unit_b):
    record = receive(clerk_a, unit_a, handling_unit=unit_b, received_at=local(2025, 7, 2, 9))
    services.record_stop(record=record, actor=clerk_a, reason="Rút", at=local(2025, 7, 3, 9))

    compute_daily_stats(date_from=date(2025, 7, 2), date_to=date(2025, 7, 3))

    assert figures(unit_a, date(2025, 7, 2), "received", "open_end") == {
        "received": 1,
        "open_end": 0,
    }
    assert figures(unit_b, date(2025, 7, 2), "received", "open_end") == {
        "received": 0,
        "open_end": 1,
    }
    assert figures(unit_b, date(2025, 7, 3), "finished", "stopped", "finished_early") == {
        "finished": 1,
        "stopped": 1,
        "finished_early": 1,
    }


def test_recompute_twice_gives_identical_rows(clerk_a, unit_a):
    for hour in (8, 9, 10):
        record = receive(clerk_a, unit_a, received_at=local(2025, 7, 2, hour))
    services.record_resolve(record=record, actor=clerk_a, at=local(2025, 7, 4, 9))
    compute_daily_stats(date_from=JULY, date_to=date(2025, 7, 10), unit_ids=[unit_a.pk])
    first = rows_of(unit_a)

    compute_daily_stats(date_from=JULY, date_to=date(2025, 7, 10), unit_ids=[unit_a.pk])

    assert rows_of(unit_a) == first
    assert len(first) == 10


def test_compute_widens_range_to_keep_rows_contiguous(unit_a):
    compute_daily_stats(date_from=JULY, date_to=date(2025, 7, 2), unit_ids=[unit_a.pk])
    compute_daily_stats(date_from=date(2025, 7, 5), date_to=date(2025, 7, 5), unit_ids=[unit_a.pk])
    compute_daily_stats(
        date_from=date(2025, 6, 25), date_to=date(2025, 6, 26), unit_ids=[unit_a.pk]
    )

    days = list(DailyStat.objects.filter(unit=unit_a).values_list("day", flat=True))
    assert days == [date(2025, 6, 25) + timedelta(days=n) for n in range(11)]


def statistics_callbacks(callbacks) -> list:
    """The statistics' after-commit callbacks (other apps, such as the national portal's
    outbox, queue their own)."""
    return [callback for callback in callbacks if callback.__module__ == "stats.tasks"]


def test_record_change_schedules_recompute_after_commit(
    eager, clerk_a, unit_a, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record = receive(clerk_a, unit_a)
    recomputes = statistics_callbacks(callbacks)
    assert len(recomputes) == 1
    assert not DailyStat.objects.exists()  # nothing runs before the commit
    assert RecomputeOwed.objects.count() == 1  # owed, in the change's transaction
    recomputes[0]()  # the commit: the task runs and clears its note

    with django_capture_on_commit_callbacks(execute=True):
        record = receive(clerk_a, unit_a)
    assert figures(unit_a, today, "received", "open_end") == {"received": 2, "open_end": 2}

    with django_capture_on_commit_callbacks(execute=True):
        services.record_resolve(record=record, actor=clerk_a)
    assert figures(unit_a, today, "finished", "finished_early", "open_end") == {
        "finished": 1,
        "finished_early": 1,
        "open_end": 1,
    }
    assert not RecomputeOwed.objects.exists()


def test_record_change_without_figures_schedules_nothing(
    clerk_a, unit_a, django_capture_on_commit_callbacks
):
    record = receive(clerk_a, unit_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.record_process(record=record, actor=clerk_a)
        services.record_update_details(
            record=record, actor=clerk_a, changes={"note": "Gọi lại sau"}
        )
    assert statistics_callbacks(callbacks) == []


def test_late_change_recomputes_earlier_days_and_is_noted(
    eager, clerk_a, unit_a, django_capture_on_commit_callbacks
):
    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 9))
    call_command("compute_stats", "--from", "2025-07-01", "--commune", UNIT_A)
    assert figures(unit_a, date(2025, 7, 20), "open_end", "overdue_end") == {
        "open_end": 1,
        "overdue_end": 1,
    }

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.record_resolve(record=record, actor=clerk_a, at=local(2025, 7, 9, 10))
    # The receipt (backdated) and the resolution were both noted, in their own transactions.
    assert set(RecomputeOwed.objects.values_list("unit", "day")) == {
        (unit_a.pk, date(2025, 7, 1)),
        (unit_a.pk, date(2025, 7, 9)),
    }
    for callback in callbacks:  # the commit
        callback()

    assert figures(unit_a, date(2025, 7, 8), "open_end", "finished") == {
        "open_end": 1,
        "finished": 0,
    }
    assert figures(unit_a, date(2025, 7, 9), "open_end", "finished", "finished_late") == {
        "open_end": 0,
        "finished": 1,
        "finished_late": 1,
    }
    assert figures(unit_a, date(2025, 7, 20), "open_end", "overdue_end") == {
        "open_end": 0,
        "overdue_end": 0,
    }
    # The resolution's task cleared its note; the receipt's task never ran (no commit in this
    # test), so its note stays for the sweep.
    assert set(RecomputeOwed.objects.values_list("unit", "day")) == {(unit_a.pk, date(2025, 7, 1))}


def test_digitised_correction_recomputes_receipt_day(
    eager, clerk_a, unit_a, django_capture_on_commit_callbacks
):
    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 3, 9))
    compute_daily_stats(date_from=JULY, date_to=date(2025, 7, 5), unit_ids=[unit_a.pk])
    assert figures(unit_a, date(2025, 7, 3), "digitised") == {"digitised": 0}

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.record_update_details(record=record, actor=clerk_a, changes={"digitised": True})
    assert list(RecomputeOwed.objects.values_list("day", flat=True)) == [date(2025, 7, 3)] * 2
    for callback in callbacks:  # the commit
        callback()

    assert figures(unit_a, date(2025, 7, 3), "digitised") == {"digitised": 1}
    assert list(RecomputeOwed.objects.values_list("day", flat=True)) == [date(2025, 7, 3)]


def test_receipt_of_submission_recomputes_submission_day(
    eager, clerk_a, unit_a, django_capture_on_commit_callbacks
):
    submitted = services.record_submit(
        actor=None,
        procedure="ho-tich-khai-tu",
        receiving_unit=unit_a,
        applicant=APPLICANT,
        submitted_at=local(2025, 7, 4, 20),
    )
    compute_daily_stats(date_from=JULY, date_to=date(2025, 7, 8), unit_ids=[unit_a.pk])
    assert figures(unit_a, date(2025, 7, 4), "not_accepted") == {"not_accepted": 1}

    with django_capture_on_commit_callbacks(execute=True):
        services.record_receive(record=submitted, actor=clerk_a, at=local(2025, 7, 7, 8))

    assert figures(unit_a, date(2025, 7, 4), "not_accepted") == {"not_accepted": 0}
    assert figures(unit_a, date(2025, 7, 7), "received", "received_online") == {
        "received": 1,
        "received_online": 1,
    }


def test_nightly_recomputes_yesterday_and_today_for_every_unit_and_late_days(clerk_a, unit_a):
    receive(clerk_a, unit_a, received_at=local(2025, 7, 3, 9))
    RecomputeOwed.objects.create(unit=unit_a, day=date(2025, 7, 3))

    result = recompute_nightly(today=date(2025, 7, 12))

    units = Commune.objects.count()
    assert DailyStat.objects.filter(day=date(2025, 7, 11)).count() == units
    assert DailyStat.objects.filter(day=date(2025, 7, 12)).count() == units
    assert DailyStat.objects.exclude(unit=unit_a).count() == 2 * (units - 1)
    assert DailyStat.objects.filter(unit=unit_a).count() == 10  # 3 to 12 July
    assert figures(unit_a, date(2025, 7, 3), "received") == {"received": 1}
    assert result.rows == 2 * (units - 1) + 10
    assert not RecomputeOwed.objects.exists()


def test_eager_task_runs_in_process(eager, unit_a):
    outcome = tasks.recompute_unit_days.delay(unit_a.pk, "2025-07-01", "2025-07-03")
    assert outcome.get() == 3
    assert DailyStat.objects.filter(unit=unit_a).count() == 3


def test_tasks_are_named_acks_late_and_retry_transient_errors():
    from django.db import OperationalError

    for task, name in [
        (tasks.recompute_unit_days, "stats.recompute_unit_days"),
        (tasks.recompute_yesterday, "stats.recompute_yesterday"),
    ]:
        assert task.name == name
        assert task.acks_late is True
        assert OperationalError in task.autoretry_for
    from hue_admin.celery import app

    schedule = app.conf.beat_schedule["stats-nightly"]
    assert schedule["task"] == "stats.recompute_yesterday"
    assert (schedule["schedule"].hour, schedule["schedule"].minute) == ({0}, {5})
    sweep = app.conf.beat_schedule["stats-sweep"]
    assert (sweep["task"], sweep["schedule"]) == ("stats.recompute_noted", 300.0)
    assert tasks.recompute_noted.name == "stats.recompute_noted"


def test_compute_stats_command_backfills_range(clerk_a, unit_a, capsys):
    receive(clerk_a, unit_a, received_at=local(2025, 7, 2, 9))

    call_command("compute_stats", "--from", "2025-07-01", "--to", "2025-07-03", "--commune", UNIT_A)

    assert "Computed 3 daily rows for 1 units (2025-07-01 to 2025-07-03)" in capsys.readouterr().out
    assert [row["received"] for row in rows_of(unit_a)] == [0, 1, 0]


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--from", "2025-07-03", "--to", "2025-07-01"], "--to is before --from"),
        (["--from", "1/7/2025"], "is not a date"),
        (["--from", "2025-07-01", "--commune", "99999"], "Unknown unit code(s): 99999"),
        (["--to", "2999-01-01", "--from", "2025-07-01"], "is in the future"),
    ],
)
def test_compute_stats_command_rejects_bad_arguments(reference_data, arguments, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("compute_stats", *arguments)


@pytest.mark.slow
def test_demo_report_shows_reference_figures(reference_data):
    from demo.seed import seed_demo_records
    from demo.users import ensure_demo_users

    ensure_demo_users()
    seed_demo_records()
    call_command("compute_stats", "--from", "2025-07-01", "--to", "2025-07-11")

    report = period_report(
        date_from=JULY, date_to=date(2025, 7, 11), units=list(Commune.objects.all())
    )

    assert report.totals["received"] == 13_474
    assert report.totals["received_online"] == 9_381
    assert str(report.rates["online_rate"]) == "69.62"
    assert report.totals["carried_over"] == 0
    most = report.highlights["most_received"]
    assert (most.unit.code, most.counts["received"]) == ("19753", 1_522)
    best = report.highlights["highest_handling_rate"]
    assert (best.unit.code, str(best.rates["handling_rate"])) == ("20050", "98.00")
    online = report.highlights["highest_online_rate"]
    assert (online.unit.code, online.counts["received_online"], online.counts["received"]) == (
        "19942",
        326,
        327,
    )
    first_day = report.daily[0]
    assert report.rates["online_rate"] - first_day["online_rate"] > 45
    assert report.summary_vi == (
        "Từ ngày 01/7 đến 11/7/2025, 40 xã, phường tiếp nhận 13.474 hồ sơ, tỷ lệ trực tuyến "
        "69,62%. Phường Phú Xuân tiếp nhận nhiều nhất (1.522 hồ sơ); trong các đơn vị có từ 20 hồ "
        "sơ trở lên, xã A Lưới 5 có tỷ lệ giải quyết cao nhất (98,00%) và xã Phú Vang có tỷ lệ "
        "trực tuyến cao nhất (326/327 hồ sơ)."
    )
    assert report.summary_en == (
        "From 1 to 11 July 2025, the 40 wards and communes received 13,474 records, with an "
        "online rate of 69.62%. Phu Xuan Ward received the most (1,522 records); among units "
        "with at least 20 records, A Luoi 5 Commune had the highest handling rate (98.00%) and "
        "Phu Vang Commune the highest online rate (326 of 327 records)."
    )


@pytest.mark.django_db(transaction=True)
def test_record_change_recomputes_after_real_commit(eager, clerk_a, unit_a):
    record = receive(clerk_a, unit_a)
    services.record_resolve(record=record, actor=clerk_a)

    assert figures(unit_a, timezone.localdate(), "received", "finished", "open_end") == {
        "received": 1,
        "finished": 1,
        "open_end": 0,
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_of_same_unit_wait_for_each_other(clerk_a, unit_a, unit_b):
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")
    receive(clerk_a, unit_a, received_at=local(2025, 7, 2, 9))
    holding, release = threading.Event(), threading.Event()
    finished_at = {}

    def hold_lock():
        try:
            with transaction.atomic():
                _lock_units([unit_a.pk])
                holding.set()
                release.wait(10)
                finished_at["holder"] = time.monotonic()
        finally:
            connection.close()

    def compute(unit, key):
        try:
            compute_daily_stats(date_from=JULY, date_to=date(2025, 7, 3), unit_ids=[unit.pk])
            finished_at[key] = time.monotonic()
        finally:
            connection.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    assert holding.wait(10)
    same = threading.Thread(target=compute, args=(unit_a, "same"))
    other = threading.Thread(target=compute, args=(unit_b, "other"))
    same.start()
    other.start()
    other.join(10)
    time.sleep(0.5)
    assert "other" in finished_at  # another unit is not held up
    assert "same" not in finished_at  # the same unit waits for the running one
    release.set()
    holder.join(10)
    same.join(10)
    assert finished_at["same"] >= finished_at["holder"]
    assert figures(unit_a, date(2025, 7, 2), "received") == {"received": 1}
    assert Record.objects.count() == 1
