"""The city office's delivery counts per channel (sent / pending / failed) for a period, with
the latest errors and no personal data; the admin for the templates and the outbox."""

import pytest
from django.urls import reverse

from notify.models import Notification, NotificationState, NotificationTemplate
from tests.helpers import APPLICANT, receive

pytestmark = pytest.mark.django_db

CONTACT = {**APPLICANT, "applicant_email": "an.nguyen@example.vn"}


@pytest.fixture
def outbox_rows(templates, clerk_a, unit_a):
    record = receive(clerk_a, unit_a, applicant=CONTACT, notify_sms=True, notify_email=True)
    other = receive(clerk_a, unit_a, applicant=CONTACT, notify_sms=True)
    sms, email = record.notifications.order_by("id")
    Notification.objects.filter(pk=sms.pk).update(state=NotificationState.SENT)
    Notification.objects.filter(pk=email.pk).update(
        state=NotificationState.FAILED, attempts=6, last_error="SMTP 550"
    )
    Notification.objects.filter(record=other).update(attempts=1, last_error="HTTP 503")
    return record, other


def test_the_city_office_reads_counts_and_errors(client, city_office, outbox_rows):
    client.force_login(city_office)
    home = client.get(reverse("home")).content.decode()
    assert reverse("notify:deliveries") in home
    response = client.get(reverse("notify:deliveries"))
    assert response.status_code == 200
    counts = {
        row.channel: (row.sent, row.pending, row.failed) for row in response.context["counts"]
    }
    assert counts == {"sms": (1, 1, 0), "zalo": (0, 0, 0), "email": (0, 0, 1)}
    page = response.content.decode()
    assert "SMTP 550" in page and "HTTP 503" in page
    record = outbox_rows[0]
    for value in (
        record.applicant_name,
        record.applicant_id_number,
        record.applicant_phone,
        record.applicant_email,
    ):
        assert value not in page


def test_a_period_without_messages_and_a_bad_period(client, city_office, outbox_rows):
    client.force_login(city_office)
    response = client.get(
        reverse("notify:deliveries"), {"date_from": "2025-07-01", "date_to": "2025-07-11"}
    )
    assert response.status_code == 200
    assert all(row.total == 0 for row in response.context["counts"])
    assert 'data-testid="no-errors"' in response.content.decode()
    bad = client.get(
        reverse("notify:deliveries"), {"date_from": "2025-07-11", "date_to": "2025-07-01"}
    )
    assert bad.status_code == 400
    assert "Kỳ không thể bắt đầu sau ngày kết thúc." in bad.content.decode()


def test_only_the_city_office_and_administrators(client, clerk_a, leader_a, admin_user):
    for user, status in ((clerk_a, 403), (leader_a, 403), (admin_user, 200)):
        client.force_login(user)
        assert client.get(reverse("notify:deliveries")).status_code == status
    client.logout()
    assert client.get(reverse("notify:deliveries")).status_code == 302


def test_the_city_office_edits_a_template_in_the_admin(client, city_office, templates):
    client.force_login(city_office)
    template = NotificationTemplate.objects.get(event="received", channel="sms")
    url = reverse("admin:notify_notificationtemplate_change", args=[template.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"active": "on", "subject": "", "body": "Ho so {% if code %}"})
    assert response.status_code == 200  # the form again, with the error
    assert "body" in response.context["adminform"].form.errors
    response = client.post(url, {"subject": "", "body": "Ho so {{ code }} da nhan. {{ link }}"})
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.active is False and template.body.startswith("Ho so {{ code }}")


def test_the_outbox_admin_lists_the_messages(client, city_office, outbox_rows):
    client.force_login(city_office)
    response = client.get(reverse("admin:notify_notification_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "SMTP 550" in page
    assert outbox_rows[0].applicant_phone not in page
