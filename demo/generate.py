"""Synthetic records at scale, for benchmarks of lists, filters and statistics.

Records are spread over the active units (by population), the working days of the range
(office hours only) and the three channels; each has a valid appointment date
(``appointment_date``), a status that its age allows as of the end of the range (or now), and
an outcome from ``outcome_for``. Codes continue each unit's daily sequence: the numbers are
reserved on ``RecordSequence`` first, so they never collide with demo or real records.

History: each record gets exactly one event, its receipt (``receive``, None → 2, at
``received_at``), whatever its current status; generated records carry no supplement, payment
or extension steps. On PostgreSQL rows are written with ``COPY`` (psycopg 3), elsewhere with
``bulk_create``.
"""

from __future__ import annotations

import bisect
import random
import time as timer
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from agent_points.models import AgentPoint
from communes.models import Commune
from core.text import fold
from demo import people
from demo.context import PROCEDURE_WEIGHTS
from demo.office_time import random_office_time
from demo.plan import apportion
from records.calendar import WorkingCalendar
from records.deadlines import appointment_date, outcome_for
from records.enums import Channel, OnlineLevel, ResultDelivery, ReturnMethod, Status
from records.models import Procedure, Record, RecordEvent, RecordSequence

CHANNEL_WEIGHTS = {Channel.IN_PERSON: 0.27, Channel.ONLINE: 0.70, Channel.POSTAL: 0.03}
RECORD_COLUMNS = [f.attname for f in Record._meta.concrete_fields]
# Fields the generator does not set keep the model's defaults (computed once: a per-row default
# such as ``public_id`` is set per row).
RECORD_DEFAULTS = {
    f.attname: f.get_default() for f in Record._meta.concrete_fields if f.attname != "id"
}
EVENT_COLUMNS = [f.attname for f in RecordEvent._meta.concrete_fields if f.attname != "id"]


