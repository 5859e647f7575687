"""The clerk's journey in Chromium: receive, process, supplement, resolve, return."""

import pytest

from records.enums import Status
from records.models import Record
from tests.helpers import (
    browser_log_in,
    confirm_action,
    receive_through_new_record_form,
    shot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.slow
def test_clerk_journey_from_receipt_to_return(page, live_server, clerk_a, clerk_b, browser):
    browser_log_in(page, live_server, "clerk_a")
    shot(page, "workspace-home-empty")

    page.get_by_role("link", name="+ Tiếp nhận hồ sơ").click()
    code = receive_through_new_record_form(page)
    record = Record.objects.get(code=code)
    assert code.startswith("H57.19753-")
    assert (
        page.get_by_test_id("slip-due").inner_text().endswith(record.due_date.strftime("%d/%m/%Y"))
    )
    shot(page, "receipt-slip")

    page.get_by_role("link", name="← Quay lại hồ sơ").click()
    confirm_action(page, "Chuyển xử lý")
    confirm_action(page, "Yêu cầu bổ sung", reason="Bổ sung giấy chứng sinh bản chính")
    confirm_action(page, "Nhận hồ sơ bổ sung")
    confirm_action(page, "Giải quyết xong")
    confirm_action(page, "Trả kết quả", method="counter")
    assert page.get_by_test_id("status").inner_text() == "Đã trả kết quả"
    history = page.get_by_test_id("history").inner_text()
    for step in [
        "Tiếp nhận",
        "Chuyển xử lý",
        "Yêu cầu bổ sung",
        "Bổ sung giấy chứng sinh bản chính",
        "Nhận hồ sơ bổ sung",
        "Giải quyết xong",
        "Trả kết quả",
    ]:
        assert step in history, step
    record.refresh_from_db()
    assert record.status == Status.RETURNED and record.return_method == "counter"
    assert list(record.events.values_list("action", flat=True)) == [
        "receive",
        "process",
        "request_supplement",
        "supplement",
        "resolve",
        "return",
    ]
    shot(page, "record-detail")

    page.get_by_role("link", name="Trang chủ").click()
    shot(page, "workspace-home")

    # a clerk of another unit cannot open it
    other = browser.new_context(viewport={"width": 1366, "height": 768})
    other_page = other.new_page()
    browser_log_in(other_page, live_server, "clerk_b")
    response = other_page.goto(f"{live_server.url}/records/{code}/")
    assert response.status == 404
    assert "Không tìm thấy trang" in other_page.content()
    other.close()


def test_bad_input_shows_errors_next_to_fields(page, live_server, clerk_a):
    browser_log_in(page, live_server, "clerk_a")
    page.goto(live_server.url + "/records/new/")
    page.locator("#id_procedure").select_option("ho-tich-khai-tu")
    page.get_by_label("Số định danh cá nhân").fill("123")
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    assert (
        page.locator("#id_applicant_name-error").inner_text() == "Nhập họ và tên người nộp hồ sơ."
    )
    assert "12 chữ số" in page.locator("#id_applicant_id_number-error").inner_text()
    assert Record.objects.count() == 0
    page.set_viewport_size({"width": 768, "height": 1024})
    assert page.evaluate("document.documentElement.scrollWidth") <= 768
    shot(page, "new-record-errors-tablet")
