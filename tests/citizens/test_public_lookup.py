"""The public status lookup: by code and personal ID number, or by a slip's status link; the
reduced view, one answer for every miss, the limits, and the log without the ID number."""

import logging
import re
import statistics
import time
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from citizens.models import Lookup, LookupOutcome, LookupVia
from records import public
from records.enums import ResultDelivery
from records.services import (
    record_process,
    record_request_payment,
    record_request_supplement,
    record_resolve,
    record_return,
)
from tests.helpers import APPLICANT, receive

pytestmark = pytest.mark.django_db

LOOKUP = "/tra-cuu/"
PERSONAL = (
    APPLICANT["applicant_name"],
    APPLICANT["applicant_id_number"],
    APPLICANT["applicant_phone"].replace(" ", ""),
    APPLICANT["applicant_address"],
)


def assert_no_personal_data(text: str):
    for value in PERSONAL:
        assert value not in text, value
    assert "0912 345 678" not in text


def post_lookup(client, code, id_number, address="203.0.113.7"):
    return client.post(LOOKUP, {"code": code, "id_number": id_number}, REMOTE_ADDR=address)


def normalised(response) -> str:
    """The body without what differs on every response by design (the masked CSRF token, the
    CSP nonce)."""
    body = response.content.decode()
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", body)
    body = re.sub(r'name="csrf-token" content="[^"]+"', "csrf", body)
    return re.sub(r'nonce="[^"]+"', "nonce", body)


@pytest.fixture
def record(clerk_a, unit_a):
    return receive(clerk_a, unit_a)


