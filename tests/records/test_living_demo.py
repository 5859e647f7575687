"""``manage.py seed_demo``'s living demo: the working weeks up to "now" (here a fixed moment,
``--as-of``), so that every desk opens on today's work, while the 1–11 July 2025 reference
keeps its figures and its loose ends are finished in the weeks after it.

Seeded once for the module inside a transaction rolled back at the end.
"""

import io
import re
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import Q

from accounts.models import User
from communes.models import Commune
from demo.context import seed_context
from demo.recent import RECENT_WORKING_DAYS, living_context, recent_lives, recent_window
from records.calendar import WorkingCalendar
from records.enums import OPEN_STATUSES, Channel, Status
from records.lifecycle import ACTIONS
from records.models import Record, RecordEvent, RecordSequence
from records.selectors import workspace_summary
from stats.reports import period_report

HUE = ZoneInfo("Asia/Ho_Chi_Minh")
AS_OF = datetime(2025, 12, 3, 10, 30, tzinfo=HUE)  # a Wednesday morning
LATER = datetime(2025, 12, 5, 15, 0, tzinfo=HUE)  # the same world two days on
JULY_END = datetime.combine(date(2025, 7, 11), time.max, tzinfo=HUE)
WINDOW_START = datetime(2025, 11, 13, tzinfo=HUE)  # 15 working days up to 3 December

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command(
            "seed_demo", "--force", "--as-of", AS_OF.strftime("%Y-%m-%dT%H:%M"), stdout=out
        )
        yield out.getvalue()
        transaction.set_rollback(True)


def recent() -> "Q":
    return Q(received_at__gte=WINDOW_START) | Q(submitted_at__gte=WINDOW_START - timedelta(days=7))


def test_the_window_is_the_last_working_weeks_up_to_today(seeded):
    days = recent_window(seed_context(), AS_OF)
    assert len(days) == RECENT_WORKING_DAYS
    assert days[-1] == AS_OF.date() and days[0] == WINDOW_START.date()
    assert all(WorkingCalendar().is_working_day(day) for day in days)
    assert "Living demo, the last 15 working days up to 2025-12-03 10:30" in seeded


def test_the_july_reference_keeps_its_figures(seeded):
    units = list(Commune.objects.filter(active=True).order_by("code"))
    report = period_report(date_from=date(2025, 7, 1), date_to=date(2025, 7, 11), units=units)
    assert report.totals["received"] == 13_474
    assert report.totals["received_online"] == 9_381
    assert str(report.rates["online_rate"]) == "69.62"
    best = {row.unit.code: row for row in report.rows}["20050"]  # A Lưới 5: 49 of 50
    assert (best.counts["finished"], str(best.rates["handling_rate"])) == (49, "98.00")


def test_the_july_backlog_is_finished_in_the_weeks_after(seeded):
    july = Record.objects.filter(Q(received_at__lte=JULY_END) | Q(submitted_at__lte=JULY_END))
    assert not july.filter(status__in=[*OPEN_STATUSES, Status.SUBMITTED, Status.RESOLVED]).exists()
    later = RecordEvent.objects.filter(record__in=july, at__gt=JULY_END)
    assert later.exists()
    assert not later.filter(at__gte=datetime(2025, 9, 1, tzinfo=HUE)).exists()
    accepted = july.filter(received_at__gt=JULY_END)  # the submissions left waiting on 11 July
    assert accepted.count() > 20
    for record in accepted:
        assert re.search(r"-250714-\d{4}$", record.code), record.code


