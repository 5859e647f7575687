"""Reads of records, always scoped to a user through ``accounts.scoping.scope_for_user``."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from accounts.models import Role, User
from accounts.scoping import scope_for_user
from records.calendar import day_start
from records.enums import (
    OPEN_STATUSES,
    PAUSED_STATUSES,
    Channel,
    PaymentState,
    ResultDelivery,
    Status,
)
from records.models import (
    Assignment,
    Payment,
    PaymentRequest,
    Procedure,
    Proposal,
    Record,
    RecordEvent,
    RecordScan,
)


def records_for_user(user) -> QuerySet[Record]:
    """Records the user may see: a clerk or leader those their unit receives or handles, post
    staff those linked to their agent point, the city office all of them, anyone else none."""
    return scope_for_user(
        Record.objects.select_related("procedure", "receiving_unit", "handling_unit"),
        user,
        unit_fields=("receiving_unit", "handling_unit"),
        agent_point_field="agent_point",
    )


def record_for_user(user, code: str) -> Record | None:
    """One record by code within the user's scope, or None (the caller answers 404)."""
    if not code:
        return None
    return records_for_user(user).filter(code=code).first()


def submission_for_user(user, public_id) -> Record | None:
    """One record by its opaque ``public_id`` within the user's scope, or None (404)."""
    try:
        value = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return records_for_user(user).filter(public_id=value).first()


# Transfers between units, as record conditions: awaiting the competent unit's acceptance;
# handled elsewhere than received; the result back at the receiving desk, to be returned.
TRANSFER_CONDITIONS = {
    "pending": Q(transfer_pending_since__isnull=False),
    "elsewhere": ~Q(handling_unit=F("receiving_unit")),
    "result_at_desk": Q(status=Status.RESOLVED, result_at_desk_since__isnull=False)
    & ~Q(handling_unit=F("receiving_unit")),
}


def transfer_counts(user) -> dict:
    """A unit's transfers: ``to_accept`` (transferred to it, awaiting its acceptance) and
    ``results_to_return`` (its receipts handled elsewhere whose result is back at its desk).
    One aggregate query within the user's scope (the workspace folds it into its own)."""
    return records_for_user(user).aggregate(**transfer_counts_aggregates(user))


def transfer_counts_aggregates(user) -> dict:
    unit = user.commune_id
    return {
        "to_accept": Count("id", filter=TRANSFER_CONDITIONS["pending"] & Q(handling_unit_id=unit)),
        "results_to_return": Count(
            "id", filter=TRANSFER_CONDITIONS["result_at_desk"] & Q(receiving_unit_id=unit)
        ),
    }


def submissions_awaiting_acceptance(user) -> QuerySet[Record]:
    """Online submissions the user's unit has yet to accept, refuse or return for completion,
    the most urgent (earliest acceptance deadline) first."""
    return (
        records_for_user(user)
        .filter(status=Status.SUBMITTED, channel=Channel.ONLINE)
        .order_by("acceptance_due_at", "submitted_at", "id")
    )


def records_by_code_part(user, text: str, *, limit: int = 20) -> list[Record]:
    """Records within the user's scope whose code contains ``text`` ("0002" finds
    ``H57.19753-250701-0002``), newest first; nothing for an empty text."""
    text = (text or "").strip()
    if not text:
        return []
    return list(
        records_for_user(user).filter(code__icontains=text).order_by("-received_at", "-id")[:limit]
    )


def scan_for_record(record: Record, scan_id) -> RecordScan | None:
    """One scan of ``record`` (already read within the user's scope), or None (404)."""
    return RecordScan.objects.filter(record=record, pk=scan_id).select_related("record").first()


def record_scans(record: Record) -> QuerySet[RecordScan]:
    return RecordScan.objects.filter(record=record).select_related("uploaded_by")


def record_history(record: Record) -> QuerySet[RecordEvent]:
    """The record's events in order, with their actors."""
    return record.events.select_related("actor").order_by("at", "id")


def record_payment_requests(record: Record) -> list[PaymentRequest]:
    """The record's payment requests, oldest first, with their payment and refund (one
    query; the record is in the caller's scope already)."""
    return list(
        PaymentRequest.objects.filter(record=record)
        .select_related("payment__refund", "payment__received_by", "requested_by")
        .order_by("requested_at", "id")
    )


def open_payment_request(record: Record) -> PaymentRequest | None:
    """The record's open payment request, if any (the citizen's "pay online")."""
    return PaymentRequest.objects.filter(record=record, state=PaymentState.REQUESTED).first()


def payable_request(public_id) -> PaymentRequest | None:
    """The open payment request ``public_id`` of a record awaiting payment (to pay online)."""
    return (
        PaymentRequest.objects.select_related(
            "record__procedure", "record__receiving_unit", "record__handling_unit"
        )
        .filter(
            public_id=public_id,
            state=PaymentState.REQUESTED,
            record__status=Status.AWAITING_PAYMENT,
        )
        .first()
    )


