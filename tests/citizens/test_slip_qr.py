"""Every slip the portal prints carries the Circular 01/2023 QR code in its top-left corner:
exactly the circular's fields and the status link, drawn as inline SVG."""

import re

import pytest
import segno
from django.urls import reverse

from records import qr
from records.services import (
    record_process,
    record_refuse,
    record_request_completion,
    record_request_supplement,
    record_resolve,
    record_return,
    record_submit,
)
from tests.helpers import APPLICANT, local, receive

pytestmark = pytest.mark.django_db

CIRCULAR_FIELDS = {qr.CODE, qr.PROCEDURE, qr.APPLICANT, qr.DOCUMENT, qr.SYSTEM, qr.ISSUED}


def slip_page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert page.index('data-testid="slip-qr"') < page.index("sheet__issuer")  # top left
    return page


def drawn_size(page: str) -> int:
    """The side of the page's QR drawing in modules, quiet zone included (the browser test
    decodes the drawing itself)."""
    return int(re.search(r'<svg viewBox="0 0 (\d+) \1" class="qr">', page).group(1))


def test_the_receipt_qr_holds_the_circulars_fields_and_the_link(client, clerk_a, unit_a):
    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 7, 9, 30))
    client.force_login(clerk_a)
    page = slip_page(client, reverse("records:receipt-slip", args=[record.code]))
    text = qr.payload(
        record,
        document="Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
        issued_at=record.received_at,
        applicant=APPLICANT["applicant_id_number"],
        appointment=record.due_date,
    )
    link, fields = qr.parse(text)
    assert set(fields) == CIRCULAR_FIELDS | {qr.APPOINTMENT}
    assert fields[qr.CODE] == record.code
    assert fields[qr.ISSUED] == "07/07/2025 09:30"
    assert fields[qr.APPOINTMENT] == record.due_date.strftime("%d/%m/%Y")
    assert fields[qr.APPLICANT] == APPLICANT["applicant_id_number"]
    assert link.startswith("http://127.0.0.1:8000/tra-cuu/s/")
    # The page's drawing is a QR code of that size class; the token differs per print.
    assert 'class="qr"' in page and "<style" not in page.split('class="qr"')[1].split("</svg>")[0]
    assert drawn_size(page) == len(segno.make(text, error="m").matrix) + 8


@pytest.mark.parametrize("kind", ["supplement", "control", "handover"])
def test_every_slip_of_a_record_has_its_qr(client, clerk_a, unit_a, kind):
    record = receive(clerk_a, unit_a)
    record = record_request_supplement(record=record, actor=clerk_a, reason="Thiếu tờ khai")
    client.force_login(clerk_a)
    if kind == "handover":
        from records.services import record_supplement

        record = record_supplement(record=record, actor=clerk_a)
        record = record_resolve(record=record, actor=clerk_a)
    page = slip_page(client, reverse("records:slip", args=[record.code, kind]))
    assert 'class="qr"' in page
    detail = client.get(reverse("records:detail", args=[record.code])).content.decode()
    assert f'data-testid="slip-{kind}"' in detail


def test_a_slip_without_its_event_is_a_404(client, clerk_a, unit_a):
    record = receive(clerk_a, unit_a)
    client.force_login(clerk_a)
    for kind in ("supplement", "refusal", "handover", "nonsense"):
        assert client.get(reverse("records:slip", args=[record.code, kind])).status_code == 404


def test_online_submissions_print_the_refusal_and_the_completion_request(client, clerk_a, unit_a):
    def submit(number):
        return record_submit(
            actor=None,
            procedure="ho-tich-khai-sinh-da-co-giay-to",
            receiving_unit=unit_a,
            applicant=APPLICANT,
            submitted_at=local(2025, 7, 7, 8, 0),
            national_dossier_no=f"G22.19753-QR-{number}",
        )

    client.force_login(clerk_a)
    refused = record_refuse(record=submit(1), actor=clerk_a, reason="Sai thủ tục")
    url = reverse("records:submission-slip", args=[refused.public_id, "refusal"])
    page = slip_page(client, url)
    assert "Sai thủ tục" in page and "G22.19753-QR-1" in page
    asked = record_request_completion(record=submit(2), actor=clerk_a, reason="Thiếu ảnh")
    url = reverse("records:submission-slip", args=[asked.public_id, "supplement"])
    assert "Thiếu ảnh" in slip_page(client, url)
    detail = client.get(reverse("records:submission", args=[asked.public_id])).content.decode()
    assert 'data-testid="slip-supplement"' in detail


def test_post_staff_print_the_id_masked(client, post_staff_a, point_a, unit_a, clerk_a):
    from records.enums import Channel
    from records.services import record_create_at_desk

    record = record_create_at_desk(
        actor=post_staff_a,
        procedure="ho-tich-khai-sinh-da-co-giay-to",
        receiving_unit=unit_a,
        channel=Channel.POSTAL,
        applicant=APPLICANT,
        agent_point=point_a,
    )
    client.force_login(post_staff_a)
    page = slip_page(client, reverse("records:receipt-slip", args=[record.code]))
    assert APPLICANT["applicant_id_number"] not in page
    returned = record_return(
        record=record_resolve(record=record_process(record=record, actor=clerk_a), actor=clerk_a),
        actor=clerk_a,
        method="counter",
    )
    assert client.get(reverse("records:slip", args=[returned.code, "handover"])).status_code == 200


def test_the_apology_letter_names_the_old_and_the_new_date(client, clerk_a, unit_a):
    from datetime import date

    from records.calendar import WorkingCalendar
    from records.services import record_extend

    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 7, 9, 30))
    promised = record.due_date
    new_date = WorkingCalendar().add_working_days(promised, 3)
    record = record_extend(
        record=record, actor=clerk_a, new_due_date=new_date, reason="Chờ xác minh"
    )
    client.force_login(clerk_a)
    page = slip_page(client, reverse("records:slip", args=[record.code, "apology"]))
    assert "VĂN BẢN XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in page
    assert "Chờ xác minh" in page
    assert f"hẹn trả kết quả ngày {promised:%d/%m/%Y}" in page
    assert f"{new_date:%d/%m/%Y}" in page
    assert isinstance(new_date, date)
    detail = client.get(reverse("records:detail", args=[record.code])).content.decode()
    assert 'data-testid="slip-apology"' in detail
