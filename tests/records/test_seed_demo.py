"""``manage.py seed_demo --reference-only``: the demo records of 1–11 July 2025 reproduce the
city's report (the living weeks up to today: ``test_living_demo``).

Every figure is counted directly on ``Record`` rows (no statistics code). The demo data is
seeded once for the module inside a transaction that is rolled back at the end, so the rest
of the suite never sees it.
"""

import io
import re
from collections import defaultdict
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, Q

from accounts.models import User
from agent_points.models import AgentPoint
from communes.models import Commune
from demo.plan import TOTAL_RECEIVED
from demo.seed import build_lives, demo_records_present, seed_context
from records.calendar import OFFICE_CLOSES, OFFICE_OPENS, WorkingCalendar
from records.deadlines import appointment_date, outcome_for
from records.enums import OPEN_STATUSES, Channel, ResultDelivery, ReturnMethod, Status
from records.lifecycle import ACTIONS
from records.models import Record, RecordEvent, RecordSequence
from records.validation import clean_applicant

HUE = ZoneInfo("Asia/Ho_Chi_Minh")
START = datetime(2025, 7, 1, tzinfo=HUE)
END = datetime.combine(date(2025, 7, 11), time.max, tzinfo=HUE)
RECEIVED = Q(received_at__range=(START, END)) & ~Q(status__in=[Status.SUBMITTED, Status.REFUSED])
FINISHED = Q(status__in=[Status.STOPPED, Status.RESOLVED, Status.RETURNED], finished_at__lte=END)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]  # one seed_demo for the module


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Run ``seed_demo`` once for the module; roll everything back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        call_command("seed_demo", "--force", "--reference-only", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def received():
    return Record.objects.filter(RECEIVED)


def unit_figures() -> dict[str, dict]:
    """Per receiving unit: received, online, finished (counted on the rows)."""
    rows = (
        received()
        .values("receiving_unit__code")
        .annotate(
            received=Count("id"),
            online=Count("id", filter=Q(channel=Channel.ONLINE)),
            finished=Count("id", filter=FINISHED),
        )
    )
    return {row.pop("receiving_unit__code"): row for row in rows}


def rate(part: int, whole: int) -> float:
    return round(100 * part / whole, 2)


def test_seed_demo_reports_created_records(seeded):
    assert "13,474 received" in seeded
    assert "canbo.phuxuan" in seeded


def test_seed_demo_total_received_is_13474(seeded):
    assert received().count() == 13_474
    assert TOTAL_RECEIVED == 13_474


def test_seed_demo_online_rate_is_69_62(seeded):
    online = received().filter(channel=Channel.ONLINE).count()
    assert online == 9_381
    assert rate(online, received().count()) == 69.62


def test_seed_demo_first_day_online_rate_is_about_46_points_lower(seeded):
    first_day = received().filter(received_at__lt=datetime(2025, 7, 2, tzinfo=HUE))
    day_rate = rate(first_day.filter(channel=Channel.ONLINE).count(), first_day.count())
    assert (first_day.count(), day_rate) == (1_216, 23.68)
    assert 45.5 <= 69.62 - day_rate <= 46.0


def test_seed_demo_phu_xuan_received_the_most(seeded):
    figures = unit_figures()
    assert len(figures) == 40
    assert figures["19753"]["received"] == 1_522
    others = [f["received"] for code, f in figures.items() if code != "19753"]
    assert max(others) < 1_522


def test_seed_demo_a_luoi_5_has_the_highest_handling_rate(seeded):
    figures = unit_figures()
    a_luoi_5 = figures["20050"]
    assert (a_luoi_5["finished"], a_luoi_5["received"]) == (49, 50)
    assert rate(49, 50) == 98.00
    for code, f in figures.items():
        if code != "20050":
            assert rate(f["finished"], f["received"]) < 98.00, code


def test_seed_demo_phu_vang_has_the_highest_online_rate(seeded):
    figures = unit_figures()
    assert (figures["19942"]["online"], figures["19942"]["received"]) == (326, 327)
    for code, f in figures.items():
        if code != "19942":
            assert f["online"] * 327 < 326 * f["received"], code


def test_seed_demo_volumes_follow_population(seeded):
    figures = unit_figures()
    units = {u.code: u.population for u in Commune.objects.all()}
    fixed = {"19753", "19942", "20050"}
    per_person = [
        figures[code]["received"] / population
        for code, population in units.items()
        if code not in fixed
    ]
    assert max(per_person) / min(per_person) < 1.03


def test_seed_demo_non_intake_records_are_apart(seeded):
    assert Record.objects.filter(status=Status.REFUSED, code__isnull=True).count() > 0
    assert Record.objects.filter(status=Status.SUBMITTED, code__isnull=True).count() > 0
    assert not Record.objects.filter(
        status__in=[Status.SUBMITTED, Status.REFUSED], received_at__isnull=False
    ).exists()


def test_seed_demo_receipts_in_office_hours_of_working_days(seeded):
    calendar = WorkingCalendar()
    days = set()
    for moment in received().values_list("received_at", flat=True):
        local = moment.astimezone(HUE)
        days.add(local.date())
        assert calendar.is_working_day(local.date())
        clock = local.time()
        assert OFFICE_OPENS <= clock < time(11, 30) or time(13, 0) <= clock < OFFICE_CLOSES
    assert date(2025, 7, 5) not in days
    assert date(2025, 7, 6) not in days
    assert len(days) == 9


def test_seed_demo_codes_are_gap_free_per_unit_and_day(seeded):
    by_key = defaultdict(list)
    rows = received().values_list(
        "receiving_unit_id", "receiving_unit__agency_code", "received_at", "code"
    )
    for unit_id, agency, moment, code in rows:
        day = moment.astimezone(HUE).date()
        match = re.fullmatch(rf"{re.escape(agency)}-{day:%y%m%d}-(\d{{4}})", code)
        assert match, code
        by_key[(unit_id, day)].append((moment, int(match.group(1))))
    sequences = {
        (unit_id, day): last
        for unit_id, day, last in RecordSequence.objects.values_list("unit", "day", "last_number")
    }
    assert sequences.keys() == by_key.keys()
    for key, numbered in by_key.items():
        numbered.sort()
        assert [n for _, n in numbered] == list(range(1, len(numbered) + 1)), key
        assert sequences[key] == len(numbered)


def test_seed_demo_histories_chain_and_match_the_record(seeded):
    events = defaultdict(list)
    for event in RecordEvent.objects.order_by("record_id", "at", "id").values(
        "record_id", "action", "from_status", "to_status", "at"
    ):
        events[event["record_id"]].append(event)
    records = Record.objects.values("id", "status", "version", "finished_at", "returned_at")
    assert len(events) == records.count()
    for record in records:
        history = events[record["id"]]
        assert history[0]["from_status"] is None
        for before, after in zip(history, history[1:], strict=False):
            assert after["from_status"] == before["to_status"]
            assert after["at"] >= before["at"]
            rule = ACTIONS[after["action"]]
            assert after["from_status"] in rule.sources
            assert after["to_status"] == (rule.target or after["from_status"])
        assert history[-1]["to_status"] == record["status"]
        assert history[-1]["at"] <= END
        assert record["version"] == len(history)


def test_seed_demo_outcomes_and_dates_follow_the_rules(seeded):
    calendar = WorkingCalendar()
    unpaused = received().exclude(Q(supplement_count__gt=0) | Q(events__action="request_payment"))
    for record in unpaused.select_related("procedure"):
        expected = appointment_date(
            record.received_at, record.procedure.time_limit, record.procedure.time_unit, calendar
        )
        assert record.due_date == expected, record.code
    for record in received().filter(status__in=[Status.STOPPED, Status.RESOLVED, Status.RETURNED]):
        assert record.received_at < record.finished_at <= END
        assert record.outcome == outcome_for(
            record.finished_at, record.due_date, supplement_count=record.supplement_count
        )
    for record in received().filter(status=Status.RETURNED):
        assert record.finished_at <= record.returned_at <= END
        assert record.return_method in ReturnMethod.values
    assert not received().filter(status__in=OPEN_STATUSES).exclude(outcome="").exists()


def test_seed_demo_has_every_kind_of_record(seeded):
    statuses = set(received().values_list("status", flat=True))
    assert statuses == {2, 4, 5, 6, 7, 8, 9, 10}
    outcomes = set(received().exclude(outcome="").values_list("outcome", flat=True))
    assert outcomes == {"early", "on_time", "late"}
    methods = set(received().exclude(return_method="").values_list("return_method", flat=True))
    assert methods == {"counter", "post", "online"}
    overdue = received().filter(status__in=OPEN_STATUSES, due_date__lt=date(2025, 7, 12))
    assert overdue.count() > 50
    assert received().filter(status__in=OPEN_STATUSES).count() > 1_000
    assert received().filter(supplement_count__gt=0).exists()
    assert received().filter(extended_due_date__isnull=False).exists()
    assert received().filter(events__action="withdraw").exists()


def test_seed_demo_postal_records_use_agent_points_of_their_unit(seeded):
    points = dict(AgentPoint.objects.values_list("pk", "commune_id"))
    postal = received().filter(Q(channel=Channel.POSTAL) | Q(return_method=ReturnMethod.POST))
    assert postal.count() > 300
    for unit_id, point_id in postal.values_list("receiving_unit_id", "agent_point_id"):
        assert points[point_id] == unit_id


def test_seed_demo_applicants_are_valid(seeded):
    fields = [
        "applicant_name",
        "applicant_id_number",
        "applicant_phone",
        "applicant_address",
        "channel",
    ]
    ids = set()
    for row in Record.objects.values(*fields):
        cleaned = clean_applicant(row.pop("channel"), row)
        assert cleaned["applicant_phone"] == row["applicant_phone"]
        ids.add(row["applicant_id_number"][:3])
    assert "046" in ids
    share = Record.objects.filter(applicant_id_number__startswith="046").count()
    assert share / Record.objects.count() > 0.8


def test_seed_demo_second_run_changes_nothing(seeded):
    def snapshot():
        return (
            list(Record.objects.order_by("id").values()),
            list(RecordEvent.objects.order_by("id").values()),
            list(RecordSequence.objects.order_by("id").values()),
        )

    before = snapshot()
    assert demo_records_present()
    out = io.StringIO()
    call_command("seed_demo", "--force", "--reference-only", stdout=out)
    assert "already present, nothing changed" in out.getvalue()
    assert snapshot() == before


def test_seed_demo_lives_are_deterministic(seeded):
    context = seed_context()
    first = [(life.fields, life.events) for life in build_lives(context)]
    second = [(life.fields, life.events) for life in build_lives(seed_context())]
    assert first == second
    stored = set(received().values_list("code", "applicant_name", "received_at", "status"))
    rebuilt = {
        (f["code"], f["applicant_name"], f["received_at"], f["status"])
        for f, _ in first
        if f["received_at"] is not None
    }
    assert len(rebuilt) == 13_474
    assert {(n, r, s) for _, n, r, s in stored} == {(n, r, s) for _, n, r, s in rebuilt}


def test_seed_demo_post_office_work_follows_the_agent_point_flow(seeded):
    by_post = received().filter(return_method=ReturnMethod.POST)
    assert by_post.count() > 200
    assert not by_post.filter(result_delivery=ResultDelivery.AT_UNIT).exists()
    for record in by_post:
        actions = [e.action for e in record.events.order_by("at", "id")]
        assert actions[-3:] == ["resolve", "take_over", "deliver"], record.code
        assert record.finished_at <= record.result_at_point_since <= record.returned_at
    postal = received().filter(channel=Channel.POSTAL)
    digitised = postal.filter(events__action="digitise")
    assert digitised.count() == postal.filter(digitised=True).count() > 150
    post_staff = User.objects.get(username="buudien.phuxuan")
    mine = Record.objects.filter(agent_point=post_staff.agent_point)
    assert mine.filter(channel=Channel.POSTAL, created_by=post_staff).exists()
    assert RecordEvent.objects.filter(actor=post_staff, action="deliver").exists()


def test_seed_demo_online_submissions_come_from_the_national_portal(seeded):
    """Every online record carries its national dossier number and its acceptance deadline,
    8 working hours after the submission; the submissions still waiting show in the inbox."""
    calendar = WorkingCalendar()
    online = Record.objects.filter(channel=Channel.ONLINE)
    assert online.filter(national_dossier_no=None).count() == 0
    assert online.filter(acceptance_due_at=None).count() == 0
    assert (
        Record.objects.exclude(channel=Channel.ONLINE).exclude(national_dossier_no=None).count()
        == 0
    )
    for record in [*online.order_by("pk")[:25], *online.filter(status=Status.SUBMITTED)]:
        assert record.acceptance_due_at == calendar.add_working_hours(record.submitted_at, 8)
        assert record.national_dossier_no.startswith(f"G22.{record.receiving_unit.code}-")
    waiting = online.filter(status=Status.SUBMITTED)
    assert waiting.count() > 0
