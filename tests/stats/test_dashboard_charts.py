"""The dashboard's charts and highlights: numbers in the UI language, integer axis ticks
without repeats, rate highlights only among units with enough records (issue 14, item 8)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from communes.models import Commune
from stats.charts import format_number, format_percent, integer_ticks
from stats.models import DailyStat
from stats.reports import HIGHLIGHT_MIN_RECORDS, period_report
from tests.helpers import UNIT_A, local, receive

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (2, [0, 1, 2]),
        (3, [0, 1, 2, 3]),
        (4, [0, 1, 2, 3, 4]),
        (5, [0, 2, 4, 6]),
        (9, [0, 5, 10]),
        (100, [0, 25, 50, 75, 100]),
        (1067, [0, 500, 1000, 1500]),
        (13474, [0, 5000, 10000, 15000]),
    ],
)
def test_integer_ticks_are_whole_and_never_repeat(largest, ticks):
    assert integer_ticks(largest) == ticks


def test_integer_ticks_cover_the_largest_value_with_at_most_five_labels():
    for largest in range(0, 3000):
        ticks = integer_ticks(largest)
        assert ticks[0] == 0 and ticks[-1] >= largest and len(ticks) <= 5, largest
        steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
        assert len(steps) == 1 and min(steps) >= 1, largest


@pytest.mark.parametrize(
    ("language", "number", "percent", "small"),
    [("vi", "1.067", "23,68%", "0,50%"), ("en", "1,067", "23.68%", "0.50%")],
)
def test_chart_numbers_follow_the_language(language, number, percent, small):
    with translation.override(language):
        assert format_number(1067) == number
        assert format_number(13474) == {"vi": "13.474", "en": "13,474"}[language]
        assert format_percent(Decimal("23.68")) == percent
        assert format_percent(Decimal("0.5")) == small
        assert format_percent(None) == "—"


def _stat(unit, day, **counts):
    DailyStat.objects.create(unit=unit, day=day, computed_at=timezone.now(), **counts)


def _chart_texts(page: str) -> dict[str, list[str]]:
    charts = re.findall(r'<svg class="chart".*?</svg>', page, flags=re.S)
    assert len(charts) == 2
    return {
        name: {
            "y": re.findall(r'class="tick tick--y">([^<]*)</text>', chart),
            "titles": re.findall(r"<title>([^<]*)</title>", chart),
        }
        for name, chart in zip(("intake", "online"), charts, strict=True)
    }


@pytest.mark.parametrize(
    ("language", "intake_y", "bar", "online_y", "dots"),
    [
        (
            "vi",
            ["0", "500", "1.000", "1.500"],
            "02/07: trực tiếp 1.067",
            ["0%", "25%", "50%", "75%", "100%"],
            ["01/07: 23,68%", "02/07: 0,00%"],
        ),
        (
            "en",
            ["0", "500", "1,000", "1,500"],
            "02/07: in person 1,067",
            ["0%", "25%", "50%", "75%", "100%"],
            ["01/07: 23.68%", "02/07: 0.00%"],
        ),
    ],
)
def test_chart_svg_text_in_the_ui_language(
    client, city_office, unit_a, language, intake_y, bar, online_y, dots
):
    _stat(unit_a, date(2025, 7, 1), received=38, received_in_person=29, received_online=9)
    _stat(unit_a, date(2025, 7, 2), received=1067, received_in_person=1067)
    client.force_login(city_office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get(
        reverse("dashboard"),
        {"period": "custom", "date_from": "2025-07-01", "date_to": "2025-07-02"},
    ).content.decode()

    texts = _chart_texts(page)
    assert texts["intake"]["y"] == intake_y
    assert bar in texts["intake"]["titles"]
    assert texts["online"]["y"] == online_y
    assert texts["online"]["titles"] == dots


def test_chart_small_counts_give_whole_ticks(client, city_office, unit_a):
    _stat(unit_a, date(2025, 7, 1), received=2, received_in_person=2)
    _stat(unit_a, date(2025, 7, 2), received=1, received_online=1)
    client.force_login(city_office)
    page = client.get(
        reverse("dashboard"), {"date_from": "2025-07-01", "date_to": "2025-07-02"}
    ).content.decode()
    assert _chart_texts(page)["intake"]["y"] == ["0", "1", "2"]


# --- Highlights need a minimum volume ----------------------------------------------------------


def _report(day_from=date(2025, 7, 1), day_to=date(2025, 7, 31)):
    call_command("compute_stats", "--from", "2025-07-01", "--to", "2025-07-31", verbosity=0)
    return period_report(date_from=day_from, date_to=day_to, units=list(Commune.objects.all()))


def test_rate_highlights_skip_units_below_the_minimum(clerk_a, clerk_b, unit_a, unit_b):
    """2 records in person at Phú Xuân, 1 at Phú Vang: no "highest online rate (0/2)"."""
    for hour in (8, 9):
        receive(clerk_a, unit_a, received_at=local(2025, 7, 1, hour, 0))
    receive(clerk_b, unit_b, received_at=local(2025, 7, 1, 10, 0))

    report = _report()

    assert report.highlights["highest_online_rate"] is None
    assert report.highlights["highest_handling_rate"] is None
    assert report.highlights["most_received"].unit.code == UNIT_A
    assert report.summary_vi == (
        "Từ ngày 01/7 đến 31/7/2025, 40 xã, phường tiếp nhận 3 hồ sơ, tỷ lệ trực tuyến 0,00%. "
        "Phường Phú Xuân tiếp nhận nhiều nhất (2 hồ sơ)."
    )
    assert "online rate (" not in report.summary_en


def test_rate_highlights_state_the_minimum(clerk_a, clerk_b, unit_a, unit_b):
    """Phú Xuân: 20 received, 1 online (5%); Phú Vang: 5 of 5 online but under 20 records."""
    assert HIGHLIGHT_MIN_RECORDS == 20
    receive(clerk_a, unit_a, channel=2, received_at=local(2025, 7, 1, 8, 0))
    for minute in range(19):
        receive(clerk_a, unit_a, received_at=local(2025, 7, 2, 8, minute))
    for minute in range(5):
        receive(clerk_b, unit_b, channel=2, received_at=local(2025, 7, 2, 9, minute))

    report = _report()

    online = report.highlights["highest_online_rate"]
    assert (online.unit.code, online.counts["received_online"], online.counts["received"]) == (
        UNIT_A,
        1,
        20,
    )
    assert report.summary_vi.endswith(
        "Phường Phú Xuân tiếp nhận nhiều nhất (20 hồ sơ); trong các đơn vị có từ 20 hồ sơ trở "
        "lên, phường Phú Xuân có tỷ lệ trực tuyến cao nhất (1/20 hồ sơ)."
    )
    assert report.summary_en.endswith(
        "Phu Xuan Ward received the most (20 records); among units with at least 20 records, "
        "Phu Xuan Ward had the highest online rate (1 of 20 records)."
    )


def test_rate_highlight_with_zero_numerator_is_never_shown(clerk_a, unit_a):
    for minute in range(25):
        receive(clerk_a, unit_a, received_at=local(2025, 7, 2, 8, minute))

    report = _report()

    assert report.highlights["highest_online_rate"] is None  # 0 of 25 online
    assert report.highlights["highest_handling_rate"] is None  # nothing finished
    assert report.summary_vi == (
        "Từ ngày 01/7 đến 31/7/2025, 40 xã, phường tiếp nhận 25 hồ sơ, tỷ lệ trực tuyến 0,00%. "
        "Phường Phú Xuân tiếp nhận nhiều nhất (25 hồ sơ)."
    )


def test_dashboard_states_the_highlight_minimum(client, city_office, reference_data):
    client.force_login(city_office)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("dashboard")).content.decode()
    assert "Highest rates: among units with at least 20 records (received, or to handle)." in page
