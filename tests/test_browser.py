"""Browser journeys in the machine's Chromium (Playwright). Screenshots go to test-artifacts/."""

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import PASSWORD, require_service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the
# test body are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def browser():
    require_service(CHROMIUM is not None, "Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


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
    assert page.get_by_role("heading", name="Xin chào, An Nguyễn").is_visible()
    assert "Phường Phú Xuân" in page.locator("main").inner_text()
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
