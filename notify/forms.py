from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_DAYS = 366


class PeriodForm(forms.Form):
    """The period of the delivery counts: local days, both included (default: the last 7)."""

    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        date_to = data.get("date_to") or today
        date_from = data.get("date_from") or date_to - timedelta(days=6)
        if date_from > date_to:
            self.add_error("date_from", _("The period cannot start after it ends."))
        elif (date_to - date_from).days >= MAX_DAYS:
            self.add_error("date_from", _("Choose a period of at most a year."))
        data["date_from"], data["date_to"] = date_from, date_to
        return data
