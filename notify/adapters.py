"""The only code that speaks to the providers: e-mail through Django's e-mail backend
(``EMAIL_*`` settings), SMS and Zalo through the backend chosen by ``NOTIFY_SMS_BACKEND`` /
``NOTIFY_ZALO_BACKEND``:

- ``http``: the provider's HTTP gateway, ``POST <NOTIFY_<CH>_URL>`` with JSON
  ``{"channel", "to", "text", "key"}``, ``Authorization: Bearer <NOTIFY_<CH>_TOKEN>`` and
  ``Idempotency-Key: <key>`` (a repeat after a lost answer is the gateway's to drop), within
  ``NOTIFY_<CH>_TIMEOUT`` seconds; a 2xx answer is a delivery. An empty URL turns the channel
  off: its messages wait, pending.
- ``file`` (the embedded default): one JSON line per message in ``NOTIFY_FILE_DIR/<ch>.jsonl``.
- ``console``: the message on standard output, the recipient masked.

Every failure is a ``SendError`` whose text is kept as the notification's ``last_error``: a
status code or the kind of error, never the recipient or the text."""

from __future__ import annotations

import json
import smtplib
import sys
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone

from notify.models import NotifyChannel
from records.validation import mask_phone

LOCAL_BACKENDS = frozenset({"file", "console"})


class SendError(Exception):
    """The provider did not take the message; ``str()`` is the reason kept."""


def _gateway(channel: str) -> dict:
    prefix = f"NOTIFY_{channel.upper()}_"
    return {
        "backend": getattr(settings, prefix + "BACKEND"),
        "url": getattr(settings, prefix + "URL"),
        "token": getattr(settings, prefix + "TOKEN"),
        "timeout": getattr(settings, prefix + "TIMEOUT"),
    }


def is_local(channel: str) -> bool:
    """Whether ``channel`` only writes on this machine (file or console): cheap enough to run
    right after the change when there is no broker."""
    if channel == NotifyChannel.EMAIL:
        backend = settings.EMAIL_BACKEND
        return not backend.endswith("smtp.EmailBackend")
    return _gateway(channel)["backend"] in LOCAL_BACKENDS


def enabled(channel: str) -> bool:
    """An HTTP gateway without a URL is off: its messages stay pending until it is set."""
    if channel == NotifyChannel.EMAIL:
        return True
    gateway = _gateway(channel)
    return gateway["backend"] != "http" or bool(gateway["url"])


def send(*, channel: str, to: str, subject: str, body: str, key: str) -> None:
    """Send one message; raises ``SendError``."""
    if channel == NotifyChannel.EMAIL:
        _send_email(to=to, subject=subject, body=body, key=key)
        return
    gateway = _gateway(channel)
    message = {"channel": channel, "to": to, "text": body, "key": key}
    if gateway["backend"] == "http":
        _post(gateway, message)
    elif gateway["backend"] == "file":
        _append(channel, message)
    else:
        print(  # noqa: T201 - the console backend
            f"[{channel} {key}] to {mask_phone(to)}: {body}", file=sys.stdout, flush=True
        )


def _send_email(*, to: str, subject: str, body: str, key: str) -> None:
    email = EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"X-Notification-Key": key},
        connection=get_connection(timeout=settings.EMAIL_TIMEOUT),
    )
    try:
        email.send(fail_silently=False)
    except smtplib.SMTPResponseException as error:
        raise SendError(f"SMTP {error.smtp_code}") from None
    except smtplib.SMTPRecipientsRefused:
        raise SendError("SMTP recipient refused") from None
    except (smtplib.SMTPException, OSError) as error:
        raise SendError(f"SMTP {type(error).__name__}") from None


def _post(gateway: dict, message: dict) -> None:
    if not gateway["url"]:
        raise SendError("gateway URL not set")
    request = urllib.request.Request(  # noqa: S310 - the URL is the operator's setting
        gateway["url"],
        data=json.dumps(message, ensure_ascii=False).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Authorization": f"Bearer {gateway['token']}",
            "Idempotency-Key": message["key"],
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=gateway["timeout"]) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        raise SendError(f"HTTP {error.code}") from None
    except TimeoutError:
        raise SendError("timeout") from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise SendError("timeout") from None
        raise SendError(f"connection failed: {type(error.reason).__name__}") from None
    except OSError as error:
        raise SendError(f"connection failed: {type(error).__name__}") from None
    if not 200 <= status < 300:
        raise SendError(f"HTTP {status}")


def _append(channel: str, message: dict) -> None:
    folder = Path(settings.NOTIFY_FILE_DIR)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps({**message, "at": timezone.now().isoformat()}, ensure_ascii=False)
        with (folder / f"{channel}.jsonl").open("a", encoding="utf-8") as output:
            output.write(line + "\n")
    except OSError as error:
        raise SendError(f"file: {type(error).__name__}") from None