def test_every_desk_opens_on_todays_work(seeded):
    calendar = WorkingCalendar()
    soon = calendar.add_working_days(AS_OF.date(), 2)
    for username in ("canbo.phuxuan", "canbo.phuvang"):
        user = User.objects.get(username=username)
        summary = workspace_summary(user, today=AS_OF.date(), soon_until=soon)
        assert summary["received_today"] > 0, username
        assert summary["awaiting_acceptance"] > 0, username
        assert summary["due_soon"] > 0, username
        assert summary["not_returned"] > 0, username
    big = workspace_summary(
        User.objects.get(username="canbo.phuxuan"), today=AS_OF.date(), soon_until=soon
    )
    open_records = Record.objects.filter(
        receiving_unit__code="19753", status__in=OPEN_STATUSES
    ).count()
    assert 0 < big["overdue"] <= open_records * 0.1  # a few overdue, not a year's backlog
    waiting = Record.objects.filter(status=Status.SUBMITTED)
    assert waiting.filter(acceptance_due_at__lt=AS_OF).exists()  # past their 8 working hours
    assert waiting.filter(acceptance_due_at__gt=AS_OF).exists()  # still within them
    assert waiting.filter(paused_since__isnull=False).exists()  # returned for completion
    at_points = Record.objects.filter(result_at_point_since__isnull=False, returned_at=None)
    assert at_points.filter(received_at__gte=WINDOW_START).exists()


def test_the_desk_home_shows_the_living_figures(seeded, client):
    client.force_login(User.objects.get(username="canbo.phuxuan"))
    with time_machine.travel(AS_OF, tick=False):
        page = client.get("/").content.decode()
        inbox = client.get("/records/submissions/").content.decode()
    waiting = Record.objects.filter(status=Status.SUBMITTED, receiving_unit__code="19753")
    assert waiting.count() > 0
    assert re.search(rf">\s*{waiting.count()}\s*<", page)
    for record in waiting:
        assert str(record.public_id) in inbox


def test_nothing_happens_after_now_and_histories_chain(seeded):
    records = Record.objects.filter(recent())
    assert records.count() > 8_000
    assert not records.filter(Q(received_at__gt=AS_OF) | Q(submitted_at__gt=AS_OF)).exists()
    assert not RecordEvent.objects.filter(at__gt=AS_OF).exists()
    events = defaultdict(list)
    rows = RecordEvent.objects.filter(record__in=records).order_by("record_id", "at", "id")
    for event in rows.values("record_id", "action", "from_status", "to_status", "at"):
        events[event["record_id"]].append(event)
    for record in records.values("id", "status", "version"):
        history = events[record["id"]]
        assert history[0]["from_status"] is None
        for before, after in zip(history, history[1:], strict=False):
            assert after["from_status"] == before["to_status"]
            rule = ACTIONS[after["action"]]
            assert after["from_status"] in rule.sources
            assert after["to_status"] == (rule.target or after["from_status"])
        assert history[-1]["to_status"] == record["status"]
        assert record["version"] == len(history)


def test_codes_and_national_numbers(seeded):
    calendar = WorkingCalendar()
    by_key = defaultdict(list)
    received = Record.objects.filter(received_at__gte=WINDOW_START)
    for unit_id, moment, code in received.values_list("receiving_unit", "received_at", "code"):
        by_key[(unit_id, moment.astimezone(HUE).date())].append((moment, int(code[-4:])))
    for key, numbered in by_key.items():
        assert [n for _, n in sorted(numbered)] == list(range(1, len(numbered) + 1)), key
        assert RecordSequence.objects.get(unit_id=key[0], day=key[1]).last_number == len(numbered)
    online = Record.objects.filter(recent(), channel=Channel.ONLINE)
    assert online.filter(national_dossier_no=None).count() == 0
    for record in online.order_by("pk")[:200]:
        assert re.fullmatch(
            rf"G22\.{record.receiving_unit.code}-\d{{6}}-\d{{5}}", record.national_dossier_no
        )
        assert record.acceptance_due_at == calendar.add_working_hours(record.submitted_at, 8)
    rate = online.filter(received_at__gte=WINDOW_START).count() / received.count()
    assert 0.7 < rate < 0.9


