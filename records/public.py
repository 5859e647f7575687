"""What the public may learn of a record, and how a citizen shows they may learn it.

Two ways in, both without a login: the record code with the owner's personal ID number (typed
on the lookup page), or the status link printed as a QR code on every slip and sent in every
notification. The link carries a signed token (``status_token``): the record's opaque
``public_id`` and the time it was issued, signed with the ``SECRET_KEY`` (HMAC), so it cannot
be guessed or altered, and it expires ``STATUS_LINK_MAX_AGE_DAYS`` after it was issued. Neither
the code nor the ID number is in the link.

``public_status`` is the reduced view both lead to: the status in plain public words, the
procedure, the unit, the dates, what the citizen must do now, and the public steps of the
history. Never the applicant's name, ID number, phone, e-mail or address, nor an officer's
name or a clerk's internal note.
"""

from __future__ import annotations

import base64
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from records.enums import ResultDelivery, Status
from records.models import Record, RecordEvent
from records.selectors import open_payment_request

SALT = "records.public.status-link"
SEPARATOR = "."  # not in the URL-safe base64 alphabet of the signature: links stay readable


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT, sep=SEPARATOR)


def max_age() -> timedelta:
    return timedelta(days=settings.STATUS_LINK_MAX_AGE_DAYS)


def _encode(public_id: UUID) -> str:
    return base64.urlsafe_b64encode(public_id.bytes).rstrip(b"=").decode()


def _decode(value: str) -> UUID:
    return UUID(bytes=base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))


def status_token(record: Record) -> str:
    """A new status link token for ``record`` (valid ``STATUS_LINK_MAX_AGE_DAYS`` from now):
    the record's ``public_id`` in 22 characters, the time of issue, and the signature."""
    return _signer().sign(_encode(record.public_id))


def status_path(record: Record) -> str:
    return reverse("citizens:link", kwargs={"token": status_token(record)})


def status_url(record: Record) -> str:
    """The absolute status link (``PUBLIC_BASE_URL`` + path): for the QR code and messages,
    which are read outside any request."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + status_path(record)


def record_for_token(token: str) -> Record | None:
    """The record of a valid, unexpired token; None for anything else (altered, expired,
    malformed). A refused online submission has no code but has its refusal slip's link."""
    try:
        public_id = _decode(_signer().unsign(token, max_age=max_age()))
    except (signing.BadSignature, ValueError):
        return None
    return (
        Record.objects.select_related("procedure", "receiving_unit", "handling_unit", "agent_point")
        .filter(public_id=public_id)
        .first()
    )


def normalise_code(code: str) -> str:
    return "".join(str(code or "").split()).upper()


def normalise_id(id_number: str) -> str:
    return "".join(ch for ch in str(id_number or "") if ch.isdigit())


def record_for_lookup(code: str, id_number: str) -> Record | None:
    """The record whose code is ``code`` and whose applicant's personal ID number (12 digits)
    or old ID number (9 digits) is ``id_number``; None otherwise. The same single query runs
    and the same comparison is made whether the code exists or not, so that neither the answer
    nor its time tells a wrong code from a wrong ID number."""
    given = normalise_id(id_number)
    record = (
        Record.objects.select_related("procedure", "receiving_unit", "handling_unit", "agent_point")
        .filter(code=normalise_code(code))
        .first()
    )
    # Compare against a placeholder when there is no such record: the work is the same.
    ids = (record.applicant_id_number, record.applicant_old_id_number) if record else ("", "")
    matched = False
    for stored in ids:
        # Both sides as bytes of the same kind; an empty stored number never matches.
        matched |= bool(stored) & hmac.compare_digest(stored.encode(), given.encode())
    return record if (record is not None and matched and given) else None


# --- The reduced view -----------------------------------------------------------------------

PUBLIC_WORDS = {
    Status.SUBMITTED: _("Submitted online, waiting for the unit to accept it"),
    Status.RECEIVED: _("Received, waiting to be handled"),
    Status.REFUSED: _("Not accepted"),
    Status.PROCESSING: _("Being handled"),
    Status.SUPPLEMENT_REQUESTED: _("Waiting for you to supplement the dossier"),
    Status.AWAITING_PAYMENT: _("Waiting for your payment"),
    Status.WITHDRAWAL_REQUESTED: _("You asked to withdraw the dossier"),
    Status.STOPPED: _("Handling stopped"),
    Status.RESOLVED: _("The result is ready"),
    Status.RETURNED: _("The result has been handed over"),
}
AWAITING_COMPLETION_WORDS = _("Waiting for you to complete the online dossier")

