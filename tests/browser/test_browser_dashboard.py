"""The city dashboard in Chromium on the demo data: the 1–11 July 2025 report at a glance."""

import io
import re
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.helpers import ARTIFACTS, browser_log_in, receive, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(reference_data):
    call_command("seed_demo", "--force", verbosity=0)
    call_command("compute_stats", "--from", "2025-07-01", "--to", "2025-07-11", verbosity=0)


@pytest.mark.slow  # seeds the demo
def test_dashboard_shows_the_reference_report(page, live_server, city_office, demo):
    browser_log_in(page, live_server, city_office.username)
    page.goto(live_server.url + "/dashboard/")  # the demo opens on 1–11 July 2025

    assert page.get_by_test_id("period").inner_text().startswith("01/07/2025 – 11/07/2025")
    assert page.get_by_test_id("card-received").inner_text().startswith("13.474")
    assert page.get_by_test_id("card-online").inner_text().startswith("69,62%")
    assert "Phường Phú Xuân — 1.522" in page.get_by_test_id("top-received").inner_text()
    assert "Xã A Lưới 5 — 98,00%" in page.get_by_test_id("top-handling").inner_text()
    assert "Xã Phú Vang — 99,69% (326/327)" in page.get_by_test_id("top-online").inner_text()
    first = page.get_by_test_id("ranking").locator("tbody tr").first.inner_text()
    assert first.split("\t")[:3] == ["1", "Phường Phú Xuân", "1.522"]
    assert (
        "tiếp nhận 13.474 hồ sơ, tỷ lệ trực tuyến 69,62%"
        in page.get_by_test_id("summary").inner_text()
    )
    shot(page, "dashboard")

    with page.expect_download() as download_info:
        page.get_by_test_id("export-xlsx").click()
    workbook = openpyxl.load_workbook(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    by_name = {row[1]: row for row in rows if row and len(row) > 2}
    assert 1522 in by_name["Phường Phú Xuân"]
    assert 13474 in by_name["Tổng cộng"] and 69.62 in by_name["Tổng cộng"]
    assert 98.0 in by_name["Xã A Lưới 5"]

    # drill-down: the Phú Xuân count opens exactly its 1.522 records
    page.get_by_test_id("top-received").get_by_role("link", name="1.522").click()
    assert page.get_by_test_id("result-count").inner_text() == "1.522 hồ sơ"
    shot(page, "dashboard-drill-down")


def assert_shown(page, start: date, end: date, period: str):
    header = page.get_by_test_id("period").inner_text()
    assert header.startswith(f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"), header
    assert page.locator("#id_date_from").input_value() == f"{start:%Y-%m-%d}"
    assert page.locator("#id_date_to").input_value() == f"{end:%Y-%m-%d}"
    assert page.locator("#id_period").input_value() == period


@pytest.mark.parametrize(
    ("label", "value", "days_back"),
    [("Tháng này", "month", None), ("7 ngày qua", "last7", 6), ("Hôm nay", "today", 0)],
)
def test_period_picker_shows_the_chosen_period(
    page, live_server, city_office, label, value, days_back
):
    browser_log_in(page, live_server, city_office.username)
    page.goto(live_server.url + "/dashboard/")
    assert_shown(page, date(2025, 7, 1), date(2025, 7, 11), "custom")  # the demo's default
    today = timezone.localdate()
    start = today.replace(day=1) if days_back is None else today - timedelta(days=days_back)

    page.locator("#id_period").select_option(label=label)
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url(f"**period={value}**")

    assert_shown(page, start, today, value)
    assert f"({label})" in page.get_by_test_id("period").inner_text()


def test_period_picker_custom_dates(page, live_server, city_office):
    browser_log_in(page, live_server, city_office.username)
    page.goto(live_server.url + "/dashboard/?period=month")

    page.locator("#id_date_from").fill("2025-07-03")
    page.locator("#id_date_to").fill("2025-07-05")
    assert page.locator("#id_period").input_value() == "custom"  # a date chosen: custom
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**period=custom**")

    assert_shown(page, date(2025, 7, 3), date(2025, 7, 5), "custom")
    shot(page, "dashboard-custom-period")


# --- Print (issue 14, item 6) ------------------------------------------------------------------

MM = 96 / 25.4  # CSS pixels per millimetre
A4_WIDTH = round(210 * MM)  # 794
PRINTABLE_WIDTH = round((210 - 2 * 10) * MM)  # 718: A4 less the 10 mm margins of @page
RANKING_HEADERS = [
    "STT",
    "Đơn vị",
    "Tiếp nhận",
    "Trực tuyến",
    "Tỷ lệ trực tuyến",
    "Đã giải quyết",
    "Tỷ lệ giải quyết",
    "Tỷ lệ đúng hạn",
    "Quá hạn cuối kỳ",
    "Tỷ lệ đồng bộ",
    "Tỷ lệ tiếp nhận đúng hạn",
]


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


@pytest.mark.slow  # seeds the demo
def test_dashboard_print_fits_every_column_on_a4(page, live_server, city_office, demo):
    browser_log_in(page, live_server, city_office.username)
    page.set_viewport_size({"width": A4_WIDTH, "height": 1123})
    page.goto(live_server.url + "/dashboard/")
    page.emulate_media(media="print")

    header = page.get_by_test_id("print-header")
    assert header.is_visible()
    text = header.inner_text()
    assert "01/07/2025 – 11/07/2025" in text and "40 đơn vị" in text
    assert "số liệu tính đến" in text
    for hidden in [
        ".topbar",
        "form.filters",
        "[data-print]",
        "[data-testid=export-xlsx]",
        ".sorts",
    ]:
        assert not page.locator(hidden).first.is_visible(), hidden

    ranking = page.get_by_test_id("ranking")
    cells = ranking.locator("thead th")
    assert [cells.nth(i).inner_text().replace("\n", " ") for i in range(cells.count())] == (
        RANKING_HEADERS
    )
    for i in range(cells.count()):
        box = cells.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PRINTABLE_WIDTH, (i, box)
    table = ranking.evaluate("t => [t.scrollWidth, t.getBoundingClientRect().right]")
    assert table[0] <= PRINTABLE_WIDTH and table[1] <= PRINTABLE_WIDTH, table
    assert page.evaluate("document.documentElement.scrollWidth") <= A4_WIDTH

    # the charts are wide enough to read: axis labels at least 9 px high on paper
    for chart in page.locator("svg.chart").all():
        assert chart.bounding_box()["width"] >= 0.9 * PRINTABLE_WIDTH
        assert chart.locator("text.tick").first.bounding_box()["height"] >= 9
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "dashboard-print.png"), full_page=True)

    pdf = page.pdf(format="A4", print_background=True)
    (ARTIFACTS / "dashboard-print.pdf").write_bytes(pdf)
    assert pdf_pages(pdf) == 2  # the key figures and charts, then the ranking of 40 units


def test_city_home_leads_to_the_dashboard(page, live_server, city_office, clerk_a, unit_a):
    receive(clerk_a, unit_a, channel=2)
    today = timezone.localdate()
    call_command("compute_stats", "--from", f"{today}", "--to", f"{today}", verbosity=0)

    browser_log_in(page, live_server, city_office.username)  # lands on /
    assert page.get_by_test_id("today-card-received").inner_text().startswith("1")
    assert page.get_by_test_id("today-card-online").inner_text().startswith("100,00%")
    assert page.get_by_test_id("month-card-received").inner_text().startswith("1")
    shot(page, "city-home")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "city-home-phone")
    page.set_viewport_size({"width": 1366, "height": 768})

    page.get_by_test_id("home-month").get_by_role(
        "link", name="Chi tiết trên bảng điều hành"
    ).click()
    page.wait_for_url("**/dashboard/?period=month")
    assert_shown(page, today.replace(day=1), today, "month")
    assert page.get_by_test_id("card-received").inner_text().startswith("1")
