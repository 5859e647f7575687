"""``/api/v1/satisfaction/quarterly/``: scoped by the user's unit, 400 with the field on a bad
quarter, documented in the OpenAPI schema."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from satisfaction.models import Source
from satisfaction.quarters import Quarter
from satisfaction.services import rate_record
from tests.satisfaction.builders import answers, returned_record

pytestmark = pytest.mark.django_db

URL = "/api/v1/satisfaction/quarterly/"


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def rated(clerk_a, clerk_b, unit_a, unit_b):
    """Unit A: two records returned this quarter, one rated online (overall dissatisfied), one
    on paper. Unit B: one returned, not rated."""
    first, second = returned_record(clerk_a, unit_a), returned_record(clerk_a, unit_a)
    rate_record(record=first, answers=answers(overall=0, attitude=1))
    rate_record(record=second, answers=answers(), source=Source.PAPER, entered_by=clerk_a)
    returned_record(clerk_b, unit_b)
    return str(Quarter.of(timezone.localdate()))


def test_a_clerk_reads_their_unit(rated, clerk_a, unit_a):
    response = client_for(clerk_a).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["quarter"] == rated
    assert [row["unit"] for row in body["units"]] == [unit_a.code]
    row = body["units"][0]
    assert (row["returned"], row["rated"], row["rated_online"], row["rated_paper"]) == (2, 2, 1, 1)
    assert row["share_rated"] == "100.00"
    assert (row["dissatisfied"], row["dissatisfied_rate"]) == (1, "50.00")
    assert row["indicators"]["attitude"] == {"average": "1.50", "counts": {"2": 1, "1": 1, "0": 0}}
    assert row["indicators"]["overall"]["average"] == "1.00"
    assert "rule" in body and body["total"]["returned"] == 2


def test_a_clerk_asking_another_unit_is_forbidden(rated, clerk_a, unit_b):
    assert client_for(clerk_a).get(f"{URL}?commune={unit_b.code}").status_code == 403


def test_the_city_office_chooses_units(rated, city_office, unit_a, unit_b):
    response = client_for(city_office).get(
        f"{URL}?quarter={rated}&commune={unit_a.code}&commune={unit_b.code}"
    )
    assert response.status_code == 200
    rows = {row["unit"]: row for row in response.json()["units"]}
    assert rows[unit_b.code]["returned"] == 1 and rows[unit_b.code]["share_rated"] == "0.00"
    assert response.json()["total"]["returned"] == 3
    everything = client_for(city_office).get(URL).json()
    assert len(everything["units"]) == 40
    assert everything["total"]["rated"] == 2


def test_a_quarter_with_nothing_returned_has_null_rates(rated, clerk_a):
    row = client_for(clerk_a).get(f"{URL}?quarter=2025-Q3").json()["units"][0]
    assert (row["returned"], row["share_rated"], row["dissatisfied_rate"]) == (0, None, None)
    assert row["indicators"]["overall"]["average"] is None


@pytest.mark.parametrize("quarter", ["2025", "2025-Q5", "Q3-2025", "2024-Q4", "2999-Q1", "x"])
def test_a_bad_quarter_answers_400(rated, city_office, quarter):
    response = client_for(city_office).get(f"{URL}?quarter={quarter}")
    assert response.status_code == 400
    assert list(response.json()) == ["quarter"]
    assert isinstance(response.json()["quarter"], list)


def test_an_unknown_unit_answers_400(rated, city_office):
    response = client_for(city_office).get(f"{URL}?commune=99999")
    assert response.status_code == 400 and list(response.json()) == ["commune"]


def test_post_staff_forbidden_and_anonymous_unauthorised(rated, post_staff_a):
    assert client_for(post_staff_a).get(URL).status_code == 403
    assert client_for(None).get(URL).status_code == 401


def test_documented_in_the_openapi_schema(city_office):
    response = client_for(city_office).get("/api/schema/?format=json")
    assert response.status_code == 200
    operation = response.json()["paths"][URL]["get"]
    assert operation["operationId"] == "satisfaction_quarterly"
    assert {parameter["name"] for parameter in operation["parameters"]} == {"quarter", "commune"}
