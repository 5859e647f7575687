"""The Celery application. Tasks live in each app's tasks.py and call its services."""

import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hue_admin.settings")

app = Celery("hue_admin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["records.stats"])

# Times are in CELERY_TIMEZONE (Asia/Ho_Chi_Minh).
app.conf.beat_schedule = {
    "stats-nightly": {
        "task": "stats.recompute_yesterday",
        "schedule": crontab(hour=1, minute=0),
        "options": {"expires": 6 * 3600},
    },
    # Recomputes still owed: queued while Redis was down, or lost with a killed worker.
    "stats-sweep": {
        "task": "stats.recompute_noted",
        "schedule": float(settings.STATS_SWEEP_SECONDS),
        "options": {"expires": 3600},
    },
}
