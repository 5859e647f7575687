"""Creation of records: an online submission, a dossier received at the desk, a dossier
received by post at an agent point. Each validates its input (every error at once, nothing
written), checks the actor, creates the record and its first history event."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from agent_points.models import AgentPoint
from communes.models import Commune
from records.calendar import WorkingCalendar
from records.enums import DESK_CHANNELS, Channel, ResultDelivery, Status
from records.lifecycle import ACTIONS
from records.models import DossierComponent, Procedure, Record
from records.permissions import ensure_can_receive
from records.services.assignment import assign_at_receipt, resolve_officer
from records.services.documents import desk_components
from records.services.engine import check_moment, stamp_receipt, write_event
from records.validation import NOTIFY_NEEDS, clean_applicant, clean_notify


def record_create_at_desk(
    *,
    actor,
    procedure: Procedure | str,
    receiving_unit: Commune | str,
    channel: int,
    applicant: dict,
    received_at: datetime | None = None,
    handling_unit: Commune | str | None = None,
    agent_point: AgentPoint | str | None = None,
    digitised: bool = False,
    result_delivery: str = ResultDelivery.AT_UNIT,
    note: str = "",
    notify_sms: bool = False,
    notify_zalo: bool = False,
    notify_email: bool = False,
    components_provided=None,
    components_missing: str = "",
    specialist=None,
) -> Record:
    """Receive a complete dossier at the desk (action ``receive_at_desk``): create the record
    in status *received*, issue its code and set its appointment date. ``result_delivery``
    says where the applicant wants the result (unit's desk, agent point, home by post); the
    last two need an agent point. The channel is in person or by post (``DESK_CHANNELS``): an
    online dossier is a submission (``record_submit``) accepted with ``record_receive``.
    ``notify_*`` are the channels the applicant chose for notifications (e-mail needs the
    e-mail address, SMS and Zalo the phone). ``components_provided``: the ids of the
    procedure's required components handed in (the others are listed as missing),
    ``components_missing``: the desk's note of what is missing. ``specialist`` (a user or
    username) is the specialist the desk hands the record to; by default the next one in
    turn."""
    return _create_record(
        action="receive_at_desk",
        components=desk_components(procedure, components_provided),
        extra={"components_missing": (components_missing or "").strip()},
        specialist=specialist,
        moment=received_at,
        actor=actor,
        note=note,
        digitised=digitised,
        procedure=procedure,
        receiving_unit=receiving_unit,
        handling_unit=handling_unit,
        agent_point=agent_point,
        channel=channel,
        applicant=applicant,
        result_delivery=result_delivery,
        notify={"notify_sms": notify_sms, "notify_zalo": notify_zalo, "notify_email": notify_email},
    )


def check_create_at_desk(*, received_at: datetime | None = None, **inputs) -> None:
    """Run the checks of ``record_create_at_desk`` without writing anything (same arguments
    but ``actor``, ``digitised`` and ``note``): raises its ``ValidationError``. A form that
    already found shape errors calls it so that every error is shown at once."""
    for name in ("actor", "digitised", "note", "components_missing", "specialist"):
        inputs.pop(name, None)
    errors = {}
    try:
        desk_components(inputs.get("procedure"), inputs.pop("components_provided", None))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    notify = {name: inputs.pop(name, False) for name in NOTIFY_NEEDS}
    try:
        _clean_for_create(action="receive_at_desk", moment=received_at, notify=notify, **inputs)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


ACCEPTANCE_HOURS = 8  # working hours to accept, refuse or return a submission (Decree 45/2020)


def record_submit(
    *,
    actor,
    procedure: Procedure | str,
    receiving_unit: Commune | str,
    applicant: dict,
    channel: int = Channel.ONLINE,
    submitted_at: datetime | None = None,
    handling_unit: Commune | str | None = None,
    agent_point: AgentPoint | str | None = None,
    national_dossier_no: str | None = None,
    components: list[dict] | tuple = (),
    notify_sms: bool = False,
    notify_zalo: bool = False,
    notify_email: bool = False,
    result_delivery: str = ResultDelivery.AT_UNIT,
    note: str = "",
    event_data: dict | None = None,
) -> Record:
    """Register a submission not yet accepted (status *submitted*, no code yet): an online
    dossier from the National Public Service Portal, or one to be checked before receipt.
    Its acceptance deadline is ``ACCEPTANCE_HOURS`` working hours after ``submitted_at`` on
    the working calendar (after hours or on a day off: from the next working morning).
    ``components`` are the dossier's documents (``DossierComponent`` fields); ``event_data``
    goes into the submission's history event."""
    return _create_record(
        action="submit",
        moment=submitted_at,
        actor=actor,
        note=note,
        digitised=False,
        procedure=procedure,
        receiving_unit=receiving_unit,
        handling_unit=handling_unit,
        agent_point=agent_point,
        channel=channel,
        applicant=applicant,
        result_delivery=result_delivery,
        notify={"notify_sms": notify_sms, "notify_zalo": notify_zalo, "notify_email": notify_email},
        extra={"national_dossier_no": (national_dossier_no or "").strip() or None},
        components=components,
        event_data=event_data,
    )


