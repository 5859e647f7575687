"""The outbox of the notifications: write one ``Notification`` per history event and opted-in
channel with an active template (inside the change's transaction), send each afterwards, and
count them for the city office.

Sending one (``send_one``): lock its row with ``SELECT … FOR UPDATE SKIP LOCKED`` (another
worker holding it is sending it: this one stops); skip it when already sent, so a repeated
task sends nothing twice; wait while its back-off runs; read the recipient from the record
(never locked, never changed); send; on success mark it sent; on failure count the attempt,
keep the reason, set the next attempt by exponential back-off and after
``NOTIFY_MAX_ATTEMPTS`` mark it failed (the sweep still retries it at the longest wait).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from notify import adapters
from notify.catalogue import active_templates
from notify.events import ACTION_EVENTS
from notify.models import Notification, NotificationState, NotifyChannel
from notify.rendering import build_context, render
from records.models import Record

logger = logging.getLogger(__name__)

RECIPIENT_FIELDS = {
    NotifyChannel.SMS: "applicant_phone",
    NotifyChannel.ZALO: "applicant_phone",
    NotifyChannel.EMAIL: "applicant_email",
}


def write_notifications(*, record, action: str, event) -> list[Notification]:
    """The notifications of one change (call inside its transaction). Decided from what is
    in memory — the action, the record's channels and the cached active templates — so a
    change with nothing to send costs no query."""
    kind = ACTION_EVENTS.get(action)
    if kind is None or event is None:
        return []
    channels = record.notify_channels
    if not channels:
        return []
    templates = active_templates()
    chosen = [templates[(kind, ch)] for ch in channels if (kind, ch) in templates]
    if not chosen:
        return []
    try:
        context = build_context(record, event)
        texts = [(t, render(t.subject, context), render(t.body, context)) for t in chosen]
    except Exception as error:  # noqa: BLE001 - a bad template never fails the change
        logger.warning(
            "Notification of event %s not written: template error %s", event.pk, type(error)
        )
        return []
    written = []
    for template, subject, body in texts:
        if not body:
            continue
        try:
            with transaction.atomic():  # a savepoint: a duplicate never fails the change
                written.append(
                    Notification.objects.create(
                        record=record,
                        history_event=event,
                        event=kind,
                        action=action,
                        channel=template.channel,
                        subject=subject[:255],
                        body=body,
                    )
                )
        except IntegrityError:
            continue  # this event already has its message on this channel
    return written


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt after ``attempts`` failures: base × 2^(attempts-1), capped."""
    base = settings.NOTIFY_RETRY_BASE_SECONDS
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.NOTIFY_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def _recipient(notification: Notification) -> str:
    field = RECIPIENT_FIELDS[notification.channel]
    value = Record.objects.filter(pk=notification.record_id).values_list(field, flat=True).first()
    return value or ""


def _fail(notification: Notification, reason: str, now: datetime) -> None:
    notification.attempts += 1
    notification.last_error = reason[:300]
    notification.next_attempt_at = now + backoff(notification.attempts)
    if notification.attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        notification.state = NotificationState.FAILED
    notification.save(update_fields=["attempts", "last_error", "next_attempt_at", "state"])
    logger.warning(
        "Notification %s (%s) not sent, attempt %s: %s",
        notification.pk,
        notification.channel,
        notification.attempts,
        notification.last_error,
    )


def send_one(notification_id: int, *, now: datetime | None = None) -> str:
    """Try one notification once: ``"sent"``, ``"failed"`` (this attempt failed),
    ``"done"`` (already sent, or gone), ``"busy"`` (another worker holds it), ``"later"``
    (its back-off runs) or ``"off"`` (its channel is turned off)."""
    now = now or timezone.now()
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            exists = Notification.objects.filter(pk=notification_id).exists()
            return "busy" if exists else "done"
        if notification.state == NotificationState.SENT:
            return "done"
        if notification.next_attempt_at and notification.next_attempt_at > now:
            return "later"
        if not adapters.enabled(notification.channel):
            return "off"
        recipient = _recipient(notification)
        if not recipient:
            _fail(notification, "no recipient on the record", now)
            return "failed"
        try:
            adapters.send(
                channel=notification.channel,
                to=recipient,
                subject=notification.subject,
                body=notification.body,
                key=notification.key,
            )
        except adapters.SendError as error:
            _fail(notification, str(error), now)
            return "failed"
        notification.attempts += 1
        notification.state = NotificationState.SENT
        notification.sent_at = timezone.now()
        notification.next_attempt_at = None
        notification.save(update_fields=["attempts", "state", "sent_at", "next_attempt_at"])
    return "sent"


def due(now: datetime | None = None) -> list[int]:
    """Notifications not sent whose next attempt is due, oldest first."""
    now = now or timezone.now()
    return list(
        Notification.objects.exclude(state=NotificationState.SENT)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("id")
        .values_list("pk", flat=True)
    )


def send_due(now: datetime | None = None) -> int:
    """The sweep: try every due notification once; returns how many were sent."""
    return sum(send_one(pk, now=now) == "sent" for pk in due(now))


def retry_now(notifications) -> list[int]:
    """Make ``notifications`` (not sent) due now; returns their ids for the caller to queue."""
    ids = [n.pk for n in notifications if n.state != NotificationState.SENT]
    Notification.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    return ids
