"""The connector in the production shape: a real Celery worker (queues celery and dvcqg) and
Celery beat on Redis and PostgreSQL, pushing to a real simulator process. Record changes
committed in this process reach the simulator exactly once per key, in order per record,
through a portal answering 503 and then down."""

import time

import pytest
from django.conf import settings as django_settings
from django.db import connection

from core import processes
from dvcqg.models import SyncMessage
from dvcqg.outbox import sync_state
from hue_admin.celery import app
from records.services import record_process, record_request_supplement, record_supplement
from tests.dvcqg.simulator import TOKEN, push_settings, received, start_simulator
from tests.dvcqg.test_delivery import keys_by_record
from tests.helpers import (
    ON_POSTGRES,
    receive,
    redis_available,
    require_service,
    wait_for_processes,
)

WAIT_SECONDS = 60


def wait_for(condition, what, logs):
    wait_for_processes(condition, what, logs, WAIT_SECONDS)


@pytest.mark.slow  # real worker, beat and simulator processes
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_everything_through_failures(settings, tmp_path, clerk_a, unit_a):
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")
    require_service(redis_available(), "Redis (REDIS_URL=redis://...)")
    flag = tmp_path / "failing"
    simulator = start_simulator(tmp_path, extra=["--fail-while-exists", str(flag)])
    port = simulator.port
    push_settings(settings, simulator)
    env = processes.portal_env(
        database_url=processes.database_url(connection.settings_dict),
        redis_url=django_settings.REDIS_URL,
        DVCQG_PUSH_URL=f"{simulator.url}/status",
        DVCQG_PUSH_TOKEN=TOKEN,
        DVCQG_PUSH_TIMEOUT="3",
        DVCQG_RETRY_BASE_SECONDS="0",
        DVCQG_MAX_ATTEMPTS="3",
        DVCQG_SWEEP_SECONDS="1",
    )
    app.control.purge()
    worker = processes.start_celery_worker(
        env, tmp_path / "worker.log", queues="celery,dvcqg,notify"
    )
    beat = processes.start_celery_beat(env, tmp_path / "beat.log")
    logs = [worker.log, beat.log, simulator.log]
    try:
        records = [receive(clerk_a, unit_a, channel=2) for _ in range(3)]
        records = [record_process(record=r, actor=clerk_a) for r in records]
        wait_for(lambda: len(received(simulator)) == 9, "first 9 messages", logs)

        flag.touch()  # the portal answers 503
        records = [
            record_request_supplement(record=r, actor=clerk_a, reason="Thiếu tờ khai")
            for r in records
        ]
        errors = SyncMessage.objects.exclude(last_error="")
        wait_for(lambda: errors.filter(last_error="HTTP 503").exists(), "a 503", logs)
        simulator.stop()  # then down
        wait_for(
            lambda: errors.filter(last_error__startswith="connection failed").exists(),
            "a refused connection",
            logs,
        )
        records = [record_supplement(record=r, actor=clerk_a) for r in records]
        assert {sync_state(r).state for r in records} <= {"pending", "failed"}

        flag.unlink()
        simulator = start_simulator(tmp_path, port=port)  # back, same log
        logs[2] = simulator.log
        wait_for(lambda: len(received(simulator)) == 15, "all 15 messages", logs)
        time.sleep(2)  # a few more sweeps: nothing is sent twice
        got = received(simulator)
        assert len(got) == len({e["key"] for e in got}) == 15
        assert keys_by_record(got) == {r.pk: [1, 2, 3, 4, 5] for r in records}
        assert {sync_state(r).state for r in records} == {"synced"}
    finally:
        beat.stop()
        worker.stop()
        simulator.stop()
