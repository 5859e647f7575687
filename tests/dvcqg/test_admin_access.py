"""The city office watches the sync messages in the admin and may retry them; a clerk may not."""

import pytest

from dvcqg.models import SyncMessage
from tests.helpers import receive

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/dvcqg/syncmessage/"


def test_the_city_office_sees_and_retries_sync_messages(client, city_office, clerk_a, unit_a):
    record = receive(clerk_a, unit_a, channel=2)
    client.force_login(city_office)

    page = client.get(CHANGELIST)

    assert page.status_code == 200
    assert record.code in page.content.decode()
    assert "retry_now" in page.content.decode()
    assert SyncMessage.objects.filter(record=record).exists()


def test_a_clerk_has_no_sync_admin(client, clerk_a):
    client.force_login(clerk_a)

    assert client.get(CHANGELIST).status_code in {302, 403}
