"""The services CI promises: PostgreSQL behind the ORM and Redis as Celery's broker."""

import pytest
from django.conf import settings
from django.db import connection

from hue_admin.celery import app
from tests.helpers import IN_CI, ON_POSTGRES, require_service


@pytest.mark.django_db
def test_database_is_postgres_when_configured():
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW TimeZone")
        assert cursor.fetchone()[0] == "UTC"  # Django stores UTC; local time is applied in Python
        cursor.execute("SELECT current_setting('server_version_num')::int")
        assert cursor.fetchone()[0] >= 130000


def test_celery_uses_redis_when_configured():
    require_service(bool(settings.REDIS_URL), "Redis (REDIS_URL=redis://...)")
    assert app.conf.broker_url == settings.REDIS_URL
    assert app.conf.task_always_eager is False
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
        assert conn.connected


def test_ci_runs_against_the_real_services():
    if not IN_CI:
        pytest.skip("outside CI")
    assert ON_POSTGRES and settings.REDIS_URL
