"""Issue 14 in Chromium: the receive form (all errors at once, Enter in the search, focus)
and the record list's drill-down filters kept by the "Lọc" button."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.helpers import browser_log_in, local, receive, shot
from tests.records.test_desk_receive import FIVE_BAD, FIVE_MESSAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SEARCH = "khai sinh giay to ca nhan"
PROCEDURE = "ho-tich-khai-sinh-da-co-giay-to"
ONE_OPTION = "() => document.querySelectorAll('#id_procedure option').length === 1"


def open_new_record_form(page, live_server):
    browser_log_in(page, live_server, "clerk_a")
    page.goto(live_server.url + "/records/new/")


def test_enter_in_procedure_search_searches_without_submitting(page, live_server, clerk_a):
    open_new_record_form(page, live_server)
    assert page.evaluate("() => document.activeElement.id") == "procedure-search"
    assert page.locator("#id_procedure option").count() > 1
    page.evaluate("() => { window.stayed = true; }")
    # the text arrives without an input event: only Enter can run the search
    page.locator("#procedure-search").evaluate(f"e => {{ e.value = {SEARCH!r}; }}")
    page.keyboard.press("Enter")
    page.wait_for_function(ONE_OPTION)
    assert page.url == live_server.url + "/records/new/"
    assert page.evaluate("() => window.stayed === true")  # no page load
    assert page.locator(".field__error").count() == 0
    assert page.locator("#procedure-search").input_value() == SEARCH
    assert page.locator("#id_procedure option").get_attribute("value") == PROCEDURE
    legend = page.get_by_test_id("required-legend").inner_text()
    assert legend.startswith("* trường bắt buộc")
    assert page.get_by_label("Họ và tên").get_attribute("required") == ""
    shot(page, "receive-form-search")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "receive-form-phone")


def test_receive_form_shows_all_five_errors_at_once(page, live_server, clerk_a):
    open_new_record_form(page, live_server)
    page.get_by_label("Tìm thủ tục").fill(SEARCH)
    page.wait_for_function(ONE_OPTION)
    page.locator("#id_procedure").select_option(PROCEDURE)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=due-preview] strong') !== null"
    )
    for_now = page.get_by_test_id("due-preview").inner_text()
    when = (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    page.locator("#id_received_at").fill(when)
    page.locator("#id_received_at").dispatch_event("change")
    page.wait_for_function(
        "text => document.querySelector('[data-testid=due-preview]').innerText !== text",
        arg=for_now,
    )
    preview = page.get_by_test_id("due-preview").inner_text()
    applicant = {name: value for name, value in FIVE_BAD.items() if name.startswith("applicant_")}
    for name, value in applicant.items():
        page.locator(f"[name={name}]").fill(value)
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    page.wait_for_load_state()
    errors = page.locator(".field__error").all_inner_texts()
    assert sorted(errors) == sorted(message for [message] in FIVE_MESSAGES.values())
    assert page.locator("#id_received_at").input_value() == when
    assert page.get_by_test_id("due-preview").inner_text() == preview
    assert page.locator("#id_procedure").input_value() == PROCEDURE
    assert page.locator("[name=applicant_phone]").input_value() == "12345"
    shot(page, "receive-form-errors")


@pytest.mark.slow
def test_drill_down_list_keeps_its_filter_when_filtering_again(
    page, live_server, clerk_a, unit_a, city_office
):
    receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 9, 0))
    receive(clerk_a, unit_a, received_at=local(2025, 7, 8, 9, 0))
    receive(clerk_a, unit_a, received_at=local(2025, 7, 11, 9, 0))
    browser_log_in(page, live_server, "city")
    page.goto(live_server.url + "/records/?overdue_on=2025-07-11")
    count = page.get_by_test_id("result-count").inner_text()
    assert count == "1 hồ sơ"
    chips = " ".join(page.get_by_test_id("active-filters").inner_text().split())
    assert chips == "Đang lọc: Quá hạn vào cuối ngày (theo ngày hẹn hiện hành): 11/07/2025 × (bỏ)"
    shot(page, "list-drill-down")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("result-count").inner_text() == count
    assert "overdue_on=2025-07-11" in page.url
    page.locator("tbody a").first.click()
    page.wait_for_load_state()
    assert page.get_by_test_id("applicant-name").inner_text() == "N. V. A."
    assert page.locator("details.action").count() == 0
    shot(page, "record-city-office")
    page.go_back()
    page.get_by_role("link", name="Xóa bộ lọc").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("result-count").inner_text() == "3 hồ sơ"
