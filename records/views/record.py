"""A record's page with the unit's action buttons (from the lifecycle table), the actions
posted from it, and the printable slips."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from records.enums import AccessChannel
from records.exceptions import RecordConflict
from records.extensions import record_panels
from records.forms import ACTION_FORMS, service_arguments
from records.lifecycle import ACTION_LABELS, allowed_actions
from records.permissions import record_page_rules
from records.selectors import receiving_officer, record_history
from records.services import ACTION_SERVICES, log_personal_data_access
from records.slips import control_slip_rows
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


def _detail_context(request, record, *, forms=None, show_identifiers=None):
    rules = record_page_rules(request.user, record)
    if show_identifiers is None:
        show_identifiers = rules.identifiers
    writable = can_write(request.user)
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
        "applicant_name": applicant_name(request.user, record),
        "show_identifiers": show_identifiers,
        "masked_id": mask_id(record.applicant_id_number),
        "masked_old_id": mask_id(record.applicant_old_id_number),
        "masked_phone": mask_phone(record.applicant_phone),
        "can_write": writable,
        "record_panels": record_panels(record),
    }


@login_required
@require_GET
def record_detail(request, code: str):
    require_list_reader(request.user)
    record = record_or_404(request.user, code)
    context = _detail_context(request, record)
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
    if not can_write(request.user):
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
        require_unit_user(request.user)
    record = record_or_404(request.user, code)
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
    require_unit_user(request.user)
    record = record_or_404(request.user, code)
    rows = control_slip_rows(record, record_history(record))
    return render(request, "records/slip_control.html", {"record": record, "rows": rows})
