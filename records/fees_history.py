"""Payment rows rebuilt from a record's history, in bulk: for the records written before the
fees existed (the data migration ``0015_fees_payments_from_history``) and for the demo's
generated records, whose events are written in bulk without the services.

Each ``request_payment`` event gives a payment request (its amount from the event, else the
procedure's fee + charge; 0 when neither is known: "amount not recorded"); the next ``paid``
event gives its payment (online when the event says so) with the receipt number of the
receiving unit's year, issued in order of payment after the numbers already issued; a ``stop``
while it is open cancels it. The model classes are passed in, so that a migration gives its
historical models."""

from __future__ import annotations

import uuid
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

PAY_WITHIN_DAYS = 7


def payments_from_events(rows, *, models: dict, open_requests: dict | None = None):
    """``rows``: ``(record_id, unit_id, default_amount, action, at, data)`` sorted by record
    and time. ``models``: ``PaymentRequest``, ``Payment``, ``ReceiptSequence``.
    ``open_requests``: the records' requests already open in the database, by record id (the
    rows then continue their histories). Writes the requests and payments; returns
    (requests, payments) written."""
    PaymentRequest = models["PaymentRequest"]  # noqa: N806 - a model class
    Payment = models["Payment"]  # noqa: N806
    ReceiptSequence = models["ReceiptSequence"]  # noqa: N806
    tz = ZoneInfo(settings.TIME_ZONE)
    open_by_record = dict(open_requests or {})
    new_requests, closed_existing = [], []
    paid = []  # (request, unit, at, online)
    for record_id, unit_id, default_amount, action, at, data in rows:
        data = data or {}
        if action == "request_payment":
            amount = data.get("amount")
            amount = amount if isinstance(amount, int) and amount >= 0 else default_amount
            request = PaymentRequest(
                public_id=uuid.uuid4(),
                record_id=record_id,
                amount=amount or 0,
                purpose="Phí, lệ phí",
                due_date=(at.astimezone(tz) + timedelta(days=PAY_WITHIN_DAYS)).date(),
                state="requested",
                requested_at=at,
            )
            new_requests.append(request)
            open_by_record[record_id] = request
        elif action in ("paid", "stop") and record_id in open_by_record:
            request = open_by_record.pop(record_id)
            request.state, request.closed_at = ("paid" if action == "paid" else "cancelled"), at
            if request.pk is not None:
                closed_existing.append(request)
            if action == "paid":
                paid.append((request, unit_id, at, bool(data.get("online"))))
    PaymentRequest.objects.bulk_create(new_requests, batch_size=2000)
    PaymentRequest.objects.bulk_update(closed_existing, ["state", "closed_at"], batch_size=2000)

    last = {(s.unit_id, s.year): s for s in ReceiptSequence.objects.all()}
    payments = []
    for request, unit_id, at, online in sorted(paid, key=lambda item: item[2]):
        year = at.astimezone(tz).year
        sequence = last.get((unit_id, year))
        if sequence is None:
            sequence = last[(unit_id, year)] = ReceiptSequence(
                unit_id=unit_id, year=year, last_number=0
            )
        sequence.last_number += 1
        payments.append(
            Payment(
                request_id=request.pk,
                amount=request.amount,
                channel="online" if online else "counter",
                reference=f"HIST-{request.public_id.hex[:12].upper()}" if online else "",
                paid_at=at,
                receipt_unit_id=unit_id,
                receipt_year=year,
                receipt_number=sequence.last_number,
            )
        )
    Payment.objects.bulk_create(payments, batch_size=2000)
    existing = [s for s in last.values() if s.pk is not None]
    ReceiptSequence.objects.bulk_create([s for s in last.values() if s.pk is None], batch_size=2000)
    ReceiptSequence.objects.bulk_update(existing, ["last_number"], batch_size=2000)
    return len(new_requests), len(payments)


def rows_for_records(Record, RecordEvent, record_ids=None):  # noqa: N803 - model classes
    """The ``payments_from_events`` rows of the records with a ``request_payment`` event
    (those of ``record_ids`` only, if given)."""
    events = RecordEvent.objects.filter(
        action__in=("request_payment", "paid", "stop"),
        record__events__action="request_payment",
    )
    if record_ids is not None:
        events = events.filter(record_id__in=record_ids)
    fees = {
        pk: (fee or 0) + (charge or 0)
        for pk, fee, charge in Record.objects.filter(pk__in=events.values("record_id")).values_list(
            "pk", "procedure__fee", "procedure__charge"
        )
    }
    values = (
        events.distinct()
        .order_by("record_id", "at", "id")
        .values_list("record_id", "record__receiving_unit_id", "action", "at", "data")
    )
    return [
        (record_id, unit_id, fees.get(record_id, 0), action, at, data)
        for record_id, unit_id, action, at, data in values.iterator()
    ]
