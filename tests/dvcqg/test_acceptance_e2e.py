"""Issue 16's acceptance on real processes: the national-portal simulator posts 500 online
submissions (5 % exact repeats, 5 % invalid) to gunicorn serving the portal on PostgreSQL; a
Celery worker (queues celery, dvcqg) and beat on Redis push every status change back to the
simulator. Clerks of two units accept or refuse every submission, some through the pages
(a logged-in session with CSRF, as the browser does) and the rest through the REST API. Then
the simulator answers 503 for a while and goes down while the clerks go on working; once it
is back, every message has arrived exactly once per key, in order per record, and the sync
rate of the day is 100 %."""

import re
import time

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Role
from core import processes
from dvcqg.models import SyncMessage, SyncState
from hue_admin.celery import app
from records.enums import Status
from records.models import Record
from stats.reports import period_report
from tests.dvcqg.simulator import TOKEN, start_simulator
from tests.dvcqg.test_delivery import keys_by_record
from tests.helpers import (
    ON_POSTGRES,
    PASSWORD,
    http_login,
    make_user,
    redis_available,
    require_service,
    wait_for_processes,
)

TOTAL, REPEATS, INVALID = 500, 25, 25
VALID = TOTAL - REPEATS - INVALID
THROUGH_PAGES = 20  # per unit; the rest through the API
WAIT_SECONDS = 180


def wait_for(condition, what, logs, seconds=WAIT_SECONDS):
    wait_for_processes(condition, what, logs, seconds)


def get_json(url):
    return requests.get(url, timeout=10).json()