# The steps a citizen sees, in their words; any other action (a correction of the details, a
# digitisation, the point's taking over) is internal and not shown.
PUBLIC_STEPS = {
    "submit": _("Submitted online"),
    "receive": _("Dossier received, appointment given"),
    "refuse": _("Dossier not accepted"),
    "request_completion": _("Asked to complete the online dossier"),
    "complete": _("Online dossier completed"),
    "process": _("Handling started"),
    "request_supplement": _("Asked to supplement the dossier"),
    "supplement": _("Dossier supplemented"),
    "request_payment": _("Asked to pay the fee"),
    "paid": _("Fee paid"),
    "resolve": _("Result ready"),
    "withdraw": _("Withdrawal requested"),
    "stop": _("Handling stopped"),
    "extend": _("Apology and new appointment date"),
    "return": _("Result handed over"),
    "deliver": _("Result handed over"),
}
# Steps whose note is written for the citizen (the reason they are told; the national portal
# receives it too): shown. Every other note is the clerks' own.
REASON_STEPS = frozenset({"refuse", "request_completion", "request_supplement", "stop", "extend"})


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    label: str
    reason: str = ""


@dataclass(frozen=True)
class Todo:
    """What the citizen must do now: ``kind`` is ``complete``, ``supplement``, ``pay``,
    ``collect`` or ``wait``; ``detail`` says what (the reason, the amount, the place)."""

    kind: str
    detail: str = ""
    amount: int | None = None
    # ``pay``: the open payment request's public id (the "Pay online" link) and date to pay by.
    payment: UUID | None = None
    pay_by: date | None = None


@dataclass(frozen=True)
class PublicStatus:
    code: str
    status: int
    words: str
    procedure: str
    procedure_code: str
    unit: str
    handling_unit: str
    received_at: datetime | None
    submitted_at: datetime | None
    due_date: date | None
    extended_due_date: date | None
    finished_at: datetime | None
    returned_at: datetime | None
    todo: Todo
    steps: tuple[PublicStep, ...]
    is_open: bool
    is_returned: bool


def collection_place(record: Record) -> str:
    """Where the result is handed over: the agent point, home delivery by post, or the unit's
    desk at its headquarters (public places, never the applicant's address)."""
    if record.result_delivery == ResultDelivery.BY_POST:
        return str(_("delivered to your address by Vietnam Post"))
    if record.result_delivery == ResultDelivery.AT_POINT and record.agent_point is not None:
        point = record.agent_point
        return ", ".join(part for part in (point.name, point.address) if part)
    unit = record.receiving_unit
    return str(_("the one-stop desk of %(unit)s, %(address)s")) % {
        "unit": unit.name,
        "address": unit.hq_address,
    }


def _last(events: list[RecordEvent], action: str) -> RecordEvent | None:
    return next((event for event in reversed(events) if event.action == action), None)


def _todo(record: Record, events: list[RecordEvent]) -> Todo:
    if record.status == Status.SUBMITTED and record.paused_since is not None:
        event = _last(events, "request_completion")
        return Todo("complete", event.note if event else "")
    if record.status == Status.SUPPLEMENT_REQUESTED:
        event = _last(events, "request_supplement")
        return Todo("supplement", event.note if event else "")
    if record.status == Status.AWAITING_PAYMENT:
        request = open_payment_request(record)
        if request is not None:
            return Todo(
                "pay",
                request.purpose,
                request.amount or None,
                payment=request.public_id,
                pay_by=request.due_date,
            )
        event = _last(events, "request_payment")
        amount = event.data.get("amount") if event else None
        return Todo("pay", "", amount if isinstance(amount, int) else None)
    if record.status == Status.RESOLVED:
        return Todo("collect", collection_place(record))
    return Todo("wait")


def public_steps(events) -> tuple[PublicStep, ...]:
    steps = []
    for event in events:
        label = PUBLIC_STEPS.get(event.action)
        if label is None:
            continue
        reason = event.note if event.action in REASON_STEPS else ""
        steps.append(PublicStep(at=event.at, label=str(label), reason=reason))
    return tuple(steps)


def public_status(record: Record) -> PublicStatus:
    """The reduced view of ``record`` (two queries: the record is given, its events are read;
    a third for the open payment request of a record awaiting payment)."""
    events = list(record.events.only("action", "at", "note", "data").order_by("at", "id"))
    awaiting_completion = record.status == Status.SUBMITTED and record.paused_since is not None
    words = AWAITING_COMPLETION_WORDS if awaiting_completion else PUBLIC_WORDS[record.status]
    procedure = record.procedure
    return PublicStatus(
        code=record.code or record.national_dossier_no or "",
        status=record.status,
        words=str(words),
        procedure=procedure.display_name,
        procedure_code=procedure.national_code or procedure.key,
        unit=record.receiving_unit.name,
        handling_unit=record.handling_unit.name,
        received_at=record.received_at,
        submitted_at=record.submitted_at,
        due_date=record.due_date,
        extended_due_date=record.extended_due_date,
        finished_at=record.finished_at,
        returned_at=record.returned_at,
        todo=_todo(record, events),
        steps=public_steps(events),
        is_open=record.is_open,
        is_returned=record.status == Status.RETURNED,
    )
