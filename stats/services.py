"""Writes of the statistics: recompute ``DailyStat`` rows from the records.

What is recomputed when: a range for some units (``compute_daily_stats``), from a day to
today after a record change (``recompute_from``), the nightly run, the sweep of recomputes
owed, and the catch-up before a report (``ensure_computed``). How one range is computed (the
grouped aggregates, the stocks carried forward) is ``stats.compute``.

Rows are written by upsert on (unit, day), so a recompute is idempotent. Runs of overlapping
units are serialised by a PostgreSQL transaction-level advisory lock per unit (SQLite
serialises writers by itself): the run that takes the lock last reads the latest records.

Every unit's rows stay contiguous: a run whose range does not touch a unit's existing rows is
widened to close the gap, so "the last row on or before a day" is that day's figures.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from communes.models import Commune
from records.models import Record
from stats.compute import compute_range, local_day
from stats.models import DailyStat, RecomputeOwed

logger = logging.getLogger(__name__)

ADVISORY_LOCK_CLASS = 0x5354  # "ST": first key of pg_advisory_xact_lock(int, int)


@dataclass(frozen=True)
class ComputeResult:
    rows: int
    units: int
    date_from: date | None
    date_to: date | None


def all_unit_ids() -> list[int]:
    return list(Commune.objects.order_by("pk").values_list("pk", flat=True))


def compute_daily_stats(
    *, date_from: date, date_to: date, unit_ids: Iterable[int] | None = None
) -> ComputeResult:
    """Recompute the rows of every unit of ``unit_ids`` (all units when None) for every day of
    ``[date_from, date_to]``, widened per unit to keep its rows contiguous.

    Atomic per group of units sharing a range; idempotent; blocks while another run holds one
    of the units. Returns the number of rows written.
    """
    if date_to < date_from:
        raise ValueError("date_to is before date_from")
    units = sorted(set(unit_ids)) if unit_ids is not None else all_unit_ids()
    if not units:
        return ComputeResult(0, 0, None, None)
    rows = 0
    first, last = None, None
    for (start, end), group in _contiguous_ranges(units, date_from, date_to).items():
        with transaction.atomic():
            _lock_units(group)
            rows += compute_range(group, start, end)
        first = start if first is None else min(first, start)
        last = end if last is None else max(last, end)
    return ComputeResult(rows, len(units), first, last)


def recompute_from(*, unit_ids: Iterable[int], date_from: date, today: date | None = None):
    """Recompute ``unit_ids`` from ``date_from`` to today (the later of today and
    ``date_from``): what a record change needs, since it can alter every later day's
    end-of-day stock."""
    today = today or timezone.localdate()
    return compute_daily_stats(
        date_from=date_from, date_to=max(today, date_from), unit_ids=unit_ids
    )


def recompute_nightly(*, today: date | None = None) -> ComputeResult:
    """The nightly run: yesterday and today for every unit (a new day's overdue stock differs
    from the day before's even when no record changes), plus, for units with recomputes noted
    up to today, every day from the earliest noted one. Consumes the notes it saw."""
    today = today or timezone.localdate()
    yesterday = today - timedelta(days=1)
    note_ids, starts = _noted_starts(up_to=today)
    for unit in all_unit_ids():
        starts[unit] = min(starts.get(unit, yesterday), yesterday)
    return _compute_noted(note_ids, starts, until=today)


def ensure_computed(*, unit_ids: Iterable[int], up_to: date, today: date | None = None) -> int:
    """Make the figures of ``unit_ids`` exact up to ``up_to`` (at most today) before they are
    read, so that no report extrapolates a day that was never computed: compute each unit's
    days after its last row (all its days from the first record when it has none), and
    without a worker (the embedded default: no beat runs the sweep) the recomputes still
    owed. Returns the rows written; nothing when every day is there (one small query)."""
    today = today or timezone.localdate()
    up_to = min(up_to, today)
    units = sorted(set(unit_ids))
    if not units:
        return 0
    rows = 0
    if settings.CELERY_TASK_ALWAYS_EAGER:
        notes = RecomputeOwed.objects.filter(unit__in=units, day__lte=today)
        if notes.exists():
            note_ids, starts = _noted_starts(up_to=today, unit_ids=units)
            rows += _compute_noted(note_ids, starts, until=today).rows
    last = dict(
        DailyStat.objects.filter(unit__in=units)
        .values("unit")
        .annotate(last=Max("day"))
        .order_by()
        .values_list("unit", "last")
    )
    missing: dict[date, list[int]] = defaultdict(list)
    first_record_day = None
    for unit in units:
        if unit in last:
            if last[unit] < up_to:
                missing[last[unit] + timedelta(days=1)].append(unit)
            continue
        first_record_day = first_record_day or records_first_day() or up_to
        missing[min(first_record_day, up_to)].append(unit)
    for start, group in sorted(missing.items()):
        rows += compute_daily_stats(date_from=start, date_to=up_to, unit_ids=group).rows
    return rows


def recompute_noted(*, today: date | None = None) -> ComputeResult:
    """The sweep (every few minutes): every recompute still owed — its task could not be queued
    (broker down), was lost with a killed worker, or has not run yet — from each unit's
    earliest noted day to today. Consumes the notes it saw."""
    today = today or timezone.localdate()
    note_ids, starts = _noted_starts(up_to=today)
    return _compute_noted(note_ids, starts, until=today)


def records_first_day() -> date | None:
    """The earliest local day any record was submitted or received (for a full backfill)."""
    found = Record.objects.aggregate(r=Min("received_at"), s=Min("submitted_at"))
    moments = [m for m in found.values() if m]
    return local_day(min(moments)) if moments else None


def note_recompute_owed(*, unit_ids: Iterable[int], day: date) -> list[int]:
    """Note that the figures of ``unit_ids`` from ``day`` on are owed a recompute, in the
    caller's transaction. The task queued after commit clears its note; what is left, the sweep
    and the nightly run recompute. Returns the notes' ids, in the order of ``unit_ids``."""
    notes = RecomputeOwed.objects.bulk_create(RecomputeOwed(unit_id=u, day=day) for u in unit_ids)
    return [note.pk for note in notes]


def clear_notes(note_ids: Iterable[int]) -> None:
    RecomputeOwed.objects.filter(pk__in=list(note_ids)).delete()


# --- Internals -----------------------------------------------------------------------------


def _noted_starts(
    *, up_to: date, unit_ids: Sequence[int] | None = None
) -> tuple[list[int], dict[int, date]]:
    """The notes of days up to ``up_to`` (of ``unit_ids`` when given), committed now: their
    ids, and per unit the earliest noted day. Only these ids are consumed later: a note
    committed during the recompute (its change maybe unseen by it) stays for the next run."""
    notes = RecomputeOwed.objects.filter(day__lte=up_to)
    if unit_ids is not None:
        notes = notes.filter(unit__in=unit_ids)
    note_ids, starts = [], {}
    for note_id, unit, day in notes.values_list("id", "unit", "day"):
        note_ids.append(note_id)
        starts[unit] = min(starts.get(unit, day), day)
    return note_ids, starts


def _compute_noted(note_ids: list[int], starts: dict[int, date], *, until: date):
    by_start: dict[date, list[int]] = defaultdict(list)
    for unit, start in starts.items():
        by_start[start].append(unit)
    rows = 0
    for start, units in sorted(by_start.items()):
        rows += compute_daily_stats(date_from=start, date_to=until, unit_ids=units).rows
    clear_notes(note_ids)
    first = min(by_start) if by_start else None
    return ComputeResult(rows, len(starts), first, until)


def _lock_units(unit_ids: Sequence[int]) -> None:
    """Serialise runs over the same units until the end of the transaction (PostgreSQL). Locks
    are taken in unit order so that two runs never wait on each other in a cycle."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for unit in sorted(unit_ids):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_LOCK_CLASS, unit])


def _contiguous_ranges(
    units: Sequence[int], date_from: date, date_to: date
) -> dict[tuple[date, date], list[int]]:
    """Group ``units`` by the range each needs: ``[date_from, date_to]`` widened to reach the
    unit's existing rows, so no unit is left with a gap between computed days."""
    bounds = {
        row["unit"]: (row["first"], row["last"])
        for row in DailyStat.objects.filter(unit__in=units)
        .values("unit")
        .annotate(first=Min("day"), last=Max("day"))
    }
    groups: dict[tuple[date, date], list[int]] = defaultdict(list)
    for unit in units:
        start, end = date_from, date_to
        if unit in bounds:
            first, last = bounds[unit]
            if start > last + timedelta(days=1):
                start = last + timedelta(days=1)
            if end < first - timedelta(days=1):
                end = first - timedelta(days=1)
        groups[(start, end)].append(unit)
    return dict(groups)
