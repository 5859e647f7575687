"""Benchmark of the national-portal connector on real processes: inbound throughput of online
submissions and outbox delivery latency, from a database that already holds a year of history.

1. Recreates its own database (``hue_dvcqgbench``; the name must contain "bench"), migrates,
   loads the reference data and generates ``--history`` records over the past year
   (``generate_records``, COPY); creates an integration account delivering to every unit.
2. Starts gunicorn (production settings), one Celery worker (``-Q celery,dvcqg``) and beat on
   Redis (db 8, flushed), and the simulator (``dvcqg_simulator --post N``) which posts N
   submissions (5 % repeats, 5 % invalid) with ``--threads`` connector connections, pushes
   coming back to it.
3. Measures: submissions accepted per second (201 and 200 answers ÷ posting time) with the
   answer time p50/p95; the delivery latency of each resulting status message, from its
   commit (``SyncMessage.created_at``) to its arrival at the simulator, p50/p95. Floors in the
   same run: the same number of requests to ``/healthz`` on the same gunicorn with the same
   threads (the HTTP path with no work), and pushes posted straight to the simulator from this
   process (the push round trip with no queue).
4. Writes its section of docs/benchmarks.md, with the machine's load average.

Usage: ``make bench-dvcqg [N=2000] [HISTORY=300000] [THREADS=4]`` or
``.venv/bin/python benchmarks/dvcqg_bench.py --help``.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import platform
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

import reporting
from reporting import percentile, replace_section

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATABASE_URL = os.environ.get(
    "DVCQG_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hue_dvcqgbench"
)
REDIS_URL = os.environ.get("DVCQG_BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
DOC = ROOT / "docs" / "benchmarks.md"
MARKS = ("<!-- dvcqg-bench:start -->", "<!-- dvcqg-bench:end -->")
PUSH_TOKEN = "bench-push-token-0123456789"


def recreate_database() -> None:
    name = urlparse(DATABASE_URL).path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"{name!r}: the benchmark drops its database, its name must say bench")
    reporting.recreate_database(DATABASE_URL)


def configure(push_port: int) -> dict[str, str]:
    settings = reporting.production_settings(
        DATABASE_URL,
        REDIS_URL,
        API_THROTTLE_USER="1000000/min",
        DVCQG_PUSH_URL=f"http://127.0.0.1:{push_port}/status",
        DVCQG_PUSH_TOKEN=PUSH_TOKEN,
        DVCQG_SWEEP_SECONDS="5",
    )
    os.environ.update(settings)
    import django

    django.setup()
    from core.processes import portal_env

    return portal_env(database_url=DATABASE_URL, redis_url=REDIS_URL, **settings)


def prepare(history: int) -> str:
    """Migrate, reference data, a year of history, the integration account; its token."""
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from accounts.models import Role, User
    from communes.models import Commune

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0, stdout=io.StringIO())
    end = datetime.now(UTC).date() - timedelta(days=1)
    started = time.monotonic()
    call_command(
        "generate_records",
        "--count",
        str(history),
        "--start",
        (end - timedelta(days=365)).isoformat(),
        "--end",
        end.isoformat(),
        stdout=io.StringIO(),
    )
    print(f"history: {history:,} records in {time.monotonic() - started:.1f} s", flush=True)
    user = User(username="bench.dvcqg", role=Role.INTEGRATION)
    user.set_unusable_password()
    user.save()
    user.delivery_units.set(Commune.objects.filter(active=True))
    return Token.objects.create(user=user).key


def get_json(url: str):
    parsed = urlparse(url)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    conn.request("GET", parsed.path)
    data = conn.getresponse().read()
    conn.close()
    return json.loads(data)


def hammer(url: str, count: int, threads: int, method="GET", body=None, headers=None) -> dict:
    """``count`` requests over ``threads`` keep-alive connections: rate and p50/p95 seconds."""
    parsed = urlparse(url)
    times: list[float] = []
    lock = threading.Lock()

    def lane(n: int, offset: int):
        conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
        for i in range(n):
            extra = {"Idempotency-Key": f"floor-{offset}-{i}"} if method == "POST" else {}
            started = time.monotonic()
            conn.request(method, parsed.path, body=body, headers={**(headers or {}), **extra})
            conn.getresponse().read()
            with lock:
                times.append(time.monotonic() - started)
        conn.close()

    share = [count // threads + (1 if i < count % threads else 0) for i in range(threads)]
    started = time.monotonic()
    workers = [threading.Thread(target=lane, args=(n, i)) for i, n in enumerate(share)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.monotonic() - started
    return {"rate": count / seconds, "p50": percentile(times, 0.5), "p95": percentile(times, 0.95)}


def wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.5)
    raise SystemExit(f"{what}: not within {seconds:.0f} s")


def delivery_latencies(received: list[dict]) -> list[float]:
    from dvcqg.models import SyncMessage

    arrived = {entry["key"]: entry["received_at"] for entry in received}
    created = SyncMessage.objects.filter(key__in=list(arrived)).values_list("key", "created_at")
    return [arrived[key] - moment.timestamp() for key, moment in created]


HEADER = (
    "| setup (workers) | accepted by the API | answer p50 / p95 "
    "| delivery: commit → arrival, p50 / p95 (messages) "
    "| floor: a push straight to the simulator |\n|---|---|---|---|---|"
)
SETUPS = {
    "shared": ["celery,dvcqg"],  # one worker for the figures and the national portal
    "split": ["celery", "dvcqg"],  # a worker per queue (what issue 21's topology runs)
}


def phase(env, logs: Path, web, token: str, push_port: int, args, name: str) -> dict:
    """Post ``args.count`` submissions with the workers of setup ``name`` and measure."""
    from core import processes

    workers = [
        processes.start_celery_worker(env, logs / f"worker-{name}-{i}.log", queues=queues)
        for i, queues in enumerate(SETUPS[name])
    ]
    seed = str(766 + len(name))
    options = [
        "--log", str(logs / f"received-{name}.jsonl"), "--token", PUSH_TOKEN,
        "--post", str(args.count), "--api", web.url, "--api-token", token,
        "--threads", str(args.threads), "--seed", seed,
    ]  # fmt: skip
    simulator = processes.start_simulator(
        env, logs / f"simulator-{name}.log", port=push_port, args=options
    )
    try:
        wait(lambda: get_json(f"{simulator.url}/posted")["summary"]["done"], 900, "posting")
        posted = get_json(f"{simulator.url}/posted")
        accepted = [r for r in posted["results"] if r["status"] in (200, 201)]
        new = sum(1 for r in posted["results"] if r["status"] == 201)
        wait(lambda: len(get_json(f"{simulator.url}/received")) >= new, 900, "delivery")
        latencies = delivery_latencies(get_json(f"{simulator.url}/received"))
        floor_push = hammer(
            f"{simulator.url}/status",
            200,
            1,
            method="POST",
            body=b"{}",
            headers={"Authorization": f"Bearer {PUSH_TOKEN}", "Content-Type": "application/json"},
        )
    finally:
        for child in (simulator, *workers):
            child.stop()
    return {
        "summary": posted["summary"],
        "answer_p50": percentile([r["seconds"] for r in accepted], 0.5),
        "answer_p95": percentile([r["seconds"] for r in accepted], 0.95),
        "delivered": len(latencies),
        "latency_p50": percentile(latencies, 0.5),
        "latency_p95": percentile(latencies, 0.95),
        "floor_push": floor_push,
    }


def run(args) -> dict:
    from core import processes

    push_port = processes.free_port()
    env = configure(push_port)
    token = prepare(args.history)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    logs = Path(tempfile.mkdtemp(prefix="dvcqg-bench-"))
    web = processes.start_gunicorn(env, logs / "gunicorn.log", workers=2, threads=2)
    beat = processes.start_celery_beat(env, logs / "beat.log")
    try:
        floor_http = hammer(f"{web.url}/healthz", args.count, args.threads)
        phases = {name: phase(env, logs, web, token, push_port, args, name) for name in SETUPS}
    finally:
        beat.stop()
        web.stop()
    return {"floor_http": floor_http, "phases": phases}


def ms(p50: float, p95: float, digits: int = 0) -> str:
    return f"{p50 * 1000:.{digits}f} / {p95 * 1000:.{digits}f} ms"


def report(args, result: dict, load_before: str) -> str:
    http_floor = result["floor_http"]
    load_after = " / ".join(f"{load:.1f}" for load in os.getloadavg())
    today = datetime.now(UTC).date()
    rows = [
        f"| HTTP floor: `/healthz`, same threads | {http_floor['rate']:.0f} req/s | "
        f"{ms(http_floor['p50'], http_floor['p95'], 1)} | | |"
    ]
    for name, got in result["phases"].items():
        summary, push = got["summary"], got["floor_push"]
        rows.append(
            f"| {name}: {' + '.join(f'`-Q {q}`' for q in SETUPS[name])} "
            f"({summary['by_kind_and_status']}) | **{summary['accepted_per_second']}/s** | "
            f"{ms(got['answer_p50'], got['answer_p95'])} | "
            f"**{ms(got['latency_p50'], got['latency_p95'])}** ({got['delivered']:,}) | "
            f"{ms(push['p50'], push['p95'], 1)} |"
        )
    table = "\n".join(rows)
    return f"""{MARKS[0]}
