"""The outbox rules on the in-process path (SQLite or PostgreSQL, no worker): which changes
write which messages, exactly one per history event and channel, their text (code, status,
link; never the applicant's identity), the cost of a change with nothing to send, sending
once, failures kept with back-off."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notify import outbox
from notify.catalogue import active_templates
from notify.defaults import default_templates
from notify.models import Notification, NotificationState, NotificationTemplate, NotifyEvent
from notify.rendering import build_context, check_template, render
from records import services
from records.calendar import WorkingCalendar
from records.public import record_for_token
from tests.helpers import APPLICANT, receive

pytestmark = pytest.mark.django_db

CONTACT = {**APPLICANT, "applicant_email": "an.nguyen@example.vn"}
ALL = {"notify_sms": True, "notify_zalo": True, "notify_email": True}


def personal_values(record):
    return [
        record.applicant_id_number,
        record.applicant_phone,
        record.applicant_email,
        record.applicant_name,
        "0912 345 678",
        "912345678",
        record.applicant_address,
    ]


def messages_of(record):
    return list(record.notifications.order_by("id"))


def test_every_event_and_channel_has_an_active_default_template(templates):
    pairs = {(t.event, t.channel) for t in NotificationTemplate.objects.filter(active=True)}
    assert pairs == {(e, c) for e in NotifyEvent.values for c in ("sms", "zalo", "email")}
    assert len(default_templates()) == 24
    for template in NotificationTemplate.objects.all():
        assert check_template(template.body) == "" and check_template(template.subject) == ""
        for name in ("code", "link"):
            assert "{{ " + name + " }}" in template.body


def test_a_receipt_writes_one_message_per_opted_in_channel(templates, clerk_a, unit_a):
    record = receive(clerk_a, unit_a, applicant=CONTACT, notify_sms=True, notify_email=True)
    rows = messages_of(record)
    assert [(n.event, n.action, n.channel) for n in rows] == [
        ("received", "receive", "sms"),
        ("received", "receive", "email"),
    ]
    assert all(n.state == NotificationState.PENDING and n.attempts == 0 for n in rows)
    sms, email = rows
    assert record.code in sms.body and record.due_date.strftime("%d/%m/%Y") in sms.body
    assert record.code in email.subject
    # The link opens this record's public status.
    link = next(word for word in sms.body.split() if "/tra-cuu/" in word)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert record_for_token(token) == record


def test_the_lifecycle_events_the_citizen_is_told_about(templates, clerk_a, unit_a):
    record = receive(clerk_a, unit_a, applicant=CONTACT, notify_zalo=True)
    record = services.record_process(record=record, actor=clerk_a)  # not told
    record = services.record_request_supplement(
        record=record, actor=clerk_a, reason="Thiếu bản sao giấy chứng sinh"
    )
    record = services.record_supplement(record=record, actor=clerk_a)  # not told
    record = services.record_request_payment(record=record, actor=clerk_a, amount=50000)
    record = services.record_paid(record=record, actor=clerk_a)
    new_date = WorkingCalendar().add_working_days(record.current_due_date, 3)
    record = services.record_extend(
        record=record, actor=clerk_a, new_due_date=new_date, reason="Chờ xác minh"
    )
    record = services.record_resolve(record=record, actor=clerk_a)
    record = services.record_return(record=record, actor=clerk_a, method="counter")
    rows = messages_of(record)
    assert [n.event for n in rows] == [
        "received",
        "supplement",
        "payment",
        "extended",
        "result_ready",
        "returned",
    ]
    assert {n.channel for n in rows} == {"zalo"}
    by_event = {n.event: n.body for n in rows}
    assert "Thiếu bản sao giấy chứng sinh" in by_event["supplement"]
    assert "50.000" in by_event["payment"]
    assert new_date.strftime("%d/%m/%Y") in by_event["extended"]
    assert "Chờ xác minh" in by_event["extended"]
    assert unit_a.hq_address in by_event["result_ready"]
    assert len({n.history_event_id for n in rows}) == 6


def test_an_online_submission_refused_and_one_asked_to_complete(
    templates, clerk_a, unit_a, integration
):
    first = services.record_submit(
        actor=integration,
        procedure="ho-tich-khai-sinh-da-co-giay-to",
        receiving_unit=unit_a,
        applicant=CONTACT,
        national_dossier_no="G22.99-1",
        notify_sms=True,
    )
    services.record_refuse(record=first, actor=clerk_a, reason="Sai thủ tục")
    second = services.record_submit(
        actor=integration,
        procedure="ho-tich-khai-sinh-da-co-giay-to",
        receiving_unit=unit_a,
        applicant=CONTACT,
        national_dossier_no="G22.99-2",
        notify_email=True,
    )
    services.record_request_completion(record=second, actor=clerk_a, reason="Thiếu tờ khai")
    assert [(n.event, n.channel) for n in messages_of(first)] == [
        ("submitted", "sms"),
        ("refused", "sms"),
    ]
    refused = messages_of(first)[1].body
    assert "G22.99-1" in refused and "Sai thủ tục" in refused
    assert [n.event for n in messages_of(second)] == ["submitted", "supplement"]
    assert "Thiếu tờ khai" in messages_of(second)[1].body


def test_postal_records_are_told_of_their_receipt_and_delivery(templates, post_staff_a, clerk_a):
    record = services.postal_receive(
        actor=post_staff_a, procedure="ho-tich-khai-tu", applicant=CONTACT, notify_sms=True
    )
    record = services.record_resolve(record=record, actor=clerk_a)
    record = services.record_take_over(record=record, actor=post_staff_a)
    services.record_deliver(
        record=record, actor=post_staff_a, recipient_name="Chính chủ", place="home"
    )
    assert [n.event for n in messages_of(record)] == ["received", "result_ready", "returned"]
    assert "Vietnam Post" in messages_of(record)[1].body or "Bưu" in messages_of(record)[1].body


def test_no_message_carries_the_applicants_identity(templates, clerk_a, unit_a):
    record = receive(clerk_a, unit_a, applicant=CONTACT, **ALL)
    record = services.record_request_supplement(record=record, actor=clerk_a, reason="Thiếu")
    record = services.record_supplement(record=record, actor=clerk_a)
    record = services.record_resolve(record=record, actor=clerk_a)
    services.record_return(record=record, actor=clerk_a, method="counter")
    rows = messages_of(record)
    assert len(rows) == 4 * 3
    for notification in rows:
        text = notification.subject + "\n" + notification.body
        for value in personal_values(record):
            assert value not in text, (notification.event, notification.channel)


def test_a_repeated_write_gives_no_second_message(templates, clerk_a, unit_a):
    record = receive(clerk_a, unit_a, applicant=CONTACT, notify_sms=True)
    event = record.events.get(action="receive")
    again = outbox.write_notifications(record=record, action="receive", event=event)
    assert again == []
    assert record.notifications.count() == 1


def test_inactive_templates_and_unchosen_channels_send_nothing(templates, clerk_a, unit_a):
    NotificationTemplate.objects.filter(channel="sms").update(active=False)
    record = receive(clerk_a, unit_a, applicant=CONTACT, notify_sms=True)
    assert not record.notifications.exists()
    record = receive(clerk_a, unit_a, applicant=CONTACT)
    assert not record.notifications.exists()


def test_a_change_with_no_active_template_costs_no_query(
    templates, clerk_a, unit_a, django_assert_num_queries
):
    NotificationTemplate.objects.filter(channel="sms").update(active=False)
    opted_in = receive(clerk_a, unit_a, applicant=CONTACT, notify_sms=True)
    opted_out = receive(clerk_a, unit_a, applicant=CONTACT)
    active_templates()  # warm: the process has read the templates once
    event = opted_in.events.get()
    with django_assert_num_queries(0):
        outbox.write_notifications(record=opted_in, action="receive", event=event)
        outbox.write_notifications(record=opted_out, action="receive", event=event)
    # A whole change of an opted-in record costs what the same change of one that is not.
    with CaptureQueriesContext(connection) as with_channel:
        services.record_process(record=opted_in, actor=clerk_a)
    with CaptureQueriesContext(connection) as without:
        services.record_process(record=opted_out, actor=clerk_a)
    assert len(with_channel) == len(without)
    with CaptureQueriesContext(connection) as with_channel:
        services.record_resolve(record=opted_in, actor=clerk_a)
    with CaptureQueriesContext(connection) as without:
        services.record_resolve(record=opted_out, actor=clerk_a)
    assert len(with_channel) == len(without)
    assert not opted_in.notifications.exists()


def test_editing_a_template_is_seen_at_once(templates, clerk_a, unit_a):
    NotificationTemplate.objects.filter(channel="sms").update(active=False)
    active_templates()
    template = NotificationTemplate.objects.get(event="received", channel="sms")
    template.active = True
    template.body = "Ho so {{ code }} da tiep nhan. {{ link }}"
    template.save()  # post_save empties the cache
    record = receive(clerk_a, unit_a, applicant=CONTACT, notify_sms=True)
    assert record.notifications.get().body.startswith(f"Ho so {record.code} da tiep nhan. http")


def test_a_template_that_cannot_render_is_refused(templates):
    template = NotificationTemplate.objects.get(event="received", channel="sms")
    template.body = "Ho so {{ code } {% if %}"
    with pytest.raises(Exception) as excinfo:
        template.full_clean()
    assert "body" in excinfo.value.message_dict
    # Nothing but the fixed context can be printed: no object to walk into, no include.
    assert "{% include" not in template.body
    assert check_template('{% include "base.html" %}') != ""


def test_the_context_holds_only_public_strings(templates, clerk_a, unit_a):
    record = receive(clerk_a, unit_a, applicant=CONTACT)
    context = build_context(record, record.events.get())
    assert all(isinstance(value, str) for value in context.values())
    assert render("{{ record.applicant_name }}{{ applicant_name }}", context) == ""


def test_the_default_sms_stays_short(templates, clerk_a, unit_a, settings):
    settings.PUBLIC_BASE_URL = "https://dichvucong.hue.gov.vn"
    record = receive(clerk_a, unit_a, applicant=CONTACT, notify_sms=True)
    record = services.record_request_supplement(
        record=record, actor=clerk_a, reason="Thiếu bản sao giấy khai sinh của người mất"
    )
    for notification in record.notifications.all():
        assert len(notification.body) <= 320, notification.body


# --- Sending in-process (the embedded default's local backends) -----------------------------


def test_sending_once_even_when_asked_twice(templates, clerk_a, unit_a, settings, tmp_path):
    settings.NOTIFY_FILE_DIR = tmp_path
    record = receive(clerk_a, unit_a, applicant=CONTACT, notify_sms=True, notify_email=True)
    sms, email = messages_of(record)
    assert outbox.send_one(sms.pk) == "sent"
    assert outbox.send_one(sms.pk) == "done"
    assert outbox.send_one(email.pk) == "sent"
    assert outbox.send_due() == 0
    lines = (tmp_path / "sms.jsonl").read_text().splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    assert line["to"] == "0912345678" and line["key"] == sms.key and line["text"] == sms.body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["an.nguyen@example.vn"]
    assert mail.outbox[0].extra_headers["X-Notification-Key"] == email.key
    sms.refresh_from_db()
    assert sms.state == NotificationState.SENT and sms.attempts == 1 and sms.sent_at


def test_after_commit_a_local_message_is_sent_in_process(
    templates, clerk_a, unit_a, settings, tmp_path, eager, django_capture_on_commit_callbacks
):
    settings.NOTIFY_FILE_DIR = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        record = receive(clerk_a, unit_a, applicant=CONTACT, notify_zalo=True)
    assert record.notifications.get().state == NotificationState.SENT
    assert len((tmp_path / "zalo.jsonl").read_text().splitlines()) == 1


def test_a_gateway_down_keeps_the_message_with_back_off(templates, clerk_a, unit_a, settings):
    settings.NOTIFY_SMS_BACKEND = "http"
    settings.NOTIFY_SMS_URL = "http://127.0.0.1:9/sms"  # discard port: refused
    settings.NOTIFY_SMS_TIMEOUT = 2
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    settings.NOTIFY_MAX_ATTEMPTS = 2
    record = receive(clerk_a, unit_a, applicant=CONTACT, notify_sms=True)
    version = record.version
    notification = record.notifications.get()
    now = timezone.now()
    assert outbox.send_one(notification.pk, now=now) == "failed"
    notification.refresh_from_db()
    assert notification.state == NotificationState.PENDING and notification.attempts == 1
    assert notification.last_error.startswith("connection failed")
    assert notification.next_attempt_at == now + timedelta(seconds=60)
    assert outbox.send_one(notification.pk, now=now) == "later"
    assert outbox.send_due(now) == 0
    later = now + timedelta(seconds=61)
    assert outbox.send_one(notification.pk, now=later) == "failed"
    notification.refresh_from_db()
    assert notification.state == NotificationState.FAILED and notification.attempts == 2
    assert notification.next_attempt_at == later + timedelta(seconds=120)
    record.refresh_from_db()
    assert record.version == version  # sending never touches the record
    for value in personal_values(record):
        assert value not in notification.last_error


def test_a_gateway_without_url_keeps_messages_pending(templates, clerk_a, unit_a, settings):
    settings.NOTIFY_SMS_BACKEND = "http"
    settings.NOTIFY_SMS_URL = ""
    record = receive(clerk_a, unit_a, applicant=CONTACT, notify_sms=True)
    notification = record.notifications.get()
    assert outbox.send_one(notification.pk) == "off"
    notification.refresh_from_db()
    assert notification.state == NotificationState.PENDING and notification.attempts == 0


def test_a_contact_removed_since_is_a_failure_not_a_crash(templates, clerk_a, unit_a):
    record = receive(clerk_a, unit_a, applicant=CONTACT, notify_email=True)
    type(record).objects.filter(pk=record.pk).update(applicant_email="")
    notification = record.notifications.get()
    assert outbox.send_one(notification.pk) == "failed"
    notification.refresh_from_db()
    assert notification.last_error == "no recipient on the record"
    assert Notification.objects.filter(state=NotificationState.SENT).count() == 0
