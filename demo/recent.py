"""The living demo: the working weeks up to today, so that every desk opens on today's work.

Besides the exact 1–11 July 2025 reference (``demo.seed``), ``seed_recent_records`` fills the
last ``RECENT_WORKING_DAYS`` working days up to ``now`` with records whose lives run as the
July ones do (``demo.lives``, ``demo.simulate``) but are cut at ``now``: records received
today until now, records due today and in the coming days, a few overdue, results waiting at
the agent points, online submissions refused at intake, and the submissions still waiting in
the desks' inboxes — most filed since the last office hours, some near their 8 working hours,
a few past them, a few returned to the citizen for completion; the desk's dossiers with their
documents ticked, and a few transfers between the demo units (``demo.documents``).

Deterministic: the records of a unit and day come from a ``random.Random`` seeded with the
unit and the day only (not with today), so the world is the same whatever day it is seeded;
seeding later only shows more of it. Idempotent per day: a day that already holds records or
code sequences (seeded before, or real work) is left as it is; the days since are filled.
"""

from __future__ import annotations

import dataclasses
import random
import time as timer
from datetime import date, datetime, time, timedelta

from django.db import transaction

from communes.models import Commune
from demo.backlog import close_reference_backlog
from demo.context import Context, seed_context
from demo.documents import seed_transfers, tick_components
from demo.lives import REFUSED_SHARE, Spec, base_fields, received_life, submitted_before
from demo.office_time import random_office_time
from demo.plan import PERIOD_FIRST_DAY, PERIOD_LAST_DAY, SEED, UnitInfo, online_propensity
from demo.plan import unit_totals as july_totals
from demo.seed import SeedReport, insert_lives
from demo.simulate import REFUSE_REASONS, RecordLife
from records.enums import Channel, Status
from records.models import Record, RecordSequence

RECENT_WORKING_DAYS = 15  # three working weeks up to today
# Intake per working day as a share of July's average day: a lighter demo that seeds fast.
DAILY_SHARE = 0.5
WEEKDAY_WEIGHTS = (1.15, 1.05, 1.0, 1.0, 0.9, 0.3, 0.3)  # Monday … Sunday
ONLINE_GAIN = 0.08  # people file online more than in the first weeks of July 2025
POSTAL_SHARE = 0.05  # of the records not filed online
WAITING_SHARE = 0.10  # of a day's online intake: submissions filed since the last office hours
OVERDUE_SUBMISSIONS = (0, 0, 1, 1, 2)  # per unit: waiting past their 8 working hours
COMPLETION_SHARE = 0.15  # of the waiting submissions: returned to the citizen for completion
COMPLETION_REASONS = [
    "Ảnh chụp CCCD mặt sau bị mờ, đề nghị tải lại.",
    "Thiếu tờ khai theo mẫu, đề nghị bổ sung.",
    "Thiếu giấy ủy quyền của người yêu cầu.",
]


def recent_window(context: Context, now: datetime) -> list[date]:
    """The last ``RECENT_WORKING_DAYS`` working days up to ``now``'s local day (today counts
    when it is a working day), never reaching back into the July reference period."""
    calendar = context.calendar
    day = now.astimezone(context.tz).date()
    days: list[date] = []
    while len(days) < RECENT_WORKING_DAYS and day > PERIOD_LAST_DAY:
        if calendar.is_working_day(day):
            days.append(day)
        day -= timedelta(days=1)
    return sorted(days)


def days_to_fill(days: list[date], context: Context) -> list[date]:
    """The window's days that hold nothing yet: no code sequence and no record received."""
    if not days:
        return []
    taken = set(
        RecordSequence.objects.filter(day__range=(days[0], days[-1])).values_list("day", flat=True)
    )
    start = datetime.combine(days[0], time.min, tzinfo=context.tz)
    received = Record.objects.filter(received_at__gte=start).order_by()
    taken |= {
        moment.date() for moment in received.datetimes("received_at", "day", tzinfo=context.tz)
    }
    return [day for day in days if day not in taken]


def living_context(now: datetime) -> Context:
    """The seeding context with its lives cut at ``now`` instead of the end of 11 July 2025."""
    context = seed_context()
    window = recent_window(context, now)
    last = window[-1] if window else context.last_working_day
    return dataclasses.replace(context, end=now, last_working_day=last)


def seed_recent_records(now: datetime) -> SeedReport:
    """Fill the working days of the window up to ``now`` that hold nothing yet (all or nothing,
    one transaction). Needs the reference data and the demo users."""
    started = timer.monotonic()
    context = living_context(now)
    window = recent_window(context, now)
    fill = days_to_fill(window, context)
    with transaction.atomic():
        continued, continued_events = close_reference_backlog(context)
        if not fill:
            skipped = not continued
            return SeedReport(skipped, continued, 0, continued_events, timer.monotonic() - started)
        lives = recent_lives(context, fill, now, waiting=fill[-1] == window[-1])
        records, events, received = insert_lives(lives, context)
        since = datetime.combine(fill[0], time.min, tzinfo=context.tz)
        tick_components(since)
        events += seed_transfers(since, now)
    return SeedReport(
        False,
        records + continued,
        received,
        events + continued_events,
        timer.monotonic() - started,
        PERIOD_FIRST_DAY if continued else fill[0],
    )


