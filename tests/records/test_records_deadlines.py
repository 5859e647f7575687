"""Appointment dates: working days, holidays, the 15:00 rule, pauses and extensions."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from records import services
from records.calendar import WorkingCalendar
from records.deadlines import appointment_date, outcome_for
from records.enums import CalendarDayKind, Outcome, TimeUnit
from records.models import CalendarDay
from tests.helpers import HUE, local, receive

pytestmark = pytest.mark.django_db

WD, CD, SAME, NOW = (
    TimeUnit.WORKING_DAYS,
    TimeUnit.CALENDAR_DAYS,
    TimeUnit.SAME_DAY,
    TimeUnit.IMMEDIATE,
)


def due(received_at, limit, unit):
    return appointment_date(received_at, limit, unit, WorkingCalendar())


@pytest.mark.parametrize(
    ("received_at", "limit", "unit", "expected"),
    [
        # same day: before 15:00 the same day, after it the next working day
        (local(2025, 7, 7, 14, 59), 0, SAME, date(2025, 7, 7)),
        (local(2025, 7, 7, 15, 0), 0, SAME, date(2025, 7, 8)),
        (local(2025, 7, 11, 15, 30), 0, SAME, date(2025, 7, 14)),  # Friday afternoon → Monday
        (local(2025, 7, 12, 9, 0), 0, SAME, date(2025, 7, 14)),  # online on Saturday
        (local(2025, 7, 7, 16, 0), 0, NOW, date(2025, 7, 7)),
        (local(2025, 7, 7, 18, 0), 0, NOW, date(2025, 7, 8)),  # after office hours
        # working days: counting starts the next working day, weekends skipped
        (local(2025, 7, 7, 9, 0), 3, WD, date(2025, 7, 10)),
        (local(2025, 7, 11, 10, 0), 3, WD, date(2025, 7, 16)),
        (local(2025, 7, 12, 10, 0), 1, WD, date(2025, 7, 15)),  # Saturday counts from Monday
        (local(2025, 7, 7, 17, 30), 1, WD, date(2025, 7, 9)),  # after closing: from Tuesday
        # Tết 2026: 14–22 February off (weekends + 16–20 holidays)
        (local(2026, 2, 13, 10, 0), 3, WD, date(2026, 2, 25)),
        (local(2026, 2, 13, 10, 0), 0, SAME, date(2026, 2, 13)),
        (local(2026, 2, 13, 15, 30), 0, SAME, date(2026, 2, 23)),
        # National Day 2025: 1–2 September off, after the weekend
        (local(2025, 8, 29, 10, 0), 2, WD, date(2025, 9, 4)),
        (local(2025, 8, 29, 15, 1), 0, SAME, date(2025, 9, 3)),
        # swapped working Saturday 26/4/2025 counts, Friday 2/5/2025 is off
        (local(2025, 4, 25, 10, 0), 1, WD, date(2025, 4, 26)),
        (local(2025, 4, 29, 10, 0), 1, WD, date(2025, 5, 5)),
        # calendar days, moved off a day off
        (local(2025, 7, 1, 9, 0), 30, CD, date(2025, 7, 31)),
        (local(2025, 7, 1, 9, 0), 4, CD, date(2025, 7, 7)),  # Saturday 5/7 → Monday 7/7
    ],
)
def test_appointment_date(received_at, limit, unit, expected):
    assert due(received_at, limit, unit) == expected


def test_extra_day_off_from_the_city_moves_the_date():
    assert due(local(2025, 7, 7, 9, 0), 1, WD) == date(2025, 7, 8)
    CalendarDay.objects.create(date=date(2025, 7, 8), kind=CalendarDayKind.DAY_OFF)
    assert due(local(2025, 7, 7, 9, 0), 1, WD) == date(2025, 7, 9)


def test_receipt_sets_due_date_from_procedure(clerk_a, unit_a):
    # 5 working days from Friday 13/2/2026, across Tết: 23, 24, 25, 26, 27 February
    record = receive(clerk_a, unit_a, received_at=local(2026, 2, 13, 10, 0))
    assert record.due_date == date(2026, 2, 27)
    same_day = receive(
        clerk_a, unit_a, procedure="chung-thuc-ban-sao", received_at=local(2026, 2, 13, 15, 5)
    )
    assert same_day.due_date == date(2026, 2, 23)


def test_supplement_pause_moves_the_appointment_date(clerk_a, unit_a):
    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 7, 9, 0))
    assert record.due_date == date(2025, 7, 14)
    record = services.record_request_supplement(
        record=record, actor=clerk_a, reason="Thiếu giấy tờ", at=local(2025, 7, 8, 10, 0)
    )
    assert record.paused_since == local(2025, 7, 8, 10, 0)
    record = services.record_supplement(record=record, actor=clerk_a, at=local(2025, 7, 10, 9, 0))
    # paused Wednesday and Thursday: two working days
    assert record.due_date == date(2025, 7, 16)
    assert record.paused_since is None
    assert record.events.latest("id").data == {"paused_working_days": 2, "due_date": "2025-07-16"}


def test_payment_pause_same_day_moves_nothing(clerk_a, unit_a):
    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 7, 9, 0))
    record = services.record_request_payment(
        record=record, actor=clerk_a, amount=8000, at=local(2025, 7, 7, 9, 5)
    )
    record = services.record_paid(record=record, actor=clerk_a, at=local(2025, 7, 7, 11, 0))
    assert record.due_date == date(2025, 7, 14)


def test_extension_keeps_the_original_date(clerk_a, unit_a):
    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 7, 9, 0))
    record = services.record_extend(
        record=record,
        actor=clerk_a,
        new_due_date=date(2025, 7, 18),
        reason="Chờ xác minh",
        at=local(2025, 7, 11, 9, 0),
    )
    assert (record.due_date, record.extended_due_date) == (date(2025, 7, 14), date(2025, 7, 18))
    assert record.current_due_date == date(2025, 7, 18)
    assert record.events.latest("id").data == {
        "original_due_date": "2025-07-14",
        "previous_due_date": "2025-07-14",
        "new_due_date": "2025-07-18",
    }
    # resolved after the original date but before the extended one: late for the figures
    record = services.record_resolve(record=record, actor=clerk_a, at=local(2025, 7, 16, 9, 0))
    assert record.outcome == Outcome.LATE


@pytest.mark.parametrize(
    ("new_date", "message"),
    [
        (date(2025, 7, 14), "The new date must be after the current appointment date."),
        (date(2025, 7, 19), "The new date must be a working day."),
    ],
)
def test_bad_extension_is_refused(clerk_a, unit_a, new_date, message, english):
    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 7, 9, 0))
    with pytest.raises(ValidationError) as excinfo:
        services.record_extend(record=record, actor=clerk_a, new_due_date=new_date, reason="x")
    assert excinfo.value.message_dict == {"new_due_date": [message]}
    record.refresh_from_db()
    assert record.extended_due_date is None and record.version == 1


def test_pause_after_extension_moves_both_dates(clerk_a, unit_a):
    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 7, 9, 0))
    record = services.record_extend(
        record=record,
        actor=clerk_a,
        new_due_date=date(2025, 7, 18),
        reason="x",
        at=local(2025, 7, 7, 10, 0),
    )
    record = services.record_request_supplement(
        record=record, actor=clerk_a, reason="y", at=local(2025, 7, 8, 9, 0)
    )
    record = services.record_supplement(record=record, actor=clerk_a, at=local(2025, 7, 9, 9, 0))
    assert (record.due_date, record.extended_due_date) == (date(2025, 7, 15), date(2025, 7, 21))


@pytest.mark.parametrize(
    ("finished", "supplements", "expected"),
    [
        (local(2025, 7, 13, 23, 0), 0, Outcome.EARLY),
        (local(2025, 7, 14, 16, 59), 0, Outcome.ON_TIME),
        (local(2025, 7, 14, 23, 59), 0, Outcome.ON_TIME),
        (local(2025, 7, 15, 0, 1), 0, Outcome.LATE),
        (local(2025, 7, 10, 9, 0), 2, Outcome.LATE),  # two supplement requests count as late
    ],
)
def test_outcome(finished, supplements, expected):
    assert outcome_for(finished, date(2025, 7, 14), supplement_count=supplements) == expected


moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=HUE)
)


@settings(max_examples=300, deadline=None)
@given(
    first=moments,
    gap=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)),
    limit=st.integers(min_value=0, max_value=45),
    unit=st.sampled_from(list(TimeUnit)),
)
def test_appointment_is_a_working_day_and_monotonic(first, gap, limit, unit):
    calendar = WorkingCalendar()
    earlier = appointment_date(first, limit, unit, calendar)
    later = appointment_date(first + gap, limit, unit, calendar)
    assert calendar.is_working_day(earlier)
    assert calendar.is_working_day(later)
    assert later >= earlier
    assert earlier >= first.date()
