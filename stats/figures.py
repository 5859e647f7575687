"""What a period report is made of: its counts and rates, and how a rate is computed.

Definitions, all from counts, as percentages with two decimals (half up); a zero denominator
gives None (null in JSON, "—" in text):

- online rate = received online ÷ received;
- handling rate = finished ÷ to handle, where to handle = received in the period + carried
  over (open at the end of the day before the period);
- on-time rate = (finished early + on time) ÷ finished;
- 766 on-time rate = (finished early + on time + open at the end of the period and not past
  its original appointment date) ÷ to handle (the index's reading: an extension does not move
  the date, a record waiting for the citizen is not late);
- digitisation rate = digitised ÷ received;
- sync rate (Decision 766, indicator 1.4) = synced ÷ received, where synced = received in the
  period − those of them with a change not yet delivered to the national portal
  (``Record.sync_pending``, read live on its partial index: the only figure not from
  ``DailyStat``); a record with nothing owed to the portal (history written before the
  connector, or in bulk by the demo's seed) counts as synced;
- acceptance timeliness = online submissions accepted or refused within their 8 working
  hours (the acceptance deadline, moved by a finished completion pause) ÷ all online
  submissions accepted or refused in the period (by the day of the decision).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from communes.models import Commune
from stats.models import FLOW_FIELDS, STOCK_FIELDS

STOCK_COUNTS = ["carried_over", "to_handle", *STOCK_FIELDS]
SYNC_COUNTS = ["synced", "sync_pending"]
REPORT_COUNTS = [*FLOW_FIELDS, *STOCK_COUNTS, *SYNC_COUNTS]
RATE_FIELDS = [
    "online_rate",
    "handling_rate",
    "on_time_rate",
    "on_time_rate_766",
    "digitisation_rate",
    "sync_rate",
    "acceptance_timeliness",
]
DAILY_COUNTS = [*FLOW_FIELDS, *STOCK_FIELDS]
HUNDREDTH = Decimal("0.01")
# The rate highlights (highest handling rate, highest online rate) consider only units with at
# least this many records in the rate's denominator (records to handle, records received).
# Below 20 one record moves a rate by more than 5 points, so a unit with 2 records would "lead"
# by chance (1/1 = 100%, or even 0/2 when no unit did better). Over 1–11 July 2025 the smallest
# unit received 50 records, so every unit qualifies over a week or more; on a single day the
# smallest units receive 5 to 10 and the day's highlight goes to a busier one. The bulletin and
# the dashboard state the minimum.
HIGHLIGHT_MIN_RECORDS = 20


def rate(numerator: int, denominator: int) -> Decimal | None:
    """``numerator / denominator`` as a percentage with two decimals, None if nothing to
    divide by."""
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(HUNDREDTH, ROUND_HALF_UP)


def rates_of(counts: dict[str, int]) -> dict[str, Decimal | None]:
    on_time = counts["finished_early"] + counts["finished_on_time"]
    still_in_time = counts["open_end"] - counts["overdue_original_end"]
    return {
        "online_rate": rate(counts["received_online"], counts["received"]),
        "handling_rate": rate(counts["finished"], counts["to_handle"]),
        "on_time_rate": rate(on_time, counts["finished"]),
        "on_time_rate_766": rate(on_time + still_in_time, counts["to_handle"]),
        "digitisation_rate": rate(counts["digitised"], counts["received"]),
        "sync_rate": rate(counts["synced"], counts["received"]),
        "acceptance_timeliness": rate(counts["acceptance_on_time"], counts["acceptance_decided"]),
    }


@dataclass
class UnitFigures:
    unit: Commune
    counts: dict[str, int]
    rates: dict[str, Decimal | None]


@dataclass
class PeriodReport:
    date_from: date
    date_to: date
    units: list[Commune]
    totals: dict[str, int]
    rates: dict[str, Decimal | None]
    rows: list[UnitFigures]
    daily: list[dict]
    highlights: dict[str, UnitFigures | None] = field(default_factory=dict)
    summary_vi: str = ""
    summary_en: str = ""
