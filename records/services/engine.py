"""The lifecycle engine: lock the record row, check the actor, the version and the status
against ``records.lifecycle.ACTIONS``, run the action's change, save every field it changed,
write the history event and announce the change (``records.signals.record_changed``).

Concurrent changes of one record are serialised by the row lock and the version check:
exactly one wins, the others get ``RecordConflict``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from records import permissions
from records.calendar import WorkingCalendar
from records.codes import issue_record_code
from records.deadlines import appointment_date, outcome_for, shift_for_pause
from records.enums import PAUSED_STATUSES, Status
from records.exceptions import InvalidTransition, RecordConflict
from records.lifecycle import ACTIONS, CONDITIONS, ENFORCED_CONDITIONS, event_entry
from records.models import Assignment, Record, RecordEvent
from records.signals import record_changed

CLOCK_SKEW = timedelta(minutes=2)
# The fields an action may change: every concrete field but the key, the version and the
# timestamps, which the engine itself writes.
_ENGINE_FIELDS = {"id", "version", "created_at", "updated_at"}

Change = Callable[[Record, WorkingCalendar, datetime, dict], None]


def apply_transition(
    *,
    record: Record,
    action: str,
    actor,
    at: datetime | None = None,
    expected_version: int | None = None,
    note: str = "",
    change: Change | None = None,
) -> Record:
    """Apply lifecycle ``action`` to ``record``: lock, check the actor by the entry's
    permission, the version and the status, run ``change(current, calendar, moment, data)``
    on the locked row, save every field that changed, write the event. The building block of
    every action service."""
    entry = ACTIONS[action]
    now = timezone.now()
    moment = at or now
    with transaction.atomic():
        current = lock_record(
            record=record, actor=actor, expected_version=expected_version, action=action
        )
        if current.status not in entry.sources:
            raise InvalidTransition(action, current.get_status_display())
        for condition in entry.requires:
            if condition in ENFORCED_CONDITIONS and not CONDITIONS[condition](current):
                raise RecordConflict(str(ENFORCED_CONDITIONS[condition]))
        check_moment(moment, now, after=_last_event_time(current))
        before = field_values(current)

        calendar = WorkingCalendar()
        from_status = current.status
        target = entry.target if entry.target is not None else from_status
        data: dict = {}
        if from_status in PAUSED_STATUSES and target not in PAUSED_STATUSES:
            _end_pause(current, moment, calendar, data)
        elif target in PAUSED_STATUSES and from_status not in PAUSED_STATUSES:
            current.paused_since = moment
        if change is not None:
            change(current, calendar, moment, data)
        current.status = target
        if target != from_status and target in (Status.RESOLVED, Status.STOPPED):
            current.finished_at = moment
            current.outcome = outcome_for(
                moment, current.due_date, supplement_count=current.supplement_count
            )
            data["outcome"] = current.outcome
            close_step(current, moment, data)  # the specialist's step ends with the result
        save_changes(record=current, before=before, now=now)
        write_event(
            record=current,
            action=entry.event,
            from_status=from_status,
            to_status=target,
            actor=actor,
            at=moment,
            note=note,
            data=data,
        )
    return current


def lock_record(*, record: Record, actor, expected_version: int | None, action: str) -> Record:
    """Re-read the record under a row lock, check the actor by ``action``'s permission and
    the expected version."""
    current = (
        Record.objects.select_for_update()
        .select_related("receiving_unit", "procedure")
        .get(pk=record.pk)
    )
    getattr(permissions, ACTIONS[action].permission)(actor, current)
    if expected_version is not None and current.version != expected_version:
        raise RecordConflict()
    return current


def field_values(record: Record) -> dict:
    """The values of the fields an action may change, to tell afterwards which it changed."""
    return {
        f.attname: getattr(record, f.attname)
        for f in Record._meta.concrete_fields
        if f.attname not in _ENGINE_FIELDS
    }


def save_changes(*, record: Record, before: dict, now: datetime) -> list[str]:
    """Write every field whose value differs from ``before``, only if nobody changed the
    record since it was read; bump the version. Returns the changed field names."""
    after = field_values(record)
    changed = [name for name, value in after.items() if before[name] != value]
    updated = Record.objects.filter(pk=record.pk, version=record.version).update(
        **{name: after[name] for name in changed},
        version=record.version + 1,
        updated_at=now,
    )
    if updated != 1:  # only reachable where the row lock is not enforced (SQLite)
        raise RecordConflict()
    record.version += 1
    return changed


def write_event(
    *, record, action: str, from_status, to_status, actor, at, note, data
) -> RecordEvent:
    """Append the history event and announce the change (inside the transaction), with the
    action's effect on the daily figures from the lifecycle table."""
    event = RecordEvent.objects.create(
        record=record,
        action=action,
        from_status=from_status,
        to_status=to_status,
        at=at,
        actor=actor,
        note=(note or "").strip(),
        data=data,
    )
    record_changed.send(
        sender=Record,
        record=record,
        action=action,
        at=at,
        data=data,
        figures=event_entry(action).figures,
        event=event,
    )
    return event


