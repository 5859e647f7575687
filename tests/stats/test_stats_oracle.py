"""Oracle test of the statistics engine: for random record sets, random periods and random sets
of units, every figure of the period report equals a brute-force count over the records, also
after records changed (through the services) once their days had been computed."""

import contextlib
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from communes.models import Commune
from dvcqg.models import SyncMessage, SyncState
from records import services
from records.enums import Outcome, ReturnMethod, Status
from records.exceptions import InvalidTransition, RecordConflict
from records.models import Procedure, Record
from stats.models import FLOW_FIELDS, STOCK_FIELDS
from stats.reports import HIGHLIGHT_MIN_RECORDS, RATE_FIELDS, period_report
from stats.services import compute_daily_stats

pytestmark = pytest.mark.django_db


HUE = ZoneInfo("Asia/Ho_Chi_Minh")
CODES = ["19753", "19942", "20050", "19819"]  # the last one never gets records
WINDOW_START = date(2025, 7, 1)
WINDOW_DAYS = 14
KINDS = ["submitted", "refused", "open", "paused", "extended", "resolved", "returned", "stopped"]
FINISHED = {Status.STOPPED, Status.RESOLVED, Status.RETURNED}
ELIGIBLE = {
    "receive": [Status.SUBMITTED],
    "refuse": [Status.SUBMITTED],
    "resolve": [Status.RECEIVED],
    "stop": [Status.RECEIVED, Status.SUPPLEMENT_REQUESTED],
    "return": [Status.RESOLVED],
    "digitise": list(Status),
    "pause": [Status.RECEIVED, Status.SUPPLEMENT_REQUESTED],
    "hold": [Status.RECEIVED, Status.PROCESSING],
    "extend": [Status.RECEIVED, Status.PROCESSING],
}

records_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "unit": st.integers(0, 2),
            "elsewhere": st.integers(0, 4),  # 0: handled by the next unit
            "channel": st.sampled_from([1, 2, 3]),
            "kind": st.sampled_from(KINDS),
            "day": st.integers(0, WINDOW_DAYS - 1),
            "minute": st.one_of(st.sampled_from([0, 1, 1439]), st.integers(0, 1439)),
            "due_after": st.integers(0, 6),
            "extended_by": st.integers(1, 8),
            "lasts": st.integers(0, 9 * 1440),
            "return_after": st.integers(0, 3 * 1440),
            "method": st.sampled_from(ReturnMethod.values),
            "outcome": st.sampled_from(Outcome.values),
            "digitised": st.booleans(),
            "accept_within": st.integers(-3 * 60, 3 * 1440),  # deadline after submission
        }
    ),
    min_size=3,
    max_size=30,
)
changes_strategy = st.lists(
    st.tuples(
        st.integers(0, 29),
        st.sampled_from(
            [
                "receive",
                "refuse",
                "resolve",
                "stop",
                "return",
                "digitise",
                "pause",
                "hold",
                "extend",
            ]
        ),
        st.integers(1, 2 * 1440),
    ),
    min_size=3,
    max_size=8,
)
period_strategy = st.tuples(
    st.integers(-3, WINDOW_DAYS + 3),
    st.integers(0, WINDOW_DAYS + 10),
    st.sets(st.integers(0, 3), min_size=1),
)


