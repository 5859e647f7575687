"""One demo record's life, step by step, as the lifecycle services would have written it.

``RecordLife`` mirrors ``records.services._transition`` on a plain dict of record fields: the
same pause handling (``shift_for_pause``), finish stamping (``outcome_for``) and event data, but
without a database round trip per step, so that thousands of records can be bulk-inserted.
Every step at or before ``end`` is kept; the first step after ``end`` closes the life, and the
record stays in the status it had then (open at the end of the period).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from demo.office_time import Clock, random_office_time
from records.calendar import WorkingCalendar
from records.deadlines import appointment_date, outcome_for, shift_for_pause
from records.enums import PAUSED_STATUSES, Channel, ResultDelivery, ReturnMethod, Status, TimeUnit
from records.lifecycle import ACTIONS

SUPPLEMENT_REASONS = [
    "Bổ sung bản sao giấy tờ tùy thân của người yêu cầu.",
    "Bổ sung giấy ủy quyền có chứng thực.",
    "Bổ sung giấy xác nhận của cơ quan có thẩm quyền.",
    "Tờ khai chưa đủ chữ ký, đề nghị bổ sung.",
]
STOP_REASONS = [
    "Hồ sơ không đủ điều kiện giải quyết theo quy định.",
    "Thông tin trong hồ sơ không khớp với Cơ sở dữ liệu quốc gia về dân cư.",
]
WITHDRAW_NOTE = "Người nộp đề nghị rút hồ sơ."
WITHDRAW_STOP = "Dừng xử lý theo đề nghị rút hồ sơ của người nộp."
REFUSE_REASONS = [
    "Hồ sơ nộp sai thủ tục, đề nghị nộp lại đúng thủ tục.",
    "Thành phần hồ sơ không đầy đủ, ảnh chụp giấy tờ không rõ.",
    "Người nộp không thuộc thẩm quyền giải quyết của đơn vị.",
]
EXTEND_REASONS = [
    "Cần xác minh thêm thông tin tại cơ quan liên quan.",
    "Chờ kết quả xác minh từ đơn vị khác.",
]
FEES = {"kinh-doanh-ho-kinh-doanh": 100_000, "dat-dai-giao-dat": 1_500_000}


@dataclass
class RecordLife:
    """Fields of one record (keyword arguments of ``Record``) and its events so far."""

    fields: dict
    calendar: WorkingCalendar
    end: datetime
    actor_id: int | None
    events: list[dict] = field(default_factory=list)
    closed: bool = False
    # The agent point's post office staff (actor of take-over and delivery) and the codes
    # those events carry.
    point_actor_id: int | None = None
    unit_code: str = ""
    point_code: str = ""

    @property
    def status(self) -> int:
        return self.fields["status"]

    @property
    def last_at(self) -> datetime:
        return self.events[-1]["at"]

    def step(
        self, action: str, at: datetime, *, note: str = "", data=None, actor: str = "unit"
    ) -> bool:
        """Apply ``action`` at ``at`` as the services do; False (and closed) past ``end``."""
        if self.closed or at > self.end:
            self.closed = True
            return False
        rule = ACTIONS[action]
        current = self.fields
        from_status = current["status"] if self.events else None
        if self.events:
            assert from_status in rule.sources, (action, from_status)
            assert at >= self.last_at, (action, at, self.last_at)
        target = rule.target if rule.target is not None else from_status
        event_data: dict = {}
        if from_status in PAUSED_STATUSES and target not in PAUSED_STATUSES:
            current["due_date"], days = shift_for_pause(
                current["due_date"], current["paused_since"], at, self.calendar
            )
            if current["extended_due_date"]:
                current["extended_due_date"], _ = shift_for_pause(
                    current["extended_due_date"], current["paused_since"], at, self.calendar
                )
            current["paused_since"] = None
            event_data["paused_working_days"] = days
            event_data["due_date"] = current["due_date"].isoformat()
        elif target in PAUSED_STATUSES and from_status not in PAUSED_STATUSES:
            current["paused_since"] = at
        event_data.update(data or {})
        current["status"] = target
        if target != from_status and target in (Status.RESOLVED, Status.STOPPED):
            current["finished_at"] = at
            current["outcome"] = outcome_for(
                at, current["due_date"], supplement_count=current["supplement_count"]
            )
            event_data["outcome"] = current["outcome"]
        self.events.append(
            {
                "action": action,
                "from_status": from_status,
                "to_status": target,
                "at": at,
                "actor_id": {"unit": self.actor_id, "point": self.point_actor_id}.get(actor),
                "note": note,
                "data": event_data,
            }
        )
        current["version"] = len(self.events)
        return True

    # --- Actions with their own fields (as in records.services) ---------------------------

    def receive(self, at: datetime, procedure, *, actor: str = "unit") -> bool:
        """Receipt: appointment date from the procedure's limit; the code comes later."""
        self.fields["received_at"] = at
        self.fields["due_date"] = appointment_date(
            at, procedure.time_limit, procedure.time_unit, self.calendar
        )
        data = {"due_date": self.fields["due_date"].isoformat()} if self.events else {}
        return self.step("receive", at, data=data, actor=actor)

    def request_supplement(self, at: datetime, reason: str) -> bool:
        if at > self.end or self.closed:
            return self.step("request_supplement", at)
        self.fields["supplement_count"] += 1
        return self.step(
            "request_supplement",
            at,
            note=reason,
            data={"supplement_count": self.fields["supplement_count"]},
        )

    def refuse(self, at: datetime, reason: str) -> bool:
        if at <= self.end and not self.closed:
            self.fields["finished_at"] = at
        return self.step("refuse", at, note=reason)

    def return_result(self, at: datetime, method: str) -> bool:
        if at <= self.end and not self.closed:
            self.fields["returned_at"] = at
            self.fields["return_method"] = method
        return self.step("return", at, data={"method": method})

    def digitise(self, at: datetime) -> bool:
        """The post office staff digitise a dossier received by post (``record_digitise``)."""
        if at <= self.end and not self.closed:
            self.fields["digitised"] = True
        return self.step("digitise", at, actor="point")

    def take_over(self, at: datetime) -> bool:
        """The agent point takes the resolved result over from the unit."""
        if at <= self.end and not self.closed:
            self.fields["result_at_point_since"] = at
        data = {"from_unit": self.unit_code, "to_point": self.point_code}
        return self.step("take_over", at, data=data, actor="point")

    def deliver(self, at: datetime, place: str) -> bool:
        """The agent point hands the result over, at the point or at home (returned by post)."""
        if at <= self.end and not self.closed:
            self.fields["returned_at"] = at
            self.fields["return_method"] = ReturnMethod.POST
        data = {
            "recipient_name": self.fields["applicant_name"],
            "place": place,
            "point": self.point_code,
        }
        return self.step("deliver", at, data=data, actor="point")

    def extend(self, at: datetime, new_due: date, reason: str) -> bool:
        if at > self.end or self.closed:
            return self.step("extend", at)
        current = self.fields
        previous = current["extended_due_date"] or current["due_date"]
        data = {
            "original_due_date": current["due_date"].isoformat(),
            "previous_due_date": previous.isoformat(),
            "new_due_date": new_due.isoformat(),
        }
        current["extended_due_date"] = new_due
        current["extended_at"] = current.get("extended_at") or at
        return self.step("extend", at, note=reason, data=data)


