"""Every slip the portal prints, in Chromium, on screen and in print media: the unit's header
with the QR code in its top-left corner, the signer's full name and job title, the sheet
within an A4 page, and a PDF that prints."""

import pytest

from records import services
from records.calendar import WorkingCalendar
from records.slips import SLIPS
from tests.helpers import APPLICANT, browser_log_in, local, receive, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def a_record_with_every_slip(clerk):
    """Received, asked for a supplement, supplemented, the fee asked and paid, the date
    extended with an apology, resolved and returned: it has every slip of a record."""
    record = receive(clerk, clerk.commune)
    record = services.record_request_supplement(record=record, actor=clerk, reason="Thiếu tờ khai")
    record = services.record_supplement(record=record, actor=clerk)
    record = services.record_request_payment(record=record, actor=clerk, amount=20000)
    record = services.record_paid(record=record, actor=clerk, reference="BL-1")
    new_date = WorkingCalendar().add_working_days(record.current_due_date, 2)
    record = services.record_extend(
        record=record, actor=clerk, new_due_date=new_date, reason="Chờ xác minh"
    )
    record = services.record_resolve(record=record, actor=clerk)
    return services.record_return(record=record, actor=clerk, method="counter")


def check_sheet(page, name: str) -> None:
    for media in ("screen", "print"):
        page.emulate_media(media=media)
        qr = page.get_by_test_id("slip-qr").locator("svg").bounding_box()
        sheet = page.locator(".sheet").bounding_box()
        title = page.locator("h1").bounding_box()
        assert qr["width"] > 100 and abs(qr["width"] - qr["height"]) < 1, (name, media)
        # Top left: left of the title's centre and above it, at the sheet's left edge.
        assert qr["x"] < title["x"] + title["width"] / 2 and qr["y"] < title["y"], (name, media)
        assert qr["x"] - sheet["x"] < 80, (name, media)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366, (name, media)
    assert page.locator(".noprint").first.is_hidden()  # still print media: no toolbar
    page.emulate_media(media="screen")
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 1, name


def test_every_slip_renders_on_screen_and_in_print(page, live_server, clerk_a, unit_a):
    clerk_a.title = "Chuyên viên một cửa"
    clerk_a.save(update_fields=["title"])
    record = a_record_with_every_slip(clerk_a)
    refused = services.record_refuse(
        record=services.record_submit(
            actor=None,
            procedure="ho-tich-khai-sinh-da-co-giay-to",
            receiving_unit=unit_a,
            applicant=APPLICANT,
            submitted_at=local(2025, 7, 7, 8, 0),
            national_dossier_no="G22.19753-SLIPS-1",
        ),
        actor=clerk_a,
        reason="Sai thủ tục",
    )
    browser_log_in(page, live_server, "clerk_a")
    printed = set()
    for name in SLIPS:
        if name == "refusal":
            url = f"{live_server.url}/records/submissions/{refused.public_id}/slips/refusal/"
        else:
            url = f"{live_server.url}/records/{record.code}/slips/{name}/"
        response = page.goto(url)
        assert response.status == 200, name
        check_sheet(page, name)
        if name == "control":  # a row per step, with both signature columns
            # ... and the handover from the desk to the specialist after the receipt.
            assert page.locator("tbody tr").count() == record.events.count() + 1
        else:
            assert page.locator(".signer").count() >= 1, name
        if name not in ("control", "fee_receipt"):  # the officer of the step signs
            assert "Chuyên viên một cửa" in page.locator(".signatures").inner_text(), name
        printed.add(name)
        shot(page, f"slip-{name}")
    assert printed == set(SLIPS)
