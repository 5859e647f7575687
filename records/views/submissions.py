"""The desk's inbox of online submissions from the national portal: the list sorted by the
8-working-hour acceptance deadline, with the working time left or how late; a submission's
page, addressed by its opaque ``public_id`` (never an ID number), with its components and the
lifecycle actions of its status (accept: ``receive``, ``refuse``)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from records.calendar import WorkingCalendar
from records.enums import Status
from records.extensions import record_panels
from records.forms import ACTION_FORMS
from records.lifecycle import ACTION_LABELS, ACTIONS, allowed_actions
from records.permissions import record_page_rules
from records.selectors import record_history, submission_for_user, submissions_awaiting_acceptance
from records.services import ACTION_SERVICES
from records.slips import SLIPS, slips_for
from records.validation import mask_id, mask_phone
from records.views.common import applicant_name, can_write, log_page_read, require_list_reader
from records.views.desk import PAGE_SIZE
from records.views.record import perform_action, render_slip

# The slips of a submission not (yet) accepted: the request to complete it, the refusal.
SUBMISSION_SLIPS = ("supplement", "refusal")


def working_time_text(left: timedelta, *, late: bool) -> str:
    """ "3 h 20 min left" or "1 h 05 min late", in office time."""
    minutes = int(abs(left).total_seconds() // 60)
    values = {"hours": minutes // 60, "minutes": minutes % 60}
    if late:
        return _("%(hours)d h %(minutes)02d min late") % values
    return _("%(hours)d h %(minutes)02d min left") % values


def _clock(record, calendar, now) -> dict:
    """The office time left before the acceptance deadline, or how late it is
    (``WorkingCalendar.working_time_between``)."""
    if record.status != Status.SUBMITTED or record.acceptance_due_at is None:
        return {"text": "", "late": False, "left": None}
    if record.paused_since is not None:
        text = _("Waiting for the citizen to complete the dossier: the clock is stopped.")
        return {"text": text, "late": False, "left": None}
    left = calendar.working_time_between(now, record.acceptance_due_at)
    late = now > record.acceptance_due_at
    return {"text": working_time_text(left, late=late), "late": late, "left": left}


@login_required
@require_GET
def submission_list(request):
    """Online submissions awaiting acceptance in the user's scope, most urgent first."""
    require_list_reader(request.user)
    calendar, now = WorkingCalendar(), timezone.now()
    submissions = submissions_awaiting_acceptance(request.user).select_related("procedure")
    page = Paginator(submissions, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "record": record,
            "applicant_name": applicant_name(request.user, record),
            "clock": _clock(record, calendar, now),
        }
        for record in page.object_list
    ]
    return render(request, "records/submission_list.html", {"rows": rows, "page": page})


def _submission_or_404(user, public_id):
    record = submission_for_user(user, public_id)
    if record is None:
        raise Http404
    return record


def _page_context(request, record, *, forms=None):
    rules = record_page_rules(request.user, record)
    writable = can_write(request.user)
    actions = []
    if writable:
        forms = forms or {}
        for name in allowed_actions(record.status):
            if not ACTIONS[name].offered_on(record):
                continue
            form = forms.get(name) or ACTION_FORMS[name](initial={"version": record.version})
            url = reverse(
                "records:submission-act",
                kwargs={"public_id": record.public_id, "action": name},
            )
            actions.append(
                {
                    "name": name,
                    "label": ACTION_LABELS[name],
                    "form": form,
                    "open": name in forms,
                    "url": url,
                }
            )
    events = list(record_history(record))
    return {
        "record": record,
        "components": record.components.all(),
        "events": events,
        "slips": [slip for slip in slips_for(record, events) if slip.name in SUBMISSION_SLIPS],
        "actions": actions,
        "rules": rules,
        "clock": _clock(record, WorkingCalendar(), timezone.now()),
        "applicant_name": applicant_name(request.user, record),
        "show_identifiers": rules.identifiers,
        "masked_id": mask_id(record.applicant_id_number),
        "masked_old_id": mask_id(record.applicant_old_id_number),
        "record_panels": record_panels(record),
        "masked_phone": mask_phone(record.applicant_phone),
        "can_write": writable,
    }


@login_required
@require_GET
def submission_detail(request, public_id):
    require_list_reader(request.user)
    record = _submission_or_404(request.user, public_id)
    context = _page_context(request, record)
    log_page_read(request.user, record, context["rules"])
    return render(request, "records/submission_detail.html", context)


@login_required
@require_POST
def submission_act(request, public_id, action: str):
    require_list_reader(request.user)
    record = _submission_or_404(request.user, public_id)
    if action not in ACTION_FORMS:
        raise Http404
    if not can_write(request.user):
        raise PermissionDenied
    record, form, status = perform_action(
        request, record, action, ACTION_SERVICES[action], ACTION_FORMS[action]
    )
    if status == 302:
        if record.code:
            return redirect("records:detail", code=record.code)
        return redirect("records:submission", public_id=record.public_id)
    context = _page_context(request, record, forms={action: form} if form is not None else {})
    context["show_identifiers"] = False
    return render(request, "records/submission_detail.html", context, status=status)


@login_required
@require_GET
def submission_slip(request, public_id, kind: str):
    """The request to complete, or the refusal, of an online submission, to print or send."""
    require_list_reader(request.user)
    if kind not in SUBMISSION_SLIPS:
        raise Http404
    return render_slip(request, _submission_or_404(request.user, public_id), SLIPS[kind])
