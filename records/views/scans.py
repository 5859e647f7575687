"""The dossier's scans: attached from the record page, read only through ``record_scan_file``
(logged in, the record in the reader's scope, personal data in full: else 404), which
streams the stored file; a scan never has a public URL."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from records.enums import AccessChannel
from records.forms import ScanForm
from records.permissions import can_see_identifiers
from records.scans import scan_response
from records.selectors import scan_for_record
from records.services import record_attach_scan
from records.views.common import can_write, errors_to_form, record_or_404, require_unit_user
from records.views.record import detail_context


@login_required
@require_POST
def record_scan_upload(request, code: str):
    require_unit_user(request.user)
    record = record_or_404(request.user, code)
    if not can_write(request.user):
        raise PermissionDenied
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            record_attach_scan(record=record, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Scan attached."))
            return redirect("records:detail", code=record.code)
    context = detail_context(request, record, show_identifiers=False)
    context["scan_form"] = form
    return render(request, "records/record_detail.html", context, status=400)


@login_required
@require_GET
def record_scan_file(request, code: str, scan_id: int):
    require_unit_user(request.user)
    record = record_or_404(request.user, code)
    scan = scan_for_record(record, scan_id)
    if scan is None or not can_see_identifiers(request.user, record):
        raise Http404
    return scan_response(scan, user=request.user, via=AccessChannel.WEB)
