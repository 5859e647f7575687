"""The lifecycle engine (``records.services.engine``): every field an action changes is saved
(no hand-kept list), a stale version is refused with nothing written, and each change writes
its history event and announces it with the action's figure effect."""

import pytest
from django.utils import timezone

from records.enums import Channel, Status
from records.exceptions import RecordConflict
from records.lifecycle import ACTIONS
from records.models import Record, RecordEvent
from records.services import apply_transition, record_create_at_desk
from records.signals import record_changed

pytestmark = pytest.mark.django_db

APPLICANT = {
    "applicant_name": "Lê Thị Hoa",
    "applicant_id_number": "046195001234",
    "applicant_phone": "0912345678",
    "applicant_address": "5 Trần Hưng Đạo, phường Phú Xuân",
}


@pytest.fixture
def record(clerk_a, unit_a):
    return record_create_at_desk(
        actor=clerk_a,
        procedure="ho-tich-khai-sinh-da-co-giay-to",
        receiving_unit=unit_a,
        channel=Channel.IN_PERSON,
        applicant=APPLICANT,
    )


def test_every_field_the_change_sets_is_saved(record, clerk_a):
    """A change may set any field, not only those of the lifecycle: all are written."""

    def change(current, calendar, moment, data):
        current.applicant_email = "hoa@example.vn"  # no lifecycle action sets these two
        current.note = "Ghi chú của bộ phận một cửa"
        current.digitised = True

    result = apply_transition(
        record=record, action="process", actor=clerk_a, note="Chuyển", change=change
    )
    saved = Record.objects.get(pk=record.pk)
    assert (saved.applicant_email, saved.note, saved.digitised) == (
        "hoa@example.vn",
        "Ghi chú của bộ phận một cửa",
        True,
    )
    assert saved.status == Status.PROCESSING
    assert saved.version == result.version == record.version + 1


def test_a_stale_version_is_a_conflict_and_writes_nothing(record, clerk_a):
    before = Record.objects.filter(pk=record.pk).values().get()
    events = RecordEvent.objects.filter(record=record).count()
    with pytest.raises(RecordConflict):
        apply_transition(
            record=record,
            action="process",
            actor=clerk_a,
            expected_version=record.version + 1,
        )
    assert Record.objects.filter(pk=record.pk).values().get() == before
    assert RecordEvent.objects.filter(record=record).count() == events


def test_the_event_is_written_and_announced_with_the_figure_effect(record, clerk_a):
    heard = []

    def listen(sender, **kwargs):
        heard.append(kwargs)

    record_changed.connect(listen, dispatch_uid="test_engine.listen")
    try:
        at = timezone.now()
        apply_transition(
            record=record,
            action="request_supplement",
            actor=clerk_a,
            at=at,
            note="Thiếu bản sao",
            change=lambda current, calendar, moment, data: data.update(extra=1),
        )
    finally:
        record_changed.disconnect(dispatch_uid="test_engine.listen")
    event = RecordEvent.objects.filter(record=record).latest("id")
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        "request_supplement",
        Status.RECEIVED,
        Status.SUPPLEMENT_REQUESTED,
        clerk_a,
        "Thiếu bản sao",
    )
    assert event.at == at and event.data == {"extra": 1}
    assert len(heard) == 1
    assert heard[0]["action"] == "request_supplement"
    assert heard[0]["figures"] == ACTIONS["request_supplement"].figures
    assert heard[0]["data"] == {"extra": 1} and heard[0]["record"].pk == record.pk


def test_apply_transition_takes_keywords_only(record, clerk_a):
    with pytest.raises(TypeError):
        apply_transition(record, "process", clerk_a)  # positional: refused
