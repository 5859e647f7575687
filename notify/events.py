"""Which lifecycle actions a citizen is told about, and as which event."""

from __future__ import annotations

from notify.models import NotifyEvent

# The history event's action -> the notification event. Desk, post and accepted online
# records are all received with the action ``receive``.
ACTION_EVENTS = {
    "submit": NotifyEvent.SUBMITTED,
    "refuse": NotifyEvent.REFUSED,
    "receive": NotifyEvent.RECEIVED,
    "request_supplement": NotifyEvent.SUPPLEMENT,
    "request_completion": NotifyEvent.SUPPLEMENT,
    "request_payment": NotifyEvent.PAYMENT,
    "resolve": NotifyEvent.RESULT_READY,
    "return": NotifyEvent.RETURNED,
    "deliver": NotifyEvent.RETURNED,
    "extend": NotifyEvent.EXTENDED,
}
