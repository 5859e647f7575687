"""Post-office work at an agent point: Vietnam Post staff digitise dossiers, take results over
from the unit and deliver them. Each action is an entry of ``records.lifecycle.ACTIONS`` with
its own event, so a record's history shows the chain unit → agent point → citizen. (Receiving
a dossier by post is in ``intake``: ``postal_receive``.)"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from records.enums import DeliveryPlace, ResultDelivery, ReturnMethod
from records.exceptions import RecordConflict
from records.models import Record
from records.services.engine import apply_transition


def record_digitise(*, record: Record, actor, at=None, expected_version=None, note="") -> Record:
    """Mark the input dossier digitised (at the unit's desk or at the record's agent point)."""

    def change(current, calendar, moment, data):
        if current.digitised:
            raise RecordConflict(_("The dossier is already digitised."))
        current.digitised = True

    return apply_transition(
        record=record,
        action="digitise",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def record_take_over(*, record: Record, actor, at=None, expected_version=None, note="") -> Record:
    """The agent point takes the resolved result over from the unit, to hand it over at the
    point or deliver it home. Only resolved records whose applicant asked for it."""

    def change(current, calendar, moment, data):
        if current.result_delivery == ResultDelivery.AT_UNIT:
            raise RecordConflict(_("The applicant collects this result at the unit's desk."))
        if current.result_at_point_since is not None:
            raise RecordConflict(_("The result is already at the agent point."))
        current.result_at_point_since = moment
        data.update(from_unit=current.handling_unit.code, to_point=current.agent_point.code)

    return apply_transition(
        record=record,
        action="take_over",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def record_deliver(
    *,
    record: Record,
    actor,
    recipient_name: str,
    place: str,
    at=None,
    expected_version=None,
    note="",
) -> Record:
    """Hand the result to the citizen, at the point or at home: the record is returned."""
    recipient_name = " ".join((recipient_name or "").split())
    errors = {}
    if not recipient_name:
        errors["recipient_name"] = [_("Enter the name of the person who received the result.")]
    if place not in DeliveryPlace.values:
        errors["place"] = [_("Choose where the result was handed over.")]
    if errors:
        raise ValidationError(errors)

    def change(current, calendar, moment, data):
        if current.result_at_point_since is None:
            raise RecordConflict(_("Take the result over from the unit first."))
        current.returned_at = moment
        current.return_method = ReturnMethod.POST
        data.update(recipient_name=recipient_name, place=place, point=current.agent_point.code)

    return apply_transition(
        record=record,
        action="deliver",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        change=change,
    )


def record_undeliverable(
    *, record: Record, actor, reason: str, at=None, expected_version=None
) -> Record:
    """The result could not be delivered: it goes back to the unit's desk, with the reason."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Say why the result could not be delivered.")]})

    def change(current, calendar, moment, data):
        if current.result_at_point_since is None:
            raise RecordConflict(_("Take the result over from the unit first."))
        current.result_at_point_since = None
        current.result_delivery = ResultDelivery.AT_UNIT
        data.update(back_to_unit=current.handling_unit.code, point=current.agent_point.code)

    return apply_transition(
        record=record,
        action="undeliverable",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=reason,
        change=change,
    )
