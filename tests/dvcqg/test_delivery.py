"""Delivery to a real national-portal simulator process over loopback, driven in this process
(the tasks run eagerly): exactly once per message key, in order per record, retried with
back-off through 5xx answers and a portal that is down, and nothing lost."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.admin.sites import site
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone

from dvcqg import outbox, tasks
from dvcqg.admin import SyncMessageAdmin
from dvcqg.models import SyncMessage, SyncState
from records.services import record_process, record_refuse, record_resolve, record_return
from tests.dvcqg.simulator import push_settings, received, start_simulator
from tests.dvcqg.test_outbox import submit
from tests.helpers import receive

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


@pytest.fixture
def simulator(tmp_path):
    child = start_simulator(tmp_path)
    yield child
    child.stop()


def keys_by_record(entries) -> dict[int, list[int]]:
    order: dict[int, list[int]] = {}
    for entry in entries:
        record_id, sequence = entry["key"].split(":")
        order.setdefault(int(record_id), []).append(int(sequence))
    return order


def follow(clerk, unit, n=3):
    """``n`` online records, each through several changes, interleaved."""
    records = [receive(clerk, unit, channel=2) for _ in range(n)]
    records = [record_process(record=r, actor=clerk) for r in records]
    records = [record_resolve(record=r, actor=clerk) for r in records]
    return [record_return(record=r, actor=clerk, method="online") for r in records]


def test_nothing_is_pushed_while_delivery_is_off(settings, clerk_a, unit_a):
    settings.DVCQG_PUSH_URL = ""
    receive(clerk_a, unit_a, channel=2)
    assert tasks.sweep.delay().get() == 0
    assert set(SyncMessage.objects.values_list("state", flat=True)) == {SyncState.PENDING}


def test_every_message_arrives_once_per_key_in_order(settings, simulator, clerk_a, unit_a):
    push_settings(settings, simulator)
    records = follow(clerk_a, unit_a)
    assert tasks.sweep.delay().get() == 15
    assert tasks.sweep.delay().get() == 0  # a second sweep sends nothing again
    got = received(simulator)
    assert len(got) == len({e["key"] for e in got}) == 15
    assert keys_by_record(got) == {r.pk: [1, 2, 3, 4, 5] for r in records}
    last = [e["message"] for e in got if e["key"] == f"{records[0].pk}:5"][0]
    assert (last["record_code"], last["status"], last["status_word"]) == (
        records[0].code,
        10,
        "done",
    )
    assert {outbox.sync_state(r).state for r in records} == {"synced"}
    assert SyncMessage.objects.filter(attempts=1, state=SyncState.SENT).count() == 15


def test_a_repeated_push_is_answered_but_recorded_once(settings, simulator, clerk_a, unit_a):
    push_settings(settings, simulator)
    record = receive(clerk_a, unit_a, channel=2)
    tasks.deliver_record.delay(record.pk).get()
    SyncMessage.objects.filter(record=record).update(state=SyncState.PENDING)  # a lost answer
    assert tasks.deliver_record.delay(record.pk).get() == 2  # 200 again
    assert [e["key"] for e in received(simulator)] == [f"{record.pk}:1", f"{record.pk}:2"]


def test_5xx_then_down_then_back_loses_nothing(settings, tmp_path, clerk_a, unit_a):
    flag = tmp_path / "failing"
    flag.touch()
    child = start_simulator(tmp_path, extra=["--fail-while-exists", str(flag)])
    port = child.port
    push_settings(settings, child, DVCQG_MAX_ATTEMPTS=3)
    try:
        records = follow(clerk_a, unit_a, n=2)
        for _ in range(2):
            assert tasks.sweep.delay().get() == 0
        first = SyncMessage.objects.get(record=records[0], sequence=1)
        assert (first.state, first.attempts, first.last_error) == (SyncState.PENDING, 2, "HTTP 503")
        # Only the first message of each record was tried: the later ones wait their turn.
        assert SyncMessage.objects.filter(attempts=0).count() == 8
        child.stop()  # the portal goes down
        assert tasks.sweep.delay().get() == 0
        first.refresh_from_db()
        assert first.state == SyncState.FAILED and first.attempts == 3
        assert first.last_error.startswith("connection failed")
        state = outbox.sync_state(records[0])
        assert (state.state, state.attempts, state.unsent) == ("failed", 3, 5)
        assert tasks.sweep.delay().get() == 0  # failed messages are still retried
        flag.unlink()
        child = start_simulator(tmp_path, port=port)  # back
        assert tasks.sweep.delay().get() == 10
        got = received(child)
        assert keys_by_record(got) == {r.pk: [1, 2, 3, 4, 5] for r in records}
        assert {outbox.sync_state(r).state for r in records} == {"synced"}
    finally:
        child.stop()


def test_a_later_message_is_not_sent_before_an_earlier_failed_one(
    settings, tmp_path, clerk_a, unit_a
):
    child = start_simulator(tmp_path, extra=["--fail-first", "1", "--status", "500"])
    push_settings(settings, child, DVCQG_RETRY_BASE_SECONDS=30)
    try:
        record = submit(clerk_a, unit_a)
        now = timezone.now()
        assert outbox.deliver_record(record.pk, now=now) == 0  # message 1 failed (HTTP 500)
        record = record_refuse(record=record, actor=clerk_a, reason="Sai thẩm quyền")
        first = SyncMessage.objects.get(record=record, sequence=1)
        assert first.next_attempt_at == now + timedelta(seconds=30)
        # Message 2 is new and due, but message 1 is backing off: nothing is sent.
        assert outbox.deliver_due(now + timedelta(seconds=10)) == 0
        assert received(child) == []
        assert outbox.deliver_due(now + timedelta(seconds=31)) == 2
        assert [e["key"] for e in received(child)] == [f"{record.pk}:1", f"{record.pk}:2"]
    finally:
        child.stop()


def test_backoff_doubles_up_to_its_cap(settings):
    settings.DVCQG_RETRY_BASE_SECONDS = 30
    settings.DVCQG_RETRY_MAX_SECONDS = 3600
    assert [outbox.backoff(n).total_seconds() for n in (1, 2, 3, 7, 8, 20)] == [
        30,
        60,
        120,
        1920,
        3600,
        3600,
    ]


def test_the_admin_retries_now(settings, simulator, clerk_a, unit_a, admin_user):
    push_settings(settings, simulator, DVCQG_RETRY_BASE_SECONDS=3600)
    record = receive(clerk_a, unit_a, channel=2)
    later = timezone.now() + timedelta(hours=1)
    SyncMessage.objects.filter(record=record).update(
        state=SyncState.FAILED, attempts=8, next_attempt_at=later, last_error="HTTP 503"
    )
    assert tasks.sweep.delay().get() == 0  # not due for an hour
    request = RequestFactory().post("/admin/dvcqg/syncmessage/")
    request.user = admin_user
    model_admin = SyncMessageAdmin(SyncMessage, site)
    model_admin.message_user = lambda *args, **kwargs: None
    model_admin.retry_now(request, SyncMessage.objects.filter(record=record))
    assert tasks.sweep.delay().get() == 2
    assert outbox.sync_state(record).state == "synced"


def test_a_wrong_token_is_refused_and_the_message_kept(settings, simulator, clerk_a, unit_a):
    push_settings(settings, simulator, DVCQG_PUSH_TOKEN="wrong")
    record = receive(clerk_a, unit_a, channel=2)
    assert tasks.deliver_record.delay(record.pk).get() == 0
    first = SyncMessage.objects.get(record=record, sequence=1)
    assert (first.state, first.attempts, first.last_error) == (SyncState.PENDING, 1, "HTTP 401")
    assert received(simulator) == []


def test_dvcqg_deliver_sends_what_is_due(settings, simulator, clerk_a, unit_a):
    push_settings(settings, simulator)
    record = receive(clerk_a, unit_a, channel=2)
    output = StringIO()
    call_command("dvcqg_deliver", stdout=output)
    assert output.getvalue().strip() == "2 messages sent to the national portal."
    assert [e["key"] for e in received(simulator)] == [f"{record.pk}:1", f"{record.pk}:2"]
    settings.DVCQG_PUSH_URL = ""
    with pytest.raises(CommandError):
        call_command("dvcqg_deliver")
