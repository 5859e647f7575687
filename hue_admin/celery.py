"""The Celery application. Tasks live in each app's tasks.py and call its services."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hue_admin.settings")

app = Celery("hue_admin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["stats", "dvcqg"])
# The beat schedule is CELERY_BEAT_SCHEDULE in the settings.
