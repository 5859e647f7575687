"""The unit's actions on an existing record, as its clerks (or the API) perform them. Each
checks its own inputs, then hands its change to the engine (``apply_transition``)."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from records.calendar import WorkingCalendar
from records.enums import ReturnMethod, Status
from records.exceptions import RecordConflict
from records.models import Record
from records.services.assignment import assign_at_receipt
from records.services.engine import (
    apply_transition,
    required_text,
    resume_acceptance_clock,
    stamp_receipt,
)
from records.services.fees import cancel_open_request


def record_receive(*, record: Record, actor, at=None, expected_version=None, note="") -> Record:
    """Accept a submitted dossier: issue the code and set the appointment date. Not while the
    citizen has been asked to complete it: it is accepted once completed (or refused)."""

    def change(current: Record, calendar: WorkingCalendar, moment: datetime, data: dict):
        if current.paused_since is not None:
            raise RecordConflict(
                _(
                    "The citizen has been asked to complete this dossier: accept it once the "
                    "completion arrives, or refuse it."
                )
            )
        stamp_receipt(current, moment, calendar)
        data["due_date"] = current.due_date.isoformat()
        data.update(assign_at_receipt(record=current, actor=actor, moment=moment))

    return apply_transition(
        record=record,
        action="receive",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def record_refuse(*, record: Record, actor, reason: str, at=None, expected_version=None):
    """Refuse a submitted dossier at intake, with a reason (not counted as intake)."""
    reason = required_text(reason, "reason", _("Give the reason for refusing."))

    def change(current, calendar, moment, data):
        if current.paused_since is not None:  # still waiting for the citizen's completion
            resume_acceptance_clock(current, moment, calendar, data)
        current.finished_at = moment

    return apply_transition(
        record=record,
        action="refuse",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=reason,
        change=change,
    )


def record_process(*, record: Record, actor, at=None, expected_version=None, note=""):
    """Hand the record to the competent officer."""
    return apply_transition(
        record=record,
        action="process",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
    )


def record_request_supplement(
    *, record: Record, actor, reason: str, at=None, expected_version=None
):
    """Ask the applicant for missing documents; the clock pauses."""
    reason = required_text(reason, "reason", _("Say what the applicant must supplement."))

    def change(current, calendar, moment, data):
        current.supplement_count += 1
        data["supplement_count"] = current.supplement_count

    return apply_transition(
        record=record,
        action="request_supplement",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=reason,
        change=change,
    )


def record_supplement(*, record: Record, actor, at=None, expected_version=None, note=""):
    """The applicant supplied the documents; the appointment date moves by the pause."""
    return apply_transition(
        record=record,
        action="supplement",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
    )


def record_resolve(
    *,
    record: Record,
    actor,
    e_result: bool = False,
    at=None,
    expected_version=None,
    note="",
    approved_by=None,
):
    """The result is ready: finished time and outcome (early / on time / late) are set. On a
    procedure that needs the leader's approval, only through ``record_approve``."""

    def change(current, calendar, moment, data):
        approval_gate(current, "resolve", approved_by, data)
        current.e_result = current.e_result or e_result

    return apply_transition(
        record=record,
        action="resolve",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def record_withdraw(*, record: Record, actor, at=None, expected_version=None, note=""):
    """The applicant asks to withdraw the dossier."""
    return apply_transition(
        record=record,
        action="withdraw",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
    )


def record_stop(
    *, record: Record, actor, reason: str, at=None, expected_version=None, approved_by=None
):
    """Stop handling (rejected after review, or withdrawn): finished, with an outcome."""
    reason = required_text(reason, "reason", _("Give the reason for stopping."))

    def change(current, calendar, moment, data):
        approval_gate(current, "stop", approved_by, data)
        cancel_open_request(current, moment, data)

    return apply_transition(
        record=record,
        action="stop",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=reason,
        change=change,
    )


def record_return(
    *,
    record: Record,
    actor,
    method: str,
    at=None,
    expected_version=None,
    note="",
):
    """Hand the result to the applicant at the counter, by post or electronically."""
    if method not in ReturnMethod.values:
        raise ValidationError(
            {"method": _("Choose how the result is returned: counter, post or online.")}
        )

    def change(current, calendar, moment, data):
        current.returned_at = moment
        current.return_method = method
        data["method"] = method

    return apply_transition(
        record=record,
        action="return",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def record_extend(
    *,
    record: Record,
    actor,
    new_due_date: date,
    reason: str,
    at=None,
    expected_version=None,
    approved_by=None,
):
    """Issue an apology-and-extension letter: a new appointment date, the original kept."""
    reason = required_text(reason, "reason", _("Give the reason for the extension."))
    if not isinstance(new_due_date, date) or isinstance(new_due_date, datetime):
        raise ValidationError({"new_due_date": _("Enter a valid date.")})

    def change(current, calendar, moment, data):
        approval_gate(current, "extend", approved_by, data)
        if new_due_date <= current.current_due_date:
            raise ValidationError(
                {"new_due_date": _("The new date must be after the current appointment date.")}
            )
        if not calendar.is_working_day(new_due_date):
            raise ValidationError({"new_due_date": _("The new date must be a working day.")})
        data.update(
            original_due_date=current.due_date.isoformat(),
            previous_due_date=current.current_due_date.isoformat(),
            new_due_date=new_due_date.isoformat(),
        )
        current.extended_due_date = new_due_date
        current.extended_at = current.extended_at or moment

    return apply_transition(
        record=record,
        action="extend",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=reason,
        change=change,
    )


def approval_gate(current: Record, action: str, approved_by, data: dict) -> None:
    """Refuse to resolve, stop or extend at once a record whose procedure needs the leader's
    approval (a withdrawal stops without it); the approval itself passes ``approved_by``."""
    if approved_by is not None:
        data["approved_by"] = approved_by.display_name
        if approved_by.title:
            data["approved_by_title"] = approved_by.title  # for the signature of the letter
        return
    if not current.procedure.needs_approval:
        return
    if action == "stop" and current.status == Status.WITHDRAWAL_REQUESTED:
        return
    raise RecordConflict(
        _("This procedure needs the leader's approval: propose the result to the leader.")
    )
