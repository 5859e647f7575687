"""The outbox: write one sync message per change of a record the national portal must learn
(inside the change's transaction), deliver them in order per record, and read a record's sync
state.

Delivery of one record (``deliver_record``): take the record's earliest message not yet sent;
lock it with ``SELECT … FOR UPDATE SKIP LOCKED`` (another worker already holding it means that
worker is delivering this record: this one stops); if it is not due yet (back-off), stop; push
it; on success mark it sent and go on to the next; on failure count the attempt, keep the
error, set the next attempt by exponential back-off, and stop — a later message of the record
is never sent before an earlier one. Messages are only ever marked, never deleted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone

from dvcqg.client import DeliveryError, push
from dvcqg.models import SyncMessage, SyncState
from dvcqg.vocabulary import national_status
from records.models import Record

logger = logging.getLogger(__name__)

# Actions whose history note is a reason the citizen must read on the national portal.
REASON_ACTIONS = frozenset({"refuse", "request_completion", "request_supplement", "stop", "extend"})


def syncs(record) -> bool:
    """Whether the national portal must learn the changes of ``record``: every record, of every
    channel. Decision 766's indicator 1.4 divides the records synced to the national portal by
    all records received (reports.md), so the desk's and the post's records are synced as well
    as the online submissions; this is the one place to change that."""
    return True


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def build_payload(*, record, key: str, sequence: int, action: str, at: datetime, note: str):
    """What the national portal receives for one change: the record's identity (our code, the
    national dossier number once there is one, procedure and unit codes), the national status,
    the event and the dates of the record. No applicant data: the portal already holds the
    applicant from the submission and matches the message by record code / dossier number, so
    name, personal ID and phone never travel in a status message."""
    code, word = national_status(record.status)
    payload = {
        "message_key": key,
        "sequence": sequence,
        "record_code": record.code,
        "national_dossier_no": getattr(record, "national_dossier_no", None) or None,
        "procedure_code": record.procedure.national_code or record.procedure.key,
        "unit_code": record.receiving_unit.code,
        "handling_unit_code": record.handling_unit.code,
        "status": code,
        "status_word": word,
        "action": action,
        "at": _iso(at),
        "submitted_at": _iso(record.submitted_at),
        "received_at": _iso(record.received_at),
        "appointment_date": _iso(record.due_date),
        "extended_appointment_date": _iso(record.extended_due_date),
        "finished_at": _iso(record.finished_at),
        "outcome": record.outcome or None,
        "returned_at": _iso(record.returned_at),
        "return_method": record.return_method or None,
    }
    if action in REASON_ACTIONS and note:
        payload["reason"] = note
    return payload


def write_message(*, record, action: str, at: datetime) -> SyncMessage:
    """Append the record's next message (call inside the change's transaction: the record row
    is locked by the engine, or the record was just created in it), and mark the record's
    sync pending (``Record.sync_pending``, read by the sync rate) in the same transaction."""
    # One UPDATE of the row the change already holds (and locked, so the instance's flag is
    # the stored one); none when the record is already pending.
    if not record.sync_pending:
        Record.objects.filter(pk=record.pk).update(sync_pending=True)
        record.sync_pending = True
    last = record.sync_messages.aggregate(last=Max("sequence"))["last"] or 0
    sequence = last + 1
    key = f"{record.pk}:{sequence}"
    event = record.events.order_by("-id").only("note").first()
    code, word = national_status(record.status)
    return SyncMessage.objects.create(
        record=record,
        sequence=sequence,
        key=key,
        national_status=code,
        national_word=word,
        action=action,
        at=at,
        payload=build_payload(
            record=record,
            key=key,
            sequence=sequence,
            action=action,
            at=at,
            note=event.note if event else "",
        ),
    )


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt after ``attempts`` failures: base × 2^(attempts-1), capped."""
    base = settings.DVCQG_RETRY_BASE_SECONDS
    seconds = min(base * 2 ** max(attempts - 1, 0), settings.DVCQG_RETRY_MAX_SECONDS)
    return timedelta(seconds=seconds)


