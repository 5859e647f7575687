"""``DailyStatFilter``: the query of the daily figures (``/api/v1/stats/daily/``), a FilterSet
like the record lists', validated by the one period rule of ``stats.periods``."""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from stats.models import DailyStat
from stats.periods import period_errors_en
from stats.selectors import units_for_report

UNIT_CODE = re.compile(r"^\d{5}$")
ISO = ["%Y-%m-%d"]  # the API's dates, whatever the language
# The message of DRF's DateField, as the period report answers for the same mistake.
BAD_DATE = format_lazy(serializers.DateField.default_error_messages["invalid"], format="YYYY-MM-DD")


def unit_codes(values: list[str]) -> list[str]:
    """The codes of repeated and comma-separated ``commune`` values; ``ValidationError`` when
    one is not 5 digits."""
    codes = [code.strip() for value in values for code in value.split(",") if code.strip()]
    if any(not UNIT_CODE.match(code) for code in codes):
        raise forms.ValidationError("Unit codes have 5 digits, e.g. 19753.")
    return codes


DATES = {"input_formats": ISO, "error_messages": {"invalid": BAD_DATE}}


class UnitCodesField(forms.Field):
    widget = forms.SelectMultiple

    def to_python(self, value):
        if not value:
            return []
        return unit_codes([value] if isinstance(value, str) else list(value))


@extend_schema_field(OpenApiTypes.STR)
class UnitCodesFilter(django_filters.Filter):
    """Unit codes, repeated or comma-separated; a unit outside the user's scope is a 403
    (``units_for_report``), an unknown one a 400."""

    field_class = UnitCodesField

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(unit__in=units_for_report(self.parent.request.user, value))


class DailyStatForm(forms.Form):
    def clean(self):
        data = super().clean()
        errors = period_errors_en(
            data.get("date_from"), data.get("date_to"), today=timezone.localdate()
        )
        for name, messages in errors.items():
            self.add_error(name, messages)
        return data


class DailyStatFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="day", lookup_expr="gte", **DATES)
    date_to = django_filters.DateFilter(field_name="day", lookup_expr="lte", **DATES)
    commune = UnitCodesFilter()

    class Meta:
        model = DailyStat
        fields = ["date_from", "date_to", "commune"]
        form = DailyStatForm

    def units(self) -> list:
        """The units the query covers (every unit the user may read when none is named)."""
        return units_for_report(self.request.user, self.form.cleaned_data.get("commune") or [])
