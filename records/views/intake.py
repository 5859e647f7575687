"""Receiving a dossier at the desk (action ``receive_at_desk``), with the procedure search
and the appointment-date preview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.models import Role
from records.calendar import WorkingCalendar
from records.deadlines import appointment_date
from records.filters import ProcedureFilter
from records.forms import RecordReceiveForm
from records.selectors import active_procedures
from records.services import check_create_at_desk, record_create_at_desk
from records.views.common import errors_to_form


def _receive_from_form(user, unit, form):
    """Receive the form's record, or put every error on the form: when the form already found
    shape errors, the service's rules still run on what it could read, so that all errors show
    at once (the form's own message for a field wins)."""
    try:
        if form.is_valid():
            return record_create_at_desk(
                actor=user, receiving_unit=unit, **form.service_arguments()
            )
        check_create_at_desk(receiving_unit=unit, **form.service_arguments())
    except ValidationError as exc:
        errors_to_form(form, exc)
    return None


@login_required
def record_new(request):
    if request.user.role != Role.CLERK:
        raise PermissionDenied
    unit = request.user.commune
    form = RecordReceiveForm(request.POST or None, unit=unit)
    if request.method == "POST":
        record = _receive_from_form(request.user, unit, form)
        if record is not None:
            messages.success(request, _("Record %(code)s received.") % {"code": record.code})
            return redirect("records:receipt-slip", code=record.code)
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "unit": unit,
        "procedures": active_procedures(),
        **_due_preview_context(form["procedure"].value(), form["received_at"].value()),
    }
    return render(request, "records/record_new.html", context, status=status)


@login_required
@require_GET
def procedure_options(request):
    """htmx: the procedure <option>s matching ``q`` without diacritics."""
    filterset = ProcedureFilter({"search": request.GET.get("q", "")[:100]}, active_procedures())
    procedures = filterset.qs.order_by("field", "name") if filterset.is_valid() else []
    selected = request.GET.get("procedure", "")
    return render(
        request,
        "records/partials/procedure_options.html",
        {"procedures": procedures[:200], "selected": selected},
    )


def _due_preview_context(procedure_key, received_at) -> dict:
    """The appointment date a record of ``procedure_key`` received at ``received_at`` (a
    datetime or the form's text; empty or unreadable: now) would get, before saving."""
    procedure = active_procedures().filter(key=procedure_key or "").first()
    if isinstance(received_at, str):
        parsed = parse_datetime(received_at) if received_at else None
        received_at = parsed and (
            timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed
        )
    received_at = received_at or timezone.now()
    due = None
    if procedure is not None:
        due = appointment_date(
            received_at, procedure.time_limit, procedure.time_unit, WorkingCalendar()
        )
    return {"procedure": procedure, "due": due, "received_at": received_at}


@login_required
@require_GET
def due_preview(request):
    """htmx: the appointment date the record would get, before saving."""
    context = _due_preview_context(
        request.GET.get("procedure", ""), request.GET.get("received_at", "")
    )
    return render(request, "records/partials/due_preview.html", context)
