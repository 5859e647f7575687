"""Records API: thin viewsets over the scoped selectors and the lifecycle services."""

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
    PostStaffWrites,
)
from accounts.models import Role
from agent_points.services import POINT_SERVICES, postal_receive
from records.api.serializers import (
    ACTION_INPUTS,
    IDENTIFIER_FIELDS,
    DeliveryRecordSerializer,
    PostalIntakeSerializer,
    ProcedureSerializer,
    RecordCreateSerializer,
    RecordDetailSerializer,
    RecordEventSerializer,
    RecordSerializer,
    RecordUpdateSerializer,
)
from records.filters import ProcedureFilter, RecordApiFilter
from records.lifecycle import ACTION_LABELS
from records.models import AccessChannel, Procedure
from records.permissions import can_see_identifiers
from records.selectors import record_history, records_for_user
from records.services import (
    ACTION_SERVICES,
    log_personal_data_access,
    record_receive_new,
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
RECEIVE_EXAMPLE = OpenApiExample(
    "In person",
    request_only=True,
    value={
        "procedure": "ho-tich-khai-sinh",
        "channel": 1,
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "046095001234",
        "applicant_phone": "0912345678",
        "applicant_address": "12 Lê Lợi, phường Phú Xuân",
    },
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
ACTION_EXAMPLES = {
    "receive": {"note": "Hồ sơ đầy đủ"},
    "refuse": {"reason": "Hồ sơ không thuộc thẩm quyền giải quyết"},
    "process": {"note": "Chuyển công chức tư pháp - hộ tịch"},
    "request_supplement": {"reason": "Bổ sung bản sao giấy chứng sinh", "version": 2},
    "supplement": {"note": "Đã nhận bản sao"},
    "request_payment": {"amount": 50000},
    "paid": {"online": True},
    "resolve": {"e_result": True},
    "withdraw": {"note": "Người nộp đề nghị rút hồ sơ"},
    "stop": {"reason": "Người nộp rút hồ sơ"},
    "return": {"method": "post", "note": "Giao qua bưu điện"},
    "extend": {"new_due_date": "2025-07-18", "reason": "Cần xác minh thêm thông tin"},
    "digitise": {"note": "Đã quét 12 trang"},
    "take_over": {"note": "Nhận kết quả từ bộ phận một cửa"},
    "deliver": {"recipient_name": "Nguyễn Văn An", "place": "home"},
    "undeliverable": {"reason": "Không liên lạc được với người nhận sau 3 lần"},
}


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
    queryset = Procedure.objects.order_by("field", "key")


def lifecycle_action(name: str, permission_classes=None):
    """A ``POST records/{code}/<name>/`` endpoint calling the lifecycle service ``name``."""
    input_serializer = ACTION_INPUTS[name]
    url_path = name.replace("_", "-")
    service = ACTION_SERVICES.get(name) or POINT_SERVICES[name]

    def endpoint(self, request, code=None):
        record = self.get_object()
        payload = input_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        arguments = dict(payload.validated_data)
        arguments["expected_version"] = arguments.pop("version", None)
        record = service(record=record, actor=request.user, **arguments)
        return Response(self.get_serializer_for(RecordDetailSerializer, record).data)

    with translation.override("en"):
        label = str(ACTION_LABELS[name]).capitalize()
    endpoint.__name__ = endpoint.__qualname__ = f"{name}_action"
    endpoint.__doc__ = f"{label} (lifecycle action)."
    documented = extend_schema(
        tags=["agent points" if name in POINT_SERVICES else "record actions"],
        summary=label,
        parameters=[CODE_PARAMETER],
        request=input_serializer,
        responses={200: RecordDetailSerializer, **ERRORS},
        examples=[
            OpenApiExample(name.replace("_", " "), value=ACTION_EXAMPLES[name], request_only=True),
            RECORD_EXAMPLE,
        ],
    )(endpoint)
    extra = {"permission_classes": permission_classes} if permission_classes else {}
    return action(detail=True, methods=["post"], url_path=url_path, url_name=url_path, **extra)(
        documented
    )


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
        summary="Receive a dossier at the desk (issues the code and the appointment date)",
        request=RecordCreateSerializer,
        responses={201: RecordDetailSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        examples=[RECEIVE_EXAMPLE, RECORD_EXAMPLE],
    ),
    partial_update=extend_schema(
        tags=["records"],
        summary="Correct contact details, note or digitised flag",
        parameters=[CODE_PARAMETER],
        request=RecordUpdateSerializer,
        responses={200: RecordDetailSerializer, **ERRORS},
        examples=[
            OpenApiExample(
                "New phone",
                value={"applicant_phone": "0935000111", "version": 3},
                request_only=True,
            ),
            RECORD_EXAMPLE,
        ],
    ),
)
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
        payload = RecordCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        applicant = {name: data.pop(name) for name in list(data) if name.startswith("applicant_")}
        receiving_unit = data.pop("receiving_unit", None) or request.user.commune
        if receiving_unit is None:
            raise ValidationError({"receiving_unit": ["This field is required."]})
        record = record_receive_new(
            actor=request.user, receiving_unit=receiving_unit, applicant=applicant, **data
        )
        return Response(
            self.get_serializer_for(RecordDetailSerializer, record).data,
            status=status.HTTP_201_CREATED,
        )

    def partial_update(self, request, *args, **kwargs):
        record = self.get_object()
        payload = RecordUpdateSerializer(data=request.data)
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

    receive_action = lifecycle_action("receive")
    refuse_action = lifecycle_action("refuse")
    process_action = lifecycle_action("process")
    request_supplement_action = lifecycle_action("request_supplement")
    supplement_action = lifecycle_action("supplement")
    request_payment_action = lifecycle_action("request_payment")
    paid_action = lifecycle_action("paid")
    resolve_action = lifecycle_action("resolve")
    withdraw_action = lifecycle_action("withdraw")
    stop_action = lifecycle_action("stop")
    return_action = lifecycle_action("return")
    extend_action = lifecycle_action("extend")
    digitise_action = lifecycle_action("digitise", [ClerkOrPostStaffWrites])
    take_over_action = lifecycle_action("take_over", [PostStaffWrites])
    deliver_action = lifecycle_action("deliver", [PostStaffWrites])
    undeliverable_action = lifecycle_action("undeliverable", [PostStaffWrites])

    @extend_schema(
        tags=["agent points"],
        summary="Receive a dossier sent by post (post office staff)",
        request=PostalIntakeSerializer,
        responses={201: DeliveryRecordSerializer, 400: ERRORS[400], 403: ERRORS[403]},
        examples=[
            OpenApiExample(
                "Postal dossier",
                request_only=True,
                value={
                    "procedure": "ho-tich-khai-sinh-da-co-giay-to",
                    "applicant_name": "Trần Văn Bảo",
                    "applicant_id_number": "046088001122",
                    "applicant_phone": "0935111222",
                    "applicant_address": "12 Lê Lợi, phường Phú Xuân",
                    "result_delivery": "post",
                },
            )
        ],
    )
    @action(detail=False, methods=["post"], permission_classes=[PostStaffWrites])
    def postal(self, request):
        payload = PostalIntakeSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        applicant = {name: data.pop(name) for name in list(data) if name.startswith("applicant_")}
        record = postal_receive(actor=request.user, applicant=applicant, **data)
        return Response(
            self.get_serializer_for(RecordDetailSerializer, record).data,
            status=status.HTTP_201_CREATED,
        )
