"""FilterSets shared by the record lists of the UI and the API."""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from communes.models import Commune
from hue_admin.text import words_q
from records.calendar import day_start
from records.models import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    PAUSED_STATUSES,
    Channel,
    Outcome,
    Procedure,
    Record,
    ReturnMethod,
    Status,
    TimeUnit,
)
from records.selectors import overdue_on_q, overdue_q, promised_between_q

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@extend_schema_field(OpenApiTypes.STR)
class UnitCodesFilter(django_filters.ModelMultipleChoiceFilter):
    """One or more 5-digit unit codes (repeat the parameter)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Commune.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("distinct", False)  # a foreign key of the record: no duplicate rows
        super().__init__(*args, **kwargs)


class RecordFilter(django_filters.FilterSet):
    commune = django_filters.CharFilter(
        method="filter_commune", label=_("Unit code (receiving or handling)")
    )
    # distinct=False: a column of the record cannot duplicate rows, and SELECT DISTINCT over
    # every column would sort the whole result.
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices, distinct=False, label=_("Status")
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    procedure = django_filters.ModelChoiceFilter(
        queryset=Procedure.objects.order_by("field", "name"),
        to_field_name="key",
        label=_("Procedure"),
    )
    agent_point = django_filters.CharFilter(field_name="agent_point__code", label=_("Agent point"))
    outcome = django_filters.MultipleChoiceFilter(
        choices=Outcome.choices, distinct=False, label=_("Outcome")
    )
    received_from = django_filters.DateFilter(
        method="filter_received_from", label=_("Received from (date)"), widget=DATE_WIDGET
    )
    received_to = django_filters.DateFilter(
        method="filter_received_to", label=_("Received to (date, inclusive)"), widget=DATE_WIDGET
    )
    # The date last promised: the extended date if any, else the appointment date.
    due_from = django_filters.DateFilter(
        method="filter_due_from", label=_("Appointment from"), widget=DATE_WIDGET
    )
    due_to = django_filters.DateFilter(
        method="filter_due_to", label=_("Appointment to"), widget=DATE_WIDGET
    )
    paused = django_filters.ChoiceFilter(
        choices=[("true", _("yes")), ("false", _("no"))],
        method="filter_paused",
        label=_("Waiting for the citizen (supplement or payment)"),
    )
    open = django_filters.ChoiceFilter(
        choices=[("true", _("yes")), ("false", _("no"))],
        method="filter_open",
        label=_("Still open"),
    )
    # The predicate uses the ``to_field_name`` value, hence the field path to the code.
    receiving_unit = UnitCodesFilter(field_name="receiving_unit__code", label=_("Receiving unit"))
    handling_unit = UnitCodesFilter(field_name="handling_unit__code", label=_("Handling unit"))
    finished = django_filters.ChoiceFilter(
        choices=[("true", _("yes")), ("false", _("no"))],
        method="filter_finished",
        label=_("Finished (resolved, returned or stopped)"),
    )
    finished_from = django_filters.DateFilter(
        method="filter_finished_from", label=_("Finished from (date)"), widget=DATE_WIDGET
    )
    finished_to = django_filters.DateFilter(
        method="filter_finished_to", label=_("Finished to (date, inclusive)"), widget=DATE_WIDGET
    )
    returned_from = django_filters.DateFilter(
        method="filter_returned_from", label=_("Returned from (date)"), widget=DATE_WIDGET
    )
    returned_to = django_filters.DateFilter(
        method="filter_returned_to", label=_("Returned to (date, inclusive)"), widget=DATE_WIDGET
    )
    return_method = django_filters.ChoiceFilter(
        choices=ReturnMethod.choices, label=_("Return method")
    )
    digitised = django_filters.ChoiceFilter(
        choices=[("true", _("yes")), ("false", _("no"))],
        method="filter_digitised",
        label=_("Digitised"),
    )
    overdue_on = django_filters.DateFilter(
        method="filter_overdue_on",
        label=_("Overdue at the end of (date), against the date promised"),
        widget=DATE_WIDGET,
    )
    overdue_original_on = django_filters.DateFilter(
        method="filter_overdue_original_on",
        label=_("Past the original date at the end of (date)"),
        widget=DATE_WIDGET,
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
        return queryset.filter(received_at__gte=day_start(value))

    def filter_received_to(self, queryset, name, value):
        return queryset.filter(received_at__lt=day_start(value + timedelta(days=1)))

    def filter_overdue(self, queryset, name, value):
        condition = overdue_q(timezone.localdate())
        return queryset.filter(condition if value == "true" else ~condition)

    def filter_finished(self, queryset, name, value):
        condition = Q(status__in=FINISHED_STATUSES)
        return queryset.filter(condition if value == "true" else ~condition)

    def filter_finished_from(self, queryset, name, value):
        return queryset.filter(finished_at__gte=day_start(value))

    def filter_finished_to(self, queryset, name, value):
        return queryset.filter(finished_at__lt=day_start(value + timedelta(days=1)))

    def filter_returned_from(self, queryset, name, value):
        return queryset.filter(returned_at__gte=day_start(value))

    def filter_returned_to(self, queryset, name, value):
        return queryset.filter(returned_at__lt=day_start(value + timedelta(days=1)))

    def filter_digitised(self, queryset, name, value):
        return queryset.filter(digitised=value == "true")

    def filter_overdue_on(self, queryset, name, value):
        """The records behind ``DailyStat.overdue_end`` of that day."""
        return queryset.filter(overdue_on_q(value))

    def filter_overdue_original_on(self, queryset, name, value):
        """The records behind ``DailyStat.overdue_original_end`` of that day."""
        return queryset.filter(overdue_on_q(value, original=True))

    def filter_due_from(self, queryset, name, value):
        return queryset.filter(promised_between_q(value, None))

    def filter_due_to(self, queryset, name, value):
        return queryset.filter(promised_between_q(None, value))

    def filter_paused(self, queryset, name, value):
        condition = Q(status__in=PAUSED_STATUSES)
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
