"""The active templates, cached per process: a record change asks here which of its opted-in
channels have an active template for its event, and with none it costs no query at all.

The cache is loaded with one query on first use and kept ``NOTIFY_TEMPLATE_CACHE_SECONDS``;
saving or deleting a template empties it in the process that did it (``NotifyConfig.ready``),
and other processes (workers, other gunicorn workers) see the edit within that time."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from django.conf import settings

from notify.models import NotificationTemplate


@dataclass(frozen=True)
class ActiveTemplate:
    event: str
    channel: str
    subject: str
    body: str


_lock = threading.Lock()
_state: dict = {"loaded_at": None, "templates": {}}


def active_templates() -> dict[tuple[str, str], ActiveTemplate]:
    """``{(event, channel): ActiveTemplate}`` of the active templates."""
    loaded_at = _state["loaded_at"]
    if (
        loaded_at is not None
        and time.monotonic() - loaded_at < settings.NOTIFY_TEMPLATE_CACHE_SECONDS
    ):
        return _state["templates"]
    with _lock:
        rows = NotificationTemplate.objects.filter(active=True).values_list(
            "event", "channel", "subject", "body"
        )
        templates = {(row[0], row[1]): ActiveTemplate(*row) for row in rows}
        _state["templates"] = templates
        _state["loaded_at"] = time.monotonic()
    return templates


def invalidate(**_signal) -> None:
    """Empty the cache (a template was saved or deleted)."""
    with _lock:
        _state["loaded_at"] = None
        _state["templates"] = {}