@dataclass(frozen=True)
class GenerateReport:
    records: int
    events: int
    seconds: float
    method: str  # "copy" or "bulk_create"

    @property
    def rate(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0


class Generator:
    """Builds record rows for one run; all randomness from one seeded ``random.Random``."""

    def __init__(self, *, start: date, end: date, seed: int, as_of: datetime):
        self.rng = random.Random(f"generate:{seed}:{start}:{end}")
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.as_of = as_of
        self.now = timezone.now()
        self.calendar = WorkingCalendar()
        self.units = list(Commune.objects.filter(active=True).order_by("code"))
        if not self.units:
            raise ValueError("No units: run load_reference first.")
        self.points: dict[int, list[int]] = {}
        for pk, commune_id in AgentPoint.objects.filter(active=True).values_list("pk", "commune"):
            self.points.setdefault(commune_id, []).append(pk)
        procedures = list(Procedure.objects.filter(active=True).order_by("key"))
        if not procedures:
            raise ValueError("No active procedure: run load_reference first.")
        self.by_channel = {}
        for channel in Channel:
            column = 1 if channel == Channel.ONLINE else 0
            eligible = [
                p
                for p in procedures
                if channel != Channel.ONLINE or p.online_level != OnlineLevel.NONE
            ] or procedures
            weights = [PROCEDURE_WEIGHTS.get(p.key, (0.2, 0.2))[column] or 0.05 for p in eligible]
            self.by_channel[channel] = (eligible, _cumulative(weights))
        self.channels = list(CHANNEL_WEIGHTS)
        self.channel_cum = _cumulative(list(CHANNEL_WEIGHTS.values()))
        # Working days of the range, plus enough after it for appointment and finish dates.
        self.working = []
        day = start
        horizon = end + timedelta(days=400)  # limits up to 365 days
        while day <= horizon:
            if self.calendar.is_working_day(day):
                self.working.append(day)
            day += timedelta(days=1)
        self.days = [d for d in self.working if d <= end]
        if not self.days:
            raise ValueError("The range holds no working day.")
        self.index = {d: i for i, d in enumerate(self.working)}
        self._due: dict[tuple, date] = {}
        self._folded: dict[str, str] = {}

    def cells(self, count: int) -> list[tuple[Commune, date, int]]:
        """Records per (unit, working day): units by population, days with some noise."""
        totals = apportion(count, [u.population or 1 for u in self.units])
        cells = []
        for unit, total in zip(self.units, totals, strict=True):
            weights = [self.rng.uniform(0.7, 1.3) for _ in self.days]
            for day, n in zip(self.days, apportion(total, weights), strict=True):
                if n:
                    cells.append((unit, day, n))
        return cells

    def due(self, procedure: Procedure, received_at: datetime) -> date:
        local = received_at.astimezone(self.tz)
        key = (procedure.pk, local.date(), local.hour < 15, local.hour < 17)
        if key not in self._due:
            self._due[key] = appointment_date(
                received_at, procedure.time_limit, procedure.time_unit, self.calendar
            )
        return self._due[key]

    def working_after(self, day: date, count: int) -> date:
        index = self.index[day] + count
        return self.working[min(index, len(self.working) - 1)]

    def office_time(self, day: date) -> datetime:
        return random_office_time(self.rng, day, self.tz)

    def build_cell(self, unit: Commune, day: date, count: int, first_number: int) -> list[dict]:
        """``count`` records received by ``unit`` on ``day``, coded from ``first_number`` on
        in order of receipt."""
        rng = self.rng
        times = sorted(self.office_time(day) for _ in range(count))
        prefix = f"{unit.agency_code}-{day:%y%m%d}-"
        points = self.points.get(unit.pk, [])
        out = []
        for offset, received_at in enumerate(times):
            pick = rng.random() * self.channel_cum[-1]
            channel = self.channels[bisect.bisect(self.channel_cum, pick)]
            procedures, cum = self.by_channel[channel]
            procedure = procedures[bisect.bisect(cum, rng.random() * cum[-1])]
            person = people.applicant(
                rng, unit_code=unit.code, unit_name=unit.name, unit_kind=unit.kind
            )
            name = person["applicant_name"]
            folded = self._folded.get(name)
            if folded is None:
                folded = self._folded[name] = fold(name)
            due = self.due(procedure, received_at)
            row = {
                **RECORD_DEFAULTS,
                "id": None,
                # An opaque address, drawn apart from the seeded content (never repeated).
                "public_id": uuid.uuid4(),
                "created_at": self.now,
                "updated_at": self.now,
                "code": f"{prefix}{first_number + offset:04d}",
                "receiving_unit_id": unit.pk,
                "handling_unit_id": unit.pk,
                "procedure_id": procedure.pk,
                "channel": int(channel),
                "status": int(Status.PROCESSING),
                **person,
                "applicant_name_folded": folded,
                "applicant_old_id_number": "",
                "applicant_email": "",
                "submitted_at": None,
                "received_at": received_at,
                "due_date": due,
                "extended_due_date": None,
                "extended_at": None,
                "paused_since": None,
                "supplement_count": 0,
                "finished_at": None,
                "outcome": "",
                "returned_at": None,
                "return_method": "",
                "agent_point_id": None,
                "digitised": channel != Channel.IN_PERSON or rng.random() < 0.55,
                "paid_online": False,
                "e_result": False,
                "note": "",
                "created_by_id": None,
                "version": 2,  # receive, process
            }
            if channel == Channel.ONLINE:
                lag = timedelta(minutes=rng.expovariate(1 / 300))
                row["submitted_at"] = received_at - lag
                row["version"] += 1  # submit
            elif channel == Channel.POSTAL and points:  # as postal_receive: result by post
                row["agent_point_id"] = rng.choice(points)
                row["result_delivery"] = ResultDelivery.BY_POST
            self._fate(row, rng, day, due, channel, points)
            out.append(row)
        return out

    def _fate(self, row, rng, day, due, channel, points) -> None:
        roll = rng.random()
        if roll < 0.6 and day < due:
            span = self.index[due] - self.index[day]
            finish_day = self.working[self.index[day] + rng.randrange(span)]
        elif roll < 0.95:
            finish_day = due
        else:
            finish_day = self.working_after(due, rng.choice([1, 1, 2, 3]))
        received_at = row["received_at"]
        if finish_day == day:
            finished = received_at + timedelta(minutes=rng.uniform(5, 120))
        else:
            finished = self.office_time(finish_day)
        if finished > self.as_of:
            if rng.random() < 0.2:
                row["status"], row["version"] = int(Status.RECEIVED), row["version"] - 1
            return
        row["finished_at"] = finished
        row["outcome"] = outcome_for(finished, due)
        row["version"] += 1
        if rng.random() < 0.015:
            row["status"] = int(Status.STOPPED)
            return
        row["status"] = int(Status.RESOLVED)
        returned = finished + timedelta(minutes=rng.uniform(1, 2880))
        if rng.random() < 0.9 and returned <= self.as_of:
            row["status"], row["version"] = int(Status.RETURNED), row["version"] + 1
            row["returned_at"] = returned
            if channel == Channel.ONLINE and rng.random() < 0.6:
                row["return_method"], row["e_result"] = ReturnMethod.ONLINE, True
            elif (
                row["result_delivery"] == ResultDelivery.BY_POST or rng.random() < 0.04
            ) and points:
                row["return_method"] = ReturnMethod.POST
                row["result_delivery"] = ResultDelivery.BY_POST
                row["result_at_point_since"] = finished + (returned - finished) / 2
                row["version"] += 1  # take over, then deliver
                row["agent_point_id"] = row["agent_point_id"] or rng.choice(points)
            else:
                row["return_method"] = ReturnMethod.COUNTER


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def reserve_numbers(counts: dict[tuple[int, date], int], chunk: int = 300) -> dict:
    """Reserve ``n`` consecutive code numbers for each ``(unit_id, day): n`` on
    ``RecordSequence`` (atomic upserts, as ``records.codes`` does for one number) and return
    the first number reserved per key. Call inside the transaction that writes the records."""
    table = connection.ops.quote_name(RecordSequence._meta.db_table)
    items = sorted(counts.items())
    first: dict[tuple[int, date], int] = {}
    with connection.cursor() as cursor:
        for offset in range(0, len(items), chunk):
            part = items[offset : offset + chunk]
            values = ", ".join(["(%s, %s, %s)"] * len(part))
            # The only interpolations are the model's own quoted table name and placeholders.
            sql = (
                f"INSERT INTO {table} (unit_id, day, last_number) VALUES {values} "  # noqa: S608
                f"ON CONFLICT (unit_id, day) DO UPDATE "
                f"SET last_number = {table}.last_number + excluded.last_number "
                f"RETURNING unit_id, day, last_number"
            )
            cursor.execute(sql, [v for (unit_id, day), n in part for v in (unit_id, day, n)])
            returned = {(unit_id, str(day)): last for unit_id, day, last in cursor.fetchall()}
            for (unit_id, day), n in part:
                first[(unit_id, day)] = returned[(unit_id, str(day))] - n + 1
    return first


def generate_records(
    *,
    count: int,
    start: date,
    end: date,
    seed: int = 1,
    batch_size: int = 20_000,
    events: bool = True,
    progress: Callable[[int], None] | None = None,
) -> GenerateReport:
    """Write ``count`` synthetic records received between ``start`` and ``end`` (local days,
    working days only), with one receipt event each unless ``events`` is False.

    All or nothing: one transaction, code numbers reserved inside it. Statuses are those the
    records could have at the end of ``end`` or now, whichever is earlier; ``end`` may not be
    in the future. Deterministic for a given ``seed`` and database state.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    if start > end:
        raise ValueError("start must not be after end")
    tz = ZoneInfo(settings.TIME_ZONE)
    if end > timezone.localdate():
        raise ValueError("end must not be in the future (receipts cannot be)")
    as_of = min(timezone.now(), datetime.combine(end, time.max, tzinfo=tz))
    started = timer.monotonic()
    generator = Generator(start=start, end=end, seed=seed, as_of=as_of)
    use_copy = connection.vendor == "postgresql"
    written = written_events = 0
    with transaction.atomic():
        cells = generator.cells(count)
        first = reserve_numbers({(unit.pk, day): n for unit, day, n in cells})
        batch: list[dict] = []
        for unit, day, n in cells:
            batch += generator.build_cell(unit, day, n, first[(unit.pk, day)])
            if len(batch) >= batch_size:
                written_events += _write(batch, events, use_copy)
                written += len(batch)
                batch = []
                if progress:
                    progress(written)
        if batch:
            written_events += _write(batch, events, use_copy)
            written += len(batch)
            if progress:
                progress(written)
    return GenerateReport(
        written, written_events, timer.monotonic() - started, "copy" if use_copy else "bulk_create"
    )


def _write(rows: list[dict], events: bool, use_copy: bool) -> int:
    if use_copy:
        return _write_copy(rows, events)
    records = [Record(**row) for row in rows]
    Record.objects.bulk_create(records, batch_size=1000)
    if not events:
        return 0
    RecordEvent.objects.bulk_create(
        [_receipt_event(record.pk, row) for record, row in zip(records, rows, strict=True)],
        batch_size=2000,
    )
    return len(records)


def _receipt_event(record_id: int, row: dict) -> RecordEvent:
    return RecordEvent(
        record_id=record_id,
        action="receive",
        from_status=None,
        to_status=Status.RECEIVED,
        at=row["received_at"],
        actor_id=None,
        note="",
        data={},
    )


def _write_copy(rows: list[dict], events: bool) -> int:
    """COPY the rows (ids drawn from the table's sequence first, so events can point at
    them) and, if asked, their receipt events."""
    record_table = Record._meta.db_table
    event_table = RecordEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [record_table, len(rows)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        columns = ", ".join(RECORD_COLUMNS)
        with raw.copy(f"COPY {record_table} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                row["id"] = pk
                copy.write_row([row[name] for name in RECORD_COLUMNS])
        if not events:
            return 0
        columns = ", ".join(EVENT_COLUMNS)
        with raw.copy(f"COPY {event_table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((row["id"], "receive", None, 2, row["received_at"], None, "", "{}"))
    return len(rows)
