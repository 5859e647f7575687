"""Records API: thin viewsets over the scoped selectors and the lifecycle services."""

import uuid

from django.http import Http404
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts.api.permissions import (
    ClerkOrPostStaffWrites,
    ClerkWritesOthersRead,
    LeaderWrites,
    PostStaffWrites,
)
from accounts.models import Role
from records.api.serializers import (
    IDENTIFIER_FIELDS,
    INPUT_SERIALIZERS,
    DeliveryRecordSerializer,
    ProcedureSerializer,
    RecordDetailSerializer,
    RecordEventSerializer,
    RecordScanSerializer,
    RecordSerializer,
    ScanInput,
)
from records.enums import AccessChannel
from records.filters import ProcedureFilter, RecordApiFilter
from records.lifecycle import ACTIONS, Action, Actor, Permission
from records.models import Procedure
from records.permissions import can_see_identifiers
from records.scans import scan_response
from records.selectors import (
    record_history,
    record_scans,
    records_for_user,
    scan_for_record,
    submission_for_user,
)
from records.services import (
    ACTION_SERVICES,
    log_personal_data_access,
    postal_receive,
    record_attach_scan,
    record_create_at_desk,
    record_update_details,
)

ERRORS = {
    400: OpenApiResponse(description='Invalid input: `{"field": ["message"]}`'),
    403: OpenApiResponse(description="Your role may not do this"),
    404: OpenApiResponse(description="No such record in your scope"),
    409: OpenApiResponse(description="Not allowed in the record's status, or changed meanwhile"),
}
CODE_PARAMETER = OpenApiParameter(
    "code",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description="Record code, e.g. H57.19753-250701-0001",
)
RECORD_EXAMPLE = OpenApiExample(
    "Record",
    response_only=True,
    value={
        "code": "H57.19753-250707-0001",
        "status": 4,
        "status_label": "processing",
        "channel": 1,
        "channel_label": "in person",
        "procedure": "ho-tich-khai-sinh-da-co-giay-to",
        "procedure_name": "Đăng ký khai sinh cho người đã có hồ sơ, giấy tờ cá nhân",
        "receiving_unit": "19753",
        "handling_unit": "19753",
        "agent_point": None,
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "046*******34",
        "applicant_phone": "091*****78",
        "received_at": "2025-07-07T09:00:00+07:00",
        "due_date": "2025-07-14",
        "extended_due_date": None,
        "overdue": False,
        "paused": False,
        "past_original_date": False,
        "finished_at": None,
        "outcome": "",
        "returned_at": None,
        "return_method": "",
        "version": 2,
        "allowed_actions": ["request-supplement", "request-payment", "resolve", "extend"],
    },
)
DESK_INTAKE = ACTIONS["receive_at_desk"]
POSTAL_INTAKE = ACTIONS["receive_by_post"]
CORRECTION = ACTIONS["update"]


def request_example(entry: Action) -> OpenApiExample:
    """The request example of ``entry``'s route, from the lifecycle table."""
    return OpenApiExample(entry.example_title, value=entry.example, request_only=True)


def permission_classes_for(entry: Action) -> list | None:
    """The API permission of ``entry``'s route (None: the viewset's own, the unit's clerks)."""
    if entry.permission == Permission.UNIT_OR_POINT:
        return [ClerkOrPostStaffWrites]
    if entry.permission == Permission.APPROVE:
        return [LeaderWrites]
    if entry.actor == Actor.POINT:
        return [PostStaffWrites]
    return None


@extend_schema_view(
    list=extend_schema(tags=["reference"], summary="Administrative procedures"),
    retrieve=extend_schema(tags=["reference"], summary="One procedure by key"),
)
class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ProcedureSerializer
    filterset_class = ProcedureFilter
    permission_classes = [AllowAny]
    lookup_field = "key"
    lookup_value_regex = r"[-a-z0-9_]+"
    queryset = Procedure.objects.order_by("field", "key").prefetch_related("required_components")


