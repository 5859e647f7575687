"""Celery tasks of the notifications (queue ``notify``, see ``CELERY_TASK_ROUTES``) and the
receiver of ``records.signals.record_changed`` that writes them.

The clerk's request never waits for a provider: the receiver only writes rows in the change's
transaction; after commit it queues ``notify.send`` for each (``robust``: a broker error never
reaches the request), a worker sends, and the beat sweep ``notify.sweep`` (every
``NOTIFY_SWEEP_SECONDS``) sends whatever is due: retries after back-off, failed ones, messages
whose queueing failed. Without a broker (the embedded default, eager tasks) a message on a
local backend (file, console) is sent in-process right after the commit; others wait for
``manage.py notify_send``.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from notify import adapters, outbox

logger = logging.getLogger(__name__)

TASK_OPTIONS = {"acks_late": True, "ignore_result": True}


@shared_task(name="notify.send", **TASK_OPTIONS)
def send(notification_id: int) -> str:
    """Send one notification (nothing if it was sent already)."""
    return outbox.send_one(notification_id)


@shared_task(name="notify.sweep", **TASK_OPTIONS)
def sweep() -> int:
    """Every minute (beat): send every notification that is due, failed ones included."""
    sent = outbox.send_due()
    if sent:
        logger.info("Notifications sweep: %s sent", sent)
    return sent


def write_notifications(*, record, action, event=None, **_signal) -> None:
    """The receiver of ``records.signals.record_changed`` (connected in
    ``NotifyConfig.ready``), inside the change's transaction."""
    written = outbox.write_notifications(record=record, action=action, event=event)
    for notification in written:
        transaction.on_commit(
            lambda pk=notification.pk, channel=notification.channel: queue_send(pk, channel),
            robust=True,
        )


def queue_send(notification_id: int, channel: str) -> None:
    """Queue the sending on the broker; without one, send a local message in-process. A
    broker error is logged and the sweep sends it."""
    if send.app.conf.task_always_eager:
        if adapters.is_local(channel):
            outbox.send_one(notification_id)
        return
    try:
        send.delay(notification_id)
    except Exception as error:  # noqa: BLE001 - whatever the broker raised, log and go on
        logger.warning(
            "Notification %s not queued (%s); the sweep sends it.",
            notification_id,
            type(error).__name__,
        )
