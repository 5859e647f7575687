"""Post office staff in Chromium: postal intake, then take over and deliver the result."""

import pytest

from records import services
from records.enums import Status
from records.models import Record
from tests.helpers import browser_log_in, confirm_action, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_post_staff_receive_then_deliver(page, live_server, post_staff_a, clerk_a):
    browser_log_in(page, live_server, "post_a")
    assert post_staff_a.agent_point.name in page.get_by_role("heading", level=1).inner_text()

    page.get_by_role("link", name="+ Tiếp nhận qua bưu chính").click()
    page.get_by_label("Tìm thủ tục").fill("khai tu")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#id_procedure option')]"
        ".some(o => o.value === 'ho-tich-khai-tu')"
    )
    page.locator("#id_procedure").select_option("ho-tich-khai-tu")
    page.get_by_label("Họ và tên").fill("Phan Văn Lộc")
    page.get_by_label("Số định danh cá nhân").fill("046060001234")
    page.get_by_label("Số điện thoại di động").fill("0935 444 555")
    page.get_by_label("Địa chỉ").fill("9 Chi Lăng, phường Phú Xuân")
    page.get_by_role("button", name="Tiếp nhận", exact=True).click()
    code = page.locator("h1 code").inner_text()
    record = Record.objects.get(code=code)
    assert record.channel == 3 and record.agent_point == post_staff_a.agent_point
    confirm_action(page, "Số hóa hồ sơ")
    shot(page, "post-record-received")

    # the unit resolves the dossier
    services.record_resolve(record=record, actor=clerk_a)

    page.get_by_role("link", name="← Điểm phục vụ").click()
    assert code in page.get_by_test_id("to-take-over").inner_text()
    page.get_by_test_id("to-take-over").get_by_role("link", name=code).click()
    confirm_action(page, "Nhận kết quả về điểm phục vụ")
    confirm_action(page, "Trả kết quả cho người dân", recipient_name="Phan Văn Lộc", place="home")
    assert page.get_by_test_id("status").inner_text() == "Đã trả kết quả"
    history = page.get_by_test_id("history").inner_text()
    point = post_staff_a.agent_point.code
    assert f"19753 → {point}" in history  # unit → point
    assert f"{point} → Phan Văn Lộc" in history  # point → citizen
    shot(page, "post-record-delivered")
    record.refresh_from_db()
    assert record.status == Status.RETURNED
    assert list(record.events.values_list("action", flat=True)) == [
        "receive",
        "digitise",
        "resolve",
        "take_over",
        "deliver",
    ]
    assert "046060001234" not in page.content()
