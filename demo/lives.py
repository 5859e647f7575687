"""Every demo record's life, built from the plan (``demo.plan``): the received records of each
unit and day, with their channel, applicant, agent point and fate, then the online
submissions refused at intake or still waiting at the end of the period.

Deterministic: every random choice comes from a ``random.Random`` seeded with a fixed string
per unit, day and record.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from agent_points.models import AgentPointKind
from communes.models import Commune
from core.text import fold
from demo import people
from demo.context import Context
from demo.office_time import random_office_time
from demo.plan import (
    BEST_HANDLING_FINISHED,
    BEST_HANDLING_UNIT,
    PERIOD_FIRST_DAY,
    SEED,
    UnitInfo,
    build_plan,
)
from demo.simulate import REFUSE_REASONS, RecordLife, channel_return, live
from records.enums import FINISHED_STATUSES, Channel, ResultDelivery, ReturnMethod
from records.models import Procedure

REFUSED_SHARE = 0.015  # of online receipts: extra online submissions refused at intake
PENDING_SHARE = 0.04  # of 11 July's online receipts: submissions still waiting on the 12th


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
        lives = [received_life(s, context, p) for s, p in zip(specs, policies, strict=True)]
        finished = sum(life.fields["status"] in FINISHED_STATUSES for life in lives)
        assert finished == BEST_HANDLING_FINISHED, finished
        return lives
    lives = [received_life(spec, context, "natural") for spec in specs]
    total = len(lives)
    finished = sum(life.fields["status"] in FINISHED_STATUSES for life in lives)
    position = total - 1
    while total and round(100 * finished / total, 2) >= 98.0:  # keep below A Lưới 5
        if lives[position].fields["status"] in FINISHED_STATUSES:
            lives[position] = received_life(specs[position], context, "open")
            finished -= 1
        position -= 1
    return lives


def base_fields(rng, unit: Commune, procedure: Procedure, channel: int) -> dict:
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


def submitted_before(rng, context: Context, moment: datetime) -> datetime:
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


def received_life(spec: Spec, context: Context, policy: str) -> RecordLife:
    rng = random.Random(f"{SEED}:{spec.unit.code}:{spec.day}:{spec.index}")
    unit, channel = spec.unit, spec.channel
    procedure = context.pick_procedure(rng, channel)
    fields = base_fields(rng, unit, procedure, channel)
    actor = context.actors.get(unit.pk)
    life = RecordLife(fields, context.calendar, context.end, actor, unit_code=unit.code)
    method, electronic = channel_return(rng, channel, procedure)
    receiver = "unit"
    if channel == Channel.ONLINE:
        fields["submitted_at"] = submitted_before(rng, context, spec.received_at)
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
            fields = base_fields(rng, unit, procedure, Channel.ONLINE)
            life = RecordLife(fields, context.calendar, context.end, context.actors.get(unit.pk))
            moment = random_office_time(rng, day, context.tz)
            fields["submitted_at"] = submitted_before(rng, context, moment)
            life.step("submit", fields["submitted_at"], actor=None)
            life.refuse(moment, rng.choice(REFUSE_REASONS))
            lives.append(life)
    last = context.last_working_day
    pending = int(unit_plan.online.get(last, 0) * PENDING_SHARE + rng.random())
    for _ in range(pending):
        procedure = context.pick_procedure(rng, Channel.ONLINE)
        fields = base_fields(rng, unit, procedure, Channel.ONLINE)
        life = RecordLife(fields, context.calendar, context.end, None)
        moment = datetime.combine(last, time(17, 0), tzinfo=context.tz)
        fields["submitted_at"] = moment + timedelta(minutes=rng.uniform(0, 390), seconds=0)
        fields["submitted_at"] = fields["submitted_at"].replace(microsecond=0)
        life.step("submit", fields["submitted_at"], actor=None)
        lives.append(life)
    return lives
