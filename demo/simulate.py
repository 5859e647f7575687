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
from datetime import date, datetime, time, timedelta

from records.calendar import OFFICE_CLOSES, OFFICE_OPENS, WorkingCalendar
from records.deadlines import appointment_date, outcome_for, shift_for_pause
from records.lifecycle import ACTIONS
from records.models import (
    PAUSED_STATUSES,
    Channel,
    ResultDelivery,
    ReturnMethod,
    Status,
    TimeUnit,
)

MORNING_ENDS = time(11, 30)
AFTERNOON_STARTS = time(13, 0)
OFFICE_MINUTES = 480  # 07:30–11:30 and 13:00–17:00

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


def office_moment(day: date, minute: int, second: int = 0) -> datetime:
    """The ``minute``-th minute (0–479) of the office day, as a naive local datetime."""
    start = datetime.combine(day, OFFICE_OPENS)
    if minute >= 240:
        start = datetime.combine(day, AFTERNOON_STARTS) - timedelta(minutes=240)
    return start + timedelta(minutes=minute, seconds=second)


def random_office_time(rng: random.Random, day: date, tz, *, morning_bias: float = 0.6):
    """A random moment in the office hours of ``day`` (aware, in ``tz``)."""
    if rng.random() < morning_bias:
        minute = rng.randrange(0, 240)
    else:
        minute = rng.randrange(240, OFFICE_MINUTES)
    return office_moment(day, minute, rng.randrange(60)).replace(tzinfo=tz)


def office_minute_of(moment: datetime) -> int | None:
    """Position of an aware local moment in its office day, or None outside office hours."""
    clock = moment.time()
    if OFFICE_OPENS <= clock < MORNING_ENDS:
        return (clock.hour * 60 + clock.minute) - (7 * 60 + 30)
    if AFTERNOON_STARTS <= clock < OFFICE_CLOSES:
        return 240 + (clock.hour * 60 + clock.minute) - 13 * 60
    return None


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


