"""Local stand-ins for the providers, on loopback, in threads of the test process: a real
SMTP server (aiosmtpd) and an HTTP receiver playing the SMS/Zalo gateway (http.server), which
can answer 503 or be stopped and started again on the same port."""

from __future__ import annotations

import email
import email.policy
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller

from core.processes import free_port


@dataclass
class Mail:
    to: list[str]
    subject: str
    body: str
    key: str


class _Collector:
    def __init__(self):
        self.messages: list[Mail] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(
                Mail(
                    to=list(envelope.rcpt_tos),
                    subject=str(message["Subject"]),
                    body=message.get_body().get_content(),
                    key=str(message["X-Notification-Key"]),
                )
            )
        return "250 Message accepted"


class SmtpServer:
    """A real SMTP server on 127.0.0.1 collecting what it receives."""

    def __init__(self):
        self.port = free_port()
        self.collector = _Collector()
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    @property
    def messages(self) -> list[Mail]:
        with self.collector.lock:
            return list(self.collector.messages)


@dataclass
class Gateway:
    """The SMS/Zalo gateway: ``POST /sms`` and ``POST /zalo`` with JSON and a bearer token.
    ``status`` is what it answers (200, or 503 to play a provider in trouble); every request
    is kept in ``requests`` and the accepted ones in ``accepted``."""

    token: str = "gw-token"
    status: int = 200
    port: int = field(default_factory=free_port)
    requests: list[dict] = field(default_factory=list)
    accepted: list[dict] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    def url(self, channel: str) -> str:
        return f"http://127.0.0.1:{self.port}/{channel}"

    def start(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                row = {
                    "path": self.path,
                    "key": self.headers.get("Idempotency-Key"),
                    "auth": self.headers.get("Authorization"),
                    **body,
                }
                gateway.requests.append(row)
                status = gateway.status
                if self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    status = 401
                if status == 200:
                    gateway.accepted.append(row)
                payload = json.dumps({"ok": status == 200}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):  # quiet: the test reads the rows
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def accepted_keys(self, channel: str) -> list[str]:
        return [row["key"] for row in list(self.accepted) if row["path"] == f"/{channel}"]