def receipt_payment(record: Record, receipt_no: str | None) -> Payment | None:
    """The payment whose receipt the ``paid`` event issued (the latest one otherwise)."""
    payments = (
        Payment.objects.filter(request__record=record)
        .select_related("request", "received_by", "refund")
        .order_by("-paid_at", "-id")
    )
    for payment in payments:
        if receipt_no is None or payment.receipt_no == receipt_no:
            return payment
    return None


def receiving_officer(record: Record):
    """The officer who received the dossier (the actor of its "receive" event: for an online
    submission, the clerk who accepted it), or None when the system did."""
    event = record.events.filter(action="receive").select_related("actor").first()
    return event.actor if event else None


RUNNING_STATUSES = OPEN_STATUSES - PAUSED_STATUSES


def overdue_q(as_of: date) -> Q:
    """Overdue now (``Record.is_overdue`` in SQL): open, not paused (not waiting for the
    citizen's supplement or payment) and past the date last promised (the extended date if
    any) on ``as_of``, today on the desk. README, "Overdue and late"."""
    return Q(status__in=RUNNING_STATUSES) & (
        Q(extended_due_date__isnull=False, extended_due_date__lt=as_of)
        | Q(extended_due_date__isnull=True, due_date__lt=as_of)
    )


def overdue_on_q(day: date, *, original: bool = False) -> Q:
    """The records in the overdue stock at the end of ``day`` (``DailyStat.overdue_end``, or
    ``overdue_original_end`` when ``original``), judged from what the record says now: received
    by the end of the day and not finished by then, not paused then, and past the date
    promised on that day (the extended date from the day of the first extension on, else the
    appointment date) or, when ``original``, past the original appointment date. For today it
    is ``overdue_q(today)`` (or its original-date reading)."""
    end = day_start(day + timedelta(days=1))
    condition = (
        Q(received_at__lt=end)
        & (Q(finished_at__isnull=True) | Q(finished_at__gte=end))
        & (Q(paused_since__isnull=True) | Q(paused_since__gte=end))
        & ~Q(status__in=[Status.SUBMITTED, Status.REFUSED])
    )
    if original:
        return condition & Q(due_date__lt=day)
    extended = Q(extended_at__lt=end, extended_due_date__isnull=False)
    return condition & (
        (extended & Q(extended_due_date__lt=day)) | (~extended & Q(due_date__lt=day))
    )


def due_soon_q(today: date, until: date) -> Q:
    """Open, not paused, and the date last promised between ``today`` and ``until``."""
    return Q(status__in=RUNNING_STATUSES) & promised_between_q(today, until)


def promised_between_q(first: date | None, last: date | None) -> Q:
    """The date last promised (the extended date if any, else the appointment date) within
    ``[first, last]`` (either bound may be None)."""
    extended, original = {}, {}
    if first is not None:
        extended["extended_due_date__gte"] = original["due_date__gte"] = first
    if last is not None:
        extended["extended_due_date__lte"] = original["due_date__lte"] = last
    return Q(extended_due_date__isnull=False, **extended) | Q(
        extended_due_date__isnull=True, **original
    )


# An online submission from the national portal, with its submission time and acceptance
# deadline (8 working hours, ``records.services.intake``), whatever became of it.
ONLINE_SUBMISSION = Q(
    channel=Channel.ONLINE, submitted_at__isnull=False, acceptance_due_at__isnull=False
)
# Decided at intake: accepted (received) or refused (status 3, its refusal dated by
# ``finished_at``); on time when that moment is on or before the acceptance deadline (moved by
# a finished completion pause, ``records.services.completion``).
ACCEPTED_ON_TIME = Q(received_at__lte=F("acceptance_due_at"))
REFUSED_ON_TIME = Q(finished_at__lte=F("acceptance_due_at"))


def acceptance_decided_q(first: date | None, last: date | None) -> Q:
    """Online submissions accepted or refused on a local day of ``[first, last]`` (either
    bound may be None): the records behind ``DailyStat.acceptance_decided``."""
    received, refused = Q(received_at__isnull=False), Q(status=Status.REFUSED)
    if first is not None:
        received &= Q(received_at__gte=day_start(first))
        refused &= Q(finished_at__gte=day_start(first))
    if last is not None:
        end = day_start(last + timedelta(days=1))
        received &= Q(received_at__lt=end)
        refused &= Q(finished_at__lt=end)
    return ONLINE_SUBMISSION & (received | refused)


def acceptance_on_time_q() -> Q:
    """Decided (accepted or refused) on or before the acceptance deadline."""
    return ONLINE_SUBMISSION & (
        (Q(received_at__isnull=False) & ACCEPTED_ON_TIME)
        | (Q(status=Status.REFUSED) & REFUSED_ON_TIME)
    )


def sync_pending_counts(*, unit_ids, start, end) -> dict[int, int]:
    """Per receiving unit of ``unit_ids``, the records received in ``[start, end)`` with a
    change not yet delivered to the national portal (``Record.sync_pending``). One grouped
    query on the partial index ``record_sync_pending``: it reads the backlog only, never the
    history. ``unit_ids`` must already be within the reader's scope (as for a period report).
    """
    rows = (
        Record.objects.order_by()
        .filter(
            sync_pending=True,
            receiving_unit__in=list(unit_ids),
            received_at__gte=start,
            received_at__lt=end,
        )
        .values("receiving_unit")
        .annotate(n=Count("id"))
        .values_list("receiving_unit", "n")
    )
    return dict(rows)


