"""The notifications' configuration: the embedded default needs nothing (files), production
defaults to SMTP and the HTTP gateway, a bad gateway URL stops start-up, and the workers of
every start-up path consume the ``notify`` queue."""

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "portal.hue.gov.vn"}


def notify_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    clean.update(env)
    code = (
        "import json, hue_admin.settings as s;"
        "print(json.dumps([s.EMAIL_BACKEND, s.NOTIFY_SMS_BACKEND, s.NOTIFY_ZALO_BACKEND,"
        " s.NOTIFY_SMS_URL, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS]))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_the_embedded_default_writes_files():
    result = notify_settings()
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "django.core.mail.backends.filebased.EmailBackend",
        "file",
        "file",
        "",
        "localhost",
        25,
        False,
    ]


def test_production_sends_through_smtp_and_the_gateway():
    result = notify_settings(
        **PRODUCTION,
        EMAIL_HOST="smtp.hue.gov.vn",
        EMAIL_PORT="587",
        EMAIL_USE_TLS="1",
        NOTIFY_SMS_URL="https://sms.example.vn/send",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "django.core.mail.backends.smtp.EmailBackend",
        "http",
        "http",
        "https://sms.example.vn/send",
        "smtp.hue.gov.vn",
        587,
        True,
    ]


def test_a_bad_gateway_setting_stops_start_up():
    result = notify_settings(NOTIFY_ZALO_URL="ftp://zalo")
    assert result.returncode != 0 and "NOTIFY_ZALO_URL" in result.stderr
    result = notify_settings(NOTIFY_SMS_BACKEND="pigeon")
    assert result.returncode != 0 and "NOTIFY_SMS_BACKEND" in result.stderr


def test_the_tasks_have_their_queue_and_the_sweep_its_schedule():
    assert settings.CELERY_TASK_ROUTES["notify.*"] == {"queue": "notify"}
    assert settings.CELERY_BEAT_SCHEDULE["notify-sweep"]["task"] == "notify.sweep"


def test_every_worker_consumes_the_notify_queue():
    makefile = (ROOT / "Makefile").read_text()
    assert "worker -Q celery,dvcqg,notify" in makefile
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    command = compose["services"]["worker"]["command"]
    assert "notify" in command[command.index("-Q") + 1].split(",")
