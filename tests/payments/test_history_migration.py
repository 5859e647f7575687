"""The data migration ``0015_fees_payments_from_history``: the records written before the fees
existed (a ``request_payment`` / ``paid`` history, a hand-set ``paid_online``) get their
payment requests and payments rebuilt from the history; ``paid_online`` keeps its value; a
record awaiting payment gets its open request and can then be paid through the service."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from records.enums import Status
from records.models import Payment, PaymentRequest, Record, RecordEvent
from records.services import record_paid
from tests.helpers import receive

pytestmark = pytest.mark.django_db

migration = importlib.import_module("records.migrations.0015_fees_payments_from_history")


def legacy(record: Record, steps, *, status: int, paid_online: bool) -> Record:
    """``record`` as the old code left it: events only, no payment rows."""
    at = record.received_at
    for action, data, from_status, to_status in steps:
        at += timedelta(hours=1)
        RecordEvent.objects.create(
            record=record,
            action=action,
            at=at,
            data=data,
            from_status=from_status,
            to_status=to_status,
        )
    Record.objects.filter(pk=record.pk).update(
        status=status,
        paid_online=paid_online,
        paused_since=at if status == Status.AWAITING_PAYMENT else None,
    )
    record.refresh_from_db()
    return record


def test_payments_are_rebuilt_from_the_history(clerk_a, unit_a):
    received_at = timezone.now() - timedelta(days=3)
    paid = legacy(
        receive(clerk_a, unit_a, received_at=received_at),
        [("request_payment", {"amount": 50000}, 2, 6), ("paid", {"online": True}, 6, 4)],
        status=Status.PROCESSING,
        paid_online=True,
    )
    waiting = legacy(
        receive(clerk_a, unit_a, procedure="ho-tich-trich-luc", received_at=received_at),
        [("request_payment", {}, 2, 6)],
        status=Status.AWAITING_PAYMENT,
        paid_online=False,
    )
    assert not PaymentRequest.objects.exists()

    migration.forwards(apps, None)

    request = PaymentRequest.objects.get(record=paid)
    assert (request.amount, request.state) == (50000, "paid")
    payment = request.payment
    assert (payment.channel, payment.receipt_number) == ("online", 1)
    paid.refresh_from_db()
    assert paid.paid_online is True  # the old value kept
    open_request = PaymentRequest.objects.get(record=waiting)
    assert (open_request.amount, open_request.state) == (8000, "requested")  # the lệ phí

    # The migrated open request is paid at the counter like any other: the next number.
    waiting = record_paid(record=waiting, actor=clerk_a)
    assert waiting.status == Status.PROCESSING and waiting.paid_online is False
    assert Payment.objects.get(request__record=waiting).receipt_number == 2

    migration.forwards(apps, None)  # a second run changes nothing
    assert PaymentRequest.objects.count() == 2 and Payment.objects.count() == 2
