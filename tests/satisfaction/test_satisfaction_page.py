"""``/dashboard/satisfaction/``: who may open it, whose units it shows, and the quarter form."""

import pytest
from django.utils import timezone

from records.models import Record
from satisfaction.quarters import Quarter
from satisfaction.services import rate_record
from tests.helpers import local
from tests.satisfaction.builders import answers, returned_record

pytestmark = pytest.mark.django_db

URL = "/dashboard/satisfaction/"


@pytest.fixture
def rated(clerk_a, clerk_b, unit_a, unit_b):
    rate_record(record=returned_record(clerk_a, unit_a), answers=answers(overall=0))
    old = returned_record(clerk_b, unit_b)
    Record.objects.filter(pk=old.pk).update(returned_at=local(2025, 8, 1, 9, 0))


def rows(response):
    page = response.content.decode()
    return page.count('data-testid="satisfaction-row"')


def test_the_city_office_sees_every_unit_this_quarter(client, rated, city_office, unit_a):
    client.force_login(city_office)
    response = client.get(URL)
    assert response.status_code == 200
    assert rows(response) == 40
    assert response.context["quarter"] == Quarter.of(timezone.localdate())
    total = response.context["total"]
    assert (total.returned, total.rated, total.dissatisfied) == (1, 1, 1)


def test_the_form_chooses_the_quarter(client, rated, city_office):
    client.force_login(city_office)
    response = client.get(URL, {"quarter": "2025-Q3"})
    assert response.context["quarter"] == Quarter(2025, 3)
    assert (response.context["total"].returned, response.context["total"].rated) == (1, 0)
    assert '<option value="2025-Q3" selected>' in response.content.decode()


def test_an_unknown_quarter_falls_back_to_the_current_one(client, rated, city_office):
    client.force_login(city_office)
    response = client.get(URL, {"quarter": "1999-Q1"})
    assert response.status_code == 200
    assert response.context["quarter"] == Quarter.of(timezone.localdate())


def test_a_leader_sees_their_unit_only(client, rated, leader_a, unit_a):
    client.force_login(leader_a)
    response = client.get(URL)
    assert rows(response) == 1
    assert response.context["rows"][0].unit == unit_a


def test_clerks_and_post_staff_may_not_open_it(client, rated, clerk_a, post_staff_a):
    for user in (clerk_a, post_staff_a):
        client.force_login(user)
        assert client.get(URL).status_code == 403


def test_the_dashboard_links_to_it(client, city_office):
    client.force_login(city_office)
    assert f'href="{URL}"' in client.get("/dashboard/").content.decode()
