"""The clerk's desk: the unit's home, the record list with its filters, its CSV export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.exports import CSV_CONTENT_TYPE, csv_lines
from records.calendar import WorkingCalendar
from records.enums import AccessChannel, Status
from records.filters import RecordFilter
from records.selectors import IN_HANDS, due_today, records_for_user, workspace_summary
from records.services import log_personal_data_access
from records.validation import mask_id, mask_phone
from records.views.common import (
    applicant_name,
    can_write,
    list_url,
    require_list_reader,
    require_unit_user,
)

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


@login_required
def workspace(request):
    """A unit's home: today's intake, what is due soon, overdue, waiting, to hand back."""
    require_unit_user(request.user)
    today = timezone.localdate()
    soon_until = WorkingCalendar().add_working_days(today, 2)
    summary = workspace_summary(request.user, today=today, soon_until=soon_until)
    iso_today = today.isoformat()
    received = {"received_from": iso_today, "received_to": iso_today}
    user = request.user
    unit_cards = [
        (
            "acceptance",
            _("Online submissions awaiting acceptance"),
            summary["awaiting_acceptance"],
            reverse("records:submissions"),
            "warn" if summary["awaiting_acceptance"] else "",
        ),
        ("received", _("Received today"), summary["received_today"], list_url(**received), ""),
        (
            "due-soon",
            _("Due today and in the next 2 working days"),
            summary["due_soon"],
            list_url(
                open="true", paused="false", due_from=iso_today, due_to=soon_until.isoformat()
            ),
            "warn" if summary["due_soon"] else "",
        ),
        (
            "overdue",
            _("Overdue"),
            summary["overdue"],
            list_url(overdue="true", ordering="due_date"),
            "danger" if summary["overdue"] else "",
        ),
        (
            "supplement",
            _("Awaiting supplement"),
            summary["awaiting_supplement"],
            list_url(status=Status.SUPPLEMENT_REQUESTED),
            "",
        ),
        (
            "not-returned",
            _("Resolved, not yet returned"),
            summary["not_returned"],
            list_url(status=Status.RESOLVED),
            "",
        ),
        (
            "payment",
            _("Awaiting payment"),
            summary["awaiting_payment"],
            list_url(status=Status.AWAITING_PAYMENT),
            "",
        ),
        (
            "withdrawal",
            _("Withdrawal requested"),
            summary["withdrawal_requested"],
            list_url(status=Status.WITHDRAWAL_REQUESTED),
            "warn" if summary["withdrawal_requested"] else "",
        ),
        (
            "return-desk",
            _("Results to return at the desk"),
            summary["to_return_at_desk"],
            list_url(to_return="desk"),
            "",
        ),
        (
            "return-post",
            _("Results to return through the agent point or by post"),
            summary["to_return_by_post"],
            list_url(to_return="post"),
            "",
        ),
        (
            "reassign",
            _("Needing (re)assignment"),
            summary["needs_reassignment"],
            list_url(assignment="needs_reassignment"),
            "danger" if summary["needs_reassignment"] else "",
        ),
    ]
    mine_cards = [
        (
            "mine",
            _("Mine in processing"),
            summary["mine_in_hands"],
            list_url(mine="true", status=sorted(IN_HANDS)),
            "",
        ),
        (
            "mine-due-soon",
            _("Mine due within 3 working days"),
            summary["mine_due_soon"],
            list_url(
                mine="true",
                open="true",
                paused="false",
                due_from=iso_today,
                due_to=soon_until.isoformat(),
            ),
            "warn" if summary["mine_due_soon"] else "",
        ),
        (
            "mine-overdue",
            _("Mine overdue"),
            summary["mine_overdue"],
            list_url(mine="true", overdue="true"),
            "danger" if summary["mine_overdue"] else "",
        ),
    ]
    leader_cards = [
        (
            "approval",
            _("Waiting for my approval"),
            summary["awaiting_my_approval"],
            list_url(approval="mine"),
            "warn" if summary["awaiting_my_approval"] else "",
        ),
    ]
    cards = []
    if user.leader or user.is_admin:
        cards += leader_cards
    if user.specialist:
        cards += mine_cards
    cards += unit_cards
    unit = user.commune
    if unit is not None:  # transfers between units (Decree 118/2025)
        cards += [
            (
                "transfers-to-accept",
                _("Transfers awaiting our acceptance"),
                summary["to_accept"],
                list_url(transfer="pending", handling_unit=unit.code),
                "warn" if summary["to_accept"] else "",
            ),
            (
                "transfers-back",
                _("Transferred results back at our desk"),
                summary["results_to_return"],
                list_url(transfer="result_at_desk", receiving_unit=unit.code),
                "warn" if summary["results_to_return"] else "",
            ),
        ]
    channels = [
        (channel.label, count, list_url(channel=channel.value, **received))
        for channel, count in summary["by_channel"]
    ]
    context = {
        "cards": [(label, count, url, tone) for _key, label, count, url, tone in cards],
        "keyed_cards": cards,
        "due_today": due_today(user, today) if user.desk_clerk or user.is_admin else [],
        "show_due_today": user.desk_clerk or user.is_admin,
        "channels": channels,
        "today": today,
        "soon_until": soon_until,
        "can_write": can_write(request.user),
    }
    return render(request, "records/workspace.html", context)


def _filtered(request):
    queryset = records_for_user(request.user).select_related("agent_point")
    return RecordFilter(request.GET or None, queryset=queryset, request=request)


@login_required
def record_list(request):
    require_list_reader(request.user)
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
                applicant_name(request.user, record),
                mask_id(record.applicant_id_number),
                mask_phone(record.applicant_phone),
            )
            for record in page.object_list
        ],
        "query": query.urlencode(),
        "can_write": can_write(request.user),
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
    require_list_reader(request.user)
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
            applicant_name(request.user, r),
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
