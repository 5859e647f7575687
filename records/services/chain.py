"""The chain of officers (README, "The chain of officers"): who handles a record (assignment
at acceptance, in turn or chosen by the desk; reassignment with a reason), and the leader's
approval of a proposed result on the procedures that need it (propose, approve, send back).

Every handover is a history event (``assign``, ``reassign``, ``propose``, ``approve``,
``send_back``) with no status change; the approved action then happens through its own
service, so the national status follows the lifecycle table alone.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from records.deadlines import outcome_for
from records.exceptions import InvalidTransition, RecordConflict
from records.lifecycle import ACTIONS
from records.models import Assignment, Proposal, ProposalDecision, Record
from records.services.assignment import open_step, resolve_officer
from records.services.engine import apply_transition, close_step, required_text
from records.services.unit_actions import record_extend, record_resolve, record_stop

PROPOSABLE = {"resolve": record_resolve, "stop": record_stop, "extend": record_extend}


def record_reassign(*, record: Record, actor, officer, reason: str, at=None, expected_version=None):
    """Hand an open record to another specialist of the handling unit, with the reason."""
    reason = required_text(reason, "reason", _("Give the reason for the reassignment."))
    chosen = resolve_officer(officer, record, record.procedure.field, name="officer")

    def change(current, calendar, moment, data):
        previous = close_step(current, moment, data)
        if previous is not None and previous.officer_id == chosen.id:
            raise ValidationError({"officer": _("The record is already with this specialist.")})
        data.update(open_step(current, chosen, by=actor, moment=moment, reason=reason))

    return apply_transition(
        record=record,
        action="reassign",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=reason,
        change=change,
    )


# --- The leader's approval ------------------------------------------------------------------


def _proposal_arguments(proposal, *, note, e_result, proposed_due_date, reason) -> dict:
    if proposal not in PROPOSABLE:
        raise ValidationError({"proposal": _("Choose the result to propose.")})
    if proposal == "resolve":
        return {"e_result": bool(e_result), "note": (note or "").strip()}
    reason = required_text(reason, "reason", _("Give the reason."))
    if proposal == "stop":
        return {"reason": reason}
    if not isinstance(proposed_due_date, date) or isinstance(proposed_due_date, datetime):
        raise ValidationError({"proposed_due_date": _("Enter the new appointment date.")})
    return {"new_due_date": proposed_due_date.isoformat(), "reason": reason}


def record_propose(
    *,
    record: Record,
    actor,
    proposal: str,
    note: str = "",
    e_result: bool = False,
    proposed_due_date: date | None = None,
    reason: str = "",
    at=None,
    expected_version=None,
):
    """The specialist proposes a result (resolve, stop, an extension with its new date) on a
    procedure that needs the leader's approval: it waits in the unit leader's queue; the
    national status does not change."""
    arguments = _proposal_arguments(
        proposal, note=note, e_result=e_result, proposed_due_date=proposed_due_date, reason=reason
    )
    moment = at or timezone.now()

    def change(current, calendar, moment_, data):
        if not current.procedure.needs_approval:
            raise RecordConflict(_("This procedure does not need the leader's approval."))
        if current.status not in ACTIONS[proposal].sources:
            raise InvalidTransition(proposal, current.get_status_display())
        if Proposal.objects.filter(record=current, decided_at__isnull=True).exists():
            raise RecordConflict(_("A proposal is already waiting for the leader."))
        step = Assignment.objects.filter(record=current, until__isnull=True).first()
        if step is not None and step.step_due_date:  # the specialist's step, judged
            data["step_due"] = step.step_due_date.isoformat()
            data["step_outcome"] = outcome_for(moment, step.step_due_date)
        if proposal == "extend":
            new_date = parse_date(arguments["new_due_date"])
            if new_date <= current.current_due_date or not calendar.is_working_day(new_date):
                raise ValidationError(
                    {
                        "proposed_due_date": _(
                            "The new date must be a working day after the current appointment date."
                        )
                    }
                )
        data.update(proposal=proposal, arguments=arguments)

    with transaction.atomic():
        record = apply_transition(
            record=record,
            action="propose",
            actor=actor,
            at=moment,
            expected_version=expected_version,
            note=note or reason,
            change=change,
        )
        Proposal.objects.create(
            record=record,
            action=proposal,
            arguments=arguments,
            note=(note or reason or "").strip(),
            proposed_by=actor,
            proposed_at=moment,
            record_version=record.version,
        )
    return record


def _decide(current: Record, actor, moment, decision: str, note: str) -> Proposal:
    """Decide the pending proposal; approving it needs the record as it was proposed."""
    pending = (
        Proposal.objects.select_for_update()
        .select_related("proposed_by")
        .filter(record=current, decided_at__isnull=True)
        .first()
    )
    if pending is None:
        raise RecordConflict(_("No proposal is waiting for approval: it was already decided."))
    if decision == ProposalDecision.APPROVED and pending.record_version != current.version:
        raise RecordConflict(
            _("The record changed since the proposal: send the proposal back for a new one.")
        )
    pending.decided_by = actor
    pending.decided_at = moment
    pending.decision = decision
    pending.decision_note = (note or "").strip()
    pending.save(update_fields=["decided_by", "decided_at", "decision", "decision_note"])
    return pending


def record_approve(*, record: Record, actor, note: str = "", at=None, expected_version=None):
    """The unit's leader approves the pending proposal: an ``approve`` event, then the proposed
    action through its own service (its actor the proposer, its event naming the leader)."""
    moment = at or timezone.now()
    decided: dict = {}

    def change(current, calendar, moment_, data):
        pending = _decide(current, actor, moment, ProposalDecision.APPROVED, note)
        decided["proposal"] = pending
        data.update(
            proposal=pending.action,
            proposed_by=pending.proposed_by.display_name,
            arguments=pending.arguments,
        )

    with transaction.atomic():
        approved = apply_transition(
            record=record,
            action="approve",
            actor=actor,
            at=moment,
            expected_version=expected_version,
            note=note,
            change=change,
        )
        pending = decided["proposal"]
        arguments = dict(pending.arguments)
        if "new_due_date" in arguments:
            arguments["new_due_date"] = parse_date(arguments["new_due_date"])
        return PROPOSABLE[pending.action](
            record=approved,
            actor=pending.proposed_by,
            approved_by=actor,
            at=moment,
            expected_version=approved.version,
            **arguments,
        )


def record_send_back(*, record: Record, actor, reason: str, at=None, expected_version=None):
    """The unit's leader sends the pending proposal back to the specialist, with a note."""
    reason = required_text(reason, "reason", _("Say why the proposal goes back."))
    moment = at or timezone.now()

    def change(current, calendar, moment_, data):
        pending = _decide(current, actor, moment, ProposalDecision.SENT_BACK, reason)
        data.update(proposal=pending.action, proposed_by=pending.proposed_by.display_name)

    return apply_transition(
        record=record,
        action="send_back",
        actor=actor,
        at=moment,
        expected_version=expected_version,
        note=reason,
        change=change,
    )
