"""Fixtures pytest discovers for every test: the standing cast (described in ``tests/helpers.py``,
with the helpers tests import explicitly), the reference data, a fresh cache per test, the
browser, and a real Celery worker."""

import importlib
import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

from accounts.models import Role
from agent_points.models import AgentPoint
from communes.models import Commune
from core import processes
from hue_admin.celery import app
from records.enums import CalendarDayKind
from records.models import CalendarDay
from tests.helpers import CHROMIUM, UNIT_A, UNIT_B, load_reference_data, make_user, require_service


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


@pytest.fixture
def integration(unit_a):
    """The national portal's connector: an integration account delivering to unit A only."""
    user = make_user("ketnoi.dvcqg", Role.INTEGRATION)
    user.delivery_units.set([unit_a])
    return user


@pytest.fixture(autouse=True)
def _fresh_cache():
    """API throttling counts live in the cache: every test starts from zero."""
    cache.clear()


@pytest.fixture
def eager():
    """Run the tasks a record change schedules in-process, as the embedded default does, even
    with a broker configured (no task is left queued in Redis)."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def english():
    """Run the test with the English UI (the default is Vietnamese)."""
    with translation.override("en"):
        yield


# --- Browser (Playwright driving the machine's Chromium) --------------------------------------


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


# --- A real Celery worker (Redis broker, the test database) -----------------------------------


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
