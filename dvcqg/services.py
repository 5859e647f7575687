"""Online submissions from the national portal, idempotent on its dossier number: the first
delivery creates the submission through ``records.services.record_submit``; the same delivery
again returns it; a different one under the same number is a conflict (409)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from agent_points.models import AgentPoint
from core.errors import DomainError
from records.enums import ResultDelivery
from records.models import Procedure, Record
from records.services import record_complete, record_submit

FINGERPRINT_KEY = "payload_sha256"


class SubmissionConflict(DomainError):
    """A national dossier number already delivered with different content."""

    default_message = (
        "This national dossier number was already delivered with different content; "
        "the first delivery stands."
    )


def _plain(value):
    """Times as the instant in UTC (the same moment written with another offset is the same
    delivery), anything else as text."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)


def fingerprint(data: dict) -> str:
    """A stable digest of a validated submission (keys sorted, times as UTC instants). An
    empty ``notify`` (the field added later) is left out, so a submission delivered before it
    existed has the same digest when delivered again."""
    if not data.get("notify"):
        data = {key: value for key, value in data.items() if key != "notify"}
    text = json.dumps(data, sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def find_procedure(*, code: str = "", key: str = "") -> Procedure | None:
    """By the national procedure code (mã TTHC) first, then by the portal's key."""
    procedures = Procedure.objects.filter(active=True)
    if code:
        found = procedures.filter(national_code=code).first() or procedures.filter(key=code).first()
        if found:
            return found
    return procedures.filter(key=key).first() if key else None


def ensure_can_deliver(actor, unit_code: str) -> None:
    if not actor.delivery_units.filter(code=unit_code).exists():
        raise PermissionDenied(_("This integration account may not deliver to this unit."))


def notify_choices(data: dict) -> dict:
    """The notification channels of a submission (``notify``: sms, zalo, email), with the
    older ``wants_notifications`` meaning SMS."""
    channels = set(data.get("notify") or ())
    if data.get("wants_notifications"):
        channels.add("sms")
    return {f"notify_{name}": name in channels for name in ("sms", "zalo", "email")}


def receive_submission(*, actor, data: dict) -> tuple[Record, bool]:
    """Create the online submission ``data`` (``SubmissionInput``'s validated data) or return
    the one already delivered under its number: ``(record, created)``. Raises
    ``PermissionDenied`` (a unit the account may not deliver to), ``ValidationError`` (bad
    input, nothing written), ``SubmissionConflict`` (same number, other content)."""
    ensure_can_deliver(actor, data["receiving_unit"])
    digest = fingerprint(data)
    existing = _already_delivered(actor, data["national_dossier_no"], digest)
    if existing is not None:
        return existing, False
    procedure = find_procedure(
        code=data.get("procedure_code", ""), key=data.get("procedure_key", "")
    )
    if procedure is None:
        field = "procedure_code" if data.get("procedure_code") else "procedure_key"
        raise ValidationError({field: _("Unknown or inactive procedure.")})
    applicant = data["applicant"]
    agent_point = None
    result_delivery = ResultDelivery.AT_UNIT
    if data.get("result_by_post"):
        # The unit's agent point (Vietnam Post) delivers the result home.
        result_delivery = ResultDelivery.BY_POST
        agent_point = (
            AgentPoint.objects.filter(commune__code=data["receiving_unit"], active=True)
            .order_by("code")
            .first()
        )
    try:
        with transaction.atomic():
            record = record_submit(
                actor=actor,
                procedure=procedure,
                receiving_unit=data["receiving_unit"],
                applicant={
                    "applicant_name": applicant.get("name", ""),
                    "applicant_id_number": applicant.get("id_number", ""),
                    "applicant_phone": applicant.get("phone", ""),
                    "applicant_email": applicant.get("email", ""),
                    "applicant_address": applicant.get("address", ""),
                },
                submitted_at=data["submitted_at"],
                agent_point=agent_point,
                result_delivery=result_delivery,
                national_dossier_no=data["national_dossier_no"],
                components=data.get("components", []),
                **notify_choices(data),
                event_data={FINGERPRINT_KEY: digest},
            )
    except IntegrityError:
        # The same number delivered concurrently: the other delivery won.
        existing = _already_delivered(actor, data["national_dossier_no"], digest)
        if existing is None:
            raise
        return existing, False
    return record, True


def complete_submission(*, actor, national_dossier_no: str, components, note: str = ""):
    """The citizen completed a submission returned for completion: its new documents are
    added and the acceptance clock resumes (``records.services.record_complete``). A number
    unknown to the account's units is ``Record.DoesNotExist`` (404)."""
    record = Record.objects.get(
        national_dossier_no=national_dossier_no,
        receiving_unit__in=actor.delivery_units.all(),
    )
    return record_complete(record=record, actor=actor, components=components, note=note)


def _already_delivered(actor, number: str, digest: str) -> Record | None:
    record = Record.objects.filter(national_dossier_no=number).first()
    if record is None:
        return None
    if not actor.delivery_units.filter(pk=record.receiving_unit_id).exists():
        raise SubmissionConflict(_("This national dossier number belongs to another unit."))
    first = record.events.filter(action="submit").first()
    if first is None or first.data.get(FINGERPRINT_KEY) != digest:
        raise SubmissionConflict(
            _(
                "National dossier number %(number)s was already delivered with different "
                "content; the first delivery stands."
            )
            % {"number": number}
        )
    return record
