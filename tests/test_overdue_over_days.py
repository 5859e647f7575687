"""Overdue and late, as the calendar moves: a clock that moves forward over days without any
record change. The figures of every day up to today are exact (never the last computed day
carried forward), a record waiting for the citizen is never overdue, an extended record is
overdue against its extended date and late against its original date, and the desk's cards,
the list filter, the record page, the API and the dashboard agree on each day."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from records import services
from records.models import Record
from stats.reports import period_report
from tests.conftest import HUE, receive

pytestmark = pytest.mark.django_db

PROCEDURE = "ho-tich-xac-nhan-hon-nhan"  # 3 working days
MONDAY = date(2026, 11, 2)
# Per day of November 2026: (overdue against the date promised, past the original date).
EXPECTED = {
    **dict.fromkeys((2, 3, 4, 5), (0, 0)),  # due Thursday 5: not overdue on its own day
    **dict.fromkeys((6, 7, 8, 9, 10), (1, 2)),  # plain and extended past 5/11; E promised 10/11
    **dict.fromkeys((11, 12), (2, 2)),  # E is past its extended date too
}


def at(day: int, hour: int = 10):
    return datetime(2026, 11, day, hour, 0, tzinfo=HUE)


def list_count(client, link: str) -> int:
    response = client.get(link)
    assert response.status_code == 200, link
    return response.context["page"].paginator.count


def cards_of(response) -> dict:
    return {card["testid"]: card for card in response.context["cards"]}


@pytest.fixture
def november(clerk_a, unit_a):
    """Three records received on Monday 2 November 2026, all due Thursday 5: one left alone,
    one waiting for a supplement since the 3rd, one extended on the 4th to Tuesday 10."""
    with time_machine.travel(at(2, 9), tick=False):
        plain = receive(clerk_a, unit_a, procedure=PROCEDURE)
        paused = receive(clerk_a, unit_a, procedure=PROCEDURE)
        extended = receive(clerk_a, unit_a, procedure=PROCEDURE)
    assert {plain.due_date, paused.due_date, extended.due_date} == {date(2026, 11, 5)}
    with time_machine.travel(at(3), tick=False):
        services.record_request_supplement(record=paused, actor=clerk_a, reason="Thiếu bản sao")
    with time_machine.travel(at(4), tick=False):
        extended = services.record_extend(
            record=extended, actor=clerk_a, new_due_date=date(2026, 11, 10), reason="Xác minh"
        )
    return {"plain": plain, "paused": paused, "extended": extended}


def test_figures_cards_and_lists_follow_the_calendar_without_record_changes(
    client, clerk_a, city_office, november
):
    for day, (overdue, original) in EXPECTED.items():
        with time_machine.travel(at(day), tick=False):
            client.force_login(city_office)
            response = client.get(reverse("dashboard"), {"period": "today"})
            assert response.context["date_to"] == date(2026, 11, day)
            cards = cards_of(response)
            assert cards["card-overdue"]["value"] == overdue, day
            assert cards["card-overdue-original"]["value"] == original, day
            assert list_count(client, cards["card-overdue"]["link"]) == overdue, day
            assert list_count(client, cards["card-overdue-original"]["link"]) == original, day

            client.force_login(clerk_a)
            desk = {str(card[0]): card for card in client.get("/").context["cards"]}
            assert desk["Quá hạn"][1] == overdue, day
            assert list_count(client, desk["Quá hạn"][2]) == overdue, day

    # Afterwards the daily series of the whole stretch is exact, day by day.
    with time_machine.travel(at(12), tick=False):
        units = [november["plain"].handling_unit]
        report = period_report(date_from=MONDAY, date_to=date(2026, 11, 12), units=units)
    assert {
        row["date"].day: (row["overdue_end"], row["overdue_original_end"]) for row in report.daily
    } == EXPECTED


def test_report_never_extrapolates_a_day_not_computed(clerk_a, unit_a, november):
    """The report of a later day computes that day first: it does not reuse the last row."""
    with time_machine.travel(at(4), tick=False):
        before = period_report(date_from=MONDAY, date_to=date(2026, 11, 4), units=[unit_a])
    assert before.totals["overdue_end"] == 0
    with time_machine.travel(at(11), tick=False):
        later = period_report(
            date_from=date(2026, 11, 11), date_to=date(2026, 11, 11), units=[unit_a]
        )
    assert (later.totals["overdue_end"], later.totals["overdue_original_end"]) == (2, 2)
    assert later.totals["carried_over"] == 3  # open at the end of the 10th


def test_paused_record_is_not_overdue_on_the_desk_the_page_or_the_api(client, clerk_a, november):
    paused = november["paused"]
    with time_machine.travel(at(12), tick=False):
        client.force_login(clerk_a)
        page = client.get(reverse("records:detail", args=[paused.code]))
        due = page.content.decode()
        assert "(quá hạn)" not in due
        assert "Tạm dừng tính thời gian: chờ công dân." in due
        api = client.get(f"/api/v1/records/{paused.code}/").json()
        assert (api["overdue"], api["paused"], api["past_original_date"]) == (False, True, False)
        listed = client.get(reverse("records:list"), {"overdue": "true"})
        codes = [row[0].code for row in listed.context["rows"]]
        assert paused.code not in codes
        assert sorted(codes) == sorted([november["plain"].code, november["extended"].code])


def test_extended_record_is_overdue_only_after_its_extended_date(client, clerk_a, november):
    extended = november["extended"]
    with time_machine.travel(at(9), tick=False):
        client.force_login(clerk_a)
        record = Record.objects.get(pk=extended.pk)
        assert (record.is_overdue, record.is_past_original_date) == (False, True)
        html = client.get(reverse("records:detail", args=[extended.code])).content.decode()
        assert "(quá hạn)" not in html
        assert "đã quá ngày hẹn ban đầu" in html
        api = client.get(f"/api/v1/records/{extended.code}/").json()
        assert (api["overdue"], api["past_original_date"]) == (False, True)
    with time_machine.travel(at(11), tick=False):
        client.force_login(clerk_a)  # sessions end after 30 idle minutes
        html = client.get(reverse("records:detail", args=[extended.code])).content.decode()
        assert "(quá hạn)" in html
        api = client.get(f"/api/v1/records/{extended.code}/").json()
        assert (api["overdue"], api["past_original_date"]) == (True, True)


def test_finished_outcome_stays_judged_against_the_original_date(clerk_a, november):
    """Resolved on the 9th, before its extended date: late all the same (the index's rule)."""
    with time_machine.travel(at(9), tick=False):
        record = services.record_resolve(record=november["extended"], actor=clerk_a)
    assert record.outcome == "late"
    assert record.extended_due_date == date(2026, 11, 10)


def test_due_soon_card_counts_the_date_promised_and_not_paused(client, clerk_a, november):
    with time_machine.travel(at(9), tick=False):
        client.force_login(clerk_a)
        cards = {str(card[0]): card for card in client.get("/").context["cards"]}
        due_soon = cards["Đến hạn hôm nay và 2 ngày làm việc tới"]
        assert due_soon[1] == 1  # the extended record, promised for Tuesday 10
        assert list_count(client, due_soon[2]) == 1


def test_period_cannot_end_after_today(client, city_office):
    client.force_login(city_office)
    tomorrow = (datetime.now(HUE).date() + timedelta(days=1)).isoformat()
    response = client.get(
        "/api/v1/reports/period/", {"date_from": "2025-07-01", "date_to": tomorrow}
    )
    assert response.status_code == 400
    assert response.json() == {
        "date_to": ["The period cannot end after today: figures exist up to today."]
    }
    page = client.get(
        reverse("dashboard"), {"period": "custom", "date_from": "2025-07-01", "date_to": tomorrow}
    )
    assert page.context["form"].errors["date_to"] == [
        "Kỳ báo cáo không được kết thúc sau hôm nay: số liệu chỉ có đến hôm nay."
    ]
