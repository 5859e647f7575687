"""FilterSets shared by the record lists of the UI and the API."""

from dataclasses import dataclass
from datetime import date, timedelta

import django_filters
from django import forms
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from communes.models import Commune
from core.text import words_q
from records.calendar import day_start
from records.enums import (
    FINISHED_STATUSES,
    OPEN_STATUSES,
    PAUSED_STATUSES,
    AccessChannel,
    Channel,
    Outcome,
    ReturnMethod,
    Status,
    TimeUnit,
)
from records.models import Procedure, Record
from records.permissions import can_search_identifiers
from records.selectors import (
    TRANSFER_CONDITIONS,
    acceptance_decided_q,
    acceptance_on_time_q,
    awaiting_approval_q,
    mine_q,
    needs_reassignment_q,
    overdue_on_q,
    overdue_q,
    promised_between_q,
    results_to_return_q,
)
from records.services import log_personal_data_access
from records.validation import identifier_lookup

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@extend_schema_field(OpenApiTypes.STR)
class UnitCodesFilter(django_filters.ModelMultipleChoiceFilter):
    """One or more 5-digit unit codes (repeat the parameter)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Commune.objects.all())
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("distinct", False)  # a foreign key of the record: no duplicate rows
        super().__init__(*args, **kwargs)


@dataclass(frozen=True)
class ActiveFilter:
    """A filter set in the query: its name, label, the submitted values and how they read."""

    name: str
    label: str
    values: list[str]
    shown: str


def _shown(field, value, raw: list[str]) -> str:
    """How a filter's cleaned ``value`` reads (unit names, choice labels, dd/mm/yyyy)."""
    if isinstance(value, QuerySet | list | tuple) and value and isinstance(value[0], Model):
        return ", ".join(str(item) for item in value)
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    choices = {str(key): label for key, label in getattr(field, "choices", ())}
    return ", ".join(str(choices.get(item, item)) for item in raw)