def lifecycle_action(entry: Action):
    """The ``POST records/{code}/<name>/`` endpoint of a transition of the lifecycle table,
    calling its service, documented from the entry (summary, input, example)."""
    input_serializer = INPUT_SERIALIZERS[entry.inputs]
    service = ACTION_SERVICES[entry.name]

    def endpoint(self, request, code=None):
        record = self.get_object()
        payload = input_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        arguments = dict(payload.validated_data)
        arguments["expected_version"] = arguments.pop("version", None)
        record = service(record=record, actor=request.user, **arguments)
        return Response(self.get_serializer_for(RecordDetailSerializer, record).data)

    label = english_label(entry)
    endpoint.__name__ = endpoint.__qualname__ = f"{entry.name}_action"
    endpoint.__doc__ = f"{label} (lifecycle action)."
    permission_classes = permission_classes_for(entry)
    extra = {"permission_classes": permission_classes} if permission_classes else {}
    routed = action(
        detail=True, methods=["post"], url_path=entry.url_name, url_name=entry.url_name, **extra
    )(endpoint)
    # After @action, which replaces the function's kwargs where the schema is kept.
    return extend_schema(
        tags=["agent points" if entry.actor == Actor.POINT else "record actions"],
        summary=label,
        parameters=[CODE_PARAMETER],
        request=input_serializer,
        responses={200: RecordDetailSerializer, **ERRORS},
        examples=[request_example(entry), RECORD_EXAMPLE],
    )(routed)


def english_label(entry: Action) -> str:
    with translation.override("en"):
        return entry.summary or str(entry.label).capitalize()


def with_lifecycle_actions(viewset):
    """Add the route of every transition of the lifecycle table to ``viewset``."""
    for entry in ACTIONS.values():
        if entry.is_transition and entry.actor != Actor.SYSTEM:
            setattr(viewset, f"{entry.name}_action", lifecycle_action(entry))
    return viewset


