"""Writes for records: the only way a record is created or changes status.

Every function is keyword-only and atomic, validates its input (``ValidationError`` with a
message per field; nothing is written), checks the actor's right to act, checks the current
status against ``records.lifecycle.TRANSITIONS`` (``InvalidTransition``, a 409), and writes one
``RecordEvent``. Concurrent changes of one record are serialised by a row lock and a version
check: exactly one wins, the others get ``RecordConflict``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from agent_points.models import AgentPoint
from communes.models import Commune
from records.calendar import WorkingCalendar
from records.codes import issue_record_code
from records.deadlines import appointment_date, outcome_for, shift_for_pause
from records.exceptions import InvalidTransition, RecordConflict
from records.lifecycle import TRANSITIONS
from records.models import (
    DESK_CHANNELS,
    PAUSED_STATUSES,
    Channel,
    PersonalDataAccess,
    Procedure,
    Record,
    RecordEvent,
    ResultDelivery,
    ReturnMethod,
    Status,
)
from records.permissions import ensure_can_act, ensure_can_receive
from records.validation import clean_applicant
from stats.tasks import schedule_recompute_for_change

CLOCK_SKEW = timedelta(minutes=2)
# Fields the lifecycle may change; written together with the version check.
LIFECYCLE_FIELDS = [
    "code",
    "status",
    "received_at",
    "due_date",
    "extended_due_date",
    "extended_at",
    "paused_since",
    "supplement_count",
    "finished_at",
    "outcome",
    "returned_at",
    "return_method",
    "digitised",
    "paid_online",
    "e_result",
    "result_delivery",
    "result_at_point_since",
]


# --- Creation -----------------------------------------------------------------------------


def record_receive_new(
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
) -> Record:
    """Receive a complete dossier at the desk: create the record in status *received*, issue
    its code and set its appointment date. ``result_delivery`` says where the applicant wants
    the result (unit's desk, agent point, home by post); the last two need an agent point.
    The channel is in person or by post (``DESK_CHANNELS``): an online dossier is a submission
    (``record_submit``) accepted with ``record_receive``."""
    return _create_record(
        "receive",
        received_at,
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
    )


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
    note: str = "",
) -> Record:
    """Register a submission not yet accepted (status *submitted*, no code yet): an online
    dossier from the National Public Service Portal, or one to be checked before receipt."""
    return _create_record(
        "submit",
        submitted_at,
        actor=actor,
        note=note,
        digitised=False,
        procedure=procedure,
        receiving_unit=receiving_unit,
        handling_unit=handling_unit,
        agent_point=agent_point,
        channel=channel,
        applicant=applicant,
    )


def _create_record(action: str, moment: datetime | None, *, actor, note, digitised, **inputs):
    """Validate, check the actor, then create a record by ``action`` ("receive": status
    received, with code and appointment date; "submit": status submitted) and its first event.
    An online dossier is born digital."""
    fields = _clean_for_create(action, moment, **inputs)
    moment = moment or timezone.now()
    ensure_can_receive(actor, fields["receiving_unit"], channel=fields["channel"])
    status = Status.RECEIVED if action == "receive" else Status.SUBMITTED
    with transaction.atomic():
        record = Record(
            **fields,
            status=status,
            digitised=digitised or fields["channel"] == Channel.ONLINE,
            note=note.strip(),
            created_by=actor,
        )
        if status == Status.RECEIVED:
            _stamp_receipt(record, moment, WorkingCalendar())
        else:
            record.submitted_at = moment
        record.save()
        _write_event(record, action, None, status, actor, moment, note, {})
    return record


def _clean_for_create(action: str, moment: datetime | None, **inputs) -> dict:
    """The checks of a new record; a receipt ("receive") is at the desk (``DESK_CHANNELS``)."""
    now = timezone.now()
    receipt = action == "receive"
    return _clean_new_record(
        **inputs,
        moment=moment or now,
        moment_field="received_at" if receipt else "submitted_at",
        now=now,
        desk=receipt,
    )


def check_receive_new(*, received_at: datetime | None = None, **inputs) -> None:
    """Run the checks of ``record_receive_new`` without writing anything (same arguments but
    ``actor``, ``digitised`` and ``note``): raises its ``ValidationError``. A form that already
    found shape errors calls it so that every error is shown at once."""
    for name in ("actor", "digitised", "note"):
        inputs.pop(name, None)
    _clean_for_create("receive", received_at, **inputs)


# --- Lifecycle actions ---------------------------------------------------------------------


def record_receive(*, record: Record, actor, at=None, expected_version=None, note="") -> Record:
    """Accept a submitted dossier: issue the code and set the appointment date."""

    def change(current: Record, calendar: WorkingCalendar, moment: datetime, data: dict):
        _stamp_receipt(current, moment, calendar)
        data["due_date"] = current.due_date.isoformat()

    return apply_transition(record, "receive", actor, at, expected_version, note, change)


def record_refuse(*, record: Record, actor, reason: str, at=None, expected_version=None):
    """Refuse a submitted dossier at intake, with a reason (not counted as intake)."""
    reason = _required_text(reason, "reason", _("Give the reason for refusing."))

    def change(current, calendar, moment, data):
        current.finished_at = moment

    return apply_transition(record, "refuse", actor, at, expected_version, reason, change)


def record_process(*, record: Record, actor, at=None, expected_version=None, note=""):
    """Hand the record to the competent officer."""
    return apply_transition(record, "process", actor, at, expected_version, note)


def record_request_supplement(
    *, record: Record, actor, reason: str, at=None, expected_version=None
):
    """Ask the applicant for missing documents; the clock pauses."""
    reason = _required_text(reason, "reason", _("Say what the applicant must supplement."))

    def change(current, calendar, moment, data):
        current.supplement_count += 1
        data["supplement_count"] = current.supplement_count

    return apply_transition(
        record, "request_supplement", actor, at, expected_version, reason, change
    )


def record_supplement(*, record: Record, actor, at=None, expected_version=None, note=""):
    """The applicant supplied the documents; the appointment date moves by the pause."""
    return apply_transition(record, "supplement", actor, at, expected_version, note)


def record_request_payment(
    *, record: Record, actor, amount: int | None = None, at=None, expected_version=None, note=""
):
    """Ask for fees or financial obligations; the clock pauses."""
    if amount is not None and (not isinstance(amount, int) or amount < 0):
        raise ValidationError({"amount": _("Enter the amount in đồng as a whole number.")})

    def change(current, calendar, moment, data):
        if amount is not None:
            data["amount"] = amount

    return apply_transition(record, "request_payment", actor, at, expected_version, note, change)


def record_paid(
    *, record: Record, actor, online: bool = False, at=None, expected_version=None, note=""
):
    """Payment received; the appointment date moves by the pause."""

    def change(current, calendar, moment, data):
        current.paid_online = current.paid_online or online
        data["online"] = online

    return apply_transition(record, "paid", actor, at, expected_version, note, change)


def record_resolve(
    *, record: Record, actor, e_result: bool = False, at=None, expected_version=None, note=""
):
    """The result is ready: finished time and outcome (early / on time / late) are set."""

    def change(current, calendar, moment, data):
        current.e_result = current.e_result or e_result

    return apply_transition(record, "resolve", actor, at, expected_version, note, change)


def record_withdraw(*, record: Record, actor, at=None, expected_version=None, note=""):
    """The applicant asks to withdraw the dossier."""
    return apply_transition(record, "withdraw", actor, at, expected_version, note)


def record_stop(*, record: Record, actor, reason: str, at=None, expected_version=None):
    """Stop handling (rejected after review, or withdrawn): finished, with an outcome."""
    reason = _required_text(reason, "reason", _("Give the reason for stopping."))
    return apply_transition(record, "stop", actor, at, expected_version, reason)


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

    return apply_transition(record, "return", actor, at, expected_version, note, change)


def record_extend(
    *, record: Record, actor, new_due_date: date, reason: str, at=None, expected_version=None
):
    """Issue an apology-and-extension letter: a new appointment date, the original kept."""
    reason = _required_text(reason, "reason", _("Give the reason for the extension."))
    if not isinstance(new_due_date, date) or isinstance(new_due_date, datetime):
        raise ValidationError({"new_due_date": _("Enter a valid date.")})

    def change(current, calendar, moment, data):
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

    return apply_transition(record, "extend", actor, at, expected_version, reason, change)


EDITABLE_DETAILS = (
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "note",
    "digitised",
    "result_delivery",
)


def record_update_details(
    *, record: Record, actor, changes: dict, expected_version: int | None = None
) -> Record:
    """Correct contact details, the note or the digitised flag; the status is untouched.

    The event lists which fields changed, never their values (personal data stays out of the
    history's data column).
    """
    unknown = sorted(set(changes) - set(EDITABLE_DETAILS))
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    now = timezone.now()
    with transaction.atomic():
        current = _lock(record, actor, expected_version)
        cleaned = _clean_details(current, changes)
        changed = [name for name, value in cleaned.items() if getattr(current, name) != value]
        if not changed:
            return current
        for name in changed:
            setattr(current, name, cleaned[name])
        _save_locked(current, changed, now)
        _write_event(
            current, "update", current.status, current.status, actor, now, "", {"fields": changed}
        )
    return current


def log_personal_data_access(*, user, records, fields: list[str], via: str) -> None:
    """Record that ``user`` read or exported ``fields`` (ID number, phone) of ``records``."""
    now = timezone.now()
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccess(user=user, record=record, fields=fields, via=via, at=now)
        for record in records
    )


ACTION_SERVICES: dict[str, Callable[..., Record]] = {
    "receive": record_receive,
    "refuse": record_refuse,
    "process": record_process,
    "request_supplement": record_request_supplement,
    "supplement": record_supplement,
    "request_payment": record_request_payment,
    "paid": record_paid,
    "resolve": record_resolve,
    "withdraw": record_withdraw,
    "stop": record_stop,
    "return": record_return,
    "extend": record_extend,
}


# --- Internals -----------------------------------------------------------------------------


def apply_transition(
    record: Record,
    action: str,
    actor,
    at: datetime | None,
    expected_version: int | None,
    note: str,
    change: Callable[[Record, WorkingCalendar, datetime, dict], None] | None = None,
    *,
    permission: Callable = ensure_can_act,
) -> Record:
    """Apply lifecycle ``action`` to ``record``: lock, check ``permission(actor, record)``,
    the version and the status, run ``change`` on the locked row, save, write the event.
    The building block of every action service, here and in ``agent_points.services``."""
    rule = TRANSITIONS[action]
    now = timezone.now()
    moment = at or now
    with transaction.atomic():
        current = _lock(record, actor, expected_version, permission)
        if current.status not in rule.sources:
            raise InvalidTransition(action, current.get_status_display())
        _check_moment(moment, now, after=_last_event_time(current))

        calendar = WorkingCalendar()
        from_status = current.status
        target = rule.target if rule.target is not None else from_status
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
        _save_locked(current, LIFECYCLE_FIELDS, now)
        _write_event(current, action, from_status, target, actor, moment, note, data)
    return current


def _lock(
    record: Record, actor, expected_version: int | None, permission: Callable = ensure_can_act
) -> Record:
    """Re-read the record under a row lock and check the actor and the expected version."""
    current = (
        Record.objects.select_for_update()
        .select_related("receiving_unit", "procedure")
        .get(pk=record.pk)
    )
    permission(actor, current)
    if expected_version is not None and current.version != expected_version:
        raise RecordConflict()
    return current


def _save_locked(current: Record, fields: list[str], now: datetime) -> None:
    """Write ``fields`` only if nobody changed the record since it was read; bump the version."""
    updated = Record.objects.filter(pk=current.pk, version=current.version).update(
        **{name: getattr(current, name) for name in fields},
        version=current.version + 1,
        updated_at=now,
    )
    if updated != 1:  # only reachable where the row lock is not enforced (SQLite)
        raise RecordConflict()
    current.version += 1


def _end_pause(record: Record, moment: datetime, calendar: WorkingCalendar, data: dict):
    record.due_date, days = shift_for_pause(record.due_date, record.paused_since, moment, calendar)
    if record.extended_due_date:
        record.extended_due_date, _ = shift_for_pause(
            record.extended_due_date, record.paused_since, moment, calendar
        )
    record.paused_since = None
    data["paused_working_days"] = days
    data["due_date"] = record.due_date.isoformat() if record.due_date else None


def _stamp_receipt(record: Record, moment: datetime, calendar: WorkingCalendar) -> None:
    record.received_at = moment
    record.due_date = appointment_date(
        moment, record.procedure.time_limit, record.procedure.time_unit, calendar
    )
    record.code = issue_record_code(
        agency_code=record.receiving_unit.agency_code,
        unit_id=record.receiving_unit_id,
        received_at=moment,
    )


def _write_event(record, action, from_status, to_status, actor, at, note, data) -> RecordEvent:
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
    # Every change passes here: recompute the figures it affects once the change commits.
    schedule_recompute_for_change(record=record, action=action, at=at, data=data)
    return event


def _last_event_time(record: Record) -> datetime | None:
    return record.events.order_by("-at").values_list("at", flat=True).first()


def _check_moment(moment: datetime, now: datetime, *, after: datetime | None = None) -> None:
    if timezone.is_naive(moment):
        raise ValidationError({"at": _("The time must include a time zone.")})
    if moment > now + CLOCK_SKEW:
        raise ValidationError({"at": _("The time cannot be in the future.")})
    if after is not None and moment < after:
        raise ValidationError({"at": _("The time cannot be before the record's last step.")})


APPLICANT_FIELDS = (
    "applicant_name",
    "applicant_id_number",
    "applicant_old_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
)


def _clean_details(current: Record, changes: dict) -> dict:
    """``changes`` checked by the rules a new record meets (``clean_applicant`` for the record's
    channel, the result delivery's agent point and address), reporting only changed fields."""
    errors: dict[str, list] = {}
    cleaned = {name: value for name, value in changes.items() if name not in APPLICANT_FIELDS}
    if "note" in cleaned:
        cleaned["note"] = " ".join(str(cleaned["note"] or "").split())
    merged = {name: getattr(current, name) for name in APPLICANT_FIELDS}
    merged.update({name: changes[name] for name in changes if name in APPLICANT_FIELDS})
    try:
        applicant = clean_applicant(current.channel, merged)
    except ValidationError as exc:
        errors.update({k: v for k, v in exc.message_dict.items() if k in changes})
        applicant = merged
    cleaned.update({name: applicant[name] for name in changes if name in APPLICANT_FIELDS})
    delivery = cleaned.get("result_delivery", current.result_delivery)
    if delivery not in ResultDelivery.values:
        errors["result_delivery"] = [_("Choose where the result is handed over.")]
    elif (
        "result_delivery" in changes
        and delivery != ResultDelivery.AT_UNIT
        and not current.agent_point_id
    ):
        errors["result_delivery"] = [_("Choose the agent point that hands over the result.")]
    if delivery == ResultDelivery.BY_POST and not applicant["applicant_address"]:
        errors.setdefault("applicant_address", []).append(
            _("An address is required for postal delivery.")
        )
    if errors:
        raise ValidationError(errors)
    return {name: cleaned[name] for name in changes}  # in the caller's order


def _required_text(value: str | None, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


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
) -> dict:
    errors: dict[str, list] = {}
    fields: dict = {"channel": channel, "result_delivery": result_delivery}
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
    for field, model, value, lookup, message in lookups:
        try:
            fields[field] = _resolve(model, value, lookup, field, message)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if not handling_unit and "receiving_unit" in fields:
        fields["handling_unit"] = fields["receiving_unit"]
    try:
        fields.update(clean_applicant(channel, applicant or {}))
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        _check_moment(moment, now)
    except ValidationError as exc:
        errors[moment_field] = exc.message_dict["at"]
    if errors:
        raise ValidationError(errors)
    return fields