def build_records(specs, units, procedure) -> list[Record]:
    rows = []
    for index, spec in enumerate(specs):
        receiving = units[spec["unit"]]
        handling = units[(spec["unit"] + 1) % 3] if spec["elsewhere"] == 0 else receiving
        moment = datetime.combine(
            WINDOW_START + timedelta(days=spec["day"]), time.min, tzinfo=HUE
        ) + timedelta(minutes=spec["minute"])
        later = moment + timedelta(minutes=spec["lasts"])
        record = Record(
            receiving_unit=receiving,
            handling_unit=handling,
            procedure=procedure,
            channel=spec["channel"],
            applicant_name="Nguyễn Văn An",
            digitised=spec["digitised"],
        )
        kind = spec["kind"]
        if kind in ("submitted", "refused"):
            record.channel = 2
            record.submitted_at = moment
            record.acceptance_due_at = moment + timedelta(minutes=max(spec["accept_within"], 0))
            record.status = Status.SUBMITTED
            if kind == "refused":
                record.status, record.finished_at = Status.REFUSED, later
        else:
            record.code = f"T-{index}"
            record.received_at = moment
            record.due_date = moment.date() + timedelta(days=spec["due_after"])
            record.status = {
                "open": Status.RECEIVED,
                "extended": Status.PROCESSING,
                "paused": Status.SUPPLEMENT_REQUESTED,
                "resolved": Status.RESOLVED,
                "returned": Status.RETURNED,
                "stopped": Status.STOPPED,
            }[kind]
            if kind == "paused":
                record.paused_since = later
                record.supplement_count = 1
            if kind == "extended":
                record.extended_at = later
                record.extended_due_date = record.due_date + timedelta(days=spec["extended_by"])
            if record.status in FINISHED:
                record.finished_at = later
                record.outcome = spec["outcome"]
            if kind == "returned":
                record.returned_at = later + timedelta(minutes=spec["return_after"])
                record.return_method = spec["method"]
        rows.append(record)
    return Record.objects.bulk_create(rows)


def apply_change(record: Record, action: str, minutes: int) -> None:
    """Change ``record`` through the services, at a moment after its last step; a change its
    status does not allow is simply refused by the service."""
    record.refresh_from_db()
    last = max(
        moment
        for moment in (
            record.submitted_at,
            record.received_at,
            record.finished_at,
            record.returned_at,
            record.paused_since,
            record.extended_at,
            record.events.order_by("-at").values_list("at", flat=True).first(),
        )
        if moment
    )
    at = last + timedelta(minutes=minutes)
    call = {
        "receive": lambda: services.record_receive(record=record, actor=None, at=at),
        "refuse": lambda: services.record_refuse(record=record, actor=None, reason="x", at=at),
        "resolve": lambda: services.record_resolve(record=record, actor=None, at=at),
        "stop": lambda: services.record_stop(record=record, actor=None, reason="x", at=at),
        "return": lambda: services.record_return(record=record, actor=None, method="online", at=at),
        "digitise": lambda: services.record_update_details(
            record=record, actor=None, changes={"digitised": not record.digitised}
        ),
        "pause": lambda: pause(record, at),
        "hold": lambda: services.record_request_supplement(
            record=record, actor=None, reason="x", at=at
        ),
        "extend": lambda: extend(record, at, minutes),
    }[action]
    with contextlib.suppress(InvalidTransition, RecordConflict, ValidationError):
        call()


def pause(record: Record, at: datetime) -> None:
    if record.status != Status.SUPPLEMENT_REQUESTED:
        record = services.record_request_supplement(record=record, actor=None, reason="x", at=at)
        at += timedelta(days=2)
    services.record_supplement(record=record, actor=None, at=at)  # moves the appointment date


def extend(record: Record, at: datetime, minutes: int) -> None:
    """A new date 1 to 20 days after the current one (the next working day from there)."""
    from records.calendar import WorkingCalendar

    wanted = record.current_due_date + timedelta(days=1 + minutes % 20)
    new_date = WorkingCalendar().on_or_after(wanted)
    services.record_extend(record=record, actor=None, new_due_date=new_date, reason="x", at=at)


# --- Brute force ------------------------------------------------------------------------------


def local_day(moment):
    return moment.astimezone(HUE).date() if moment else None


