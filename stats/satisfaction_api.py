"""``/api/v1/satisfaction/quarterly/``: the satisfaction figures per unit for a quarter,
scoped like the other statistics (clerks and leaders their unit, the city office any set of
units, post office staff 403)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from satisfaction.quarters import Quarter, parse_quarter
from satisfaction.questions import INDICATOR_FIELDS
from satisfaction.selectors import figures_as_dict, quarter_figures
from stats.api import StatsReaders
from stats.selectors import units_for_report

RULE = (
    "A rating counts for the record's handling unit and for the quarter in which the record "
    "was returned (returned_at, Asia/Ho_Chi_Minh); share_rated = rated ÷ returned over the "
    "same records; dissatisfied = ratings whose overall answer is dissatisfied (Decision 766, "
    "indicator 5.4). Scores: 2 / 1 / 0 (for convenience and overall: satisfied / neutral / "
    "dissatisfied). Rates in percent with two decimals; null when nothing was returned."
)


class SatisfactionIndicatorSerializer(serializers.Serializer):
    average = serializers.CharField(allow_null=True, help_text="0.00–2.00; null: no rating")
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text='ratings per score: {"2": …, "1": …, "0": …}'
    )


SatisfactionIndicatorsSerializer = type(
    "SatisfactionIndicatorsSerializer",
    (serializers.Serializer,),
    {field: SatisfactionIndicatorSerializer() for field in INDICATOR_FIELDS},
)


class SatisfactionFiguresSerializer(serializers.Serializer):
    returned = serializers.IntegerField()
    rated = serializers.IntegerField()
    rated_online = serializers.IntegerField()
    rated_paper = serializers.IntegerField()
    share_rated = serializers.CharField(allow_null=True)
    dissatisfied = serializers.IntegerField()
    dissatisfied_rate = serializers.CharField(allow_null=True)
    indicators = SatisfactionIndicatorsSerializer()


class SatisfactionUnitSerializer(SatisfactionFiguresSerializer):
    unit = serializers.CharField()
    unit_name = serializers.CharField()


class SatisfactionQuarterSerializer(serializers.Serializer):
    quarter = serializers.CharField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    rule = serializers.CharField()
    units = SatisfactionUnitSerializer(many=True)
    total = SatisfactionFiguresSerializer()


class SatisfactionQuarterView(APIView):
    """Per unit, for one quarter: records returned, rated (online / paper), the share rated,
    the average and the count per answer of each of the nine indicators, and the dissatisfied
    ratings that Decision 766's indicator 5.4 subtracts."""

    permission_classes = [StatsReaders]

    @extend_schema(
        operation_id="satisfaction_quarterly",
        parameters=[
            OpenApiParameter(
                "quarter",
                OpenApiTypes.STR,
                description="YYYY-QN, e.g. 2025-Q3 (default: the current quarter)",
            ),
            OpenApiParameter(
                "commune",
                OpenApiTypes.STR,
                many=True,
                description="unit codes (default: every unit you may read)",
            ),
        ],
        responses={200: SatisfactionQuarterSerializer},
        description=RULE,
    )
    def get(self, request):
        today = timezone.localdate()
        try:
            quarter = (
                parse_quarter(request.query_params["quarter"], today=today)
                if "quarter" in request.query_params
                else Quarter.of(today)
            )
            units = units_for_report(request.user, request.query_params.getlist("commune"))
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        figures = quarter_figures(quarter=quarter, units=units)
        return Response(
            {
                "quarter": str(quarter),
                "first_day": quarter.first_day,
                "last_day": quarter.last_day,
                "rule": RULE,
                "units": [
                    {"unit": row.unit.code, "unit_name": row.unit.name, **figures_as_dict(row)}
                    for row in figures.rows
                ],
                "total": figures_as_dict(figures.total),
            }
        )
