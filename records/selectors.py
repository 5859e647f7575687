"""Reads of records, always scoped to a user through ``accounts.scoping.scope_for_user``."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.scoping import scope_for_user
from records.calendar import day_start
from records.models import OPEN_STATUSES, Procedure, Record, RecordEvent


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


def records_by_code_part(user, text: str, *, limit: int = 20) -> list[Record]:
    """Records within the user's scope whose code contains ``text`` ("0002" finds
    ``H57.19753-250701-0002``), newest first; nothing for an empty text."""
    text = (text or "").strip()
    if not text:
        return []
    return list(
        records_for_user(user).filter(code__icontains=text).order_by("-received_at", "-id")[:limit]
    )


def record_history(record: Record) -> QuerySet[RecordEvent]:
    """The record's events in order, with their actors."""
    return record.events.select_related("actor").order_by("at", "id")


def overdue_q(as_of: date) -> Q:
    """Open records whose original appointment date is before ``as_of``."""
    return Q(status__in=OPEN_STATUSES, due_date__lt=as_of)


def overdue_records(user, *, as_of: date | None = None) -> QuerySet[Record]:
    """The user's open records past their appointment date (original date, as the figures
    use), oldest appointment first."""
    as_of = as_of or timezone.localdate()
    return records_for_user(user).filter(overdue_q(as_of)).order_by("due_date", "id")


def active_procedures() -> QuerySet[Procedure]:
    return Procedure.objects.filter(active=True)


def workspace_summary(user, *, today: date, soon_until: date) -> dict:
    """The counts on a clerk's home, in one aggregate query over the user's scope:
    today's intake by channel, open records due between today and ``soon_until``, overdue,
    awaiting a supplement, resolved but not returned."""
    from django.db.models import Count

    from records.models import Channel, Status

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
        due_soon=Count(
            "id",
            filter=Q(status__in=OPEN_STATUSES, due_date__gte=today, due_date__lte=soon_until),
        ),
        overdue=Count("id", filter=overdue_q(today)),
        awaiting_supplement=Count("id", filter=Q(status=Status.SUPPLEMENT_REQUESTED)),
        not_returned=Count("id", filter=Q(status=Status.RESOLVED)),
    )
    counts["by_channel"] = [
        (channel, counts.pop(f"received_today_{channel.value}")) for channel in Channel
    ]
    return counts
