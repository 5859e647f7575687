"""The dashboard's satisfaction page (``/dashboard/satisfaction/``): per unit, for a quarter
picked in a form, the figures of ``satisfaction.selectors.quarter_figures`` (one grouped
query), for the city office (every unit) and a commune leader (their unit)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from satisfaction.quarters import Quarter, quarters_up_to
from satisfaction.questions import INDICATORS, SCORES
from satisfaction.selectors import quarter_figures
from stats.selectors import stats_units_for_user


class QuarterForm(forms.Form):
    quarter = forms.ChoiceField(label=_("Quarter"))

    def __init__(self, *args, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.quarters = {str(quarter): quarter for quarter in quarters_up_to(today)}
        self.fields["quarter"].choices = [(key, key) for key in self.quarters]
        self.fields["quarter"].initial = str(Quarter.of(today))

    def chosen(self, today) -> Quarter:
        if self.is_valid():
            return self.quarters[self.cleaned_data["quarter"]]
        return Quarter.of(today)


@login_required
def satisfaction_dashboard(request):
    user = request.user
    if not (user.is_city_wide or user.role == Role.COMMUNE_LEADER):
        raise PermissionDenied
    today = timezone.localdate()
    form = QuarterForm(request.GET or None, today=today)
    quarter = form.chosen(today)
    units = list(stats_units_for_user(user).order_by("-kind", "name_folded"))
    figures = quarter_figures(quarter=quarter, units=units)
    total = figures.total
    context = {
        "form": form,
        "quarter": quarter,
        "figures": figures,
        "rows": figures.rows,
        "total": total,
        "single": len(units) == 1,
        "indicators": [
            {
                "indicator": indicator,
                "figures": total.indicators[indicator.field],
                "levels": [
                    (label, total.indicators[indicator.field].counts[score])
                    for score, label in indicator.answers
                ],
            }
            for indicator in INDICATORS
        ],
        "indicator_list": INDICATORS,
        "scores": SCORES,
    }
    return render(request, "stats/satisfaction.html", context)
