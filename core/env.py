"""Typed readers for environment variables.

Every reader raises ``ImproperlyConfigured`` naming the variable and the bad value, so a
misconfigured deployment fails at start-up with a message a newcomer can act on.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import date

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    """Read settings from a mapping (``os.environ`` by default)."""

    def __init__(self, source: Mapping[str, str] | None = None):
        self.source = os.environ if source is None else source

    def _raw(self, name: str) -> str | None:
        value = self.source.get(name)
        return None if value is None else value.strip()

    def str(self, name: str, default: str | None = None, *, required: bool = False) -> str:
        value = self._raw(name)
        if value is None or value == "":
            if required:
                raise ImproperlyConfigured(f"{name} must be set (see .env.example).")
            return default  # type: ignore[return-value]
        return value

    def bool(self, name: str, default: bool = False) -> bool:
        value = self._raw(name)
        if value is None:
            return default
        lowered = value.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a boolean; use one of 1/0, true/false, yes/no, on/off."
        )

    def int(self, name: str, default: int, *, minimum: int | None = None) -> int:
        value = self._raw(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
        if minimum is not None and number < minimum:
            raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
        return number

    def list(self, name: str, default: list[str] | None = None) -> list[str]:
        value = self._raw(name)
        if value is None:
            return list(default or [])
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(self, name: str, choices: list[str], default: str) -> str:
        value = self.str(name, default)
        if value not in choices:
            raise ImproperlyConfigured(f"{name}={value!r} must be one of: {', '.join(choices)}.")
        return value

    def rate(self, name: str, default: str) -> str:
        """A throttle rate such as ``120/min`` (periods: s, sec, m, min, h, hour, d, day)."""
        value = self.str(name, default)
        number, _, period = value.partition("/")
        if not number.isdigit() or period not in {"s", "sec", "m", "min", "h", "hour", "d", "day"}:
            raise ImproperlyConfigured(
                f"{name}={value!r} is not a rate like 120/min (periods: sec, min, hour, day)."
            )
        return value

    def date_range(self, name: str, default: str):
        """``YYYY-MM-DD:YYYY-MM-DD`` as a (start, end) pair of dates, or None when empty."""
        value = self.str(name, default)
        if not value:
            return None
        try:
            start, end = (date.fromisoformat(part.strip()) for part in value.split(":"))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name}={value!r} is not a period like 2025-07-01:2025-07-11."
            ) from None
        if end < start:
            raise ImproperlyConfigured(f"{name}={value!r} ends before it starts.")
        return start, end

    def database(self, name: str, default: str) -> dict:
        url = self.str(name, default)
        scheme = url.split(":", 1)[0]
        if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
            raise ImproperlyConfigured(
                f"{name} must be a sqlite:/// or postgres:// URL, got scheme {scheme!r}."
            )
        try:
            config = dj_database_url.parse(url, conn_max_age=0)
        except Exception as exc:  # dj-database-url raises several types for malformed URLs
            raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
        if config["ENGINE"].endswith("postgresql") and not config.get("NAME"):
            raise ImproperlyConfigured(f"{name} must name a database (postgres://host/NAME).")
        return config

    def redis_url(self, name: str) -> str | None:
        url = self.str(name, "")
        if not url:
            return None
        if not url.startswith(("redis://", "rediss://", "unix://")):
            raise ImproperlyConfigured(
                f"{name} must start with redis://, rediss:// or unix://, got {url!r}."
            )
        return url