def channel_return(rng: random.Random, channel: int, procedure) -> tuple[str, bool]:
    """How the result goes back, and whether it is electronic."""
    if channel == Channel.ONLINE:
        if procedure.online_level == "full" and rng.random() < 0.75:
            return ReturnMethod.ONLINE, True
        return (ReturnMethod.POST, False) if rng.random() < 0.05 else (ReturnMethod.COUNTER, False)
    if channel == Channel.POSTAL:
        return (ReturnMethod.POST, False) if rng.random() < 0.9 else (ReturnMethod.COUNTER, False)
    return (ReturnMethod.POST, False) if rng.random() < 0.04 else (ReturnMethod.COUNTER, False)


def live(
    life: RecordLife,
    rng: random.Random,
    clock: Clock,
    procedure,
    *,
    policy: str = "natural",
    last_day: date,
    method: str,
    electronic: bool,
) -> None:
    """Run a received record's life after its receipt event.

    ``policy``: ``natural`` (random fate, cut at the end of the period), ``finish`` (resolved
    within the period, no late outcome), ``open`` (still being processed at the end).
    ``method``: how the result goes back (by post: taken over and delivered by the agent
    point); ``electronic``: whether the result is an electronic document.

    The steps draw from ``rng`` in a fixed order: the demo figures depend on it.
    """
    immediate = procedure.time_unit == TimeUnit.IMMEDIATE
    multi_day = procedure.time_unit in (TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS)
    fate = _fate(rng, policy=policy, immediate=immediate)
    _intake(life, rng, clock, immediate=immediate)
    if policy == "open":
        _leave_open(life, rng, clock, multi_day=multi_day)
        return
    if multi_day and policy != "finish" and rng.random() < 0.05:
        _supplement_rounds(life, rng, clock)
    fee = FEES.get(procedure.key)
    if fee and policy != "finish" and rng.random() < 0.7:
        _pay_fee(life, rng, clock, fee)
    if fate in ("stop", "withdraw"):
        _stop(life, rng, clock, withdrawn=fate == "withdraw")
        return
    # Resolve: aim at an outcome, then let outcome_for say what it really is.
    if immediate:
        finish = clock.after(life.last_at, rng.uniform(5, 30))
    else:
        finish = _finish_moment(life, rng, clock, procedure, policy=policy, last_day=last_day)
    if not life.step("resolve", finish):
        return
    life.fields["e_result"] = electronic
    _return(life, rng, clock, procedure, method=method, finish=finish)


