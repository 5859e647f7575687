"""The desk's inbox of online submissions in Chromium, on a phone: the list scrolls inside its
card instead of widening the page, and a row opens the submission with its actions."""

import pytest
from django.utils import timezone

from records.services import record_submit
from tests.helpers import APPLICANT, browser_log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_inbox_fits_a_phone_and_opens_a_submission(page, live_server, clerk_a, unit_a):
    for number in range(3):
        record_submit(
            actor=None,
            procedure="ho-tich-khai-sinh-da-co-giay-to",
            receiving_unit=unit_a,
            applicant=APPLICANT,
            submitted_at=timezone.now(),
            national_dossier_no=f"G22.19753-TEST-{number:05d}",
        )
    browser_log_in(page, live_server, "clerk_a")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/records/submissions/")

    assert page.get_by_test_id("submission").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "inbox-phone")
    page.get_by_role("link", name="G22.19753-TEST-00000").click()
    page.wait_for_url("**/records/submissions/*/")
    assert "046095001234" not in page.url
    assert (
        page.get_by_role("button", name="Tiếp nhận").count()
        + page.locator("summary", has_text="Tiếp nhận").count()
        >= 1
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
