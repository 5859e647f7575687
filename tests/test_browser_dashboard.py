"""The city dashboard in Chromium on the demo data: the 1–11 July 2025 report at a glance."""

import io
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.conftest import browser_log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(reference_data):
    call_command("seed_demo", "--force", verbosity=0)
    call_command("compute_stats", "--from", "2025-07-01", "--to", "2025-07-11", verbosity=0)


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