COMPONENT_FIELDS = (
    "name",
    "kind",
    "count",
    "file_name",
    "size",
    "checksum",
    "digitised",
    "reused",
    "provided",
)


def _clean_components(components) -> list[DossierComponent]:
    """The dossier's components as unsaved ``DossierComponent`` rows; ``ValidationError`` on
    ``components`` with the position of every bad one."""
    rows, problems = [], []
    for position, item in enumerate(components or ()):
        row = DossierComponent(
            position=position, **{k: item[k] for k in COMPONENT_FIELDS if k in item}
        )
        row.name = (row.name or "").strip()
        try:
            row.full_clean(exclude=["record"], validate_constraints=False)
        except ValidationError as exc:
            for field, messages_ in exc.message_dict.items():
                problems.extend(f"{position + 1}. {field}: {m}" for m in messages_)
        rows.append(row)
    if problems:
        raise ValidationError({"components": problems})
    return rows


def point_of(actor) -> AgentPoint:
    """The actor's agent point; only post office staff have one."""
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
    notify_sms: bool = False,
    notify_zalo: bool = False,
    notify_email: bool = False,
) -> Record:
    """Receive a dossier sent by public postal service for a unit (by default the agent point's
    own unit), action ``receive_by_post``: a record with channel 3, linked to the staff
    member's agent point."""
    point = point_of(actor)
    return _create_record(
        action="receive_by_post",
        moment=received_at,
        actor=actor,
        note=note,
        digitised=digitised,
        procedure=procedure,
        receiving_unit=receiving_unit or point.commune,
        handling_unit=None,
        agent_point=point,
        channel=Channel.POSTAL,
        applicant=applicant,
        result_delivery=result_delivery,
        notify={"notify_sms": notify_sms, "notify_zalo": notify_zalo, "notify_email": notify_email},
    )


def _create_record(
    *,
    action: str,
    moment: datetime | None,
    actor,
    note,
    digitised,
    extra: dict | None = None,
    components=(),
    event_data: dict | None = None,
    specialist=None,
    **inputs,
):
    """Validate, check the actor, then create a record by the creation ``action`` (its target
    status: received, with code and appointment date; or submitted) and its first event.
    An online dossier is born digital."""
    entry = ACTIONS[action]
    errors = {}
    try:
        fields = _clean_for_create(action=action, moment=moment, **inputs)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        component_rows = _clean_components(components)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    officer = None
    if specialist and not errors:
        try:
            officer = resolve_officer(
                specialist, fields["handling_unit"], fields["procedure"].field
            )
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    fields.update(extra or {})
    moment = moment or timezone.now()
    ensure_can_receive(actor, fields["receiving_unit"], channel=fields["channel"])
    with transaction.atomic():
        record = Record(
            **fields,
            status=entry.target,
            digitised=digitised or fields["channel"] == Channel.ONLINE,
            note=note.strip(),
            created_by=actor,
        )
        calendar = WorkingCalendar()
        if entry.target == Status.RECEIVED:
            stamp_receipt(record, moment, calendar)
        else:
            record.submitted_at = moment
            record.acceptance_due_at = calendar.add_working_hours(moment, ACCEPTANCE_HOURS)
        record.save()
        for row in component_rows:
            row.record = record
        DossierComponent.objects.bulk_create(component_rows)
        handover = {}
        if entry.target == Status.RECEIVED:
            handover = assign_at_receipt(record=record, actor=actor, moment=moment, officer=officer)
        write_event(
            record=record,
            action=entry.event,
            from_status=None,
            to_status=entry.target,
            actor=actor,
            at=moment,
            note=note,
            data={**(event_data or {}), **handover},
        )
    return record


