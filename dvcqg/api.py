"""The inbound API of the national portal's connector: ``POST /api/v1/dvcqg/submissions/``.
Only an integration account may call it, for the units it delivers to."""

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Role
from dvcqg.serializers import CompletionInput, SubmissionInput, SubmissionOutput
from dvcqg.services import complete_submission, receive_submission
from records.models import Record

TAG = "national portal"

EXAMPLE = {
    "national_dossier_no": "G22.99-250707-000123",
    "procedure_code": "ho-tich-khai-sinh",
    "receiving_unit": "19753",
    "applicant": {
        "name": "Nguyễn Thị Hoa",
        "id_number": "046195001234",
        "phone": "0912345678",
        "email": "hoa.nguyen@example.vn",
        "address": "12 Lê Lợi, phường Phú Xuân",
    },
    "submitted_at": "2025-07-04T16:30:00+07:00",
    "components": [
        {
            "name": "Tờ khai đăng ký khai sinh",
            "kind": "original",
            "count": 1,
            "file_name": "to-khai-khai-sinh.pdf",
            "size": 182340,
            "checksum": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "digitised": True,
            "reused": False,
        },
        {"name": "Giấy chứng sinh", "kind": "copy", "count": 1, "reused": True},
    ],
    "notify": ["sms", "email"],
    "result_by_post": False,
}

DETAIL = inline_serializer("SubmissionRefused", {"detail": serializers.CharField()})
FIELD_ERRORS = inline_serializer(
    "SubmissionFieldErrors",
    {"field_name": serializers.ListField(child=serializers.CharField())},
)


class IntegrationAccounts(BasePermission):
    message = "Only an integration account of the national portal's connector may deliver."

    def has_permission(self, request, view):
        user = request.user
        return bool(user and user.is_authenticated and user.role == Role.INTEGRATION)


class SubmissionCreateView(APIView):
    """Deliver an online submission from the National Public Service Portal to a unit's desk.

    The dossier enters status 1 (submitted, channel online) with its acceptance deadline:
    8 working hours from `submitted_at` on the portal's working calendar (after hours or on
    a day off, from the next working morning). Idempotent on `national_dossier_no`: the same
    delivery again answers 200 with the existing submission; different content under the
    same number answers 409. The answer never carries the applicant's identifiers."""

    accepts_integration = True
    permission_classes = [IntegrationAccounts]

    @extend_schema(
        tags=[TAG],
        summary="Deliver an online submission (idempotent on the national dossier number)",
        request=SubmissionInput,
        responses={
            201: OpenApiResponse(SubmissionOutput, description="Created: a new submission."),
            200: OpenApiResponse(
                SubmissionOutput, description="Already delivered: the existing submission."
            ),
            400: OpenApiResponse(FIELD_ERRORS, description="Bad input; nothing written."),
            403: OpenApiResponse(
                DETAIL, description="Not an integration account, or not its unit."
            ),
            409: OpenApiResponse(
                DETAIL, description="The number was delivered before with other content."
            ),
        },
        examples=[OpenApiExample("Birth registration", value=EXAMPLE, request_only=True)],
    )
    def post(self, request):
        payload = SubmissionInput(data=request.data)
        payload.is_valid(raise_exception=True)
        with transaction.atomic():
            record, created = receive_submission(actor=request.user, data=payload.validated_data)
        return Response(
            SubmissionOutput(record).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class SubmissionCompletionView(APIView):
    """The citizen completed, on the national portal, a submission the desk returned for
    completion: the documents added are listed and the 8-working-hour acceptance clock
    resumes with the working time that was left when it stopped."""

    accepts_integration = True
    permission_classes = [IntegrationAccounts]

    @extend_schema(
        tags=[TAG],
        summary="A submission returned for completion was completed by the citizen",
        request=CompletionInput,
        responses={
            200: OpenApiResponse(SubmissionOutput, description="The clock runs again."),
            400: OpenApiResponse(FIELD_ERRORS, description="Bad input; nothing written."),
            403: OpenApiResponse(DETAIL, description="Not an integration account."),
            404: OpenApiResponse(DETAIL, description="No such submission in the account's units."),
            409: OpenApiResponse(DETAIL, description="The submission was not awaiting completion."),
        },
        examples=[
            OpenApiExample(
                "Birth certificate added",
                value={
                    "components": [
                        {
                            "name": "Bản sao giấy chứng sinh",
                            "kind": "copy",
                            "count": 1,
                            "file_name": "giay-chung-sinh.pdf",
                            "size": 95012,
                        }
                    ],
                    "note": "",
                },
                request_only=True,
            )
        ],
    )
    def post(self, request, national_dossier_no):
        payload = CompletionInput(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            record = complete_submission(
                actor=request.user,
                national_dossier_no=national_dossier_no,
                **payload.validated_data,
            )
        except Record.DoesNotExist:
            raise Http404 from None
        return Response(SubmissionOutput(record).data)
