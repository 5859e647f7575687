import os
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, translation

from core.env import Env

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env):
    """Import the settings module in a fresh interpreter with exactly these variables."""
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    clean.update(env)
    code = (
        "import hue_admin.settings as s;"
        "print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER,"
        " s.TIME_ZONE, s.LANGUAGE_CODE, s.USE_TZ)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_settings_default_is_embedded_sqlite_and_eager_celery():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "True",
        "django.db.backends.sqlite3",
        "True",
        "Asia/Ho_Chi_Minh",
        "vi",
        "True",
    ]


def test_settings_postgres_and_redis_from_environment():
    result = load_settings(
        DATABASE_URL="postgres://u:p@db:5432/hue", REDIS_URL="redis://redis:6379/0"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1:3] == ["django.db.backends.postgresql", "False"]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"DEBUG": "0", "ALLOWED_HOSTS": "x"}, "SECRET_KEY must be set"),
        ({"DEBUG": "0", "SECRET_KEY": "short", "ALLOWED_HOSTS": "x"}, "at least 50 characters"),
        ({"DEBUG": "0", "SECRET_KEY": "k" * 60}, "ALLOWED_HOSTS must be set"),
        ({"DATABASE_URL": "mysql://u@h/db"}, "must be a sqlite:/// or postgres:// URL"),
        ({"DATABASE_URL": "postgres://u@h:5432/"}, "must name a database"),
        ({"REDIS_URL": "http://redis:6379"}, "REDIS_URL must start with redis://"),
        ({"DB_CONN_MAX_AGE": "ten"}, "DB_CONN_MAX_AGE='ten' is not a whole number"),
        ({"SESSION_COOKIE_AGE": "10"}, "SESSION_COOKIE_AGE=10 must be at least 300"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL='LOUD' must be one of"),
        ({"API_THROTTLE_USER": "fast"}, "API_THROTTLE_USER='fast' is not a rate like 120/min"),
    ],
)
def test_settings_reject_bad_values_with_clear_message(env, message):
    result = load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_settings_accept_good_values():
    result = load_settings(DEBUG="0", SECRET_KEY="s" * 64, ALLOWED_HOSTS="portal.hue.gov.vn")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"


def test_env_readers():
    env = Env({"A": " yes ", "B": "a, b,,c", "N": "7", "E": ""})
    assert env.bool("A") is True
    assert env.bool("missing", default=True) is True
    assert env.list("B") == ["a", "b", "c"]
    assert env.int("N", 1) == 7
    assert env.int("E", 3) == 3
    with pytest.raises(ImproperlyConfigured, match="N=7 must be at least 8"):
        env.int("N", 1, minimum=8)


@pytest.mark.parametrize(
    ("language", "count", "rate", "day"),
    [("vi", "13.474", "69,62", "01/07/2025"), ("en", "13,474", "69.62", "01/07/2025")],
)
def test_numbers_and_dates_formatted_per_language(settings, language, count, rate, day):
    with translation.override(language):
        assert formats.localize(13474, use_l10n=True) == count
        assert formats.localize(Decimal("69.62"), use_l10n=True) == rate
        assert formats.date_format(date(2025, 7, 1), "SHORT_DATE_FORMAT") == day
