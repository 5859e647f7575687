"""Faults with the real services: the portal served by gunicorn on the test database
(PostgreSQL), a real Celery worker and beat, and a private Redis the test stops and starts.

- Redis down: clerks still receive and move records, pages and API answer; the recomputes that
  could not be queued are noted and the sweep runs them once Redis is back: figures exact.
- A worker killed in the middle of writing a recompute leaves no half-written day, and the
  recompute it owed is done by the sweep.
- Database connections dropped under the running server and worker are recovered on the next
  request and the next task.
"""

import re
import time
from datetime import date

import psycopg
import pytest
import requests
from celery import Celery
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from core import processes
from records.enums import Status
from records.models import Record
from stats.models import DailyStat, RecomputeOwed
from stats.services import compute_daily_stats, note_recompute_owed
from tests.helpers import ON_POSTGRES, PASSWORD, http_login, local, receive, require_service

pytestmark = [
    pytest.mark.slow,  # gunicorn, Celery worker and beat, redis-server: 5-12 s each
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

WAIT = 90  # seconds; a worker or beat start takes a few


@pytest.fixture
def services_required():
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")
    require_service(processes.redis_server_path() is not None, "redis-server")


@pytest.fixture
def stack(services_required, tmp_path):
    """Start/stop helpers for the portal's processes on the test DB and a private Redis."""
    children: list[processes.Child] = []
    database_url = processes.database_url(connection.settings_dict)

    class Stack:
        redis: processes.Child | None = None

        @property
        def redis_url(self):
            return f"redis://127.0.0.1:{self.redis.port}/0"

        def env(self, **extra):
            return processes.portal_env(
                database_url=database_url,
                redis_url=self.redis_url,
                DEBUG="1",  # plain HTTP on loopback: cookies without the Secure flag
                DB_CONN_MAX_AGE="600",  # persistent connections, as in production
                LOG_LEVEL="INFO",
                **extra,
            )

        def start_redis(self, port=None):
            self.redis = processes.start_redis(tmp_path / "redis.log", port=port)
            children.append(self.redis)
            return self.redis

        def start(self, name, launcher, *args, **kwargs):
            child = launcher(*args, **kwargs)
            children.append(child)
            return child

        def worker(self):
            return self.start("worker", processes.start_celery_worker, self.env(), log("worker"))

        def beat(self):
            return self.start(
                "beat", processes.start_celery_beat, self.env(STATS_SWEEP_SECONDS="1"), log("beat")
            )

        def gunicorn(self):
            return self.start(
                "web", processes.start_gunicorn, self.env(), log("web"), workers=1, threads=2
            )

    def log(name):
        return tmp_path / f"{name}-{len(children)}.log"

    stack = Stack()
    stack.start_redis()
    try:
        yield stack
    finally:
        for child in reversed(children):
            child.stop(10)


def wait_for(condition, what, *children):
    try:
        processes.wait_until(condition, WAIT, what)
    except TimeoutError:
        logs = "\n".join(f"--- {c.log.name}\n{c.log_text()}" for c in children)
        pytest.fail(f"{what}: not within {WAIT} s\n{logs}")


def snapshot(unit) -> dict:
    fields = [f.name for f in DailyStat._meta.fields if f.name not in {"id", "computed_at"}]
    return {row["day"]: row for row in DailyStat.objects.filter(unit=unit).values(*fields)}


def recount_equals_stored(unit, date_from: date) -> bool:
    """The stored figures equal a recount from the records (recomputed here, compared)."""
    stored = snapshot(unit)
    compute_daily_stats(date_from=date_from, date_to=timezone.localdate(), unit_ids=[unit.pk])
    return snapshot(unit) == stored


@pytest.fixture
def clerk_a(clerk_a):
    """The clerk, with a password hashed the way production settings verify it (the test
    settings use a fast hasher the gunicorn process does not know)."""
    clerk_a.password = PBKDF2PasswordHasher().encode(PASSWORD, "faulttestsalt")
    clerk_a.save(update_fields=["password"])
    return clerk_a


def clerk_session(base_url: str) -> requests.Session:
    return http_login(base_url, "clerk_a")


def post_form(session, url, data) -> requests.Response:
    """POST like the browser does (CSRF token from the cookie); returns the final page."""
    started = time.monotonic()
    response = session.post(
        url, data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]}, timeout=30
    )
    elapsed = time.monotonic() - started
    assert response.status_code == 200, (url, response.status_code, response.text[:500])
    assert elapsed < 10, f"{url} took {elapsed:.1f} s"
    return response