def stamp_receipt(record: Record, moment: datetime, calendar: WorkingCalendar) -> None:
    """Receipt: the time, the appointment date and the record code."""
    record.received_at = moment
    record.due_date = appointment_date(
        moment, record.procedure.time_limit, record.procedure.time_unit, calendar
    )
    record.code = issue_record_code(
        agency_code=record.receiving_unit.agency_code,
        unit_id=record.receiving_unit_id,
        received_at=moment,
    )


def check_moment(moment: datetime, now: datetime, *, after: datetime | None = None) -> None:
    if timezone.is_naive(moment):
        raise ValidationError({"at": _("The time must include a time zone.")})
    if moment > now + CLOCK_SKEW:
        raise ValidationError({"at": _("The time cannot be in the future.")})
    if after is not None and moment < after:
        raise ValidationError({"at": _("The time cannot be before the record's last step.")})


def required_text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def resume_acceptance_clock(
    record: Record, moment: datetime, calendar: WorkingCalendar, data: dict
) -> None:
    """End an online submission's completion pause at ``moment``: its 8-working-hour
    acceptance clock resumes with the working time that was left when it stopped (the
    deadline moves to ``moment`` + that time; none left, the deadline stays, already past).
    When the citizen completes the dossier, and when the desk refuses it while still waiting
    for the completion (accepting is refused then), so the refusal is judged against the
    clock that stopped and no pause is left on the record."""
    if record.acceptance_due_at is not None:
        left = calendar.working_time_between(record.paused_since, record.acceptance_due_at)
        if left > timedelta():
            record.acceptance_due_at = calendar.add_working_hours(
                moment, left.total_seconds() / 3600
            )
        data["working_seconds_left"] = int(left.total_seconds())
    record.paused_since = None


def _end_pause(record: Record, moment: datetime, calendar: WorkingCalendar, data: dict):
    record.due_date, days = shift_for_pause(record.due_date, record.paused_since, moment, calendar)
    if record.extended_due_date:
        record.extended_due_date, _ = shift_for_pause(
            record.extended_due_date, record.paused_since, moment, calendar
        )
    record.paused_since = None
    data["paused_working_days"] = days
    data["due_date"] = record.due_date.isoformat() if record.due_date else None


def _last_event_time(record: Record) -> datetime | None:
    return record.events.order_by("-at").values_list("at", flat=True).first()


def _open_assignment(record: Record) -> Assignment | None:
    return Assignment.objects.select_for_update().filter(record=record, until__isnull=True).first()


def close_step(record: Record, moment: datetime, data: dict) -> Assignment | None:
    """End the record's open assignment at ``moment``; the step's result (early / on time /
    late against its deadline) goes into the event's ``data``."""
    current = _open_assignment(record)
    if current is None:
        return None
    current.until = moment
    current.save(update_fields=["until"])
    data["from_officer"] = current.officer.display_name
    if current.step_due_date:
        data["step_due"] = current.step_due_date.isoformat()
        data["step_outcome"] = outcome_for(moment, current.step_due_date)
    return current
