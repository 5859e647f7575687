"""Statistics API: ``stats/daily/`` (the stored daily rows) and ``reports/period/`` (the period
report as JSON, ``.csv`` or ``.xlsx``), scoped like every read: clerks and commune leaders get
their unit, the city office and administrators any set of units, post office staff 403."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.exports import XLSX_MEDIA_TYPE
from stats.exports import report_csv, report_xlsx
from stats.filters import DailyStatFilter, unit_codes
from stats.models import COUNT_FIELDS, DailyStat
from stats.periods import period_errors_en
from stats.reports import (
    DAILY_COUNTS,
    RATE_FIELDS,
    REPORT_COUNTS,
    period_report,
    report_as_dict,
)
from stats.selectors import can_read_stats, daily_stats_for_user, units_for_report
from stats.services import ensure_computed


class StatsReaders(BasePermission):
    """Clerks and leaders of a unit, the city office and administrators."""

    message = "Your role may not read statistics."

    def has_permission(self, request, view):
        return can_read_stats(request.user)


# --- Query parameters ------------------------------------------------------------------------


class ReportParams(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    commune = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    table = serializers.ChoiceField(choices=["units", "daily"], required=False, default="units")

    def validate_commune(self, codes):
        try:
            return unit_codes(codes)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def validate(self, attrs):
        errors = period_errors_en(attrs["date_from"], attrs["date_to"], today=timezone.localdate())
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


def _params(serializer_class, request) -> dict:
    data = {
        key: request.query_params.get(key)
        for key in ("date_from", "date_to", "table")
        if key in request.query_params
    }
    if "commune" in request.query_params:
        data["commune"] = request.query_params.getlist("commune")
    payload = serializer_class(data=data)
    payload.is_valid(raise_exception=True)
    return payload.validated_data


COMMUNE_PARAMETER = OpenApiParameter(
    "commune",
    OpenApiTypes.STR,
    many=True,
    explode=True,
    description="Unit code (5 digits), repeatable; default: every unit you may read.",
)


def _date_parameter(name: str, required: bool) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.DATE, required=required, description="YYYY-MM-DD")


# --- Daily rows ------------------------------------------------------------------------------


class DailyStatSerializer(serializers.ModelSerializer):
    commune = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = DailyStat
        fields = ["commune", "day", *COUNT_FIELDS, "computed_at"]
        read_only_fields = fields


@extend_schema(
    tags=["statistics"],
    summary="Daily figures per unit (intake by channel, finished by outcome, stock at day end)",
    parameters=[
        _date_parameter("date_from", False),
        _date_parameter("date_to", False),
        COMMUNE_PARAMETER,
    ],
)
class DailyStatList(generics.ListAPIView):
    """The stored daily rows of the units you may read, oldest day first. Intake figures
    belong to the receiving unit, handling figures and the end-of-day stock to the handling
    unit; days are local (Asia/Ho_Chi_Minh)."""

    serializer_class = DailyStatSerializer
    permission_classes = [StatsReaders]
    filter_backends = [DjangoFilterBackend]
    filterset_class = DailyStatFilter

    def get_queryset(self):
        return daily_stats_for_user(self.request.user)

    def filter_queryset(self, queryset):
        filterset = DjangoFilterBackend().get_filterset(self.request, queryset, self)
        if not filterset.is_valid():
            raise serializers.ValidationError(filterset.errors)
        units = filterset.units()
        ensure_computed(
            unit_ids=[unit.pk for unit in units],
            up_to=filterset.form.cleaned_data.get("date_to") or timezone.localdate(),
        )
        return filterset.qs


# --- Period report ---------------------------------------------------------------------------


def _serializer(name: str, fields: dict) -> type[serializers.Serializer]:
    return type(name, (serializers.Serializer,), dict(fields))


def _counts(names) -> dict:
    return {name: serializers.IntegerField() for name in names}


RATES_HELP = {
    "online_rate": "received online ÷ received (%)",
    "handling_rate": "finished ÷ (received + carried over) (%)",
    "on_time_rate": "(early + on time) ÷ finished (%)",
    "on_time_rate_766": (
        "(early + on time + open and not past the original date at the end) ÷ to handle (%)"
    ),
    "digitisation_rate": "digitised ÷ received (%)",
    "sync_rate": (
        "synced ÷ received (%): records received whose every change is delivered to the "
        "national portal (Decision 766, indicator 1.4); a record with nothing owed counts as "
        "synced"
    ),
    "acceptance_timeliness": (
        "online submissions accepted or refused within 8 working hours (their acceptance "
        "deadline) ÷ all accepted or refused (%), by the day of the decision"
    ),
}


def _rates(names) -> dict:
    return {
        name: serializers.FloatField(allow_null=True, help_text=RATES_HELP[name]) for name in names
    }


UNIT_FIELDS = {
    "code": serializers.CharField(),
    "name": serializers.CharField(),
    "name_en": serializers.CharField(),
}
ReportTotalsSerializer = _serializer(
    "ReportTotals", {**_counts(REPORT_COUNTS), **_rates(RATE_FIELDS)}
)
ReportCommuneSerializer = _serializer(
    "ReportCommune",
    {
        **UNIT_FIELDS,
        "kind": serializers.CharField(),
        **_counts(REPORT_COUNTS),
        **_rates(RATE_FIELDS),
    },
)
ReportDaySerializer = _serializer(
    "ReportDay",
    {"date": serializers.DateField(), **_counts(DAILY_COUNTS), **_rates(["online_rate"])},
)
ReportHighlightsSerializer = _serializer(
    "ReportHighlights",
    {
        "min_records": serializers.IntegerField(
            help_text="the rate highlights consider only units with at least this many records "
            "in the rate's denominator (to handle, received); a highlight is null when none does"
        ),
        "most_received": _serializer(
            "HighlightMostReceived", {**UNIT_FIELDS, **_counts(["received"])}
        )(allow_null=True),
        "highest_handling_rate": _serializer(
            "HighlightHandlingRate",
            {**UNIT_FIELDS, **_rates(["handling_rate"]), **_counts(["finished", "to_handle"])},
        )(allow_null=True),
        "highest_online_rate": _serializer(
            "HighlightOnlineRate",
            {
                **UNIT_FIELDS,
                **_rates(["online_rate"]),
                **_counts(["received_online", "received"]),
            },
        )(allow_null=True),
    },
)
PeriodReportSerializer = _serializer(
    "PeriodReport",
    {
        "date_from": serializers.DateField(),
        "date_to": serializers.DateField(),
        "communes_count": serializers.IntegerField(),
        "totals": ReportTotalsSerializer(),
        "communes": ReportCommuneSerializer(many=True),
        "daily": ReportDaySerializer(many=True),
        "highlights": ReportHighlightsSerializer(),
        "summary_vi": serializers.CharField(),
        "summary_en": serializers.CharField(),
    },
)


class CSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data.encode("utf-8") if isinstance(data, str) else data


class XLSXRenderer(BaseRenderer):
    media_type = XLSX_MEDIA_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


REPORT_EXAMPLE = OpenApiExample(
    "1–11 July 2025, whole city (abridged)",
    response_only=True,
    value={
        "date_from": "2025-07-01",
        "date_to": "2025-07-11",
        "communes_count": 40,
        "totals": {"received": 13474, "received_online": 9381, "online_rate": 69.62},
        "communes": [],
        "daily": [],
        "highlights": {
            "min_records": 20,
            "most_received": {
                "code": "19753",
                "name": "Phường Phú Xuân",
                "name_en": "Phu Xuan Ward",
                "received": 1522,
            },
            "highest_handling_rate": None,
            "highest_online_rate": None,
        },
        "summary_vi": "Từ ngày 01/7 đến 11/7/2025, 40 xã, phường tiếp nhận 13.474 hồ sơ, ...",
        "summary_en": "From 1 to 11 July 2025, the 40 wards and communes received 13,474 ...",
    },
)


class PeriodReportView(APIView):
    """The figures of a period for a set of units: totals, one row per unit, the daily
    series, the backlog carried over, the rates of the city's report, highlights and two
    summary sentences (Vietnamese, English). Read from the daily figures, except the sync
    rate's backlog (``sync_pending``: records received with a change not yet delivered to the
    national portal, counted live)."""

    permission_classes = [StatsReaders]
    renderer_classes = [JSONRenderer, CSVRenderer, XLSXRenderer]

    @extend_schema(
        tags=["statistics"],
        summary="Period report (JSON, CSV or XLSX)",
        parameters=[
            _date_parameter("date_from", True),
            _date_parameter("date_to", True),
            COMMUNE_PARAMETER,
            OpenApiParameter(
                "table",
                OpenApiTypes.STR,
                enum=["units", "daily"],
                description="CSV only: the units with a total row (default) or the daily series",
            ),
            OpenApiParameter(
                "format",
                OpenApiTypes.STR,
                enum=["json", "csv", "xlsx"],
                description="Answer as JSON (default), CSV or XLSX; also `period.csv`, "
                "`period.xlsx`. CSV and XLSX are for spreadsheets: UTF-8 with BOM, column "
                "labels and decimal separator in the language of `Accept-Language`; "
                "programs should read the JSON",
            ),
        ],
        responses={
            (200, "application/json"): PeriodReportSerializer,
            (200, "text/csv"): OpenApiTypes.STR,
            (200, XLSX_MEDIA_TYPE): OpenApiTypes.BINARY,
        },
        examples=[REPORT_EXAMPLE],
    )
    def get(self, request, format=None):  # noqa: A002 - DRF's name for the suffix
        params = _params(ReportParams, request)
        units = units_for_report(request.user, params["commune"])
        report = period_report(
            date_from=params["date_from"], date_to=params["date_to"], units=units
        )
        data = report_as_dict(report)
        kind = request.accepted_renderer.format
        if kind not in ("csv", "xlsx"):
            return Response(data)
        name = f"bao-cao-{params['date_from']}-{params['date_to']}"
        if kind == "csv":
            content, name = report_csv(data, table=params["table"]), f"{name}.csv"
        else:
            content, name = report_xlsx(data), f"{name}.xlsx"
        return Response(content, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    def finalize_response(self, request, response, *args, **kwargs):
        # Errors are JSON in the API's one format, whatever file was asked for.
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code >= 400 and renderer and renderer.format in ("csv", "xlsx"):
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)


class PeriodReportFileView(PeriodReportView):
    """``reports/period.csv`` and ``reports/period.xlsx``: the same report (documented with
    ``?format=``)."""

    @extend_schema(exclude=True)
    def get(self, request, format=None):  # noqa: A002
        return super().get(request, format=format)
