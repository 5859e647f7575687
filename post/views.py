"""Post office staff's workspace at an agent point. Reads go through the scoped selectors
(records linked to their point only; another point's record is a 404), writes through
records.services (actions of the lifecycle table whose actor is the agent point)."""

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
from agent_points.services import record_online_assistance
from post.forms import POINT_FORMS, OnlineAssistanceForm, PostalIntakeForm
from post.selectors import (
    delivered_on,
    online_assistance_for,
    recent_postal_intake,
    results_to_take_over,
    results_waiting_at_point,
)
from records.enums import AccessChannel
from records.lifecycle import ACTION_LABELS, ACTIONS, POINT_ACTIONS
from records.selectors import record_for_user, record_history, records_by_code_part
from records.services import ACTION_SERVICES, log_personal_data_access, postal_receive
from records.views import errors_to_form, perform_action


def _require_post_staff(user):
    if user.role != Role.POST_STAFF or user.agent_point_id is None:
        raise PermissionDenied


def _record_or_404(user, code):
    record = record_for_user(user, code)
    if record is None:
        raise Http404
    return record


@login_required
def workspace(request):
    _require_post_staff(request.user)
    user = request.user
    code = request.GET.get("code", "").strip()
    found = []
    if code:
        exact = record_for_user(user, code)
        found = [exact] if exact is not None else records_by_code_part(user, code)
        if len(found) == 1:
            return redirect("post:record", code=found[0].code)
        if not found:
            messages.error(request, _("No record %(code)s at your agent point.") % {"code": code})
    context = {
        "found": found,
        "point": user.agent_point,
        "to_take_over": results_to_take_over(user).select_related("procedure"),
        "waiting": results_waiting_at_point(user).select_related("procedure"),
        "delivered_today": delivered_on(user, timezone.localdate()).select_related("procedure"),
        "recent_intake": recent_postal_intake(user).select_related("procedure"),
        "assistance": online_assistance_for(user),
        "assistance_form": OnlineAssistanceForm(),
        "code": code,
    }
    return render(request, "post/workspace.html", context)


@login_required
@require_POST
def online_assistance(request):
    _require_post_staff(request.user)
    form = OnlineAssistanceForm(request.POST)
    if form.is_valid():
        try:
            entry = record_online_assistance(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(
                request,
                _("Saved: %(count)s citizens helped on %(day)s.")
                % {"count": entry.count, "day": entry.day.strftime("%d/%m/%Y")},
            )
            return redirect("home")
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("home")


@login_required
def intake(request):
    _require_post_staff(request.user)
    point = request.user.agent_point
    form = PostalIntakeForm(request.POST or None, point=point)
    if request.method == "POST" and form.is_valid():
        try:
            record = postal_receive(actor=request.user, **form.service_arguments())
        except ValidationError as exc:
            errors_to_form(form, exc)
        else:
            messages.success(request, _("Record %(code)s received.") % {"code": record.code})
            return redirect("post:record", code=record.code)
    status = 400 if request.method == "POST" else 200
    return render(request, "post/intake.html", {"form": form, "point": point}, status=status)


def _point_actions(record, forms=None):
    """The agent point's buttons on ``record``: the actions its status and state allow."""
    forms = forms or {}
    return [
        {
            "name": name,
            "label": ACTION_LABELS[name],
            "form": forms.get(name) or POINT_FORMS[name](initial={"version": record.version}),
            "open": name in forms,
            "url": reverse("post:act", kwargs={"code": record.code, "action": name}),
        }
        for name in POINT_ACTIONS
        if ACTIONS[name].offered_on(record)
    ]


@login_required
@require_GET
def record_page(request, code):
    """What delivery needs: name, phone, address, code; never the personal ID number."""
    _require_post_staff(request.user)
    record = _record_or_404(request.user, code)
    log_personal_data_access(
        user=request.user, records=[record], fields=["applicant_phone"], via=AccessChannel.WEB
    )
    context = {
        "record": record,
        "events": record_history(record),
        "actions": _point_actions(record),
    }
    return render(request, "post/record.html", context)


@login_required
@require_POST
def act(request, code, action):
    _require_post_staff(request.user)
    if action not in POINT_FORMS:
        raise Http404
    record = _record_or_404(request.user, code)
    record, form, status = perform_action(
        request, record, action, ACTION_SERVICES[action], POINT_FORMS[action]
    )
    if status == 302:
        return redirect("post:record", code=record.code)
    context = {
        "record": record,
        "events": record_history(record),
        "actions": _point_actions(record, {action: form} if form is not None else {}),
    }
    return render(request, "post/record.html", context, status=status)
