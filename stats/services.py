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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, DateField, F, Func, Max, Min, Q, Value
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils import timezone

from communes.models import Commune
from records.calendar import day_start
from records.enums import FINISHED_STATUSES
from records.models import Channel, Outcome, Record, ReturnMethod, Status
from stats.models import COUNT_FIELDS, DailyStat, RecomputeOwed

logger = logging.getLogger(__name__)

ADVISORY_LOCK_CLASS = 0x5354  # "ST": first key of pg_advisory_xact_lock(int, int)
UPSERT_BATCH = 500
NEVER = date(9999, 12, 31)  # the day of a step that has not happened


class NextDay(Func):
    """The day after a date expression (PostgreSQL: date + 1; SQLite: date(x, '+1 day'))."""

    template = "(%(expressions)s + 1)"
    output_field = DateField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="date(%(expressions)s, '+1 day')")


def _day_of(field: str, tz) -> Coalesce:
    """The local day of a moment, or ``NEVER`` when it is not set."""
    return Coalesce(TruncDate(field, tzinfo=tz), Value(NEVER), output_field=DateField())


@dataclass(frozen=True)
class OverdueSpan:
    """The days a record counts in an overdue stock: from ``start`` (included) to ``end``
    (excluded), local days, for the records matching ``only``. A day D is in the span when
    the record is overdue at the end of D."""

    start: Callable
    end: Callable
    only: Q = Q()
    due_field: str | None = None  # start = that date + 1: lets the queries use its index


def _spans():
    """The spans of each overdue stock of ``DailyStat`` (README, "Overdue and late"). With R
    the receipt day, F the finishing day, P the day the current pause began, X the day of the
    first extension, d0 the appointment date (moved by every finished pause) and d1 the
    extended date: a record is open on D when R <= D < F, paused when P <= D; the date
    promised on D is d1 from X on, else d0; it is overdue when that date is before D.
    The appointment date is never before the receipt day, so d0 + 1 > R."""
    finish, pause, extension = "finished_at", "paused_since", "extended_at"

    def until(*fields):
        return lambda tz: Least(*(_day_of(name, tz) for name in fields))

    return {
        # Against the date promised: the appointment date until the extension, then the
        # extended date.
        "overdue_end": [
            OverdueSpan(
                start=lambda tz: NextDay(F("due_date")),
                end=until(finish, pause, extension),
                due_field="due_date",
            ),
            OverdueSpan(
                start=lambda tz: Greatest(_day_of(extension, tz), NextDay(F("extended_due_date"))),
                end=until(finish, pause),
                only=Q(extended_at__isnull=False, extended_due_date__isnull=False),
            ),
        ],
        # Against the original appointment date (the index's reading).
        "overdue_original_end": [
            OverdueSpan(
                start=lambda tz: NextDay(F("due_date")),
                end=until(finish, pause),
                due_field="due_date",
            ),
        ],
    }


OVERDUE_STOCKS = _spans()


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


def overdue_stock_deltas(records, units, date_from: date, date_to: date, spans):
    """One overdue stock of ``units`` over ``[date_from, date_to]`` as grouped counts: the
    stock at the end of the day before the range per unit, and per (unit, day) the records
    entering (+) and leaving (-) it that day. Three grouped queries per span."""
    tz = local_tz()
    start_at, end_at = day_start(date_from), day_start(date_to + timedelta(days=1))
    eve = date_from - timedelta(days=1)
    before: dict[int, int] = defaultdict(int)
    change: dict[tuple[int, date], int] = defaultdict(int)
    for span in spans:
        spanned = (
            records.filter(span.only, handling_unit__in=units, received_at__isnull=False)
            .annotate(s=span.start(tz), e=span.end(tz))
            .filter(s__lt=F("e"))
        )
        # start = due + 1: on the eve when due < eve, in the range when due in [eve, to - 1].
        early, inside = {}, {}
        if span.due_field:
            early = {f"{span.due_field}__lt": eve}
            inside = {
                f"{span.due_field}__gte": eve,
                f"{span.due_field}__lte": date_to - timedelta(days=1),
            }
        for unit, count in (
            spanned.filter(received_at__lt=start_at, s__lte=eve, e__gt=eve, **early)
            .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=start_at))
            .values("handling_unit")
            .annotate(n=Count("id"))
            .values_list("handling_unit", "n")
        ):
            before[unit] += count
        for unit, day, count in (
            spanned.filter(s__gte=date_from, s__lte=date_to, **inside)
            .values("handling_unit", "s")
            .annotate(n=Count("id"))
            .values_list("handling_unit", "s", "n")
        ):
            change[(unit, day)] += count
        ends_inside = Q()
        for name in ("finished_at", "paused_since", "extended_at"):
            ends_inside |= Q(**{f"{name}__gte": start_at, f"{name}__lt": end_at})
        for unit, day, count in (
            spanned.filter(ends_inside, e__gte=date_from, e__lte=date_to)
            .values("handling_unit", "e")
            .annotate(n=Count("id"))
            .values_list("handling_unit", "e", "n")
        ):
            change[(unit, day)] -= count
    return before, change


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

    # Handling side: finishing, by handling unit and day of ``finished_at``.
    opened = defaultdict(int)
    closed = defaultdict(int)
    for row in per_unit_day("handling_unit", "received_at", {"n": Count("id")}):
        opened[(row["handling_unit"], row["d"])] += row["n"]

    finished = (
        records.filter(
            handling_unit__in=units,
            status__in=FINISHED_STATUSES,
            finished_at__gte=start,
            finished_at__lt=end,
        )
        .annotate(d=TruncDate("finished_at", tzinfo=tz))
        .values("handling_unit", "d")
        .annotate(
            finished=Count("id"),
            finished_early=Count("id", filter=Q(outcome=Outcome.EARLY)),
            finished_on_time=Count("id", filter=Q(outcome=Outcome.ON_TIME)),
            finished_late=Count("id", filter=Q(outcome=Outcome.LATE)),
            stopped=Count("id", filter=Q(status=Status.STOPPED)),
            closed=Count("id", filter=Q(received_at__isnull=False)),
        )
    )
    for row in finished:
        key = (row.pop("handling_unit"), row.pop("d"))
        closed[key] += row.pop("closed")
        add(*key, row)

    overdue_deltas = {
        name: overdue_stock_deltas(records, units, date_from, date_to, intervals)
        for name, intervals in OVERDUE_STOCKS.items()
    }

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

    # The open stock at the end of the day before the range.
    before = (
        records.filter(handling_unit__in=units, received_at__lt=start)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=start))
        .values("handling_unit")
        .annotate(n=Count("id"))
    )
    open_before = {row["handling_unit"]: row["n"] for row in before}

    for unit in units:
        open_now = open_before.get(unit, 0)
        stocks = {name: deltas[0].get(unit, 0) for name, deltas in overdue_deltas.items()}
        for day in days:
            key = (unit, day)
            open_now += opened.get(key, 0) - closed.get(key, 0)
            grid[key]["open_end"] = open_now
            for name, (_before, change) in overdue_deltas.items():
                stocks[name] += change.get(key, 0)
                grid[key][name] = stocks[name]

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
