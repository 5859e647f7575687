"""The inputs of the lifecycle's actions: each field once (``FIELDS``, for both its form and
its API serializer), the shapes that combine them (``INPUTS``), and the record conditions
beyond the status under which a page offers an action (``CONDITIONS``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from records.enums import DeliveryPlace, ResultDelivery, ReturnMethod, Status


@dataclass(frozen=True)
class InputField:
    """One input of an action, for both its form (label, required) and its API serializer
    (required, help text). A text the API requires may still be blank: the service then says
    what is missing, in the words of the action."""

    kind: str  # "text", "int", "bool", "date", "choice"
    label: Promise
    required: bool = True
    form_required: bool | None = None  # default: as ``required``
    help_text: str = ""
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    choices: tuple = ()
    multiline: bool = False

    @property
    def required_in_form(self) -> bool:
        return self.required if self.form_required is None else self.form_required


FIELDS: dict[str, InputField] = {
    "note": InputField("text", _("Note"), required=False, max_length=2000, multiline=True),
    "reason": InputField("text", _("Reason"), max_length=2000, multiline=True, form_required=False),
    "amount": InputField(
        "int",
        _("Amount (đồng)"),
        required=False,
        min_value=0,
        max_value=10**12,
        help_text="In đồng",
    ),
    "purpose": InputField(
        "text",
        _("For (what is paid)"),
        required=False,
        max_length=300,
        help_text="Default: the procedure's fee and charge",
    ),
    "payment_due": InputField(
        "date", _("Pay by"), required=False, help_text="Default: 5 working days from today"
    ),
    "reference": InputField(
        "text",
        _("Payment reference"),
        required=False,
        max_length=100,
        help_text="The bank transfer's or the counter's reference, if any",
    ),
    "e_result": InputField(
        "bool",
        _("Electronic result issued"),
        required=False,
        help_text="The result is issued electronically",
    ),
    "method": InputField("choice", _("Return method"), choices=tuple(ReturnMethod.choices)),
    "new_due_date": InputField("date", _("New appointment date")),
    "recipient_name": InputField("text", _("Received by (full name)"), max_length=150),
    "place": InputField("choice", _("Where"), choices=tuple(DeliveryPlace.choices)),
    "to_unit": InputField(
        "text",
        _("To the unit (code)"),
        max_length=5,
        help_text="The competent unit's code (5 digits)",
    ),
    "officer": InputField(
        "text",
        _("Specialist (username)"),
        max_length=150,
        help_text="The username of a specialist of the handling unit",
    ),
    "proposal": InputField(
        "choice",
        _("Proposed result"),
        choices=(
            ("resolve", _("resolve")),
            ("stop", _("stop handling")),
            ("extend", _("extend the appointment date")),
        ),
    ),
    "proposed_due_date": InputField(
        "date",
        _("New appointment date (extension)"),
        required=False,
        help_text="Only for a proposed extension",
    ),
}

# The input shapes: the fields of an action's form and serializer after the version the actor
# saw (and, in the API, the time ``at``), in order. The intake and correction shapes (None) are
# the applicant forms and serializers written out in ``records.forms``, ``post.forms`` and
# ``records.api.serializers``.
INPUTS: dict[str, tuple[str, ...] | None] = {
    "note": ("note",),
    "reason": ("reason",),
    "payment": ("note", "amount", "purpose", "payment_due"),
    "paid": ("note", "reference"),
    "resolve": ("note", "e_result"),
    "return": ("note", "method"),
    "extend": ("new_due_date", "reason"),
    "deliver": ("note", "recipient_name", "place"),
    "transfer": ("to_unit", "reason"),
    "reassign": ("officer", "reason"),
    "propose": ("proposal", "note", "e_result", "proposed_due_date", "reason"),
    "desk_intake": None,
    "postal_intake": None,
    "details": None,
}

# Conditions on a record beyond its status under which an action is offered on a page (its
# service refuses it otherwise, with a ``RecordConflict`` saying why).
CONDITIONS = {
    "not_digitised": lambda record: not record.digitised,
    "result_wanted_from_point": lambda record: record.result_delivery != ResultDelivery.AT_UNIT,
    "result_not_at_point": lambda record: record.result_at_point_since is None,
    "result_at_point": lambda record: record.result_at_point_since is not None,
    # An online submission returned to the citizen for completion (its clock stopped).
    "not_awaiting_completion": lambda record: record.paused_since is None,
    # Transfers between units (Decree 118/2025): the receiving unit hands the record to the
    # competent unit, which accepts it (or sends it back); its result goes back to the
    # receiving unit's desk, which returns it.
    "handled_where_received": lambda record: record.handling_unit_id == record.receiving_unit_id,
    "transfer_pending": lambda record: record.transfer_pending_since is not None,
    "no_transfer_pending": lambda record: record.transfer_pending_since is None,
    "result_not_at_desk": lambda record: (
        record.handling_unit_id != record.receiving_unit_id and record.result_at_desk_since is None
    ),
    "result_at_desk": lambda record: (
        record.handling_unit_id == record.receiving_unit_id
        or record.result_at_desk_since is not None
    ),
    # A fee of the record was paid and not yet refunded (one query).
    "fee_paid": lambda record: record.payment_requests.filter(state="paid").exists(),
    # The chain of officers (README): a procedure that needs the leader's approval has its
    # result proposed (and approved) instead of done at once; a withdrawal stops without it.
    "no_approval_needed": lambda record: (
        not record.procedure.needs_approval or record.status == Status.WITHDRAWAL_REQUESTED
    ),
    "approval_needed": lambda record: record.procedure.needs_approval,
    "no_pending_proposal": lambda record: (
        not record.proposals.filter(decided_at__isnull=True).exists()
    ),
    "pending_proposal": lambda record: record.proposals.filter(decided_at__isnull=True).exists(),
}

# The conditions the engine itself enforces (a ``RecordConflict`` with this message when the
# record does not meet them), whatever the entry point.
ENFORCED_CONDITIONS = {
    "handled_where_received": _("The record has already been transferred to another unit."),
    "transfer_pending": _("No transfer of this record is awaiting acceptance."),
    "no_transfer_pending": _("The record's transfer has not been accepted yet."),
    "result_not_at_desk": _("The result is already at the receiving unit's desk."),
    "result_at_desk": _("The result has not been sent to the receiving unit's desk yet."),
}
