"""The demo's payment requests and payments, in bulk from the events the generators write
(``records.fees_history``): every ``request_payment`` of a generated record becomes a payment
request of the procedure's amount, every ``paid`` its payment (online when the record came
online) with the receipt number of its unit and year, every ``stop`` while open cancels it."""

from __future__ import annotations

from records.fees_history import payments_from_events
from records.models import Payment, PaymentRequest, Procedure, ReceiptSequence, RecordEvent

MODELS = {"PaymentRequest": PaymentRequest, "Payment": Payment, "ReceiptSequence": ReceiptSequence}
ACTIONS = ("request_payment", "paid", "stop")


def write_payments(events: list[RecordEvent], *, units: dict[int, int], procedures: dict[int, int]):
    """``events``: new events (with ``record_id``); ``units``/``procedures``: each record's
    receiving unit and procedure. Continues the requests already open for those records."""
    wanted = sorted((e for e in events if e.action in ACTIONS), key=lambda e: (e.record_id, e.at))
    if not wanted:
        return 0, 0
    fees = {
        pk: (fee or 0) + (charge or 0)
        for pk, fee, charge in Procedure.objects.values_list("pk", "fee", "charge")
    }
    record_ids = {e.record_id for e in wanted}
    open_requests = {
        request.record_id: request
        for request in PaymentRequest.objects.filter(record_id__in=record_ids, state="requested")
    }
    rows = [
        (
            e.record_id,
            units[e.record_id],
            fees.get(procedures[e.record_id], 0),
            e.action,
            e.at,
            e.data,
        )
        for e in wanted
    ]
    return payments_from_events(rows, models=MODELS, open_requests=open_requests)