def _due(now: datetime) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def deliver_next(record_id: int, *, now: datetime | None = None) -> str:
    """Try the record's earliest unsent message once. Returns ``"sent"``, ``"failed"`` (the
    attempt failed), ``"busy"`` (another worker holds it), ``"later"`` (not due) or
    ``"done"`` (nothing left)."""
    now = now or timezone.now()
    earliest = (
        SyncMessage.objects.filter(record_id=record_id)
        .exclude(state=SyncState.SENT)
        .order_by("sequence")
        .values_list("pk", flat=True)
        .first()
    )
    if earliest is None:
        return "done"
    with transaction.atomic():
        message = (
            SyncMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=earliest)
            .exclude(state=SyncState.SENT)
            .first()
        )
        if message is None:  # sent meanwhile, or another worker is sending it
            return "busy"
        if message.next_attempt_at and message.next_attempt_at > now:
            return "later"
        try:
            push(key=message.key, payload=message.payload)
        except DeliveryError as error:
            message.attempts += 1
            message.last_error = str(error)[:500]
            message.next_attempt_at = now + backoff(message.attempts)
            if message.attempts >= settings.DVCQG_MAX_ATTEMPTS:
                message.state = SyncState.FAILED
            message.save(update_fields=["attempts", "last_error", "next_attempt_at", "state"])
            logger.warning(
                "Sync message %s not delivered (attempt %s): %s",
                message.key,
                message.attempts,
                message.last_error,
            )
            return "failed"
        message.attempts += 1
        message.state = SyncState.SENT
        message.sent_at = timezone.now()
        message.next_attempt_at = None
        message.save(update_fields=["attempts", "state", "sent_at", "next_attempt_at"])
        clear_sync_pending(record_id)
    return "sent"


def clear_sync_pending(record_id: int) -> bool:
    """After a message of the record is marked sent (same transaction): clear the record's
    ``sync_pending`` if none of its messages is still unsent. The record row is locked first,
    so a change being written meanwhile (it holds that row from its start) is committed before
    the check, which then sees its new message: in PostgreSQL's READ COMMITTED the check is a
    new statement with a new snapshot, whereas a lone ``UPDATE … WHERE NOT EXISTS`` re-checks
    only the row after waiting, with its first snapshot, and would clear the flag of a record
    whose new message it cannot see. Returns whether the flag was cleared."""
    list(Record.objects.select_for_update().filter(pk=record_id).values_list("pk", flat=True))
    unsent = SyncMessage.objects.filter(record=OuterRef("pk")).exclude(state=SyncState.SENT)
    return bool(
        Record.objects.filter(pk=record_id, sync_pending=True)
        .filter(~Exists(unsent))
        .update(sync_pending=False)
    )


def deliver_record(record_id: int, *, now: datetime | None = None) -> int:
    """Deliver the record's messages in order until one fails, is not due, or none is left;
    returns how many were sent."""
    sent = 0
    while deliver_next(record_id, now=now) == "sent":
        sent += 1
    return sent


def records_due(now: datetime | None = None) -> list[int]:
    """Records with a message not yet sent whose next attempt is due."""
    now = now or timezone.now()
    return sorted(
        set(
            SyncMessage.objects.exclude(state=SyncState.SENT)
            .filter(_due(now))
            .values_list("record_id", flat=True)
        )
    )


def deliver_due(now: datetime | None = None) -> int:
    """The sweep: deliver every record with a message due (failed ones included, at their
    back-off); returns how many messages were sent."""
    return sum(deliver_record(record_id, now=now) for record_id in records_due(now))


def retry_now(messages) -> list[int]:
    """Make ``messages`` (not sent) due now; returns their records, for the caller to queue."""
    ids = [m.pk for m in messages if m.state != SyncState.SENT]
    SyncMessage.objects.filter(pk__in=ids).update(next_attempt_at=timezone.now())
    return sorted({m.record_id for m in messages if m.pk in ids})


@dataclass(frozen=True)
class SyncStatus:
    """A record's sync state for its users: ``synced`` (every message sent), ``pending``
    (some not sent yet, none failed) or ``failed`` (a message failed its attempts: the last
    error and the attempts shown); ``None`` from ``sync_state`` for a record the portal does
    not follow, or one without any message (records written in bulk by the demo's seed)."""

    state: str
    messages: int
    unsent: int
    attempts: int = 0
    last_error: str = ""
    last_sent_at: datetime | None = None

    def as_dict(self) -> dict:
        return {
            "state": self.state,
            "messages": self.messages,
            "unsent": self.unsent,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "last_sent_at": _iso(self.last_sent_at),
        }


def sync_state(record) -> SyncStatus | None:
    if not syncs(record):
        return None
    rows = list(
        record.sync_messages.order_by("sequence").values(
            "state", "attempts", "last_error", "sent_at"
        )
    )
    if not rows:  # written in bulk (the demo's seed), never through a change: nothing to say
        return None
    unsent = [row for row in rows if row["state"] != SyncState.SENT]
    sent_times = [row["sent_at"] for row in rows if row["sent_at"]]
    last_sent = max(sent_times) if sent_times else None
    if not unsent:
        return SyncStatus("synced", len(rows), 0, last_sent_at=last_sent)
    first = unsent[0]
    failed = any(row["state"] == SyncState.FAILED for row in unsent)
    return SyncStatus(
        "failed" if failed else "pending",
        len(rows),
        len(unsent),
        attempts=first["attempts"],
        last_error=first["last_error"],
        last_sent_at=last_sent,
    )


def sync_value(record) -> dict | None:
    """The record's sync state as the record page and the API detail show it
    (``records.extensions``)."""
    state = sync_state(record)
    return None if state is None else state.as_dict()
