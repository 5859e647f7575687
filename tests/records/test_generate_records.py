"""``manage.py generate_records``: synthetic records at scale, small runs here."""

import io
import re
from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts.models import Role
from records.calendar import WorkingCalendar
from records.deadlines import appointment_date, outcome_for
from records.enums import OPEN_STATUSES, Channel, ReturnMethod, Status
from records.models import Record, RecordEvent, RecordSequence
from records.validation import clean_applicant
from tests.helpers import local, make_user, receive

HUE = ZoneInfo("Asia/Ho_Chi_Minh")
CODE = re.compile(r"^(H57\.\d{5})-(\d{6})-(\d{4})$")

pytestmark = pytest.mark.django_db


def generate(*args) -> str:
    out = io.StringIO()
    call_command("generate_records", *args, stdout=out)
    return out.getvalue()


def numbers_by_unit_day() -> dict[tuple[str, str], list[int]]:
    found = defaultdict(list)
    for code in Record.objects.exclude(code=None).values_list("code", flat=True):
        agency, day, number = CODE.match(code).groups()
        found[(agency, day)].append(int(number))
    return found


def test_generate_records_writes_valid_records(reference_data):
    output = generate("--count", "2000", "--start", "2025-07-01", "--end", "2025-07-31")
    assert "Generated 2,000 records and 2,000 events" in output
    assert "records/s" in output
    assert Record.objects.count() == 2_000
    assert RecordEvent.objects.filter(action="receive", from_status=None, to_status=2).count() == (
        2_000
    )
    calendar = WorkingCalendar()
    for record in Record.objects.select_related("procedure"):
        local = record.received_at.astimezone(HUE)
        assert date(2025, 7, 1) <= local.date() <= date(2025, 7, 31)
        assert calendar.is_working_day(local.date())
        assert record.due_date == appointment_date(
            record.received_at, record.procedure.time_limit, record.procedure.time_unit, calendar
        )
        clean_applicant(
            record.channel,
            {
                "applicant_name": record.applicant_name,
                "applicant_id_number": record.applicant_id_number,
                "applicant_phone": record.applicant_phone,
                "applicant_address": record.applicant_address,
            },
        )
        if record.status in (Status.STOPPED, Status.RESOLVED, Status.RETURNED):
            assert record.received_at < record.finished_at
            assert record.outcome == outcome_for(record.finished_at, record.due_date)
        else:
            assert record.status in OPEN_STATUSES
            assert (record.finished_at, record.outcome) == (None, "")
        if record.status == Status.RETURNED:
            assert record.returned_at >= record.finished_at
            assert record.return_method in ReturnMethod.values
        if record.channel == Channel.POSTAL or record.return_method == ReturnMethod.POST:
            assert record.agent_point.commune_id == record.receiving_unit_id
        if record.channel == Channel.ONLINE:
            assert record.submitted_at <= record.received_at
    channels = dict(Record.objects.values_list("channel").annotate(n=Count("id")))
    assert set(channels) == {1, 2, 3}
    units = Record.objects.values("receiving_unit").distinct().count()
    assert units == 40


def test_generate_records_codes_are_unique_and_consecutive(reference_data):
    generate("--count", "2000", "--start", "2025-07-01", "--end", "2025-07-11")
    found = numbers_by_unit_day()
    assert sum(len(n) for n in found.values()) == 2_000
    for key, numbers in found.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), key
    sequences = {
        (agency, f"{day:%y%m%d}"): last
        for agency, day, last in RecordSequence.objects.values_list(
            "unit__agency_code", "day", "last_number"
        )
    }
    assert sequences == {key: len(numbers) for key, numbers in found.items()}
    for agency_day in found:
        in_order = (
            Record.objects.filter(code__startswith=f"{agency_day[0]}-{agency_day[1]}-")
            .order_by("code")
            .values_list("received_at", flat=True)
        )
        assert list(in_order) == sorted(in_order)


def test_generate_records_continues_existing_sequences(reference_data, unit_a):
    clerk = make_user("clerk_gen", Role.CLERK, commune=unit_a)
    first = receive(clerk, unit_a, received_at=local(2025, 7, 7, 9, 0))
    assert first.code == "H57.19753-250707-0001"
    generate("--count", "2000", "--start", "2025-07-07", "--end", "2025-07-08", "--seed", "5")
    generate("--count", "500", "--start", "2025-07-07", "--end", "2025-07-07", "--seed", "6")
    later = receive(clerk, unit_a, received_at=local(2025, 7, 7, 16, 0))
    found = numbers_by_unit_day()
    assert Record.objects.count() == 2_502
    for key, numbers in found.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), key
    assert later.code == f"H57.19753-250707-{len(found[('H57.19753', '250707')]):04d}"


def test_generate_records_is_deterministic_for_a_seed(reference_data):
    generate("--count", "300", "--start", "2025-07-01", "--end", "2025-07-04", "--seed", "9")
    fields = ("code", "applicant_name", "received_at", "status", "procedure_id", "channel")
    first = list(Record.objects.order_by("code").values_list(*fields))
    RecordSequence.objects.all().delete()
    Record.objects.all().update(code=None, status=Status.SUBMITTED)  # free the codes
    generate("--count", "300", "--start", "2025-07-01", "--end", "2025-07-04", "--seed", "9")
    second = list(Record.objects.exclude(code=None).order_by("code").values_list(*fields))
    assert len(first) == 300
    assert first == second


def test_generate_records_without_events(reference_data):
    output = generate(
        "--count", "100", "--start", "2025-07-01", "--end", "2025-07-02", "--no-events"
    )
    assert "Generated 100 records and 0 events" in output
    assert RecordEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--count", "0", "--start", "2025-07-01", "--end", "2025-07-02"], "at least 1"),
        (["--count", "5", "--start", "2025-07-03", "--end", "2025-07-01"], "start"),
        (["--count", "5", "--start", "2025-07-05", "--end", "2025-07-06"], "no working day"),
        (["--count", "5", "--start", "2025-07-01", "--end", "2999-01-01"], "future"),
        (["--count", "5", "--start", "1 July", "--end", "2025-07-02"], "YYYY-MM-DD"),
    ],
)
def test_generate_records_rejects_bad_arguments(reference_data, args, message):
    with pytest.raises(CommandError, match=message):
        generate(*args)
    assert Record.objects.count() == 0
    assert RecordSequence.objects.count() == 0
