"""``Record.sync_pending``, the flag behind the sync rate: set when the outbox writes a record's
message (in the change's transaction), cleared by delivery to a real simulator process once the
record's last unsent message is sent, kept while one is still unsent (failed or pending); the
backlog read uses the partial index on PostgreSQL; a change being written while delivery clears
the flag is never lost (PostgreSQL, two connections)."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.db.models import Count
from django.utils import timezone

from dvcqg import outbox, tasks
from dvcqg.models import SyncMessage, SyncState
from records.calendar import day_start
from records.models import Record
from records.selectors import sync_pending_counts
from records.services import record_process, record_resolve
from tests.dvcqg.simulator import push_settings, start_simulator
from tests.helpers import ON_POSTGRES, receive, require_service

pytestmark = pytest.mark.usefixtures("eager")


def pending(record) -> bool:
    return Record.objects.values_list("sync_pending", flat=True).get(pk=record.pk)


def unsent(record) -> int:
    return SyncMessage.objects.filter(record=record).exclude(state=SyncState.SENT).count()


@pytest.fixture
def simulator(tmp_path):
    child = start_simulator(tmp_path)
    yield child
    child.stop()


@pytest.mark.django_db
def test_the_flag_follows_the_outbox_through_delivery(settings, simulator, clerk_a, unit_a):
    push_settings(settings, simulator)
    record = receive(clerk_a, unit_a, channel=2)  # submit + receive: 2 messages
    assert pending(record) and unsent(record) == 2
    assert tasks.deliver_record.delay(record.pk).get() == 2
    assert not pending(record) and unsent(record) == 0

    record = record_process(record=record, actor=clerk_a)  # a new change: owed again
    assert pending(record) and unsent(record) == 1
    assert tasks.sweep.delay().get() == 1
    assert not pending(record)


@pytest.mark.django_db
def test_the_flag_stays_while_an_earlier_message_failed(settings, tmp_path, clerk_a, unit_a):
    child = start_simulator(tmp_path, extra=["--fail-first", "1", "--status", "500"])
    try:
        push_settings(settings, child)
        record = receive(clerk_a, unit_a)  # in person: 1 message
        record = record_process(record=record, actor=clerk_a)
        assert tasks.deliver_record.delay(record.pk).get() == 0  # the first push fails
        assert pending(record) and unsent(record) == 2
        SyncMessage.objects.filter(record=record).update(next_attempt_at=timezone.now())
        assert outbox.deliver_record(record.pk) == 2
        assert not pending(record) and unsent(record) == 0
    finally:
        child.stop()


@pytest.mark.django_db
def test_records_with_nothing_owed_are_not_pending(clerk_a, unit_a):
    """History written in bulk (the demo's seed, records from before the connector) has no
    message: nothing is owed and the backlog does not count it."""
    moment = timezone.now()
    bulk = Record.objects.create(
        receiving_unit=unit_a,
        handling_unit=unit_a,
        procedure_id=receive(clerk_a, unit_a).procedure_id,
        channel=1,
        status=2,
        code="T-BULK-1",
        received_at=moment,
        due_date=moment.date(),
        applicant_name="Lê Văn Bình",
    )
    assert not bulk.sync_messages.exists() and not pending(bulk)
    day = timezone.localdate()
    start, end = day_start(day), day_start(day + timedelta(days=1))
    assert sync_pending_counts(unit_ids=[unit_a.pk], start=start, end=end) == {unit_a.pk: 1}


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_backlog_read_uses_the_partial_index(clerk_a, unit_a):
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")
    template = receive(clerk_a, unit_a)  # pending
    moment = timezone.now()
    Record.objects.bulk_create(
        Record(
            receiving_unit=unit_a,
            handling_unit=unit_a,
            procedure_id=template.procedure_id,
            channel=1,
            status=2,
            code=f"T-HIST-{n}",
            received_at=moment - timedelta(minutes=n),
            due_date=moment.date(),
            applicant_name="Lê Văn Bình",
        )
        for n in range(5000)  # history: nothing owed
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE records_record")
    query = Record.objects.order_by().filter(
        sync_pending=True,
        receiving_unit__in=[unit_a.pk],
        received_at__gte=moment - timedelta(days=30),
        received_at__lt=moment + timedelta(days=1),
    )
    explained = query.values("receiving_unit").annotate(n=Count("id")).explain()
    assert "record_sync_pending" in explained, explained
    assert "Seq Scan" not in explained, explained


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_change_written_during_delivery_keeps_the_flag(settings, simulator, clerk_a, unit_a):
    """Delivery sends what it sees as the record's last message while a clerk's change of the
    same record is still uncommitted (it holds the record's row and has written its message):
    the clearing waits for the change, then sees its message, and the flag stays set. (A lone
    ``UPDATE … WHERE NOT EXISTS`` would wait too, then re-check with its first snapshot and
    clear it.)"""
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")
    push_settings(settings, simulator)
    record = receive(clerk_a, unit_a)  # message 1
    record = record_process(record=record, actor=clerk_a)  # message 2
    assert outbox.deliver_next(record.pk) == "sent"  # message 1; message 2 is the last unsent
    written, release = threading.Event(), threading.Event()
    errors, results = [], []

    def clerk():
        try:
            with transaction.atomic():
                record_resolve(record=record, actor=clerk_a)  # locks the row, writes message 3
                written.set()
                release.wait(30)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
            written.set()
        finally:
            connections.close_all()

    def deliver():
        try:
            results.append(outbox.deliver_next(record.pk))  # message 2 only
        finally:
            connections.close_all()

    changing = threading.Thread(target=clerk)
    changing.start()
    assert written.wait(30) and not errors
    delivering = threading.Thread(target=deliver)
    delivering.start()
    delivering.join(2)
    assert delivering.is_alive()  # message 2 pushed; clearing waits for the clerk's change
    release.set()
    changing.join(30)
    delivering.join(30)
    assert not errors and results == ["sent"]
    assert unsent(record) == 1 and pending(record)  # message 3 is owed
    assert outbox.deliver_record(record.pk) == 1
    assert not pending(record)