def brute_counts(records, unit_id: int, start: date, end: date, unsent=frozenset()) -> dict:
    """``unsent``: the records with a sync message not sent to the national portal."""

    def within(moment):
        day = local_day(moment)
        return day is not None and start <= day <= end

    def promised(r, day):
        extended = r["extended_at"] and local_day(r["extended_at"]) <= day
        return r["extended_due_date"] if extended else r["due_date"]

    def paused(r, day):
        return r["paused_since"] is not None and local_day(r["paused_since"]) <= day

    def open_at(day, overdue=None):
        """Open at the end of ``day``; with ``overdue``, also not paused then and past the
        date promised on that day ("promised") or the original date ("original")."""
        return sum(
            1
            for r in records
            if r["handling_unit_id"] == unit_id
            and r["received_at"]
            and local_day(r["received_at"]) <= day
            and (r["finished_at"] is None or local_day(r["finished_at"]) > day)
            and (
                overdue is None
                or not paused(r, day)
                and (promised(r, day) if overdue == "promised" else r["due_date"]) < day
            )
        )

    received = [
        r for r in records if r["receiving_unit_id"] == unit_id and within(r["received_at"])
    ]
    finished = [
        r
        for r in records
        if r["handling_unit_id"] == unit_id and r["status"] in FINISHED and within(r["finished_at"])
    ]
    returned = [r for r in records if r["handling_unit_id"] == unit_id and within(r["returned_at"])]

    def submission(r):
        return r["channel"] == 2 and r["submitted_at"] and r["acceptance_due_at"]

    def decided_at(r):
        if r["received_at"]:
            return r["received_at"]
        return r["finished_at"] if r["status"] == Status.REFUSED else None

    decided = [
        r
        for r in records
        if r["receiving_unit_id"] == unit_id and submission(r) and within(decided_at(r))
    ]
    # Pending: received, with a sync message not sent (read from the outbox, not the flag).
    pending = sum(r["pk"] in unsent for r in received)
    counts = {
        "received": len(received),
        "received_in_person": sum(r["channel"] == 1 for r in received),
        "received_online": sum(r["channel"] == 2 for r in received),
        "received_postal": sum(r["channel"] == 3 for r in received),
        "digitised": sum(r["digitised"] for r in received),
        "not_accepted": sum(
            1
            for r in records
            if r["receiving_unit_id"] == unit_id
            and r["status"] == Status.SUBMITTED
            and within(r["submitted_at"])
        ),
        "refused": sum(
            1
            for r in records
            if r["receiving_unit_id"] == unit_id
            and r["status"] == Status.REFUSED
            and within(r["finished_at"])
        ),
        "finished": len(finished),
        "finished_early": sum(r["outcome"] == Outcome.EARLY for r in finished),
        "finished_on_time": sum(r["outcome"] == Outcome.ON_TIME for r in finished),
        "finished_late": sum(r["outcome"] == Outcome.LATE for r in finished),
        "stopped": sum(r["status"] == Status.STOPPED for r in finished),
        "returned": len(returned),
        "returned_counter": sum(r["return_method"] == ReturnMethod.COUNTER for r in returned),
        "returned_post": sum(r["return_method"] == ReturnMethod.POST for r in returned),
        "returned_online": sum(r["return_method"] == ReturnMethod.ONLINE for r in returned),
        "acceptance_decided": len(decided),
        "acceptance_on_time": sum(decided_at(r) <= r["acceptance_due_at"] for r in decided),
        "synced": len(received) - pending,
        "sync_pending": pending,
        "carried_over": open_at(start - timedelta(days=1)),
        "open_end": open_at(end),
        "overdue_end": open_at(end, overdue="promised"),
        "overdue_original_end": open_at(end, overdue="original"),
    }
    counts["to_handle"] = counts["received"] + counts["carried_over"]
    return counts


def percent(numerator: int, denominator: int) -> Fraction | None:
    """Half-up to two decimals, computed independently of the engine."""
    if denominator == 0:
        return None
    hundredths = (Fraction(100 * 100 * numerator, denominator) + Fraction(1, 2)) // 1
    return Fraction(hundredths, 100)


def brute_rates(c: dict) -> dict:
    on_time = c["finished_early"] + c["finished_on_time"]
    return {
        "online_rate": percent(c["received_online"], c["received"]),
        "handling_rate": percent(c["finished"], c["to_handle"]),
        "on_time_rate": percent(on_time, c["finished"]),
        "on_time_rate_766": percent(
            on_time + c["open_end"] - c["overdue_original_end"], c["to_handle"]
        ),
        "digitisation_rate": percent(c["digitised"], c["received"]),
        "sync_rate": percent(c["synced"], c["received"]),
        "acceptance_timeliness": percent(c["acceptance_on_time"], c["acceptance_decided"]),
    }


def as_fractions(rates: dict) -> dict:
    return {k: None if v is None else Fraction(v) for k, v in rates.items()}


