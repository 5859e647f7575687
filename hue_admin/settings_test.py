"""Test override: only what makes the suite faster. Database and broker still come from the
environment, so `make test` runs on PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set."""

import os
import tempfile
from pathlib import Path

from hue_admin.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Serve static files from the app folders (live_server in browser tests), no collectstatic.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Per-test isolation of API throttling counters, whatever REDIS_URL says.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# SMS and Zalo on the file backend write here, not into the project (e-mail goes to
# pytest-django's locmem outbox).
NOTIFY_FILE_DIR = Path(tempfile.gettempdir()) / f"hue-notify-tests-{os.getpid()}"
