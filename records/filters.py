"""FilterSets shared by the record lists of the UI and the API."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hue_admin.text import words_q
from records.models import (
    OPEN_STATUSES,
    Channel,
    Outcome,
    Procedure,
    Record,
    Status,
    TimeUnit,
)
from records.selectors import overdue_q

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _local_midnight(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class RecordFilter(django_filters.FilterSet):
    commune = django_filters.CharFilter(
        method="filter_commune", label=_("Unit code (receiving or handling)")
    )
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    procedure = django_filters.ModelChoiceFilter(
        queryset=Procedure.objects.order_by("field", "name"),
        to_field_name="key",
        label=_("Procedure"),
    )
    agent_point = django_filters.CharFilter(field_name="agent_point__code", label=_("Agent point"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Outcome"))
    received_from = django_filters.DateFilter(
        method="filter_received_from", label=_("Received from (date)"), widget=DATE_WIDGET
    )
    received_to = django_filters.DateFilter(
        method="filter_received_to", label=_("Received to (date, inclusive)"), widget=DATE_WIDGET
    )
    due_from = django_filters.DateFilter(
        field_name="due_date", lookup_expr="gte", label=_("Appointment from"), widget=DATE_WIDGET
    )
    due_to = django_filters.DateFilter(
        field_name="due_date", lookup_expr="lte", label=_("Appointment to"), widget=DATE_WIDGET
    )
    open = django_filters.ChoiceFilter(
        choices=[("true", _("yes")), ("false", _("no"))],
        method="filter_open",
        label=_("Still open"),
    )
    overdue = django_filters.ChoiceFilter(
        choices=[("true", _("yes")), ("false", _("no"))],
        method="filter_overdue",
        label=_("Overdue now"),
    )
    search = django_filters.CharFilter(
        method="filter_search", label=_("Record code or applicant name")
    )
    ordering = django_filters.OrderingFilter(
        fields=(
            ("received_at", "received_at"),
            ("due_date", "due_date"),
            ("code", "code"),
            ("status", "status"),
        ),
        label=_("Sort by"),
    )

    class Meta:
        model = Record
        fields = []

    def filter_commune(self, queryset, name, value):
        return queryset.filter(Q(receiving_unit__code=value) | Q(handling_unit__code=value))

    def filter_received_from(self, queryset, name, value):
        return queryset.filter(received_at__gte=_local_midnight(value))

    def filter_received_to(self, queryset, name, value):
        return queryset.filter(received_at__lt=_local_midnight(value + timedelta(days=1)))

    def filter_overdue(self, queryset, name, value):
        condition = overdue_q(timezone.localdate())
        return queryset.filter(condition if value == "true" else ~condition)

    def filter_open(self, queryset, name, value):
        condition = Q(status__in=OPEN_STATUSES)
        return queryset.filter(condition if value == "true" else ~condition)

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__icontains=value) | words_q("applicant_name_folded", value))


class ProcedureFilter(django_filters.FilterSet):
    field = django_filters.CharFilter(field_name="field", label=_("Field"))
    time_unit = django_filters.ChoiceFilter(choices=TimeUnit.choices, label=_("Time unit"))
    online_level = django_filters.CharFilter(field_name="online_level", label=_("Online level"))
    active = django_filters.BooleanFilter(field_name="active", label=_("Active"))
    search = django_filters.CharFilter(method="filter_search", label=_("Name or key"))

    class Meta:
        model = Procedure
        fields = []

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(key__icontains=value) | words_q("name_folded", value))
