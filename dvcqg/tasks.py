"""Celery tasks of the connector (queue ``dvcqg``, see ``CELERY_TASK_ROUTES``) and the receiver
of ``records.signals.record_changed`` that writes the outbox.

The clerk's request never waits for the portal: the receiver only writes a row in the change's
transaction; after commit it queues ``dvcqg.deliver_record`` on the broker (a worker pushes), and
the beat sweep ``dvcqg.sweep`` (every ``DVCQG_SWEEP_SECONDS``) delivers whatever is due:
messages whose queueing failed, retries after back-off, failed messages. Without a broker (the
embedded default, tasks eager) nothing is pushed from the request: ``manage.py dvcqg_deliver``
runs the sweep in a loop beside ``make run``.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from dvcqg import outbox
from dvcqg.client import delivery_enabled
from records.lifecycle import ACTIONS

logger = logging.getLogger(__name__)

TASK_OPTIONS = {"acks_late": True, "ignore_result": True}


@shared_task(name="dvcqg.deliver_record", **TASK_OPTIONS)
def deliver_record(record_id: int) -> int:
    """Push the record's due messages in order; returns how many were sent."""
    if not delivery_enabled():
        return 0
    return outbox.deliver_record(record_id)


@shared_task(name="dvcqg.sweep", **TASK_OPTIONS)
def sweep() -> int:
    """Every minute (beat): deliver every message that is due, failed ones included."""
    if not delivery_enabled():
        return 0
    sent = outbox.deliver_due()
    if sent:
        logger.info("National portal sweep: %s messages sent", sent)
    return sent


def write_sync_message(*, record, action, at, **_signal) -> None:
    """The receiver of ``records.signals.record_changed`` (connected in ``DvcqgConfig.ready``),
    inside the transaction of the change: write the record's next message, and after commit
    queue its delivery."""
    if ACTIONS[action].internal or not outbox.syncs(record):
        return  # the chain of officers' internal steps stay in the unit
    outbox.write_message(record=record, action=action, at=at)
    transaction.on_commit(lambda: queue_delivery(record.pk), robust=True)


def queue_delivery(record_id: int) -> None:
    """Queue the record's delivery on the broker; never in the request itself. Without a
    broker (eager tasks), or with delivery off, the sweep delivers; a broker error is logged
    and the sweep delivers too."""
    if not delivery_enabled() or deliver_record.app.conf.task_always_eager:
        return
    try:
        deliver_record.delay(record_id)
    except Exception as error:  # noqa: BLE001 - whatever the broker raised, log and go on
        logger.warning(
            "Delivery of record %s to the national portal not queued (%s); the sweep sends it.",
            record_id,
            type(error).__name__,
        )
