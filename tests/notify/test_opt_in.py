"""Opting in per channel at receipt, in every intake: e-mail needs the e-mail address, SMS
and Zalo the phone; a choice that cannot be sent is a field error (form) or a 400 (API), and
nothing is saved."""

import copy

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from dvcqg.api import EXAMPLE
from records import services
from records.models import Record
from tests.helpers import APPLICANT

pytestmark = pytest.mark.django_db

EMAIL_NEEDED = "Thông báo qua thư điện tử cần địa chỉ thư điện tử của người nộp."
SMS_NEEDED = "Thông báo qua SMS cần số điện thoại di động của người nộp."
ZALO_NEEDED = "Thông báo qua Zalo cần số điện thoại di động của người nộp."


def test_the_desk_service_records_the_channels_chosen(clerk_a, unit_a):
    record = services.record_create_at_desk(
        actor=clerk_a,
        procedure="ho-tich-khai-tu",
        receiving_unit=unit_a,
        channel=1,
        applicant={**APPLICANT, "applicant_email": "an@example.vn"},
        notify_sms=True,
        notify_email=True,
    )
    record.refresh_from_db()
    assert (record.notify_sms, record.notify_zalo, record.notify_email) == (True, False, True)
    assert record.notify_channels == ("sms", "email")


def test_each_channel_needs_its_contact_and_nothing_is_saved(clerk_a, unit_a):
    applicant = {**APPLICANT, "applicant_phone": ""}  # in person: no phone needed otherwise
    with pytest.raises(ValidationError) as excinfo:
        services.record_create_at_desk(
            actor=clerk_a,
            procedure="ho-tich-khai-tu",
            receiving_unit=unit_a,
            channel=1,
            applicant=applicant,
            notify_sms=True,
            notify_zalo=True,
            notify_email=True,
        )
    assert excinfo.value.message_dict == {
        "notify_sms": [SMS_NEEDED],
        "notify_zalo": [ZALO_NEEDED],
        "notify_email": [EMAIL_NEEDED],
    }
    assert not Record.objects.exists()


def test_the_desk_form_shows_the_error_next_to_the_choice(client, clerk_a):
    client.force_login(clerk_a)
    page = client.get(reverse("records:new")).content.decode()
    assert 'name="notify_sms"' in page and 'name="notify_zalo"' in page
    assert 'name="notify_email"' in page
    response = client.post(
        reverse("records:new"),
        {
            "procedure": "ho-tich-khai-tu",
            "channel": 1,
            **APPLICANT,
            "notify_email": "on",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"notify_email": [EMAIL_NEEDED]}
    assert EMAIL_NEEDED in response.content.decode()
    assert not Record.objects.exists()


def test_the_desk_form_saves_the_choice_and_the_record_page_shows_it(client, clerk_a):
    client.force_login(clerk_a)
    response = client.post(
        reverse("records:new"),
        {"procedure": "ho-tich-khai-tu", "channel": 1, **APPLICANT, "notify_zalo": "on"},
    )
    assert response.status_code == 302
    record = Record.objects.get()
    assert record.notify_channels == ("zalo",)
    page = client.get(reverse("records:detail", kwargs={"code": record.code})).content.decode()
    assert 'data-testid="notify-choice">Zalo<' in page


def test_the_postal_intake_offers_and_checks_the_channels(client, post_staff_a):
    client.force_login(post_staff_a)
    assert 'name="notify_email"' in client.get(reverse("post:intake")).content.decode()
    data = {
        "procedure": "ho-tich-khai-tu",
        "receiving_unit": post_staff_a.agent_point.commune.code,
        "result_delivery": "post",
        **APPLICANT,
    }
    response = client.post(reverse("post:intake"), {**data, "notify_email": "on"})
    assert response.status_code == 400
    assert response.context["form"].errors["notify_email"] == [EMAIL_NEEDED]
    assert not Record.objects.exists()
    response = client.post(reverse("post:intake"), {**data, "notify_sms": "on"})
    assert response.status_code in (200, 302)
    assert Record.objects.get().notify_channels == ("sms",)


def test_the_api_answers_400_with_the_field_message(clerk_a):
    api = APIClient()
    api.force_authenticate(clerk_a)
    body = {"procedure": "ho-tich-khai-tu", "channel": 1, **APPLICANT, "notify_email": True}
    response = api.post("/api/v1/records/", body, format="json")
    assert response.status_code == 400
    assert response.json() == {"notify_email": [EMAIL_NEEDED]}
    assert not Record.objects.exists()
    body = {**body, "notify_email": False, "notify_sms": True}
    response = api.post("/api/v1/records/", body, format="json")
    assert response.status_code == 201, response.content
    detail = api.get(f"/api/v1/records/{response.json()['code']}/").json()
    assert (detail["notify_sms"], detail["notify_zalo"], detail["notify_email"]) == (
        True,
        False,
        False,
    )


@pytest.fixture
def portal(integration):
    api = APIClient()
    api.force_authenticate(integration)
    return api


def submission(**changes):
    data = copy.deepcopy(EXAMPLE)
    data.update(changes)
    return data


def test_the_national_portal_sends_a_list_of_channels(portal, unit_a):
    response = portal.post(
        "/api/v1/dvcqg/submissions/", submission(notify=["zalo", "email"]), format="json"
    )
    assert response.status_code == 201, response.content
    assert Record.objects.get().notify_channels == ("zalo", "email")


def test_the_old_flag_still_means_sms(portal, unit_a):
    data = submission(wants_notifications=True)
    del data["notify"]
    response = portal.post("/api/v1/dvcqg/submissions/", data, format="json")
    assert response.status_code == 201, response.content
    assert Record.objects.get().notify_channels == ("sms",)


def test_a_submission_without_the_email_cannot_choose_email(portal, unit_a):
    data = submission(notify=["email"])
    del data["applicant"]["email"]
    response = portal.post("/api/v1/dvcqg/submissions/", data, format="json")
    assert response.status_code == 400
    assert response.json() == {"notify_email": [EMAIL_NEEDED]}
    assert not Record.objects.exists()
    bad = portal.post("/api/v1/dvcqg/submissions/", submission(notify=["fax"]), format="json")
    assert bad.status_code == 400 and "notify" in bad.json()


def test_the_submission_page_shows_the_choice(client, clerk_a, portal, unit_a):
    portal.post("/api/v1/dvcqg/submissions/", submission(notify=["sms", "email"]), format="json")
    record = Record.objects.get()
    client.force_login(clerk_a)
    page = client.get(
        reverse("records:submission", kwargs={"public_id": record.public_id})
    ).content.decode()
    assert 'data-testid="notify-choice">SMS, thư điện tử<' in page