def receive_through_form(session, base_url, name) -> str:
    page = post_form(
        session,
        f"{base_url}/records/new/",
        {
            "procedure": "ho-tich-khai-tu",
            "channel": 1,
            "applicant_name": name,
            "applicant_id_number": "046070009999",
            "applicant_phone": "0905 123 456",
        },
    )
    code = re.search(r"/records/([^/]+)/receipt/", page.url)
    assert code, page.url
    return code.group(1)


def act_through_form(session, base_url, code, action) -> None:
    record = Record.objects.get(code=code)
    post_form(session, f"{base_url}/records/{code}/act/{action}/", {"version": record.version})


def test_redis_down_clerks_keep_working_and_figures_catch_up(stack, clerk_a, unit_a):
    today = timezone.localdate()
    worker, beat, web = stack.worker(), stack.beat(), stack.gunicorn()
    token = Token.objects.create(user=clerk_a).key
    session = clerk_session(web.url)

    first = receive_through_form(session, web.url, "Lê Văn Một")
    stored = DailyStat.objects.filter(unit=unit_a, day=today)
    wait_for(lambda: stored.filter(received=1).exists(), "figures after the first receipt", worker)

    stack.redis.kill()  # Redis crashes

    second = receive_through_form(session, web.url, "Lê Văn Hai")
    act_through_form(session, web.url, first, "process")
    act_through_form(session, web.url, first, "resolve")
    assert session.get(f"{web.url}/", timeout=10).status_code == 200
    api = requests.get(
        f"{web.url}/api/v1/records/",
        headers={"Authorization": f"Token {token}"},
        timeout=10,
    )
    assert api.status_code == 200 and api.json()["count"] == 2  # throttling fails open
    assert Record.objects.get(code=first).status == Status.RESOLVED
    assert Record.objects.get(code=second).status == Status.RECEIVED
    # Nothing could be queued: the figures are behind, and what is owed is noted.
    assert stored.get().received == 1
    assert RecomputeOwed.objects.filter(unit=unit_a, day=today).exists()
    assert "not queued" in web.log_text(20000)
    assert "Lê Văn" not in web.log_text(20000)  # no personal data in the log

    stack.start_redis(port=stack.redis.port)  # back, same address

    wait_for(
        lambda: (
            not RecomputeOwed.objects.exists()
            and stored.filter(received=2, finished=1, open_end=1).exists()
        ),
        "figures after Redis is back (beat's sweep through the worker)",
        worker,
        beat,
    )
    assert recount_equals_stored(unit_a, today)