class LazyOrderingFilter(django_filters.OrderingFilter):
    """An ``OrderingFilter`` whose labels translate when rendered, in the request's language.

    django-filter builds the choices once, when the FilterSet class is defined, and formats
    "… (descending)" eagerly: the labels then stay in whichever language came first."""

    def build_choices(self, fields, labels):
        choices = []
        for field, param in fields.items():
            label = labels.get(field, param)
            descending = labels.get(f"-{param}") or format_lazy(
                _("{label} (descending)"), label=label
            )
            choices += [(param, label), (f"-{param}", descending)]
        return choices


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
    transfer = django_filters.ChoiceFilter(
        choices=[
            ("pending", _("awaiting acceptance by the unit it was transferred to")),
            ("elsewhere", _("handled by another unit than the receiving unit")),
            ("result_at_desk", _("result back at the receiving desk, to return")),
        ],
        method="filter_transfer",
        label=_("Transfer between units"),
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
    synced = django_filters.ChoiceFilter(
        choices=[("true", _("yes")), ("false", _("no"))],
        method="filter_synced",
        label=_("Every change synced to the national portal"),
    )
    decided_from = django_filters.DateFilter(
        method="filter_decided_from",
        label=_("Online submission accepted or refused from (date)"),
        widget=DATE_WIDGET,
    )
    decided_to = django_filters.DateFilter(
        method="filter_decided_to",
        label=_("Online submission accepted or refused to (date, inclusive)"),
        widget=DATE_WIDGET,
    )
    acceptance = django_filters.ChoiceFilter(
        choices=[("on_time", _("within 8 working hours")), ("late", _("after 8 working hours"))],
        method="filter_acceptance",
        label=_("Accepted or refused"),
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
    # The chain of officers (the to-do counters' lists).
    mine = django_filters.ChoiceFilter(
        choices=[("true", _("yes"))], method="filter_mine", label=_("Assigned to me")
    )
    assignment = django_filters.ChoiceFilter(
        choices=[("needs_reassignment", _("needs (re)assignment"))],
        method="filter_assignment",
        label=_("Assignment"),
    )
    approval = django_filters.ChoiceFilter(
        choices=[("pending", _("waiting for the leader")), ("mine", _("waiting for my approval"))],
        method="filter_approval",
        label=_("Leader's approval"),
    )
    to_return = django_filters.ChoiceFilter(
        choices=[("desk", _("at the desk")), ("post", _("through the agent point or by post"))],
        method="filter_to_return",
        label=_("Result to return"),
    )
    search = django_filters.CharFilter(
        method="filter_search",
        label=_("Record code, applicant name, personal ID or phone"),
        help_text=_(
            "Part of a record code, words of the name (without diacritics is fine), or the "
            "exact personal ID (12 or old 9 digits) or mobile phone (clerks and leaders)."
        ),
    )
    ordering = LazyOrderingFilter(
        fields=(
            ("received_at", "received_at"),
            ("due_date", "due_date"),
            ("code", "code"),
            ("status", "status"),
        ),
        field_labels={
            "received_at": _("Received at"),
            "due_date": _("Appointment date"),
            "code": _("Record code"),
            "status": _("Status"),
        },
        label=_("Sort by"),
    )

    # Where a search by personal ID or phone is logged as a personal-data access.
    access_via = AccessChannel.WEB

    class Meta:
        model = Record
        fields = []

    @property
    def qs(self):
        """The filtered records; after a search by personal ID or phone, the records found are
        logged as a personal-data access (the searched value itself is never written)."""
        queryset = super().qs
        searched = getattr(self, "_identifier_searched", None)
        if searched and not getattr(self, "_identifier_logged", False):
            self._identifier_logged = True
            log_personal_data_access(
                user=self.request.user,
                records=list(queryset),
                fields=[searched],
                via=self.access_via,
            )
        return queryset

    def active_filters(self, *, exclude=("ordering",)) -> list[ActiveFilter]:
        """The filters the query sets (a dashboard's drill-down may set any), in declaration
        order, so that a page can show each and keep it when the form is sent again."""
        form = self.form
        cleaned = form.cleaned_data if form.is_valid() else {}
        active = []
        for name in self.filters:
            raw = [value for value in self.data.getlist(name) if value.strip()]
            if name in exclude or not raw:
                continue
            field = form.fields[name]
            active.append(
                ActiveFilter(name, str(field.label), raw, _shown(field, cleaned.get(name), raw))
            )
        return active

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

    def filter_synced(self, queryset, name, value):
        """``true``: nothing owed to the national portal (``Record.sync_pending`` off)."""
        return queryset.filter(sync_pending=value != "true")

    def filter_decided_from(self, queryset, name, value):
        return queryset.filter(acceptance_decided_q(value, None))

    def filter_decided_to(self, queryset, name, value):
        return queryset.filter(acceptance_decided_q(None, value))

    def filter_acceptance(self, queryset, name, value):
        """Online submissions accepted or refused on or before their acceptance deadline
        (``on_time``), or after it (``late``)."""
        on_time = acceptance_on_time_q()
        decided = acceptance_decided_q(None, None)
        return queryset.filter(on_time if value == "on_time" else decided & ~on_time)

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

    def filter_transfer(self, queryset, name, value):
        return queryset.filter(TRANSFER_CONDITIONS[value])

    def filter_open(self, queryset, name, value):
        condition = Q(status__in=OPEN_STATUSES)
        return queryset.filter(condition if value == "true" else ~condition)

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            return queryset.none()
        return queryset.filter(mine_q(user))

    def filter_assignment(self, queryset, name, value):
        return queryset.filter(needs_reassignment_q())

    def filter_approval(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value == "mine":
            if user is None or not user.is_authenticated or not user.leader and not user.is_admin:
                return queryset.none()
            return queryset.filter(awaiting_approval_q(user))
        return queryset.filter(awaiting_approval_q())

    def filter_to_return(self, queryset, name, value):
        return queryset.filter(results_to_return_q(value == "post"))

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        identifier = identifier_lookup(value)
        if identifier is not None:
            field, normalised = identifier
            if user is None or not can_search_identifiers(user):
                return queryset.none()
            self._identifier_searched = field
            return queryset.filter(**{field: normalised})
        return queryset.filter(Q(code__icontains=value) | words_q("applicant_name_folded", value))


class RecordApiFilter(RecordFilter):
    """The same filters for the API: searches by personal ID or phone are logged as API."""

    access_via = AccessChannel.API


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
