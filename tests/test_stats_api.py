"""Statistics API: scope by role, bad parameters, JSON, CSV and XLSX of the period report."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from communes.models import Commune
from records import services
from stats.services import compute_daily_stats
from tests.conftest import UNIT_A, UNIT_B, local, receive

pytestmark = pytest.mark.django_db

REPORT = "/api/v1/reports/period/"
DAILY = "/api/v1/stats/daily/"
PERIOD = "date_from=2025-07-01&date_to=2025-07-03"


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def figures(clerk_a, clerk_b, unit_a, unit_b):
    """Unit A: 2 records on 1 July (1 online, resolved on the 2nd), 1 on 2 July, 1 on 30 June
    still open (carried over). Unit B: 3 online records on 2 July."""
    receive(clerk_a, unit_a, received_at=local(2025, 6, 30, 9))
    online = receive(clerk_a, unit_a, channel=2, received_at=local(2025, 7, 1, 9))
    receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 10))
    receive(clerk_a, unit_a, received_at=local(2025, 7, 2, 10))
    services.record_resolve(record=online, actor=clerk_a, at=local(2025, 7, 2, 15))
    for hour in (8, 9, 10):
        receive(clerk_b, unit_b, channel=2, received_at=local(2025, 7, 2, hour))
    compute_daily_stats(date_from=date(2025, 6, 30), date_to=date(2025, 7, 3))


def test_period_report_clerk_gets_own_unit_by_default(figures, clerk_a):
    response = client_for(clerk_a).get(f"{REPORT}?{PERIOD}")

    assert response.status_code == 200, response.content
    data = response.json()
    assert [row["code"] for row in data["communes"]] == [UNIT_A]
    row = data["communes"][0]
    assert {
        name: row[name]
        for name in (
            "received",
            "received_online",
            "carried_over",
            "to_handle",
            "finished",
            "finished_early",
            "open_end",
            "overdue_end",
            "online_rate",
            "handling_rate",
            "on_time_rate",
            "on_time_rate_766",
        )
    } == {
        "received": 3,
        "received_online": 1,
        "carried_over": 1,
        "to_handle": 4,
        "finished": 1,
        "finished_early": 1,
        "open_end": 3,
        "overdue_end": 0,
        "online_rate": 33.33,
        "handling_rate": 25.0,
        "on_time_rate": 100.0,
        "on_time_rate_766": 100.0,
    }
    assert data["totals"]["received"] == 3
    assert [(day["date"], day["received"], day["open_end"]) for day in data["daily"]] == [
        ("2025-07-01", 2, 3),
        ("2025-07-02", 1, 3),
        ("2025-07-03", 0, 3),
    ]
    assert data["summary_vi"] == (
        "Từ ngày 01/7 đến 03/7/2025, Phường Phú Xuân tiếp nhận 3 hồ sơ, tỷ lệ trực tuyến "
        "33,33%. Tỷ lệ giải quyết 25,00%, tỷ lệ đúng hạn 100,00%."
    )


def test_period_report_leader_gets_own_unit(figures, leader_a):
    response = client_for(leader_a).get(f"{REPORT}?{PERIOD}&commune={UNIT_A}")

    assert response.status_code == 200
    assert [row["code"] for row in response.json()["communes"]] == [UNIT_A]


def test_period_report_clerk_asking_another_unit_is_forbidden(figures, clerk_a):
    response = client_for(clerk_a).get(f"{REPORT}?{PERIOD}&commune={UNIT_B}")

    assert response.status_code == 403
    assert set(response.json()) == {"detail"}


def test_period_report_city_office_chooses_units(figures, city_office):
    response = client_for(city_office).get(f"{REPORT}?{PERIOD}&commune={UNIT_A}&commune={UNIT_B}")

    data = response.json()
    assert [row["code"] for row in data["communes"]] == [UNIT_A, UNIT_B]
    assert data["totals"]["received"] == 6
    assert data["totals"]["received_online"] == 4
    assert data["totals"]["online_rate"] == 66.67
    assert data["highlights"]["most_received"]["code"] == UNIT_A  # 3 each: smaller code
    # 3 records each: below the minimum volume of the rate highlights (20), none is named.
    assert data["highlights"]["min_records"] == 20
    assert data["highlights"]["highest_online_rate"] is None
    assert data["highlights"]["highest_handling_rate"] is None


def test_period_report_city_office_defaults_to_every_unit(figures, city_office):
    data = client_for(city_office).get(f"{REPORT}?{PERIOD}").json()

    assert data["communes_count"] == Commune.objects.count() == 40
    assert data["totals"]["received"] == 6
    assert data["summary_en"].startswith(
        "From 1 to 3 July 2025, the 40 wards and communes received 6 records, with an online "
        "rate of 66.67%."
    )


def test_period_report_zero_denominator_is_null(city_office, reference_data):
    data = client_for(city_office).get(f"{REPORT}?{PERIOD}&commune={UNIT_B}").json()

    assert data["totals"]["online_rate"] is None
    assert data["totals"]["handling_rate"] is None
    assert "tỷ lệ trực tuyến —." in data["summary_vi"]


@pytest.mark.parametrize("path", [f"{REPORT}?{PERIOD}", f"{DAILY}?{PERIOD}"])
def test_stats_post_staff_forbidden_and_anonymous_unauthorised(figures, post_staff_a, path):
    assert client_for(post_staff_a).get(path).status_code == 403
    assert client_for(None).get(path).status_code == 401


@pytest.mark.parametrize(
    "query, field",
    [
        ("", "date_from,date_to"),
        ("date_from=2025-07-01", "date_to"),
        ("date_from=01/07/2025&date_to=2025-07-03", "date_from"),
        ("date_from=2025-07-03&date_to=2025-07-01", "date_to"),
        ("date_from=2022-07-01&date_to=2025-07-01", "date_to"),
        ("date_from=0001-01-01&date_to=2025-07-01", "date_from"),
        ("date_from=2025-07-01&date_to=9999-12-31", "date_to"),
        (f"{PERIOD}&commune=1975", "commune"),
        (f"{PERIOD}&commune=99999", "commune"),
        (f"{PERIOD}&table=weekly", "table"),
    ],
)
def test_period_report_bad_params_answer_400(city_office, reference_data, query, field):
    response = client_for(city_office).get(f"{REPORT}?{query}")

    assert response.status_code == 400
    assert list(response.json()) == field.split(",")
    assert all(isinstance(messages, list) for messages in response.json().values())


def test_period_report_three_years_is_the_limit(city_office, reference_data):
    ok = client_for(city_office).get(f"{REPORT}?date_from=2022-07-01&date_to=2025-06-30")
    assert ok.status_code == 200
    assert len(ok.json()["daily"]) == 1096


@pytest.mark.parametrize("path", ["/api/v1/reports/period.csv?", f"{REPORT}?format=csv&"])
def test_period_report_csv(figures, city_office, path):
    """The export convention (``core.exports``): BOM, labels and decimals in the
    language asked for (Vietnamese by default), an undefined rate empty, a total row."""
    response = client_for(city_office).get(f"{path}{PERIOD}&commune={UNIT_A}&commune={UNIT_B}")

    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="bao-cao-2025-07-01-2025-07-03.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [
        (row["Mã đơn vị"], row["Đơn vị"], row["Tiếp nhận"], row["Tỷ lệ trực tuyến (%)"])
        for row in rows
    ] == [
        (UNIT_A, "Phường Phú Xuân", "3", "33,33"),
        (UNIT_B, "Xã Phú Vang", "3", "100,00"),
        ("", "Tổng cộng", "6", "66,67"),
    ]
    assert rows[0]["Tỷ lệ đúng hạn (%)"] == "100,00"
    assert rows[1]["Tỷ lệ đúng hạn (%)"] == ""  # nothing finished: undefined


def test_period_report_csv_daily_table(figures, clerk_a):
    client = client_for(clerk_a)
    response = client.get(f"/api/v1/reports/period.csv?{PERIOD}&table=daily")

    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(row["Ngày"], row["Tiếp nhận"], row["Đã giải quyết"]) for row in rows] == [
        ("01/07/2025", "2", "0"),
        ("02/07/2025", "1", "1"),
        ("03/07/2025", "0", "0"),
    ]
    english = client.get(
        f"/api/v1/reports/period.csv?{PERIOD}&table=daily", HTTP_ACCEPT_LANGUAGE="en"
    )
    rows = list(csv.DictReader(io.StringIO(english.content.decode("utf-8-sig"))))
    assert [(row["Date"], row["Received"], row["Online rate (%)"]) for row in rows] == [
        ("01/07/2025", "2", "50.00"),
        ("02/07/2025", "1", "0.00"),
        ("03/07/2025", "0", ""),
    ]


def test_period_report_file_error_is_json(city_office, reference_data):
    response = client_for(city_office).get("/api/v1/reports/period.csv?date_from=2025-07-01")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == ["date_to"]


@pytest.mark.parametrize("path", ["/api/v1/reports/period.xlsx?", f"{REPORT}?format=xlsx&"])
def test_period_report_xlsx(figures, city_office, path):
    response = client_for(city_office).get(f"{path}{PERIOD}&commune={UNIT_A}&commune={UNIT_B}")

    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Tổng hợp", "Theo ngày"]
    summary = [list(row) for row in workbook["Tổng hợp"].iter_rows(values_only=True)]
    header = summary[4]
    table = [dict(zip(header, row, strict=True)) for row in summary[5:]]
    assert [
        (row["Mã đơn vị"], row["Tiếp nhận"], row["Trực tuyến"], row["Tỷ lệ trực tuyến (%)"])
        for row in table
    ] == [(UNIT_A, 3, 1, 33.33), (UNIT_B, 3, 3, 100.0), (None, 6, 4, 66.67)]
    assert table[1]["Tỷ lệ đúng hạn (%)"] is None  # nothing finished: an empty cell
    assert summary[1][1].startswith("Từ ngày 01/7 đến 03/7/2025, 2 xã, phường tiếp nhận 6 hồ sơ")
    daily = list(workbook["Theo ngày"].iter_rows(values_only=True))
    assert [(row[0].date(), row[1]) for row in daily[1:]] == [
        (date(2025, 7, 1), 2),
        (date(2025, 7, 2), 4),
        (date(2025, 7, 3), 0),
    ]


def test_daily_stats_clerk_sees_own_rows_only(figures, clerk_a):
    response = client_for(clerk_a).get(f"{DAILY}?{PERIOD}")

    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"count", "next", "previous", "results"}
    assert [(row["commune"], row["day"], row["received"]) for row in data["results"]] == [
        (UNIT_A, "2025-07-01", 2),
        (UNIT_A, "2025-07-02", 1),
        (UNIT_A, "2025-07-03", 0),
    ]
    assert client_for(clerk_a).get(f"{DAILY}?commune={UNIT_B}").status_code == 403


def test_daily_stats_city_office_filters_units(figures, city_office):
    data = (
        client_for(city_office)
        .get(f"{DAILY}?date_from=2025-07-02&date_to=2025-07-03&commune={UNIT_B}")
        .json()
    )

    assert [(row["commune"], row["day"], row["received_online"]) for row in data["results"]] == [
        (UNIT_B, "2025-07-02", 3),
        (UNIT_B, "2025-07-03", 0),
    ]
    every = client_for(city_office).get(f"{DAILY}?date_from=2025-07-01&date_to=2025-07-01")
    assert every.json()["count"] == 40


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("date_from=01/07/2025&date_to=2025-07-03", "date_from"),
        ("date_from=2025-07-03&date_to=2025-07-01", "date_to"),
        ("date_from=2022-07-01&date_to=2025-07-01", "date_to"),
        ("date_from=0001-01-01&date_to=2025-07-01", "date_from"),
        ("date_from=2025-07-01&date_to=2999-01-01", "date_to"),
        (f"{PERIOD}&commune=1975", "commune"),
        (f"{PERIOD}&commune=99999", "commune"),
    ],
)
def test_daily_stats_bad_params_answer_400_as_the_report_does(
    city_office, reference_data, query, field
):
    """``DailyStatFilter`` validates with the period report's rule: the same field, the same
    message, in the client's language."""
    for language in ("vi", "en"):
        daily = client_for(city_office).get(f"{DAILY}?{query}", HTTP_ACCEPT_LANGUAGE=language)
        report = client_for(city_office).get(f"{REPORT}?{query}", HTTP_ACCEPT_LANGUAGE=language)

        assert daily.status_code == report.status_code == 400
        assert list(daily.json()) == [field]
        assert daily.json() == report.json()


def test_daily_stats_one_date_alone_is_checked_too(city_office, reference_data):
    assert list(client_for(city_office).get(f"{DAILY}?date_from=0001-01-01").json()) == [
        "date_from"
    ]
    assert list(client_for(city_office).get(f"{DAILY}?date_to=2999-01-01").json()) == ["date_to"]
    assert client_for(city_office).get(f"{DAILY}?date_from=2025-07-01").status_code == 200


def test_daily_stats_comma_separated_units(figures, city_office):
    data = client_for(city_office).get(f"{DAILY}?{PERIOD}&commune={UNIT_A},{UNIT_B}").json()

    assert {row["commune"] for row in data["results"]} == {UNIT_A, UNIT_B}
    assert data["count"] == 6