@dataclass
class Clock:
    """Moves through office hours of working days."""

    calendar: WorkingCalendar
    tz: object

    def after(self, moment: datetime, minutes: float) -> datetime:
        """``minutes`` of office time after ``moment``, carried over lunch and into the next
        working day when the office closes."""
        local = moment.astimezone(self.tz)
        day = local.date()
        position = office_minute_of(local)
        if position is None or not self.calendar.is_working_day(day):
            if self.calendar.is_working_day(day) and local.time() < OFFICE_OPENS:
                position = 0
            elif self.calendar.is_working_day(day) and MORNING_ENDS <= local.time() < (
                AFTERNOON_STARTS
            ):
                position = 240
            else:
                day, position = self.calendar.next_working_day(day), 0
            local = office_moment(day, position).replace(tzinfo=self.tz)
        target = position + minutes
        while target >= OFFICE_MINUTES:
            target -= OFFICE_MINUTES
            day = self.calendar.next_working_day(day)
        whole = int(target)
        base = office_moment(day, whole, int((target - whole) * 60)).replace(tzinfo=self.tz)
        if day == local.date() and base <= local:
            return local + timedelta(minutes=minutes)  # within a minute: keep it monotonic
        return base

    def on_day(self, rng: random.Random, day: date, *, not_before: datetime) -> datetime:
        """A random office moment of ``day`` not before ``not_before`` (or a little after it
        when ``day`` is that moment's day)."""
        local = not_before.astimezone(self.tz)
        if day > local.date():
            return random_office_time(rng, day, self.tz, morning_bias=0.5)
        return self.after(not_before, rng.uniform(5, 90))


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
    """
    cal = life.calendar
    fields = life.fields
    received = fields["received_at"]
    immediate = procedure.time_unit == TimeUnit.IMMEDIATE
    multi_day = procedure.time_unit in (TimeUnit.WORKING_DAYS, TimeUnit.CALENDAR_DAYS)
    if policy == "finish":
        fate = "resolve"
    else:
        roll = rng.random()
        fate = "resolve"
        if not immediate and roll < 0.008:
            fate = "stop"
        elif not immediate and roll < 0.016:
            fate = "withdraw"

    if fields["channel"] == Channel.POSTAL and rng.random() < 0.9:
        life.digitise(clock.after(received, rng.uniform(5, 60)))
    if not immediate:
        life.step("process", clock.after(life.last_at, rng.uniform(2, 45)))
    if policy == "open":
        if multi_day and rng.random() < 0.3:
            life.request_supplement(
                clock.after(life.last_at, rng.uniform(30, 600)), rng.choice(SUPPLEMENT_REASONS)
            )
        return

    if multi_day and policy != "finish" and rng.random() < 0.05:
        rounds = 2 if rng.random() < 0.12 else 1
        for _ in range(rounds):
            life.request_supplement(
                clock.after(life.last_at, rng.uniform(30, 900)), rng.choice(SUPPLEMENT_REASONS)
            )
            life.step("supplement", clock.after(life.last_at, rng.uniform(400, 2000)))
    fee = FEES.get(procedure.key)
    if fee and policy != "finish" and rng.random() < 0.7:
        life.step(
            "request_payment", clock.after(life.last_at, rng.uniform(20, 300)), data={"amount": fee}
        )
        online = fields["channel"] == Channel.ONLINE
        if life.step(
            "paid", clock.after(life.last_at, rng.uniform(30, 1200)), data={"online": online}
        ):
            fields["paid_online"] = online

    if fate in ("stop", "withdraw"):
        moment = clock.after(life.last_at, rng.uniform(60, 2400))
        if fate == "withdraw":
            life.step("withdraw", moment, note=WITHDRAW_NOTE)
            life.step("stop", clock.after(moment, rng.uniform(30, 960)), note=WITHDRAW_STOP)
        else:
            life.step("stop", moment, note=rng.choice(STOP_REASONS))
        return

    # Resolve: aim at an outcome, then let outcome_for say what it really is.
    if immediate:
        finish = clock.after(life.last_at, rng.uniform(5, 30))
    else:
        due = fields["due_date"]
        start_day = life.last_at.astimezone(clock.tz).date()
        roll = rng.random()
        if policy == "finish":
            roll = min(roll, 0.9)
        if roll < 0.64 and start_day < due:
            span = cal.working_days_between(start_day, due) - 1
            day = cal.add_working_days(start_day, rng.randint(0, max(span, 0)))
        elif roll < 0.96 or not multi_day:
            day = max(due, start_day)
        else:
            day = cal.add_working_days(max(due, start_day), rng.choice([1, 1, 2, 3, 5]))
            if rng.random() < 0.5 and procedure.time_unit == TimeUnit.WORKING_DAYS:
                letter = max(random_office_time(rng, due, clock.tz, morning_bias=1.0), life.last_at)
                life.extend(
                    letter, cal.add_working_days(day, rng.randint(0, 1)), rng.choice(EXTEND_REASONS)
                )
        if policy == "finish":
            day = min(day, last_day)
        finish = clock.on_day(rng, day, not_before=life.last_at)
        if policy == "finish" and finish > life.end:
            finish = life.last_at + timedelta(minutes=rng.uniform(3, 20))
    if not life.step("resolve", finish):
        return
    fields["e_result"] = electronic

    # Return the result.
    if method == ReturnMethod.ONLINE:
        moment = finish + timedelta(minutes=rng.uniform(1, 15))
    elif method == ReturnMethod.POST:
        if not life.take_over(clock.after(finish, rng.uniform(60, 600))):
            return
        if rng.random() < 0.06:
            return  # at the agent point, not yet handed over
        home = fields["result_delivery"] == ResultDelivery.BY_POST
        life.deliver(clock.after(life.last_at, rng.uniform(60, 1440)), "home" if home else "point")
        return
    elif procedure.time_unit in (TimeUnit.IMMEDIATE, TimeUnit.SAME_DAY) and rng.random() < 0.7:
        moment = clock.after(finish, rng.uniform(2, 60))  # the applicant waits at the desk
    else:
        moment = clock.after(finish, rng.uniform(10, 480 * 4))
    if rng.random() < 0.06:
        return  # result ready, not yet collected
    life.return_result(moment, method)
