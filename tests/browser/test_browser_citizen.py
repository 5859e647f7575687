"""The citizen's journey in Chromium on a phone: the lookup page reached from the portal's
menu, the status by code and ID number, the 11th lookup refused, and a slip's QR code scanned
(the drawing on the printed page decoded by zxing-cpp) opening the status with no ID typed."""

import io

import pytest
import zxingcpp
from PIL import Image

from records import qr
from records.public import PUBLIC_WORDS
from records.services import record_request_supplement
from tests.helpers import APPLICANT, browser_log_in, receive, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PERSONAL = ("Nguyễn Văn An", "046095001234", "0912345678", "0912 345 678", "12 Lê Lợi")


def assert_nothing_personal(page):
    html = page.content()
    for value in PERSONAL:
        assert value not in html, value
    assert "046095001234" not in page.url


def phone_page(browser):
    context = browser.new_context(viewport=PHONE, locale="vi-VN", device_scale_factor=2)
    return context, context.new_page()


@pytest.fixture
def sharp_page(browser):
    """A desktop page drawn at four device pixels per CSS pixel: the QR code's picture is as
    sharp as a phone's camera sees the printed slip."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="vi-VN", device_scale_factor=4
    )
    yield context.new_page()
    context.close()


def decode_qr(element) -> str:
    """Photograph the slip's QR code as the browser draws it and decode the picture."""
    picture = Image.open(io.BytesIO(element.screenshot()))
    results = zxingcpp.read_barcodes(picture)
    assert len(results) == 1, "one QR code on the slip"
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    return results[0].text


def test_a_citizen_looks_up_a_record_on_a_phone(browser, live_server, clerk_a, unit_a):
    record = receive(clerk_a, unit_a)
    context, page = phone_page(browser)
    try:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_role("link", name="Tra cứu hồ sơ").first.click()
        page.wait_for_url("**/tra-cuu/")
        page.get_by_label("Mã hồ sơ").fill(record.code)
        page.get_by_label("Số định danh cá nhân").fill(APPLICANT["applicant_id_number"])
        shot(page, "citizen-lookup-phone")
        page.get_by_role("button", name="Tra cứu").click()
        page.get_by_test_id("public-status").wait_for()
        assert page.get_by_test_id("public-code").inner_text() == record.code
        assert page.get_by_test_id("public-words").inner_text() == str(PUBLIC_WORDS[record.status])
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert_nothing_personal(page)
        shot(page, "citizen-status-phone")

        # Ten more misses from this phone; the eleventh lookup is refused with the message.
        for _ in range(9):
            page.goto(live_server.url + "/tra-cuu/")
            page.get_by_label("Mã hồ sơ").fill(record.code)
            page.get_by_label("Số định danh cá nhân").fill("001099000001")
            page.get_by_role("button", name="Tra cứu").click()
            page.get_by_test_id("lookup-not-found").wait_for()
        page.get_by_label("Mã hồ sơ").fill(record.code)
        page.get_by_label("Số định danh cá nhân").fill(APPLICANT["applicant_id_number"])
        page.get_by_role("button", name="Tra cứu").click()
        limited = page.get_by_test_id("lookup-limited")
        limited.wait_for()
        assert "quá nhiều lần" in limited.inner_text()
        assert page.get_by_test_id("public-status").count() == 0
    finally:
        context.close()


def test_scanning_a_slips_qr_opens_the_status(
    browser, sharp_page, live_server, settings, clerk_a, unit_a
):
    page = sharp_page
    settings.PUBLIC_BASE_URL = live_server.url
    record = receive(clerk_a, unit_a)
    record = record_request_supplement(
        record=record, actor=clerk_a, reason="Bản sao giấy chứng sinh"
    )
    browser_log_in(page, live_server, "clerk_a")
    for kind, document in (
        ("receipt", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        ("supplement", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    ):
        page.goto(f"{live_server.url}/records/{record.code}/slips/{kind}/")
        page.emulate_media(media="print")
        link, fields = qr.parse(decode_qr(page.get_by_test_id("slip-qr").locator("svg")))
        page.emulate_media(media="screen")
        expected = {qr.CODE, qr.PROCEDURE, qr.APPLICANT, qr.DOCUMENT, qr.SYSTEM, qr.ISSUED}
        assert set(fields) == (expected | {qr.APPOINTMENT} if kind == "receipt" else expected)
        assert fields[qr.CODE] == record.code
        assert fields[qr.APPLICANT] == APPLICANT["applicant_id_number"]
        assert fields[qr.DOCUMENT] == document
        assert fields[qr.PROCEDURE] == (record.procedure.national_code or record.procedure.key)
        assert link.startswith(live_server.url + "/tra-cuu/s/")
        assert record.code not in link and APPLICANT["applicant_id_number"] not in link
    shot(page, "slip-supplement-qr")

    context, phone = phone_page(browser)
    try:
        phone.goto(link)
        phone.get_by_test_id("public-status").wait_for()
        assert phone.get_by_test_id("public-code").inner_text() == record.code
        todo = phone.get_by_test_id("public-todo").inner_text()
        assert "Bản sao giấy chứng sinh" in todo
        assert_nothing_personal(phone)
        shot(phone, "citizen-status-from-qr")
    finally:
        context.close()
