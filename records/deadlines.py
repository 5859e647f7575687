"""Appointment dates (ngày hẹn trả) from receipt time and time limit, and their adjustments."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from records.calendar import SAME_DAY_CUTOFF, WorkingCalendar
from records.enums import Outcome, TimeUnit


def appointment_date(
    received_at: datetime, time_limit: int, time_unit: str, calendar: WorkingCalendar
) -> date:
    """The appointment date for a complete dossier received at ``received_at``.

    - working days: the N-th working day after the effective receipt day;
    - calendar days: N days after the effective receipt day, moved to the next working day
      if it falls on a day off;
    - same day: the receipt day if received on a working day before 15:00, else the next
      working day;
    - immediate: the effective receipt day.
    Always a working day, and never earlier for a later receipt.
    """
    start = calendar.effective_receipt_day(received_at)
    if time_unit == TimeUnit.WORKING_DAYS:
        return calendar.add_working_days(start, time_limit)
    if time_unit == TimeUnit.CALENDAR_DAYS:
        return calendar.on_or_after(start + timedelta(days=time_limit))
    if time_unit == TimeUnit.SAME_DAY:
        local = timezone.localtime(received_at)
        if start == local.date() and local.time() >= SAME_DAY_CUTOFF:
            return calendar.next_working_day(start)
        return start
    if time_unit == TimeUnit.IMMEDIATE:
        return start
    raise ValueError(f"unknown time unit {time_unit!r}")


def shift_for_pause(
    due: date | None, paused_since: datetime, resumed_at: datetime, calendar: WorkingCalendar
) -> tuple[date | None, int]:
    """Move ``due`` by the working days spent paused (supplement, payment).

    Pauses are counted in whole working days: the working days after the pause day up to and
    including the resume day. A pause opened and closed on the same day moves nothing.
    Returns the new date and the number of working days added.
    """
    paused_days = calendar.working_days_between(
        timezone.localtime(paused_since).date(), timezone.localtime(resumed_at).date()
    )
    if due is None or paused_days == 0:
        return due, paused_days
    return calendar.add_working_days(due, paused_days), paused_days


def outcome_for(finished_at: datetime, due: date, *, supplement_count: int = 0) -> str:
    """Early (before the appointment day), on time (on it) or late (after it), against the
    original appointment date. More than one supplement request counts as late (national
    scoring rule)."""
    finished_day = timezone.localtime(finished_at).date()
    if finished_day > due or supplement_count > 1:
        return Outcome.LATE
    if finished_day < due:
        return Outcome.EARLY
    return Outcome.ON_TIME
