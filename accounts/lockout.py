"""Login lockout (django-axes): how failures count (per user, and per address with a higher
limit), the client address it counts by, and the answer a locked-out login gets — the lockout
page in the browser, the API's error format under ``/api/``."""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException

LOCKOUT_STATUS = status.HTTP_429_TOO_MANY_REQUESTS


class PortalAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler with two limits: ``LOGIN_FAILURE_LIMIT`` failures for one
    username (from anywhere), ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures from one address (for
    any usernames). An office's clerks share one public address, so its limit is higher.

    Axes compares one number with one limit (``AXES_FAILURE_LIMIT``, the user's): the address
    count is scaled to it, so it reaches that limit exactly at the address limit."""

    def get_failures(self, request, credentials=None) -> int:
        counts = [
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        if len(counts) != 2:  # not the ["username", "ip_address"] parameters of the settings
            return max(counts, default=0)
        by_user, by_address = counts
        scaled = by_address * settings.AXES_FAILURE_LIMIT // settings.LOGIN_ADDRESS_FAILURE_LIMIT
        return max(by_user, scaled)


def client_address(request: HttpRequest) -> str | None:
    """The socket peer; behind ``TRUSTED_PROXY_COUNT`` proxies, the address the outermost one
    saw (the n-th entry from the right of X-Forwarded-For, which proxies append to)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    return _(
        "Too many failed logins for this account or from this address. Try again in "
        "%(minutes)s minutes, or ask an administrator to unlock it."
    ) % {"minutes": lockout_minutes()}


class LockedOut(APIException):
    status_code = LOCKOUT_STATUS
    default_code = "locked_out"

    def __init__(self):
        super().__init__(lockout_message())


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: 429 with the lockout page (the portal's 429 page), or
    ``{"detail": ...}`` for the API."""
    retry_after = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": lockout_message()}, status=LOCKOUT_STATUS)
    else:
        response = render(
            request,
            "429.html",
            {"login_locked": True, "message": lockout_message()},
            status=LOCKOUT_STATUS,
        )
    response["Retry-After"] = retry_after
    return response
