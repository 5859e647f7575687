"""The clerk's paper form: a citizen's filled-in satisfaction form typed in for the record
(from the record page's panel). Only clerks of the record's unit, only once the result is
returned and while the record has no rating."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.models import Role
from records.exceptions import RecordConflict
from records.selectors import record_for_user
from satisfaction.forms import RatingForm, add_service_errors
from satisfaction.models import Source
from satisfaction.services import rate_record


def _record_for_clerk(user, code):
    record = record_for_user(user, code)
    if record is None:
        raise Http404
    if user.role != Role.CLERK:
        raise PermissionDenied(_("Only the clerks of the record's unit enter paper forms."))
    return record


@login_required
@require_http_methods(["GET", "POST"])
def paper_form(request, code: str):
    record = _record_for_clerk(request.user, code)
    form = RatingForm(request.POST or None)
    status, conflict = 200, ""
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                rate_record(
                    record=record,
                    answers=form.answers(),
                    comment=form.cleaned_data["comment"],
                    source=Source.PAPER,
                    entered_by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            except RecordConflict as error:
                conflict, status = error.message, 409
            else:
                messages.success(request, _("The paper satisfaction form was recorded."))
                return redirect("records:detail", code=record.code)
    context = {"record": record, "form": form, "conflict": conflict}
    return render(request, "satisfaction/paper_form.html", context, status=status)
