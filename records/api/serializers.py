"""Record serializers: explicit fields, masking of personal identifiers, action inputs.

Lists always mask the personal ID and phone (``046*******89``). Detail shows them in full only
when the view says so (``show_identifiers`` in the context) — the view decides and logs.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from records.enums import Channel, Outcome, ResultDelivery, ReturnMethod, Status
from records.extensions import record_extras
from records.lifecycle import ACTIONS, FIELDS, INPUTS, InputField, allowed_actions
from records.models import (
    DossierComponent,
    Payment,
    PaymentRequest,
    Procedure,
    ProcedureComponent,
    Record,
    RecordEvent,
    RecordScan,
    Refund,
)
from records.permissions import may_act
from records.selectors import record_payment_requests
from records.validation import mask_id, mask_phone

IDENTIFIER_FIELDS = ("applicant_id_number", "applicant_old_id_number", "applicant_phone")


@extend_schema_field(serializers.CharField())
class ChoiceLabelField(serializers.ReadOnlyField):
    """The label of a choice value in the active language: what ``get_<field>_display`` gives,
    without DRF inspecting that method's signature on every row (a third of a list's time)."""

    def __init__(self, choices, **kwargs):
        self.labels = dict(choices)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return str(self.labels.get(value, value))


class ProcedureComponentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureComponent
        fields = ["id", "position", "name", "kind", "count", "optional"]
        read_only_fields = fields


class ProcedureSerializer(serializers.ModelSerializer):
    required_components = ProcedureComponentSerializer(many=True, read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "key",
            "national_code",
            "name",
            "name_en",
            "field",
            "field_en",
            "time_limit",
            "time_unit",
            "online_level",
            "fee",
            "charge",
            "active",
            "required_components",
        ]
        read_only_fields = fields


class RefundSerializer(serializers.ModelSerializer):
    refunded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Refund
        fields = ["amount", "reason", "refunded_at", "refunded_by"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    received_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    receipt_no = serializers.CharField(read_only=True)
    refund = serializers.SerializerMethodField()

    class Meta:
        model = Payment
        fields = [
            "amount",
            "channel",
            "reference",
            "paid_at",
            "received_by",
            "receipt_no",
            "refund",
        ]
        read_only_fields = fields

    @extend_schema_field(RefundSerializer(allow_null=True))
    def get_refund(self, payment):
        refund = getattr(payment, "refund", None)
        return RefundSerializer(refund).data if refund is not None else None


class PaymentRequestSerializer(serializers.ModelSerializer):
    """A payment request of a record, its payment (with the receipt number) and refund."""

    payment = serializers.SerializerMethodField()

    class Meta:
        model = PaymentRequest
        fields = ["public_id", "amount", "purpose", "due_date", "state", "requested_at", "payment"]
        read_only_fields = fields

    @extend_schema_field(PaymentSerializer(allow_null=True))
    def get_payment(self, request):
        payment = getattr(request, "payment", None)
        return PaymentSerializer(payment).data if payment is not None else None


class RecordSerializer(serializers.ModelSerializer):
    """A row of the record list."""

    procedure = serializers.SlugRelatedField(slug_field="key", read_only=True)
    procedure_name = serializers.CharField(source="procedure.name", read_only=True)
    receiving_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    handling_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    agent_point = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    outcome = serializers.ChoiceField(choices=Outcome.choices, allow_blank=True, read_only=True)
    return_method = serializers.ChoiceField(
        choices=ReturnMethod.choices, allow_blank=True, read_only=True
    )
    status_label = ChoiceLabelField(Status.choices, source="status")
    channel_label = ChoiceLabelField(Channel.choices, source="channel")
    overdue = serializers.BooleanField(
        source="is_overdue",
        read_only=True,
        help_text="Overdue now: open, not waiting for the citizen, past the date last promised "
        "(the extended date if any).",
    )
    paused = serializers.BooleanField(
        source="is_paused",
        read_only=True,
        help_text="Waiting for the citizen's supplement or payment: the clock is stopped.",
    )
    past_original_date = serializers.BooleanField(
        source="is_past_original_date",
        read_only=True,
        help_text="Open, not paused and past the original appointment date (late for the "
        "Decision 766 index even when extended).",
    )

    class Meta:
        model = Record
        fields = [
            "code",
            "status",
            "status_label",
            "channel",
            "channel_label",
            "procedure",
            "procedure_name",
            "receiving_unit",
            "handling_unit",
            "agent_point",
            "applicant_name",
            "applicant_id_number",
            "applicant_phone",
            "received_at",
            "due_date",
            "extended_due_date",
            "overdue",
            "paused",
            "past_original_date",
            "finished_at",
            "outcome",
            "returned_at",
            "return_method",
            "version",
        ]
        read_only_fields = fields

    def to_representation(self, record):
        data = super().to_representation(record)
        if not self.context.get("show_identifiers"):
            for name in IDENTIFIER_FIELDS:
                if name in data:
                    masker = mask_phone if name == "applicant_phone" else mask_id
                    data[name] = masker(data[name])
        return data


class DossierComponentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierComponent
        fields = ["position", "name", "kind", "count", "provided", "digitised", "reused"]
        read_only_fields = fields


class RecordDetailSerializer(RecordSerializer):
    allowed_actions = serializers.SerializerMethodField()
    extras = serializers.SerializerMethodField(
        help_text=(
            "What the apps built on the records add (records.extensions), by name: "
            '"sync" is the record\'s sync state with the national portal '
            "(state synced / pending / failed, messages, unsent, attempts, last_error, "
            "last_sent_at), for online records."
        )
    )
    applicant_email = serializers.CharField(read_only=True)
    components = DossierComponentSerializer(many=True, read_only=True)
    payments = serializers.SerializerMethodField(
        help_text="The record's payment requests (fee and charge), oldest first, each with its "
        "payment (channel, reference, receipt number) and refund."
    )

    class Meta(RecordSerializer.Meta):
        fields = RecordSerializer.Meta.fields + [
            "public_id",
            "national_dossier_no",
            "acceptance_due_at",
            "applicant_old_id_number",
            "applicant_email",
            "applicant_address",
            "submitted_at",
            "paused_since",
            "supplement_count",
            "digitised",
            "paid_online",
            "payments",
            "e_result",
            "result_delivery",
            "result_at_point_since",
            "notify_sms",
            "notify_zalo",
            "notify_email",
            "note",
            "components",
            "components_missing",
            "transfer_pending_since",
            "result_at_desk_since",
            "allowed_actions",
            "extras",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, record) -> list[str]:
        """The unit's actions the caller may take now: the status, the table's conditions
        (e.g. a refund needs a paid fee; the leader's approval only on procedures that need
        it) and the entry's permission (a transfer: the receiving or the handling unit)."""
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return [
            name.replace("_", "-")
            for name in allowed_actions(record.status)
            if ACTIONS[name].offered_on(record)
            and (user is None or may_act(user, record, ACTIONS[name].permission))
        ]

    @extend_schema_field(serializers.DictField(child=serializers.DictField()))
    def get_extras(self, record) -> dict:
        return record_extras(record)

    @extend_schema_field(PaymentRequestSerializer(many=True))
    def get_payments(self, record) -> list[dict]:
        return PaymentRequestSerializer(record_payment_requests(record), many=True).data


