"""``manage.py payment_gateway_simulator --port P [--secret S] [--merchant M]``: a stand-in of
the payment gateway on 127.0.0.1, speaking the protocol of ``payments.gateway``.

- ``GET /pay?<checkout fields>&signature=…`` checks the merchant and the signature (400
  otherwise) and shows the amount with a "Pay" button (a form, ``POST /pay``).
- ``POST /pay`` (the same fields, signed) "pays": a new transaction reference ``SIM-…``, then
  the signed callback is POSTed to ``callback_url``; the citizen is sent back (303) to
  ``return_url`` once the portal answered.
- ``GET /transactions`` lists every callback sent (body, signature, the portal's status and
  answer), in order: a test replays one, or forges one, from there.

Nothing is stored: a restart forgets the transactions (the portal keeps its own).
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import urllib.error
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand

from payments.gateway import CHECKOUT_FIELDS, SIGNATURE_HEADER, canonical, sign


class Gateway:
    def __init__(self, *, secret: str, merchant: str):
        self.secret = secret
        self.merchant = merchant
        self.lock = threading.Lock()
        self.transactions: list[dict] = []

    def valid(self, fields: dict) -> bool:
        if fields.get("merchant") != self.merchant:
            return False
        signed = {name: fields.get(name, "") for name in CHECKOUT_FIELDS}
        expected = sign(canonical(signed), self.secret)
        return secrets.compare_digest(expected, fields.get("signature", ""))

    def pay(self, fields: dict) -> dict:
        """A new transaction for ``fields``; its callback is sent to the portal."""
        reference = f"SIM-{datetime.now(UTC):%Y%m%d%H%M%S}-{secrets.token_hex(4).upper()}"
        body = json.dumps(
            {
                "merchant": self.merchant,
                "order": fields["order"],
                "transaction": reference,
                "amount": int(fields["amount"]),
                "status": "paid",
                "paid_at": datetime.now(UTC).isoformat(),
            }
        ).encode()
        signature = sign(body, self.secret)
        status, answer = post(fields["callback_url"], body, signature)
        entry = {
            "transaction": reference,
            "order": fields["order"],
            "callback_url": fields["callback_url"],
            "body": body.decode(),
            "signature": signature,
            "status": status,
            "answer": answer,
        }
        with self.lock:
            self.transactions.append(entry)
        return entry


def post(url: str, body: bytes, signature: str) -> tuple[int, str]:
    request = urllib.request.Request(  # noqa: S310 - the portal's callback URL
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature},
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError as error:
        return 0, str(error)


PAGE = """<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>Cổng thanh toán (mô phỏng)</title></head><body>
<h1>Cổng thanh toán (mô phỏng) · Payment gateway (stand-in)</h1>
<p>Đơn vị chấp nhận thanh toán: <b>{merchant}</b></p>
<p>Nội dung: {description}</p>
<p>Số tiền: <b data-testid="gateway-amount">{amount} đồng</b></p>
<form method="post" action="/pay">{hidden}
<button type="submit" data-testid="gateway-pay">Thanh toán · Pay</button></form>
</body></html>"""


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass

    def answer(self, status: int, body: str, content_type="text/html; charset=utf-8", **headers):
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 - the stdlib's name
        gateway = self.server.gateway
        parts = urlsplit(self.path)
        if parts.path == "/transactions":
            with gateway.lock:
                listing = json.dumps(gateway.transactions)
            return self.answer(200, listing, "application/json")
        if parts.path != "/pay":
            return self.answer(404, "not found")
        fields = dict(parse_qsl(parts.query))
        if not gateway.valid(fields):
            return self.answer(400, "bad signature or merchant")
        hidden = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(fields.get(name, ""))}">'
            for name in (*CHECKOUT_FIELDS, "signature")
        )
        page = PAGE.format(
            merchant=html.escape(gateway.merchant),
            description=html.escape(fields.get("description", "")),
            amount=html.escape(fields.get("amount", "")),
            hidden=hidden,
        )
        return self.answer(200, page)

    def do_POST(self):  # noqa: N802
        gateway = self.server.gateway
        if urlsplit(self.path).path != "/pay":
            return self.answer(404, "not found")
        length = int(self.headers.get("Content-Length") or 0)
        fields = dict(parse_qsl(self.rfile.read(length).decode()))
        if not gateway.valid(fields):
            return self.answer(400, "bad signature or merchant")
        entry = gateway.pay(fields)
        if entry["status"] != 200:
            return self.answer(502, f"the portal answered {entry['status']}: {entry['answer']}")
        return self.answer(303, "", Location=fields["return_url"])


class Command(BaseCommand):
    help = "A stand-in of the payment gateway (checkout page and signed callback) on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8070)
        parser.add_argument("--secret", default=None, help="default: PAYMENT_GATEWAY_SECRET")
        parser.add_argument("--merchant", default=None, help="default: PAYMENT_MERCHANT_CODE")

    def handle(self, *args, **options):
        secret = (
            options["secret"] if options["secret"] is not None else settings.PAYMENT_GATEWAY_SECRET
        )
        merchant = options["merchant"] or settings.PAYMENT_MERCHANT_CODE
        server = ThreadingHTTPServer(("127.0.0.1", options["port"]), Handler)
        server.gateway = Gateway(secret=secret, merchant=merchant)
        server.daemon_threads = True
        self.stdout.write(
            f"Payment gateway simulator on http://127.0.0.1:{options['port']}/pay "
            f"(merchant {merchant})"
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