def test_the_world_is_the_same_whatever_the_day_and_a_rerun_changes_nothing(seeded):
    context = living_context(AS_OF)
    days = recent_window(context, AS_OF)[:3]

    def facts(lives):
        return [
            (f["receiving_unit_id"], f["received_at"], f["applicant_name"], f["status"])
            for f in (life.fields for life in lives)
        ]

    first = facts(recent_lives(context, days, AS_OF, waiting=False))
    assert first == facts(recent_lives(context, days, AS_OF, waiting=False))
    before = Record.objects.count(), RecordEvent.objects.count()
    out = io.StringIO()
    call_command("seed_demo", "--force", "--as-of", AS_OF.strftime("%Y-%m-%dT%H:%M"), stdout=out)
    assert "nothing changed" in out.getvalue()
    assert (Record.objects.count(), RecordEvent.objects.count()) == before


def test_seeding_later_fills_only_the_days_since(seeded):
    today_before = set(
        Record.objects.filter(received_at__date=AS_OF.date()).values_list("code", flat=True)
    )
    out = io.StringIO()
    with transaction.atomic():
        call_command(
            "seed_demo", "--force", "--as-of", LATER.strftime("%Y-%m-%dT%H:%M"), stdout=out
        )
        assert "Living demo" in out.getvalue()
        after = set(
            Record.objects.filter(received_at__date=AS_OF.date()).values_list("code", flat=True)
        )
        assert after == today_before  # a day already there is left as it is
        for day in (date(2025, 12, 4), date(2025, 12, 5)):
            assert Record.objects.filter(received_at__date=day).exists()
        numbers = Record.objects.exclude(national_dossier_no=None).values_list(
            "national_dossier_no", flat=True
        )
        assert len(numbers) == len(set(numbers))
        transaction.set_rollback(True)


def test_transfers_and_ticked_documents_in_the_living_demo(seeded):
    transferred = Record.objects.filter(events__action="transfer").distinct()
    # demo.documents.TRANSFERS: 7 at most (a small unit may have no open record to transfer)
    assert 6 <= transferred.count() <= 7
    assert transferred.filter(transfer_pending_since__isnull=False).count() >= 3
    back = transferred.get(result_at_desk_since__isnull=False)
    assert back.status == Status.RESOLVED and back.receiving_unit.code == "19753"
    assert all(r.handling_unit_id != r.receiving_unit_id for r in transferred)
    for username, to_accept in (("canbo.phuvang", 2), ("canbo.phuxuan", 1)):
        clerk = User.objects.get(username=username)
        summary = workspace_summary(clerk, today=AS_OF.date(), soon_until=AS_OF.date())
        assert summary["to_accept"] >= to_accept, username
    phuxuan = User.objects.get(username="canbo.phuxuan")
    summary = workspace_summary(phuxuan, today=AS_OF.date(), soon_until=AS_OF.date())
    assert summary["results_to_return"] == 1
    desk = Record.objects.filter(received_at__gte=WINDOW_START, channel=Channel.IN_PERSON)
    assert not desk.filter(components=None).exists()  # every desk dossier lists its documents
    assert desk.filter(components__provided=False).exclude(components_missing="").exists()


def test_the_demo_has_payment_requests_and_payments_that_follow_the_history(seeded):
    """Fees (tests/payments): every ``request_payment`` event is a payment request, every
    ``paid`` its payment with a receipt number, gapless per unit and year; a record awaiting
    payment has its open request; ``paid_online`` follows the payments' channel."""
    from records.models import Payment, PaymentRequest

    requested = RecordEvent.objects.filter(action="request_payment").count()
    assert requested > 0 and PaymentRequest.objects.count() == requested
    assert Payment.objects.count() == RecordEvent.objects.filter(action="paid").count() > 0
    awaiting = Record.objects.filter(status=Status.AWAITING_PAYMENT)
    assert awaiting.count() == PaymentRequest.objects.filter(state="requested").count()
    assert not awaiting.exclude(payment_requests__state="requested").exists()
    numbers = defaultdict(list)
    for unit, year, number in Payment.objects.values_list(
        "receipt_unit", "receipt_year", "receipt_number"
    ):
        numbers[unit, year].append(number)
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in numbers.values())
    online = set(Payment.objects.filter(channel="online").values_list("request__record", flat=True))
    assert online and online == set(
        Record.objects.filter(paid_online=True).values_list("pk", flat=True)
    )
