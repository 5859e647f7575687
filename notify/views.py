"""The city office's page of the notifications: delivery counts per channel and the latest
errors, for a period. No personal data: no recipient is stored, errors are codes."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from notify.forms import PeriodForm
from notify.selectors import delivery_counts, latest_errors


@login_required
@require_GET
def deliveries(request):
    if not request.user.is_city_wide:
        raise PermissionDenied
    form = PeriodForm(request.GET or None)
    today = timezone.localdate()
    date_from, date_to = today - timedelta(days=6), today
    valid = form.is_valid() if request.GET else True
    if request.GET and valid:
        date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    if not request.GET:
        form = PeriodForm(initial={"date_from": date_from, "date_to": date_to})
    counts = delivery_counts(date_from, date_to) if valid else []
    context = {
        "form": form,
        "date_from": date_from,
        "date_to": date_to,
        "counts": counts,
        "totals": {
            state: sum(getattr(row, state) for row in counts)
            for state in ("sent", "pending", "failed")
        },
        "errors": latest_errors(date_from, date_to) if valid else [],
    }
    return render(request, "notify/deliveries.html", context, status=200 if valid else 400)
