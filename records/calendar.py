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