@extend_schema_view(
    list=extend_schema(tags=["records"], summary="Records in your scope (ID and phone masked)"),
    retrieve=extend_schema(
        tags=["records"],
        summary="One record (full ID and phone for the unit's staff; each such read is logged)",
        parameters=[CODE_PARAMETER],
        responses={200: RecordDetailSerializer, 404: ERRORS[404]},
        examples=[RECORD_EXAMPLE],
    ),
    create=extend_schema(
        tags=["records"],
        summary=DESK_INTAKE.summary,
        request=INPUT_SERIALIZERS[DESK_INTAKE.inputs],
        responses={201: RecordDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        examples=[request_example(DESK_INTAKE), RECORD_EXAMPLE],
    ),
    partial_update=extend_schema(
        tags=["records"],
        summary=CORRECTION.summary,
        parameters=[CODE_PARAMETER],
        request=INPUT_SERIALIZERS[CORRECTION.inputs],
        responses={200: RecordDetailSerializer, **ERRORS},
        examples=[request_example(CORRECTION), RECORD_EXAMPLE],
    ),
)
@with_lifecycle_actions
class RecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Records, addressed by code. Every query starts from the user's scope: another unit's
    record is simply not found (404)."""

    filterset_class = RecordApiFilter
    permission_classes = [ClerkWritesOthersRead]
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return records_for_user(self.request.user).select_related("agent_point")

    def _is_post_staff(self) -> bool:
        return getattr(self.request.user, "role", None) == Role.POST_STAFF

    def get_object(self):
        """By code; an online submission, which has no code until accepted, by its
        ``public_id``."""
        value = self.kwargs.get(self.lookup_field, "")
        try:
            uuid.UUID(value)
        except ValueError:
            return super().get_object()
        record = submission_for_user(self.request.user, value)
        if record is None:
            raise Http404
        self.check_object_permissions(self.request, record)
        return record

    def get_serializer_class(self):
        if self._is_post_staff():
            return DeliveryRecordSerializer
        return RecordSerializer if self.action == "list" else RecordDetailSerializer

    def get_serializer_for(self, serializer_class, record, **context):
        if self._is_post_staff():
            serializer_class = DeliveryRecordSerializer
        return serializer_class(record, context={**self.get_serializer_context(), **context})

    def retrieve(self, request, *args, **kwargs):
        record = self.get_object()
        if self._is_post_staff():
            fields = ["applicant_phone"]
        elif can_see_identifiers(request.user, record):
            fields = list(IDENTIFIER_FIELDS)
        else:
            fields = []
        if fields:
            log_personal_data_access(
                user=request.user, records=[record], fields=fields, via=AccessChannel.API
            )
        return Response(
            self.get_serializer_for(
                RecordDetailSerializer, record, show_identifiers=bool(fields)
            ).data
        )

    def create(self, request, *args, **kwargs):
        payload = INPUT_SERIALIZERS[DESK_INTAKE.inputs](data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        applicant = {name: data.pop(name) for name in list(data) if name.startswith("applicant_")}
        receiving_unit = data.pop("receiving_unit", None) or request.user.commune
        if receiving_unit is None:
            raise ValidationError({"receiving_unit": ["This field is required."]})
        record = record_create_at_desk(
            actor=request.user, receiving_unit=receiving_unit, applicant=applicant, **data
        )
        return Response(
            self.get_serializer_for(RecordDetailSerializer, record).data,
            status=status.HTTP_201_CREATED,
        )

    def partial_update(self, request, *args, **kwargs):
        record = self.get_object()
        payload = INPUT_SERIALIZERS[CORRECTION.inputs](data=request.data)
        payload.is_valid(raise_exception=True)
        changes = dict(payload.validated_data)
        expected_version = changes.pop("version", None)
        record = record_update_details(
            record=record, actor=request.user, changes=changes, expected_version=expected_version
        )
        return Response(self.get_serializer_for(RecordDetailSerializer, record).data)

    @extend_schema(
        tags=["records"],
        summary="The record's history, oldest first",
        parameters=[CODE_PARAMETER],
        responses={200: RecordEventSerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def history(self, request, code=None):
        record = self.get_object()
        return Response(RecordEventSerializer(record_history(record), many=True).data)

    @extend_schema(
        methods=["get"],
        tags=["scans"],
        summary="The record's scans",
        parameters=[CODE_PARAMETER],
        responses={200: RecordScanSerializer(many=True), 404: ERRORS[404]},
    )
    @extend_schema(
        methods=["post"],
        tags=["scans"],
        summary="Attach a scan to the record (multipart: PDF, JPEG or PNG)",
        parameters=[CODE_PARAMETER],
        request={"multipart/form-data": ScanInput},
        responses={201: RecordScanSerializer, **ERRORS},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        filterset_class=None,
        pagination_class=None,
        url_path="scans",
    )
    def scans(self, request, code=None):
        """Scans are personal data: only readers who see the identifiers in full list them."""
        record = self.get_object()
        if not can_see_identifiers(request.user, record):
            raise Http404
        if request.method == "GET":
            return Response(RecordScanSerializer(record_scans(record), many=True).data)
        payload = ScanInput(data=request.data)
        payload.is_valid(raise_exception=True)
        scan = record_attach_scan(record=record, actor=request.user, **payload.validated_data)
        return Response(RecordScanSerializer(scan).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        tags=["scans"],
        summary="One scan's file (streamed; the read is logged)",
        parameters=[CODE_PARAMETER, OpenApiParameter("scan_id", OpenApiTypes.INT, "path")],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            (200, "image/jpeg"): OpenApiTypes.BINARY,
            (200, "image/png"): OpenApiTypes.BINARY,
            404: ERRORS[404],
        },
    )
    @action(
        detail=True,
        methods=["get"],
        filterset_class=None,
        pagination_class=None,
        url_path=r"scans/(?P<scan_id>[0-9]+)/file",
        url_name="scan-file",
    )
    def scan_file(self, request, code=None, scan_id=None):
        record = self.get_object()
        scan = scan_for_record(record, scan_id)
        if scan is None or not can_see_identifiers(request.user, record):
            raise Http404
        return scan_response(scan, user=request.user, via=AccessChannel.API)

    @extend_schema(
        tags=["agent points"],
        summary=POSTAL_INTAKE.summary,
        request=INPUT_SERIALIZERS[POSTAL_INTAKE.inputs],
        responses={201: DeliveryRecordSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        examples=[request_example(POSTAL_INTAKE)],
    )
    @action(
        detail=False, methods=["post"], permission_classes=permission_classes_for(POSTAL_INTAKE)
    )
    def postal(self, request):
        payload = INPUT_SERIALIZERS[POSTAL_INTAKE.inputs](data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        applicant = {name: data.pop(name) for name in list(data) if name.startswith("applicant_")}
        record = postal_receive(actor=request.user, applicant=applicant, **data)
        return Response(
            self.get_serializer_for(RecordDetailSerializer, record).data,
            status=status.HTTP_201_CREATED,
        )