## National-portal connector: inbound submissions and delivery to the portal

`make bench-dvcqg` on {today:%Y-%m-%d}, {platform.machine()} with {os.cpu_count()} cores, load
average {load_before} before and {load_after} after (1 / 5 / 15 min); PostgreSQL holding
{args.history:,} records of the past year; gunicorn 2 workers × 2 threads, beat on Redis; the
simulator posts {args.count:,} submissions per setup on {args.threads} connections (5 %
repeats, 5 % invalid); every new submission writes one status message (`submit`) that the
worker pushes back to the simulator.

{HEADER}
{table}

Read the ratios: the API accepts a quarter of the HTTP floor's rate (validation, the record,
its components, the history event and the outbox row in one transaction, then the queueing).
With one worker for both queues a push waits behind the statistics recomputes the same
submissions queue; a worker per queue shortens that wait, but on 2 cores the second worker
takes CPU from gunicorn. Either way the delivery is seconds, against an 8-working-hour clock.
{MARKS[1]}
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="submissions to post")
    parser.add_argument("--history", type=int, default=300_000, help="records of history")
    parser.add_argument("--threads", type=int, default=4, help="connector connections")
    args = parser.parse_args(argv)
    load_before = " / ".join(f"{load:.1f}" for load in os.getloadavg())
    recreate_database()
    result = run(args)
    text = report(args, result, load_before)
    print(text)
    replace_section(DOC, *MARKS, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
