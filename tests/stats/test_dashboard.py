"""The city dashboard: figures from the statistics only, drill-down links, scope."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from records import services
from records.validation import mask_name
from stats.forms import SORTS
from stats.models import RecomputeOwed
from tests.helpers import APPLICANT, local, receive, records_reads

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2025-07-01", "date_to": "2025-07-11"}


@pytest.fixture
def july(clerk_a, clerk_b, unit_a, unit_b):
    """Unit A: 3 received (2 online), 2 finished; unit B: 1 received in person."""
    online = receive(clerk_a, unit_a, channel=2, received_at=local(2025, 7, 1, 9, 0))
    services.record_resolve(record=online, actor=clerk_a, at=local(2025, 7, 2, 9, 0))
    second = receive(clerk_a, unit_a, channel=2, received_at=local(2025, 7, 3, 9, 0))
    services.record_stop(record=second, actor=clerk_a, reason="x", at=local(2025, 7, 4, 9, 0))
    receive(clerk_a, unit_a, received_at=local(2025, 7, 7, 9, 0))  # still open, due 14/7
    receive(clerk_b, unit_b, received_at=local(2025, 7, 8, 9, 0))
    call_command("compute_stats", "--from", "2025-07-01", "--to", "2025-07-31", verbosity=0)
    # The tests' transaction never commits, so the recomputes queued on commit never ran.
    RecomputeOwed.objects.all().delete()


def cards(response):
    return {card["testid"]: card for card in response.context["cards"]}


def test_city_office_sees_all_units_and_the_figures(client, city_office, july):
    client.force_login(city_office)
    response = client.get(reverse("dashboard"), PERIOD)
    assert response.status_code == 200
    figures = cards(response)
    assert figures["card-received"]["value"] == 4
    assert str(figures["card-online"]["rate"]) == "50.00"
    assert figures["card-online"]["detail"] == (2, 4)
    assert figures["card-handling"]["detail"] == (2, 4)
    assert len(response.context["units"]) == 40
    top = response.context["highlights"]["most_received"]["row"]
    assert (top.unit.code, top.counts["received"]) == ("19753", 3)
    page = response.content.decode()
    assert "50,00%" in page  # Vietnamese decimal comma
    assert response.context["summary"].startswith("Từ ngày 01/7 đến 11/7/2025, 40 xã, phường")


def test_every_card_links_to_exactly_its_records(client, city_office, july):
    client.force_login(city_office)
    response = client.get(reverse("dashboard"), PERIOD)
    for card in response.context["cards"]:
        listing = client.get(card["link"])
        assert listing.status_code == 200, card["testid"]
        count = listing.context["page"].paginator.count
        expected = card.get("value", card.get("detail", (None,))[0])
        assert count == expected, (card["testid"], count, expected)
    for item in response.context["table"]:
        row = item["row"]
        assert (
            client.get(item["received_link"]).context["page"].paginator.count
            == row.counts["received"]
        )
        assert (
            client.get(item["finished_link"]).context["page"].paginator.count
            == row.counts["finished"]
        )


def test_dashboard_never_reads_the_records_table(client, city_office, july):
    client.force_login(city_office)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("dashboard"), PERIOD)
    assert records_reads(queries) == []  # only the sync rate's backlog, on its partial index
    # + 2: are the days read computed, and (embedded default) are recomputes owed? + 1: the
    # sync backlog.
    assert len(queries.captured_queries) <= 13


def test_leader_sees_only_their_unit(client, leader_a, july):
    client.force_login(leader_a)
    response = client.get(reverse("dashboard"), {**PERIOD, "commune": "19942"})
    assert [unit.code for unit in response.context["units"]] == ["19753"]
    assert cards(response)["card-received"]["value"] == 3
    link = cards(response)["card-received"]["link"]
    assert "receiving_unit=19753" in link
    assert client.get(link).context["page"].paginator.count == 3


@pytest.mark.parametrize("fixture", ["clerk_a", "post_staff_a"])
def test_clerks_and_post_staff_cannot_open_the_dashboard(client, request, fixture):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("dashboard")).status_code == 403


def test_bad_period_shows_an_error_and_the_default(client, city_office, july):
    client.force_login(city_office)
    response = client.get(
        reverse("dashboard"), {"date_from": "2025-07-11", "date_to": "2025-07-01"}
    )
    assert response.status_code == 200
    assert "Ngày kết thúc không được trước ngày bắt đầu." in response.content.decode()
    assert (response.context["date_from"], response.context["date_to"]) == (
        date(2025, 7, 1),
        date(2025, 7, 11),
    )


def test_period_shortcuts(client, city_office, july):
    client.force_login(city_office)
    response = client.get(reverse("dashboard"), {"period": "today"})
    assert response.context["date_from"] == response.context["date_to"]
    month = client.get(reverse("dashboard"), {"period": "month"})
    assert month.context["date_from"].day == 1


def test_sorting_by_rate(client, city_office, july):
    client.force_login(city_office)
    response = client.get(reverse("dashboard"), {**PERIOD, "sort": "online"})
    assert response.context["table"][0]["row"].unit.code == "19753"


def test_city_office_export_masks_names_like_the_list(client, city_office, july):
    client.force_login(city_office)
    response = client.get(reverse("records:export"))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert response.status_code == 200 and len(body.strip().splitlines()) == 1 + 4
    assert APPLICANT["applicant_name"] not in body
    assert mask_name(APPLICANT["applicant_name"]) in body


def test_sort_links_replace_the_sort_and_exports_use_the_api_routes(client, city_office, july):
    client.force_login(city_office)
    page = client.get(reverse("dashboard"), {**PERIOD, "sort": "online"}).content.decode()
    for key in SORTS:
        link = f'href="?date_from=2025-07-01&amp;date_to=2025-07-11&amp;sort={key}"'
        assert link in page, key
    assert "sort=online&amp;sort=" not in page
    assert 'href="/api/v1/reports/period.xlsx?date_from=2025-07-01&amp;date_to=2025-07-11"' in page


# --- The period picker (issue 14, item 5) ------------------------------------------------------

PREFILLED = {"date_from": "2025-07-01", "date_to": "2025-07-11"}  # the dates the page showed


def shown_period(response):
    return (response.context["date_from"], response.context["date_to"], response.context["period"])


@pytest.mark.parametrize(
    ("period", "days_back"), [("today", None), ("last7", 6), ("month", "month")]
)
def test_period_choice_wins_over_the_prefilled_dates(client, city_office, period, days_back):
    """The form as the browser submits it: the chosen period and the dates the page had
    pre-filled; the choice wins, the picker and the date inputs show what is shown."""
    client.force_login(city_office)
    today = timezone.localdate()
    start = {None: today, 6: today - timedelta(days=6), "month": today.replace(day=1)}[days_back]

    response = client.get(reverse("dashboard"), {"period": period, **PREFILLED, "commune": []})

    assert response.status_code == 200
    assert shown_period(response) == (start, today, period)
    page = response.content.decode()
    assert f'<option value="{period}" selected>' in page
    assert page.count(" selected>") == 1
    assert f'name="date_from" id="id_date_from" value="{start:%Y-%m-%d}"' in page
    assert f'name="date_to" id="id_date_to" value="{today:%Y-%m-%d}"' in page
    assert f"{start:%d/%m/%Y} – {today:%d/%m/%Y}" in page


def test_period_choice_ignores_prefilled_dates_that_are_wrong(client, city_office):
    client.force_login(city_office)
    today = timezone.localdate()
    response = client.get(
        reverse("dashboard"), {"period": "today", "date_from": "2025-07-11", "date_to": "x"}
    )
    assert shown_period(response) == (today, today, "today")
    assert 'class="form-error"' not in response.content.decode()


def test_custom_period_uses_the_dates(client, city_office):
    client.force_login(city_office)
    response = client.get(
        reverse("dashboard"),
        {"period": "custom", "date_from": "2025-07-03", "date_to": "2025-07-05"},
    )
    assert shown_period(response) == (date(2025, 7, 3), date(2025, 7, 5), "custom")
    assert '<option value="custom" selected>' in response.content.decode()


def test_custom_period_without_both_dates_is_an_error(client, city_office):
    client.force_login(city_office)
    response = client.get(reverse("dashboard"), {"period": "custom", "date_from": "2025-07-03"})
    assert "Chọn cả ngày bắt đầu và ngày kết thúc." in response.content.decode()
    assert shown_period(response) == (date(2025, 7, 1), date(2025, 7, 11), "custom")


def test_dates_alone_are_a_custom_period(client, city_office):
    """Links (sort, drill-backs) carry only the dates."""
    client.force_login(city_office)
    response = client.get(
        reverse("dashboard"), {"date_from": "2025-07-03", "date_to": "2025-07-04"}
    )
    assert shown_period(response) == (date(2025, 7, 3), date(2025, 7, 4), "custom")


def test_default_period_applies_only_when_nothing_is_chosen(client, city_office, settings):
    client.force_login(city_office)
    assert shown_period(client.get(reverse("dashboard"))) == (
        date(2025, 7, 1),
        date(2025, 7, 11),
        "custom",
    )
    settings.DASHBOARD_DEFAULT_PERIOD = None
    today = timezone.localdate()
    assert shown_period(client.get(reverse("dashboard"))) == (
        today - timedelta(days=6),
        today,
        "last7",
    )


def test_header_names_the_chosen_units(client, city_office, july):
    """The header (also the print header) says which units the figures cover."""
    client.force_login(city_office)
    response = client.get(reverse("dashboard"), {**PERIOD, "commune": ["19942", "19753"]})
    assert "2 đơn vị: Phường Phú Xuân, Xã Phú Vang" in response.content.decode()


def test_dashboard_period_rule_is_the_apis(client, city_office, reference_data):
    """The dashboard's form and the API share one period rule: a period of three years or more
    is refused on both, in the page's language on the dashboard."""
    client.force_login(city_office)
    query = {"period": "custom", "date_from": "2022-07-01", "date_to": "2025-07-01"}

    page = client.get(reverse("dashboard"), query)
    api = client.get("/api/v1/reports/period/", query)

    assert page.context["form"].errors["date_to"] == ["Kỳ báo cáo dài tối đa 3 năm."]
    assert api.json() == {"date_to": ["A period spans at most 3 years."]}