def _fate(rng: random.Random, *, policy: str, immediate: bool) -> str:
    """``resolve``, ``stop`` (0.8 %) or ``withdraw`` (0.8 %); immediate procedures and the
    ``finish`` policy always resolve."""
    if policy == "finish":
        return "resolve"
    roll = rng.random()
    if not immediate and roll < 0.008:
        return "stop"
    if not immediate and roll < 0.016:
        return "withdraw"
    return "resolve"


def _intake(life: RecordLife, rng: random.Random, clock: Clock, *, immediate: bool) -> None:
    """Most postal dossiers are digitised by the agent point; then processing starts (not for
    immediate procedures)."""
    if life.fields["channel"] == Channel.POSTAL and rng.random() < 0.9:
        life.digitise(clock.after(life.fields["received_at"], rng.uniform(5, 60)))
    if not immediate:
        life.step("process", clock.after(life.last_at, rng.uniform(2, 45)))


def _leave_open(life: RecordLife, rng: random.Random, clock: Clock, *, multi_day: bool) -> None:
    """A record still open at the end of the period, some waiting for a supplement."""
    if multi_day and rng.random() < 0.3:
        life.request_supplement(
            clock.after(life.last_at, rng.uniform(30, 600)), rng.choice(SUPPLEMENT_REASONS)
        )


def _supplement_rounds(life: RecordLife, rng: random.Random, clock: Clock) -> None:
    """One supplement request and its supplement (two rounds for 12 %)."""
    rounds = 2 if rng.random() < 0.12 else 1
    for _ in range(rounds):
        life.request_supplement(
            clock.after(life.last_at, rng.uniform(30, 900)), rng.choice(SUPPLEMENT_REASONS)
        )
        life.step("supplement", clock.after(life.last_at, rng.uniform(400, 2000)))


def _pay_fee(life: RecordLife, rng: random.Random, clock: Clock, fee: int) -> None:
    """The unit asks for the fee; the applicant pays it (online when the record came so)."""
    life.step(
        "request_payment", clock.after(life.last_at, rng.uniform(20, 300)), data={"amount": fee}
    )
    online = life.fields["channel"] == Channel.ONLINE
    if life.step("paid", clock.after(life.last_at, rng.uniform(30, 1200)), data={"online": online}):
        life.fields["paid_online"] = online


