"""The sync rate (Decision 766, indicator 1.4) and the acceptance timeliness of online
submissions: on the dashboard, in the period report, its exports and the API; the sync rate
equals a recount over the outbox after real deliveries to the simulator; the timeliness on a
calendar case (8 working hours, a completion pause honoured); the incremental recompute equals
the full one."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.db.models import Exists, OuterRef
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from dvcqg import outbox
from dvcqg.models import SyncMessage, SyncState
from records import services
from records.calendar import day_start
from records.exceptions import RecordConflict
from records.models import Record
from stats.models import COUNT_FIELDS, DailyStat, RecomputeOwed
from stats.reports import period_report
from stats.services import compute_daily_stats
from tests.dvcqg.simulator import push_settings, start_simulator
from tests.helpers import APPLICANT, local, receive

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]

JULY = {"date_from": "2025-07-01", "date_to": "2025-07-11"}
JULY_FROM, JULY_TO = date(2025, 7, 1), date(2025, 7, 11)


def submit(unit, at):
    return services.record_submit(
        actor=None,
        procedure="ho-tich-khai-sinh-da-co-giay-to",
        receiving_unit=unit,
        applicant=APPLICANT,
        submitted_at=at,
    )


def cards(response):
    return {card["testid"]: card for card in response.context["cards"]}


def listed(client, link) -> int:
    response = client.get(link)
    assert response.status_code == 200, link
    return response.context["page"].paginator.count


def compute_july():
    compute_daily_stats(date_from=JULY_FROM, date_to=JULY_TO)
    RecomputeOwed.objects.all().delete()  # the tests' transaction never commits its tasks


# --- Acceptance timeliness on the working calendar ---------------------------------------------


@pytest.fixture
def decisions(clerk_a, unit_a):
    """Unit A's online submissions, decided on Mon 7 and Thu 10 July 2025:

    - late: submitted Fri 4 July 16:30 (deadline Mon 16:30: 30 min on Friday, 7 h 30 on
      Monday), accepted Mon 16:45;
    - refused: submitted Fri 16:30, refused Mon 10:00, within its 8 hours;
    - paused: submitted Mon 08:00, returned for completion at 09:00 (7 working hours left),
      the citizen never completes, refused Thu 10 July 09:00: the clock stopped, on time
      (accepting it is not allowed before the completion arrives);
    - completed: submitted Mon 08:00, returned at 09:00, completed Wed 9 July 14:00 (deadline
      Thu 11:30), accepted Thu 11:00, on time (its first deadline, Tue 08:00, long past);
    - a dossier received at the desk and a submission still waiting are not decisions."""
    late = submit(unit_a, local(2025, 7, 4, 16, 30))
    assert late.acceptance_due_at == local(2025, 7, 7, 16, 30)
    services.record_receive(record=late, actor=clerk_a, at=local(2025, 7, 7, 16, 45))
    refused = submit(unit_a, local(2025, 7, 4, 16, 30))
    services.record_refuse(record=refused, actor=clerk_a, reason="x", at=local(2025, 7, 7, 10))

    paused = submit(unit_a, local(2025, 7, 7, 8, 0))
    assert paused.acceptance_due_at == local(2025, 7, 8, 8, 0)
    paused = services.record_request_completion(
        record=paused, actor=clerk_a, reason="Thiếu giấy", at=local(2025, 7, 7, 9, 0)
    )
    with pytest.raises(RecordConflict):
        services.record_receive(record=paused, actor=clerk_a, at=local(2025, 7, 10, 9, 0))
    paused.refresh_from_db()
    paused = services.record_refuse(
        record=paused, actor=clerk_a, reason="Không bổ sung", at=local(2025, 7, 10, 9, 0)
    )
    assert paused.paused_since is None  # no pause left on the refused record
    assert paused.acceptance_due_at == local(2025, 7, 11, 8, 0)  # Thu 09:00 + 7 working hours

    completed = submit(unit_a, local(2025, 7, 7, 8, 0))
    completed = services.record_request_completion(
        record=completed, actor=clerk_a, reason="Thiếu giấy", at=local(2025, 7, 7, 9, 0)
    )
    completed = services.record_complete(record=completed, actor=None, at=local(2025, 7, 9, 14))
    assert completed.acceptance_due_at == local(2025, 7, 10, 11, 30)
    services.record_receive(record=completed, actor=clerk_a, at=local(2025, 7, 10, 11, 0))

    receive(clerk_a, unit_a, received_at=local(2025, 7, 7, 9, 0))
    submit(unit_a, local(2025, 7, 10, 8, 0))
    compute_july()
    return {"late": late, "refused": refused, "paused": paused, "completed": completed}


def test_timeliness_per_day_of_decision(unit_a, decisions):
    rows = {
        row.day: (row.acceptance_decided, row.acceptance_on_time)
        for row in DailyStat.objects.filter(unit=unit_a, day__gte=JULY_FROM, day__lte=JULY_TO)
    }
    assert rows[date(2025, 7, 7)] == (2, 1)
    assert rows[date(2025, 7, 10)] == (2, 2)
    assert sum(decided for decided, _ in rows.values()) == 4
    report = period_report(date_from=JULY_FROM, date_to=JULY_TO, units=[unit_a])
    assert str(report.rates["acceptance_timeliness"]) == "75.00"


def test_timeliness_on_the_dashboard_and_its_list(client, leader_a, unit_a, decisions):
    client.force_login(leader_a)
    response = client.get(reverse("dashboard"), JULY)
    card = cards(response)["card-acceptance"]
    assert str(card["rate"]) == "75.00" and card["detail"] == (3, 4)
    assert listed(client, card["link"]) == 3
    late = card["link"].replace("acceptance=on_time", "acceptance=late")
    assert listed(client, late) == 1
    page = response.content.decode()
    assert "75,00%" in page and "Tỷ lệ tiếp nhận đúng hạn" in page
    assert "8 giờ làm việc" in page  # the definition, in the card's tooltip

    # Nothing decided: "—", never 0 %.
    empty = client.get(reverse("dashboard"), {"date_from": "2025-07-01", "date_to": "2025-07-03"})
    assert cards(empty)["card-acceptance"]["rate"] is None
    assert cards(empty)["card-acceptance"]["detail"] == (0, 0)


def test_the_definitions_in_english(client, city_office, decisions):
    client.force_login(city_office)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("dashboard"), JULY).content.decode()
    assert "Acceptance timeliness" in page and "within 8 working hours" in page
    assert "Sync rate" in page and "counts as synced" in page


def test_incremental_recompute_equals_the_full_one(clerk_a, unit_a, unit_b, decisions):
    """Changes after their days were computed, through the services: the recompute each
    schedules (run in-process) leaves the rows a full recompute writes."""
    units = [unit_a.pk, unit_b.pk]
    today = timezone.localdate()
    compute_daily_stats(date_from=JULY_FROM, date_to=today, unit_ids=units)
    with TestCase.captureOnCommitCallbacks(execute=True):
        waiting = submit(unit_a, local(2025, 7, 11, 8, 0))
        services.record_refuse(record=waiting, actor=clerk_a, reason="x", at=local(2025, 7, 11, 9))
        slow = submit(unit_a, local(2025, 7, 8, 8, 0))
        services.record_receive(record=slow, actor=clerk_a, at=local(2025, 7, 11, 10, 0))
        online = receive(clerk_a, unit_a, channel=2, received_at=local(2025, 7, 9, 9, 0))
        services.record_resolve(record=online, actor=clerk_a, at=local(2025, 7, 10, 9, 0))

    def rows():
        return {
            (row["unit_id"], row["day"]): row
            for row in DailyStat.objects.filter(unit__in=units)
            .order_by()
            .values("unit_id", "day", *COUNT_FIELDS)
        }

    incremental = rows()
    assert incremental[(unit_a.pk, date(2025, 7, 11))]["acceptance_decided"] == 2
    assert incremental[(unit_a.pk, date(2025, 7, 11))]["acceptance_on_time"] == 1
    DailyStat.objects.filter(unit__in=units).delete()
    compute_daily_stats(date_from=JULY_FROM, date_to=today, unit_ids=units)
    assert rows() == incremental


# --- Sync rate --------------------------------------------------------------------------------


@pytest.fixture
def simulator(tmp_path):
    child = start_simulator(tmp_path)
    yield child
    child.stop()


def recount_synced(units, date_from, date_to) -> tuple[int, int]:
    """(records received in the period with no unsent message, records received): from the
    records and the outbox, not from the flag or the daily figures."""
    received = Record.objects.filter(
        receiving_unit__in=units,
        received_at__gte=day_start(date_from),
        received_at__lt=day_start(date_to + timedelta(days=1)),
    )
    unsent = SyncMessage.objects.filter(record=OuterRef("pk")).exclude(state=SyncState.SENT)
    return received.exclude(Exists(unsent)).count(), received.count()


@pytest.fixture
def synced(settings, simulator, clerk_a, clerk_b, unit_a, unit_b):
    """Unit A: 4 records received in July, 2 delivered (one of them after a later change),
    a history record with nothing owed; unit B: 2 received, none delivered; a submission not
    accepted yet (not received: outside the rate)."""
    push_settings(settings, simulator)
    a = [receive(clerk_a, unit_a, received_at=local(2025, 7, 1 + n, 9, 0)) for n in range(3)]
    a.append(receive(clerk_a, unit_a, channel=2, received_at=local(2025, 7, 7, 10, 0)))
    b = [receive(clerk_b, unit_b, received_at=local(2025, 7, 8, 9, n)) for n in range(2)]
    submit(unit_a, local(2025, 7, 9, 9, 0))
    assert outbox.deliver_record(a[0].pk) == 1
    assert outbox.deliver_record(a[3].pk) == 2
    services.record_process(record=a[1], actor=clerk_a)
    assert outbox.deliver_record(a[1].pk) == 2
    services.record_process(record=a[3], actor=clerk_a)  # a[3] owes its new change again
    history = Record.objects.create(
        receiving_unit=unit_a,
        handling_unit=unit_a,
        procedure=a[0].procedure,
        channel=1,
        status=2,
        code="H57.19753-250702-9999",
        received_at=local(2025, 7, 2, 8, 0),
        due_date=date(2025, 7, 9),
        applicant_name="Lê Văn Bình",
    )
    compute_july()
    return {"a": a, "b": b, "history": history}


def test_sync_rate_equals_a_recount(unit_a, unit_b, synced):
    report = period_report(date_from=JULY_FROM, date_to=JULY_TO, units=[unit_a, unit_b])
    rows = {row.unit.code: row for row in report.rows}
    for unit in (unit_a, unit_b):
        done, received = recount_synced([unit], JULY_FROM, JULY_TO)
        counts = rows[unit.code].counts
        assert (counts["synced"], counts["received"]) == (done, received)
        assert counts["sync_pending"] == received - done
    assert (rows[unit_a.code].counts["synced"], rows[unit_a.code].counts["received"]) == (3, 5)
    assert str(rows[unit_a.code].rates["sync_rate"]) == "60.00"
    assert str(rows[unit_b.code].rates["sync_rate"]) == "0.00"
    assert (report.totals["synced"], report.totals["received"]) == (3, 7)
    assert str(report.rates["sync_rate"]) == "42.86"
    # A shorter period counts only its receipts: 1–2 July, a[0] delivered, a[1] re-delivered,
    # the history record with nothing owed.
    short = period_report(date_from=JULY_FROM, date_to=date(2025, 7, 2), units=[unit_a])
    assert (short.totals["synced"], short.totals["received"]) == (3, 3)


def test_sync_rate_on_the_dashboard_equals_its_list(client, city_office, synced):
    client.force_login(city_office)
    response = client.get(reverse("dashboard"), JULY)
    card = cards(response)["card-sync"]
    assert str(card["rate"]) == "42.86" and card["detail"] == (3, 7)
    assert listed(client, card["link"]) == 3
    assert listed(client, card["link"].replace("synced=true", "synced=false")) == 4
    page = response.content.decode()
    assert "42,86%" in page and "Tỷ lệ đồng bộ" in page
    ranking = {row["row"].unit.code: row["row"] for row in response.context["table"]}
    assert str(ranking["19753"].rates["sync_rate"]) == "60.00"


def test_sync_and_timeliness_in_the_report_exports_and_api(
    city_office, unit_a, unit_b, synced, decisions
):
    api = APIClient()
    api.force_authenticate(city_office)
    query = f"date_from=2025-07-01&date_to=2025-07-11&commune={unit_a.code}&commune={unit_b.code}"
    data = api.get(f"/api/v1/reports/period/?{query}").json()
    totals = data["totals"]
    done, received = recount_synced([unit_a, unit_b], JULY_FROM, JULY_TO)
    assert (totals["synced"], totals["received"]) == (done, received)
    assert totals["sync_rate"] == round(100 * done / received, 2)
    # The calendar case's 4 decisions (3 in time) and the sync case's online record, accepted
    # at once.
    assert (totals["acceptance_on_time"], totals["acceptance_decided"]) == (4, 5)
    assert totals["acceptance_timeliness"] == 80.0
    assert data["communes"][1]["acceptance_timeliness"] is None  # unit B decided nothing

    daily = api.get(f"/api/v1/stats/daily/?{query}").json()
    entries = daily["results"] if isinstance(daily, dict) else daily
    assert sum(row["acceptance_decided"] for row in entries) == 5
    assert sum(row["acceptance_on_time"] for row in entries) == 4

    english = api.get(f"/api/v1/reports/period.csv?{query}", HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.DictReader(io.StringIO(english.content.decode("utf-8-sig"))))
    total = rows[-1]
    assert total["Sync rate (%)"] == f"{100 * done / received:.2f}"
    assert total["Acceptance timeliness (%)"] == "80.00"
    assert rows[1]["Acceptance timeliness (%)"] == ""  # unit B: nothing decided
    assert total["Synced to the national portal"] == str(done)

    workbook = load_workbook(io.BytesIO(api.get(f"/api/v1/reports/period.xlsx?{query}").content))
    summary = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    table = [dict(zip(summary[4], row, strict=True)) for row in summary[5:]]
    assert table[-1]["Tỷ lệ tiếp nhận đúng hạn (%)"] == 80
    assert table[-1]["Tỷ lệ đồng bộ (%)"] == pytest.approx(round(100 * done / received, 2))