class DeliveryRecordSerializer(RecordSerializer):
    """What post office staff see: enough to deliver a result, never the personal ID."""

    class Meta(RecordSerializer.Meta):
        fields = [
            "code",
            "status",
            "status_label",
            "procedure_name",
            "receiving_unit",
            "agent_point",
            "applicant_name",
            "applicant_phone",
            "applicant_address",
            "due_date",
            "result_delivery",
            "result_at_point_since",
            "digitised",
            "finished_at",
            "returned_at",
            "return_method",
            "version",
        ]
        read_only_fields = fields


class RecordScanSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = RecordScan
        fields = ["id", "title", "original_name", "content_type", "size", "sha256"]
        fields += ["uploaded_by", "uploaded_at"]
        read_only_fields = fields


class ScanInput(serializers.Serializer):
    """A scan to attach (multipart): PDF, JPEG or PNG by content, at most SCANS_MAX_BYTES."""

    file = serializers.FileField(help_text="PDF, JPEG or PNG (checked by content)")
    title = serializers.CharField(max_length=300, required=False, allow_blank=True)


class RecordEventSerializer(serializers.ModelSerializer):
    action_label = serializers.CharField(read_only=True)
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = RecordEvent
        fields = [
            "at",
            "action",
            "action_label",
            "from_status",
            "to_status",
            "actor",
            "note",
            "data",
        ]
        read_only_fields = fields


