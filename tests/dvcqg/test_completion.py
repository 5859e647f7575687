"""Returning a submission for completion before acceptance: the desk says what is missing and
the 8-hour clock stops (status stays 1); the connector reports the citizen's completion and the
clock resumes with the working time that was left."""

from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from records.calendar import WorkingCalendar
from records.enums import Status
from records.exceptions import RecordConflict
from records.services import (
    record_complete,
    record_receive,
    record_refuse,
    record_request_completion,
    record_submit,
)
from tests.helpers import APPLICANT, local

pytestmark = pytest.mark.django_db


def submit(unit, number="G22-C-1", at=None):
    return record_submit(
        actor=None,
        procedure="ho-tich-khai-sinh",
        receiving_unit=unit,
        applicant=APPLICANT,
        submitted_at=at,
        national_dossier_no=number,
        components=[{"name": "Tờ khai"}],
    )


def test_clock_stops_and_resumes_with_what_was_left(unit_a, clerk_a):
    record = submit(unit_a, at=local(2025, 7, 7, 9, 0))  # Mon 09:00 → Tue 09:00
    assert record.acceptance_due_at == local(2025, 7, 8, 9, 0)
    record = record_request_completion(
        record=record, actor=clerk_a, reason="Thiếu giấy chứng sinh", at=local(2025, 7, 7, 11, 0)
    )
    assert record.status == Status.SUBMITTED and record.paused_since == local(2025, 7, 7, 11, 0)
    event = record.events.last()
    assert event.action == "request_completion" and event.note == "Thiếu giấy chứng sinh"
    assert event.data["working_seconds_left"] == 6 * 3600
    with pytest.raises(RecordConflict):
        record_request_completion(
            record=record, actor=clerk_a, reason="again", at=local(2025, 7, 7, 11, 5)
        )
    # Completed Wednesday 08:00: 6 working hours left → 3.5 h in the morning, 2.5 h after lunch.
    record = record_complete(
        record=record,
        actor=None,
        components=[{"name": "Giấy chứng sinh", "kind": "copy"}],
        at=local(2025, 7, 9, 8, 0),
    )
    assert record.status == Status.SUBMITTED and record.paused_since is None
    assert record.acceptance_due_at == local(2025, 7, 9, 15, 30)
    assert [c.name for c in record.components.all()] == ["Tờ khai", "Giấy chứng sinh"]
    with pytest.raises(RecordConflict):
        record_complete(record=record, actor=None, at=local(2025, 7, 9, 9, 0))


def test_request_completion_through_the_page_and_completion_through_the_connector(
    client, clerk_a, integration, unit_a
):
    record = submit(unit_a)
    client.force_login(clerk_a)
    page = reverse("records:submission", args=[record.public_id])
    offered = {a["name"] for a in client.get(page).context["actions"]}
    assert {"receive", "refuse", "request_completion"} <= offered
    act = reverse("records:submission-act", args=[record.public_id, "request_completion"])
    assert client.post(act, {"version": record.version, "reason": ""}).status_code == 400
    response = client.post(act, {"version": record.version, "reason": "Thiếu giấy chứng sinh"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.paused_since is not None and record.status == Status.SUBMITTED
    listed = client.get(reverse("records:submissions")).context["rows"]
    assert "tạm dừng" in listed[0]["clock"]["text"]
    offered = {a["name"] for a in client.get(page).context["actions"]}
    assert offered == {"refuse"}  # no accepting an incomplete dossier, no second request
    left = WorkingCalendar().working_time_between(record.paused_since, record.acceptance_due_at)

    api = APIClient()
    api.force_authenticate(integration)
    url = f"/api/v1/dvcqg/submissions/{record.national_dossier_no}/completion/"
    assert (
        api.post("/api/v1/dvcqg/submissions/KHONG-CO/completion/", {}, format="json").status_code
        == 404
    )
    done = api.post(url, {"components": [{"name": "Giấy chứng sinh"}]}, format="json")
    assert done.status_code == 200, done.content
    record.refresh_from_db()
    assert record.paused_since is None
    completed_at = record.events.last().at
    assert record.events.last().action == "complete"
    if left > timedelta():
        assert record.acceptance_due_at == WorkingCalendar().add_working_hours(
            completed_at, left.total_seconds() / 3600
        )
    assert api.post(url, {}, format="json").status_code == 409
    clerk_api = APIClient()
    clerk_api.force_authenticate(clerk_a)
    assert clerk_api.post(url, {}, format="json").status_code == 403


def test_a_dossier_awaiting_completion_cannot_be_accepted_but_can_be_refused(clerk_a, unit_a):
    record = submit(unit_a, number="G22-C-2", at=local(2025, 7, 7, 9, 0))
    record = record_request_completion(
        record=record, actor=clerk_a, reason="Thiếu tờ khai", at=local(2025, 7, 7, 9, 30)
    )
    api = APIClient()
    api.force_authenticate(clerk_a)
    accept = api.post(f"/api/v1/records/{record.public_id}/receive/", {}, format="json")
    assert accept.status_code == 409, accept.content
    with pytest.raises(RecordConflict):
        record_receive(record=record, actor=clerk_a, at=local(2025, 7, 7, 10, 0))
    record.refresh_from_db()
    assert (record.status, record.code, record.version) == (Status.SUBMITTED, None, 2)
    record = record_refuse(
        record=record, actor=clerk_a, reason="Không bổ sung", at=local(2025, 7, 7, 10, 0)
    )
    assert record.status == Status.REFUSED and record.paused_since is None
