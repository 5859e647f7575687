"""The 8-working-hour clock of an online submission (Decree 45/2020/NĐ-CP): office hours
07:30–11:30 and 13:00–17:00 on working days of the portal's calendar; a submission outside them
counts from the next opening."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from records.calendar import WorkingCalendar
from records.enums import CalendarDayKind
from records.models import CalendarDay

pytestmark = pytest.mark.django_db
HUE = ZoneInfo("Asia/Ho_Chi_Minh")


def at(*parts) -> datetime:
    return datetime(*parts, tzinfo=HUE)


@pytest.mark.parametrize(
    ("submitted", "deadline"),
    [
        # Friday 16:30: half an hour on Friday, seven and a half on Monday.
        (at(2025, 7, 4, 16, 30), at(2025, 7, 7, 16, 30)),
        # Saturday: from Monday 07:30, the whole of Monday.
        (at(2025, 7, 5, 10, 0), at(2025, 7, 7, 17, 0)),
        # At night: from the next morning's opening.
        (at(2025, 7, 7, 22, 15), at(2025, 7, 8, 17, 0)),
        (at(2025, 7, 8, 6, 0), at(2025, 7, 8, 17, 0)),
        # At lunch: from 13:00; the deadline falls at the next day's 11:30 closing, not 13:00.
        (at(2025, 7, 8, 12, 0), at(2025, 7, 9, 11, 30)),
        # Mid-morning: across lunch and the evening.
        (at(2025, 7, 8, 9, 45), at(2025, 7, 9, 9, 45)),
        # Friday before the 2 September holidays (Mon 1 and Tue 2 Sep 2025 off): Wednesday.
        (at(2025, 8, 29, 16, 0), at(2025, 9, 3, 16, 0)),
        # Friday before Tết 2026 (16–20 February off): the Monday after, at 15:00.
        (at(2026, 2, 13, 15, 0), at(2026, 2, 23, 15, 0)),
        # On the first day of Tết: from the first working morning after it.
        (at(2026, 2, 16, 9, 0), at(2026, 2, 23, 17, 0)),
    ],
)
def test_eight_working_hours(submitted, deadline):
    calendar = WorkingCalendar()

    assert calendar.add_working_hours(submitted, 8) == deadline
    assert calendar.working_time_between(submitted, deadline) == timedelta(hours=8)


def test_the_citys_overrides_move_the_clock():
    """A swapped working Saturday counts; an extra day off does not."""
    for day, kind in [
        (datetime(2025, 4, 26).date(), CalendarDayKind.WORKING_DAY),
        (datetime(2025, 7, 7).date(), CalendarDayKind.DAY_OFF),
    ]:
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind})
    calendar = WorkingCalendar()

    assert calendar.add_working_hours(at(2025, 4, 26, 8, 0), 8) == at(2025, 4, 28, 8, 0)
    assert calendar.add_working_hours(at(2025, 7, 4, 16, 30), 8) == at(2025, 7, 8, 16, 30)


def test_hours_left_and_late():
    calendar = WorkingCalendar()
    deadline = at(2025, 7, 7, 16, 30)

    assert calendar.working_time_between(at(2025, 7, 7, 11, 0), deadline) == timedelta(hours=4)
    # Late by the office time since the deadline: the evening and the night do not count.
    late = calendar.working_time_between(at(2025, 7, 8, 8, 0), deadline)
    assert late == -timedelta(hours=1)
    assert calendar.working_time_between(at(2025, 7, 5, 9, 0), at(2025, 7, 6, 9, 0)) == timedelta()
