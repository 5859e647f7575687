"""The outbox: one sync message per change of an online record, written in the change's
transaction, in the national vocabulary, without the applicant's personal data."""

import pytest
from django.db import transaction

from dvcqg.models import SyncMessage, SyncState
from dvcqg.outbox import sync_state
from dvcqg.vocabulary import NATIONAL_STATUS
from records.enums import Status
from records.services import (
    record_process,
    record_refuse,
    record_request_completion,
    record_request_supplement,
    record_resolve,
    record_return,
    record_submit,
)
from tests.helpers import APPLICANT, receive

pytestmark = pytest.mark.django_db


def submit(clerk, unit):
    return record_submit(
        actor=clerk,
        procedure="ho-tich-khai-sinh-da-co-giay-to",
        receiving_unit=unit,
        applicant=APPLICANT,
    )


def test_the_national_vocabulary_covers_every_status_with_the_documented_words():
    assert {s: NATIONAL_STATUS[s] for s in Status} == {
        Status.SUBMITTED: (1, "receiving"),
        Status.RECEIVED: (2, "new"),
        Status.REFUSED: (3, "denied"),
        Status.PROCESSING: (4, "processing"),
        Status.SUPPLEMENT_REQUESTED: (5, "waiting"),
        Status.AWAITING_PAYMENT: (6, "paying"),
        Status.WITHDRAWAL_REQUESTED: (7, "cancelled"),
        Status.STOPPED: (8, "unresolved"),
        Status.RESOLVED: (9, "releasing"),
        Status.RETURNED: (10, "done"),
    }


def test_every_change_of_an_online_record_writes_one_message_in_order(clerk_a, unit_a):
    record = receive(clerk_a, unit_a, channel=2)
    record = record_process(record=record, actor=clerk_a)
    record = record_resolve(record=record, actor=clerk_a)
    record = record_return(record=record, actor=clerk_a, method="online")
    messages = list(SyncMessage.objects.filter(record=record).order_by("sequence"))
    rows = [(m.sequence, m.key, m.action, m.national_status, m.national_word) for m in messages]
    assert rows == [
        (1, f"{record.pk}:1", "submit", 1, "receiving"),
        (2, f"{record.pk}:2", "receive", 2, "new"),
        (3, f"{record.pk}:3", "process", 4, "processing"),
        (4, f"{record.pk}:4", "resolve", 9, "releasing"),
        (5, f"{record.pk}:5", "return", 10, "done"),
    ]
    assert {m.state for m in messages} == {SyncState.PENDING}
    last = messages[-1].payload
    assert last["record_code"] == record.code
    assert last["status"] == 10 and last["status_word"] == "done"
    assert last["appointment_date"] == record.due_date.isoformat()
    assert last["returned_at"] == record.returned_at.isoformat()
    assert last["return_method"] == "online"
    assert last["message_key"] == messages[-1].key


def test_the_payload_carries_no_personal_data_and_a_refusal_carries_its_reason(clerk_a, unit_a):
    record = submit(clerk_a, unit_a)
    record = record_refuse(record=record, actor=clerk_a, reason="Sai thẩm quyền")
    message = SyncMessage.objects.filter(record=record).latest("sequence")
    assert (message.national_status, message.payload["reason"]) == (3, "Sai thẩm quyền")
    text = str([m.payload for m in SyncMessage.objects.filter(record=record)])
    for value in ("046095001234", "0912345678", "Nguyễn Văn An", "Lê Lợi"):
        assert value not in text


def test_a_request_for_completion_tells_the_citizen_what_is_missing(clerk_a, unit_a):
    record = submit(clerk_a, unit_a)
    record_request_completion(record=record, actor=clerk_a, reason="Thiếu giấy chứng sinh")
    message = SyncMessage.objects.filter(record=record).latest("sequence")
    assert message.action == "request_completion"
    assert (message.national_status, message.payload["reason"]) == (1, "Thiếu giấy chứng sinh")


def test_records_of_every_channel_are_synced(clerk_a, unit_a):
    """Indicator 1.4 counts every record received, so a desk record is synced too."""
    record = receive(clerk_a, unit_a, channel=1)
    record_process(record=record, actor=clerk_a)
    messages = SyncMessage.objects.filter(record=record).order_by("sequence")
    assert [(m.action, m.national_status) for m in messages] == [("receive", 2), ("process", 4)]
    assert sync_state(record).state == "pending"


def test_a_rolled_back_change_leaves_no_message(clerk_a, unit_a):
    record = receive(clerk_a, unit_a, channel=2)
    before = SyncMessage.objects.filter(record=record).count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_request_supplement(record=record, actor=clerk_a, reason="Thiếu tờ khai")
        assert SyncMessage.objects.filter(record=record).count() == before + 1
        raise RuntimeError("the request failed after the change")
    assert SyncMessage.objects.filter(record=record).count() == before
    record.refresh_from_db()
    assert record.status == Status.RECEIVED


def test_sync_state_is_pending_until_every_message_is_sent(clerk_a, unit_a):
    record = receive(clerk_a, unit_a, channel=2)
    state = sync_state(record)
    assert (state.state, state.messages, state.unsent) == ("pending", 2, 2)
    SyncMessage.objects.filter(record=record).update(state=SyncState.SENT)
    assert sync_state(record).state == "synced"
    SyncMessage.objects.filter(record=record, sequence=2).update(
        state=SyncState.FAILED, attempts=8, last_error="HTTP 503"
    )
    state = sync_state(record)
    assert (state.state, state.attempts, state.last_error, state.unsent) == (
        "failed",
        8,
        "HTTP 503",
        1,
    )


def test_a_record_without_messages_has_no_sync_state(clerk_a, unit_a):
    """Records written in bulk (the demo's seed) never went through a change."""
    record = receive(clerk_a, unit_a, channel=2)
    SyncMessage.objects.filter(record=record).delete()
    assert sync_state(record) is None
