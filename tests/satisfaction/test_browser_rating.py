"""In Chromium: a citizen on a phone (390×844) opens a returned record's status link, rates
the service and cannot rate again; the city office picks a quarter on the satisfaction page."""

import pytest
from django.utils import timezone

from records.models import Record
from records.public import status_path
from satisfaction.models import Rating, Source
from satisfaction.quarters import Quarter
from satisfaction.questions import INDICATOR_FIELDS
from satisfaction.services import rate_record
from tests.helpers import APPLICANT, browser_log_in, local, shot
from tests.satisfaction.builders import answers, returned_record

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="vi-VN", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    yield page
    context.close()


def test_a_citizen_rates_a_returned_record_once_on_a_phone(phone, live_server, clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    phone.goto(live_server.url + status_path(record))
    invitation = phone.get_by_test_id("rating-invitation")
    assert invitation.get_attribute("data-rated") == "false"
    phone.get_by_test_id("rating-link").click()
    phone.wait_for_selector("[data-testid=rating-form]")
    rating_url = phone.url
    assert rating_url.endswith("/danh-gia/")
    # Phone first: nothing wider than the screen, every answer a big touch target.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    labels = phone.locator("label.rating-form__answer")
    assert labels.count() == 27
    assert all(labels.nth(i).bounding_box()["height"] >= 44 for i in range(labels.count()))
    # Vietnamese first.
    assert "Thái độ" in phone.get_by_test_id("rating-attitude").inner_text()
    chosen = {}
    for position, name in enumerate(INDICATOR_FIELDS):
        answer = phone.get_by_test_id(f"rating-{name}").locator("label").nth(position % 3)
        answer.tap()
        chosen[name] = 2 - position % 3
    phone.locator("textarea[name=comment]").fill("Cán bộ hướng dẫn tận tình.")
    shot(phone, "rating-phone-form")
    phone.get_by_test_id("rating-submit").click()
    phone.wait_for_selector("[data-testid=rating-done]")
    assert "Cảm ơn" in phone.get_by_test_id("rating-done").inner_text()
    shot(phone, "rating-phone-thanks")
    rating = Rating.objects.get(record=record)
    assert {name: getattr(rating, name) for name in INDICATOR_FIELDS} == chosen
    assert (rating.source, rating.comment) == (Source.ONLINE, "Cán bộ hướng dẫn tận tình.")

    # Cannot rate again: the status page thanks, the rating page shows no form.
    phone.goto(live_server.url + status_path(record))
    assert phone.get_by_test_id("rating-invitation").get_attribute("data-rated") == "true"
    assert phone.get_by_test_id("rating-link").count() == 0
    phone.goto(rating_url)
    assert phone.get_by_test_id("rating-done").is_visible()
    assert phone.get_by_test_id("rating-form").count() == 0
    source = phone.content()
    for value in (APPLICANT["applicant_name"], APPLICANT["applicant_id_number"], "0912345678"):
        assert value not in source
    assert Rating.objects.filter(record=record).count() == 1


def test_the_rating_page_is_available_in_english(phone, live_server, clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    phone.goto(live_server.url + status_path(record))
    phone.get_by_test_id("rating-link").click()
    phone.locator("form.lang button[value=en]").click()
    phone.wait_for_selector("text=Attitude of the staff")
    assert phone.get_by_test_id("rating-submit").inner_text() == "Send my rating"


def test_the_city_office_picks_a_quarter(page, live_server, city_office, clerk_a, unit_a):
    now = returned_record(clerk_a, unit_a)
    rate_record(record=now, answers=answers(overall=1))
    july = [returned_record(clerk_a, unit_a) for _ in range(2)]
    Record.objects.filter(pk__in=[r.pk for r in july]).update(returned_at=local(2025, 7, 20, 10, 0))
    rate_record(record=july[0], answers=answers(), source=Source.PAPER, entered_by=clerk_a)

    browser_log_in(page, live_server, city_office.username)
    page.goto(live_server.url + "/dashboard/")
    page.get_by_test_id("satisfaction-link").click()
    current = str(Quarter.of(timezone.localdate()))
    assert page.get_by_test_id("satisfaction-quarter").inner_text().startswith(current)
    row = page.locator(f"[data-testid=satisfaction-row][data-unit='{unit_a.code}']")
    assert row.get_by_test_id("returned").inner_text() == "1"
    assert row.get_by_test_id("share").inner_text() == "100,00%"

    page.locator("select[name=quarter]").select_option("2025-Q3")
    page.get_by_test_id("quarter-submit").click()
    page.wait_for_url("**quarter=2025-Q3")
    assert page.get_by_test_id("satisfaction-quarter").inner_text().startswith("2025-Q3")
    row = page.locator(f"[data-testid=satisfaction-row][data-unit='{unit_a.code}']")
    assert (
        row.get_by_test_id("returned").inner_text(),
        row.get_by_test_id("rated").inner_text(),
    ) == (
        "2",
        "1",
    )
    assert row.get_by_test_id("share").inner_text() == "50,00%"
    assert page.locator("select[name=quarter]").input_value() == "2025-Q3"
    total = page.get_by_test_id("satisfaction-total")
    assert total.get_by_test_id("returned").inner_text() == "2"
    shot(page, "satisfaction-dashboard")


def test_a_clerk_enters_a_paper_form_from_the_record_page(page, live_server, clerk_a, unit_a):
    record = returned_record(clerk_a, unit_a)
    browser_log_in(page, live_server, clerk_a.username)
    page.goto(f"{live_server.url}/records/{record.code}/")
    panel = page.get_by_test_id("satisfaction-panel")
    assert panel.get_attribute("data-rated") == "false"
    panel.locator("summary", has_text="Nhập phiếu giấy").click()
    form = panel.get_by_test_id("paper-form")
    for name in INDICATOR_FIELDS:
        form.get_by_test_id(f"rating-{name}").locator("label").first.click()
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/records/{record.code}/")
    panel = page.get_by_test_id("satisfaction-panel")
    assert panel.get_attribute("data-rated") == "true"
    assert clerk_a.display_name in panel.get_by_test_id("satisfaction-source").inner_text()
    assert panel.get_by_test_id("paper-form").count() == 0
    rating = Rating.objects.get(record=record)
    assert (rating.source, rating.entered_by, rating.overall) == (Source.PAPER, clerk_a, 2)
    shot(page, "satisfaction-paper-panel")
