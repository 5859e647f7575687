"""Online payment end to end, on real processes: the gateway's stand-in
(``manage.py payment_gateway_simulator``) runs as its own process on loopback, the portal is
Django's live server. The citizen follows "Pay online" from the record's status page, pays on
the gateway's page, the gateway calls the portal back (signed); the record resumes (status
back to processing, the appointment date moved by the pause), ``paid_online`` is true and the
receipt number issued. A replayed callback records nothing twice; a forged one is refused."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape

import pytest
import requests
from django.utils import timezone

from payments.gateway import SIGNATURE_HEADER, sign
from records import public
from records.calendar import WorkingCalendar
from records.deadlines import shift_for_pause
from records.enums import PaymentChannel, PaymentState, Status
from records.models import Payment, Record, RecordEvent
from records.services import record_request_payment
from tests.helpers import receive, shot
from tests.payments.gateway import SECRET, point_portal_at, start_gateway, transactions

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

PROCEDURE = "chung-thuc-chu-ky"  # fee 10,000 đồng in the bundled catalogue


@pytest.fixture
def gateway(tmp_path, settings, live_server):
    child = start_gateway(tmp_path)
    point_portal_at(settings, child, live_server.url)
    yield child
    child.stop()


def awaiting_payment(clerk, unit) -> Record:
    """Received six days ago, asked to pay five days ago: a pause of several working days."""
    now = timezone.now()
    record = receive(clerk, unit, procedure=PROCEDURE, received_at=now - timedelta(days=6))
    return record_request_payment(record=record, actor=clerk, at=now - timedelta(days=5))


def pay_through_gateway(base_url: str, record: Record) -> requests.Response:
    """What the citizen's browser does: the status page's link, the gateway's page, "Pay"."""
    status_page = requests.get(base_url + public.status_path(record), timeout=10)
    assert status_page.status_code == 200
    link = re.search(r'href="([^"]+)" data-testid="pay-online"', status_page.text).group(1)
    checkout = requests.get(base_url + link, allow_redirects=False, timeout=10)
    assert checkout.status_code == 302
    gateway_page = requests.get(checkout.headers["Location"], timeout=10)
    assert gateway_page.status_code == 200 and "10000 đồng" in gateway_page.text
    fields = {
        name: unescape(value)
        for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', gateway_page.text)
    }
    pay_url = checkout.headers["Location"].split("?")[0]
    return requests.post(pay_url, data=fields, allow_redirects=False, timeout=20)


def test_pay_online_resumes_the_record_and_a_replay_records_nothing_twice(
    gateway, live_server, clerk_a, unit_a
):
    record = awaiting_payment(clerk_a, unit_a)
    request = record.payment_requests.get()
    assert (request.amount, request.state) == (10000, PaymentState.REQUESTED)
    due_before, paused_since = record.due_date, record.paused_since

    paid = pay_through_gateway(live_server.url, record)
    assert paid.status_code == 303, paid.text
    assert paid.headers["Location"].startswith(live_server.url + "/tra-cuu/s/")

    record.refresh_from_db()
    assert record.status == Status.PROCESSING and record.paused_since is None
    assert record.paid_online is True
    event = record.events.get(action="paid")
    expected_due, days = shift_for_pause(due_before, paused_since, event.at, WorkingCalendar())
    assert days >= 1 and record.due_date == expected_due > due_before
    assert event.actor is None and event.data["channel"] == "online"
    payment = Payment.objects.get(request=request)
    assert payment.channel == PaymentChannel.ONLINE and payment.amount == 10000
    assert payment.receipt_number == 1 and payment.receipt_year == timezone.localdate().year
    assert payment.reference.startswith("SIM-")
    assert event.data["receipt_no"] == payment.receipt_no
    request.refresh_from_db()
    assert request.state == PaymentState.PAID

    # The gateway sends the same confirmation again: answered, nothing recorded twice.
    (sent,) = transactions(gateway)
    assert sent["status"] == 200 and json.loads(sent["answer"])["result"] == "recorded"
    version = record.version
    replay = requests.post(
        sent["callback_url"],
        data=sent["body"].encode(),
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: sent["signature"]},
        timeout=10,
    )
    assert replay.status_code == 200
    assert replay.json() == {"result": "already_recorded", "receipt_no": payment.receipt_no}
    assert Payment.objects.count() == 1
    assert RecordEvent.objects.filter(record=record, action="paid").count() == 1
    record.refresh_from_db()
    assert record.version == version

    # The citizen's page no longer asks for anything.
    page = requests.get(live_server.url + public.status_path(record), timeout=10).text
    assert 'data-testid="pay-online"' not in page


def test_a_forged_callback_is_refused_and_changes_nothing(gateway, live_server, clerk_a, unit_a):
    record = awaiting_payment(clerk_a, unit_a)
    request = record.payment_requests.get()
    url = live_server.url + "/payments/callback/"
    body = json.dumps(
        {
            "merchant": "HUE-TEST",
            "order": str(request.public_id),
            "transaction": "FORGED-1",
            "amount": 10000,
            "status": "paid",
        }
    ).encode()

    def post(data: bytes, signature: str | None):
        headers = {"Content-Type": "application/json"}
        if signature is not None:
            headers[SIGNATURE_HEADER] = signature
        return requests.post(url, data=data, headers=headers, timeout=10)

    answers = [
        post(body, None),  # unsigned
        post(body, sign(body, "not-the-secret")),  # signed with another key
        post(body.replace(b"10000", b"100"), sign(body, SECRET)),  # altered after signing
        post(b"{not json", sign(b"{not json", SECRET)),  # the gateway's key, garbage
    ]
    assert [answer.status_code for answer in answers] == [400, 400, 400, 400]
    # Signed by the gateway but for another amount than requested: refused too.
    wrong_amount = body.replace(b"10000", b"9000")
    assert post(wrong_amount, sign(wrong_amount, SECRET)).status_code == 400

    record.refresh_from_db()
    request.refresh_from_db()
    assert record.status == Status.AWAITING_PAYMENT and not record.paid_online
    assert request.state == PaymentState.REQUESTED
    assert not Payment.objects.exists()
    assert not record.events.filter(action="paid").exists()
    assert transactions(gateway) == []


@pytest.mark.browser
def test_the_citizen_pays_online_in_the_browser(gateway, live_server, page, clerk_a, unit_a):
    record = awaiting_payment(clerk_a, unit_a)
    page.goto(live_server.url + public.status_path(record))
    page.get_by_test_id("pay-online").click()
    page.wait_for_selector("[data-testid=gateway-amount]")
    assert page.get_by_test_id("gateway-amount").inner_text() == "10000 đồng"
    page.get_by_test_id("gateway-pay").click()
    page.wait_for_url(live_server.url + "/tra-cuu/s/**")
    assert page.get_by_test_id("public-words").inner_text() == "Đang giải quyết"
    shot(page, "payments-after-online-payment")
    record.refresh_from_db()
    assert record.status == Status.PROCESSING and record.paid_online
    assert record.payment_requests.get().payment.receipt_number == 1
