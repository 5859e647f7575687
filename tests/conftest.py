"""The standing cast of the test suite, on the real reference data (40 units, 166 points).

- ``clerk_a``: clerk of Phú Xuân ward (unit A); ``clerk_b``: clerk of Phú Vang commune (unit B);
- ``leader_a``: commune leader of unit A; ``post_staff_a``: post staff at an agent point of A;
- ``city_office``, ``admin_user``.
"""

import importlib
import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from accounts.models import Role, User
from agent_points.models import AgentPoint
from agent_points.services import load_agent_points
from communes.models import Commune
from communes.services import load_communes
from core import processes
from hue_admin.celery import app
from records.catalogue import import_procedures
from records.enums import CalendarDayKind
from records.models import CalendarDay

UNIT_A = "19753"  # Phường Phú Xuân
UNIT_B = "19942"  # Xã Phú Vang
PASSWORD = "correct-horse-battery"

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def load_reference_data():
    load_communes()
    load_agent_points()
    import_procedures()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def reference_data(db):
    """Ensures the reference data is present (transactional tests flush it)."""
    if not Commune.objects.exists():
        load_reference_data()
    if not CalendarDay.objects.exists():  # data migration rows, flushed by transactional tests
        swaps = importlib.import_module("records.migrations.0002_calendar_swaps")
        for day, note in swaps.SWAPPED_WORKING_DAYS:
            CalendarDay.objects.create(date=day, kind=CalendarDayKind.WORKING_DAY, note=note)


@pytest.fixture
def unit_a(reference_data):
    return Commune.objects.get(code=UNIT_A)


@pytest.fixture
def unit_b(reference_data):
    return Commune.objects.get(code=UNIT_B)


@pytest.fixture
def point_a(unit_a):
    return AgentPoint.objects.filter(commune=unit_a).earliest("code")


@pytest.fixture
def point_b(unit_b):
    return AgentPoint.objects.filter(commune=unit_b).earliest("code")


def make_user(username, role, *, commune=None, agent_point=None, **extra):
    user = User(username=username, role=role, commune=commune, agent_point=agent_point, **extra)
    user.set_password(PASSWORD)
    user.full_clean(exclude=["password"])
    user.save()
    return user


@pytest.fixture
def clerk_a(unit_a):
    return make_user("clerk_a", Role.CLERK, commune=unit_a, first_name="An", last_name="Nguyễn")


@pytest.fixture
def clerk_b(unit_b):
    return make_user("clerk_b", Role.CLERK, commune=unit_b)


@pytest.fixture
def leader_a(unit_a):
    return make_user("leader_a", Role.COMMUNE_LEADER, commune=unit_a)


@pytest.fixture
def post_staff_a(point_a):
    return make_user("post_a", Role.POST_STAFF, agent_point=point_a)


@pytest.fixture
def city_office(reference_data):
    return make_user("city", Role.CITY_OFFICE)


@pytest.fixture
def admin_user(reference_data):
    return make_user("root", Role.ADMIN, is_superuser=True)


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


@pytest.fixture(autouse=True)
def _fresh_cache():
    """API throttling counts live in the cache: every test starts from zero."""
    cache.clear()


@pytest.fixture
def english():
    """Run the test with the English UI (the default is Vietnamese)."""
    with translation.override("en"):
        yield


def require_service(available: bool, what: str):
    """Skip when a service is missing locally; in CI a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but not available")
    pytest.skip(f"{what} not available (set it up or run .ci/run)")


# --- Browser (Playwright driving the machine's Chromium) --------------------------------------

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    require_service(CHROMIUM is not None, "Chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test body
    # stay synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="vi-VN")
    page = context.new_page()
    yield page
    context.close()


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


# --- A real Celery worker (Redis broker, the test database) -----------------------------------


def redis_available() -> bool:
    if not settings.REDIS_URL:
        return False
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


@pytest.fixture
def worker(tmp_path):
    """A Celery worker process on the test database, consuming a freshly purged queue."""
    app.control.purge()  # tasks left by earlier tests that had no worker
    env = processes.portal_env(
        database_url=processes.database_url(connection.settings_dict),
        redis_url=settings.REDIS_URL,
    )
    child = processes.start_celery_worker(env, tmp_path / "worker.log")
    try:
        yield child.log
    finally:
        child.stop()
