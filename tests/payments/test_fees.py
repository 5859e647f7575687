"""Fees and charges: the procedures' amounts, the payment request and its defaults, the payment
at the counter with its receipt number (per unit and year, without gaps), the refund, the
cancellation when the record stops; the record page, the fee receipt and the API."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from records.enums import PaymentChannel, PaymentState, Status
from records.exceptions import RecordConflict
from records.models import Payment, Procedure, ReceiptSequence
from records.services import (
    record_paid,
    record_process,
    record_refund,
    record_request_payment,
    record_stop,
)
from tests.helpers import receive

pytestmark = pytest.mark.django_db


def awaiting(clerk, unit, procedure="chung-thuc-chu-ky", **kwargs):
    record = record_process(record=receive(clerk, unit, procedure=procedure), actor=clerk)
    return record_request_payment(record=record, actor=clerk, **kwargs)


def test_procedures_carry_their_fee_and_charge(reference_data):
    amounts = {p.key: (p.fee, p.charge) for p in Procedure.objects.all()}
    assert len(amounts) == 27
    assert amounts["ho-tich-khai-sinh"] == (None, None)  # birth registration is free
    assert amounts["ho-tich-trich-luc"] == (None, 8000)
    assert amounts["chung-thuc-hop-dong"] == (50000, None)
    assert Procedure.objects.get(key="kinh-doanh-ho-kinh-doanh").fee_total == 100000
    assert sum(1 for fee, charge in amounts.values() if fee or charge) == 14


def test_a_request_defaults_to_the_procedures_fee_and_pauses_the_clock(clerk_a, unit_a):
    record = awaiting(clerk_a, unit_a)
    request = record.payment_requests.get()
    assert record.status == Status.AWAITING_PAYMENT and record.paused_since is not None
    assert (request.amount, request.state, request.requested_by) == (10000, "requested", clerk_a)
    assert "Chứng thực chữ ký" in request.purpose
    assert request.due_date > record.received_at.date()
    event = record.events.get(action="request_payment")
    assert event.data["amount"] == 10000 and event.data["payment_request"] == str(request.public_id)


def test_a_free_procedure_needs_an_amount_and_the_date_cannot_be_past(clerk_a, unit_a):
    record = record_process(record=receive(clerk_a, unit_a), actor=clerk_a)
    with pytest.raises(ValidationError) as error:
        record_request_payment(record=record, actor=clerk_a)
    assert "amount" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        record_request_payment(
            record=record, actor=clerk_a, amount=5000, payment_due=date(2020, 1, 1)
        )
    assert "payment_due" in error.value.message_dict
    record.refresh_from_db()
    assert record.status == Status.PROCESSING and not record.payment_requests.exists()
    record = record_request_payment(
        record=record, actor=clerk_a, amount=5000, purpose="Lệ phí cấp bản sao"
    )
    assert record.payment_requests.get().purpose == "Lệ phí cấp bản sao"


def test_counter_payments_get_receipt_numbers_per_unit_without_gaps(
    clerk_a, unit_a, clerk_b, unit_b
):
    numbers = []
    for _ in range(3):
        record = record_paid(record=awaiting(clerk_a, unit_a), actor=clerk_a, reference="PT-1")
        payment = Payment.objects.get(request__record=record)
        numbers.append(payment.receipt_number)
        assert record.status == Status.PROCESSING and record.paid_online is False
        assert payment.channel == PaymentChannel.COUNTER and payment.received_by == clerk_a
    assert numbers == [1, 2, 3]
    # A failed payment (a stale page: version conflict) rolls its number back: no gap.
    fourth = awaiting(clerk_a, unit_a)
    with pytest.raises(RecordConflict):
        record_paid(record=fourth, actor=clerk_a, expected_version=1)
    assert ReceiptSequence.objects.get(unit=unit_a).last_number == 3
    fourth = record_paid(record=fourth, actor=clerk_a)
    assert Payment.objects.get(request__record=fourth).receipt_number == 4
    # Paying a record with no open request is refused.
    with pytest.raises(RecordConflict):
        record_paid(record=fourth, actor=clerk_a)
    other = record_paid(record=awaiting(clerk_b, unit_b), actor=clerk_b)
    assert Payment.objects.get(request__record=other).receipt_number == 1


def test_refund_with_a_reason_once(clerk_a, unit_a):
    record = record_paid(record=awaiting(clerk_a, unit_a), actor=clerk_a)
    with pytest.raises(ValidationError):
        record_refund(record=record, actor=clerk_a, reason="  ")
    record = record_refund(record=record, actor=clerk_a, reason="Được miễn lệ phí")
    request = record.payment_requests.get()
    assert request.state == PaymentState.REFUNDED
    assert request.payment.refund.reason == "Được miễn lệ phí"
    assert request.payment.refund.amount == 10000
    event = record.events.latest("id")
    assert (event.action, event.actor, event.note) == ("refund", clerk_a, "Được miễn lệ phí")
    assert record.status == Status.PROCESSING
    with pytest.raises(RecordConflict):
        record_refund(record=record, actor=clerk_a, reason="Lần nữa")


def test_stopping_cancels_the_open_request(clerk_a, unit_a):
    record = record_stop(record=awaiting(clerk_a, unit_a), actor=clerk_a, reason="Rút hồ sơ")
    assert record.payment_requests.get().state == PaymentState.CANCELLED


def test_the_record_page_the_receipt_and_the_api(client, clerk_a, unit_a):
    client.force_login(clerk_a)
    record = awaiting(clerk_a, unit_a)
    page = client.get(reverse("records:detail", args=[record.code])).content.decode()
    assert 'data-testid="payments"' in page and 'data-state="requested"' in page
    assert 'data-testid="slip-fee_receipt"' not in page
    assert f"/records/{record.code}/act/refund/" not in page  # nothing paid yet

    version = record.version
    response = client.post(
        reverse("records:act", kwargs={"code": record.code, "action": "paid"}),
        {"version": version, "reference": "PT-0042", "note": ""},
    )
    assert response.status_code == 302
    page = client.get(reverse("records:detail", args=[record.code])).content.decode()
    assert 'data-testid="payment-receipt">0000001/' in page
    assert 'data-testid="slip-fee_receipt"' in page
    assert reverse("records:act", kwargs={"code": record.code, "action": "refund"}) in page

    slip = client.get(reverse("records:slip", args=[record.code, "fee_receipt"]))
    assert slip.status_code == 200
    text = slip.content.decode()
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text and 'data-testid="slip-qr"' in text
    assert "10.000 đồng" in text or "10,000 đồng" in text
    assert "PT-0042" in text

    api = APIClient()
    api.force_authenticate(clerk_a)
    detail = api.get(f"/api/v1/records/{record.code}/").json()
    (request,) = detail["payments"]
    assert request["state"] == "paid" and request["payment"]["reference"] == "PT-0042"
    assert request["payment"]["receipt_no"].startswith("0000001/")
    assert "refund" in detail["allowed_actions"]
    refunded = api.post(
        f"/api/v1/records/{record.code}/refund/", {"reason": "Thu nhầm"}, format="json"
    )
    assert refunded.status_code == 200, refunded.content
    assert refunded.json()["payments"][0]["payment"]["refund"]["reason"] == "Thu nhầm"
    assert "refund" not in refunded.json()["allowed_actions"]


def test_the_api_refuses_a_free_request_without_amount(clerk_a, unit_a):
    api = APIClient()
    api.force_authenticate(clerk_a)
    record = receive(clerk_a, unit_a)
    answer = api.post(f"/api/v1/records/{record.code}/request-payment/", {}, format="json")
    assert answer.status_code == 400 and "amount" in str(answer.json())
    answer = api.post(
        f"/api/v1/records/{record.code}/request-payment/",
        {"amount": 20000, "purpose": "Lệ phí", "payment_due": "2099-01-02"},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["payments"][0]["due_date"] == "2099-01-02"
