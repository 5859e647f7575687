"""The demo records of 1–11 July 2025, built from ``demo.plan`` and inserted in bulk.

``demo.lives`` builds every record's life (with the reference rows of ``demo.context``); this
module issues the codes and writes the records, their events and the code sequences.

Deterministic: every random choice comes from a ``random.Random`` seeded with a fixed string
per unit, day and record, so the same records (codes, times, applicants, histories) appear on
every machine. Idempotent: nothing is written when records or code sequences of the period
already exist.
"""

from __future__ import annotations

import time as timer
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from demo.context import Context, period_bounds, seed_context
from demo.fees import write_payments
from demo.lives import build_lives
from demo.plan import PERIOD_FIRST_DAY, PERIOD_LAST_DAY
from demo.simulate import RecordLife
from records.models import Record, RecordEvent, RecordSequence

# build_lives and seed_context are importable from here too (the seed's tests use them).
__all__ = ["SeedReport", "build_lives", "demo_records_present", "seed_context", "seed_demo_records"]

BATCH_SIZE = 500


@dataclass(frozen=True)
class SeedReport:
    """What ``seed_demo_records`` did: rows created (0 when skipped) and the time it took."""

    skipped: bool
    records: int
    received: int
    events: int
    seconds: float
    first_day: date | None = None  # the first day written (the living demo's runs)


def demo_records_present() -> bool:
    """True when records or code sequences of 1–11 July 2025 already exist (seeded before,
    or real data): the seed then writes nothing."""
    start, end = period_bounds(ZoneInfo(settings.TIME_ZONE))
    in_period = Q(received_at__range=(start, end)) | Q(submitted_at__range=(start, end))
    return (
        Record.objects.filter(in_period).exists()
        or RecordSequence.objects.filter(day__range=(PERIOD_FIRST_DAY, PERIOD_LAST_DAY)).exists()
    )


def seed_demo_records() -> SeedReport:
    """Create the demo records of 1–11 July 2025 with their histories and code sequences.

    Needs the reference data (40 units, agent points, procedures) loaded. All or nothing (one
    transaction); skipped when ``demo_records_present()``. The records reproduce the city's
    report exactly (see ``demo.plan``), as of the end of 11 July 2025: no event is
    later than that.
    """
    started = timer.monotonic()
    if demo_records_present():
        return SeedReport(True, 0, 0, 0, timer.monotonic() - started)
    context = seed_context()
    lives = build_lives(context)
    with transaction.atomic():
        records, events, received = insert_lives(lives, context)
    return SeedReport(False, records, received, events, timer.monotonic() - started)


def _online_identity(lives: list[RecordLife], context: Context) -> None:
    """What the national portal gives an online submission: its dossier number (per unit and
    day of submission, in order, after the numbers of that unit and day already stored) and
    the 8-working-hour acceptance deadline."""
    codes = {u.pk: u.code for u in context.units.values()}
    submitted = [life for life in lives if life.fields["submitted_at"] is not None]
    numbers = _numbers_taken(min((life.fields["submitted_at"] for life in submitted), default=None))
    for life in sorted(submitted, key=lambda life: life.fields["submitted_at"]):
        fields = life.fields
        moment = fields["submitted_at"]
        key = (codes[fields["receiving_unit_id"]], moment.astimezone(context.tz).date())
        numbers[key] = numbers.get(key, 0) + 1
        fields["national_dossier_no"] = f"G22.{key[0]}-{key[1]:%y%m%d}-{numbers[key]:05d}"
        fields["acceptance_due_at"] = context.calendar.add_working_hours(moment, 8)


def _numbers_taken(since) -> dict[tuple[str, date], int]:
    """The last national dossier number stored per (unit code, day) from ``since`` on, so that
    a later seeding run continues the numbering (``G22.<unit>-<yymmdd>-<n>``)."""
    last: dict[tuple[str, date], int] = {}
    if since is None:
        return last
    stored = Record.objects.filter(
        submitted_at__gte=since - timedelta(days=7), national_dossier_no__startswith="G22."
    ).values_list("national_dossier_no", flat=True)
    for number in stored.iterator():
        unit_day, _, serial = number[4:].rpartition("-")
        unit, _, day = unit_day.partition("-")
        key = (unit, datetime.strptime(day, "%y%m%d").date())  # noqa: DTZ007 - a date only
        last[key] = max(last.get(key, 0), int(serial))
    return last


def insert_lives(lives: list[RecordLife], context: Context) -> tuple[int, int, int]:
    """Issue codes (per unit per local day, in order of receipt, from 0001), write records,
    events and sequences. Returns (records, events, received)."""
    by_unit_day: dict[tuple[int, date], list[RecordLife]] = {}
    for life in lives:
        received_at = life.fields["received_at"]
        if received_at is not None:
            key = (life.fields["receiving_unit_id"], received_at.astimezone(context.tz).date())
            by_unit_day.setdefault(key, []).append(life)
    agency = {u.pk: u.agency_code for u in context.units.values()}
    sequences = []
    for (unit_id, day), group in sorted(by_unit_day.items()):
        group.sort(key=lambda life: life.fields["received_at"])
        for number, life in enumerate(group, start=1):
            life.fields["code"] = f"{agency[unit_id]}-{day:%y%m%d}-{number:04d}"
        sequences.append(RecordSequence(unit_id=unit_id, day=day, last_number=len(group)))

    _online_identity(lives, context)
    records = [Record(**life.fields) for life in lives]
    Record.objects.bulk_create(records, batch_size=BATCH_SIZE)
    events = [
        RecordEvent(record_id=record.pk, **event)
        for record, life in zip(records, lives, strict=True)
        for event in life.events
    ]
    RecordEvent.objects.bulk_create(events, batch_size=BATCH_SIZE * 2)
    RecordSequence.objects.bulk_create(sequences, batch_size=BATCH_SIZE)
    write_payments(
        events,
        units={r.pk: r.receiving_unit_id for r in records},
        procedures={r.pk: r.procedure_id for r in records},
    )
    received = sum(len(group) for group in by_unit_day.values())
    return len(records), len(events), received