def recent_lives(context: Context, days: list[date], now: datetime, *, waiting: bool):
    """Every record of ``days`` as of ``now``; with ``waiting``, the submissions still in the
    inboxes at ``now`` too."""
    infos = {u.code: UnitInfo(u.code, u.kind, u.population or 0) for u in context.units.values()}
    averages = july_totals(list(infos.values()))
    lives: list[RecordLife] = []
    for code, unit in context.units.items():
        rng = random.Random(f"{SEED}:recent:{code}")
        online_rate = min(online_propensity(infos[code], rng) + ONLINE_GAIN, 0.95)
        daily = averages[code] / 9 * DAILY_SHARE  # July held 9 working days
        for day in days:
            lives += _day_lives(context, unit, day, now, daily=daily, online_rate=online_rate)
        if waiting:
            lives += _waiting(context, unit, now, daily * online_rate)
    return lives


def _day_lives(context, unit: Commune, day: date, now, *, daily: float, online_rate: float):
    """The records ``unit`` receives on ``day`` (those received by ``now``), and the online
    submissions it refuses at intake that day."""
    rng = random.Random(f"{SEED}:recent:{unit.code}:{day}")
    count = int(daily * WEEKDAY_WEIGHTS[day.weekday()] * rng.uniform(0.85, 1.15) + rng.random())
    times = sorted(random_office_time(rng, day, context.tz) for _ in range(count))
    specs = []
    for index, moment in enumerate(times):
        roll = rng.random()
        if roll < online_rate:
            channel = Channel.ONLINE
        elif roll < online_rate + (1 - online_rate) * POSTAL_SHARE:
            channel = Channel.POSTAL
        else:
            channel = Channel.IN_PERSON
        if moment <= now:
            specs.append(Spec(unit, day, index, moment, channel))
    lives = [received_life(spec, context, "natural") for spec in specs]
    for _ in range(int(count * online_rate * REFUSED_SHARE + rng.random())):
        moment = random_office_time(rng, day, context.tz)
        life = _submission(context, unit, rng, submitted_before(rng, context, moment))
        if moment <= now:
            life.refuse(moment, rng.choice(REFUSE_REASONS))
            lives.append(life)
    return lives


def _submission(context: Context, unit: Commune, rng, submitted_at: datetime) -> RecordLife:
    procedure = context.pick_procedure(rng, Channel.ONLINE)
    fields = base_fields(rng, unit, procedure, Channel.ONLINE)
    life = RecordLife(fields, context.calendar, context.end, context.actors.get(unit.pk))
    fields["submitted_at"] = submitted_at.replace(microsecond=0)
    life.step("submit", fields["submitted_at"], actor=None)
    return life


def _waiting(context: Context, unit: Commune, now: datetime, daily_online: float):
    """The submissions in ``unit``'s inbox at ``now``: filed within the last working day, and
    a few filed long enough ago to be past their 8 working hours; some of them returned to
    the citizen for completion (the clock stopped)."""
    rng = random.Random(f"{SEED}:recent:{unit.code}:waiting:{now.date()}")
    calendar = context.calendar
    moments = [
        now - timedelta(minutes=rng.uniform(5, 20 * 60))
        for _ in range(int(daily_online * WAITING_SHARE + rng.random()))
    ]
    for _ in range(rng.choice(OVERDUE_SUBMISSIONS)):
        hours_ago = rng.uniform(8.5, 14)  # working hours
        moments.append(_working_hours_before(calendar, now, hours_ago))
    lives = []
    for moment in sorted(moments):
        life = _submission(context, unit, rng, moment)
        if rng.random() < COMPLETION_SHARE:
            _return_for_completion(life, rng, now)
        lives.append(life)
    return lives


def _working_hours_before(calendar, now: datetime, hours: float) -> datetime:
    """A moment ``hours`` working hours before ``now`` (searched a quarter hour at a time)."""
    moment = now
    while calendar.working_time_between(moment, now) < timedelta(hours=hours):
        moment -= timedelta(minutes=15)
    return moment


def _return_for_completion(life: RecordLife, rng, now: datetime) -> None:
    """The desk asked the citizen to complete the dossier, a little after it arrived."""
    submitted = life.fields["submitted_at"]
    at = min(submitted + timedelta(minutes=rng.uniform(20, 180)), now)
    left = life.calendar.working_time_between(at, life.calendar.add_working_hours(submitted, 8))
    reason = rng.choice(COMPLETION_REASONS)
    data = {"missing": reason, "working_seconds_left": int(left.total_seconds())}
    if life.step("request_completion", at, note=reason, data=data):
        life.fields["paused_since"] = at


# The statuses a citizen's lookup shows best, one example record each (the most recent).
LOOKUP_EXAMPLE_STATUSES = (
    Status.PROCESSING,
    Status.SUPPLEMENT_REQUESTED,
    Status.RESOLVED,
    Status.RETURNED,
)


def lookup_examples() -> list[tuple[str, str, str]]:
    """(status, code, personal ID number) of one recent demo record per example status (the
    demo's ID numbers are made up), for the citizen's lookup."""
    examples = []
    for status in LOOKUP_EXAMPLE_STATUSES:
        record = (
            Record.objects.filter(status=status, code__isnull=False)
            .exclude(applicant_id_number="")
            .order_by("-received_at")
            .values_list("code", "applicant_id_number")
            .first()
        )
        if record is not None:
            examples.append((str(Status(status).label), *record))
    return examples
