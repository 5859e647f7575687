"""``manage.py dvcqg_simulator --port P --log FILE [--token T] [--fail-first N] [--status 503]
[--fail-while-exists FLAG] [--delay S]``: a stand-in of the national portal on 127.0.0.1.

- ``POST /status`` is the push endpoint: checks ``Authorization: Bearer <token>`` (401
  otherwise), needs an ``Idempotency-Key`` (400 otherwise), and records the message as one
  JSON line in ``--log`` — a key already recorded is answered 200 again but not recorded twice.
  It fails on purpose with ``--status`` (default 503) for the first ``--fail-first`` requests,
  and for as long as the ``--fail-while-exists`` file exists; ``--delay`` seconds before each
  answer plays a slow portal (the client's timeout).
- ``GET /received`` returns the recorded messages (a JSON list, in arrival order).
- With ``--post N --api URL --api-token T``, it also plays the connector: a thread posts N
  online submissions to ``URL/api/v1/dvcqg/submissions/`` (``dvcqg.simulated_submissions``:
  realistic procedures, units by population, times of day, incomplete dossiers, with
  ``--repeat-share`` exact repeats and ``--invalid-share`` invalid bodies; ``--seed``,
  ``--threads``, ``--units``), prints a summary line when done, and ``GET /posted`` returns
  the summary and every answer (kind, national number, HTTP status, public_id).

The log survives restarts: a simulator started again on the same log knows the keys already
received.

"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dvcqg.simulated_submissions import Outcome, Poster, Reference, build_plan


class Portal:
    """The simulator's state, shared by the request threads."""

    def __init__(self, *, log: Path, token: str, fail_first: int, status: int, flag, delay):
        self.log = log
        self.token = token
        self.fail_left = fail_first
        self.status = status
        self.flag = Path(flag) if flag else None
        self.delay = delay
        self.lock = threading.Lock()
        self.received: list[dict] = []
        if log.exists():
            for line in log.read_text().splitlines():
                if line.strip():
                    self.received.append(json.loads(line))
        self.keys = {entry["key"] for entry in self.received}

    def should_fail(self) -> bool:
        with self.lock:
            if self.fail_left > 0:
                self.fail_left -= 1
                return True
        return bool(self.flag and self.flag.exists())

    def record(self, key: str, message: dict) -> bool:
        """Record a message once per key; False for a repeat."""
        with self.lock:
            if key in self.keys:
                return False
            entry = {"key": key, "received_at": time.time(), "message": message}
            with self.log.open("a") as output:
                output.write(json.dumps(entry, ensure_ascii=False) + "\n")
            self.keys.add(key)
            self.received.append(entry)
            return True


class Handler(BaseHTTPRequestHandler):
    """``POST /status`` and ``GET /received``; the state is ``self.server.portal``."""

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass

    def answer(self, status: int, body) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802 - the stdlib's name
        portal = self.server.portal
        path = self.path.split("?")[0]
        if path == "/posted":
            return self.answer(200, posted(self.server.outcome))
        if path != "/received":
            return self.answer(404, {"detail": "not found"})
        with portal.lock:
            received = list(portal.received)
        return self.answer(200, received)

    def refusal(self, portal: Portal, body: bytes):
        """(status, detail) when the push is refused (or fails on purpose), else None."""
        if self.path.split("?")[0] != "/status":
            return 404, "not found"
        if self.headers.get("Authorization") != f"Bearer {portal.token}":
            return 401, "bad token"
        if portal.should_fail():
            return portal.status, "simulated failure"
        if not self.headers.get("Idempotency-Key", "").strip():
            return 400, "Idempotency-Key is required"
        try:
            json.loads(body or b"{}")
        except ValueError:
            return 400, "not JSON"
        return None

    def do_POST(self):  # noqa: N802
        portal = self.server.portal
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if portal.delay:
            time.sleep(portal.delay)
        refused = self.refusal(portal, body)
        if refused:
            return self.answer(refused[0], {"detail": refused[1]})
        key = self.headers["Idempotency-Key"].strip()
        new = portal.record(key, json.loads(body or b"{}"))
        return self.answer(200, {"key": key, "recorded": new})


def posted(outcome: Outcome | None) -> dict:
    """``GET /posted``: the posting's summary and its answers (no applicant data)."""
    if outcome is None:
        return {"summary": None, "results": []}
    with outcome.lock:
        results = [
            {
                "kind": r["kind"],
                "national_dossier_no": r["national_dossier_no"],
                "status": r["status"],
                "public_id": r["answer"].get("public_id")
                if isinstance(r["answer"], dict)
                else None,
                "answer": r["answer"] if r["status"] >= 400 else None,
                "seconds": round(r["seconds"], 4),
            }
            for r in outcome.results
        ]
    return {"summary": outcome.summary(), "results": results}


class Command(BaseCommand):
    help = (
        "Play the national portal on 127.0.0.1: receive status pushes (POST /status) and, with "
        "--post N, post online submissions to the inbound API."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, required=True)
        parser.add_argument("--log", default="dvcqg-received.jsonl", help="JSON-lines file")
        parser.add_argument("--token", default=None, help="default: DVCQG_PUSH_TOKEN")
        parser.add_argument("--fail-first", type=int, default=0, metavar="N")
        parser.add_argument("--status", type=int, default=503, help="status of a failure")
        parser.add_argument("--fail-while-exists", default=None, metavar="FLAG")
        parser.add_argument("--delay", type=float, default=0.0, help="seconds per answer")
        parser.add_argument("--post", type=int, default=0, metavar="N", help="submissions to post")
        parser.add_argument("--api", default="http://127.0.0.1:8000", help="the portal's base URL")
        parser.add_argument("--api-token", default="", help="the integration account's token")
        parser.add_argument("--threads", type=int, default=2, help="connector connections")
        parser.add_argument("--repeat-share", type=float, default=0.05)
        parser.add_argument("--invalid-share", type=float, default=0.05)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--units", default="", help="unit codes, comma-separated (all)")

    def handle(self, *args, **options):
        portal = Portal(
            log=Path(options["log"]),
            token=options["token"] if options["token"] is not None else settings.DVCQG_PUSH_TOKEN,
            fail_first=options["fail_first"],
            status=options["status"],
            flag=options["fail_while_exists"],
            delay=options["delay"],
        )
        server = ThreadingHTTPServer(("127.0.0.1", options["port"]), Handler)
        server.portal = portal
        server.outcome = None
        server.daemon_threads = True
        self.stdout.write(
            f"National portal simulator on http://127.0.0.1:{options['port']}/status "
            f"(log {portal.log}, {len(portal.keys)} messages already received)"
        )
        self.stdout.flush()
        if options["post"]:
            server.outcome = self.start_posting(options)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()

    def start_posting(self, options) -> Outcome:
        """Build the plan here (it reads the reference rows), post it from a thread."""
        if not options["api_token"]:
            raise CommandError("--post needs --api-token (the integration account's token).")
        units = [code for code in options["units"].split(",") if code.strip()]
        plan = build_plan(
            Reference.from_database(units or None),
            options["post"],
            repeat_share=options["repeat_share"],
            invalid_share=options["invalid_share"],
            seed=options["seed"],
        )
        poster = Poster(options["api"], options["api_token"], threads=options["threads"])
        outcome = Outcome()

        def post():
            poster.run(plan, outcome)
            self.stdout.write(f"Posted: {json.dumps(outcome.summary(), ensure_ascii=False)}")
            self.stdout.flush()

        threading.Thread(target=post, daemon=True).start()
        return outcome
