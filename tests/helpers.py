"""Shared test helpers: the standing cast's names and password, data builders, service checks
and browser steps. Tests import what they use from here explicitly (``from tests.helpers import
receive``); ``tests/conftest.py`` holds only the fixtures pytest must discover.

The standing cast (fixtures in ``conftest.py``), on the real reference data (40 units, 166 points):

- ``clerk_a``: clerk of Phú Xuân ward (unit A); ``clerk_b``: clerk of Phú Vang commune (unit B);
- ``leader_a``: commune leader of unit A; ``post_staff_a``: post staff at an agent point of A;
- ``city_office``, ``admin_user``.
"""

import os
import shutil
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from django.conf import settings

from accounts.models import User
from agent_points.services import load_agent_points
from communes.services import load_communes
from hue_admin.celery import app
from records.catalogue import import_components, import_procedures

UNIT_A = "19753"  # Phường Phú Xuân
UNIT_B = "19942"  # Xã Phú Vang
PASSWORD = "correct-horse-battery"

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")

# The project's root (tests/helpers.py is one level down), and where CI artifacts go.
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def load_reference_data():
    load_communes()
    load_agent_points()
    import_procedures()
    import_components()


def make_user(username, role, *, commune=None, agent_point=None, **extra):
    user = User(username=username, role=role, commune=commune, agent_point=agent_point, **extra)
    user.set_password(PASSWORD)
    user.full_clean(exclude=["password"])
    user.save()
    return user


HUE = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args) -> datetime:
    """An aware datetime in Hue's time zone: local(2025, 7, 7, 9, 30)."""
    return datetime(*args, tzinfo=HUE)


APPLICANT = {
    "applicant_name": "Nguyễn Văn An",
    "applicant_id_number": "046095001234",
    "applicant_phone": "0912 345 678",
    "applicant_address": "12 Lê Lợi, phường Phú Xuân",
}


def receive(actor, unit, *, procedure="ho-tich-khai-sinh-da-co-giay-to", channel=1, **kwargs):
    """Receive a valid record at ``unit`` (5 working days procedure by default). An online
    record (channel 2) comes the way online dossiers do: submitted, then received."""
    from records.enums import Channel
    from records.services import record_create_at_desk, record_receive, record_submit

    kwargs.setdefault("applicant", APPLICANT)
    if channel != Channel.ONLINE:
        return record_create_at_desk(
            actor=actor, procedure=procedure, receiving_unit=unit, channel=channel, **kwargs
        )
    received_at = kwargs.pop("received_at", None)
    submitted = record_submit(
        actor=actor,
        procedure=procedure,
        receiving_unit=unit,
        channel=channel,
        submitted_at=received_at,
        **kwargs,
    )
    return record_receive(record=submitted, actor=actor, at=received_at)


def require_service(available: bool, what: str):
    """Skip when a service is missing locally; in CI a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but not available")
    pytest.skip(f"{what} not available (set it up or run .ci/run)")


def redis_available() -> bool:
    if not settings.REDIS_URL:
        return False
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


# --- Browser steps (Playwright; the ``browser`` and ``page`` fixtures are in conftest.py) -------


def shot(page, name):
    """Save a full-page screenshot as a CI artifact (test-artifacts/, not committed)."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def browser_log_in(page, live_server, username):
    """Log in through the login page as ``username`` (password PASSWORD); lands on home."""
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(live_server.url + "/")


def confirm_action(page, label, **fields):
    """On a record page: open the action ``label``, fill its inputs, confirm, expect success."""
    page.locator("summary", has_text=label).click()
    form = page.locator("details[open] form")
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)
    form.get_by_role("button", name=f"Xác nhận: {label.lower()}").click()
    page.wait_for_load_state()
    assert page.locator(".msg--success").count() == 1, page.locator("main").inner_text()


def receive_through_new_record_form(page) -> str:
    """On the new record form: find the procedure (diacritics-free search), wait for the
    appointment preview, fill a citizen, submit; returns the code on the receipt slip."""
    page.get_by_label("Tìm thủ tục").fill("khai sinh giay to ca nhan")
    page.wait_for_function("() => document.querySelectorAll('#id_procedure option').length === 1")
    page.locator("#id_procedure").select_option("ho-tich-khai-sinh-da-co-giay-to")
    page.wait_for_function(
        "() => document.querySelector('[data-testid=due-preview] strong') !== null"
    )
    page.get_by_label("Họ và tên").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số định danh cá nhân").fill("046195004567")
    page.get_by_label("Số điện thoại di động").fill("0914 222 333")
    page.get_by_label("Địa chỉ").fill("5 Lê Lợi, phường Phú Xuân")
    page.get_by_role("button", name="Tiếp nhận và in giấy hẹn").click()
    return page.get_by_test_id("slip-code").inner_text()


def records_reads(queries) -> list[str]:
    """The SQL of the captured ``queries`` that read the records table, other than the sync
    rate's backlog: a grouped count of the records whose sync is pending (on its partial
    index, ``records.selectors.sync_pending_counts``). A page of figures must give none."""
    found = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if "records_record" not in sql:
            continue
        backlog = (
            sql.startswith('SELECT "records_record"."receiving_unit_id"')
            and 'COUNT("records_record"."id")' in sql
            and 'AND "records_record"."sync_pending")' in sql
            and "JOIN" not in sql
        )
        if not backlog:
            found.append(sql)
    return found


def wait_for_processes(condition, what: str, logs, seconds: float = 60) -> None:
    """Poll ``condition`` until it holds; past ``seconds``, fail with the tail of the real
    processes' ``logs`` (gunicorn, workers, the simulator)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    text = "\n".join(f"--- {log}\n{log.read_text()[-3000:]}" for log in logs)
    pytest.fail(f"{what}: not within {seconds} s\n{text}")


def http_login(base_url: str, username: str):
    """A ``requests`` session logged in through the login form of a real server, as the
    browser does (CSRF token from the cookie). The user's password must be hashed with the
    server's hasher (the tests' fast hasher is not one the server accepts)."""
    session = requests.Session()
    session.get(f"{base_url}/accounts/login/", timeout=10)
    response = session.post(
        f"{base_url}/accounts/login/",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        timeout=10,
    )
    assert response.status_code == 200 and response.url.rstrip("/") == base_url, response.url
    return session
