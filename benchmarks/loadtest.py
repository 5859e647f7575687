"""Load test: gunicorn on PostgreSQL with a real Celery worker, N concurrent simulated clerks.

1. Drops and recreates its own database (``hue_loadtest``), migrates, loads the reference data,
   creates the clerks spread over the 40 units (the most populous units get several clerks, so
   the record-code sequence of a unit and day is contended) with API tokens written directly
   in the database; flushes its own Redis database.
2. Starts gunicorn (production settings: ``DEBUG=0``, plain HTTP on loopback) and one Celery
   worker on that database and Redis (``core.processes``); logs in a temporary folder.
3. Runs the clerks for ``--duration`` seconds: each is a thread with its own keep-alive HTTP
   connection that receives a record (``POST /api/v1/records/``), moves it through its
   lifecycle with the action endpoints (process, resolve, return at the counter; sometimes a
   supplement request, a fee, a stop after a withdrawal, or left open), and now and then lists
   or searches its unit's records and reads one. Every request's latency, status and kind is
   kept; any unexpected status or exception is an error.
4. Waits for the Celery queue to drain, then checks consistency: every code a clerk got back
   exists exactly once and nothing else exists, codes are gap-free per unit and day, each
   record's status and history match what its clerk saw, and the ``DailyStat`` rows the worker
   wrote equal a recount (``compute_daily_stats`` over the run's days, all units).
5. Prints the summary and writes it into docs/benchmarks.md (its own section, replaced on a
   re-run).

Usage: ``make loadtest [CLERKS=50] [DURATION=60] [WORKERS=4] [THREADS=1] [CELERY=2] [THINK=0]`` or
``.venv/bin/python benchmarks/loadtest.py --help``. Environment: ``LOADTEST_DATABASE_URL``
(default postgres://postgres@127.0.0.1:5432/hue_loadtest; its name must contain "loadtest":
the database is dropped at each run), ``LOADTEST_REDIS_URL`` (default
redis://127.0.0.1:6379/9; flushed at each run). The exit status is 0 only with no error and a
consistent database.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import platform
import random
import re
import select
import signal
import sys
import tempfile
import textwrap
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlparse

import reporting
from reporting import percentile, replace_section

if TYPE_CHECKING:
    from core.processes import Child

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# Nothing from the project is imported at module level: importing ``hue_admin`` loads the
# settings, which must see the load test's environment (see ``configure``).

DATABASE_URL = os.environ.get(
    "LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hue_loadtest"
)
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/9")
DOC = ROOT / "docs" / "benchmarks.md"


def doc_marks(think: float) -> tuple[str, str]:
    """The markers of the run's section in docs/benchmarks.md: one section for the saturated
    run (no think time) and one per think time, each replaced by its own reruns."""
    tag = f" think={think:g}" if think else ""
    return f"<!-- loadtest:start{tag} -->", f"<!-- loadtest:end{tag} -->"


KINDS = ("receive", "action", "list", "detail")
HOT_UNITS = 3  # the most populous units, which get the extra clerks
CODE = re.compile(r"^(?P<agency>.+)-(?P<day>\d{6})-(?P<number>\d{4,})$")

# --- Synthetic applicants -------------------------------------------------------------------

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Phan", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Xuân", "Thu"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Hải", "Hương", "Khánh", "Lan", "Long", "Mai"]
GIVEN += ["Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trung", "Tuấn", "Vy", "Yến"]
MOBILE = ["09", "03", "07", "08", "05"]
STREETS = ["Lê Lợi", "Hùng Vương", "Trần Hưng Đạo", "Nguyễn Huệ", "Điện Biên Phủ", "Lý Thường Kiệt"]


def applicant(rng: random.Random) -> dict:
    if rng.random() < 0.5:  # born 1940–1999: century digit 0 (men) or 1 (women)
        year_digits = f"{rng.randrange(2)}{rng.randrange(40, 100):02d}"
    else:  # born 2000–2007: 2 or 3
        year_digits = f"{rng.choice('23')}{rng.randrange(0, 8):02d}"
    province = "046" if rng.random() < 0.85 else rng.choice(["001", "038", "045", "048", "079"])
    return {
        "applicant_name": f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        "applicant_id_number": f"{province}{year_digits}{rng.randrange(10**6):06d}",
        "applicant_phone": f"{rng.choice(MOBILE)}{rng.randrange(10**8):08d}",
        "applicant_address": f"{rng.randrange(1, 300)} {rng.choice(STREETS)}",
    }


# The lives a received record goes through: (weight, [(action, body, expected status)]).
# Bodies get the record's current ``version`` added, so a concurrent change would be a 409.
SCENARIOS = [
    (
        55,
        [
            ("process", {"note": "Chuyển công chức chuyên môn"}, 4),
            ("resolve", {"e_result": False}, 9),
            ("return", {"method": "counter", "note": "Trả tại quầy"}, 10),
        ],
    ),
    (
        10,
        [
            ("process", {}, 4),
            ("request-supplement", {"reason": "Bổ sung bản sao giấy chứng sinh"}, 5),
            ("supplement", {"note": "Đã nhận bản sao"}, 4),
            ("resolve", {}, 9),
            ("return", {"method": "counter"}, 10),
        ],
    ),
    (
        6,
        [
            ("request-payment", {"amount": 50000}, 6),
            ("paid", {"online": True}, 4),
            ("resolve", {"e_result": True}, 9),
            ("return", {"method": "online"}, 10),
        ],
    ),
    (
        5,
        [
            ("process", {}, 4),
            ("withdraw", {"note": "Người nộp đề nghị rút hồ sơ"}, 7),
            ("stop", {"reason": "Người nộp rút hồ sơ"}, 8),
        ],
    ),
    (4, [("stop", {"reason": "Hồ sơ không đủ điều kiện giải quyết"}, 8)]),
    (8, [("resolve", {"e_result": True}, 9)]),  # result not collected yet
    (12, [("process", {}, 4)]),  # still being handled at the end of the day
]


# --- Clients ---------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    seconds: float
    status: int  # 0: no response (exception)


@dataclass
class Seen:
    """What a clerk knows about a record it received."""

    unit: str
    status: int
    version: int
    steps: int  # successful writes: the receipt and every action


@dataclass
class ClerkResult:
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    records: dict[str, Seen] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)
    reconnects: int = 0
    unknown_receipts: int = 0  # receipts whose answer never came: the record may exist


def connection_dropped(conn: http.client.HTTPConnection) -> bool:
    """True when the server closed the idle keep-alive connection (readable means EOF)."""
    if conn.sock is None:
        return False
    try:
        readable, _, _ = select.select([conn.sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class Clerk(threading.Thread):
    def __init__(self, index, *, port, token, unit, procedures, deadline, stop, think, seed):
        super().__init__(name=f"clerk-{index}", daemon=True)
        self.index = index
        self.port = port
        self.unit = unit
        self.procedures = procedures
        self.deadline = deadline
        self.stop_event = stop
        self.think = think
        self.rng = random.Random(f"{seed}-{index}")
        self.headers = {
            "Authorization": f"Token {token}",
            "Accept": "application/json",
            "Accept-Language": "en",
        }
        self.result = ClerkResult()
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    # One request, timed; returns the decoded body or None on an error.
    def call(self, kind: str, method: str, path: str, body=None, expect: int = 200):
        data = json.dumps(body).encode() if body is not None else None
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            if connection_dropped(self.conn):
                self.conn.close()
            reused = self.conn.sock is not None
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as exc:
                self.conn.close()
                if reused and attempt == 1:
                    # The server closed the idle keep-alive connection as we sent: it never
                    # read the request (gthread closes idle connections only), so resend once.
                    self.result.reconnects += 1
                    continue
                return self._failed(kind, method, path, started, exc)
            except (OSError, http.client.HTTPException) as exc:
                self.conn.close()
                return self._failed(kind, method, path, started, exc)
            seconds = time.perf_counter() - started
            self.result.samples.append(Sample(kind, seconds, response.status))
            if response.status != expect:
                self.result.errors.append(
                    f"{response.status} {method} {path}: {payload[:300].decode(errors='replace')}"
                )
                return None
            try:
                return json.loads(payload) if payload else {}
            except ValueError:
                self.result.errors.append(f"bad JSON {method} {path}")
                return None
        return None  # not reached

    def _failed(self, kind, method, path, started, exc):
        self.result.samples.append(Sample(kind, time.perf_counter() - started, 0))
        self.result.errors.append(f"{type(exc).__name__} {method} {path}: {exc}")
        if kind == "receive":
            self.result.unknown_receipts += 1
        return None

    def time_left(self) -> bool:
        return not self.stop_event.is_set() and time.monotonic() < self.deadline

    def pause(self) -> None:
        if self.think:
            time.sleep(self.rng.uniform(0, 2 * self.think))

    def run(self) -> None:
        try:
            if self.think:  # clerks do not all start in the same instant
                self.pause()
            while self.time_left():
                self.one_record()
        except Exception as exc:  # a bug of the client: count it, never hide it
            self.result.errors.append(f"client crashed: {type(exc).__name__}: {exc}")
        finally:
            self.conn.close()

    def one_record(self) -> None:
        rng = self.rng
        body = {"procedure": rng.choice(self.procedures), "channel": 1, **applicant(rng)}
        if rng.random() < 0.3:
            body["digitised"] = True
        record = self.call("receive", "POST", "/api/v1/records/", body, expect=201)
        self.pause()
        if record is None:
            return
        code = record.get("code") or ""
        unit = record.get("receiving_unit")
        if record.get("status") != 2 or not CODE.match(code) or unit != self.unit:
            self.result.errors.append(f"unexpected receipt answer: {str(record)[:200]}")
            return
        if code in self.result.records:
            self.result.duplicates.append(code)
        seen = Seen(self.unit, record["status"], record["version"], 1)
        self.result.records[code] = seen
        weights = [weight for weight, _ in SCENARIOS]
        steps = rng.choices([steps for _, steps in SCENARIOS], weights)[0]
        for action, payload, target in steps:
            if not self.time_left():
                return
            self.browse(code, body["applicant_name"])
            answer = self.call(
                "action",
                "POST",
                f"/api/v1/records/{code}/{action}/",
                {**payload, "version": seen.version},
            )
            self.pause()
            if answer is None:
                return
            if answer.get("status") != target or answer.get("version") != seen.version + 1:
                self.result.errors.append(
                    f"{action} on {code}: status {answer.get('status')} (expected {target}), "
                    f"version {answer.get('version')} (expected {seen.version + 1})"
                )
                return
            seen.status, seen.version, seen.steps = target, answer["version"], seen.steps + 1

    def browse(self, code: str, name: str) -> None:
        """What a clerk does between two steps: look at the unit's list, search, open one."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            query = {"commune": self.unit, "status": rng.choice([2, 4, 9]), "page_size": 20}
            self.call("list", "GET", f"/api/v1/records/?{urlencode(query)}")
        elif roll < 0.25:
            words = name.split()
            query = {"search": f"{words[0]} {words[-1]}", "ordering": "-received_at"}
            self.call("list", "GET", f"/api/v1/records/?{urlencode(query)}")
        elif roll < 0.45:
            other = rng.choice(list(self.result.records)) if self.result.records else code
            self.call("detail", "GET", f"/api/v1/records/{other}/")
        else:
            return
        self.pause()


