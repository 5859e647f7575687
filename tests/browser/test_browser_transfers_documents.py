"""Issue 18 in Chromium: the receive form's list of the procedure's documents (ticked, the
missing ones on the printed receipt slip), a scan attached and opened, and a transfer from
unit A to unit B through the record pages' buttons."""

import pytest
from django.core.files.storage import FileSystemStorage

from records.models import Record, RecordScan
from tests.helpers import UNIT_B, browser_log_in, confirm_action, receive, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROCEDURE = "ho-tich-khai-sinh-da-co-giay-to"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def scans_in_tmp(tmp_path):
    field = RecordScan._meta.get_field("file")
    configured = field.storage
    field.storage = FileSystemStorage(location=tmp_path / "stored")
    yield
    field.storage = configured


def test_documents_ticked_at_receipt_and_printed_on_the_slip(page, live_server, clerk_a):
    browser_log_in(page, live_server, "clerk_a")
    page.goto(live_server.url + "/records/new/")
    group = page.locator(f"[data-components-for='{PROCEDURE}']")
    assert group.is_hidden()
    page.get_by_label("Tìm thủ tục").fill("khai sinh giay to ca nhan")
    page.wait_for_function("() => document.querySelectorAll('#id_procedure option').length === 1")
    page.locator("#id_procedure").select_option(PROCEDURE)
    assert group.is_visible()
    assert page.locator("[data-components-for]:visible").count() == 1
    boxes = group.locator("input[type=checkbox]")
    assert boxes.count() == 4
    boxes.nth(0).check()
    boxes.nth(1).check()
    boxes.nth(3).check()
    page.get_by_label("Giấy tờ còn thiếu (ghi chú)").fill("Thiếu văn bản cam đoan")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số định danh cá nhân").fill("046195004567")
    page.get_by_label("Số điện thoại di động").fill("0914 222 333")
    page.get_by_label("Địa chỉ", exact=True).fill("5 Lê Lợi, phường Phú Xuân")
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    table = page.get_by_test_id("slip-components")
    rows = table.locator("tbody tr")
    assert rows.count() == 4
    assert "còn thiếu" in rows.nth(2).inner_text()
    assert "Thiếu văn bản cam đoan" in page.locator("main, body").first.inner_text()
    page.emulate_media(media="print")
    assert table.is_visible() and page.get_by_test_id("slip-code").is_visible()
    shot(page, "receipt-slip-components")


def test_scan_attached_then_transferred_to_unit_b(
    browser, page, live_server, clerk_a, clerk_b, unit_a, tmp_path
):
    record = receive(clerk_a, unit_a)
    browser_log_in(page, live_server, "clerk_a")
    page.goto(f"{live_server.url}/records/{record.code}/")
    wrong = tmp_path / "ghi-chu.pdf"
    wrong.write_bytes(b"<html>not a scan</html>")
    form = page.get_by_test_id("scan-form")
    form.locator("input[type=file]").set_input_files(str(wrong))
    form.get_by_role("button", name="Đính kèm bản quét").click()
    assert "Chỉ nhận bản quét PDF, JPEG hoặc PNG" in page.locator(".field__error").inner_text()
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF)
    form = page.get_by_test_id("scan-form")
    form.locator("input[type=file]").set_input_files(str(scan))
    form.get_by_role("button", name="Đính kèm bản quét").click()
    link = page.get_by_test_id("scans").get_by_role("link", name="to-khai.pdf")
    answer = page.request.get(live_server.url + link.get_attribute("href"))
    assert answer.status == 200 and answer.body() == PDF

    confirm_action(
        page,
        "chuyển hồ sơ đến đơn vị có thẩm quyền",
        to_unit=UNIT_B,
        reason="Thuộc thẩm quyền xã Phú Vang",
    )
    shot(page, "record-transferred")

    other = browser.new_context(locale="vi-VN").new_page()
    try:
        browser_log_in(other, live_server, "clerk_b")
        assert "Hồ sơ chuyển đến chờ tiếp nhận" in other.locator("main").inner_text()
        other.goto(f"{live_server.url}/records/{record.code}/")
        confirm_action(other, "tiếp nhận hồ sơ được chuyển đến")
        assert other.request.get(live_server.url + link.get_attribute("href")).status == 200
    finally:
        other.context.close()
    record = Record.objects.get(pk=record.pk)
    assert record.handling_unit.code == UNIT_B and record.transfer_pending_since is None
