"""Assignment of records to the unit's specialists (chuyên viên): who may handle a record,
whose turn it is (round robin per unit and procedure field, concurrency-safe), and the
assignment written at every acceptance (desk, post, accepted online submission)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Role, User
from records.models import Assignment, AssignmentTurn, Record

# --- Who may handle -----------------------------------------------------------------------


def unit_specialists(unit_id: int, field: str) -> list[User]:
    """The active specialists of the unit who handle ``field``, in a stable order."""
    officers = User.objects.filter(
        role=Role.CLERK, is_active=True, is_specialist=True, commune_id=unit_id
    ).order_by("id")
    return [officer for officer in officers if officer.handles_field(field)]


def is_eligible(officer, record: Record) -> bool:
    return bool(
        officer is not None
        and officer.specialist
        and officer.commune_id == record.handling_unit_id
        and officer.handles_field(record.procedure.field)
    )


def resolve_officer(value, record_or_unit, field: str, name: str = "specialist") -> User:
    """The specialist named by ``value`` (a user or a username) for a unit and field, or a
    ``ValidationError`` on ``name``."""
    unit_id = getattr(record_or_unit, "handling_unit_id", None) or record_or_unit.pk
    officer = value if isinstance(value, User) else None
    if officer is None and value:
        officer = User.objects.filter(username=str(value).strip()).first()
    if (
        officer is None
        or not officer.specialist
        or officer.commune_id != unit_id
        or not officer.handles_field(field)
    ):
        raise ValidationError({name: _("Choose a specialist of the handling unit for this field.")})
    return officer


def next_in_turn(unit_id: int, field: str) -> User | None:
    """The next specialist in turn for the unit and field (round robin over the active
    specialists by id), or None when the unit has none. The turn row is locked, so concurrent
    receipts take successive turns."""
    candidates = unit_specialists(unit_id, field)
    if not candidates:
        return None
    turn, _created = AssignmentTurn.objects.select_for_update().get_or_create(
        unit_id=unit_id, field=field
    )
    last = turn.last_officer_id
    chosen = next((o for o in candidates if last is not None and o.id > last), candidates[0])
    turn.last_officer_id = chosen.id
    turn.save(update_fields=["last_officer_id"])
    return chosen


def open_step(record: Record, officer: User, *, by, moment: datetime, reason: str = ""):
    step_due = record.current_due_date
    Assignment.objects.create(
        record=record,
        officer=officer,
        since=moment,
        assigned_by=by,
        step_due_date=step_due,
        reason=reason,
    )
    return {
        "officer": officer.username,
        "officer_name": officer.display_name,
        "step_due": step_due.isoformat() if step_due else None,
    }


def assign_at_receipt(
    *, record: Record, actor, moment: datetime, officer: User | None = None
) -> dict:
    """At acceptance (desk, post, online submission accepted): hand the record to ``officer``
    (chosen by the desk) or to the next specialist in turn. Returns what the receipt's history
    event records of that handover (officer, step deadline, chosen by the desk or in turn);
    nothing when the handling unit has no specialist (the record then needs assignment)."""
    chosen_by_desk = officer is not None
    officer = officer or next_in_turn(record.handling_unit_id, record.procedure.field)
    if officer is None:
        return {}
    data = open_step(record, officer, by=actor, moment=moment)
    data["chosen"] = "desk" if chosen_by_desk else "turn"
    return data
