"""Every spreadsheet the portal writes (the record list's CSV, the period report's CSV and XLSX)
follows one convention (``core.exports``): no cell a spreadsheet would run as a formula,
UTF-8 with BOM, labels and decimals in the UI language, dates dd/mm/yyyy."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from communes.models import Commune
from core.exports import csv_text, xlsx_append
from records.models import Record
from records.validation import mask_name
from stats.services import compute_daily_stats
from tests.helpers import APPLICANT, UNIT_A, local, receive

pytestmark = pytest.mark.django_db

# What OWASP lists as formula starts: =, +, -, @, tab, carriage return.
PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=cmd|' /C calc'!A0",
    "\r=cmd|' /C calc'!A0",
]
PERIOD = "date_from=2025-07-01&date_to=2025-07-03"
REPORT_CSV = "/api/v1/reports/period.csv"
REPORT_XLSX = "/api/v1/reports/period.xlsx"

UNITS_HEADER_VI = [
    "Mã đơn vị",
    "Đơn vị",
    "Tiếp nhận",
    "Trực tiếp",
    "Trực tuyến",
    "Bưu chính công ích",
    "Đã số hóa",
    "Chưa tiếp nhận (nộp trực tuyến)",
    "Từ chối tiếp nhận",
    "Hồ sơ trực tuyến đã tiếp nhận hoặc từ chối",
    "Tiếp nhận hoặc từ chối trong 8 giờ làm việc",
    "Đã giải quyết",
    "Trước hạn",
    "Đúng hạn",
    "Quá hạn",
    "Dừng xử lý",
    "Đã trả kết quả",
    "Trả tại bộ phận một cửa",
    "Trả kết quả qua bưu chính",
    "Trả trực tuyến",
    "Kỳ trước chuyển sang",
    "Phải giải quyết",
    "Đang giải quyết cuối kỳ",
    "Quá hạn cuối kỳ",
    "Quá ngày hẹn ban đầu cuối kỳ",
    "Đã đồng bộ Cổng DVC quốc gia",
    "Chờ đồng bộ",
    "Tỷ lệ trực tuyến (%)",
    "Tỷ lệ giải quyết (%)",
    "Tỷ lệ đúng hạn (%)",
    "Tỷ lệ đúng hạn theo QĐ 766 (%)",
    "Tỷ lệ số hóa (%)",
    "Tỷ lệ đồng bộ (%)",
    "Tỷ lệ tiếp nhận đúng hạn (%)",
]
UNITS_HEADER_EN = [
    "Unit code",
    "Unit",
    "Received",
    "In person",
    "Online",
    "Public postal service",
    "Digitised",
    "Not accepted (online submissions)",
    "Refused at intake",
    "Online submissions accepted or refused",
    "Accepted or refused within 8 working hours",
    "Finished",
    "Finished early",
    "Finished on time",
    "Finished late",
    "Stopped",
    "Returned",
    "Returned at the counter",
    "Returned by post",
    "Returned online",
    "Carried over",
    "To handle",
    "Open at the end",
    "Overdue at the end",
    "Past the original date at the end",
    "Synced to the national portal",
    "Sync pending",
    "Online rate (%)",
    "Handling rate (%)",
    "On-time rate (%)",
    "On-time rate per Decision 766 (%)",
    "Digitisation rate (%)",
    "Sync rate (%)",
    "Acceptance timeliness (%)",
]


def csv_rows(content: bytes) -> list[list[str]]:
    """The cells of a CSV file (a byte-order mark, if any, dropped)."""
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def record_named(clerk, unit, name: str) -> Record:
    """A record of ``unit`` whose applicant's name is exactly ``name`` (the receive form folds
    whitespace, so a name starting with a tab or CR is set as an import could store it)."""
    record = receive(clerk, unit, applicant={**APPLICANT, "applicant_name": name})
    Record.objects.filter(pk=record.pk).update(applicant_name=name)
    return record


def export_rows(client, **filters) -> list[list[str]]:
    response = client.get(reverse("records:export"), filters)
    assert response.status_code == 200
    return csv_rows(b"".join(response.streaming_content))


@pytest.fixture
def report_figures(clerk_a, unit_a):
    """Unit A: 2 records on 1 July (one online, resolved on the 2nd), 1 on 2 July."""
    online = receive(clerk_a, unit_a, channel=2, received_at=local(2025, 7, 1, 9))
    receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 10))
    receive(clerk_a, unit_a, received_at=local(2025, 7, 2, 10))
    from records import services

    services.record_resolve(record=online, actor=clerk_a, at=local(2025, 7, 2, 15))
    compute_daily_stats(date_from=date(2025, 6, 30), date_to=date(2025, 7, 3))


def api_for(user, **headers):
    client = APIClient(**headers)
    client.force_authenticate(user)
    return client


# --- Formula injection (item 3) -------------------------------------------------------------


@pytest.mark.parametrize("payload", PAYLOADS)
def test_record_export_name_starting_a_formula_is_text(client, clerk_a, unit_a, payload):
    record_named(clerk_a, unit_a, payload)
    client.force_login(clerk_a)

    header, row = export_rows(client)
    assert row[header.index("Người nộp")] == "'" + payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_record_export_masked_initials_starting_a_formula_are_text(
    client, clerk_a, city_office, unit_a, payload
):
    record_named(clerk_a, unit_a, payload)
    client.force_login(city_office)

    header, row = export_rows(client)
    assert row[header.index("Người nộp")] == "'" + mask_name(payload)
    assert mask_name(payload)[0] in "=+-@"  # the initials alone would run as a formula


@pytest.mark.parametrize("payload", PAYLOADS)
def test_period_report_csv_unit_name_starting_a_formula_is_text(
    report_figures, city_office, payload
):
    Commune.objects.filter(code=UNIT_A).update(name=payload)  # reference data, edited in admin

    response = api_for(city_office).get(f"{REPORT_CSV}?{PERIOD}&commune={UNIT_A}")
    header, unit, total = csv_rows(response.content)
    assert unit[:3] == [UNIT_A, "'" + payload, "3"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_period_report_xlsx_unit_name_starting_a_formula_is_a_string(
    report_figures, city_office, payload
):
    Commune.objects.filter(code=UNIT_A).update(name=payload)

    response = api_for(city_office).get(f"{REPORT_XLSX}?{PERIOD}&commune={UNIT_A}")
    sheet = load_workbook(io.BytesIO(response.content))["Tổng hợp"]
    name = sheet.cell(row=6, column=2)
    # XML reads a carriage return back as a line feed; either way the cell starts with "'".
    assert name.value == "'" + payload.replace("\r", "\n")
    assert name.data_type == "s"
    assert sheet.cell(row=6, column=3).value == 3


def test_export_negative_numbers_stay_numbers():
    header, row = csv_rows(csv_text(["n", "rate", "text"], [[-3, -69.62, "-3"]]).encode())
    assert row == ["-3", "-69,62", "'-3"]  # a number is not text: no apostrophe

    workbook = Workbook()
    xlsx_append(workbook.active, [-3, -69.62, "=1+1"])
    out = io.BytesIO()
    workbook.save(out)
    cells = list(load_workbook(io.BytesIO(out.getvalue())).active[1])
    assert [(cell.value, cell.data_type) for cell in cells] == [
        (-3, "n"),
        (-69.62, "n"),
        ("'=1+1", "s"),
    ]


# --- One convention for every export (item 4) -------------------------------------------------


@pytest.mark.parametrize(
    ("accept_language", "header", "rates", "total"),
    [
        (
            None,
            UNITS_HEADER_VI,
            ["33,33", "33,33", "100,00", "100,00", "33,33", "0,00", "100,00"],
            "Tổng cộng",
        ),
        (
            "en",
            UNITS_HEADER_EN,
            ["33.33", "33.33", "100.00", "100.00", "33.33", "0.00", "100.00"],
            "Total",
        ),
    ],
)
def test_period_report_csv_has_bom_labels_and_decimals_of_the_language(
    report_figures, city_office, accept_language, header, rates, total
):
    headers = {"HTTP_ACCEPT_LANGUAGE": accept_language} if accept_language else {}
    response = api_for(city_office, **headers).get(f"{REPORT_CSV}?{PERIOD}&commune={UNIT_A}")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 byte-order mark
    assert csv_rows(response.content) == [
        header,
        # the online record accepted at once (1 decided, 1 in time); nothing delivered to the
        # national portal in this test (0 synced, 3 pending)
        [UNIT_A, "Phường Phú Xuân", "3", "2", "1", "0", "1", "0", "0", "1", "1"]
        + ["1", "1", "0", "0", "0", "0", "0", "0", "0", "0", "3", "2", "0", "0", "0", "3", *rates],
        ["", total, "3", "2", "1", "0", "1", "0", "0", "1", "1"]
        + ["1", "1", "0", "0", "0", "0", "0", "0", "0", "0", "3", "2", "0", "0", "0", "3", *rates],
    ]


def test_period_report_csv_undefined_rate_is_empty(report_figures, clerk_a, unit_b, city_office):
    response = api_for(city_office).get(f"{REPORT_CSV}?{PERIOD}&commune={unit_b.code}")
    header, unit, total = csv_rows(response.content)

    figures = dict(zip(header, unit, strict=True))
    assert (figures["Tiếp nhận"], figures["Tỷ lệ trực tuyến (%)"]) == ("0", "")
    assert figures["Tỷ lệ đúng hạn (%)"] == ""


def test_period_report_csv_daily_dates_are_dd_mm_yyyy(report_figures, clerk_a):
    response = api_for(clerk_a).get(f"{REPORT_CSV}?{PERIOD}&table=daily")
    header, *days = csv_rows(response.content)

    assert header[:3] == ["Ngày", "Tiếp nhận", "Trực tiếp"]
    assert header[-1] == "Tỷ lệ trực tuyến (%)"
    assert [(day[0], day[1], day[-1]) for day in days] == [
        ("01/07/2025", "2", "50,00"),
        ("02/07/2025", "1", "0,00"),
        ("03/07/2025", "0", ""),
    ]


def test_period_report_xlsx_headers_follow_an_english_ui(report_figures, city_office):
    client = api_for(city_office, HTTP_ACCEPT_LANGUAGE="en")
    workbook = load_workbook(
        io.BytesIO(client.get(f"{REPORT_XLSX}?{PERIOD}&commune={UNIT_A}").content)
    )

    assert workbook.sheetnames == ["Units and totals", "By day"]
    summary = [list(row) for row in workbook["Units and totals"].iter_rows(values_only=True)]
    assert summary[0] == ["Period", "01/07/2025 – 03/07/2025"] + [None] * (len(UNITS_HEADER_EN) - 2)
    assert summary[4] == UNITS_HEADER_EN
    assert summary[5][:3] == [UNIT_A, "Phường Phú Xuân", 3]
    assert summary[-1][:3] == [None, "Total", 3]
    daily = list(workbook["By day"].iter_rows(values_only=True))
    assert daily[0][:2] == ("Date", "Received")
    assert daily[3][-1] is None  # nothing received on 3 July: no online rate


def test_period_report_file_for_the_browser_follows_the_ui_language(
    report_figures, client, city_office
):
    """The dashboard's export links go to the API with the browser's session: the file has the
    language of the pages (Vietnamese unless switched), not the browser's Accept-Language."""
    client.force_login(city_office)
    url = f"{REPORT_CSV}?{PERIOD}"

    header = csv_rows(client.get(url, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content)[0]
    assert header[:2] == ["Mã đơn vị", "Đơn vị"]
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    header = csv_rows(client.get(url, HTTP_ACCEPT_LANGUAGE="vi").content)[0]
    assert header[:2] == ["Unit code", "Unit"]


def test_record_export_follows_an_english_ui(client, clerk_a, unit_a):
    receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 9, 5))
    client.force_login(clerk_a)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = client.get(reverse("records:export"))
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    header, row = csv_rows(content)
    assert header[:6] == [
        "Record code",
        "Procedure",
        "Channel",
        "Status",
        "Receiving unit",
        "Applicant",
    ]
    figures = dict(zip(header, row, strict=True))
    assert figures["Received at"] == "01/07/2025 09:05"
    assert figures["Status"] == "received"


def test_export_xlsx_text_drops_control_characters_xlsx_cannot_hold():
    workbook = Workbook()
    xlsx_append(workbook.active, ["Nguy\x01ễn\x1f Văn An"])  # openpyxl would refuse them
    out = io.BytesIO()
    workbook.save(out)
    assert load_workbook(io.BytesIO(out.getvalue())).active["A1"].value == "Nguyễn Văn An"
