"""The standing cast of the test suite, on the real reference data (40 units, 166 points).

- ``clerk_a``: clerk of Phú Xuân ward (unit A); ``clerk_b``: clerk of Phú Vang commune (unit B);
- ``leader_a``: commune leader of unit A; ``post_staff_a``: post staff at an agent point of A;
- ``city_office``, ``admin_user``.
"""

import os

import pytest
from django.conf import settings

from accounts.models import Role, User
from agent_points.models import AgentPoint
from agent_points.services import load_agent_points
from communes.models import Commune
from communes.services import load_communes

UNIT_A = "19753"  # Phường Phú Xuân
UNIT_B = "19942"  # Xã Phú Vang
PASSWORD = "correct-horse-battery"

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def load_reference_data():
    load_communes()
    load_agent_points()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture
def reference_data(db):
    """Ensures the reference data is present (transactional tests flush it)."""
    if not Commune.objects.exists():
        load_reference_data()


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


def require_service(available: bool, what: str):
    """Skip when a service is missing locally; in CI a missing service is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but not available")
    pytest.skip(f"{what} not available (set it up or run .ci/run)")
