"""Reads for post office staff, scoped to their agent point through records_for_user."""

from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from agent_points.models import OnlineAssistance
from records.calendar import day_start
from records.enums import Channel, ResultDelivery, Status
from records.models import Record
from records.selectors import records_for_user

TO_POINT = [ResultDelivery.AT_POINT, ResultDelivery.BY_POST]


def results_to_take_over(user) -> QuerySet[Record]:
    """Resolved results the applicant wants at the point or at home, still at the unit."""
    return (
        records_for_user(user)
        .filter(status=Status.RESOLVED, result_delivery__in=TO_POINT, result_at_point_since=None)
        .order_by("finished_at", "id")
    )


def results_waiting_at_point(user) -> QuerySet[Record]:
    """Results taken over by the point and not yet delivered."""
    return (
        records_for_user(user)
        .filter(status=Status.RESOLVED, result_at_point_since__isnull=False)
        .order_by("result_at_point_since", "id")
    )


def delivered_on(user, day: date) -> QuerySet[Record]:
    start = day_start(day)
    return (
        records_for_user(user)
        .filter(
            status=Status.RETURNED, returned_at__gte=start, returned_at__lt=start + timedelta(1)
        )
        .order_by("-returned_at")
    )


def recent_postal_intake(user, *, limit: int = 20) -> QuerySet[Record]:
    return (
        records_for_user(user)
        .filter(channel=Channel.POSTAL)
        .order_by("-received_at", "-id")[:limit]
    )


def online_assistance_for(user, *, days: int = 14) -> QuerySet[OnlineAssistance]:
    """The point's daily counts of citizens helped to file online, most recent first."""
    if user.agent_point_id is None:
        return OnlineAssistance.objects.none()
    since = timezone.localdate() - timedelta(days=days)
    return OnlineAssistance.objects.filter(agent_point_id=user.agent_point_id, day__gte=since)
