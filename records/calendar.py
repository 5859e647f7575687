"""The working-day calendar: Vietnamese public holidays (``holidays``, country VN) plus the
city's editable overrides (``CalendarDay``: extra days off, swapped working Saturdays).

Working days are Monday–Friday, minus holidays and extra days off, plus swapped working days.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays
from django.utils import timezone

from records.enums import CalendarDayKind
from records.models import CalendarDay


def day_start(day: date) -> datetime:
    """The aware start of local ``day`` (in the portal's time zone, Asia/Ho_Chi_Minh)."""
    return timezone.make_aware(datetime.combine(day, time.min))


OFFICE_OPENS = time(7, 30)
OFFICE_CLOSES = time(17, 0)
# Office hours of a working day (domain.md): the clock of the 8 working hours an online
# submission has to be accepted, refused or returned for completion runs only inside them.
OFFICE_HOURS = ((OFFICE_OPENS, time(11, 30)), (time(13, 0), OFFICE_CLOSES))
SAME_DAY_CUTOFF = time(15, 0)


@lru_cache(maxsize=64)
def _national_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("VN", years=year))


class WorkingCalendar:
    """Answers working-day questions. Overrides are read once per instance: build one per
    operation (the services do), so edits made in the admin apply to the next operation."""

    def __init__(self):
        overrides = dict(CalendarDay.objects.values_list("date", "kind"))
        self._days_off = {d for d, k in overrides.items() if k == CalendarDayKind.DAY_OFF}
        self._working = {d for d, k in overrides.items() if k == CalendarDayKind.WORKING_DAY}

    def is_working_day(self, day: date) -> bool:
        if day in self._working:
            return True
        if day in self._days_off:
            return False
        return day.weekday() < 5 and day not in _national_holidays(day.year)

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def on_or_after(self, day: date) -> date:
        return day if self.is_working_day(day) else self.next_working_day(day)

    def add_working_days(self, day: date, count: int) -> date:
        """The ``count``-th working day after ``day`` (counting starts the next working day)."""
        for _ in range(count):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in the half-open interval (start, end]."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count

    def effective_receipt_day(self, moment: datetime) -> date:
        """The working day a receipt counts from: the same day during a working day before the
        office closes, otherwise the next working day (online submissions at night or on
        holidays)."""
        local = timezone.localtime(moment)
        if self.is_working_day(local.date()) and local.time() < OFFICE_CLOSES:
            return local.date()
        return self.next_working_day(local.date())

    def _office_intervals(self, day: date):
        """The aware office-hour intervals of local ``day`` (none on a day off)."""
        if not self.is_working_day(day):
            return
        for opens, closes in OFFICE_HOURS:
            yield (
                timezone.make_aware(datetime.combine(day, opens)),
                timezone.make_aware(datetime.combine(day, closes)),
            )

    def add_working_hours(self, moment: datetime, hours: float) -> datetime:
        """The moment ``hours`` office hours after ``moment``: outside office hours or on a day
        off the clock starts at the next opening (lunch included); a deadline falling at a
        closing time stays there."""
        remaining = timedelta(hours=hours)
        day = timezone.localtime(moment).date()
        while True:
            for opens, closes in self._office_intervals(day):
                start = max(moment, opens)
                if start >= closes:
                    continue
                if remaining <= closes - start:
                    return start + remaining
                remaining -= closes - start
            day += timedelta(days=1)

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time from ``start`` to ``end``, negative when ``end`` comes first (the hours
        left before a deadline, or how late it is)."""
        if end < start:
            return -self.working_time_between(end, start)
        total = timedelta()
        day, last = timezone.localtime(start).date(), timezone.localtime(end).date()
        while day <= last:
            for opens, closes in self._office_intervals(day):
                overlap = min(end, closes) - max(start, opens)
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return total