# --- Set-up ----------------------------------------------------------------------------------


def warm_up(port: int, token: str, requests: int) -> None:
    """Parallel API reads before the clock starts, so that every gunicorn worker has loaded the
    URLs, views and translations (the first request of a worker costs about a second)."""

    def read() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request(
            "GET", "/api/v1/records/?page_size=1", headers={"Authorization": f"Token {token}"}
        )
        conn.getresponse().read()
        conn.close()

    threads = [threading.Thread(target=read) for _ in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def database_name() -> str:
    name = urlparse(DATABASE_URL).path.lstrip("/")
    if "loadtest" not in name:
        raise SystemExit(
            f"LOADTEST_DATABASE_URL names {name!r}: the load test drops its database at each "
            "run, so the name must contain 'loadtest'."
        )
    return name


def recreate_database() -> None:
    database_name()  # refuses a database not named for the load test
    reporting.recreate_database(DATABASE_URL)


def flush_redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    return client


def configure(extra: dict[str, str]) -> dict[str, str]:
    """Point this process at the load test's services, then load Django; returns the
    environment of the portal's processes (the same settings)."""
    settings = reporting.production_settings(DATABASE_URL, REDIS_URL, **extra)
    os.environ.update(settings)
    import django

    from core.processes import portal_env

    django.setup()
    from django.db import connection

    if connection.vendor != "postgresql" or connection.settings_dict["NAME"] != database_name():
        raise SystemExit(
            f"Django is not on the load test database ({connection.vendor} "
            f"{connection.settings_dict['NAME']}): were the settings loaded too early?"
        )
    return portal_env(database_url=DATABASE_URL, redis_url=REDIS_URL, **settings)


def prepare(clerks: int) -> list[dict]:
    """Migrate, load the reference data and create the clerks with their tokens."""
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from communes.models import Commune

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    units = list(Commune.objects.filter(active=True).order_by("-population", "code"))
    people = []
    for index in range(clerks):
        # One clerk per unit first, then the extra ones go to the most populous units.
        unit = units[index] if index < len(units) else units[(index - len(units)) % HOT_UNITS]
        user = User(username=f"loadtest.clerk{index:03d}", role=Role.CLERK, commune=unit)
        user.set_unusable_password()
        user.save()
        token = Token.objects.create(user=user)
        people.append({"unit": unit.code, "token": token.key})
    return people


def procedure_keys() -> list[str]:
    from records.models import Procedure

    return list(Procedure.objects.filter(active=True).order_by("key").values_list("key", flat=True))


# --- Celery queue ----------------------------------------------------------------------------


def queue_depth(client) -> int:
    """Messages waiting in the broker plus those taken by the worker but not yet acknowledged
    (the tasks acknowledge late, so a running task is still in ``unacked``)."""
    waiting = sum(client.llen(key) for key in client.scan_iter(match="celery*", _type="list"))
    return waiting + client.hlen("unacked")


class QueueMonitor(threading.Thread):
    def __init__(self, client):
        super().__init__(name="queue-monitor", daemon=True)
        self.client = client
        self.peak = 0
        self.finished = threading.Event()

    def run(self) -> None:
        while not self.finished.wait(0.5):
            try:
                self.peak = max(self.peak, queue_depth(self.client))
            except Exception:  # noqa: S112 - the monitor is informative only
                continue


def wait_for_drain(client, worker: Child, timeout: float) -> float:
    """Wait until the queue stays empty for 2 s; returns the seconds waited."""
    started = time.monotonic()
    empty_since = None
    while time.monotonic() - started < timeout:
        if not worker.alive():
            raise RuntimeError(f"the Celery worker exited.\n{worker.log_text()}")
        if queue_depth(client) == 0:
            empty_since = empty_since or time.monotonic()
            if time.monotonic() - empty_since >= 2:
                return empty_since - started
        else:
            empty_since = None
        time.sleep(0.1)
    raise TimeoutError(f"the Celery queue did not drain within {timeout:g} s")


# --- Consistency -----------------------------------------------------------------------------


def check_records(results: list[ClerkResult]) -> dict:
    """Codes, gaps, final statuses and histories against what the clerks saw."""
    from django.db.models import Count
    from django.utils import timezone

    from records.models import Record, RecordSequence

    seen, duplicates = _seen_by_clerks(results)
    rows = list(
        Record.objects.annotate(steps=Count("events")).values_list(
            "code",
            "receiving_unit__code",
            "receiving_unit__agency_code",
            "receiving_unit_id",
            "status",
            "steps",
            "received_at",
        )
    )
    in_db = Counter(row[0] for row in rows)
    duplicates += [code for code, count in in_db.items() if count > 1]
    missing = sorted(set(seen) - set(in_db))
    unknown = sorted(code or "(no code)" for code in set(in_db) - set(seen))
    wrong = {"wrong_status": [], "wrong_history": [], "wrong_unit": []}
    numbers: dict[tuple[int, date], list[int]] = defaultdict(list)
    days = set()
    for code, unit_code, agency, unit_id, status, events, received_at in rows:
        day = timezone.localtime(received_at).date()
        days.add(day)
        match = CODE.match(code or "")
        if match is None or match["day"] != f"{day:%y%m%d}" or match["agency"] != agency:
            wrong["wrong_unit"].append(code)
            continue
        numbers[(unit_id, day)].append(int(match["number"]))
        if code in seen:
            _compare_seen(wrong, code, seen[code], unit_code, status, events)
    sequences = {
        (row.unit_id, row.day): row.last_number
        for row in RecordSequence.objects.filter(day__in=days)
    }
    return {
        "records": len(rows),
        "codes_seen": len(seen),
        "sequences": len(numbers),
        "days": sorted(days),
        "duplicates": sorted(set(duplicates)),
        "missing": missing,
        "unknown": unknown,
        "gaps": _sequence_gaps(numbers, sequences),
        **wrong,
    }


def _seen_by_clerks(results: list[ClerkResult]) -> tuple[dict[str, Seen], list[str]]:
    """The records the clerks saw created, by code, and the codes they saw twice."""
    seen: dict[str, Seen] = {}
    duplicates = []
    for result in results:
        duplicates += result.duplicates
        for code, record in result.records.items():
            if code in seen:
                duplicates.append(code)
            seen[code] = record
    return seen, duplicates


def _compare_seen(wrong: dict, code: str, mine: Seen, unit_code, status, events) -> None:
    """What the database holds for a record against what its clerk saw."""
    if mine.unit != unit_code:
        wrong["wrong_unit"].append(code)
    if mine.status != status:
        wrong["wrong_status"].append(f"{code}: {status} in the database, {mine.status} seen")
    if mine.steps != events:
        wrong["wrong_history"].append(f"{code}: {events} events, {mine.steps} successful writes")


def _sequence_gaps(numbers: dict, sequences: dict) -> list[str]:
    """Units and days whose code numbers are not exactly 1..n with the sequence at n."""
    gaps = []
    for key, issued in sorted(numbers.items()):
        expected = list(range(1, len(issued) + 1))
        if sorted(issued) != expected or sequences.get(key) != len(issued):
            gaps.append(f"unit {key[0]} {key[1]}: {len(issued)} codes, last {sequences.get(key)}")
    return gaps


def check_statistics(days: list[date]) -> dict:
    """The ``DailyStat`` rows the worker wrote against a recount of the same days."""
    from django.utils import timezone

    from stats.models import COUNT_FIELDS, DailyStat
    from stats.services import all_unit_ids, compute_daily_stats

    first = min(days) if days else timezone.localdate()
    last = max([*days, timezone.localdate()])

    def snapshot():
        return {
            (row["unit_id"], row["day"]): {name: row[name] for name in COUNT_FIELDS}
            for row in DailyStat.objects.filter(day__gte=first, day__lte=last).values(
                "unit_id", "day", *COUNT_FIELDS
            )
        }

    worker = snapshot()
    started = time.perf_counter()
    compute_daily_stats(date_from=first, date_to=last)
    seconds = time.perf_counter() - started
    recount = snapshot()
    zero = dict.fromkeys(COUNT_FIELDS, 0)
    differences, absent = [], 0
    for key in sorted(recount):
        expected = recount[key]
        got = worker.get(key)
        if got is None:
            absent += 1
            got = zero  # a unit the worker never had to compute: no row means zeros
        if got != expected:
            changed = {n: (got[n], expected[n]) for n in COUNT_FIELDS if got[n] != expected[n]}
            differences.append(f"unit {key[0]} {key[1]}: {changed} (worker, recount)")
    totals = {name: sum(row[name] for row in recount.values()) for name in COUNT_FIELDS}
    return {
        "rows": len(recount),
        "units": len(all_unit_ids()),
        "first": first,
        "last": last,
        "absent_zero_rows": absent,
        "differences": differences,
        "recount_seconds": seconds,
        "totals": totals,
    }


# --- Report ----------------------------------------------------------------------------------


def latency_rows(samples: list[Sample]) -> list[tuple[str, int, float, float, float, float]]:
    rows = []
    for kind in ("all", *KINDS):
        values = [s.seconds for s in samples if kind in ("all", s.kind)]
        rows.append(
            (
                kind,
                len(values),
                percentile(values, 0.5) * 1000,
                percentile(values, 0.95) * 1000,
                percentile(values, 0.99) * 1000,
                max(values, default=float("nan")) * 1000,
            )
        )
    return rows


def log_problems(child: Child, patterns: tuple[str, ...]) -> list[str]:
    try:
        lines = child.log.read_text(errors="replace").splitlines()
    except FileNotFoundError:
        return []
    return [line for line in lines if any(p in line for p in patterns)]


ACCESS_TIME = re.compile(r'"[A-Z]+ /api/\S*" \d{3} \S+ (\d+)ms$')


def server_times(child: Child, start: int = 0) -> list[float]:
    """Request times in milliseconds from the access log (format of gunicorn.conf.py), from
    byte ``start`` on (after the warm-up)."""
    try:
        lines = child.log.read_bytes()[start:].decode(errors="replace").splitlines()
    except FileNotFoundError:
        return []
    return [float(m[1]) for line in lines if (m := ACCESS_TIME.search(line))]


def consistency_ok(records: dict, stats: dict) -> bool:
    problems = ("duplicates", "missing", "unknown", "gaps", "wrong_status", "wrong_history")
    if any(records[name] for name in (*problems, "wrong_unit")):
        return False
    return not stats["differences"]


def summarise(run: dict) -> str:
    samples, records, stats = run["samples"], run["records"], run["stats"]
    seconds = run["seconds"]
    receipts = sum(1 for s in samples if s.kind == "receive" and s.status == 201)
    lines = [
        "",
        f"Clerks {run['clerks']} on {run['units']} units, {run['seconds']:.1f} s; gunicorn "
        f"{run['workers']} workers x {run['threads']} threads, Celery worker concurrency "
        f"{run['celery']}; think time {run['think']:g} s; load average before {run['load_before']}",
        f"Requests {len(samples):,}: {len(samples) / seconds:.1f} req/s; records received "
        f"{receipts:,}: {receipts / seconds:.2f} records/s",
        "",
        f"{'latency (ms)':<14}{'count':>8}{'p50':>9}{'p95':>9}{'p99':>9}{'max':>9}",
    ]
    for kind, count, p50, p95, p99, top in latency_rows(samples):
        lines.append(f"{kind:<14}{count:>8,}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{top:>9.1f}")
    if run["server_times"]:
        times = run["server_times"]
        lines.append(
            f"{'server time':<14}{len(times):>8,}{percentile(times, 0.5):>9.1f}"
            f"{percentile(times, 0.95):>9.1f}{percentile(times, 0.99):>9.1f}{max(times):>9.1f}"
        )
    errors = run["errors"]
    by_status = Counter(s.status for s in samples if s.status not in (200, 201))
    lines += [
        "",
        f"Errors: {len(errors)}"
        + (f" (by status: {dict(sorted(by_status.items()))})" if errors else ""),
        f"Resent on a closed keep-alive connection: {run['reconnects']}",
        f"Server log: {len(run['server_problems'])} error lines; worker log: "
        f"{len(run['worker_problems'])} error lines",
    ]
    lines += [f"  {error}" for error in errors[:15]]
    lines += [f"  server: {line}" for line in run["server_problems"][:10]]
    lines += [f"  worker: {line}" for line in run["worker_problems"][:10]]
    lines += [
        "",
        f"Celery: queue peak {run['queue_peak']:,} tasks, drained {run['drain']:.1f} s after "
        "the clients stopped",
        "Consistency:",
        f"  records in the database {records['records']:,}, codes the clerks got "
        f"{records['codes_seen']:,}; duplicates {len(records['duplicates'])}, missing "
        f"{len(records['missing'])}, not created by a clerk {len(records['unknown'])} "
        f"(receipts left without an answer: {run['unanswered']})",
        f"  code sequences (unit, day) {records['sequences']}: gaps or mismatches "
        f"{len(records['gaps'])}; wrong unit/day in a code {len(records['wrong_unit'])}",
        f"  final status differs from the clerk's last answer: {len(records['wrong_status'])}; "
        f"history differs from the clerk's writes: {len(records['wrong_history'])}",
        f"  statistics: {stats['rows']} DailyStat rows ({stats['units']} units, "
        f"{stats['first']} to {stats['last']}) recounted in {stats['recount_seconds']:.2f} s: "
        f"{len(stats['differences'])} differ from the worker's figures "
        f"({stats['absent_zero_rows']} rows the worker never needed, all zero)",
    ]
    for name in ("duplicates", "missing", "unknown", "gaps", "wrong_status", "wrong_history"):
        lines += [f"    {name}: {item}" for item in records[name][:5]]
    lines += [f"    stats: {item}" for item in stats["differences"][:5]]
    verdict = "PASS" if run["passed"] else "FAIL"
    lines += ["", f"{verdict}: {len(errors)} errors, consistency {'OK' if run['ok'] else 'BROKEN'}"]
    return "\n".join(lines)


def write_doc(run: dict, doc: Path) -> None:
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0].split()[0]
    samples, records, stats = run["samples"], run["records"], run["stats"]
    seconds = run["seconds"]
    receipts = sum(1 for s in samples if s.kind == "receive" and s.status == 201)
    kinds = Counter(s.kind for s in samples)
    table = [
        "| requests | count | p50 | p95 | p99 | max |",
        "|---|---|---|---|---|---|",
    ]
    for kind, count, p50, p95, p99, top in latency_rows(samples):
        label = "**all**" if kind == "all" else kind
        table.append(
            f"| {label} | {count:,} | {p50:.0f} ms | {p95:.0f} ms | {p99:.0f} ms | {top:.0f} ms |"
        )
    by_status = Counter(s.status for s in samples if s.status not in (200, 201))
    error_text = "**0**"
    if run["errors"]:
        statuses = dict(sorted(by_status.items()))
        error_text = f"**{len(run['errors'])}** (by status, 0 = no answer: {statuses})"
    throttle = run["throttle"]
    worker_class = "gthread" if run["threads"] > 1 else "sync"
    if worker_class == "sync":
        gunicorn = f"gunicorn {run['workers']} sync workers"
    else:
        gunicorn = f"gunicorn {run['workers']} workers × {run['threads']} threads (gthread)"
    server_times = "n/a"
    if run["server_times"]:
        times = run["server_times"]
        server_times = " / ".join(
            f"{percentile(times, share):.0f} ms" for share in (0.5, 0.95, 0.99)
        )
    if run["clerks"] > run["units"]:
        spread = (
            f"one per unit, the {run['clerks'] - run['units']} others in the {HOT_UNITS} most "
            f"populous units, up to {run['most_per_unit']} in one unit, so that their "
            "record-code sequences are contended"
        )
    else:
        spread = "one per unit"
    if run["think"]:
        think = (
            f"Between two requests a clerk pauses {run['think']:g} s on average (uniformly 0 to "
            f"{2 * run['think']:g} s): a paced load, so latency is close to the service time"
        )
    else:
        think = (
            "No think time: each clerk sends its next request as soon as the last one is "
            "answered, so the server is saturated and latency includes queueing"
        )
    intro = (
        "`make loadtest` runs `benchmarks/loadtest.py`: gunicorn with the production settings "
        f"(`DEBUG=0`, `DB_CONN_MAX_AGE={run['conn_max_age']}` as in `.env.example`, plain HTTP "
        "on loopback) on PostgreSQL with a real Celery worker on Redis, all on the same machine "
        f"as the clients, and {run['clerks']} simulated clerks on {run['units']} units "
        f"({spread}), each a thread with its own keep-alive connection, for {run['duration']} s. "
        "A clerk receives a record (`POST /api/v1/records/`, in person, a valid synthetic "
        "applicant), then moves it with the action endpoints, sending the version it saw: "
        "process, resolve, return at the counter (55 %); the same with a supplement request and "
        "its supplement (10 %); a fee paid online and an electronic result (6 %); withdrawal "
        "then stop (5 %); stop (4 %); resolved, result not collected yet (8 %); left in "
        "processing (12 %). Before each action it may list its unit's records by status (15 %), "
        "search by name (10 %) or open one of its records (20 %, a logged read of the ID). "
        f"{think}. {throttle} Only the API is "
        "exercised: with `DEBUG=0` the HTML pages need `collectstatic` (static files manifest); "
        "`/healthz` is checked before the run."
    )
    machine = (
        f"- Machine: {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL {pg} "
        f"(default configuration), Redis; load average {run['load_before']} just before the "
        "run (other work was running on the machine: the figures are indicative)."
    )
    settings = (
        f"- {gunicorn}, Celery `--concurrency={run['celery']}` (prefork, as in "
        f"`docker-compose.yml`); run on {timezone.localdate().isoformat()}, {seconds:.1f} s "
        "from the first request to the last answer."
    )
    if worker_class == "sync":
        settings += (
            " Sync workers (the model of `gunicorn.conf.py`) answer with `Connection: close`, so "
            "each request takes a new loopback connection from the shared accept queue. With "
            "`THREADS=4` (gthread) the connections are kept alive but stay with the worker that "
            "accepted them (in one trial 32 of the 50 on one worker): similar throughput, but "
            "the latency of the clerks on the crowded worker is several times higher."
        )

    def fill(paragraph: str, indent: str = "") -> str:
        # "55 %" and `names-with-hyphens` stay on one line.
        wrapped = textwrap.fill(
            paragraph.replace(" %", "\x00%"),
            96,
            subsequent_indent=indent,
            break_on_hyphens=False,
            break_long_words=False,
        )
        return wrapped.replace("\x00", " ")

    prose = fill(intro) + "\n\n" + "\n".join(fill(item, "  ") for item in (machine, settings))
    start_mark, end_mark = doc_marks(run["think"])
    title = f", paced ({run['think']:g} s think time)" if run["think"] else ""
    text = f"""{start_mark}
## Load test{title} (`make loadtest`, issue 10)

{prose}

| result | value |
|---|---|
| requests | {len(samples):,} ({kinds["receive"]:,} receipts, {kinds["action"]:,} actions, \
{kinds["list"]:,} lists, {kinds["detail"]:,} reads) |
| throughput | **{len(samples) / seconds:.1f} requests/s**, {receipts / seconds:.1f} records \
received/s |
| server time (gunicorn access log), p50 / p95 / p99 | {server_times} |
| errors (non-2xx or no answer) | {error_text} |
| Celery queue | peak {run["queue_peak"]:,} tasks; drained {run["drain"]:.1f} s after the clients \
stopped |
| records | {records["records"]:,} in the database = {records["codes_seen"]:,} codes the clerks \
got; {len(records["duplicates"])} duplicate, {len(records["missing"])} missing, \
{len(records["unknown"])} unknown |
| record codes | {records["sequences"]} (unit, day) sequences, {len(records["gaps"])} with a gap |
| final status and history as the clerks saw them | {len(records["wrong_status"])} and \
{len(records["wrong_history"])} differences |
| statistics written by the worker = recount (`compute_daily_stats`, {stats["rows"]} rows) \
| {len(stats["differences"])} differences |
| verdict | **{"PASS" if run["passed"] else "FAIL"}** |

{chr(10).join(table)}

Latency is measured by the client, from sending the request to the end of the answer; the
server time is the gunicorn worker's own (without the wait for a free worker). The Celery
queue peak shows how far the statistics lag behind the records under this load; the figures
catch up once the load stops, and then equal the recount. Each run starts from an empty database
(`hue_loadtest`, dropped and recreated, left in place afterwards for inspection) and a flushed
Redis database.
{end_mark}
"""
    replace_section(doc, start_mark, end_mark, text)