def best(rows, numerator, denominator):
    candidates = [
        (code, c)
        for code, c in rows.items()
        if c[denominator] >= HIGHLIGHT_MIN_RECORDS and c[numerator] > 0
    ]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda item: (
            -Fraction(item[1][numerator], item[1][denominator]),
            -item[1][numerator],
            item[0],
        ),
    )[0]


def check_report(
    records, units_by_code, start: date, end: date, codes: list[str], unsent=frozenset()
) -> None:
    units = [units_by_code[code] for code in codes]
    report = period_report(date_from=start, date_to=end, units=units)
    expected = {
        code: brute_counts(records, units_by_code[code].pk, start, end, unsent) for code in codes
    }

    assert sorted(row.unit.code for row in report.rows) == sorted(codes)
    for row in report.rows:
        assert row.counts == expected[row.unit.code], (row.unit.code, start, end)
        assert as_fractions(row.rates) == brute_rates(expected[row.unit.code])
    totals = {name: sum(c[name] for c in expected.values()) for name in report.totals}
    assert report.totals == totals
    assert as_fractions(report.rates) == brute_rates(totals)
    assert set(report.rates) == set(RATE_FIELDS)

    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    assert [row["date"] for row in report.daily] == days
    for row in report.daily:
        day = row["date"]
        per_unit = [brute_counts(records, units_by_code[c].pk, day, day) for c in codes]
        for name in FLOW_FIELDS:
            assert row[name] == sum(c[name] for c in per_unit), (name, day)
        assert row["open_end"] == sum(c["open_end"] for c in per_unit), day
        for name in STOCK_FIELDS:
            assert row[name] == sum(c[name] for c in per_unit), (name, day)

    highlights = report.highlights
    most = [code for code, c in expected.items() if c["received"]]
    expected_most = min(most, key=lambda code: (-expected[code]["received"], code), default=None)
    assert (highlights["most_received"] and highlights["most_received"].unit.code) == (
        expected_most
    )
    handling = highlights["highest_handling_rate"]
    assert (handling and handling.unit.code) == best(expected, "finished", "to_handle")
    online = highlights["highest_online_rate"]
    assert (online and online.unit.code) == best(expected, "received_online", "received")


@pytest.mark.slow
@settings(
    max_examples=40,
    deadline=None,
    database=None,  # no example files in the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=records_strategy,
    changes=changes_strategy,
    periods=st.lists(period_strategy, min_size=1, max_size=3),
)
def test_period_report_equals_brute_force_count(eager, reference_data, specs, changes, periods):
    units_by_code = {unit.code: unit for unit in Commune.objects.filter(code__in=CODES)}
    units = [units_by_code[code] for code in CODES]
    procedure = Procedure.objects.get(key="ho-tich-khai-sinh-da-co-giay-to")
    with transaction.atomic():
        created = build_records(specs, units, procedure)
        compute_daily_stats(
            date_from=WINDOW_START - timedelta(days=2),
            date_to=timezone.localdate(),  # as the nightly job would have by now
            unit_ids=[unit.pk for unit in units],
        )
        # Changes after the days were computed: only the recompute they schedule updates them.
        with TestCase.captureOnCommitCallbacks(execute=True):
            for index, action, minutes in changes:
                eligible = list(
                    Record.objects.filter(
                        pk__in=[r.pk for r in created], status__in=ELIGIBLE[action]
                    ).order_by("pk")
                )
                if eligible:
                    apply_change(eligible[index % len(eligible)], action, minutes)

        records = list(
            Record.objects.values(
                "pk",
                "receiving_unit_id",
                "handling_unit_id",
                "channel",
                "status",
                "digitised",
                "submitted_at",
                "received_at",
                "finished_at",
                "returned_at",
                "return_method",
                "outcome",
                "due_date",
                "extended_due_date",
                "extended_at",
                "paused_since",
                "acceptance_due_at",
            )
        )
        unsent = set(
            SyncMessage.objects.exclude(state=SyncState.SENT).values_list("record_id", flat=True)
        )
        for first, last, chosen in periods:
            start = WINDOW_START + timedelta(days=first)
            end = start + timedelta(days=last)
            codes = [CODES[i] for i in sorted(chosen)]
            check_report(records, units_by_code, start, end, codes, unsent)
        transaction.set_rollback(True)
