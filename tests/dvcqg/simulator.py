"""Starting the national-portal simulator (``manage.py dvcqg_simulator``) as a real process on
loopback, and reading what it received."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path

from core import processes

TOKEN = "sim-token-0123456789"


def start_simulator(
    tmp_path: Path, *, port: int | None = None, extra=(), env: dict | None = None
) -> processes.Child:
    """The simulator on ``port`` (a free one by default), its log in ``tmp_path``; returns
    once it accepts connections. ``env``: the environment (``processes.portal_env``) when it
    must read the test database (``--post`` reads the reference rows)."""
    env = {
        **(env or os.environ),
        "DJANGO_SETTINGS_MODULE": "hue_admin.settings",
        "PYTHONUNBUFFERED": "1",
    }
    args = ["--log", str(tmp_path / "received.jsonl"), "--token", TOKEN, *extra]
    return processes.start_simulator(
        env, tmp_path / "simulator.out", port=port or processes.free_port(), args=args
    )


def received(child: processes.Child) -> list[dict]:
    with urllib.request.urlopen(f"{child.url}/received", timeout=5) as response:  # noqa: S310
        return json.loads(response.read())


def push_settings(settings, child: processes.Child, **extra) -> None:
    """Point the portal's delivery at the simulator (in this process)."""
    settings.DVCQG_PUSH_URL = f"{child.url}/status"
    settings.DVCQG_PUSH_TOKEN = TOKEN
    settings.DVCQG_PUSH_TIMEOUT = 5
    settings.DVCQG_RETRY_BASE_SECONDS = 0
    for name, value in extra.items():
        setattr(settings, name, value)
