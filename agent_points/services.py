"""Writes for agent points."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Role
from agent_points.models import AgentPoint, AgentPointKind, OnlineAssistance
from communes.models import Commune
from core.reference import (
    LoadReport,
    ReferenceDataError,
    deactivate_missing,
    read_entries,
    require,
    upsert,
)
from records.exceptions import RecordConflict
from records.models import Channel, Record, ResultDelivery, ReturnMethod
from records.permissions import ensure_can_act_at_point, ensure_can_digitise
from records.services import apply_transition, record_receive_new

BUNDLED_AGENT_POINTS_FILE = Path(__file__).resolve().parent / "data" / "hue_agent_points.json"


def load_agent_points(*, path: Path = BUNDLED_AGENT_POINTS_FILE) -> LoadReport:
    """Load agent points from ``path`` (JSON with ``agent_points``, or CSV with the same columns:
    code, commune_code, name_vi, kind, address, former_unit, former_unit_old_code).

    The units must be loaded first. All-or-nothing and idempotent like :func:`load_communes`;
    points missing from an updated list are deactivated, new ones created, changed ones updated,
    so the official list can replace the provisional one.
    """
    entries = read_entries(path, "agent_points")
    communes = {c.code: c for c in Commune.objects.all()}
    problems: list[str] = []
    rows: list[tuple[str, dict]] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        where = f"agent point #{index}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not an object")
            continue
        if not require(entry, ["code", "commune_code", "name_vi", "kind"], where, problems):
            continue
        code = str(entry["code"]).strip()
        commune = communes.get(str(entry["commune_code"]))
        if commune is None:
            problems.append(f"{where} ({code}): unknown commune_code {entry['commune_code']!r}")
            continue
        if entry["kind"] not in AgentPointKind.values:
            problems.append(
                f"{where} ({code}): kind {entry['kind']!r} not in {AgentPointKind.values}"
            )
            continue
        if code in seen:
            problems.append(f"{where}: duplicate code {code}")
        seen.add(code)
        rows.append(
            (
                code,
                {
                    "name": entry["name_vi"].strip(),
                    "commune": commune,
                    "kind": entry["kind"],
                    "address": (entry.get("address") or "").strip(),
                    "former_unit": (entry.get("former_unit") or "").strip(),
                    "former_unit_old_code": (entry.get("former_unit_old_code") or "").strip(),
                    "active": True,
                },
            )
        )
    if not entries:
        problems.append(f"{path}: no agent points")
    if problems:
        raise ReferenceDataError(problems)

    report = LoadReport()
    with transaction.atomic():
        for code, values in rows:
            upsert(AgentPoint, {"code": code}, values, report)
        deactivate_missing(AgentPoint.objects.all(), seen, report)
    return report


# --- Post-office work at an agent point ---------------------------------------------------------
# Vietnam Post staff receive dossiers by post, digitise them, take results over from the unit
# and deliver them. Each action is a lifecycle action of records.lifecycle with its own event,
# so a record's history shows the chain unit → agent point → citizen.

MAX_DAILY_ASSISTANCE = 5000


class DeliveryPlace(models.TextChoices):
    AT_POINT = "point", gettext_lazy("at the agent point")
    AT_HOME = "home", gettext_lazy("at the applicant's home")


def _point_of(actor) -> AgentPoint:
    if actor is None or actor.role != Role.POST_STAFF or actor.agent_point_id is None:
        raise PermissionDenied(_("Only post office staff of an agent point may do this."))
    return actor.agent_point


def postal_receive(
    *,
    actor,
    procedure,
    applicant: dict,
    receiving_unit=None,
    received_at=None,
    digitised: bool = False,
    result_delivery: str = ResultDelivery.BY_POST,
    note: str = "",
) -> Record:
    """Receive a dossier sent by public postal service for a unit (by default the agent point's
    own unit): a record with channel 3, linked to the staff member's agent point."""
    point = _point_of(actor)
    return record_receive_new(
        actor=actor,
        procedure=procedure,
        receiving_unit=receiving_unit or point.commune,
        channel=Channel.POSTAL,
        applicant=applicant,
        received_at=received_at,
        agent_point=point,
        digitised=digitised,
        result_delivery=result_delivery,
        note=note,
    )


def record_digitise(*, record: Record, actor, at=None, expected_version=None, note="") -> Record:
    """Mark the input dossier digitised (at the unit's desk or at the record's agent point)."""

    def change(current, calendar, moment, data):
        if current.digitised:
            raise RecordConflict(_("The dossier is already digitised."))
        current.digitised = True

    return apply_transition(
        record,
        "digitise",
        actor,
        at,
        expected_version,
        note,
        change,
        permission=ensure_can_digitise,
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
        record,
        "take_over",
        actor,
        at,
        expected_version,
        note,
        change,
        permission=ensure_can_act_at_point,
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
        record,
        "deliver",
        actor,
        at,
        expected_version,
        note,
        change,
        permission=ensure_can_act_at_point,
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
        record,
        "undeliverable",
        actor,
        at,
        expected_version,
        reason,
        change,
        permission=ensure_can_act_at_point,
    )


POINT_SERVICES = {
    "digitise": record_digitise,
    "take_over": record_take_over,
    "deliver": record_deliver,
    "undeliverable": record_undeliverable,
}


def record_online_assistance(*, actor, day: date, count: int) -> OnlineAssistance:
    """Record how many citizens the actor's agent point helped to file online on ``day``
    (idempotent per point and day: the latest count replaces the earlier one)."""
    point = _point_of(actor)
    errors = {}
    if not isinstance(day, date) or day > timezone.localdate():
        errors["day"] = [_("The day cannot be in the future.")]
    if not isinstance(count, int) or not 0 <= count <= MAX_DAILY_ASSISTANCE:
        errors["count"] = [
            _("Enter a number between 0 and %(max)s.") % {"max": MAX_DAILY_ASSISTANCE}
        ]
    if errors:
        raise ValidationError(errors)
    entry, _created = OnlineAssistance.objects.update_or_create(
        agent_point=point, day=day, defaults={"count": count, "recorded_by": actor}
    )
    return entry
