"""The chain of officers in Chromium, with four users: the desk receives (the documents
ticked, the fee requested and paid at the counter), the specialist handles and proposes the
result, the leader approves, the desk returns; each home page's to-do counters move as
expected and each equals the length of the list it opens."""

import re

import pytest

from accounts.models import Role
from records.enums import Status
from records.models import Record
from tests.helpers import browser_log_in, confirm_action, make_user, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def counters(page, live_server) -> dict[str, int]:
    """The home's to-do counters by key, each checked against the list it opens."""
    page.goto(live_server.url + "/")
    cards = page.locator("[data-testid^=todo-]")
    found = {}
    for index in range(cards.count()):
        card = cards.nth(index)
        key = card.get_attribute("data-testid").removeprefix("todo-")
        found[key] = (int(card.get_attribute("data-count")), card.get_attribute("href"))
    for key, (count, href) in found.items():
        page.goto(live_server.url + href)
        if "/submissions/" in href:
            length = page.locator("[data-testid=submission]").count()
        else:
            text = page.get_by_test_id("result-count").inner_text()
            length = int(re.search(r"\d+", text).group())
        assert length == count, key
    page.goto(live_server.url + "/")
    return {key: count for key, (count, _href) in found.items()}


def open_record(page, live_server, code):
    page.goto(f"{live_server.url}/records/{code}/")


@pytest.mark.slow
def test_one_record_through_the_chain_with_four_users(page, live_server, unit_a, leader_a):
    make_user("motcua", Role.CLERK, commune=unit_a, is_specialist=False, last_name="Lê")
    make_user("chuyenvien", Role.CLERK, commune=unit_a, is_desk=False, last_name="Trần")
    make_user("traketqua", Role.CLERK, commune=unit_a, is_specialist=False, last_name="Võ")

    # 1. The desk receives a marriage registration (needs the leader's approval).
    browser_log_in(page, live_server, "motcua")
    before = counters(page, live_server)
    assert before["reassign"] == 0 and "mine" not in before and "approval" not in before
    page.get_by_role("link", name="+ Tiếp nhận hồ sơ").click()
    page.get_by_label("Tìm thủ tục").fill("ket hon")
    page.wait_for_function(
        "() => document.querySelector('#id_procedure option[value=\"ho-tich-ket-hon\"]')"
    )
    page.locator("#id_procedure").select_option("ho-tich-ket-hon")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=due-preview] strong') !== null"
    )
    documents = page.locator("[data-components-for='ho-tich-ket-hon'] input[type=checkbox]")
    listed = documents.count()
    assert listed >= 2
    for index in range(listed - 1):  # all but the last handed in
        documents.nth(index).check()
    page.get_by_label("Giấy tờ còn thiếu (ghi chú)").fill("Nộp bổ sung bản sao sau")
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số định danh cá nhân").fill("046195004567")
    page.get_by_label("Số điện thoại di động").fill("0914 222 333")
    page.get_by_label("Địa chỉ", exact=True).fill("5 Lê Lợi, phường Phú Xuân")
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    code = page.get_by_test_id("slip-code").inner_text()
    assert page.get_by_test_id("slip-components").locator("tbody tr").count() == listed
    record = Record.objects.get(code=code)
    assert record.assignments.get().officer.username == "chuyenvien"
    handed_in = list(record.components.order_by("position").values_list("provided", flat=True))
    assert handed_in == [True] * (len(handed_in) - 1) + [False]
    # The fee: requested at the desk (the record waits for the citizen), paid at the counter.
    open_record(page, live_server, code)
    confirm_action(page, "Yêu cầu thực hiện nghĩa vụ tài chính", amount="20000")
    record.refresh_from_db()
    assert record.status == Status.AWAITING_PAYMENT
    assert counters(page, live_server)["payment"] == before["payment"] + 1
    open_record(page, live_server, code)
    confirm_action(page, "Đã thực hiện nghĩa vụ tài chính", reference="BL-0001")
    record.refresh_from_db()
    assert record.status == Status.PROCESSING and not record.paid_online
    payment = record.payment_requests.get().payment
    assert payment.amount == 20000 and payment.receipt_number == 1
    after = counters(page, live_server)
    assert after["payment"] == before["payment"]
    assert after["received"] == before["received"] + 1
    page.get_by_label("Tìm hồ sơ").fill(code[-4:])
    page.get_by_label("Tìm hồ sơ").press("Enter")
    page.wait_for_url(re.compile(r"search="))
    assert code in page.locator("main").inner_text()
    page.context.clear_cookies()

    # 2. The specialist handles it and proposes the result.
    browser_log_in(page, live_server, "chuyenvien")
    mine = counters(page, live_server)
    assert mine["mine"] == 1
    open_record(page, live_server, code)
    assert "Trần" in page.get_by_test_id("assigned-officer").inner_text()
    assert page.locator("summary", has_text="Giải quyết xong").count() == 0
    confirm_action(page, "Trình lãnh đạo kết quả", proposal="resolve", note="Đủ điều kiện")
    assert "Chờ lãnh đạo phê duyệt" in page.get_by_test_id("pending-proposal").inner_text()
    assert counters(page, live_server)["mine"] == 1  # still theirs, still processing
    shot(page, "chain-specialist-home")
    page.context.clear_cookies()

    # 3. The leader approves.
    browser_log_in(page, live_server, "leader_a")
    queue = counters(page, live_server)
    assert queue["approval"] == 1
    open_record(page, live_server, code)
    confirm_action(page, "Phê duyệt kết quả đề xuất", note="Đồng ý")
    record.refresh_from_db()
    assert record.status == Status.RESOLVED
    assert counters(page, live_server)["approval"] == 0
    shot(page, "chain-leader-home")
    page.context.clear_cookies()

    # 4. Another desk clerk returns the result.
    browser_log_in(page, live_server, "traketqua")
    desk = counters(page, live_server)
    assert desk["return-desk"] == after["return-desk"] + 1
    open_record(page, live_server, code)
    confirm_action(page, "Trả kết quả", method="counter")
    assert counters(page, live_server)["return-desk"] == desk["return-desk"] - 1
    record.refresh_from_db()
    assert record.status == Status.RETURNED
    actions = list(record.events.order_by("at", "id").values_list("action", "actor__username"))
    assert actions == [
        ("receive", "motcua"),
        ("request_payment", "motcua"),
        ("paid", "motcua"),
        ("propose", "chuyenvien"),
        ("approve", "leader_a"),
        ("resolve", "chuyenvien"),
        ("return", "traketqua"),
    ]
    page.goto(f"{live_server.url}/records/{code}/control/")
    slip = page.locator("main, body").first.inner_text()
    assert "Chuyển chuyên viên giải quyết" in slip or "chuyển chuyên viên giải quyết" in slip