def active_procedures() -> QuerySet[Procedure]:
    return Procedure.objects.filter(active=True)


# --- The chain of officers: assignments, approvals, the to-do counters ----------------------

IN_HANDS = frozenset({Status.RECEIVED, Status.PROCESSING})  # with the specialist, clock running


def _open_assignments():
    return Assignment.objects.filter(record=OuterRef("pk"), until__isnull=True)


def mine_q(user) -> Q:
    """Records whose open assignment is the user's (the partial index on open assignments)."""
    return Q(Exists(_open_assignments().filter(officer_id=user.pk)))


def needs_reassignment_q() -> Q:
    """Open records with nobody able to handle them: no open assignment, or one held by an
    officer who left the unit, lost the specialist duty or is inactive."""
    unable = ~Q(
        officer__role=Role.CLERK,
        officer__is_active=True,
        officer__is_specialist=True,
        officer__commune_id=OuterRef("handling_unit_id"),
    )
    return Q(status__in=OPEN_STATUSES) & (
        ~Q(Exists(_open_assignments())) | Q(Exists(_open_assignments().filter(unable)))
    )


def awaiting_approval_q(user=None) -> Q:
    """Records with a proposal waiting for the leader; for ``user``, of the unit they lead."""
    condition = Q(Exists(Proposal.objects.filter(record=OuterRef("pk"), decided_at__isnull=True)))
    if user is not None and not user.is_admin:
        condition &= Q(handling_unit_id=user.commune_id)
    return condition


def results_to_return_q(by_post: bool) -> Q:
    """Resolved, to hand over at the unit's desk, or through the agent point / by post."""
    at_unit = Q(result_delivery=ResultDelivery.AT_UNIT)
    return Q(status=Status.RESOLVED) & (~at_unit if by_post else at_unit)


def current_assignment(record: Record) -> Assignment | None:
    return (
        record.assignments.filter(until__isnull=True).select_related("officer").first()
        if record.pk
        else None
    )


def pending_proposal(record: Record) -> Proposal | None:
    return record.proposals.filter(decided_at__isnull=True).select_related("proposed_by").first()


def unit_specialist_choices(record: Record) -> list:
    """The active specialists of the record's handling unit (for the desk's choice)."""
    return list(
        User.objects.filter(
            role=Role.CLERK,
            is_active=True,
            is_specialist=True,
            commune_id=record.handling_unit_id,
        ).order_by("last_name", "first_name", "username")
    )


def due_today(user, today: date, *, limit: int = 20) -> list[Record]:
    """Open, running records whose date last promised is today (the desk's list)."""
    return list(records_for_user(user).filter(due_soon_q(today, today)).order_by("code")[:limit])


def workspace_summary(user, *, today: date, soon_until: date) -> dict:
    """The counts on a clerk's home, in one aggregate query over the user's scope:
    today's intake by channel, open records due between today and ``soon_until``, overdue,
    awaiting a supplement, resolved but not returned, online submissions awaiting acceptance
    (the length of ``submissions_awaiting_acceptance``), and the unit's transfers
    (``transfer_counts``)."""
    start = day_start(today)
    end = start + timedelta(days=1)
    received_today = Q(received_at__gte=start, received_at__lt=end)
    counts = records_for_user(user).aggregate(
        received_today=Count("id", filter=received_today),
        **{
            f"received_today_{channel.value}": Count(
                "id", filter=received_today & Q(channel=channel)
            )
            for channel in Channel
        },
        due_soon=Count("id", filter=due_soon_q(today, soon_until)),
        overdue=Count("id", filter=overdue_q(today)),
        awaiting_supplement=Count("id", filter=Q(status=Status.SUPPLEMENT_REQUESTED)),
        not_returned=Count("id", filter=Q(status=Status.RESOLVED)),
        awaiting_acceptance=Count("id", filter=Q(status=Status.SUBMITTED, channel=Channel.ONLINE)),
        **transfer_counts_aggregates(user),
        awaiting_payment=Count("id", filter=Q(status=Status.AWAITING_PAYMENT)),
        withdrawal_requested=Count("id", filter=Q(status=Status.WITHDRAWAL_REQUESTED)),
        to_return_at_desk=Count("id", filter=results_to_return_q(False)),
        to_return_by_post=Count("id", filter=results_to_return_q(True)),
        mine_in_hands=Count("id", filter=mine_q(user) & Q(status__in=IN_HANDS)),
        mine_due_soon=Count("id", filter=mine_q(user) & due_soon_q(today, soon_until)),
        mine_overdue=Count("id", filter=mine_q(user) & overdue_q(today)),
        awaiting_my_approval=Count("id", filter=awaiting_approval_q(user)),
        needs_reassignment=Count("id", filter=needs_reassignment_q()),
    )
    counts["by_channel"] = [
        (channel, counts.pop(f"received_today_{channel.value}")) for channel in Channel
    ]
    return counts
