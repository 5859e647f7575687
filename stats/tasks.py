"""Celery tasks of the statistics, and the hook that schedules them after a record change.

Tasks are thin: primitive arguments (unit ids, ISO dates), a call to ``stats.services``,
idempotent (upserts), acknowledged late and retried with back-off on named transient errors
only. Without ``REDIS_URL`` they run in-process (eager) through the same code path.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction
from kombu.exceptions import OperationalError as BrokerOperationalError

from records.lifecycle import Figures, Since
from stats import services

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerOperationalError)
TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
    "ignore_result": True,  # nobody reads them; the figures are in DailyStat
}


@shared_task(name="stats.recompute_unit_days", **TASK_OPTIONS)
def recompute_unit_days(
    unit_id: int, date_from: str, date_to: str | None = None, note_ids: list[int] | None = None
) -> int:
    """Recompute one unit's figures from ``date_from`` to ``date_to`` (default: today when
    the task runs), then clear ``note_ids``, the notes of the change that queued it. Returns
    the number of rows written.

    A worker killed mid-run rolls its transaction back (nothing half-written) and leaves the
    notes for the sweep."""
    start = date.fromisoformat(date_from)
    if date_to is None:
        rows = services.recompute_from(unit_ids=[unit_id], date_from=start).rows
    else:
        end = date.fromisoformat(date_to)
        rows = services.compute_daily_stats(date_from=start, date_to=end, unit_ids=[unit_id]).rows
    services.clear_notes(note_ids or [])
    return rows


@shared_task(name="stats.recompute_yesterday", **TASK_OPTIONS)
def recompute_yesterday() -> int:
    """Nightly: yesterday and today for every unit, plus every day of a recompute still
    owed."""
    result = services.recompute_nightly()
    logger.info("Nightly statistics: %s rows from %s", result.rows, result.date_from)
    return result.rows


@shared_task(name="stats.recompute_noted", **TASK_OPTIONS)
def recompute_noted() -> int:
    """Every few minutes (beat): the recomputes still owed (see ``services.recompute_noted``)."""
    result = services.recompute_noted()
    if result.units:
        logger.info("Statistics sweep: %s units from %s", result.units, result.date_from)
    return result.rows


def affected_start(*, record, figures: Figures, at: datetime, data: dict) -> date | None:
    """The first local day whose figures a change of ``record`` at ``at`` can alter, or None
    when it alters none. ``figures`` is the action's effect from the lifecycle table
    (``records.lifecycle.ACTIONS``).

    Finishing, returning, pausing, extending are dated by ``at`` (``Since.ACTION_DAY``); a
    receipt, a refusal or a digitised flag also changes the submission and the receipt day
    (``Since.INTAKE_DAY``: the record stops counting as not accepted, or counts as
    digitised); a correction counts only when it changes one of ``only_if_changed``; the end
    of a pause moves the appointment date, which changes the overdue stock of days since the
    receipt, whatever the action. Every later day's end-of-day stock can change too, so the
    recompute runs from this day to today.
    """
    if figures.only_if_changed and not figures.only_if_changed & set(data.get("fields", ())):
        return None
    moment = services.local_day(at)
    if "paused_working_days" in data:  # the appointment date moved
        return min(d for d in (moment, services.local_day(record.received_at)) if d)
    if figures.since is None:
        return None
    if figures.since == Since.INTAKE_DAY:
        days = [
            services.local_day(record.submitted_at),
            services.local_day(record.received_at),
            moment,
        ]
        return min(d for d in days if d)
    return moment


def schedule_recompute_for_change(
    *, record, figures: Figures, at: datetime, data: dict, **_signal
) -> None:
    """The receiver of ``records.signals.record_changed`` (connected in ``StatsConfig.ready``),
    called inside the transaction that changes ``record``: note the recompute of the
    receiving and the handling unit (and, for a transfer, the unit it left: ``from_unit_id``
    in the event's data) from the first affected day (same transaction), and after
    commit queue it; the task clears the note once done.

    A note left behind — the task could not be queued (Redis down; logged, never raised: the
    change is committed and the clerk carries on), or its worker died — is run by the sweep
    within minutes, or by the nightly job.
    """
    start = affected_start(record=record, figures=figures, at=at, data=data or {})
    if start is None:
        return
    units = {record.receiving_unit_id, record.handling_unit_id}
    if (data or {}).get("from_unit_id"):  # a transfer: the unit it left recounts too
        units.add(data["from_unit_id"])
    units = sorted(units)
    note_ids = services.note_recompute_owed(unit_ids=units, day=start)
    for unit, note_id in zip(units, note_ids, strict=True):
        transaction.on_commit(
            lambda unit=unit, note_id=note_id: _queue_recompute(unit, start, note_id),
            robust=True,
        )


def _queue_recompute(unit_id: int, start: date, note_id: int) -> None:
    try:
        recompute_unit_days.delay(unit_id, start.isoformat(), None, [note_id])
    except Exception as error:  # noqa: BLE001 - whatever the broker raised, log and go on
        logger.warning(
            "Statistics recompute of unit %s from %s not queued (%s); noted for the sweep.",
            unit_id,
            start,
            type(error).__name__,
        )
