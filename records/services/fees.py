"""Fees and charges (phí, lệ phí): the payment request, the payment at the counter or online,
the receipt number and the refund. Each is a lifecycle action (``request_payment``, ``paid``,
``refund``) carried out by the engine, so the history, the figures and the national portal
hear of it; the rows of ``PaymentRequest``, ``Payment`` and ``Refund`` are written inside the
same transaction, under the record's row lock.

``Record.paid_online`` is derived here from the payments (true once a fee was paid online),
never set by hand. The online gateway (``payments`` app) confirms a payment through
``record_paid_online``, idempotent per transaction reference.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from records.codes import next_receipt_number
from records.enums import PaymentChannel, PaymentState
from records.exceptions import RecordConflict
from records.models import Payment, PaymentRequest, Record, Refund
from records.services.engine import apply_transition, required_text

# A payment request's default time to pay, in working days from the request.
DEFAULT_PAY_WITHIN_WORKING_DAYS = 5


def open_request(record: Record, *, lock: bool = False) -> PaymentRequest | None:
    """The record's open payment request (at most one), if any."""
    requests = PaymentRequest.objects.filter(record=record, state=PaymentState.REQUESTED)
    if lock:
        requests = requests.select_for_update()
    return requests.first()


def _check_amount(amount) -> None:
    if amount is not None and (
        isinstance(amount, bool) or not isinstance(amount, int) or amount < 0
    ):
        raise ValidationError({"amount": _("Enter the amount in đồng as a whole number.")})


