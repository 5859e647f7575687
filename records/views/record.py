"""A record's page with the unit's action buttons (from the lifecycle table), the actions
posted from it, and the printable slips."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from records import permissions
from records.enums import AccessChannel
from records.exceptions import RecordConflict
from records.extensions import record_panels
from records.forms import ACTION_FORMS, ScanForm, service_arguments
from records.lifecycle import ACTION_LABELS, ACTIONS, Permission, allowed_actions
from records.permissions import can_see_identifiers, record_page_rules
from records.qr import applicant_code
from records.selectors import (
    current_assignment,
    pending_proposal,
    receipt_payment,
    receiving_officer,
    record_history,
    record_payment_requests,
    record_scans,
)
from records.services import ACTION_SERVICES, log_personal_data_access
from records.slips import (
    SLIPS,
    SlipKind,
    control_slip_rows,
    issuing_event,
    offered,
    slip_qr,
    slips_for,
)
from records.validation import mask_id, mask_phone
from records.views.common import (
    applicant_name,
    can_write,
    errors_to_form,
    log_page_read,
    record_or_404,
    require_list_reader,
    require_unit_user,
)


def detail_context(request, record, *, forms=None, show_identifiers=None):
    rules = record_page_rules(request.user, record)
    if show_identifiers is None:
        show_identifiers = rules.identifiers
    writable = can_write(request.user)
    actions = []
    forms = forms or {}
    for name in allowed_actions(record.status):
        # A form posted with errors stays open; otherwise the entry's conditions (e.g. a
        # refund needs a paid fee) and permission decide.
        if name not in forms and not _may_offer(request.user, record, name):
            continue
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
    events = list(record_history(record))
    return {
        "record": record,
        "events": events,
        "slips": slips_for(record, events),
        "actions": actions,
        "rules": rules,
        "applicant_name": applicant_name(request.user, record),
        "show_identifiers": show_identifiers,
        "masked_id": mask_id(record.applicant_id_number),
        "masked_old_id": mask_id(record.applicant_old_id_number),
        "masked_phone": mask_phone(record.applicant_phone),
        "can_write": writable,
        "record_panels": record_panels(record),
        "components": list(record.components.all()),
        "scans": list(record_scans(record)) if rules.identifiers else [],
        "scan_form": ScanForm() if writable else None,
        "payment_requests": record_payment_requests(record),
        "assignment": current_assignment(record),
        "proposal": pending_proposal(record),
    }


def _may_offer(user, record, name: str) -> bool:
    """A button of the record page for ``user``: the unit's clerks get the unit's actions, the
    unit's leader the approval's (each as the entry's permission says), when the record meets
    the entry's conditions."""
    entry = ACTIONS[name]
    if entry.permission == Permission.APPROVE:
        if not (user.leader or user.is_admin):
            return False
    elif not can_write(user):
        return False
    try:
        getattr(permissions, entry.permission)(user, record)
    except PermissionDenied:
        return False
    return entry.offered_on(record)


@login_required
@require_GET
def record_detail(request, code: str):
    require_list_reader(request.user)
    record = record_or_404(request.user, code)
    context = detail_context(request, record)
    log_page_read(request.user, record, context["rules"])
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
    require_unit_user(request.user)
    if action not in ACTION_FORMS:
        raise Http404
    record = record_or_404(request.user, code)
    approval = ACTIONS[action].permission == Permission.APPROVE
    if not (request.user.leader or request.user.is_admin if approval else can_write(request.user)):
        raise PermissionDenied
    record, form, status = perform_action(
        request, record, action, ACTION_SERVICES[action], ACTION_FORMS[action]
    )
    if status == 302:
        return redirect("records:detail", code=record.code)
    context = detail_context(
        request, record, forms={action: form} if form is not None else {}, show_identifiers=False
    )
    return render(request, "records/record_detail.html", context, status=status)


def event_dates(event) -> dict[str, date]:
    """The dates an event's data keeps as ISO text (``new_due_date``, ``previous_due_date``…)."""
    if event is None:
        return {}
    return {
        key: date.fromisoformat(value)
        for key, value in event.data.items()
        if key.endswith("_date") and isinstance(value, str)
    }


def render_slip(request, record, slip: SlipKind):
    """Print ``slip`` of ``record`` (404 when the record has none to print), with its QR code.
    The slip is the applicant's own document and shows their details and ID number: reading it
    is logged as a read of the personal identifiers."""
    events = list(record_history(record))
    if not offered(slip, record, events):
        raise Http404
    # Post office staff never see ID numbers: their print shows (and its QR holds) it masked.
    full_id = can_see_identifiers(request.user, record)
    applicant = applicant_code(record) if full_id else mask_id(applicant_code(record))
    fields = ["applicant_id_number", "applicant_phone"] if full_id else ["applicant_phone"]
    log_personal_data_access(
        user=request.user, records=[record], fields=fields, via=AccessChannel.WEB
    )
    event = issuing_event(slip, events)
    context = {
        "record": record,
        "slip": slip,
        "qr": slip_qr(slip, record, events, now=timezone.now(), applicant=applicant),
        "event": event,
        "event_dates": event_dates(event),
        "officer": receiving_officer(record),
        "applicant_code": applicant,
    }
    if slip.name == "control":
        context["rows"] = control_slip_rows(record, events)
    if slip.name == "fee_receipt":
        event = context["event"]
        context["payment"] = receipt_payment(
            record, event.data.get("receipt_no") if event else None
        )
        if context["payment"] is None:
            raise Http404
    return render(request, slip.template, context)


@login_required
@require_GET
def record_slip(request, code: str, kind: str):
    """A printable slip of a record: the receipt and appointment slip (Giấy tiếp nhận hồ sơ và
    hẹn trả kết quả), the supplement request, the process-control slip (Phiếu kiểm soát quá
    trình giải quyết hồ sơ: every step, who gave and who received the dossier, when, its
    result, room for both signatures) and the result handover. Post office staff print the
    receipt and the handover of their point's postal dossiers."""
    slip = SLIPS.get(kind)
    if slip is None:
        raise Http404
    if not (slip.for_point and request.user.role == Role.POST_STAFF):
        require_unit_user(request.user)
    return render_slip(request, record_or_404(request.user, code), slip)