def _clean_for_create(
    *, action: str, moment: datetime | None, notify: dict | None = None, **inputs
) -> dict:
    """The checks of a new record; a receipt is at the desk (``DESK_CHANNELS``)."""
    now = timezone.now()
    receipt = ACTIONS[action].target == Status.RECEIVED
    return _clean_new_record(
        **inputs,
        moment=moment or now,
        moment_field="received_at" if receipt else "submitted_at",
        now=now,
        desk=receipt,
        notify=notify or {},
    )


def _resolve(model, value, lookup: str, field: str, message: str):
    if isinstance(value, model):
        instance = value
    else:
        instance = model.objects.filter(**{lookup: value}).first() if value else None
    if instance is None or not instance.active:
        raise ValidationError({field: message})
    return instance


def _clean_new_record(
    *,
    procedure,
    receiving_unit,
    handling_unit,
    agent_point,
    channel,
    applicant,
    moment,
    moment_field,
    now,
    result_delivery: str = ResultDelivery.AT_UNIT,
    desk: bool = False,
    notify: dict | None = None,
) -> dict:
    """Every check of a new record, all errors at once: the channel, where the result goes,
    the procedure, units and agent point, the applicant, the notification channels (against
    the applicant's contact details), the time."""
    errors = _channel_and_delivery_errors(
        channel=channel,
        result_delivery=result_delivery,
        agent_point=agent_point,
        applicant=applicant,
        desk=desk,
    )
    fields: dict = {"channel": channel, "result_delivery": result_delivery}
    fields.update(
        _resolve_references(
            errors,
            procedure=procedure,
            receiving_unit=receiving_unit,
            handling_unit=handling_unit,
            agent_point=agent_point,
        )
    )
    try:
        fields.update(clean_applicant(channel, applicant or {}))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        # Against the contact details as typed (stripped) when the applicant had errors.
        contact = {k: (v or "").strip() for k, v in (applicant or {}).items()}
        fields.update(clean_notify(notify or {}, {**contact, **fields}))
    except ValidationError as exc:
        for name, messages_ in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages_)
    try:
        check_moment(moment, now)
    except ValidationError as exc:
        errors[moment_field] = exc.message_dict["at"]
    if errors:
        raise ValidationError(errors)
    return fields


def _channel_and_delivery_errors(
    *, channel, result_delivery, agent_point, applicant, desk: bool
) -> dict[str, list]:
    errors: dict[str, list] = {}
    if desk and channel not in DESK_CHANNELS and channel in Channel.values:
        errors["channel"] = [
            _(
                "A dossier received at the desk comes in person or by post; an online dossier "
                "comes from an online submission."
            )
        ]
    if result_delivery not in ResultDelivery.values:
        errors["result_delivery"] = [_("Choose where the result is handed over.")]
    elif result_delivery != ResultDelivery.AT_UNIT and not agent_point:
        errors["agent_point"] = [_("Choose the agent point that hands over the result.")]
    if (
        result_delivery == ResultDelivery.BY_POST
        and not (applicant or {}).get("applicant_address", "").strip()
    ):
        errors["applicant_address"] = [_("An address is required for postal delivery.")]
    return errors


def _resolve_references(
    errors: dict, *, procedure, receiving_unit, handling_unit, agent_point
) -> dict:
    """The procedure, units and agent point named by key or code; their errors go into
    ``errors``. The handling unit defaults to the receiving unit."""
    lookups = [
        ("procedure", Procedure, procedure, "key", _("Unknown or inactive procedure.")),
        ("receiving_unit", Commune, receiving_unit, "code", _("Unknown receiving unit.")),
    ]
    if handling_unit:
        lookups.append(
            ("handling_unit", Commune, handling_unit, "code", _("Unknown handling unit."))
        )
    if agent_point:
        lookups.append(("agent_point", AgentPoint, agent_point, "code", _("Unknown agent point.")))
    fields = {}
    for field, model, value, lookup, message in lookups:
        try:
            fields[field] = _resolve(model, value, lookup, field, message)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if not handling_unit and "receiving_unit" in fields:
        fields["handling_unit"] = fields["receiving_unit"]
    return fields
