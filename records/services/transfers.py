"""Transfers between units (Decree 118/2025: within the province any unit may receive a
dossier regardless of the boundary). The receiving unit transfers the record to the competent
unit with the reason; the competent unit accepts the transfer (or sends it back, with a
reason); once resolved, the competent unit sends the result to the receiving unit's desk,
which returns it to the applicant. The national status does not change on any of these."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from communes.models import Commune
from records.models import Record
from records.services.assignment import assign_at_receipt
from records.services.engine import apply_transition, close_step, required_text


def record_transfer(
    *, record: Record, actor, to_unit, reason: str, at=None, expected_version=None
) -> Record:
    """Hand the record to the competent unit ``to_unit`` (a unit or its code): it becomes the
    handling unit, with the transfer pending until that unit accepts it."""
    reason = required_text(reason, "reason", _("Give the reason for the transfer."))
    code = to_unit.code if isinstance(to_unit, Commune) else (to_unit or "").strip()
    unit = Commune.objects.filter(code=code, active=True).first() if code else None
    if unit is None:
        raise ValidationError({"to_unit": _("Unknown unit.")})

    def change(current, calendar, moment, data):
        if unit.pk == current.receiving_unit_id:
            raise ValidationError(
                {"to_unit": _("Choose another unit than the one that received the record.")}
            )
        data.update(
            from_unit=current.handling_unit.code,
            from_unit_id=current.handling_unit_id,
            to_unit=unit.code,
        )
        close_step(current, moment, data)  # the specialist hands the dossier over
        current.handling_unit = unit
        current.transfer_pending_since = moment
        current.result_at_desk_since = None

    return apply_transition(
        record=record,
        action="transfer",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=reason,
        change=change,
    )


def record_accept_transfer(*, record: Record, actor, at=None, expected_version=None, note=""):
    """The competent unit takes the transferred record: it may handle it from now on."""

    def change(current, calendar, moment, data):
        data.update(from_unit=current.receiving_unit.code, to_unit=current.handling_unit.code)
        current.transfer_pending_since = None
        # The competent unit's specialist for the field, in turn (the chain of officers).
        data.update(assign_at_receipt(record=current, actor=actor, moment=moment))

    return apply_transition(
        record=record,
        action="accept_transfer",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def record_refuse_transfer(*, record: Record, actor, reason: str, at=None, expected_version=None):
    """The unit a record was transferred to refuses the transfer (not competent): the record
    goes back to the receiving unit, which handles it or transfers it elsewhere."""
    reason = required_text(reason, "reason", _("Give the reason for sending the record back."))

    def change(current, calendar, moment, data):
        data.update(
            from_unit=current.handling_unit.code,
            from_unit_id=current.handling_unit_id,
            to_unit=current.receiving_unit.code,
        )
        current.handling_unit_id = current.receiving_unit_id
        current.transfer_pending_since = None
        data.update(assign_at_receipt(record=current, actor=actor, moment=moment))

    return apply_transition(
        record=record,
        action="refuse_transfer",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=reason,
        change=change,
    )


def record_result_to_desk(*, record: Record, actor, at=None, expected_version=None, note=""):
    """The competent unit sends the result of a transferred record to the receiving unit's
    desk, which returns it to the applicant."""

    def change(current, calendar, moment, data):
        data.update(from_unit=current.handling_unit.code, to_unit=current.receiving_unit.code)
        current.result_at_desk_since = moment

    return apply_transition(
        record=record,
        action="result_to_desk",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        change=change,
    )