def test_the_home_and_login_pages_link_the_lookup(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{LOOKUP}"' in page
    directory = client.get(reverse("directory:directory")).content.decode()
    assert f'href="{LOOKUP}"' in directory


def test_code_and_id_show_the_reduced_status(client, record):
    response = post_lookup(client, record.code.lower(), " 0460 9500 1234 ")
    assert response.status_code == 200
    page = response.content.decode()
    assert record.code in page
    assert str(public.PUBLIC_WORDS[record.status]) in page
    assert record.procedure.name in page
    assert record.receiving_unit.name in page
    assert_no_personal_data(page)
    logged = Lookup.objects.get()
    assert (logged.via, logged.outcome, logged.record, logged.code) == (
        LookupVia.FORM,
        LookupOutcome.FOUND,
        record,
        record.code,
    )


def test_the_old_nine_digit_id_works_too(client, clerk_a, unit_a):
    applicant = {**APPLICANT, "applicant_id_number": "", "applicant_old_id_number": "191234567"}
    record = receive(clerk_a, unit_a, applicant=applicant)
    assert post_lookup(client, record.code, "191234567").status_code == 200


def test_a_wrong_id_and_an_unknown_code_get_the_same_answer(client, record):
    wrong_id = post_lookup(client, record.code, "001099000001")
    unknown = post_lookup(client, record.code[:-4] + "9999", "001099000001")
    assert wrong_id.status_code == unknown.status_code == 404
    # The form keeps the code typed, so compare the two answers for the same code typed.
    other = post_lookup(client, "H57.99-000000-0001", APPLICANT["applicant_id_number"])
    again = post_lookup(client, "H57.99-000000-0001", "001099000001")
    assert normalised(other) == normalised(again)
    assert normalised(wrong_id).replace(record.code, "X") == normalised(unknown).replace(
        record.code[:-4] + "9999", "X"
    )
    assert "Không có hồ sơ nào khớp" in wrong_id.content.decode()
    assert_no_personal_data(wrong_id.content.decode())
    assert set(Lookup.objects.values_list("outcome", flat=True)) == {LookupOutcome.NOT_FOUND}


def test_the_miss_takes_the_same_time_whether_the_code_exists_or_not(client, record, settings):
    """Same query, same comparison: the medians of interleaved attempts stay in one class."""
    settings.LOOKUP_LIMIT_PER_ADDRESS = settings.LOOKUP_LIMIT_PER_CODE = 10_000
    timings = {"wrong_id": [], "unknown_code": []}
    for _ in range(25):
        for kind, code in (("wrong_id", record.code), ("unknown_code", "H57.99-000000-0001")):
            started = time.perf_counter()
            assert post_lookup(client, code, "001099000001").status_code == 404
            timings[kind].append(time.perf_counter() - started)
    wrong, unknown = (statistics.median(values) for values in timings.values())
    assert 1 / 3 < wrong / unknown < 3


def test_invalid_input_is_a_400_with_field_messages(client):
    response = post_lookup(client, "x", "12ab")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nhập mã hồ sơ" in page
    assert "Nhập số định danh cá nhân 12 chữ số" in page
    assert Lookup.objects.get().outcome == LookupOutcome.INVALID


def test_the_eleventh_lookup_from_an_address_is_refused(client, record):
    for _ in range(10):
        assert post_lookup(client, "H57.99-000000-0001", "001099000001").status_code == 404
    refused = post_lookup(client, record.code, APPLICANT["applicant_id_number"])
    assert refused.status_code == 429
    assert "Bạn đã tra cứu quá nhiều lần" in refused.content.decode()
    assert Lookup.objects.filter(outcome=LookupOutcome.LIMITED).count() == 1
    # Another address is not affected.
    other = post_lookup(client, record.code, APPLICANT["applicant_id_number"], "198.51.100.2")
    assert other.status_code == 200


def test_the_eleventh_lookup_of_one_code_is_refused_from_any_address(client, record):
    for number in range(10):
        post_lookup(client, record.code, "001099000001", address=f"192.0.2.{number}")
    refused = post_lookup(client, record.code, APPLICANT["applicant_id_number"], "192.0.2.99")
    assert refused.status_code == 429


def test_the_id_number_is_never_logged(client, record, caplog):
    caplog.set_level(logging.DEBUG)
    post_lookup(client, record.code, APPLICANT["applicant_id_number"])
    post_lookup(client, record.code, "001099000001")
    assert "046095001234" not in caplog.text
    assert "001099000001" not in caplog.text
    for row in Lookup.objects.values():
        assert "046095001234" not in str(row) and "001099000001" not in str(row)


def test_the_status_link_opens_the_status_until_it_expires(client, record, settings):
    path = public.status_path(record)
    assert record.code not in path and APPLICANT["applicant_id_number"] not in path
    response = client.get(path)
    assert response.status_code == 200
    assert record.code in response.content.decode()
    assert_no_personal_data(response.content.decode())
    assert Lookup.objects.get().via == LookupVia.LINK

    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    assert client.get(reverse("citizens:link", args=[tampered])).status_code == 404
    assert client.get(reverse("citizens:link", args=["not-a-token"])).status_code == 404
    later = timezone.now() + timedelta(days=settings.STATUS_LINK_MAX_AGE_DAYS, hours=1)
    with time_machine.travel(later):
        expired = client.get(path)
    assert expired.status_code == 404
    assert "đã hết hạn" in expired.content.decode()


def test_what_the_citizen_must_do_now(client, record, clerk_a):
    record = record_request_supplement(
        record=record, actor=clerk_a, reason="Bản sao giấy chứng sinh có chứng thực"
    )
    status = public.public_status(record)
    assert (status.todo.kind, status.todo.detail) == (
        "supplement",
        "Bản sao giấy chứng sinh có chứng thực",
    )
    page = client.get(public.status_path(record)).content.decode()
    assert "Bản sao giấy chứng sinh có chứng thực" in page


def test_payment_and_collection(clerk_a, unit_a, point_a):
    record = receive(clerk_a, unit_a)
    record = record_process(record=record, actor=clerk_a)
    record = record_request_payment(record=record, actor=clerk_a, amount=50000)
    todo = public.public_status(record).todo
    request = record.payment_requests.get()
    assert (todo.kind, todo.amount, todo.payment) == ("pay", 50000, request.public_id)
    assert todo.detail == request.purpose and todo.pay_by == request.due_date

    at_point = receive(
        clerk_a, unit_a, agent_point=point_a, result_delivery=ResultDelivery.AT_POINT
    )
    at_point = record_resolve(record=at_point, actor=clerk_a)
    todo = public.public_status(at_point).todo
    assert todo.kind == "collect" and point_a.name in todo.detail

    at_desk = record_resolve(record=receive(clerk_a, unit_a), actor=clerk_a)
    assert unit_a.hq_address in public.public_status(at_desk).todo.detail
    returned = record_return(record=at_desk, actor=clerk_a, method="counter")
    status = public.public_status(returned)
    assert status.todo.kind == "wait" and status.is_returned
    assert [step.label for step in status.steps][-1] == str(public.PUBLIC_STEPS["return"])


def test_internal_steps_and_notes_stay_internal(record, clerk_a):
    record = record_process(record=record, actor=clerk_a, note="Anh Bình kiểm tra hộ khẩu giúp")
    status = public.public_status(record)
    assert [step.reason for step in status.steps] == ["", ""]
    assert all("Bình" not in step.label for step in status.steps)
