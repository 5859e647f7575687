"""POST /api/v1/dvcqg/submissions/: the national portal's connector delivers online
submissions; idempotent on the national dossier number, all-or-nothing on bad input, scoped to
the integration account's delivery units."""

import copy

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from dvcqg.api import EXAMPLE
from records.enums import Channel, Status
from records.models import DossierComponent, Record, RecordEvent
from tests.helpers import PASSWORD, UNIT_B, local, make_user

pytestmark = pytest.mark.django_db
URL = "/api/v1/dvcqg/submissions/"


def payload(**changes):
    data = copy.deepcopy(EXAMPLE)
    data.update(changes)
    return data


@pytest.fixture
def portal(integration):
    client = APIClient()
    token = client.post(
        reverse("api-token"), {"username": integration.username, "password": PASSWORD}
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_route_name_resolves():
    assert reverse("dvcqg-submissions") == URL


def test_first_delivery_creates_the_submission(portal, unit_a):
    response = portal.post(URL, payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    record = Record.objects.get()
    assert body["public_id"] == str(record.public_id)
    assert body["national_dossier_no"] == "G22.99-250707-000123"
    assert body["status"] == Status.SUBMITTED and body["code"] is None
    # Friday 16:30 → Monday 16:30 (8 working hours on the calendar).
    assert record.acceptance_due_at == local(2025, 7, 7, 16, 30)
    assert body["acceptance_due_at"] == "2025-07-07T16:30:00+07:00"
    assert "046195001234" not in response.content.decode()
    assert record.status == Status.SUBMITTED and record.channel == Channel.ONLINE
    assert record.receiving_unit == unit_a and record.procedure.key == "ho-tich-khai-sinh"
    assert record.applicant_id_number == "046195001234"
    assert record.notify_sms is True
    assert [c.name for c in record.components.all()] == [
        "Tờ khai đăng ký khai sinh",
        "Giấy chứng sinh",
    ]
    event = record.events.get()
    assert event.action == "submit" and event.actor.role == Role.INTEGRATION


def test_same_delivery_again_is_200_with_the_same_submission(portal):
    first = portal.post(URL, payload(), format="json")
    again = portal.post(URL, payload(), format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert Record.objects.count() == 1
    assert DossierComponent.objects.count() == 2
    assert RecordEvent.objects.count() == 1


def test_the_same_moment_with_another_offset_is_the_same_delivery(portal):
    assert portal.post(URL, payload(), format="json").status_code == 201
    again = portal.post(URL, payload(submitted_at="2025-07-04T09:30:00Z"), format="json")
    assert again.status_code == 200


def test_other_content_under_the_same_number_is_409(portal):
    assert portal.post(URL, payload(), format="json").status_code == 201
    other = payload()
    other["applicant"]["name"] = "Trần Văn Bình"
    response = portal.post(URL, other, format="json")
    assert response.status_code == 409
    assert "G22.99-250707-000123" in response.json()["detail"]
    assert Record.objects.get().applicant_name == "Nguyễn Thị Hoa"


def test_procedure_by_its_portal_key(portal):
    data = payload(procedure_code="", procedure_key="ho-tich-khai-sinh")
    assert portal.post(URL, data, format="json").status_code == 201


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"receiving_unit": "1975"}, {"receiving_unit"}),
        ({"procedure_code": "khong-co"}, {"procedure_code"}),
        ({"procedure_code": "", "procedure_key": ""}, {"procedure_code"}),
        ({"submitted_at": "hôm qua"}, {"submitted_at"}),
        ({"applicant": {"name": "Hoa", "id_number": "12"}}, {"applicant_id_number"}),
        ({"components": [{"name": "Tờ khai", "count": 0}]}, {"components"}),
        ({"submitted_at": "2099-01-01T08:00:00+07:00"}, {"submitted_at"}),
    ],
)
def test_bad_input_is_400_with_field_messages_and_writes_nothing(portal, changes, fields):
    response = portal.post(URL, payload(**changes), format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    flat = set(body) | {k for v in body.values() if isinstance(v, dict) for k in v}
    assert fields <= flat, body
    assert not Record.objects.exists()
    assert not DossierComponent.objects.exists()
    assert not RecordEvent.objects.exists()


def test_unit_outside_the_accounts_delivery_units_is_403(portal, unit_b):
    response = portal.post(URL, payload(receiving_unit=UNIT_B), format="json")
    assert response.status_code == 403
    assert not Record.objects.exists()


@pytest.mark.parametrize("role", ["clerk_a", "city_office", "admin_user"])
def test_only_integration_accounts_deliver(request, role):
    user = request.getfixturevalue(role)
    client = APIClient()
    client.force_authenticate(user)
    assert client.post(URL, payload(), format="json").status_code == 403
    assert not Record.objects.exists()


def test_anonymous_is_401(reference_data):
    assert APIClient().post(URL, payload(), format="json").status_code == 401


def test_result_by_post_goes_through_the_units_agent_point(portal, unit_a):
    data = payload(result_by_post=True)
    assert portal.post(URL, data, format="json").status_code == 201
    record = Record.objects.get()
    assert record.result_delivery == "post"
    assert record.agent_point.commune == unit_a


def test_another_integration_account_cannot_take_over_a_number(portal, unit_b):
    assert portal.post(URL, payload(), format="json").status_code == 201
    other = make_user("ketnoi.khac", Role.INTEGRATION)
    other.delivery_units.set([unit_b])
    client = APIClient()
    client.force_authenticate(other)
    response = client.post(URL, payload(receiving_unit=UNIT_B), format="json")
    assert response.status_code == 409
    assert Record.objects.count() == 1
