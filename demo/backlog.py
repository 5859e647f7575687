"""The July reference's loose ends, finished in the weeks after it for the living demo.

The reference stops at the end of 11 July 2025 with records still open (some kept open on
purpose so that no unit out-scores A Lưới 5), results not yet collected and online submissions
still waiting. A real office finished them in the following weeks, so that a desk opened today
does not lead with dossiers of July 2025. ``close_reference_backlog`` lets each of them take its
remaining steps from the next working morning, 14 July 2025, as the lifecycle allows: accepted
(with a code of the day), processed, supplemented or paid, resolved (late when past its date),
returned at the desk, electronically or through its agent point. The figures of 1–11 July do
not move: flows are dated by the day they happen and the stock at the end of 11 July is what
it was; only the count of submissions still waiting (``not_accepted``) falls to zero.

Deterministic (one ``random.Random`` per record, seeded with its code or national dossier
number) and idempotent (once finished there is nothing left to continue).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time

from django.db import connection
from django.db.models import Max, Q

from demo.context import Context, period_bounds
from demo.fees import write_payments
from demo.plan import PERIOD_LAST_DAY, SEED
from demo.simulate import WITHDRAW_STOP, RecordLife
from records.enums import OPEN_STATUSES, ResultDelivery, ReturnMethod, Status
from records.models import Record, RecordEvent, RecordSequence

RECORD_FIELDS = [f.attname for f in Record._meta.concrete_fields]
CHANGED = [
    "status",
    "code",
    "received_at",
    "due_date",
    "extended_due_date",
    "paused_since",
    "finished_at",
    "outcome",
    "returned_at",
    "return_method",
    "result_at_point_since",
    "version",
]


def close_reference_backlog(context: Context) -> tuple[int, int]:
    """Finish what the reference left open; returns (records continued, events written). Call
    inside the seeding transaction."""
    _, end = period_bounds(context.tz)
    loose = Record.objects.filter(
        Q(received_at__lte=end, status__in=[*OPEN_STATUSES, Status.RESOLVED])
        | Q(submitted_at__lte=end, status=Status.SUBMITTED)
    ).select_related("procedure")
    records = sorted(loose, key=lambda r: (r.code or "", r.national_dossier_no or ""))
    if not records:
        return 0, 0
    last_at = dict(
        RecordEvent.objects.filter(record__in=records)
        .values("record")
        .annotate(last=Max("at"))
        .values_list("record", "last")
    )
    start = datetime.combine(
        context.calendar.next_working_day(PERIOD_LAST_DAY), time(7, 30), tzinfo=context.tz
    )
    lives = [_continue(record, last_at[record.pk], start, context) for record in records]
    _issue_codes(records, lives, context)
    events = []
    for record, life in zip(records, lives, strict=True):
        new = life.events[1:]
        life.fields["version"] = record.version + len(new)
        for name in CHANGED:
            setattr(record, name, life.fields[name])
        events += [RecordEvent(record_id=record.pk, **event) for event in new]
    _update(records)
    RecordEvent.objects.bulk_create(events, batch_size=1000)
    write_payments(
        events,
        units={r.pk: r.receiving_unit_id for r in records},
        procedures={r.pk: r.procedure_id for r in records},
    )
    return len(records), len(events)


def _update(records: list[Record]) -> None:
    """Write the changed columns of ``records``: one prepared UPDATE run for every row
    (``bulk_update`` builds a CASE per column and row, ten times slower here)."""
    fields = [Record._meta.get_field(name) for name in CHANGED]
    table = connection.ops.quote_name(Record._meta.db_table)
    columns = ", ".join(f"{connection.ops.quote_name(f.column)} = %s" for f in fields)
    rows = [
        [f.get_db_prep_save(getattr(record, f.attname), connection) for f in fields] + [record.pk]
        for record in records
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {table} SET {columns} WHERE id = %s", rows)  # noqa: S608


def _continue(record: Record, last_at: datetime, start: datetime, context: Context) -> RecordLife:
    """The record's remaining steps, from ``start`` (or its last step, if later)."""
    rng = random.Random(f"{SEED}:backlog:{record.code or record.national_dossier_no}")
    fields = {name: getattr(record, name) for name in RECORD_FIELDS}
    life = RecordLife(
        fields, context.calendar, context.end, context.actors.get(record.handling_unit_id)
    )
    life.events = [{"at": max(last_at, start)}]  # where the continuation starts
    clock = context.clock
    if record.status == Status.SUBMITTED:
        fields["paused_since"] = None
        life.receive(clock.after(life.last_at, rng.uniform(0, 240)), record.procedure)
    if life.status == Status.RECEIVED:
        life.step("process", clock.after(life.last_at, rng.uniform(5, 60)))
    if life.status == Status.SUPPLEMENT_REQUESTED:
        life.step("supplement", clock.after(life.last_at, rng.uniform(60, 1500)))
    elif life.status == Status.AWAITING_PAYMENT:
        life.step("paid", clock.after(life.last_at, rng.uniform(30, 900)), data={"online": False})
    if life.status == Status.WITHDRAWAL_REQUESTED:
        life.step("stop", clock.after(life.last_at, rng.uniform(30, 960)), note=WITHDRAW_STOP)
        return life
    if life.status == Status.PROCESSING:
        life.step("resolve", clock.after(life.last_at, rng.uniform(30, 480 * 3)))
    if life.status == Status.RESOLVED and fields["returned_at"] is None:
        _hand_back(life, rng, clock)
    return life


def _hand_back(life: RecordLife, rng, clock) -> None:
    """The result goes back: through the agent point when it was to go there, else at the desk
    or electronically."""
    fields = life.fields
    if fields["result_delivery"] != ResultDelivery.AT_UNIT and fields["agent_point_id"]:
        if fields["result_at_point_since"] is None:
            life.take_over(clock.after(life.last_at, rng.uniform(60, 600)))
        home = fields["result_delivery"] == ResultDelivery.BY_POST
        life.deliver(clock.after(life.last_at, rng.uniform(60, 1440)), "home" if home else "point")
        return
    method = ReturnMethod.ONLINE if fields["e_result"] else ReturnMethod.COUNTER
    life.return_result(clock.after(life.last_at, rng.uniform(10, 480 * 2)), method)


def _issue_codes(records: list[Record], lives: list[RecordLife], context: Context) -> None:
    """Codes for the submissions accepted now: per unit and day of acceptance, in order, after
    the numbers already issued that day."""
    agency = {u.pk: u.agency_code for u in context.units.values()}
    accepted = sorted(
        (
            life
            for record, life in zip(records, lives, strict=True)
            if record.status == Status.SUBMITTED
        ),
        key=lambda life: life.fields["received_at"],
    )
    numbers: dict[tuple[int, date], RecordSequence] = {}
    for life in accepted:
        day = life.fields["received_at"].astimezone(context.tz).date()
        key = (life.fields["receiving_unit_id"], day)
        if key not in numbers:
            numbers[key], _ = RecordSequence.objects.get_or_create(unit_id=key[0], day=key[1])
        sequence = numbers[key]
        sequence.last_number += 1
        life.fields["code"] = f"{agency[key[0]]}-{key[1]:%y%m%d}-{sequence.last_number:04d}"
    for sequence in numbers.values():
        sequence.save(update_fields=["last_number"])
