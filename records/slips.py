"""What the printed process-control slip (Phiếu kiểm soát quá trình giải quyết hồ sơ) shows for
each step of a record: who hands the dossier (or the result) over, who takes it, when, the
result of the step where one applies (early / on time / late when the record is finished),
and room for both signatures, as on the official form."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.models import Role
from records.enums import Outcome
from records.lifecycle import (
    ACTIONS,
    APPLICANT,
    DESK,
    GIVER,
    POINT,
    RECEIVER,
    SECTION,
    Handover,
)
from records.models import Record, RecordEvent

# Who gives, who receives at each step: the handover of the event's action in the lifecycle
# table. DESK is the receiving unit's one-stop desk, SECTION the handling unit's specialist
# section, POINT the record's agent point; an officer of an agent point is always on POINT.
UNKNOWN_STEP = Handover(DESK, None, GIVER)


@dataclass(frozen=True)
class Side:
    person: str  # empty when not known: written by hand
    party: str


@dataclass(frozen=True)
class ControlRow:
    number: int
    step: str
    note: str
    at: datetime
    giver: Side
    receiver: Side | None
    result: str  # "" when the step has none


def _party(record: Record, party: str) -> str:
    if party == APPLICANT:
        return pgettext("control slip", "Applicant")
    if party == DESK:
        return _("One-stop desk, %(unit)s") % {"unit": record.receiving_unit}
    if party == SECTION:
        return _("Handling section, %(unit)s") % {"unit": record.handling_unit}
    return record.agent_point.name if record.agent_point else _("Agent point")


def _side(record: Record, event: RecordEvent, party: str, is_actor: bool) -> Side:
    if is_actor and event.actor is not None:
        if event.actor.role == Role.POST_STAFF:
            party = POINT
        return Side(event.actor.display_name, _party(record, party))
    if party == APPLICANT:
        # The result may be handed to someone the applicant sent (delivery records the name).
        person = event.data.get("recipient_name") or record.applicant_name
        return Side(person, _party(record, party))
    return Side("", _party(record, party))


def control_slip_rows(record: Record, events) -> list[ControlRow]:
    """One row per event of ``record`` (``events`` in order, with their actors)."""
    rows = []
    for number, event in enumerate(events, start=1):
        entry = ACTIONS.get(event.action)
        giver, receiver, actor_side = astuple(entry.handover if entry else UNKNOWN_STEP)
        outcome = event.data.get("outcome")
        rows.append(
            ControlRow(
                number=number,
                step=event.action_label,
                note=event.note,
                at=event.at,
                giver=_side(record, event, giver, actor_side == GIVER),
                receiver=receiver and _side(record, event, receiver, actor_side == RECEIVER),
                result=str(Outcome(outcome).label) if outcome in Outcome.values else "",
            )
        )
    return rows
