"""Corrections of a record's details (action ``update``): contact details, the note, the
digitised flag, where the result is wanted. The status is untouched."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from records.enums import ResultDelivery
from records.models import Record
from records.services.engine import field_values, lock_record, save_changes, write_event
from records.validation import clean_applicant

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
        current = lock_record(
            record=record, actor=actor, expected_version=expected_version, action="update"
        )
        cleaned = _clean_details(current, changes)
        changed = [name for name, value in cleaned.items() if getattr(current, name) != value]
        if not changed:
            return current
        before = field_values(current)
        for name in changed:
            setattr(current, name, cleaned[name])
        save_changes(record=current, before=before, now=now)
        write_event(
            record=current,
            action="update",
            from_status=current.status,
            to_status=current.status,
            actor=actor,
            at=now,
            note="",
            data={"fields": changed},
        )
    return current


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