def record_request_payment(
    *,
    record: Record,
    actor,
    amount: int | None = None,
    purpose: str = "",
    payment_due: date | None = None,
    at=None,
    expected_version=None,
    note: str = "",
) -> Record:
    """Ask the applicant to pay (the clock pauses): a payment request of ``amount`` đồng
    (default: the procedure's fee + charge) for ``purpose`` (default: the procedure's fee and
    charge), to pay by ``payment_due`` (default: 5 working days from the request)."""
    _check_amount(amount)
    if payment_due is not None and (
        not isinstance(payment_due, date) or isinstance(payment_due, datetime)
    ):
        raise ValidationError({"payment_due": _("Enter a valid date.")})
    purpose = (purpose or "").strip()

    def change(current, calendar, moment, data):
        total = amount if amount is not None else current.procedure.fee_total
        if not total:
            raise ValidationError(
                {"amount": _("This procedure has no fee nor charge: enter the amount to request.")}
            )
        today = timezone.localtime(moment).date()
        due = payment_due or calendar.add_working_days(today, DEFAULT_PAY_WITHIN_WORKING_DAYS)
        if due < today:
            raise ValidationError({"payment_due": _("The date to pay by cannot be in the past.")})
        request = PaymentRequest.objects.create(
            record=current,
            amount=total,
            purpose=purpose
            or _("Fee and charge: %(procedure)s") % {"procedure": current.procedure},
            due_date=due,
            requested_at=moment,
            requested_by=actor,
        )
        data.update(amount=total, payment_request=str(request.public_id), due=due.isoformat())

    return apply_transition(
        record=record,
        action="request_payment",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def record_paid(
    *,
    record: Record,
    actor,
    reference: str = "",
    channel: str = PaymentChannel.COUNTER,
    at=None,
    expected_version=None,
    note: str = "",
) -> Record:
    """The open payment request is paid (the appointment date moves by the pause): the payment
    with its channel and reference, and the receipt number of the receiving unit's year."""
    if channel not in PaymentChannel.values:
        raise ValidationError({"channel": _("Unknown payment channel.")})
    reference = (reference or "").strip()[:100]

    def change(current, calendar, moment, data):
        request = open_request(current, lock=True)
        if request is None:
            raise RecordConflict(_("This record has no open payment request."))
        year = timezone.localtime(moment).year
        payment = Payment.objects.create(
            request=request,
            amount=request.amount,
            channel=channel,
            reference=reference,
            paid_at=moment,
            received_by=actor,
            receipt_unit_id=current.receiving_unit_id,
            receipt_year=year,
            receipt_number=next_receipt_number(current.receiving_unit_id, year),
        )
        request.state = PaymentState.PAID
        request.closed_at = moment
        request.save(update_fields=["state", "closed_at"])
        current.paid_online = Payment.objects.filter(
            request__record=current, channel=PaymentChannel.ONLINE
        ).exists()
        data.update(
            amount=payment.amount,
            channel=channel,
            online=channel == PaymentChannel.ONLINE,
            reference=reference,
            receipt_no=payment.receipt_no,
        )

    return apply_transition(
        record=record,
        action="paid",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def record_paid_online(
    *, request_id, reference: str, amount: int, at: datetime | None = None
) -> tuple[Payment, bool]:
    """The gateway confirms that payment request ``request_id`` (its public id) was paid
    online under transaction ``reference``. Idempotent per reference: a confirmation already
    recorded returns ``(payment, False)`` and changes nothing; otherwise the payment is recorded
    through ``record_paid`` and ``(payment, True)`` returned. A wrong amount is a
    ``ValidationError``; a request no longer open (paid at the counter, cancelled) or a record
    not awaiting payment is a ``RecordConflict`` (the gateway must refund)."""
    reference = (reference or "").strip()
    if not reference or len(reference) > 100:
        raise ValidationError({"reference": _("A transaction reference is required.")})
    with transaction.atomic():
        request = (
            PaymentRequest.objects.select_for_update()
            .select_related("record")
            .filter(public_id=request_id)
            .first()
        )
        if request is None:
            raise ValidationError({"order": _("Unknown payment request.")})
        existing = Payment.objects.filter(
            channel=PaymentChannel.ONLINE, reference=reference
        ).first()
        if existing is not None:
            if existing.request_id != request.pk:
                raise ValidationError(
                    {"reference": _("This reference was recorded for another payment.")}
                )
            return existing, False
        if request.state != PaymentState.REQUESTED:
            raise RecordConflict(_("This payment request is no longer open."))
        if isinstance(amount, bool) or not isinstance(amount, int) or amount != request.amount:
            raise ValidationError({"amount": _("The amount paid is not the amount requested.")})
        record_paid(
            record=request.record,
            actor=None,
            reference=reference,
            channel=PaymentChannel.ONLINE,
            at=at,
            note=_("Paid online"),
        )
        return Payment.objects.get(request=request), True


def record_refund(*, record: Record, actor, reason: str, at=None, expected_version=None):
    """Give the record's paid fee back, with the reason (status unchanged): the latest paid
    request becomes refunded; its receipt stays issued (the refund is written beside it)."""
    reason = required_text(reason, "reason", _("Give the reason for the refund."))

    def change(current, calendar, moment, data):
        request = (
            PaymentRequest.objects.select_for_update()
            .filter(record=current, state=PaymentState.PAID)
            .order_by("-closed_at", "-id")
            .first()
        )
        if request is None:
            raise RecordConflict(_("Nothing was paid for this record, or it was refunded."))
        payment = request.payment
        Refund.objects.create(
            payment=payment,
            amount=payment.amount,
            reason=reason,
            refunded_at=moment,
            refunded_by=actor,
        )
        request.state = PaymentState.REFUNDED
        request.closed_at = moment
        request.save(update_fields=["state", "closed_at"])
        data.update(amount=payment.amount, receipt_no=payment.receipt_no)

    return apply_transition(
        record=record,
        action="refund",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=reason,
        change=change,
    )


def cancel_open_request(current: Record, moment: datetime, data: dict) -> None:
    """Inside an action that ends the record (stop): its open payment request is cancelled."""
    request = open_request(current, lock=True)
    if request is not None:
        request.state = PaymentState.CANCELLED
        request.closed_at = moment
        request.save(update_fields=["state", "closed_at"])
        data["payment_cancelled"] = str(request.public_id)
