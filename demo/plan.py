"""The shape of the demo period, 1–11 July 2025: how many records each unit receives on each
day and through which channel, fixed so that the city's report is reproduced exactly.

Pure functions over plain data (no database): the reference figures are constants here and the
allocation is integer arithmetic (largest remainder), so the plan is the same on every machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

PERIOD_FIRST_DAY = date(2025, 7, 1)
PERIOD_LAST_DAY = date(2025, 7, 11)
SEED = 20250711

# The city's report for 1–11 July 2025 (domain brief §4).
TOTAL_RECEIVED = 13_474
TOTAL_ONLINE = 9_381  # 9,381 / 13,474 = 69.62 %
FIRST_DAY_ONLINE_RATE = 0.2370  # 1 July: ~23.7 %, i.e. ~46 points below the period's rate
MOST_RECEIVED_UNIT = "19753"  # Phường Phú Xuân
MOST_RECEIVED = 1_522
BEST_HANDLING_UNIT = "20050"  # Xã A Lưới 5: 49 of 50 finished = 98.00 %
BEST_HANDLING_RECEIVED = 50
BEST_HANDLING_FINISHED = 49
BEST_ONLINE_UNIT = "19942"  # Xã Phú Vang: 326 of 327 online
BEST_ONLINE_RECEIVED = 327
BEST_ONLINE_ONLINE = 326
FIXED_TOTALS = {
    MOST_RECEIVED_UNIT: MOST_RECEIVED,
    BEST_HANDLING_UNIT: BEST_HANDLING_RECEIVED,
    BEST_ONLINE_UNIT: BEST_ONLINE_RECEIVED,
}

# Relative intake per working day: a quieter first day of the new units, a Monday peak.
DAY_WEIGHTS = {1: 0.80, 2: 1.00, 3: 1.05, 4: 1.00, 7: 1.15, 8: 1.05, 9: 1.00, 10: 1.00, 11: 0.95}
# Relative online propensity per day after 1 July: the share grows as people learn the portal.
DAY_ONLINE_WEIGHTS = {2: 0.62, 3: 0.70, 4: 0.74, 7: 0.78, 8: 0.80, 9: 0.80, 10: 0.81, 11: 0.82}
# Share of non-online receipts that come through the public postal service.
POSTAL_SHARE = 0.05
MAX_UNIT_ONLINE_RATE = 0.93  # every unit but Phú Vang stays well below 326/327


@dataclass(frozen=True)
class UnitInfo:
    code: str
    kind: str  # "ward" or "commune"
    population: int


@dataclass
class UnitPlan:
    """Receipts of one unit: ``received[day]`` records of which ``online[day]`` online and
    ``postal[day]`` by post; the rest in person."""

    code: str
    received: dict[date, int]
    online: dict[date, int]
    postal: dict[date, int]

    @property
    def total(self) -> int:
        return sum(self.received.values())


def period_days() -> list[date]:
    days, day = [], PERIOD_FIRST_DAY
    while day <= PERIOD_LAST_DAY:
        days.append(day)
        day += timedelta(days=1)
    return days


def apportion(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """Split the integer ``total`` in proportion to ``weights`` (largest remainder), never
    giving an item more than its cap. Ties go to the earlier item. Raises ``ValueError`` when
    the caps cannot hold the total."""
    n = len(weights)
    caps = list(caps) if caps is not None else [total] * n
    if sum(caps) < total:
        raise ValueError(f"caps {sum(caps)} cannot hold {total}")
    result, fixed, remaining = _fill_to_caps(total, weights, caps)
    shares = _free_shares(remaining, weights, caps, result, fixed)
    for i, share in shares.items():
        result[i] = min(int(share), caps[i])
    _hand_out_remainders(total - sum(result), shares, caps, result)
    return result


def _fill_to_caps(
    total: int, weights: list[float], caps: list[int]
) -> tuple[list[int], list[bool], int]:
    """Water-filling: the items whose share exceeds their cap are fixed at the cap, until no
    share does. Returns the amounts so far (0 for the items not fixed), which items are fixed
    and what is left to share."""
    n = len(weights)
    result = [0] * n
    fixed = [False] * n
    remaining = total
    while True:
        free = [i for i in range(n) if not fixed[i]]
        weight = sum(weights[i] for i in free)
        over = [i for i in free if weight and remaining * weights[i] / weight > caps[i]]
        if not over:
            return result, fixed, remaining
        for i in over:
            fixed[i], result[i] = True, caps[i]
            remaining -= caps[i]


def _free_shares(
    remaining: int, weights: list[float], caps: list[int], result: list[int], fixed: list[bool]
) -> dict[int, float]:
    """The exact (fractional) share of ``remaining`` of each item not fixed at its cap, in
    proportion to the weights; equal shares among the items below their cap when no weight
    is left."""
    free = [i for i in range(len(weights)) if not fixed[i]]
    weight = sum(weights[i] for i in free)
    if not free or weight == 0:
        free = [i for i in range(len(weights)) if result[i] < caps[i]]
        return dict.fromkeys(free, remaining / float(len(free))) if free else {}
    return {i: remaining * weights[i] / weight for i in free}


def _hand_out_remainders(
    left: int, shares: dict[int, float], caps: list[int], result: list[int]
) -> None:
    """Give the ``left`` units one by one to the items with the largest fractional share
    (ties: the earlier item), in rounds, never past a cap."""
    order = sorted(shares, key=lambda i: (-(shares[i] - int(shares[i])), i))
    while left > 0:
        progressed = False
        for i in order:
            if left and result[i] < caps[i]:
                result[i] += 1
                left -= 1
                progressed = True
        if not progressed:
            raise ValueError("caps exhausted")


def unit_totals(units: list[UnitInfo]) -> dict[str, int]:
    """Records received per unit: the three reference units fixed, the others by population."""
    others = [u for u in units if u.code not in FIXED_TOTALS]
    rest = TOTAL_RECEIVED - sum(FIXED_TOTALS.values())
    counts = apportion(rest, [u.population for u in others])
    totals = dict(FIXED_TOTALS)
    totals.update({u.code: n for u, n in zip(others, counts, strict=True)})
    return totals


def online_propensity(unit: UnitInfo, rng: random.Random) -> float:
    """Urban wards file online more; the mountain communes of A Lưới less."""
    base = 0.72 if unit.kind == "ward" else 0.64
    if unit.code in ("20044", "20050", "20056", "20071", "20101"):  # A Lưới 1–5
        base = 0.52
    return base + rng.uniform(-0.07, 0.07)


def build_plan(units: list[UnitInfo]) -> dict[str, UnitPlan]:
    """Receipts per unit, day and channel such that the reference figures hold exactly.

    Guarantees: ``TOTAL_RECEIVED`` records, ``TOTAL_ONLINE`` of them online; Phú Xuân, A Lưới 5
    and Phú Vang receive their reference counts; Phú Vang has exactly one record not online and
    every other unit an online rate at most ``MAX_UNIT_ONLINE_RATE``; the online rate of 1 July
    is ``FIRST_DAY_ONLINE_RATE`` (rounded to a whole record); nothing is received on a day
    without a weight (the weekend of 5–6 July).
    """
    rng = random.Random(f"{SEED}:plan")
    units = sorted(units, key=lambda u: u.code)
    days = [d for d in period_days() if d.day in DAY_WEIGHTS]
    first = PERIOD_FIRST_DAY
    totals = unit_totals(units)

    received = {}
    for unit in units:
        weights = [DAY_WEIGHTS[d.day] * rng.uniform(0.9, 1.1) for d in days]
        received[unit.code] = dict(zip(days, apportion(totals[unit.code], weights), strict=True))

    # Online per unit: Phú Vang fixed, the others by propensity, scaled to the city's total.
    others = [u for u in units if u.code != BEST_ONLINE_UNIT]
    propensity = {u.code: online_propensity(u, rng) for u in others}
    online_total = apportion(
        TOTAL_ONLINE - BEST_ONLINE_ONLINE,
        [totals[u.code] * propensity[u.code] for u in others],
        [int(totals[u.code] * MAX_UNIT_ONLINE_RATE) for u in others],
    )
    online_by_unit = {u.code: n for u, n in zip(others, online_total, strict=True)}
    online_by_unit[BEST_ONLINE_UNIT] = BEST_ONLINE_ONLINE

    # 1 July: a fixed city-wide online count; Phú Vang's first-day receipts are all online.
    first_day_total = sum(received[u.code][first] for u in units)
    first_day_online = round(first_day_total * FIRST_DAY_ONLINE_RATE)
    vang_first = received[BEST_ONLINE_UNIT][first]
    first_online = apportion(
        first_day_online - vang_first,
        [received[u.code][first] * propensity[u.code] for u in others],
        [min(received[u.code][first], online_by_unit[u.code]) for u in others],
    )
    online_first = {u.code: n for u, n in zip(others, first_online, strict=True)}
    online_first[BEST_ONLINE_UNIT] = vang_first

    plans = {}
    later = days[1:]
    for unit in units:
        code = unit.code
        rest = online_by_unit[code] - online_first[code]
        caps = [received[code][d] for d in later]
        if code == BEST_ONLINE_UNIT:  # its one record not online arrives on 2 July
            caps[0] -= 1
        spread = apportion(
            rest, [received[code][d] * DAY_ONLINE_WEIGHTS[d.day] for d in later], caps
        )
        online = {first: online_first[code], **dict(zip(later, spread, strict=True))}
        postal = {}
        for day in days:
            offline = received[code][day] - online[day]
            postal[day] = int(offline * POSTAL_SHARE + rng.random())
        plans[code] = UnitPlan(code, received[code], online, postal)
    _check_plan(plans)
    return plans


def _check_plan(plans: dict[str, UnitPlan]) -> None:
    total = sum(p.total for p in plans.values())
    online = sum(sum(p.online.values()) for p in plans.values())
    assert total == TOTAL_RECEIVED, total
    assert online == TOTAL_ONLINE, online
    for code, plan in plans.items():
        for day, n in plan.received.items():
            assert 0 <= plan.online[day] + plan.postal[day] <= n, (code, day)
        if code != BEST_ONLINE_UNIT:
            assert sum(plan.online.values()) * 327 < plan.total * 326, code
    biggest = max(plans.values(), key=lambda p: p.total)
    assert biggest.code == MOST_RECEIVED_UNIT
    assert sorted(p.total for p in plans.values())[-2] < MOST_RECEIVED
