"""The citizen's "Pay online" (a redirect to the gateway's checkout) and the gateway's signed
callback, which records the payment through the records' service. Thin: the protocol is
``payments.gateway``'s, the rules ``records.services.record_paid_online``'s."""

from __future__ import annotations

import logging
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from core.errors import DomainError
from payments import gateway
from records.public import status_url
from records.selectors import payable_request
from records.services import record_paid_online

logger = logging.getLogger(__name__)


def callback_url() -> str:
    """``PAYMENT_CALLBACK_URL``, or the portal's public address + the callback's path."""
    path = reverse("payments:callback")
    return settings.PAYMENT_CALLBACK_URL or settings.PUBLIC_BASE_URL.rstrip("/") + path


@require_GET
def pay(request, public_id: uuid.UUID):
    """Send the citizen to the gateway to pay the open request ``public_id`` (no login: the
    link is on the record's public status page; the id is opaque and only allows paying)."""
    payment_request = payable_request(public_id)
    if payment_request is None:
        return render(request, "payments/unavailable.html", {"reason": "closed"}, status=404)
    if not gateway.enabled():
        return render(request, "payments/unavailable.html", {"reason": "off"}, status=503)
    url = gateway.checkout_url(
        order=str(payment_request.public_id),
        amount=payment_request.amount,
        description=payment_request.purpose,
        return_url=status_url(payment_request.record),
        callback_url=callback_url(),
    )
    return HttpResponseRedirect(url)


@csrf_exempt  # the gateway's server calls it; its HMAC signature is the authentication
@require_POST
def callback(request):
    """The gateway's confirmation: 400 and nothing changes when it is not the gateway's (bad
    signature, merchant, body) or does not match the request; 200 when recorded, and again
    200 (nothing recorded twice) when this transaction was already recorded; 409 when the
    request is no longer open."""
    try:
        confirmation = gateway.parse_callback(
            request.body, request.headers.get(gateway.SIGNATURE_HEADER, "")
        )
    except gateway.BadCallback as exc:
        logger.warning("Payment callback refused: %s", exc)
        return JsonResponse({"result": "refused", "reason": str(exc)}, status=400)
    try:
        order = uuid.UUID(confirmation.order)
        payment, created = record_paid_online(
            request_id=order, reference=confirmation.transaction, amount=confirmation.amount
        )
    except ValueError:
        return JsonResponse({"result": "refused", "reason": "bad order"}, status=400)
    except ValidationError as exc:
        logger.warning("Payment callback for %s refused: %s", confirmation.order, exc.messages)
        return JsonResponse({"result": "refused", "reason": "; ".join(exc.messages)}, status=400)
    except DomainError as exc:
        logger.warning("Payment callback for %s in conflict", confirmation.order)
        return JsonResponse({"result": "conflict", "reason": str(exc.message)}, status=409)
    logger.info(
        "Payment callback for %s, transaction %s: %s",
        confirmation.order,
        confirmation.transaction,
        "recorded" if created else "already recorded",
    )
    return JsonResponse(
        {
            "result": "recorded" if created else "already_recorded",
            "receipt_no": payment.receipt_no,
        }
    )
