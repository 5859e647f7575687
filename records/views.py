"""The clerk's workspace: home, list, CSV export, receipt, detail with actions, slips.

Views are thin: they read through the scoped selectors (another unit's record is a 404),
write through the lifecycle services, and put the services' field errors on the forms.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import UNIT_ROLES, Role
from core.exports import CSV_CONTENT_TYPE, csv_lines
from records.calendar import WorkingCalendar
from records.deadlines import appointment_date
from records.exceptions import RecordConflict
from records.filters import ProcedureFilter, RecordFilter
from records.forms import ACTION_FORMS, RecordReceiveForm, service_arguments
from records.lifecycle import ACTION_LABELS, allowed_actions
from records.models import AccessChannel, Status
from records.permissions import can_read_record_pages, can_see_names, record_page_rules
from records.selectors import (
    active_procedures,
    receiving_officer,
    record_for_user,
    record_history,
    records_for_user,
    workspace_summary,
)
from records.services import (
    ACTION_SERVICES,
    check_receive_new,
    log_personal_data_access,
    record_receive_new,
)
from records.slips import control_slip_rows
from records.validation import mask_id, mask_name, mask_phone

PAGE_SIZE = 50
# The filters the list's form shows as fields; any other filter in the query (a drill-down
# from the dashboard or the home page) shows as a removable chip and rides in a hidden input.
LIST_FORM_FIELDS = (
    "search",
    "status",
    "channel",
    "procedure",
    "received_from",
    "received_to",
    "overdue",
    "ordering",
)


def _can_write(user) -> bool:
    return user.in_role(Role.CLERK)


def _require_unit_user(user):
    """The workspace is for a unit's clerks and leader (and administrators)."""
    if not user.in_role(*UNIT_ROLES):
        raise PermissionDenied


def _require_list_reader(user):
    """Lists, their CSV and record pages also serve the city office's drill-down, read-only
    with personal data masked (``permissions.record_page_rules``)."""
    if not can_read_record_pages(user):
        raise PermissionDenied


def _applicant_name(user, record) -> str:
    if can_see_names(user):
        return record.applicant_name
    return mask_name(record.applicant_name)


def _record_or_404(user, code: str):
    record = record_for_user(user, code)
    if record is None:
        raise Http404
    return record


def _list_url(**filters) -> str:
    return f"{reverse('records:list')}?{urlencode(filters, doseq=True)}"


@login_required
def workspace(request):
    """A unit's home: today's intake, what is due soon, overdue, waiting, to hand back."""
    _require_unit_user(request.user)
    today = timezone.localdate()
    soon_until = WorkingCalendar().add_working_days(today, 2)
    summary = workspace_summary(request.user, today=today, soon_until=soon_until)
    iso_today = today.isoformat()
    received = {"received_from": iso_today, "received_to": iso_today}
    cards = [
        (_("Received today"), summary["received_today"], _list_url(**received), ""),
        (
            _("Due today and in the next 2 working days"),
            summary["due_soon"],
            _list_url(
                open="true", paused="false", due_from=iso_today, due_to=soon_until.isoformat()
            ),
            "warn" if summary["due_soon"] else "",
        ),
        (
            _("Overdue"),
            summary["overdue"],
            _list_url(overdue="true", ordering="due_date"),
            "danger" if summary["overdue"] else "",
        ),
        (
            _("Awaiting supplement"),
            summary["awaiting_supplement"],
            _list_url(status=Status.SUPPLEMENT_REQUESTED),
            "",
        ),
        (
            _("Resolved, not yet returned"),
            summary["not_returned"],
            _list_url(status=Status.RESOLVED),
            "",
        ),
    ]
    channels = [
        (channel.label, count, _list_url(channel=channel.value, **received))
        for channel, count in summary["by_channel"]
    ]
    context = {
        "cards": cards,
        "channels": channels,
        "today": today,
        "soon_until": soon_until,
        "can_write": _can_write(request.user),
    }
    return render(request, "records/workspace.html", context)


def _filtered(request):
    queryset = records_for_user(request.user).select_related("agent_point")
    return RecordFilter(request.GET or None, queryset=queryset, request=request)


@login_required
def record_list(request):
    _require_list_reader(request.user)
    filterset = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        records = records_for_user(request.user).none()
    else:
        records = filterset.qs
        if not request.GET.get("ordering"):
            records = records.order_by("-received_at", "-id")
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    chips, hidden = [], []
    for active in filterset.active_filters() if filterset.is_bound else []:
        without = query.copy()
        without.pop(active.name)
        chips.append({"filter": active, "remove": without.urlencode()})
        if active.name not in LIST_FORM_FIELDS:
            hidden += [(active.name, value) for value in active.values]
    context = {
        "chips": chips,
        "hidden_filters": hidden,
        "filterset": filterset,
        "page": page,
        "rows": [
            (
                record,
                _applicant_name(request.user, record),
                mask_id(record.applicant_id_number),
                mask_phone(record.applicant_phone),
            )
            for record in page.object_list
        ],
        "query": query.urlencode(),
        "can_write": _can_write(request.user),
        "show_units": request.user.is_city_wide,
    }
    status = 400 if filterset.is_bound and not filterset.is_valid() else 200
    return render(request, "records/record_list.html", context, status=status)


