"""Permission matrix: every endpoint × every role, with another unit's data present."""

import pytest
from rest_framework.test import APIClient

from records.models import PersonalDataAccess, Record
from tests.helpers import APPLICANT, receive

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "clerk_a", "clerk_b", "leader_a", "post_staff_a", "city_office"]


@pytest.fixture
def world(clerk_a, clerk_b, leader_a, post_staff_a, city_office, unit_a, unit_b, point_a):
    record_a = receive(clerk_a, unit_a, agent_point=point_a)
    record_b = receive(clerk_b, unit_b, applicant={**APPLICANT, "applicant_name": "Lê Thị Bí Mật"})
    users = {
        "anonymous": None,
        "clerk_a": clerk_a,
        "clerk_b": clerk_b,
        "leader_a": leader_a,
        "post_staff_a": post_staff_a,
        "city_office": city_office,
    }
    return {"a": record_a, "b": record_b, "users": users}


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


NEW_RECORD = {
    "procedure": "ho-tich-khai-tu",
    "channel": 1,
    "applicant_name": "Phạm Văn Cường",
    "applicant_id_number": "046080001111",
}

# (method, path template, body, expected status per role in ROLES order)
MATRIX = [
    ("get", "/api/v1/communes/", None, [200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/communes/19753/", None, [200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/agent-points/?commune=19753", None, [200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/procedures/", None, [200, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/records/", None, [401, 200, 200, 200, 200, 200]),
    ("post", "/api/v1/records/", NEW_RECORD, [401, 201, 201, 403, 403, 403]),
    ("get", "/api/v1/records/{a}/", None, [401, 200, 404, 200, 200, 200]),
    ("get", "/api/v1/records/{a}/history/", None, [401, 200, 404, 200, 200, 200]),
    ("patch", "/api/v1/records/{a}/", {"note": "x"}, [401, 200, 404, 403, 403, 403]),
    ("post", "/api/v1/records/{a}/process/", {}, [401, 200, 404, 403, 403, 403]),
    ("post", "/api/v1/records/{a}/resolve/", {}, [401, 200, 404, 403, 403, 403]),
    ("post", "/api/v1/records/{a}/stop/", {"reason": "x"}, [401, 200, 404, 403, 403, 403]),
    ("post", "/api/v1/records/{a}/extend/", {}, [401, 400, 404, 403, 403, 403]),
    ("get", "/api/v1/records/{b}/", None, [401, 404, 200, 404, 404, 200]),
    ("post", "/api/v1/records/{b}/process/", {}, [401, 404, 200, 403, 403, 403]),
]


@pytest.mark.parametrize(("method", "path", "body", "expected"), MATRIX)
@pytest.mark.parametrize("role_index", range(len(ROLES)))
def test_permission_matrix(world, method, path, body, expected, role_index):
    role = ROLES[role_index]
    url = path.format(a=world["a"].code, b=world["b"].code)
    before = {r.pk: (r.status, r.version) for r in Record.objects.all()}
    response = getattr(client_for(world["users"][role]), method)(url, body, format="json")
    assert response.status_code == expected[role_index], (role, url, response.content)
    if response.status_code >= 400:
        after = {r.pk: (r.status, r.version) for r in Record.objects.all()}
        assert after == before  # a refused request changes nothing
        assert set(response.json()) <= {"detail"} or response.status_code == 400


def test_lists_do_not_leak_other_units(world):
    body = client_for(world["users"]["clerk_a"]).get("/api/v1/records/").content.decode()
    assert world["a"].code in body
    assert world["b"].code not in body and "Bí Mật" not in body
    search = client_for(world["users"]["clerk_a"]).get("/api/v1/records/?search=bi mat")
    assert search.json()["count"] == 0
    post = client_for(world["users"]["post_staff_a"]).get("/api/v1/records/").json()
    assert [r["code"] for r in post["results"]] == [world["a"].code]
    city = client_for(world["users"]["city_office"]).get("/api/v1/records/").json()
    assert {r["code"] for r in city["results"]} == {world["a"].code, world["b"].code}


def test_identifiers_masked_in_lists_and_logged_on_detail(world):
    clerk = world["users"]["clerk_a"]
    row = client_for(clerk).get("/api/v1/records/").json()["results"][0]
    assert (row["applicant_id_number"], row["applicant_phone"]) == ("046*******34", "091*****78")
    assert PersonalDataAccess.objects.count() == 0

    detail = client_for(clerk).get(f"/api/v1/records/{world['a'].code}/").json()
    assert (detail["applicant_id_number"], detail["applicant_phone"]) == (
        "046095001234",
        "0912345678",
    )
    access = PersonalDataAccess.objects.get()
    assert (access.user, access.record, access.via) == (clerk, world["a"], "api")
    assert access.fields == ["applicant_id_number", "applicant_old_id_number", "applicant_phone"]


def test_city_office_sees_identifiers_masked_and_is_not_logged(world):
    detail = client_for(world["users"]["city_office"]).get(f"/api/v1/records/{world['a'].code}/")
    assert detail.json()["applicant_id_number"] == "046*******34"
    assert detail.json()["applicant_phone"] == "091*****78"
    assert PersonalDataAccess.objects.count() == 0


def test_post_staff_see_delivery_fields_only(world):
    staff = world["users"]["post_staff_a"]
    detail = client_for(staff).get(f"/api/v1/records/{world['a'].code}/").json()
    assert "applicant_id_number" not in detail and "applicant_old_id_number" not in detail
    assert detail["applicant_phone"] == "0912345678"
    assert detail["applicant_address"] == APPLICANT["applicant_address"]
    assert PersonalDataAccess.objects.get().fields == ["applicant_phone"]
    listing = client_for(staff).get("/api/v1/records/").json()["results"][0]
    assert "applicant_id_number" not in listing
    assert listing["applicant_phone"] == "091*****78"