def _stop(life: RecordLife, rng: random.Random, clock: Clock, *, withdrawn: bool) -> None:
    """Processing stopped: on the applicant's withdrawal, or refused on the merits."""
    moment = clock.after(life.last_at, rng.uniform(60, 2400))
    if withdrawn:
        life.step("withdraw", moment, note=WITHDRAW_NOTE)
        life.step("stop", clock.after(moment, rng.uniform(30, 960)), note=WITHDRAW_STOP)
    else:
        life.step("stop", moment, note=rng.choice(STOP_REASONS))


def _finish_moment(
    life: RecordLife, rng: random.Random, clock: Clock, procedure, *, policy: str, last_day: date
) -> datetime:
    """When a record with a time limit is resolved: before its due date (64 %), on it, or a
    few working days late (4 %, half of them with an extension letter first). The ``finish``
    policy keeps it on time and within the period."""
    due = life.fields["due_date"]
    start_day = life.last_at.astimezone(clock.tz).date()
    roll = rng.random()
    if policy == "finish":
        roll = min(roll, 0.9)
    multi_day = procedure.time_unit in (TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS)
    if roll < 0.64 and start_day < due:
        span = life.calendar.working_days_between(start_day, due) - 1
        day = life.calendar.add_working_days(start_day, rng.randint(0, max(span, 0)))
    elif roll < 0.96 or not multi_day:
        day = max(due, start_day)
    else:
        day = _late_day(life, rng, clock, procedure, due=due, start_day=start_day)
    if policy == "finish":
        day = min(day, last_day)
    finish = clock.on_day(rng, day, not_before=life.last_at)
    if policy == "finish" and finish > life.end:
        finish = life.last_at + timedelta(minutes=rng.uniform(3, 20))
    return finish


def _late_day(
    life: RecordLife, rng: random.Random, clock: Clock, procedure, *, due: date, start_day: date
) -> date:
    """A day 1–5 working days past the due date; for half of the working-day procedures the
    unit first sends an extension letter on the due date."""
    cal = life.calendar
    day = cal.add_working_days(max(due, start_day), rng.choice([1, 1, 2, 3, 5]))
    if rng.random() < 0.5 and procedure.time_unit == TimeUnit.WORKING_DAYS:
        letter = max(random_office_time(rng, due, clock.tz, morning_bias=1.0), life.last_at)
        life.extend(
            letter, cal.add_working_days(day, rng.randint(0, 1)), rng.choice(EXTEND_REASONS)
        )
    return day


def _return(
    life: RecordLife, rng: random.Random, clock: Clock, procedure, *, method: str, finish
) -> None:
    """The result goes back: online at once, by post through the agent point, or at the
    counter (soon for the procedures done while the applicant waits). Some are not collected
    yet at the end of the period."""
    if method == ReturnMethod.POST:
        _return_by_post(life, rng, clock, finish=finish)
        return
    if method == ReturnMethod.ONLINE:
        moment = finish + timedelta(minutes=rng.uniform(1, 15))
    elif procedure.time_unit in (TimeUnit.IMMEDIATE, TimeUnit.SAME_DAY) and rng.random() < 0.7:
        moment = clock.after(finish, rng.uniform(2, 60))  # the applicant waits at the desk
    else:
        moment = clock.after(finish, rng.uniform(10, 480 * 4))
    if rng.random() < 0.06:
        return  # result ready, not yet collected
    life.return_result(moment, method)


def _return_by_post(life: RecordLife, rng: random.Random, clock: Clock, *, finish) -> None:
    """The agent point takes the result over and hands it over, at the point or at home."""
    if not life.take_over(clock.after(finish, rng.uniform(60, 600))):
        return
    if rng.random() < 0.06:
        return  # at the agent point, not yet handed over
    home = life.fields["result_delivery"] == ResultDelivery.BY_POST
    life.deliver(clock.after(life.last_at, rng.uniform(60, 1440)), "home" if home else "point")