# --- Main ------------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clerks", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per gunicorn worker (1: sync workers, as gunicorn.conf.py; more: gthread)",
    )
    parser.add_argument(
        "--celery", type=int, default=2, help="Celery worker concurrency (compose: 2)"
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        default=60,
        help="DB_CONN_MAX_AGE of the portal, seconds (.env.example: 60)",
    )
    parser.add_argument("--think", type=float, default=0.0, help="mean think time (s)")
    parser.add_argument("--seed", default="loadtest")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/benchmarks.md")
    parser.add_argument("--doc", type=Path, default=DOC, help="the file to write the section in")
    parser.add_argument("--drain-timeout", type=float, default=600.0)
    return parser.parse_args(argv)


def interrupted(signum, frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.clerks < 1 or args.duration <= 0:
        raise SystemExit("--clerks and --duration must be positive")
    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with it ignored
    extra, throttle = portal_settings(args)
    logs = Path(tempfile.mkdtemp(prefix="hue-loadtest-"))
    print(f"Database {database_name()} (recreated), Redis {REDIS_URL} (flushed); logs in {logs}")
    recreate_database()
    redis_client = flush_redis()
    env = configure(extra)
    from core.processes import start_celery_worker, start_gunicorn, wait_until

    started = time.perf_counter()
    people = prepare(args.clerks)
    procedures = procedure_keys()
    per_unit = Counter(p["unit"] for p in people)
    took = time.perf_counter() - started
    print(f"Migrated, reference data and {len(people)} clerks in {took:.1f} s")

    server = worker = None
    clerks: list[Clerk] = []
    stop = threading.Event()
    monitor = QueueMonitor(redis_client)
    try:
        worker = start_celery_worker(env, logs / "celery.log", concurrency=args.celery)
        server = start_gunicorn(
            env, logs / "gunicorn.log", workers=args.workers, threads=args.threads
        )
        wait_until(lambda: "ready." in worker.log_text(100_000), 60, "celery worker", worker)
        check_health(server)
        warm_up(server.port, people[0]["token"], 2 * args.workers * args.threads)
        time.sleep(0.5)  # the warm-up's access-log lines are written
        log_start = server.log.stat().st_size
        print(
            f"gunicorn on {server.url} ({args.workers} workers x {args.threads} threads), "
            f"Celery worker ready; {args.clerks} clerks for {args.duration:g} s ..."
        )
        load_before = " / ".join(f"{load:.1f}" for load in os.getloadavg())
        monitor.start()
        began = time.monotonic()
        deadline = began + args.duration
        for index, person in enumerate(people):
            clerk = Clerk(
                index,
                port=server.port,
                token=person["token"],
                unit=person["unit"],
                procedures=procedures,
                deadline=deadline,
                stop=stop,
                think=args.think,
                seed=args.seed,
            )
            clerks.append(clerk)
            clerk.start()
        for clerk in clerks:
            while clerk.is_alive():
                clerk.join(0.5)
        seconds = time.monotonic() - began
        print(f"Clients done after {seconds:.1f} s; waiting for the Celery queue to drain ...")
        drain = wait_for_drain(redis_client, worker, args.drain_timeout)
        monitor.finished.set()
        results = [clerk.result for clerk in clerks]
        samples = [sample for result in results for sample in result.samples]
        errors = [error for result in results for error in result.errors]
        records = check_records(results)
        stats = check_statistics(records["days"])
        ok = consistency_ok(records, stats)
        run = {
            "clerks": args.clerks,
            "units": len(per_unit),
            "most_per_unit": max(per_unit.values()),
            "duration": f"{args.duration:g}",
            "seconds": seconds,
            "workers": args.workers,
            "threads": args.threads,
            "celery": args.celery,
            "think": args.think,
            "samples": samples,
            "errors": errors,
            "reconnects": sum(result.reconnects for result in results),
            "unanswered": sum(result.unknown_receipts for result in results),
            "conn_max_age": args.conn_max_age,
            "load_before": load_before,
            "server_times": server_times(server, log_start),
            "records": records,
            "stats": stats,
            "drain": drain,
            "queue_peak": monitor.peak,
            "ok": ok,
            "throttle": throttle,
            "server_problems": log_problems(
                server, ("Traceback", "[ERROR]", "[CRITICAL]", "WORKER TIMEOUT", '" 500 ')
            ),
            "worker_problems": log_problems(worker, ("Traceback", "ERROR", "Retry in")),
        }
        run["passed"] = ok and not errors and not run["server_problems"]
        print(summarise(run))
        if not args.no_doc:
            write_doc(run, args.doc)
            print(f"Written to {args.doc}.")
        return 0 if run["passed"] else 1
    except KeyboardInterrupt:
        print("Interrupted: stopping the clients, gunicorn and the worker.")
        return 130
    finally:
        stop_all(stop, monitor, clerks, (server, worker))
        print(f"Logs: {logs}")


def portal_settings(args) -> tuple[dict[str, str], str]:
    """The settings the portal's processes get on top of the load test's, and the sentence
    about the API throttles for the report."""
    throttle = "The API throttles kept their production rates (1200 requests/min per clerk)."
    extra = {"DB_CONN_MAX_AGE": str(args.conn_max_age)}
    if os.environ.get("API_THROTTLE_USER"):
        extra["API_THROTTLE_USER"] = os.environ["API_THROTTLE_USER"]
        throttle = f"`API_THROTTLE_USER` was set to {extra['API_THROTTLE_USER']} for the run."
    return extra, throttle


def check_health(server: Child) -> None:
    """``/healthz`` answers 200 before the clerks start."""
    probe = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    probe.request("GET", "/healthz")
    health = probe.getresponse()
    health.read()
    probe.close()
    if health.status != 200:
        raise RuntimeError(f"/healthz answered {health.status}\n{server.log_text()}")


def stop_all(stop: threading.Event, monitor: QueueMonitor, clerks: list, children) -> None:
    """Stop the clients, then gunicorn and the worker (those that were started)."""
    stop.set()
    monitor.finished.set()
    for clerk in clerks:
        clerk.join(5)
    for child in children:
        if child is not None:
            child.stop()


if __name__ == "__main__":
    sys.exit(main())
