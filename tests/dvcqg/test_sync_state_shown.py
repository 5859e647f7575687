"""A record's sync state with the national portal on the clerk's record page and in the API
record detail, through ``records.extensions`` (the records import nothing of dvcqg)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from dvcqg.models import SyncMessage, SyncState
from records import services
from tests.helpers import APPLICANT, receive

pytestmark = pytest.mark.django_db


def api_detail(user, code):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/v1/records/{code}/")
    assert response.status_code == 200
    return response.json()


def test_the_api_detail_shows_the_sync_state(clerk_a, city_office, unit_a):
    record = receive(clerk_a, unit_a, channel=2)
    sync = api_detail(clerk_a, record.code)["extras"]["sync"]
    assert (sync["state"], sync["messages"], sync["unsent"]) == ("pending", 2, 2)
    SyncMessage.objects.filter(record=record, sequence=1).update(state=SyncState.SENT)
    SyncMessage.objects.filter(record=record, sequence=2).update(
        state=SyncState.FAILED, attempts=8, last_error="HTTP 503"
    )
    sync = api_detail(city_office, record.code)["extras"]["sync"]
    assert (sync["state"], sync["attempts"], sync["last_error"], sync["unsent"]) == (
        "failed",
        8,
        "HTTP 503",
        1,
    )
    in_person = receive(clerk_a, unit_a, channel=1)
    assert api_detail(clerk_a, in_person.code)["extras"]["sync"]["state"] == "pending"


def test_the_record_page_shows_the_sync_state(client, clerk_a, unit_a):
    record = receive(clerk_a, unit_a, channel=2)
    client.force_login(clerk_a)
    url = reverse("records:detail", kwargs={"code": record.code})
    page = client.get(url).content.decode()
    assert 'data-testid="sync-state" data-state="pending"' in page
    SyncMessage.objects.filter(record=record).update(
        state=SyncState.FAILED, attempts=3, last_error="connection failed: refused"
    )
    page = client.get(url).content.decode()
    assert 'data-state="failed"' in page
    assert "Đồng bộ lỗi" in page and "connection failed: refused" in page  # in Vietnamese
    SyncMessage.objects.filter(record=record).update(state=SyncState.SENT)
    assert 'data-state="synced"' in client.get(url).content.decode()
    in_person = receive(clerk_a, unit_a, channel=1)
    page = client.get(reverse("records:detail", kwargs={"code": in_person.code}))
    assert 'data-testid="sync-state" data-state="pending"' in page.content.decode()


def test_the_submission_page_shows_the_sync_state_of_its_submission(client, clerk_a, unit_a):
    """An online submission has a sync message from its submission on: its page says so."""
    submission = services.record_submit(
        actor=None,
        procedure="ho-tich-khai-sinh-da-co-giay-to",
        receiving_unit=unit_a,
        applicant=APPLICANT,
        national_dossier_no="G22.19753-SYNC-00001",
    )
    client.force_login(clerk_a)
    page = client.get(reverse("records:submission", kwargs={"public_id": submission.public_id}))
    assert 'data-testid="sync-state" data-state="pending"' in page.content.decode()
