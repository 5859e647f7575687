"""The city office's home page: today's and this month's figures for the whole city, from the
daily statistics, with the way to the dashboard and the record list (issue 14, item 7)."""

from datetime import datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from records import services
from stats.models import RecomputeOwed
from tests.helpers import HUE, local, receive, records_reads

pytestmark = pytest.mark.django_db


@pytest.fixture
def this_month(clerk_a, clerk_b, unit_a, unit_b):
    """Today: 2 received at Phú Xuân (1 online, resolved) and 1 at Phú Vang in person; on the
    1st of the month (when today is not the 1st): 2 more at Phú Vang, 1 of them online."""
    today = timezone.localdate()
    now = timezone.now()
    start_of_today = datetime.combine(today, time(0, 1), tzinfo=HUE)
    moment = max(now - timedelta(minutes=5), start_of_today)
    online = receive(clerk_a, unit_a, channel=2, received_at=moment)
    services.record_resolve(record=online, actor=clerk_a, at=moment + timedelta(seconds=30))
    receive(clerk_a, unit_a, received_at=moment)
    receive(clerk_b, unit_b, received_at=moment)
    earlier = today.day > 1
    if earlier:
        receive(clerk_b, unit_b, channel=2, received_at=local(today.year, today.month, 1, 8, 0))
        receive(clerk_b, unit_b, received_at=local(today.year, today.month, 1, 9, 0))
    call_command(
        "compute_stats", "--from", f"{today.replace(day=1)}", "--to", f"{today}", verbosity=0
    )
    return today, earlier


def figures(response, key):
    period = next(p for p in response.context["periods"] if p["key"] == key)
    values = {}
    for card in period["cards"]:
        values[card["testid"]] = card.get("detail", card.get("value"))
    return period, values


def test_city_home_shows_today_and_this_month_for_the_whole_city(client, city_office, this_month):
    today, earlier = this_month
    client.force_login(city_office)

    response = client.get(reverse("home"))

    assert response.status_code == 200
    assert len(response.context["units"]) == 40
    period, today_figures = figures(response, "today")
    assert (period["date_from"], period["date_to"]) == (today, today)
    assert today_figures == {
        "card-received": 3,
        "card-online": (1, 3),
        # to handle today: 3 received + the 2 of the 1st still open (carried over)
        "card-handling": (1, 5) if earlier else (1, 3),
        "card-on-time": (1, 1),
        "card-overdue": 0,
    }
    period, month_figures = figures(response, "month")
    assert (period["date_from"], period["date_to"]) == (today.replace(day=1), today)
    assert month_figures == {
        "card-received": 5 if earlier else 3,
        "card-online": (2, 5) if earlier else (1, 3),
        "card-handling": (1, 5) if earlier else (1, 3),
        "card-on-time": (1, 1),
        "card-overdue": 0,
    }
    page = response.content.decode()
    assert 'href="/dashboard/?period=today"' in page
    assert 'href="/dashboard/?period=month"' in page
    assert 'data-testid="home-dashboard"' in page and 'href="/dashboard/"' in page
    assert 'href="/records/"' in page
    assert "33,33%" in page  # today's online rate, 1 of 3, in Vietnamese
    assert response.context["periods"][0]["summary"].startswith(
        f"Ngày {today:%d}/{today.month}/{today.year}, 40 xã, phường tiếp nhận 3 hồ sơ"
    )


def test_city_home_figures_link_to_exactly_their_records(client, city_office, this_month):
    client.force_login(city_office)
    response = client.get(reverse("home"))
    for period in response.context["periods"]:
        for card in period["cards"]:
            expected = card.get("value", card.get("detail", (None,))[0])
            listing = client.get(card["link"])
            assert listing.context["page"].paginator.count == expected, (period["key"], card)


def test_city_home_reads_only_the_statistics(client, city_office, this_month):
    # The tests' transaction never commits, so the recomputes queued on commit never ran; once
    # they have, every day up to today is there and the page reads only the statistics.
    RecomputeOwed.objects.all().delete()
    client.force_login(city_office)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("home"))
    assert records_reads(queries) == []  # only the sync rate's backlog, on its partial index


def test_admin_lands_on_the_city_home(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("home"))
    assert response.templates[0].name == "stats/city_home.html"
    assert 'href="/admin/"' in response.content.decode()


def test_leader_still_lands_on_the_unit_workspace(client, leader_a):
    client.force_login(leader_a)
    assert client.get(reverse("home")).templates[0].name == "records/workspace.html"