class ApplicantInput(serializers.Serializer):
    """Applicant fields of a new record: types only, the receiving service checks the rules."""

    procedure = serializers.CharField(max_length=100, help_text="Procedure key")
    applicant_name = serializers.CharField(max_length=150, allow_blank=True)
    applicant_id_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    applicant_old_id_number = serializers.CharField(max_length=20, required=False, allow_blank=True)
    applicant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    applicant_email = serializers.EmailField(required=False, allow_blank=True)
    applicant_address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    received_at = serializers.DateTimeField(required=False)
    digitised = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    notify_sms = serializers.BooleanField(
        required=False, default=False, help_text="Notify the applicant by SMS (needs the phone)."
    )
    notify_zalo = serializers.BooleanField(
        required=False, default=False, help_text="Notify the applicant by Zalo (needs the phone)."
    )
    notify_email = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Notify the applicant by e-mail (needs the e-mail address).",
    )


class RecordCreateSerializer(ApplicantInput):
    """Input of ``POST /records/``: a dossier received at the desk."""

    receiving_unit = serializers.CharField(
        max_length=5, required=False, help_text="Unit code; defaults to the clerk's unit"
    )
    handling_unit = serializers.CharField(max_length=5, required=False)
    agent_point = serializers.CharField(max_length=20, required=False)
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        help_text="1 in person or 3 by post; 2 (online) is refused: an online dossier comes "
        "from an online submission",
    )
    result_delivery = serializers.ChoiceField(
        choices=ResultDelivery.choices, required=False, default=ResultDelivery.AT_UNIT
    )
    components_provided = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        required=False,
        max_length=100,
        help_text="Ids of the procedure's required components handed in "
        "(GET /procedures/{key}/: required_components); the others are listed as missing",
    )
    components_missing = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    specialist = serializers.CharField(
        max_length=150,
        required=False,
        help_text="Username of the handling unit's specialist to hand the record to; default: "
        "the next one in turn for the procedure's field",
    )


class PostalIntakeSerializer(ApplicantInput):
    """Input of ``POST /records/postal/``: a dossier received by post at the staff member's
    agent point, for a unit (default: the point's unit)."""

    receiving_unit = serializers.CharField(max_length=5, required=False)
    result_delivery = serializers.ChoiceField(
        choices=ResultDelivery.choices, required=False, default=ResultDelivery.BY_POST
    )


class RecordUpdateSerializer(serializers.Serializer):
    """Input of ``PATCH /records/{code}/``: contact details, note, digitised flag."""

    applicant_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    applicant_email = serializers.EmailField(required=False, allow_blank=True)
    applicant_address = serializers.CharField(max_length=255, required=False, allow_blank=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    digitised = serializers.BooleanField(required=False)
    result_delivery = serializers.ChoiceField(choices=ResultDelivery.choices, required=False)
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


# --- Inputs of the lifecycle actions ---------------------------------------------------------


class ActionInput(serializers.Serializer):
    at = serializers.DateTimeField(
        required=False, help_text="When it happened (default: now); not in the future"
    )
    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        required=False,
        help_text="The version you saw; 409 if it changed",
    )


def serializer_field(spec: InputField) -> serializers.Field:
    """The serializer field of one action input of ``records.lifecycle.FIELDS``."""
    options: dict = {"required": spec.required}
    if spec.help_text:
        options["help_text"] = spec.help_text
    if spec.kind == "text":
        if not spec.required:
            options["default"] = ""
        return serializers.CharField(max_length=spec.max_length, allow_blank=True, **options)
    if spec.kind == "int":
        return serializers.IntegerField(
            min_value=spec.min_value, max_value=spec.max_value, **options
        )
    if spec.kind == "bool":
        return serializers.BooleanField(**{**options, "required": False, "default": False})
    if spec.kind == "date":
        return serializers.DateField(**options)
    if spec.kind == "choice":
        return serializers.ChoiceField(choices=list(spec.choices), **options)
    raise ValueError(f"unknown input kind {spec.kind!r}")


def _input_serializer(shape: str, fields: tuple[str, ...]) -> type[ActionInput]:
    name = "".join(part.capitalize() for part in shape.split("_")) + "Input"
    attributes = {field: serializer_field(FIELDS[field]) for field in fields}
    return type(name, (ActionInput,), {"__module__": __name__, **attributes})


# One serializer per input shape of the lifecycle table (NoteInput, ReasonInput, ...), and the
# intake and correction serializers written out above.
INPUT_SERIALIZERS: dict[str, type[serializers.Serializer]] = {
    shape: _input_serializer(shape, fields) for shape, fields in INPUTS.items() if fields
}
INPUT_SERIALIZERS.update(
    desk_intake=RecordCreateSerializer,
    postal_intake=PostalIntakeSerializer,
    details=RecordUpdateSerializer,
)
