"""Moments in the office hours of working days (07:30–11:30 and 13:00–17:00), for the demo
records: a random moment of a day, and the office time elapsed after a moment (``Clock``)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from records.calendar import OFFICE_CLOSES, OFFICE_OPENS, WorkingCalendar

MORNING_ENDS = time(11, 30)
AFTERNOON_STARTS = time(13, 0)
OFFICE_MINUTES = 480  # 07:30–11:30 and 13:00–17:00


def office_moment(day: date, minute: int, second: int = 0) -> datetime:
    """The ``minute``-th minute (0–479) of the office day, as a naive local datetime."""
    start = datetime.combine(day, OFFICE_OPENS)
    if minute >= 240:
        start = datetime.combine(day, AFTERNOON_STARTS) - timedelta(minutes=240)
    return start + timedelta(minutes=minute, seconds=second)


def random_office_time(rng: random.Random, day: date, tz, *, morning_bias: float = 0.6):
    """A random moment in the office hours of ``day`` (aware, in ``tz``)."""
    if rng.random() < morning_bias:
        minute = rng.randrange(0, 240)
    else:
        minute = rng.randrange(240, OFFICE_MINUTES)
    return office_moment(day, minute, rng.randrange(60)).replace(tzinfo=tz)


def office_minute_of(moment: datetime) -> int | None:
    """Position of an aware local moment in its office day, or None outside office hours."""
    clock = moment.time()
    if OFFICE_OPENS <= clock < MORNING_ENDS:
        return (clock.hour * 60 + clock.minute) - (7 * 60 + 30)
    if AFTERNOON_STARTS <= clock < OFFICE_CLOSES:
        return 240 + (clock.hour * 60 + clock.minute) - 13 * 60
    return None


@dataclass
class Clock:
    """Moves through office hours of working days."""

    calendar: WorkingCalendar
    tz: object

    def after(self, moment: datetime, minutes: float) -> datetime:
        """``minutes`` of office time after ``moment``, carried over lunch and into the next
        working day when the office closes."""
        local = moment.astimezone(self.tz)
        day = local.date()
        position = office_minute_of(local)
        if position is None or not self.calendar.is_working_day(day):
            if self.calendar.is_working_day(day) and local.time() < OFFICE_OPENS:
                position = 0
            elif self.calendar.is_working_day(day) and MORNING_ENDS <= local.time() < (
                AFTERNOON_STARTS
            ):
                position = 240
            else:
                day, position = self.calendar.next_working_day(day), 0
            local = office_moment(day, position).replace(tzinfo=self.tz)
        target = position + minutes
        while target >= OFFICE_MINUTES:
            target -= OFFICE_MINUTES
            day = self.calendar.next_working_day(day)
        whole = int(target)
        base = office_moment(day, whole, int((target - whole) * 60)).replace(tzinfo=self.tz)
        if day == local.date() and base <= local:
            return local + timedelta(minutes=minutes)  # within a minute: keep it monotonic
        return base

    def on_day(self, rng: random.Random, day: date, *, not_before: datetime) -> datetime:
        """A random office moment of ``day`` not before ``not_before`` (or a little after it
        when ``day`` is that moment's day)."""
        local = not_before.astimezone(self.tz)
        if day > local.date():
            return random_office_time(rng, day, self.tz, morning_bias=0.5)
        return self.after(not_before, rng.uniform(5, 90))
