"""How one range of days is computed: the grouped aggregates and the stocks carried forward.

``compute_range`` recomputes the ``DailyStat`` rows of some units over ``[date_from, date_to]``:
a handful of grouped SQL aggregates over the records of the range (intake by receiving unit
and day, finishing by handling unit and day, returns, refusals, pending submissions, the days
records become overdue) plus one aggregate for the stock at the end of the day before the
range. The end-of-day stock of each day is that stock carried forward with the day's grouped
deltas. No Python loop runs per record: the Python side only walks the (unit, day) grid.

Locking, widening the range and the bookkeeping of owed recomputes are ``stats.services``'.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DateField, F, Func, Q, Value
from django.db.models.functions import Coalesce, Greatest, Least, TruncDate
from django.utils import timezone

from records.calendar import day_start
from records.enums import FINISHED_STATUSES, Channel, Outcome, ReturnMethod, Status
from records.models import Record
from records.selectors import ACCEPTED_ON_TIME, ONLINE_SUBMISSION, REFUSED_ON_TIME
from stats.models import COUNT_FIELDS, DailyStat

UPSERT_BATCH = 500
NEVER = date(9999, 12, 31)  # the day of a step that has not happened

Grid = dict[tuple[int, date], dict[str, int]]


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime | None) -> date | None:
    return timezone.localtime(moment, local_tz()).date() if moment else None


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


@dataclass(frozen=True)
class _Range:
    """The units and local days of one run, with the moments bounding them."""

    units: list[int]
    date_from: date
    date_to: date
    tz: ZoneInfo

    @property
    def start(self) -> datetime:
        return day_start(self.date_from)

    @property
    def end(self) -> datetime:
        return day_start(self.date_to + timedelta(days=1))

    @property
    def days(self) -> list[date]:
        return [
            self.date_from + timedelta(days=n)
            for n in range((self.date_to - self.date_from).days + 1)
        ]

    def per_unit_day(self, unit_field: str, date_field: str, counts: dict, **conditions):
        """One grouped query: ``counts`` per unit and local day of ``date_field``."""
        return (
            Record.objects.order_by()
            .filter(
                **{
                    f"{unit_field}__in": self.units,
                    f"{date_field}__gte": self.start,
                    f"{date_field}__lt": self.end,
                },
                **conditions,
            )
            .annotate(d=TruncDate(date_field, tzinfo=self.tz))
            .values(unit_field, "d")
            .annotate(**counts)
        )


def _add(grid: Grid, unit_id: int, day: date, values: dict) -> None:
    cell = grid.get((unit_id, day))
    if cell is not None:  # a unit outside the run (other side of a cross-unit record)
        for name, value in values.items():
            cell[name] += value


def compute_range(units: list[int], date_from: date, date_to: date) -> int:
    """Recompute and upsert the rows of ``units`` for every day of ``[date_from, date_to]``
    (the caller holds the units' locks and keeps their rows contiguous). Returns the number
    of rows written."""
    run = _Range(units, date_from, date_to, local_tz())
    grid: Grid = {(unit, day): dict.fromkeys(COUNT_FIELDS, 0) for unit in units for day in run.days}
    _add_intake(grid, run)
    opened, closed = _add_finishing(grid, run)
    records = Record.objects.order_by()
    overdue_deltas = {
        name: overdue_stock_deltas(records, units, date_from, date_to, intervals)
        for name, intervals in OVERDUE_STOCKS.items()
    }
    _add_returns(grid, run)
    _carry_stocks(grid, run, _open_before(run), opened, closed, overdue_deltas)
    return _write(grid)


def _add_intake(grid: Grid, run: _Range) -> None:
    """Intake by receiving unit: receipts by day of receipt, refusals by day of refusal,
    submissions still waiting by day of submission; the online submissions decided (accepted
    or refused) and those decided in time are counted in the same two groupings, by the day
    of the decision."""
    intake = [
        (
            "received_at",
            {
                "received": Count("id"),
                "received_in_person": Count("id", filter=Q(channel=Channel.IN_PERSON)),
                "received_online": Count("id", filter=Q(channel=Channel.ONLINE)),
                "received_postal": Count("id", filter=Q(channel=Channel.POSTAL)),
                "digitised": Count("id", filter=Q(digitised=True)),
                "acceptance_decided": Count("id", filter=ONLINE_SUBMISSION),
                "acceptance_on_time": Count("id", filter=ONLINE_SUBMISSION & ACCEPTED_ON_TIME),
            },
            {},
        ),
        (
            "finished_at",
            {
                "refused": Count("id"),
                "acceptance_decided": Count("id", filter=ONLINE_SUBMISSION),
                "acceptance_on_time": Count("id", filter=ONLINE_SUBMISSION & REFUSED_ON_TIME),
            },
            {"status": Status.REFUSED},
        ),
        ("submitted_at", {"not_accepted": Count("id")}, {"status": Status.SUBMITTED}),
    ]
    for date_field, counts, conditions in intake:
        for row in run.per_unit_day("receiving_unit", date_field, counts, **conditions):
            _add(grid, row.pop("receiving_unit"), row.pop("d"), row)


def _add_finishing(grid: Grid, run: _Range) -> tuple[dict, dict]:
    """Handling side: finishing, by handling unit and day of ``finished_at``. Returns the
    records entering (received) and leaving (finished) the open stock per (unit, day)."""
    opened: dict[tuple[int, date], int] = defaultdict(int)
    closed: dict[tuple[int, date], int] = defaultdict(int)
    for row in run.per_unit_day("handling_unit", "received_at", {"n": Count("id")}):
        opened[(row["handling_unit"], row["d"])] += row["n"]
    finished = (
        Record.objects.order_by()
        .filter(
            handling_unit__in=run.units,
            status__in=FINISHED_STATUSES,
            finished_at__gte=run.start,
            finished_at__lt=run.end,
        )
        .annotate(d=TruncDate("finished_at", tzinfo=run.tz))
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
        _add(grid, *key, row)
    return opened, closed


def _add_returns(grid: Grid, run: _Range) -> None:
    """Results returned, by handling unit and day of return, per method."""
    returned = run.per_unit_day(
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
        _add(grid, row.pop("handling_unit"), row.pop("d"), row)


def _open_before(run: _Range) -> dict[int, int]:
    """The open stock at the end of the day before the range, per handling unit."""
    before = (
        Record.objects.order_by()
        .filter(handling_unit__in=run.units, received_at__lt=run.start)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=run.start))
        .values("handling_unit")
        .annotate(n=Count("id"))
    )
    return {row["handling_unit"]: row["n"] for row in before}


def _carry_stocks(
    grid: Grid, run: _Range, open_before: dict, opened: dict, closed: dict, overdue_deltas: dict
) -> None:
    """The end-of-day stocks: each unit's stock before the range, carried forward day by day
    with the day's entries and exits."""
    for unit in run.units:
        open_now = open_before.get(unit, 0)
        stocks = {name: deltas[0].get(unit, 0) for name, deltas in overdue_deltas.items()}
        for day in run.days:
            key = (unit, day)
            open_now += opened.get(key, 0) - closed.get(key, 0)
            grid[key]["open_end"] = open_now
            for name, (_before, change) in overdue_deltas.items():
                stocks[name] += change.get(key, 0)
                grid[key][name] = stocks[name]


def _write(grid: Grid) -> int:
    """Upsert the grid's rows on (unit, day)."""
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
