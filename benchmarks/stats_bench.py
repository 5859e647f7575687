"""Benchmark of the statistics engine on PostgreSQL with 1,000,000 generated records.

Measures and prints:
1. a full recompute of every day (all units, first record day to today) against the floor, a
   single hand-written SQL aggregate over the same records, as a ratio;
2. the time to answer a one-year city-wide period report (service, and through the API),
   p50 and p95 over repeated calls;
3. the time from a record change (committed by a service) to updated figures, with a real
   Celery worker on Redis: a same-day change and a change reaching a year back.

Then writes the results into docs/benchmarks.md (its own section, replaced on a re-run).

Usage: ``make bench`` or ``.venv/bin/python benchmarks/stats_bench.py``. Environment:
``BENCH_DATABASE_URL`` (default postgres://postgres@127.0.0.1:5432/hue_bench; created if
missing), ``BENCH_REDIS_URL`` (default redis://127.0.0.1:6379/14), ``BENCH_COUNT`` (1000000).
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urlparse

from reporting import percentile, replace_section

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hue_bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
COUNT = int(os.environ.get("BENCH_COUNT", "1000000"))
GENERATE_START, GENERATE_END = date(2024, 7, 1), date(2025, 6, 30)
REPORT_CALLS = 50
CHANGES = 10
DOC = ROOT / "docs" / "benchmarks.md"
START_MARK, END_MARK = "<!-- stats-bench:start -->", "<!-- stats-bench:end -->"

FLOOR_SQL = """
SELECT receiving_unit_id,
       (received_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day,
       count(*) AS received,
       count(*) FILTER (WHERE channel = 1) AS in_person,
       count(*) FILTER (WHERE channel = 2) AS online,
       count(*) FILTER (WHERE channel = 3) AS postal,
       count(*) FILTER (WHERE digitised) AS digitised
FROM records_record
WHERE received_at IS NOT NULL
GROUP BY 1, 2
"""


def ensure_database() -> None:
    import psycopg

    url = urlparse(DATABASE_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["REDIS_URL"] = REDIS_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hue_admin.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def timed(function, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def prepare() -> dict:
    from django.core.management import call_command

    from records.models import Record

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    existing = Record.objects.count()
    info = {"generated": None}
    if existing == 0:
        print(f"Generating {COUNT:,} records ({GENERATE_START} to {GENERATE_END}) ...")
        seconds, _ = timed(
            call_command,
            "generate_records",
            "--count",
            str(COUNT),
            "--start",
            GENERATE_START.isoformat(),
            "--end",
            GENERATE_END.isoformat(),
        )
        info["generated"] = seconds
    elif existing < COUNT:
        raise SystemExit(
            f"The bench database holds {existing:,} records (< {COUNT:,}): drop it and rerun."
        )
    else:
        print(f"Reusing the {existing:,} records already in the bench database.")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE records_record")
    info["records"] = Record.objects.count()
    return info


def bench_full_recompute() -> dict:
    from django.db import connection
    from django.utils import timezone

    from stats.models import DailyStat
    from stats.services import compute_daily_stats, records_first_day

    first, today = records_first_day(), timezone.localdate()
    floors = []
    for _ in range(3):
        with connection.cursor() as cursor:
            seconds, _ = timed(lambda c=cursor: (c.execute(FLOOR_SQL), c.fetchall()))
        floors.append(seconds)
    fulls = []
    rows = 0
    for _ in range(3):
        DailyStat.objects.all().delete()
        seconds, result = timed(compute_daily_stats, date_from=first, date_to=today)
        fulls.append(seconds)
        rows = result.rows
    floor, full = statistics.median(floors), statistics.median(fulls)
    return {
        "first": first,
        "today": today,
        "rows": rows,
        "floor": floor,
        "full": full,
        "ratio": full / floor,
        "floors": floors,
        "fulls": fulls,
    }


def bench_report() -> dict:
    from rest_framework.test import APIClient

    from accounts.models import Role, User
    from communes.models import Commune
    from stats.reports import period_report, report_as_dict

    units = list(Commune.objects.all())
    start, end = GENERATE_START, GENERATE_END

    def call():
        return report_as_dict(period_report(date_from=start, date_to=end, units=units))

    for _ in range(5):
        call()
    service = [timed(call)[0] for _ in range(REPORT_CALLS)]

    user, _ = User.objects.get_or_create(username="bench-city", defaults={"role": Role.CITY_OFFICE})
    client = APIClient()
    client.force_authenticate(user)
    url = f"/api/v1/reports/period/?date_from={start}&date_to={end}"
    for _ in range(5):
        assert client.get(url, HTTP_HOST="127.0.0.1").status_code == 200
    api = []
    for _ in range(REPORT_CALLS):
        seconds, response = timed(client.get, url, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200
        api.append(seconds)
    # Issue 9: the dashboard page itself (HTML, session), for the whole city and one year.
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    page_url = f"/dashboard/?date_from={start}&date_to={end}"
    for _ in range(5):
        assert browser.get(page_url, HTTP_HOST="127.0.0.1").status_code == 200
    dashboard = []
    for _ in range(REPORT_CALLS):
        seconds, response = timed(browser.get, page_url, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200
        dashboard.append(seconds)
    report = call()
    return {
        "dashboard_p50": percentile(dashboard, 0.5),
        "dashboard_p95": percentile(dashboard, 0.95),
        "service_p50": percentile(service, 0.5),
        "service_p95": percentile(service, 0.95),
        "api_p50": percentile(api, 0.5),
        "api_p95": percentile(api, 0.95),
        "received": report["totals"]["received"],
        "online_rate": report["totals"]["online_rate"],
    }


def start_worker(log: Path):
    from core import processes

    env = processes.portal_env(database_url=DATABASE_URL, redis_url=REDIS_URL)
    return processes.start_celery_worker(env, log)


def wait_until(condition) -> float:
    """Seconds until ``condition`` holds, polled every 5 ms."""
    from core import processes

    return processes.wait_until(condition, 120, "updated figures", interval=0.005)


def bench_change_latency() -> dict:
    from django.utils import timezone

    from hue_admin.celery import app
    from records import services
    from records.enums import Status
    from records.models import Record
    from stats.models import DailyStat

    assert not app.conf.task_always_eager, "the bench needs a real broker"
    app.control.purge()
    log = Path(tempfile.gettempdir()) / "hue-stats-bench-worker.log"
    worker = start_worker(log)
    today = timezone.localdate()
    try:
        # Warm-up: the first task also waits for the worker to start.
        open_records = list(
            Record.objects.filter(status__in=[Status.RECEIVED, Status.PROCESSING])
            .order_by("id")
            .values_list("pk", flat=True)[: 2 * CHANGES + 1]
        )
        same_day, year_back = [], []

        def finished_today(unit_id):
            row = DailyStat.objects.filter(unit_id=unit_id, day=today).values("finished").first()
            return row["finished"] if row else 0

        for index, pk in enumerate(open_records):
            record = Record.objects.get(pk=pk)
            before = finished_today(record.handling_unit_id)
            services.record_resolve(record=record, actor=None)
            latency = wait_until(lambda r=record, b=before: finished_today(r.handling_unit_id) > b)
            if index:
                same_day.append(latency)

        def received_on(unit_id, day):
            row = DailyStat.objects.filter(unit_id=unit_id, day=day).values("received").first()
            return row["received"] if row else 0

        template = Record.objects.filter(status=Status.RETURNED).order_by("id").first()
        moment = datetime(2024, 7, 1, 15, 30, tzinfo=timezone.get_current_timezone())
        for index in range(CHANGES):
            unit = template.receiving_unit
            before = received_on(unit.pk, moment.date())
            services.record_create_at_desk(
                actor=None,
                procedure=template.procedure,
                receiving_unit=unit,
                channel=1,
                applicant={
                    "applicant_name": f"Nguyễn Văn Thử {index}",
                    "applicant_id_number": "046095001234",
                    "applicant_phone": "0912345678",
                },
                received_at=moment,
            )
            year_back.append(
                wait_until(lambda u=unit.pk, b=before: received_on(u, moment.date()) > b)
            )
    finally:
        worker.stop(20)
    return {
        "same_p50": percentile(same_day, 0.5),
        "same_p95": percentile(same_day, 0.95),
        "back_p50": percentile(year_back, 0.5),
        "back_p95": percentile(year_back, 0.95),
        "back_days": (today - moment.date()).days + 1,
    }


def write_doc(info, full, report, change) -> str:
    from django.db import connection
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    ms = 1000
    rows = [
        (
            f"full recompute of every day, all 40 units ({full['first']} to {full['today']}, "
            f"{full['rows']:,} rows), median of 3",
            f"**{full['full']:.2f} s**",
        ),
        (
            "floor: one hand-written SQL aggregate over the same records (intake per unit "
            "and day), median of 3",
            f"{full['floor']:.2f} s",
        ),
        ("ratio full recompute ÷ floor", f"**{full['ratio']:.1f}×**"),
        (
            f"one-year city-wide period report ({GENERATE_START} to {GENERATE_END}), service, "
            f"p50 / p95 of {REPORT_CALLS}",
            f"**{report['service_p50'] * ms:.0f} ms** / {report['service_p95'] * ms:.0f} ms",
        ),
        (
            "the same through `GET /api/v1/reports/period/` (JSON, test client), p50 / p95",
            f"{report['api_p50'] * ms:.0f} ms / {report['api_p95'] * ms:.0f} ms",
        ),
        (
            "the city dashboard page `GET /dashboard/` for that year, all 40 units (HTML, "
            "server time, test client), p50 / p95 (issue 9: under 200 ms)",
            f"**{report['dashboard_p50'] * ms:.0f} ms** / {report['dashboard_p95'] * ms:.0f} ms",
        ),
        (
            f"record change → updated figures, real worker, same-day change (resolve), "
            f"p50 / p95 of {2 * CHANGES}",
            f"**{change['same_p50'] * ms:.0f} ms** / {change['same_p95'] * ms:.0f} ms",
        ),
        (
            f"record change → updated figures, receipt backdated a year ({change['back_days']} "
            f"days of one unit recomputed), p50 / p95 of {CHANGES}",
            f"{change['back_p50'] * ms:.0f} ms / {change['back_p95'] * ms:.0f} ms",
        ),
    ]
    table = "\n".join(["| measure | result |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)])
    text = f"""{START_MARK}
## Statistics engine (`make bench`, issue 8)

`make bench` runs `benchmarks/stats_bench.py`: database `hue_bench` with {info["records"]:,}
records from `generate_records --count {COUNT} --start {GENERATE_START} --end {GENERATE_END}`
(with their receipt events), after `VACUUM ANALYZE`.

- Machine: {os.cpu_count()} cores, Python {platform.python_version()}, PostgreSQL {pg.split()[0]}
  and Redis on the same machine.
- Run on {timezone.localdate().isoformat()}; the generated records are reused by a second run.

{table}

The full recompute runs 8 grouped aggregates over the records (intake, refusals, pending
submissions, receipts and finishing by handling unit, returns, the days records become overdue,
the stock before the range) and upserts one row per unit and day; the floor reads the records
once for the intake counts only, so the ratio is the price of the other figures and of writing
the rows. The period report reads only `DailyStat` (three queries: sums per unit with the
stocks, sums per day); the report's totals: {report["received"]:,} received, online rate
{report["online_rate"]}%. Latency is measured from the moment the service returns (the change
is committed and the task published) until another connection sees the new figure (polling
every 5 ms), with one `--pool=solo` worker.
{END_MARK}
"""
    replace_section(DOC, START_MARK, END_MARK, text)
    return text


def main() -> None:
    started = time.perf_counter()
    ensure_database()
    setup_django()
    info = prepare()
    if info["generated"]:
        print(f"  generated in {info['generated']:.1f} s")
    print("1. Full recompute against the floor ...")
    full = bench_full_recompute()
    print(
        f"   full recompute {full['full']:.2f} s ({full['rows']:,} rows), "
        f"floor {full['floor']:.2f} s, ratio {full['ratio']:.1f}x"
    )
    print("2. One-year city-wide period report ...")
    report = bench_report()
    print(
        f"   service p50 {report['service_p50'] * 1000:.0f} ms, p95 "
        f"{report['service_p95'] * 1000:.0f} ms; API p50 {report['api_p50'] * 1000:.0f} ms, "
        f"p95 {report['api_p95'] * 1000:.0f} ms; dashboard page p50 "
        f"{report['dashboard_p50'] * 1000:.0f} ms, p95 {report['dashboard_p95'] * 1000:.0f} ms"
    )
    print("3. Record change to updated figures, real worker ...")
    change = bench_change_latency()
    print(
        f"   same day p50 {change['same_p50'] * 1000:.0f} ms, p95 "
        f"{change['same_p95'] * 1000:.0f} ms; a year back p50 {change['back_p50'] * 1000:.0f} "
        f"ms, p95 {change['back_p95'] * 1000:.0f} ms"
    )
    write_doc(info, full, report, change)
    print(f"Written to {DOC.relative_to(ROOT)} in {time.perf_counter() - started:.0f} s in all.")


if __name__ == "__main__":
    main()
