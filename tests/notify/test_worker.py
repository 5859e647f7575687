"""Notifications in the production shape: record changes committed in this process, a real
Celery worker consuming the ``notify`` queue and Celery beat on Redis and PostgreSQL, a real
SMTP server (aiosmtpd) receiving the e-mails and a local HTTP gateway receiving SMS and Zalo.
Exactly one message per opted-in channel and event arrives, through a gateway answering 503
and then down, and a repeated task sends nothing twice."""

import re
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection

from core import processes
from hue_admin.celery import app
from notify.models import Notification, NotificationState
from notify.tasks import send
from records import services
from tests.helpers import (
    APPLICANT,
    ON_POSTGRES,
    receive,
    redis_available,
    require_service,
    wait_for_processes,
)
from tests.notify.standins import Gateway, SmtpServer

WAIT_SECONDS = 60
CONTACT = {**APPLICANT, "applicant_email": "an.nguyen@example.vn"}
ALL = {"notify_sms": True, "notify_zalo": True, "notify_email": True}


def expected_keys(record, channel):
    return sorted(
        n.key for n in Notification.objects.filter(record=record, channel=channel).order_by("id")
    )


@pytest.fixture
def providers():
    smtp = SmtpServer().start()
    gateway = Gateway().start()
    yield smtp, gateway
    gateway.stop()
    smtp.stop()


@pytest.fixture
def portal(tmp_path, providers, templates):
    """Worker (queues celery, dvcqg, notify) and beat with SMTP and the gateway configured."""
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")
    require_service(redis_available(), "Redis (REDIS_URL=redis://...)")
    smtp, gateway = providers
    env = processes.portal_env(
        database_url=processes.database_url(connection.settings_dict),
        redis_url=django_settings.REDIS_URL,
        EMAIL_BACKEND="smtp",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
        EMAIL_TIMEOUT="3",
        NOTIFY_SMS_BACKEND="http",
        NOTIFY_SMS_URL=gateway.url("sms"),
        NOTIFY_SMS_TOKEN=gateway.token,
        NOTIFY_SMS_TIMEOUT="2",
        NOTIFY_ZALO_BACKEND="http",
        NOTIFY_ZALO_URL=gateway.url("zalo"),
        NOTIFY_ZALO_TOKEN=gateway.token,
        NOTIFY_ZALO_TIMEOUT="2",
        NOTIFY_RETRY_BASE_SECONDS="1",
        NOTIFY_RETRY_MAX_SECONDS="2",
        NOTIFY_MAX_ATTEMPTS="3",
        NOTIFY_SWEEP_SECONDS="1",
    )
    app.control.purge()
    worker = processes.start_celery_worker(
        env, tmp_path / "worker.log", queues="celery,dvcqg,notify"
    )
    beat = processes.start_celery_beat(env, tmp_path / "beat.log")
    try:
        yield smtp, gateway, [worker.log, beat.log]
    finally:
        beat.stop()
        worker.stop()


def wait_for(condition, what, logs):
    wait_for_processes(condition, what, logs, WAIT_SECONDS)


def all_sent(records):
    rows = Notification.objects.filter(record__in=records)
    return rows.exists() and not rows.exclude(state=NotificationState.SENT).exists()


def check_no_identity(record, texts):
    for text in texts:
        for value in (
            record.applicant_id_number,
            record.applicant_name,
            record.applicant_phone,
            record.applicant_email,
            record.applicant_address,
        ):
            assert value not in text