@login_required
@require_GET
def record_export(request):
    """The filtered list as CSV by the export convention (``core.exports``), ID and
    phone masked (names too for the city office). The export of applicants' names is
    logged."""
    _require_list_reader(request.user)
    filterset = _filtered(request)
    if filterset.is_bound and not filterset.is_valid():
        return HttpResponse(str(filterset.errors), status=400, content_type="text/plain")
    records = list(filterset.qs.order_by("received_at", "id"))
    log_personal_data_access(
        user=request.user, records=records, fields=["applicant_name"], via=AccessChannel.EXPORT
    )
    header = [
        _("Record code"),
        _("Procedure"),
        _("Channel"),
        _("Status"),
        _("Receiving unit"),
        _("Applicant"),
        _("Personal ID number"),
        _("Phone"),
        _("Received at"),
        _("Appointment date"),
        _("Extended to"),
        _("Finished at"),
        _("Outcome"),
        _("Returned at"),
        _("Return method"),
    ]

    rows = (
        [
            r.code,
            r.procedure.name,
            r.get_channel_display(),
            r.get_status_display(),
            r.receiving_unit.name,
            _applicant_name(request.user, r),
            mask_id(r.applicant_id_number),
            mask_phone(r.applicant_phone),
            r.received_at,
            r.due_date,
            r.extended_due_date,
            r.finished_at,
            r.get_outcome_display(),
            r.returned_at,
            r.get_return_method_display(),
        ]
        for r in records
    )
    response = StreamingHttpResponse(csv_lines(header, rows), content_type=CSV_CONTENT_TYPE)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="ho-so-{stamp}.csv"'
    return response


def _receive_from_form(user, unit, form):
    """Receive the form's record, or put every error on the form: when the form already found
    shape errors, the service's rules still run on what it could read, so that all errors show
    at once (the form's own message for a field wins)."""
    try:
        if form.is_valid():
            return record_receive_new(actor=user, receiving_unit=unit, **form.service_arguments())
        check_receive_new(receiving_unit=unit, **form.service_arguments())
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


def errors_to_form(form, exc: ValidationError):
    """Put a service's ValidationError on the form, next to the fields it names."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
    for field, messages_ in errors.items():
        target = field if field in form.fields else None
        if target is not None and target in form.errors:
            continue  # the form's own message for the field comes first and suffices
        for message in messages_:
            form.add_error(target, message)


def _detail_context(request, record, *, forms=None, show_identifiers=None):
    rules = record_page_rules(request.user, record)
    if show_identifiers is None:
        show_identifiers = rules.identifiers
    writable = _can_write(request.user)
    actions = []
    if writable:
        forms = forms or {}
        for name in allowed_actions(record.status):
            form = forms.get(name) or ACTION_FORMS[name](initial={"version": record.version})
            actions.append(
                {
                    "name": name,
                    "label": ACTION_LABELS[name],
                    "form": form,
                    "open": name in forms,
                    "url": reverse("records:act", kwargs={"code": record.code, "action": name}),
                }
            )
    return {
        "record": record,
        "events": record_history(record),
        "actions": actions,
        "rules": rules,
        "applicant_name": _applicant_name(request.user, record),
        "show_identifiers": show_identifiers,
        "masked_id": mask_id(record.applicant_id_number),
        "masked_old_id": mask_id(record.applicant_old_id_number),
        "masked_phone": mask_phone(record.applicant_phone),
        "can_write": writable,
    }


@login_required
@require_GET
def record_detail(request, code: str):
    _require_list_reader(request.user)
    record = _record_or_404(request.user, code)
    context = _detail_context(request, record)
    if context["rules"].logged_fields:
        log_personal_data_access(
            user=request.user,
            records=[record],
            fields=list(context["rules"].logged_fields),
            via=AccessChannel.WEB,
        )
    return render(request, "records/record_detail.html", context)


def perform_action(request, record, action: str, service, form_class):
    """Run one lifecycle action posted from a record page.

    Returns ``(record, form, status)``: 302 when done (a success message is queued), 400 with
    the form's errors (from the form or the service), 409 after a conflict (a message is
    queued, the form is dropped so the page shows the record as it now is).
    """
    form = form_class(request.POST)
    if not form.is_valid():
        return record, form, 400
    try:
        record = service(record=record, actor=request.user, **service_arguments(form))
    except ValidationError as exc:
        errors_to_form(form, exc)
        return record, form, 400
    except RecordConflict as exc:
        messages.error(request, exc.message)
        record.refresh_from_db()
        return record, None, 409
    messages.success(request, _("Done: %(action)s.") % {"action": ACTION_LABELS[action]})
    return record, form, 302


@login_required
@require_POST
def record_act(request, code: str, action: str):
    _require_unit_user(request.user)
    if action not in ACTION_FORMS:
        raise Http404
    record = _record_or_404(request.user, code)
    if not _can_write(request.user):
        raise PermissionDenied
    record, form, status = perform_action(
        request, record, action, ACTION_SERVICES[action], ACTION_FORMS[action]
    )
    if status == 302:
        return redirect("records:detail", code=record.code)
    context = _detail_context(
        request, record, forms={action: form} if form is not None else {}, show_identifiers=False
    )
    return render(request, "records/record_detail.html", context, status=status)


@login_required
@require_GET
def receipt_slip(request, code: str):
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả, to print and hand to the applicant (also for
    post office staff, for the postal dossiers of their point)."""
    if request.user.role != Role.POST_STAFF:
        _require_unit_user(request.user)
    record = _record_or_404(request.user, code)
    if record.received_at is None:
        raise Http404
    log_personal_data_access(
        user=request.user, records=[record], fields=["applicant_phone"], via=AccessChannel.WEB
    )
    context = {"record": record, "officer": receiving_officer(record)}
    return render(request, "records/slip_receipt.html", context)


@login_required
@require_GET
def control_slip(request, code: str):
    """Phiếu kiểm soát quá trình giải quyết hồ sơ: every step, who gave and who received the
    dossier, when, its result, and room for both signatures."""
    _require_unit_user(request.user)
    record = _record_or_404(request.user, code)
    rows = control_slip_rows(record, record_history(record))
    return render(request, "records/slip_control.html", {"record": record, "rows": rows})
