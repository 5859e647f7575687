"""What a demo seeding run reads once: the reference rows (units, procedures, agent points,
demo users) and the working calendar, and how often each procedure is asked for."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from accounts.models import Role, User
from agent_points.models import AgentPoint
from communes.models import Commune
from demo.office_time import Clock
from demo.plan import PERIOD_FIRST_DAY, PERIOD_LAST_DAY
from demo.users import DEMO_USERS
from records.calendar import WorkingCalendar
from records.enums import Channel, OnlineLevel
from records.models import Procedure

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
