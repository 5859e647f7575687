"""The HTTP adapter to the national portal's status endpoint: the only code that speaks to it.

``push(message)`` POSTs the message's JSON payload to ``DVCQG_PUSH_URL`` with the bearer token
``DVCQG_PUSH_TOKEN`` and the header ``Idempotency-Key: <message key>``, within
``DVCQG_PUSH_TIMEOUT`` seconds. A 2xx answer is a delivery; anything else (another status, a
refused connection, a timeout) raises ``DeliveryError`` with a short reason. Replace this
module's body when the real endpoint's shape is known."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings


class DeliveryError(Exception):
    """The portal did not take the message; ``str()`` is the reason kept as ``last_error``."""


def delivery_enabled() -> bool:
    """Delivery is off while ``DVCQG_PUSH_URL`` is empty: messages are written and stay
    pending."""
    return bool(settings.DVCQG_PUSH_URL)


def push(*, key: str, payload: dict) -> int:
    """Send one message; returns the HTTP status (2xx) or raises ``DeliveryError``."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
        settings.DVCQG_PUSH_URL,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {settings.DVCQG_PUSH_TOKEN}",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310
            request, timeout=settings.DVCQG_PUSH_TIMEOUT
        ) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"HTTP {error.code}") from None
    except TimeoutError:
        raise DeliveryError("timeout") from None
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, TimeoutError):
            raise DeliveryError("timeout") from None
        raise DeliveryError(f"connection failed: {reason}") from None
    except OSError as error:
        raise DeliveryError(f"connection failed: {error}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"HTTP {status}")
    return status
