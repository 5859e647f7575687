"""The national portal's shapes of an online submission, as its connector posts them to
``POST /api/v1/dvcqg/submissions/``, and the answer it gets back. The only place (with
``dvcqg.services``) that knows them: the records know only ``record_submit``."""

from rest_framework import serializers

from records.enums import Status
from records.models import ComponentKind, Record


class ApplicantInput(serializers.Serializer):
    name = serializers.CharField(max_length=150, help_text="Full name (họ và tên).")
    id_number = serializers.CharField(
        max_length=12, required=False, allow_blank=True, help_text="12-digit personal ID number."
    )
    phone = serializers.CharField(max_length=15, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True)


class ComponentInput(serializers.Serializer):
    name = serializers.CharField(max_length=300, help_text="The document (thành phần hồ sơ).")
    kind = serializers.ChoiceField(
        choices=ComponentKind.choices, default=ComponentKind.COPY, help_text="Original or copy."
    )
    count = serializers.IntegerField(min_value=1, max_value=100, default=1)
    file_name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    size = serializers.IntegerField(min_value=0, required=False, default=0, help_text="Bytes.")
    checksum = serializers.CharField(max_length=128, required=False, allow_blank=True)
    digitised = serializers.BooleanField(default=False)
    reused = serializers.BooleanField(
        default=False, help_text="Reused from the national data (not uploaded again)."
    )


class SubmissionInput(serializers.Serializer):
    national_dossier_no = serializers.CharField(
        max_length=50, help_text="The national portal's dossier number: the idempotency key."
    )
    procedure_code = serializers.CharField(
        max_length=30,
        required=False,
        allow_blank=True,
        help_text="The national procedure code (mã TTHC), or give procedure_key.",
    )
    procedure_key = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="The portal's procedure key (GET /api/v1/procedures/).",
    )
    receiving_unit = serializers.RegexField(
        r"^\d{5}$", help_text="5-digit code of the receiving unit (one you may deliver to)."
    )
    applicant = ApplicantInput()
    submitted_at = serializers.DateTimeField(help_text="When the citizen submitted, with offset.")
    components = ComponentInput(many=True, required=False, default=list)
    wants_notifications = serializers.BooleanField(
        default=False,
        help_text="The applicant wants notifications: by SMS (the field before `notify`; kept).",
    )
    notify = serializers.ListField(
        child=serializers.ChoiceField(choices=["sms", "zalo", "email"]),
        required=False,
        default=list,
        max_length=3,
        help_text="The channels the applicant chose for notifications: sms and zalo need the "
        "phone, email the e-mail address.",
    )
    result_by_post = serializers.BooleanField(
        default=False, help_text="The result is to be delivered home by post."
    )

    def validate(self, data):
        if not (data.get("procedure_code") or data.get("procedure_key")):
            raise serializers.ValidationError(
                {"procedure_code": ["Give the national procedure code or the procedure key."]}
            )
        return data


class CompletionInput(serializers.Serializer):
    components = ComponentInput(
        many=True, required=False, default=list, help_text="The documents the citizen added."
    )
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class SubmissionOutput(serializers.ModelSerializer):
    """The submission as the connector sees it: never the applicant's identifiers."""

    status_label = serializers.CharField(source="get_status_display", read_only=True)
    receiving_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    accepted = serializers.SerializerMethodField()

    class Meta:
        model = Record
        fields = [
            "public_id",
            "national_dossier_no",
            "status",
            "status_label",
            "receiving_unit",
            "submitted_at",
            "acceptance_due_at",
            "accepted",
            "code",
        ]
        read_only_fields = fields

    def get_accepted(self, record) -> bool:
        return record.status not in (Status.SUBMITTED, Status.REFUSED)
