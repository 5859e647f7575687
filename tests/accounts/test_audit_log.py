"""The personal-data access log: who read or exported whose ID or phone, browsable by the
city office in the admin and never editable there."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from records.models import PersonalDataAccess
from tests.helpers import APPLICANT, receive

pytestmark = pytest.mark.django_db


def test_city_office_browses_who_read_whose_identifiers(client, clerk_a, unit_a, city_office):
    record = receive(clerk_a, unit_a)
    api = APIClient()
    api.force_authenticate(clerk_a)
    assert api.get(f"/api/v1/records/{record.code}/").status_code == 200
    access = PersonalDataAccess.objects.get()

    client.force_login(city_office)
    changelist = reverse("admin:records_personaldataaccess_changelist")
    page = client.get(changelist, {"q": record.code}).content.decode()
    assert clerk_a.username in page and record.code in page
    assert APPLICANT["applicant_id_number"] not in page  # the log names fields, not values
    assert client.get(changelist, {"q": "nobody"}).context["cl"].result_count == 0

    detail = reverse("admin:records_personaldataaccess_change", args=[access.pk])
    assert client.get(detail).status_code == 200  # view only
    assert client.post(detail, {"via": "ui"}).status_code == 403
    delete = reverse("admin:records_personaldataaccess_delete", args=[access.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert PersonalDataAccess.objects.get().via == "api"
