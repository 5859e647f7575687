"""The desk clerk offers the notification channels in Chromium: a choice the contact details
cannot serve shows its error next to the box, with what was typed kept; the record page then
shows the choice."""

import pytest

from records.models import Record
from tests.helpers import browser_log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PROCEDURE = "ho-tich-khai-tu"


def test_the_clerk_ticks_the_channels_the_citizen_wants(page, live_server, clerk_a):
    browser_log_in(page, live_server, "clerk_a")
    page.goto(live_server.url + "/records/new/")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#id_procedure option')]"
        f".some(o => o.value === {PROCEDURE!r})"
    )
    page.locator("#id_procedure").select_option(PROCEDURE)
    page.get_by_label("Họ và tên").fill("Trần Thị Bình")
    page.get_by_label("Số định danh cá nhân").fill("046195001234")
    page.get_by_label("Số điện thoại di động").fill("0905 111 222")
    group = page.get_by_role("group", name="Thông báo")
    group.get_by_label("Thông báo qua SMS").check()
    group.get_by_label("Thông báo qua thư điện tử").check()
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    error = page.locator("#id_notify_email-error")
    assert error.inner_text() == (
        "Thông báo qua thư điện tử cần địa chỉ thư điện tử của người nộp."
    )
    assert page.locator("#id_notify_sms").is_checked()
    assert page.get_by_label("Số điện thoại di động").input_value() == "0905 111 222"
    assert not Record.objects.exists()
    shot(page, "receive-form-notify-error")
    page.get_by_label("Thư điện tử", exact=True).fill("binh.tran@example.vn")
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    page.wait_for_url("**/receipt/")
    record = Record.objects.get()
    assert record.notify_channels == ("sms", "email")
    page.goto(f"{live_server.url}/records/{record.code}/")
    assert page.get_by_test_id("notify-choice").inner_text() == "SMS, thư điện tử"
