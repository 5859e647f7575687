"""What the city office reads of the notifications: counts per channel and state for a
period, and the latest errors, without personal data (no recipient is stored; a message's
error is a status code or the kind of failure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone

from notify.models import Notification, NotificationState, NotifyChannel, NotifyEvent


@dataclass(frozen=True)
class ChannelCounts:
    channel: str
    label: str
    sent: int
    pending: int
    failed: int

    @property
    def total(self) -> int:
        return self.sent + self.pending + self.failed


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=zone)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def delivery_counts(date_from: date, date_to: date) -> list[ChannelCounts]:
    """Messages written in the period (local days, inclusive), per channel and state."""
    start, end = _bounds(date_from, date_to)
    rows = (
        Notification.objects.filter(created_at__gte=start, created_at__lt=end)
        .values("channel", "state")
        .annotate(n=Count("id"))
    )
    counts = {(row["channel"], row["state"]): row["n"] for row in rows}
    return [
        ChannelCounts(
            channel=channel.value,
            label=str(channel.label),
            sent=counts.get((channel.value, NotificationState.SENT), 0),
            pending=counts.get((channel.value, NotificationState.PENDING), 0),
            failed=counts.get((channel.value, NotificationState.FAILED), 0),
        )
        for channel in NotifyChannel
    ]


def latest_errors(date_from: date, date_to: date, *, limit: int = 20) -> list[dict]:
    """The latest messages of the period that are not sent and have an error: when, channel,
    event, record code, attempts, state, the error, the next attempt."""
    start, end = _bounds(date_from, date_to)
    rows = list(
        Notification.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(state=NotificationState.SENT)
        .exclude(last_error="")
        .order_by("-id")
        .values(
            "created_at",
            "channel",
            "event",
            "record__code",
            "attempts",
            "state",
            "last_error",
            "next_attempt_at",
        )[:limit]
    )
    labels = {
        "channel": dict(NotifyChannel.choices),
        "event": dict(NotifyEvent.choices),
        "state": dict(NotificationState.choices),
    }
    for row in rows:
        for name, choices in labels.items():
            row[f"{name}_label"] = str(choices.get(row[name], row[name]))
    return rows
