"""The demo records of 1–11 July 2025, built from ``demo.plan`` and inserted in bulk.

Deterministic: every random choice comes from a ``random.Random`` seeded with a fixed string
per unit, day and record, so the same records (codes, times, applicants, histories) appear on
every machine. Idempotent: nothing is written when records or code sequences of the period
already exist.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from accounts.models import Role, User
from agent_points.models import AgentPoint, AgentPointKind
from communes.models import Commune
from core.text import fold
from demo import people
from demo.plan import (
    BEST_HANDLING_FINISHED,
    BEST_HANDLING_UNIT,
    PERIOD_FIRST_DAY,
    PERIOD_LAST_DAY,
    SEED,
    UnitInfo,
    build_plan,
)
from demo.simulate import (
    REFUSE_REASONS,
    Clock,
    RecordLife,
    channel_return,
    live,
    random_office_time,
)
from demo.users import DEMO_USERS
from records.calendar import WorkingCalendar
from records.enums import FINISHED_STATUSES
from records.models import (
    Channel,
    OnlineLevel,
    Procedure,
    Record,
    RecordEvent,
    RecordSequence,
    ResultDelivery,
    ReturnMethod,
)

# How often a commune desk sees each procedure: (at the counter or by post, online).
# Certified copies dominate the counter; civil-status extracts and certificates lead online.
PROCEDURE_WEIGHTS = {
    "chung-thuc-ban-sao": (30, 18),
    "chung-thuc-chu-ky": (7, 0),
    "chung-thuc-ban-sao-so-goc": (1.5, 1),
    "chung-thuc-hop-dong": (5, 0),
    "chung-thuc-sua-doi-hop-dong": (0.5, 0),
    "chung-thuc-chu-ky-nguoi-dich": (0.5, 0),
    "ho-tich-khai-sinh": (4, 8),
    "ho-tich-khai-sinh-nhan-cha-me-con": (0.4, 0.3),
    "ho-tich-khai-sinh-luu-dong": (0.2, 0),
    "ho-tich-khai-sinh-da-co-giay-to": (0.8, 0.6),
    "ho-tich-ket-hon": (3, 1.5),
    "ho-tich-khai-tu": (1.5, 2.5),
    "ho-tich-xac-nhan-hon-nhan": (4, 12),
    "ho-tich-cai-chinh": (1.5, 2),
    "ho-tich-nhan-cha-me-con": (0.3, 0.2),
    "ho-tich-trich-luc": (4, 16),
    "ho-tich-dang-ky-lai": (0.4, 0.4),
    "ho-tich-giam-ho": (0.2, 0.1),
    "bao-tro-tro-cap-hang-thang": (2.5, 1.5),
    "bao-tro-chi-tra-doi-noi-cu-tru": (0.4, 0.3),
    "bao-tro-mai-tang": (0.8, 0.5),
    "dat-dai-hoa-giai": (0.6, 0),
    "dat-dai-giai-quyet-tranh-chap": (0.3, 0),
    "dat-dai-giao-dat": (0.5, 0.3),
    "kinh-doanh-ho-kinh-doanh": (1.5, 4),
    "lien-thong-khai-sinh": (1, 7),
    "lien-thong-khai-tu": (0.4, 2),
}
REFUSED_SHARE = 0.015  # of online receipts: extra online submissions refused at intake
PENDING_SHARE = 0.04  # of 11 July's online receipts: submissions still waiting on the 12th
BATCH_SIZE = 500


@dataclass(frozen=True)
class SeedReport:
    """What ``seed_demo_records`` did: rows created (0 when skipped) and the time it took."""

    skipped: bool
    records: int
    received: int
    events: int
    seconds: float


@dataclass
class Context:
    """Reference rows and helpers shared by every record of a run."""

    units: dict[str, Commune]
    procedures: dict[str, Procedure]
    points: dict[int, list[tuple[int, str]]]
    point_codes: dict[int, str]
    actors: dict[int, int]
    point_actors: dict[int, int]
    calendar: WorkingCalendar
    clock: Clock
    tz: ZoneInfo
    end: datetime
    last_working_day: date

    def pick_procedure(self, rng: random.Random, channel: int) -> Procedure:
        column = 1 if channel == Channel.ONLINE else 0
        keys = [
            key
            for key, weights in PROCEDURE_WEIGHTS.items()
            if key in self.procedures
            and weights[column] > 0
            and (channel != Channel.ONLINE or self.procedures[key].online_level != OnlineLevel.NONE)
        ]
        weights = [PROCEDURE_WEIGHTS[key][column] for key in keys]
        return self.procedures[rng.choices(keys, weights)[0]]

    def pick_point(self, rng: random.Random, unit: Commune, preferred: str) -> int:
        points = self.points[unit.pk]
        fitting = [pk for pk, kind in points if kind == preferred] or [pk for pk, _ in points]
        return rng.choice(fitting)


def period_bounds(tz) -> tuple[datetime, datetime]:
    start = datetime.combine(PERIOD_FIRST_DAY, time.min, tzinfo=tz)
    end = datetime.combine(PERIOD_LAST_DAY, time.max, tzinfo=tz)
    return start, end


def demo_records_present() -> bool:
    """True when records or code sequences of 1–11 July 2025 already exist (seeded before,
    or real data): the seed then writes nothing."""
    start, end = period_bounds(ZoneInfo(settings.TIME_ZONE))
    in_period = Q(received_at__range=(start, end)) | Q(submitted_at__range=(start, end))
    return (
        Record.objects.filter(in_period).exists()
        or RecordSequence.objects.filter(day__range=(PERIOD_FIRST_DAY, PERIOD_LAST_DAY)).exists()
    )


def seed_demo_records() -> SeedReport:
    """Create the demo records of 1–11 July 2025 with their histories and code sequences.

    Needs the reference data (40 units, agent points, procedures) loaded. All or nothing (one
    transaction); skipped when ``demo_records_present()``. The records reproduce the city's
    report exactly (see ``demo.plan``), as of the end of 11 July 2025: no event is
    later than that.
    """
    import time as timer

    started = timer.monotonic()
    if demo_records_present():
        return SeedReport(True, 0, 0, 0, timer.monotonic() - started)
    context = seed_context()
    lives = build_lives(context)
    with transaction.atomic():
        records, events, received = _insert(lives, context)
    return SeedReport(False, records, received, events, timer.monotonic() - started)


def seed_context() -> Context:
    """The reference rows a seeding run needs, read once."""
    tz = ZoneInfo(settings.TIME_ZONE)
    units = {u.code: u for u in Commune.objects.filter(active=True).order_by("code")}
    procedures = {
        p.key: p for p in Procedure.objects.filter(active=True, key__in=list(PROCEDURE_WEIGHTS))
    }
    if not procedures:
        raise ValueError("No demo procedure in the catalogue: run load_reference first.")
    points: dict[int, list[tuple[int, str]]] = {}
    point_codes: dict[int, str] = {}
    rows = AgentPoint.objects.filter(active=True).order_by("code")
    for pk, commune_id, kind, code in rows.values_list("pk", "commune", "kind", "code"):
        points.setdefault(commune_id, []).append((pk, kind))
        point_codes[pk] = code
    demo_names = [name for name, *_ in DEMO_USERS]
    demo_users = User.objects.filter(username__in=demo_names, is_active=True).order_by("pk")
    actors = dict(demo_users.filter(role=Role.CLERK).values_list("commune", "pk"))
    point_actors = dict(demo_users.filter(role=Role.POST_STAFF).values_list("agent_point", "pk"))
    calendar = WorkingCalendar()
    _, end = period_bounds(tz)
    last = PERIOD_LAST_DAY
    while not calendar.is_working_day(last):
        last -= timedelta(days=1)
    return Context(
        units,
        procedures,
        points,
        point_codes,
        actors,
        point_actors,
        calendar,
        Clock(calendar, tz),
        tz,
        end,
        last,
    )


@dataclass
class Spec:
    """Where a received record comes from: enough to rebuild its life under another policy."""

    unit: Commune
    day: date
    index: int
    received_at: datetime
    channel: int


def build_lives(context: Context) -> list[RecordLife]:
    """Every demo record's life: the received ones from the plan, then refused and pending
    online submissions. Handling rates: A Lưới 5 exactly 49 of 50, every other unit below
    98.00 % (records received last are kept open when needed)."""
    infos = [UnitInfo(u.code, u.kind, u.population or 0) for u in context.units.values()]
    plan = build_plan(infos)
    lives: list[RecordLife] = []
    for code, unit in context.units.items():
        unit_plan = plan[code]
        specs = []
        for day in sorted(unit_plan.received):
            count = unit_plan.received[day]
            if not count:
                continue
            rng = random.Random(f"{SEED}:{code}:{day}")
            times = sorted(random_office_time(rng, day, context.tz) for _ in range(count))
            online, postal = unit_plan.online[day], unit_plan.postal[day]
            channels = (
                [Channel.ONLINE] * online
                + [Channel.POSTAL] * postal
                + [Channel.IN_PERSON] * (count - online - postal)
            )
            rng.shuffle(channels)
            specs += [
                Spec(unit, day, i, at, ch)
                for i, (at, ch) in enumerate(zip(times, channels, strict=True))
            ]
        unit_lives = _unit_lives(specs, context, code == BEST_HANDLING_UNIT)
        lives += unit_lives
        lives += _submissions(unit, unit_plan, context)
    return lives


def _unit_lives(specs: list[Spec], context: Context, best: bool) -> list[RecordLife]:
    if best:  # A Lưới 5: everything finished but the last record received
        policies = ["finish"] * (len(specs) - 1) + ["open"]
        lives = [_received_life(s, context, p) for s, p in zip(specs, policies, strict=True)]
        finished = sum(life.fields["status"] in FINISHED_STATUSES for life in lives)
        assert finished == BEST_HANDLING_FINISHED, finished
        return lives
    lives = [_received_life(spec, context, "natural") for spec in specs]
    total = len(lives)
    finished = sum(life.fields["status"] in FINISHED_STATUSES for life in lives)
    position = total - 1
    while total and round(100 * finished / total, 2) >= 98.0:  # keep below A Lưới 5
        if lives[position].fields["status"] in FINISHED_STATUSES:
            lives[position] = _received_life(specs[position], context, "open")
            finished -= 1
        position -= 1
    return lives


def _base_fields(rng, unit: Commune, procedure: Procedure, channel: int) -> dict:
    applicant = people.applicant(rng, unit_code=unit.code, unit_name=unit.name, unit_kind=unit.kind)
    return {
        **applicant,
        "applicant_name_folded": fold(applicant["applicant_name"]),
        "receiving_unit_id": unit.pk,
        "handling_unit_id": unit.pk,
        "procedure_id": procedure.pk,
        "channel": channel,
        "status": None,
        "code": None,
        "submitted_at": None,
        "received_at": None,
        "due_date": None,
        "extended_due_date": None,
        "extended_at": None,
        "paused_since": None,
        "supplement_count": 0,
        "finished_at": None,
        "outcome": "",
        "returned_at": None,
        "return_method": "",
        "agent_point_id": None,
        "result_delivery": ResultDelivery.AT_UNIT,
        "result_at_point_since": None,
        "digitised": channel != Channel.IN_PERSON or rng.random() < 0.55,
        "paid_online": False,
        "e_result": False,
        "created_by_id": None,
        "version": 0,
    }


def _submitted_before(rng, context: Context, moment: datetime) -> datetime:
    """When an online dossier was filed: minutes to a few days before it was handled, at any
    hour and on any day (weekends included), but not before the new units existed."""
    lag = timedelta(minutes=rng.expovariate(1 / 300))
    if rng.random() < 0.25:
        lag += timedelta(days=rng.uniform(0.5, 3))
    earliest = datetime.combine(PERIOD_FIRST_DAY, time(6, 0), tzinfo=context.tz)
    submitted = moment - lag
    if submitted < earliest:
        submitted = earliest + (moment - earliest) * rng.uniform(0.1, 0.9)
    return submitted.replace(microsecond=0)


def _received_life(spec: Spec, context: Context, policy: str) -> RecordLife:
    rng = random.Random(f"{SEED}:{spec.unit.code}:{spec.day}:{spec.index}")
    unit, channel = spec.unit, spec.channel
    procedure = context.pick_procedure(rng, channel)
    fields = _base_fields(rng, unit, procedure, channel)
    actor = context.actors.get(unit.pk)
    life = RecordLife(fields, context.calendar, context.end, actor, unit_code=unit.code)
    method, electronic = channel_return(rng, channel, procedure)
    receiver = "unit"
    if channel == Channel.ONLINE:
        fields["submitted_at"] = _submitted_before(rng, context, spec.received_at)
        life.step("submit", fields["submitted_at"], actor=None)
        if rng.random() < 0.12 and context.points.get(unit.pk):  # filed at an agent point
            fields["agent_point_id"] = context.pick_point(
                rng, unit, AgentPointKind.ONLINE_SUPPORT_POINT
            )
    elif channel == Channel.POSTAL:  # received by the post office staff (postal_receive)
        fields["agent_point_id"] = context.pick_point(
            rng, unit, AgentPointKind.FORMER_HQ_POST_OFFICE
        )
        fields["digitised"] = False  # digitised afterwards, by the post office staff
        fields["created_by_id"] = context.point_actors.get(fields["agent_point_id"])
        receiver = "point"
    else:
        fields["created_by_id"] = actor
    if method == ReturnMethod.POST:
        if channel == Channel.POSTAL or rng.random() < 0.7:
            fields["result_delivery"] = ResultDelivery.BY_POST
        else:
            fields["result_delivery"] = ResultDelivery.AT_POINT
        if fields["agent_point_id"] is None:
            fields["agent_point_id"] = context.pick_point(
                rng, unit, AgentPointKind.FORMER_HQ_POST_OFFICE
            )
    if fields["agent_point_id"] is not None:
        life.point_actor_id = context.point_actors.get(fields["agent_point_id"])
        life.point_code = context.point_codes[fields["agent_point_id"]]
    life.receive(spec.received_at, procedure, actor=receiver)
    live(
        life,
        rng,
        context.clock,
        procedure,
        policy=policy,
        last_day=context.last_working_day,
        method=method,
        electronic=electronic,
    )
    return life


def _submissions(unit: Commune, unit_plan, context: Context) -> list[RecordLife]:
    """Online submissions that are not intake: refused at the desk, or still waiting to be
    accepted at the end of the period (filed on the evening of 11 July)."""
    rng = random.Random(f"{SEED}:{unit.code}:submissions")
    lives = []
    for day in sorted(unit_plan.online):
        refused = int(unit_plan.online[day] * REFUSED_SHARE + rng.random())
        for _ in range(refused):
            procedure = context.pick_procedure(rng, Channel.ONLINE)
            fields = _base_fields(rng, unit, procedure, Channel.ONLINE)
            life = RecordLife(fields, context.calendar, context.end, context.actors.get(unit.pk))
            moment = random_office_time(rng, day, context.tz)
            fields["submitted_at"] = _submitted_before(rng, context, moment)
            life.step("submit", fields["submitted_at"], actor=None)
            life.refuse(moment, rng.choice(REFUSE_REASONS))
            lives.append(life)
    last = context.last_working_day
    pending = int(unit_plan.online.get(last, 0) * PENDING_SHARE + rng.random())
    for _ in range(pending):
        procedure = context.pick_procedure(rng, Channel.ONLINE)
        fields = _base_fields(rng, unit, procedure, Channel.ONLINE)
        life = RecordLife(fields, context.calendar, context.end, None)
        moment = datetime.combine(last, time(17, 0), tzinfo=context.tz)
        fields["submitted_at"] = moment + timedelta(minutes=rng.uniform(0, 390), seconds=0)
        fields["submitted_at"] = fields["submitted_at"].replace(microsecond=0)
        life.step("submit", fields["submitted_at"], actor=None)
        lives.append(life)
    return lives


def _insert(lives: list[RecordLife], context: Context) -> tuple[int, int, int]:
    """Issue codes (per unit per local day, in order of receipt, from 0001), write records,
    events and sequences. Returns (records, events, received)."""
    by_unit_day: dict[tuple[int, date], list[RecordLife]] = {}
    for life in lives:
        received_at = life.fields["received_at"]
        if received_at is not None:
            key = (life.fields["receiving_unit_id"], received_at.astimezone(context.tz).date())
            by_unit_day.setdefault(key, []).append(life)
    agency = {u.pk: u.agency_code for u in context.units.values()}
    sequences = []
    for (unit_id, day), group in sorted(by_unit_day.items()):
        group.sort(key=lambda life: life.fields["received_at"])
        for number, life in enumerate(group, start=1):
            life.fields["code"] = f"{agency[unit_id]}-{day:%y%m%d}-{number:04d}"
        sequences.append(RecordSequence(unit_id=unit_id, day=day, last_number=len(group)))

    records = [Record(**life.fields) for life in lives]
    Record.objects.bulk_create(records, batch_size=BATCH_SIZE)
    events = [
        RecordEvent(record_id=record.pk, **event)
        for record, life in zip(records, lives, strict=True)
        for event in life.events
    ]
    RecordEvent.objects.bulk_create(events, batch_size=BATCH_SIZE * 2)
    RecordSequence.objects.bulk_create(sequences, batch_size=BATCH_SIZE)
    received = sum(len(group) for group in by_unit_day.values())
    return len(records), len(events), received