def test_worker_killed_mid_recompute_leaves_no_half_written_day(stack, clerk_a, unit_a):
    """The worker is stopped (a row lock held by the test) in the middle of writing one
    recompute, after it has written earlier days; it is killed there."""
    start, today = date(2025, 7, 1), timezone.localdate()
    receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 9))
    compute_daily_stats(date_from=start, date_to=today, unit_ids=[unit_a.pk])
    receive(clerk_a, unit_a, received_at=local(2025, 7, 2, 9))  # figures now behind from 2 July
    RecomputeOwed.objects.all().delete()
    note_ids = note_recompute_owed(unit_ids=[unit_a.pk], day=start)  # as a change notes it
    before = snapshot(unit_a)
    assert before[date(2025, 7, 2)]["received"] == 0

    # A client of the private Redis only: not the current app, which the rest of the suite uses.
    broker = Celery(broker=stack.redis_url, set_as_current=False)
    table = DailyStat._meta.db_table
    dsn = processes.database_url(connection.settings_dict)
    with psycopg.connect(dsn) as blocker, psycopg.connect(dsn, autocommit=True) as probe:
        # Lock today's row, the last one the recompute writes.
        blocker.execute(
            f"SELECT 1 FROM {table} WHERE unit_id = %s AND day = %s FOR UPDATE",  # noqa: S608
            [unit_a.pk, today],
        )
        worker = stack.worker()
        broker.send_task(
            "stats.recompute_unit_days", args=[unit_a.pk, start.isoformat(), None, note_ids]
        )

        def writing_and_blocked():
            return probe.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE %s",
                [f'%INSERT INTO "{table}"%'],
            ).fetchone()

        wait_for(writing_and_blocked, "the worker writing and waiting on the lock", worker)
        backend = writing_and_blocked()[0]
        worker.kill()  # SIGKILL in the middle of the write
        blocker.rollback()  # release; the orphaned transaction can only roll back
        wait_for(
            lambda: (
                not probe.execute(
                    "SELECT 1 FROM pg_stat_activity WHERE pid = %s", [backend]
                ).fetchone()
            ),
            "the killed worker's database session to end",
        )

    assert snapshot(unit_a) == before  # no day half-written: not one row changed
    assert RecomputeOwed.objects.filter(unit=unit_a, day=start).exists()  # still owed

    worker = stack.worker()
    broker.send_task("stats.recompute_noted")  # what beat sends every few minutes
    wait_for(lambda: not RecomputeOwed.objects.exists(), "the sweep", worker)
    after = snapshot(unit_a)
    assert after[date(2025, 7, 2)]["received"] == 1
    assert after[today]["open_end"] == before[today]["open_end"] + 1
    assert recount_equals_stored(unit_a, start)


def test_dropped_database_connections_are_recovered_on_the_next_request(stack, clerk_a, unit_a):
    """Every connection to the database is terminated by PostgreSQL (a restart, a failover):
    the server's persistent ones (DB_CONN_MAX_AGE) go stale, yet the next page and action
    succeed; the worker, which Celery lets open a connection per task, recomputes on a new one.
    (The server's threads hold one connection each, one or two depending on which served the
    requests; the worker holds none between tasks, so only the server's are counted.)"""
    today = timezone.localdate()
    worker = stack.worker()
    web = stack.gunicorn()  # persistent connections (DB_CONN_MAX_AGE=600)
    session = clerk_session(web.url)
    code = receive_through_form(session, web.url, "Lê Văn Ba")
    assert session.get(f"{web.url}/records/", timeout=10).status_code == 200
    stored = DailyStat.objects.filter(unit=unit_a, day=today)
    wait_for(lambda: stored.filter(received=1).exists(), "figures after the receipt", worker)

    connection.ensure_connection()
    own = connection.connection.info.backend_pid
    with psycopg.connect(processes.database_url(connection.settings_dict)) as admin:
        admin.autocommit = True
        killed = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND backend_type = 'client backend' "
            "AND pid NOT IN (pg_backend_pid(), %s)",
            [own],
        ).fetchall()
    assert len(killed) >= 1, "the server held a persistent connection to drop"

    page = session.get(f"{web.url}/records/{code}/", timeout=10)
    assert page.status_code == 200 and code in page.text
    act_through_form(session, web.url, code, "process")
    act_through_form(session, web.url, code, "resolve")
    assert Record.objects.get(code=code).status == Status.RESOLVED
    wait_for(
        lambda: stored.filter(finished=1, open_end=0).exists(),
        "figures after the resolution (the worker on a new connection)",
        worker,
    )
    assert "Internal Server Error" not in web.log_text(20000)
