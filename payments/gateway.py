"""The adapter to the payment gateway: the only code that knows its protocol.

- **Checkout**: the citizen's browser is sent to ``PAYMENT_GATEWAY_URL`` with the query
  ``merchant``, ``order`` (the payment request's public id), ``amount`` (đồng), ``description``,
  ``return_url`` (the record's status link), ``callback_url`` and ``signature``: the hex
  HMAC-SHA256, keyed with ``PAYMENT_GATEWAY_SECRET``, of those fields as ``name=value`` joined
  by ``&`` in name order.
- **Callback**: the gateway POSTs JSON ``{"merchant", "order", "transaction", "amount",
  "status": "paid", "paid_at"}`` to the callback URL with the header ``X-Signature``: the hex
  HMAC-SHA256 of the raw body with the same secret.

Replace this module's body with the national payment platform's protocol when it is known;
the views and the service do not change."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.utils.dateparse import parse_datetime

SIGNATURE_HEADER = "X-Signature"
CHECKOUT_FIELDS = ("amount", "callback_url", "description", "merchant", "order", "return_url")


class BadCallback(Exception):
    """A callback that is not the gateway's: bad signature, merchant or body."""


def enabled() -> bool:
    return bool(settings.PAYMENT_GATEWAY_URL and settings.PAYMENT_GATEWAY_SECRET)


def sign(data: bytes, secret: str | None = None) -> str:
    key = (secret if secret is not None else settings.PAYMENT_GATEWAY_SECRET).encode()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def canonical(fields: dict) -> bytes:
    return "&".join(f"{name}={fields[name]}" for name in sorted(fields)).encode()


def checkout_url(*, order: str, amount: int, description: str, return_url: str, callback_url: str):
    """Where the citizen's browser goes to pay the request ``order``."""
    fields = {
        "merchant": settings.PAYMENT_MERCHANT_CODE,
        "order": order,
        "amount": str(amount),
        "description": description[:200],
        "return_url": return_url,
        "callback_url": callback_url,
    }
    fields["signature"] = sign(canonical(fields))
    separator = "&" if "?" in settings.PAYMENT_GATEWAY_URL else "?"
    return f"{settings.PAYMENT_GATEWAY_URL}{separator}{urlencode(fields)}"


@dataclass(frozen=True)
class Confirmation:
    order: str
    transaction: str
    amount: int
    paid_at: datetime | None


def parse_callback(body: bytes, signature: str) -> Confirmation:
    """The gateway's confirmation in ``body``, once its signature and merchant are checked."""
    if not signature or not hmac.compare_digest(sign(body), signature.strip().lower()):
        raise BadCallback("bad signature")
    try:
        payload = json.loads(body)
    except ValueError:
        raise BadCallback("not JSON") from None
    if not isinstance(payload, dict):
        raise BadCallback("not an object")
    if payload.get("merchant") != settings.PAYMENT_MERCHANT_CODE:
        raise BadCallback("another merchant")
    if payload.get("status") != "paid":
        raise BadCallback("not a payment")
    order, transaction, amount = (payload.get(k) for k in ("order", "transaction", "amount"))
    if not (isinstance(order, str) and isinstance(transaction, str) and transaction):
        raise BadCallback("order or transaction missing")
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise BadCallback("amount missing")
    paid_at = (
        parse_datetime(payload["paid_at"]) if isinstance(payload.get("paid_at"), str) else None
    )
    return Confirmation(order=order, transaction=transaction, amount=amount, paid_at=paid_at)