@pytest.mark.slow  # real worker, beat, SMTP server and gateway
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_message_per_channel_and_event_through_a_real_worker(portal, clerk_a, unit_a):
    smtp, gateway, logs = portal
    record = receive(clerk_a, unit_a, applicant=CONTACT, **ALL)
    other = receive(clerk_a, unit_a, applicant=CONTACT, notify_sms=True)
    record = services.record_request_supplement(
        record=record, actor=clerk_a, reason="Thiếu bản sao giấy chứng sinh"
    )
    record = services.record_supplement(record=record, actor=clerk_a)
    record = services.record_resolve(record=record, actor=clerk_a)
    record = services.record_return(record=record, actor=clerk_a, method="counter")
    wait_for(lambda: all_sent([record, other]), "every notification sent", logs)
    time.sleep(3)  # several sweeps more: nothing may come twice

    events = ["received", "supplement", "result_ready", "returned"]
    for channel in ("sms", "zalo", "email"):
        rows = Notification.objects.filter(record=record, channel=channel).order_by("id")
        assert [n.event for n in rows] == events
    assert sorted(gateway.accepted_keys("sms")) == sorted(
        expected_keys(record, "sms") + expected_keys(other, "sms")
    )
    assert sorted(gateway.accepted_keys("zalo")) == expected_keys(record, "zalo")
    assert len(gateway.requests) == len(gateway.accepted) == 9  # no retry was needed
    assert sorted(m.key for m in smtp.messages) == expected_keys(record, "email")
    assert all(m.to == ["an.nguyen@example.vn"] for m in smtp.messages)
    assert all(row["to"] == "0912345678" for row in gateway.accepted)
    assert all(row["auth"] == f"Bearer {gateway.token}" for row in gateway.accepted)
    check_no_identity(record, [m.subject + m.body for m in smtp.messages])
    check_no_identity(record, [row["text"] for row in gateway.accepted])
    supplement = next(m for m in smtp.messages if "bổ sung" in m.subject)
    assert record.code in supplement.subject and "Thiếu bản sao giấy chứng sinh" in supplement.body
    assert re.search(r"/tra-cuu/s/[\w.-]+/", supplement.body)

    # A repeat of a task that already ran sends nothing twice.
    sent = Notification.objects.filter(record=record, channel="sms").first()
    repeat = send.delay(sent.pk)
    wait_for(
        lambda: f"notify.send[{repeat.id}] succeeded" in logs[0].read_text(),
        "the repeated task to run",
        logs,
    )
    assert gateway.accepted_keys("sms").count(sent.key) == 1
    assert len(gateway.requests) == 9


@pytest.mark.slow  # real worker, beat, SMTP server and gateway
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_gateway_down_never_holds_the_record_and_delivers_once_back(portal, clerk_a, unit_a):
    smtp, gateway, logs = portal
    gateway.status = 503
    started = time.monotonic()
    record = receive(clerk_a, unit_a, applicant=CONTACT, **ALL)
    record = services.record_process(record=record, actor=clerk_a)
    assert time.monotonic() - started < 5  # the change never waits for a provider
    wait_for(
        lambda: Notification.objects.filter(
            record=record, channel="sms", attempts__gte=1, last_error="HTTP 503"
        ).exists(),
        "a failed attempt kept",
        logs,
    )
    # The gateway stops answering at all; the record still changes at once.
    gateway.stop()
    started = time.monotonic()
    record = services.record_request_payment(record=record, actor=clerk_a, amount=50000)
    assert time.monotonic() - started < 5
    wait_for(lambda: len(smtp.messages) == 2, "the e-mails, whose server is up, sent", logs)
    wait_for(
        lambda: Notification.objects.filter(
            record=record, channel="zalo", last_error__startswith="connection failed"
        ).exists(),
        "a refused connection kept",
        logs,
    )
    pending = Notification.objects.filter(record=record).exclude(state=NotificationState.SENT)
    assert pending.count() == 4  # SMS and Zalo of both events
    record.refresh_from_db()
    assert record.status == 6 and record.version == 3  # the record as the clerk left it

    gateway.status = 200
    gateway.start()  # back, on the same port
    wait_for(lambda: all_sent([record]), "every notification sent once the gateway is back", logs)
    time.sleep(3)
    for channel in ("sms", "zalo"):
        assert sorted(gateway.accepted_keys(channel)) == expected_keys(record, channel)
        assert len(expected_keys(record, channel)) == 2
    assert sorted(m.key for m in smtp.messages) == expected_keys(record, "email")
    failed_first = Notification.objects.get(record=record, channel="sms", event="received")
    assert failed_first.attempts >= 2 and failed_first.sent_at is not None
