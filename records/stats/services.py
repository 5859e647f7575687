"""Writes of the statistics: recompute ``DailyStat`` rows from the records.

How a range is computed (``compute_daily_stats``): a handful of grouped SQL aggregates over the
records of the range (intake by receiving unit and day, finishing by handling unit and day,
returns, refusals, pending submissions, the days records become overdue) plus one aggregate
for the stock at the end of the day before the range. The end-of-day stock of each day is
that stock carried forward with the day's grouped deltas. No Python loop runs per record: the
Python side only walks the (unit, day) grid.

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
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q
from django.db.models.functions import Greatest, TruncDate
from django.utils import timezone

from communes.models import Commune
from records.calendar import day_start
from records.models import FINISHED_STATUSES, Channel, Outcome, Record, ReturnMethod, Status
from records.stats.models import COUNT_FIELDS, DailyStat, StatsLateChange

logger = logging.getLogger(__name__)

ADVISORY_LOCK_CLASS = 0x5354  # "ST": first key of pg_advisory_xact_lock(int, int)
UPSERT_BATCH = 500


@dataclass(frozen=True)
class ComputeResult:
    rows: int
    units: int
    date_from: date | None
    date_to: date | None


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment, local_tz()).date() if moment else None


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
            rows += _compute_range(group, start, end)
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
    """The nightly run: yesterday for every unit, plus, for units with recomputes noted up to
    yesterday, every day from the earliest noted one. Consumes the notes it saw."""
    today = today or timezone.localdate()
    yesterday = today - timedelta(days=1)
    note_ids, starts = _noted_starts(up_to=yesterday)
    for unit in all_unit_ids():
        starts[unit] = min(starts.get(unit, yesterday), yesterday)
    return _compute_noted(note_ids, starts, until=yesterday)


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
    notes = StatsLateChange.objects.bulk_create(
        StatsLateChange(unit_id=u, day=day) for u in unit_ids
    )
    return [note.pk for note in notes]


def clear_notes(note_ids: Iterable[int]) -> None:
    StatsLateChange.objects.filter(pk__in=list(note_ids)).delete()


# --- Internals -----------------------------------------------------------------------------


def _noted_starts(*, up_to: date) -> tuple[list[int], dict[int, date]]:
    """The notes of days up to ``up_to``, committed now: their ids, and per unit the earliest
    noted day. Only these ids are consumed later: a note committed during the recompute (its
    change maybe unseen by it) stays for the next run."""
    note_ids, starts = [], {}
    for note_id, unit, day in StatsLateChange.objects.filter(day__lte=up_to).values_list(
        "id", "unit", "day"
    ):
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


def _compute_range(units: list[int], date_from: date, date_to: date) -> int:
    tz = local_tz()
    start, end = day_start(date_from), day_start(date_to + timedelta(days=1))
    days = [date_from + timedelta(days=n) for n in range((date_to - date_from).days + 1)]
    grid: dict[tuple[int, date], dict[str, int]] = {
        (unit, day): dict.fromkeys(COUNT_FIELDS, 0) for unit in units for day in days
    }

    def add(unit_id, day, values: dict) -> None:
        cell = grid.get((unit_id, day))
        if cell is not None:  # a unit outside the run (other side of a cross-unit record)
            for name, value in values.items():
                cell[name] += value

    records = Record.objects.order_by()

    def per_unit_day(unit_field: str, date_field: str, counts: dict, **conditions):
        """One grouped query: ``counts`` per unit and local day of ``date_field``."""
        return (
            records.filter(
                **{
                    f"{unit_field}__in": units,
                    f"{date_field}__gte": start,
                    f"{date_field}__lt": end,
                },
                **conditions,
            )
            .annotate(d=TruncDate(date_field, tzinfo=tz))
            .values(unit_field, "d")
            .annotate(**counts)
        )

    # Intake by receiving unit: receipts by day of receipt, refusals by day of refusal,
    # submissions still waiting by day of submission.
    intake = [
        (
            "received_at",
            {
                "received": Count("id"),
                "received_in_person": Count("id", filter=Q(channel=Channel.IN_PERSON)),
                "received_online": Count("id", filter=Q(channel=Channel.ONLINE)),
                "received_postal": Count("id", filter=Q(channel=Channel.POSTAL)),
                "digitised": Count("id", filter=Q(digitised=True)),
            },
            {},
        ),
        ("finished_at", {"refused": Count("id")}, {"status": Status.REFUSED}),
        ("submitted_at", {"not_accepted": Count("id")}, {"status": Status.SUBMITTED}),
    ]
    for date_field, counts, conditions in intake:
        for row in per_unit_day("receiving_unit", date_field, counts, **conditions):
            add(row.pop("receiving_unit"), row.pop("d"), row)

    # Handling side. Stock deltas: +1 when a record enters the open stock (receipt) or the
    # overdue stock (the later of receipt day and appointment day), -1 when it is finished.
    opened = defaultdict(int)
    closed = defaultdict(int)
    became_overdue = defaultdict(int)
    left_overdue = defaultdict(int)

    for row in per_unit_day("handling_unit", "received_at", {"n": Count("id")}):
        opened[(row["handling_unit"], row["d"])] += row["n"]

    overdue_from = Greatest(TruncDate("received_at", tzinfo=tz), F("due_date"))
    finished = (
        records.filter(
            handling_unit__in=units,
            status__in=FINISHED_STATUSES,
            finished_at__gte=start,
            finished_at__lt=end,
        )
        .annotate(d=TruncDate("finished_at", tzinfo=tz), overdue_from=overdue_from)
        .values("handling_unit", "d")
        .annotate(
            finished=Count("id"),
            finished_early=Count("id", filter=Q(outcome=Outcome.EARLY)),
            finished_on_time=Count("id", filter=Q(outcome=Outcome.ON_TIME)),
            finished_late=Count("id", filter=Q(outcome=Outcome.LATE)),
            stopped=Count("id", filter=Q(status=Status.STOPPED)),
            closed=Count("id", filter=Q(received_at__isnull=False)),
            left_overdue=Count("id", filter=Q(due_date__isnull=False, d__gt=F("overdue_from"))),
        )
    )
    for row in finished:
        key = (row.pop("handling_unit"), row.pop("d"))
        closed[key] += row.pop("closed")
        left_overdue[key] += row.pop("left_overdue")
        add(*key, row)

    for unit, day, count in (
        records.filter(
            handling_unit__in=units,
            received_at__lt=end,
            due_date__lte=date_to,
        )
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=start))
        .annotate(overdue_from=overdue_from, f=TruncDate("finished_at", tzinfo=tz))
        .filter(overdue_from__gte=date_from, overdue_from__lte=date_to)
        .filter(Q(finished_at__isnull=True) | Q(f__gt=F("overdue_from")))
        .values("handling_unit", "overdue_from")
        .annotate(n=Count("id"))
        .values_list("handling_unit", "overdue_from", "n")
    ):
        became_overdue[(unit, day)] += count

    returned = per_unit_day(
        "handling_unit",
        "returned_at",
        {
            "returned": Count("id"),
            "returned_counter": Count("id", filter=Q(return_method=ReturnMethod.COUNTER)),
            "returned_post": Count("id", filter=Q(return_method=ReturnMethod.POST)),
            "returned_online": Count("id", filter=Q(return_method=ReturnMethod.ONLINE)),
        },
    )
    for row in returned:
        add(row.pop("handling_unit"), row.pop("d"), row)

    # The stock at the end of the day before the range.
    before = (
        records.filter(handling_unit__in=units, received_at__lt=start)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=start))
        .values("handling_unit")
        .annotate(
            open_end=Count("id"),
            overdue_end=Count("id", filter=Q(due_date__lt=date_from)),
        )
    )
    stock = {row["handling_unit"]: (row["open_end"], row["overdue_end"]) for row in before}

    for unit in units:
        open_now, overdue_now = stock.get(unit, (0, 0))
        for day in days:
            key = (unit, day)
            open_now += opened.get(key, 0) - closed.get(key, 0)
            overdue_now += became_overdue.get(key, 0) - left_overdue.get(key, 0)
            grid[key]["open_end"] = open_now
            grid[key]["overdue_end"] = overdue_now

    now = timezone.now()
    DailyStat.objects.bulk_create(
        (
            DailyStat(unit_id=unit, day=day, computed_at=now, **values)
            for (unit, day), values in grid.items()
        ),
        batch_size=UPSERT_BATCH,
        update_conflicts=True,
        unique_fields=["unit", "day"],
        update_fields=[*COUNT_FIELDS, "computed_at"],
    )
    return len(grid)
