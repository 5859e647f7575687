"""Post office staff at agent points: postal intake, digitisation, handover and delivery."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from agent_points.models import AgentPoint, OnlineAssistance
from agent_points.services import record_online_assistance
from records import services
from records.enums import Channel, ResultDelivery, Status
from records.exceptions import InvalidTransition, RecordConflict
from records.models import Record
from records.services import (
    postal_receive,
    record_deliver,
    record_digitise,
    record_take_over,
    record_undeliverable,
)
from tests.helpers import APPLICANT, make_user, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def postal(post_staff_a):
    return postal_receive(actor=post_staff_a, procedure="ho-tich-khai-tu", applicant=APPLICANT)


@pytest.fixture
def resolved(postal, clerk_a):
    return services.record_resolve(record=postal, actor=clerk_a)


@pytest.fixture
def other_point_staff(unit_a, point_a):
    other = AgentPoint.objects.filter(commune=unit_a).exclude(pk=point_a.pk).first()
    return make_user("post_other", Role.POST_STAFF, agent_point=other)


def test_postal_intake_creates_a_postal_record_at_the_point(postal, post_staff_a, unit_a):
    assert postal.channel == Channel.POSTAL
    assert postal.status == Status.RECEIVED
    assert postal.agent_point == post_staff_a.agent_point
    assert postal.receiving_unit == unit_a  # the point's unit by default
    assert postal.result_delivery == ResultDelivery.BY_POST
    assert postal.code.startswith("H57.19753-")
    assert postal.events.get().actor == post_staff_a


def test_postal_intake_for_another_unit_and_validation(post_staff_a, unit_b):
    record = postal_receive(
        actor=post_staff_a, procedure="ho-tich-khai-tu", applicant=APPLICANT, receiving_unit=unit_b
    )
    assert record.receiving_unit == unit_b and record.agent_point == post_staff_a.agent_point
    with pytest.raises(ValidationError) as excinfo:
        postal_receive(
            actor=post_staff_a,
            procedure="ho-tich-khai-tu",
            applicant={"applicant_name": "A", "applicant_phone": "0912345678"},
        )
    assert "applicant_address" in excinfo.value.message_dict


def test_only_post_staff_receive_by_post(clerk_a):
    with pytest.raises(PermissionDenied):
        postal_receive(actor=clerk_a, procedure="ho-tich-khai-tu", applicant=APPLICANT)


def test_digitise_once(postal, post_staff_a):
    record = record_digitise(record=postal, actor=post_staff_a)
    assert record.digitised is True
    assert record.events.latest("id").action == "digitise"
    with pytest.raises(RecordConflict):
        record_digitise(record=record, actor=post_staff_a)


def test_only_resolved_records_can_be_taken_over(postal, post_staff_a, clerk_a):
    with pytest.raises(InvalidTransition):
        record_take_over(record=postal, actor=post_staff_a)
    services.record_process(record=postal, actor=clerk_a)
    with pytest.raises(InvalidTransition):
        record_take_over(record=postal, actor=post_staff_a)
    assert Record.objects.get(pk=postal.pk).result_at_point_since is None


def test_result_collected_at_the_unit_is_not_taken_over(clerk_a, unit_a, point_a, post_staff_a):
    record = receive(clerk_a, unit_a, agent_point=point_a)  # wants the result at the desk
    services.record_resolve(record=record, actor=clerk_a)
    with pytest.raises(RecordConflict):
        record_take_over(record=record, actor=post_staff_a)


def test_take_over_and_deliver_once(resolved, post_staff_a):
    record = record_take_over(record=resolved, actor=post_staff_a)
    assert record.result_at_point_since is not None
    with pytest.raises(RecordConflict):
        record_take_over(record=record, actor=post_staff_a)
    record = record_deliver(
        record=record, actor=post_staff_a, recipient_name="Nguyễn Văn An", place="home"
    )
    assert record.status == Status.RETURNED
    assert record.return_method == "post" and record.returned_at is not None
    with pytest.raises(InvalidTransition):
        record_deliver(record=record, actor=post_staff_a, recipient_name="X", place="home")
    assert record.events.filter(action="deliver").count() == 1


def test_deliver_needs_take_over_and_a_recipient(resolved, post_staff_a):
    with pytest.raises(RecordConflict):
        record_deliver(record=resolved, actor=post_staff_a, recipient_name="An", place="point")
    record = record_take_over(record=resolved, actor=post_staff_a)
    with pytest.raises(ValidationError) as excinfo:
        record_deliver(record=record, actor=post_staff_a, recipient_name=" ", place="roof")
    assert set(excinfo.value.message_dict) == {"recipient_name", "place"}
    assert Record.objects.get(pk=record.pk).status == Status.RESOLVED


def test_undeliverable_goes_back_to_the_unit(resolved, post_staff_a, clerk_a):
    record = record_take_over(record=resolved, actor=post_staff_a)
    record = record_undeliverable(record=record, actor=post_staff_a, reason="Sai địa chỉ")
    assert record.status == Status.RESOLVED
    assert record.result_at_point_since is None
    assert record.result_delivery == ResultDelivery.AT_UNIT
    # back at the unit's desk: the clerk returns it at the counter
    record = services.record_return(record=record, actor=clerk_a, method="counter")
    assert record.status == Status.RETURNED
    chain = list(record.events.values_list("action", flat=True))
    assert chain == ["receive", "resolve", "take_over", "undeliverable", "return"]


def test_history_shows_the_handover_chain(resolved, post_staff_a):
    record = record_take_over(record=resolved, actor=post_staff_a)
    record = record_deliver(record=record, actor=post_staff_a, recipient_name="An", place="point")
    take_over, deliver = record.events.order_by("id")[2:4]
    assert take_over.data == {"from_unit": "19753", "to_point": post_staff_a.agent_point.code}
    assert deliver.data == {
        "recipient_name": "An",
        "place": "point",
        "point": post_staff_a.agent_point.code,
    }


def test_staff_of_another_point_cannot_act_or_see(resolved, other_point_staff, client):
    with pytest.raises(PermissionDenied):
        record_take_over(record=resolved, actor=other_point_staff)
    client.force_login(other_point_staff)
    assert client.get(reverse("post:record", args=[resolved.code])).status_code == 404
    api = APIClient()
    api.force_authenticate(other_point_staff)
    assert api.get(f"/api/v1/records/{resolved.code}/").status_code == 404
    assert api.post(f"/api/v1/records/{resolved.code}/take-over/", {}).status_code == 404


def test_clerks_cannot_do_point_work(resolved, clerk_a):
    with pytest.raises(PermissionDenied):
        record_take_over(record=resolved, actor=clerk_a)
    api = APIClient()
    api.force_authenticate(clerk_a)
    assert api.post(f"/api/v1/records/{resolved.code}/take-over/", {}).status_code == 403


def test_online_assistance_per_day(post_staff_a):
    today = timezone.localdate()
    record_online_assistance(actor=post_staff_a, day=today, count=12)
    record_online_assistance(actor=post_staff_a, day=today, count=15)
    entry = OnlineAssistance.objects.get()
    assert (entry.count, entry.day, entry.agent_point) == (15, today, post_staff_a.agent_point)
    with pytest.raises(ValidationError) as excinfo:
        record_online_assistance(actor=post_staff_a, day=today + timedelta(days=1), count=-1)
    assert set(excinfo.value.message_dict) == {"day", "count"}


def test_api_postal_journey(post_staff_a, clerk_a):
    api = APIClient()
    api.force_authenticate(post_staff_a)
    created = api.post(
        "/api/v1/records/postal/",
        {"procedure": "ho-tich-khai-tu", **APPLICANT, "result_delivery": "point"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert "applicant_id_number" not in body
    code = body["code"]
    assert api.post(f"/api/v1/records/{code}/digitise/", {}, format="json").status_code == 200
    record = Record.objects.get(code=code)
    services.record_resolve(record=record, actor=clerk_a)
    assert api.post(f"/api/v1/records/{code}/take-over/", {}, format="json").status_code == 200
    delivered = api.post(
        f"/api/v1/records/{code}/deliver/",
        {"recipient_name": "Nguyễn Văn An", "place": "point"},
        format="json",
    )
    assert delivered.status_code == 200 and delivered.json()["status"] == 10
    again = api.post(
        f"/api/v1/records/{code}/deliver/", {"recipient_name": "X", "place": "point"}, format="json"
    )
    assert again.status_code == 409


def test_post_workspace_lists(client, resolved, post_staff_a):
    client.force_login(post_staff_a)
    home = client.get(reverse("home"))
    assert [r.code for r in home.context["to_take_over"]] == [resolved.code]
    assert list(home.context["waiting"]) == []
    record_take_over(record=resolved, actor=post_staff_a)
    home = client.get(reverse("home"))
    assert [r.code for r in home.context["waiting"]] == [resolved.code]
    page = client.get(reverse("post:record", args=[resolved.code])).content.decode()
    assert APPLICANT["applicant_id_number"] not in page
    assert "0912345678" in page and APPLICANT["applicant_address"] in page
    found = client.get(reverse("home"), {"code": resolved.code})
    assert found.status_code == 302


def test_post_actions_through_the_pages(client, resolved, post_staff_a):
    client.force_login(post_staff_a)
    url = reverse("post:act", args=[resolved.code, "take_over"])
    assert client.post(url, {"version": resolved.version}).status_code == 302
    record = Record.objects.get(pk=resolved.pk)
    deliver = reverse("post:act", args=[resolved.code, "deliver"])
    bad = client.post(deliver, {"version": record.version, "recipient_name": "", "place": "home"})
    assert bad.status_code == 400
    ok = client.post(
        deliver, {"version": record.version, "recipient_name": "Trần Bình", "place": "home"}
    )
    assert ok.status_code == 302
    assert Record.objects.get(pk=resolved.pk).status == Status.RETURNED


def test_online_assistance_form(client, post_staff_a):
    client.force_login(post_staff_a)
    day = timezone.localdate().isoformat()
    response = client.post(reverse("post:online-assistance"), {"day": day, "count": 7})
    assert response.status_code == 302
    assert OnlineAssistance.objects.get().count == 7


def test_online_assistance_api(post_staff_a, clerk_a, city_office, other_point_staff):
    api = APIClient()
    api.force_authenticate(post_staff_a)
    day = timezone.localdate().isoformat()
    created = api.post("/api/v1/online-assistance/", {"day": day, "count": 9}, format="json")
    assert created.status_code == 201
    assert created.json() == {"agent_point": post_staff_a.agent_point.code, "day": day, "count": 9}
    api.post("/api/v1/online-assistance/", {"day": day, "count": 11}, format="json")
    assert OnlineAssistance.objects.get().count == 11
    bad = api.post("/api/v1/online-assistance/", {"day": "2999-01-01", "count": -3}, format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"count"}
    future = api.post(
        "/api/v1/online-assistance/", {"day": "2999-01-01", "count": 3}, format="json"
    )
    assert future.status_code == 400 and set(future.json()) == {"day"}
    clerk = APIClient()
    clerk.force_authenticate(clerk_a)
    assert clerk.post("/api/v1/online-assistance/", {"day": day, "count": 1}).status_code == 403
    assert clerk.get("/api/v1/online-assistance/").json()["count"] == 1  # their unit's point
    other = APIClient()
    other.force_authenticate(other_point_staff)
    assert other.get("/api/v1/online-assistance/").json()["count"] == 0
    city = APIClient()
    city.force_authenticate(city_office)
    assert city.get("/api/v1/online-assistance/").json()["count"] == 1
