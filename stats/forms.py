"""The dashboard's form: the period picker (shortcuts or two dates, checked by the one period
rule of ``stats.periods``), the units and the ranking's sort."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stats.periods import period_errors

PERIODS = [
    ("today", _("Today")),
    ("last7", _("Last 7 days")),
    ("month", _("This month")),
    ("custom", _("Custom")),
]
SORTS = {
    "received": ("received", _("received")),
    "online": ("online_rate", _("online rate")),
    "handling": ("handling_rate", _("handling rate")),
}


class DashboardForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    commune = forms.MultipleChoiceField(label=_("Units"), required=False)
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (_, label) in SORTS.items()], required=False
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].choices = [(unit.code, unit.name) for unit in units]

    def clean(self):
        data = super().clean()
        if data.get("period") in SHORTCUTS:
            # The page pre-fills the dates it shows; with a shortcut chosen they are not used,
            # so whatever they hold is no error.
            for name in ("date_from", "date_to"):
                self.errors.pop(name, None)
                data.pop(name, None)
            return data
        if data.get("period") == "custom" or (data.get("date_from") and data.get("date_to")):
            start, end = data.get("date_from"), data.get("date_to")
            if not start or not end:
                raise forms.ValidationError(_("Choose both dates of the period."))
            for name, message in period_errors(start, end, today=timezone.localdate()).items():
                self.add_error(name, message)
        return data


SHORTCUTS = {
    "today": lambda today: (today, today),
    "last7": lambda today: (today - timedelta(days=6), today),
    "month": lambda today: (today.replace(day=1), today),
}


def default_period(today: date) -> tuple[date, date]:
    """``DASHBOARD_DEFAULT_PERIOD`` (the demo opens on 1–11 July 2025), else the last 7 days."""
    configured = settings.DASHBOARD_DEFAULT_PERIOD
    if configured:
        return configured
    return SHORTCUTS["last7"](today)


def resolve_period(data: dict, today: date) -> tuple[date, date, str]:
    """The dates the page shows and the picker's value for the cleaned form ``data``.

    A chosen shortcut (today, last 7 days, this month) wins over the date fields, which the
    page pre-fills with the dates it shows; the dates count when the period is "custom", or
    when they come alone (links). With nothing chosen: ``default_period``, the picker showing
    the shortcut it equals, else "custom"."""
    period = data.get("period") or ""
    if period in SHORTCUTS:
        return *SHORTCUTS[period](today), period
    if data.get("date_from") and data.get("date_to"):
        return data["date_from"], data["date_to"], "custom"
    start, end = default_period(today)
    shown = next((key for key, dates in SHORTCUTS.items() if dates(today) == (start, end)), None)
    return start, end, shown or "custom"
