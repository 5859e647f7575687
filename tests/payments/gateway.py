"""Starting the payment gateway's stand-in (``manage.py payment_gateway_simulator``) as a real
process on loopback, pointing the portal at it, and reading the callbacks it sent."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

from core import processes

SECRET = "gateway-secret-0123456789"
MERCHANT = "HUE-TEST"


def start_gateway(tmp_path: Path) -> processes.Child:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hue_admin.settings", "PYTHONUNBUFFERED": "1"}
    return processes.start_payment_gateway(
        env,
        tmp_path / "gateway.out",
        port=processes.free_port(),
        args=["--secret", SECRET, "--merchant", MERCHANT],
    )


def point_portal_at(settings, child: processes.Child, base_url: str) -> None:
    settings.PAYMENT_GATEWAY_URL = f"{child.url}/pay"
    settings.PAYMENT_GATEWAY_SECRET = SECRET
    settings.PAYMENT_MERCHANT_CODE = MERCHANT
    settings.PUBLIC_BASE_URL = base_url
    settings.PAYMENT_CALLBACK_URL = ""


def transactions(child: processes.Child) -> list[dict]:
    with urllib.request.urlopen(f"{child.url}/transactions", timeout=5) as response:  # noqa: S310
        return json.loads(response.read())