def decide_through_page(session, base_url, record: Record, action: str) -> None:
    """Open the inbox, follow the row's link, press the action's button."""
    inbox = session.get(f"{base_url}/records/submissions/?page=1", timeout=10)
    assert inbox.status_code == 200
    page = session.get(f"{base_url}/records/submissions/{record.public_id}/", timeout=10)
    assert page.status_code == 200, page.status_code
    version = re.search(r'name="version" value="(\d+)"', page.text).group(1)
    data = {"version": version, "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    if action == "refuse":
        data["reason"] = "Hồ sơ nộp sai thủ tục"
    response = session.post(
        f"{base_url}/records/submissions/{record.public_id}/act/{action}/", data=data, timeout=30
    )
    assert response.status_code == 200, (response.status_code, response.text[:300])


def decide_through_api(base_url, token: str, record: Record, action: str) -> None:
    body = {"reason": "Không thuộc thẩm quyền"} if action == "refuse" else {}
    response = requests.post(
        f"{base_url}/api/v1/records/{record.public_id}/{action}/",
        json=body,
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )
    assert response.status_code == 200, (response.status_code, response.text[:300])


def api_act(base_url, token, code, action, body=None):
    response = requests.post(
        f"{base_url}/api/v1/records/{code}/{action}/",
        json=body or {},
        headers={"Authorization": f"Token {token}"},
        timeout=30,
    )
    assert response.status_code == 200, (response.status_code, response.text[:300])


def check_posting(summary: dict) -> None:
    assert summary["done"] and summary["posted"] == TOTAL
    assert summary["by_kind_and_status"] == {
        "invalid:400": INVALID,
        "new:201": VALID,
        "repeat:200": REPEATS,
    }


def check_records(posted: list[dict]) -> None:
    """Exactly the valid distinct submissions exist, each once; a repeat answered with the
    same submission; nothing of an invalid body was written."""
    submitted = Record.objects.filter(national_dossier_no__startswith="G22.SIM-")
    numbers = list(submitted.values_list("national_dossier_no", flat=True))
    new = {r["national_dossier_no"]: r["public_id"] for r in posted if r["kind"] == "new"}
    assert len(numbers) == len(set(numbers)) == VALID
    assert set(numbers) == set(new)
    for entry in posted:
        if entry["kind"] == "repeat":
            assert entry["public_id"] == new[entry["national_dossier_no"]]
        if entry["kind"] == "invalid":
            assert entry["answer"] and entry["public_id"] is None
            assert not Record.objects.filter(
                national_dossier_no=entry["national_dossier_no"]
            ).exists()
    assert {str(p) for p in submitted.values_list("public_id", flat=True)} == set(new.values())
    assert set(submitted.values_list("status", flat=True)) == {Status.SUBMITTED}


@pytest.mark.slow  # gunicorn, a worker, beat and the simulator; ~2 min on 2 cores
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_500_submissions_end_to_end_through_a_failing_portal(tmp_path, unit_a, unit_b):
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")
    require_service(redis_available(), "Redis (REDIS_URL=redis://...)")
    connector = make_user("ketnoi.dvcqg", Role.INTEGRATION)
    connector.delivery_units.set([unit_a, unit_b])
    clerks = {
        unit_a.pk: make_user("clerk_a", Role.CLERK, commune=unit_a),
        unit_b.pk: make_user("clerk_b", Role.CLERK, commune=unit_b),
    }
    for user in clerks.values():  # the tests hash fast; gunicorn checks with the real hasher
        user.password = PBKDF2PasswordHasher().encode(PASSWORD, "e2etestsalt")
        user.save(update_fields=["password"])
    tokens = {pk: Token.objects.create(user=user).key for pk, user in clerks.items()}
    connector_token = Token.objects.create(user=connector).key

    sim_port = processes.free_port()
    env = processes.portal_env(
        database_url=processes.database_url(connection.settings_dict),
        redis_url=django_settings.REDIS_URL,
        DVCQG_PUSH_URL=f"http://127.0.0.1:{sim_port}/status",
        DVCQG_PUSH_TOKEN=TOKEN,
        DVCQG_PUSH_TIMEOUT="3",
        DVCQG_RETRY_BASE_SECONDS="1",
        DVCQG_RETRY_MAX_SECONDS="2",
        DVCQG_MAX_ATTEMPTS="3",
        DVCQG_SWEEP_SECONDS="1",
        API_THROTTLE_USER="100000/min",
    )
    app.control.purge()
    web = processes.start_gunicorn(env, tmp_path / "gunicorn.log", workers=2, threads=2)
    worker = processes.start_celery_worker(
        env, tmp_path / "worker.log", queues="celery,dvcqg,notify"
    )
    beat = processes.start_celery_beat(env, tmp_path / "beat.log")
    flag = tmp_path / "failing"
    post = ["--post", str(TOTAL), "--api", web.url, "--api-token", connector_token]
    units = ["--units", f"{unit_a.code},{unit_b.code}", "--threads", "3", "--seed", "16"]
    simulator = start_simulator(
        tmp_path,
        port=sim_port,
        extra=[*post, *units, "--fail-while-exists", str(flag)],
        env=env,
    )
    logs = [web.log, worker.log, beat.log, simulator.log]
    try:
        # 1. The connector posts: exactly the valid distinct submissions exist, each once.
        wait_for(lambda: get_json(f"{simulator.url}/posted")["summary"]["done"], "posting", logs)
        posted = get_json(f"{simulator.url}/posted")
        check_posting(posted["summary"])
        check_records(posted["results"])

        # 2. The clerks decide: a few per unit through the pages, the rest through the API.
        submitted = list(
            Record.objects.filter(national_dossier_no__startswith="G22.SIM-").order_by("pk")
        )
        sessions = {pk: http_login(web.url, clerks[pk].username) for pk in clerks}
        shown = dict.fromkeys(clerks, 0)
        for index, record in enumerate(submitted):
            unit = record.receiving_unit_id
            action = "refuse" if index % 10 == 3 else "receive"
            if shown[unit] < THROUGH_PAGES:
                shown[unit] += 1
                decide_through_page(sessions[unit], web.url, record, action)
            else:
                decide_through_api(web.url, tokens[unit], record, action)
        decided = Record.objects.filter(pk__in=[r.pk for r in submitted])
        assert not decided.filter(status=Status.SUBMITTED).exists()
        accepted = list(decided.filter(status=Status.RECEIVED).order_by("pk"))
        assert len(accepted) == VALID - VALID // 10
        wait_for(
            lambda: len(get_json(f"{simulator.url}/received")) == 2 * VALID,
            "a submit and a decision message per submission",
            logs,
        )

        # 3. The portal fails (503), then is down, while the clerks go on working.
        flag.touch()
        for record in accepted[:20]:
            api_act(web.url, tokens[record.receiving_unit_id], record.code, "process")
        failing = SyncMessage.objects.filter(last_error="HTTP 503")
        wait_for(failing.exists, "a push answered 503", logs)
        simulator.stop()
        for record in accepted[20:40]:
            api_act(web.url, tokens[record.receiving_unit_id], record.code, "process")
        refused = SyncMessage.objects.filter(last_error__startswith="connection failed")
        wait_for(refused.exists, "a push refused (portal down)", logs)
        assert SyncMessage.objects.exclude(state=SyncState.SENT).count() >= 40

        # 4. Back: everything arrives, once per key, in order per record.
        flag.unlink()
        simulator = start_simulator(tmp_path, port=sim_port)
        logs[3] = simulator.log
        expected = 2 * VALID + 40
        wait_for(lambda: len(get_json(f"{simulator.url}/received")) == expected, "all", logs)
        time.sleep(3)  # a few more sweeps: nothing is sent twice
        got = get_json(f"{simulator.url}/received")
        assert len(got) == len({entry["key"] for entry in got}) == expected
        order = keys_by_record(got)
        assert set(order) == {r.pk for r in submitted}
        for record in submitted:
            assert order[record.pk] == sorted(order[record.pk]), record.pk
            assert order[record.pk][0] == 1
        assert not SyncMessage.objects.exclude(state=SyncState.SENT).exists()
        assert not Record.objects.filter(sync_pending=True).exists()
        today = timezone.localdate()

        def report():
            return period_report(date_from=today, date_to=today, units=[unit_a, unit_b])

        # The worker recomputes the day's figures after the changes: wait for them.
        wait_for(lambda: report().totals["received"] == len(accepted), "the figures", logs)
        assert str(report().rates["sync_rate"]) == "100.00"
    finally:
        simulator.stop()
        beat.stop()
        worker.stop()
        web.stop()
