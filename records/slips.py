"""What the printed process-control slip (Phiếu kiểm soát quá trình giải quyết hồ sơ) shows for
each step of a record: who hands the dossier (or the result) over, who takes it, when, the
result of the step where one applies (early / on time / late when the record is finished),
and room for both signatures, as on the official form."""

from __future__ import annotations

from dataclasses import astuple, dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import pgettext

from accounts.models import Role
from records import qr
from records.enums import Outcome, Status
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


def _result(event: RecordEvent) -> str:
    """The record's outcome when the step finishes it, else the specialist's step judged
    against its deadline (``step_outcome``), else nothing."""
    outcome = event.data.get("outcome") or event.data.get("step_outcome")
    return str(Outcome(outcome).label) if outcome in Outcome.values else ""


def _officer(record: Record, name: str | None) -> Side:
    return Side(name or "", _party(record, SECTION))


def _rows_of(record: Record, event: RecordEvent) -> list[tuple]:
    """The slip's rows for one event: (step, note, giver, receiver, result). A receipt that
    handed the record to a specialist adds the desk-to-specialist handover."""
    data = event.data or {}
    if event.action == "reassign":
        giver = _officer(record, data.get("from_officer"))
        receiver = _officer(record, data.get("officer_name"))
        return [(event.action_label, event.note, giver, receiver, _result(event))]
    entry = ACTIONS.get(event.action)
    giver, receiver, actor_side = astuple(entry.handover if entry else UNKNOWN_STEP)
    giver_side = _side(record, event, giver, actor_side == GIVER)
    receiver_side = receiver and _side(record, event, receiver, actor_side == RECEIVER)
    if data.get("proposed_by") and receiver_side is not None:  # the leader's decision
        proposer = _officer(record, data["proposed_by"])
        if actor_side == RECEIVER:
            giver_side = proposer
        else:
            receiver_side = proposer
    rows = [(event.action_label, event.note, giver_side, receiver_side, _result(event))]
    if event.action == "receive" and data.get("officer_name"):
        desk = Side(event.actor.display_name if event.actor else "", _party(record, DESK))
        rows.append(
            (_("hand to the specialist"), "", desk, _officer(record, data["officer_name"]), "")
        )
    return rows


def control_slip_rows(record: Record, events) -> list[ControlRow]:
    """The rows of the process-control slip from the history (``events`` in order, with their
    actors): one per event, and one more for the handover to the specialist at receipt."""
    rows = []
    for event in events:
        for step, note, giver, receiver, result in _rows_of(record, event):
            rows.append(
                ControlRow(
                    number=len(rows) + 1,
                    step=step,
                    note=note,
                    at=event.at,
                    giver=giver,
                    receiver=receiver,
                    result=result,
                )
            )
    return rows


# --- The printed slips and their QR code ----------------------------------------------------


@dataclass(frozen=True)
class SlipKind:
    """A slip the portal prints. ``document`` is its official Vietnamese name (the QR's
    document name, whatever the page's language); ``events``: the history event that issues it
    (the latest of them), ``requires_event``: offered only once there is one (otherwise it is
    issued when printed); ``statuses``: also offered in these statuses without the event."""

    name: str
    document: str
    title: Promise
    template: str
    events: tuple[str, ...] = ()
    requires_event: bool = False
    statuses: frozenset[int] = frozenset()
    appointment: bool = False
    for_point: bool = False  # post office staff print it too (the postal dossiers of their point)


SLIPS = {
    slip.name: slip
    for slip in (
        SlipKind(
            "receipt",
            "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
            _lazy("Receipt and appointment slip"),
            "records/slip_receipt.html",
            events=("receive",),
            requires_event=True,
            appointment=True,
            for_point=True,
        ),
        SlipKind(
            "supplement",
            "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
            _lazy("Supplement request slip"),
            "records/slip_supplement.html",
            events=("request_supplement", "request_completion"),
            requires_event=True,
        ),
        SlipKind(
            "refusal",
            "Phiếu từ chối tiếp nhận, giải quyết hồ sơ",
            _lazy("Refusal slip"),
            "records/slip_refusal.html",
            events=("refuse",),
            requires_event=True,
        ),
        SlipKind(
            "apology",
            "Văn bản xin lỗi và hẹn lại ngày trả kết quả",
            _lazy("Apology and new appointment date"),
            "records/slip_apology.html",
            events=("extend",),
            requires_event=True,
        ),
        SlipKind(
            "control",
            "Phiếu kiểm soát quá trình giải quyết hồ sơ",
            _lazy("Process-control slip"),
            "records/slip_control.html",
        ),
        SlipKind(
            "handover",
            "Phiếu bàn giao kết quả giải quyết hồ sơ",
            _lazy("Result handover slip"),
            "records/slip_handover.html",
            events=("return", "deliver"),
            statuses=frozenset({Status.RESOLVED}),
            for_point=True,
        ),
        SlipKind(
            "fee_receipt",
            "Biên lai thu phí, lệ phí",
            _lazy("Fee receipt"),
            "records/slip_fee_receipt.html",
            events=("paid",),
            requires_event=True,
        ),
    )
}


def issuing_event(slip: SlipKind, events) -> RecordEvent | None:
    """The latest event of ``events`` (in order) that issues ``slip``."""
    return next((event for event in reversed(list(events)) if event.action in slip.events), None)


def offered(slip: SlipKind, record: Record, events) -> bool:
    """Whether ``record`` has this slip to print (its issuing event, or one of its statuses)."""
    if slip.name == "control":
        return bool(record.code)
    if record.status in slip.statuses:
        return True
    return issuing_event(slip, events) is not None


def slips_for(record: Record, events) -> list[SlipKind]:
    """The slips ``record`` can print now, in the order of ``SLIPS`` (for the record page)."""
    return [slip for slip in SLIPS.values() if offered(slip, record, events)]


@dataclass(frozen=True)
class SlipQr:
    text: str
    svg: str
    issued_at: datetime


def slip_qr(slip: SlipKind, record: Record, events, *, now: datetime, applicant: str) -> SlipQr:
    """The QR of ``slip`` for ``record``: issued at its event's time (when printed otherwise)."""
    event = issuing_event(slip, events)
    issued_at = event.at if event is not None else now
    text = qr.payload(
        record,
        document=slip.document,
        issued_at=issued_at,
        applicant=applicant,
        appointment=record.due_date if slip.appointment else None,
    )
    return SlipQr(text=text, svg=qr.svg(text), issued_at=issued_at)
