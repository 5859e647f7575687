"""The desk's inbox of online submissions: the card on the clerk's home equals the length of
its list; the list, sorted by acceptance deadline, shows the working time left or how late;
each row opens the submission's page by its public_id, where the clerk accepts (code issued,
appointment date from acceptance) or refuses with a reason; the same through the API; another
unit sees none of it (404)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from records.calendar import WorkingCalendar
from records.deadlines import appointment_date
from records.enums import Status
from records.models import Record
from records.services import record_receive, record_submit
from tests.helpers import APPLICANT, local

pytestmark = pytest.mark.django_db
INBOX_LABEL = "Hồ sơ trực tuyến chờ tiếp nhận"


def submit(unit, number, at):
    return record_submit(
        actor=None,
        procedure="ho-tich-khai-sinh-da-co-giay-to",
        receiving_unit=unit,
        applicant=APPLICANT,
        submitted_at=at,
        national_dossier_no=number,
        components=[{"name": "Tờ khai", "kind": "original", "file_name": "a.pdf", "size": 2048}],
    )


@pytest.fixture
def inbox(unit_a, unit_b, clerk_a):
    now = timezone.now()
    late = submit(unit_a, "G22-A-1", local(2025, 7, 4, 16, 30))
    soon = submit(unit_a, "G22-A-2", now - timedelta(minutes=5))
    later = submit(unit_a, "G22-A-3", now)
    accepted = submit(unit_a, "G22-A-4", now - timedelta(days=1))
    record_receive(record=accepted, actor=clerk_a)
    other = submit(unit_b, "G22-B-1", now)
    return {"late": late, "soon": soon, "later": later, "accepted": accepted, "other": other}


def card(response, label):
    return next(count for text, count, url, tone in response.context["cards"] if text == label)


def test_card_equals_the_length_of_its_list(client, clerk_a, inbox):
    client.force_login(clerk_a)
    home = client.get("/")
    assert home.status_code == 200
    count = card(home, INBOX_LABEL)
    url = next(u for text, c, u, t in home.context["cards"] if text == INBOX_LABEL)
    listed = client.get(url)
    assert listed.status_code == 200
    assert count == listed.context["page"].paginator.count == len(listed.context["rows"]) == 3


def test_list_sorted_by_deadline_with_time_left_or_late(client, clerk_a, inbox):
    client.force_login(clerk_a)
    response = client.get(reverse("records:submissions"))
    rows = response.context["rows"]
    assert [row["record"] for row in rows] == [inbox["late"], inbox["soon"], inbox["later"]]
    calendar = WorkingCalendar()
    late = rows[0]["clock"]
    assert late["late"] and "trễ" in late["text"]
    # Months of office time late, by the calendar.
    assert late["left"] <= calendar.working_time_between(
        timezone.now(), inbox["late"].acceptance_due_at
    ) + timedelta(minutes=1)
    assert late["left"] < -timedelta(hours=100)
    assert not rows[2]["clock"]["late"] and "còn" in rows[2]["clock"]["text"]
    html = response.content.decode()
    for row in rows:
        assert reverse("records:submission", args=[row["record"].public_id]) in html
    assert APPLICANT["applicant_id_number"] not in html
    assert "G22-B-1" not in html


def test_submission_page_shows_dossier_and_actions(client, clerk_a, inbox):
    client.force_login(clerk_a)
    url = f"/records/submissions/{inbox['late'].public_id}/"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "G22-A-1" in html and "Tờ khai" in html and "a.pdf" in html
    assert {a["name"] for a in response.context["actions"]} >= {"receive", "refuse"}


def test_another_units_clerk_gets_404(client, clerk_b, inbox):
    client.force_login(clerk_b)
    record = inbox["late"]
    assert client.get(f"/records/submissions/{record.public_id}/").status_code == 404
    act = reverse("records:submission-act", args=[record.public_id, "receive"])
    assert client.post(act, {"version": record.version}).status_code == 404
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED
    assert client.get(reverse("records:submissions")).context["rows"][0]["record"] == inbox["other"]


def test_unknown_public_id_is_404(client, clerk_a, inbox):
    client.force_login(clerk_a)
    assert (
        client.get("/records/submissions/00000000-0000-4000-8000-000000000000/").status_code == 404
    )


def test_accept_through_the_page(client, clerk_a, inbox):
    client.force_login(clerk_a)
    record = inbox["late"]
    act = reverse("records:submission-act", args=[record.public_id, "receive"])
    response = client.post(act, {"version": record.version, "note": "Hồ sơ đầy đủ"})
    record.refresh_from_db()
    assert record.status == Status.RECEIVED and record.code
    assert response.status_code == 302 and response.url == f"/records/{record.code}/"
    # The appointment date counts from the acceptance, not from the submission.
    assert record.received_at > record.submitted_at + timedelta(days=30)
    procedure = record.procedure
    assert record.due_date == appointment_date(
        record.received_at, procedure.time_limit, procedure.time_unit, WorkingCalendar()
    )
    assert record.events.last().action == "receive"
    assert len(client.get(reverse("records:submissions")).context["rows"]) == 2


def test_refuse_through_the_page_needs_a_reason(client, clerk_a, inbox):
    client.force_login(clerk_a)
    record = inbox["soon"]
    act = reverse("records:submission-act", args=[record.public_id, "refuse"])
    assert client.post(act, {"version": record.version, "reason": ""}).status_code == 400
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED
    response = client.post(act, {"version": record.version, "reason": "Sai thẩm quyền"})
    assert response.status_code == 302
    assert response.url == f"/records/submissions/{record.public_id}/"
    record.refresh_from_db()
    assert record.status == Status.REFUSED and record.code is None
    assert record.events.last().note == "Sai thẩm quyền"
    assert client.get(response.url).status_code == 200


def test_accept_and_refuse_through_the_api(clerk_a, clerk_b, inbox):
    api = APIClient()
    api.force_authenticate(clerk_b)
    first, second = inbox["late"], inbox["soon"]
    assert api.post(f"/api/v1/records/{first.public_id}/receive/", {}).status_code == 404
    api.force_authenticate(clerk_a)
    detail = api.get(f"/api/v1/records/{first.public_id}/")
    assert detail.status_code == 200 and detail.json()["national_dossier_no"] == "G22-A-1"
    accepted = api.post(
        f"/api/v1/records/{first.public_id}/receive/", {"version": first.version}, format="json"
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["status"] == Status.RECEIVED and accepted.json()["code"]
    refused = api.post(
        f"/api/v1/records/{second.public_id}/refuse/",
        {"version": second.version, "reason": "Hồ sơ trùng"},
        format="json",
    )
    assert refused.status_code == 200, refused.content
    assert Record.objects.get(pk=second.pk).status == Status.REFUSED
    again = api.post(f"/api/v1/records/{second.public_id}/refuse/", {"reason": "x"}, format="json")
    assert again.status_code == 409
