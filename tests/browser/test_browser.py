"""Browser journeys in the machine's Chromium (Playwright). Screenshots go to test-artifacts/."""

import pytest

from tests.helpers import PASSWORD, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_clerk_logs_in_in_vietnamese_and_sees_their_unit(page, live_server, clerk_a):
    page.goto(live_server.url + "/")
    assert page.url.startswith(live_server.url + "/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert page.get_by_role("heading", name="Đăng nhập").is_visible()
    shot(page, "login")

    page.get_by_label("Tên đăng nhập").fill("clerk_a")
    page.get_by_label("Mật khẩu").fill("wrong")
    page.get_by_role("button", name="Đăng nhập").click()
    assert page.get_by_role("alert").inner_text().startswith("Sai tên đăng nhập")

    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "Phường Phú Xuân"
    assert "Nguyễn An" in page.locator("header").inner_text()  # family name first
    assert "Cán bộ một cửa" in page.locator("header").inner_text()
    shot(page, "home-clerk")

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/accounts/login/")


def test_directory_in_both_languages(page, live_server, reference_data):
    page.goto(live_server.url + "/directory/")
    summary = page.get_by_test_id("directory-summary").inner_text()
    assert summary == "40 đơn vị (21 phường, 19 xã), 166 điểm phục vụ"
    assert page.locator("tbody tr").count() == 40
    shot(page, "directory-vi")

    page.get_by_label("Tìm theo tên").fill("phu xuan")
    page.get_by_role("button", name="Lọc").click()
    assert page.locator("tbody tr").count() == 1
    page.get_by_role("link", name="Phường Phú Xuân").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Trung tâm Phục vụ hành chính công Phường Phú Xuân"
    )
    assert page.locator("tbody tr").count() >= 2

    page.get_by_role("button", name="EN").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Public Administration Service Centre of Phu Xuan Ward"
    )
    shot(page, "unit-en")


def test_layout_fits_a_tablet(browser, live_server, reference_data):
    context = browser.new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768
    shot(page, "login-tablet")
    context.close()
