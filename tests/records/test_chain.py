"""The chain of officers: assignment at acceptance (round robin per unit and field, or the
desk's choice), reassignment, the to-do counters (each equal to its list), the leader's
approval of a proposed result, and the control slip's rows from the history."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from dvcqg.models import SyncMessage
from records import services
from records.calendar import WorkingCalendar
from records.enums import Channel, ResultDelivery, Status
from records.exceptions import RecordConflict
from records.lifecycle import RECORD_ACTIONS
from records.models import Assignment, Proposal, Record
from records.selectors import record_history
from records.slips import control_slip_rows
from tests.helpers import APPLICANT, make_user, receive

pytestmark = pytest.mark.django_db

APPROVAL_PROCEDURE = "ho-tich-ket-hon"  # marked in records/data/procedures.csv


@pytest.fixture
def desk_a(unit_a):
    """A desk clerk who is no specialist: receives and returns only."""
    return make_user(
        "motcua_a", Role.CLERK, commune=unit_a, is_specialist=False, last_name="Lê", first_name="Hà"
    )


def specialist(username, unit, **extra):
    return make_user(username, Role.CLERK, commune=unit, is_desk=False, **extra)


def officer_of(record) -> str | None:
    row = Assignment.objects.filter(record=record, until__isnull=True).first()
    return row.officer.username if row else None


# --- Assignment ---------------------------------------------------------------------------


def test_round_robin_spreads_100_records_evenly_over_the_fields_specialists(desk_a, unit_a):
    for name in ("cv1", "cv2", "cv3"):
        specialist(name, unit_a, specialist_fields=["Hộ tịch"])
    specialist("cv_all", unit_a)  # no fields: every field
    specialist("cv_chungthuc", unit_a, specialist_fields=["Chứng thực"])
    records = [receive(desk_a, unit_a, procedure="ho-tich-khai-tu") for _ in range(100)]
    spread = Counter(officer_of(record) for record in records)
    assert set(spread) == {"cv1", "cv2", "cv3", "cv_all"}
    assert sum(spread.values()) == 100
    assert max(spread.values()) - min(spread.values()) <= 1
    # Another field takes its own turns, among its own specialists.
    other = [receive(desk_a, unit_a, procedure="chung-thuc-ban-sao") for _ in range(4)]
    assert Counter(officer_of(r) for r in other) == {"cv_all": 2, "cv_chungthuc": 2}


def test_every_receipt_path_assigns(desk_a, unit_a, post_staff_a):
    specialist("cv1", unit_a)
    at_desk = receive(desk_a, unit_a)
    online = receive(desk_a, unit_a, channel=Channel.ONLINE)
    by_post = services.postal_receive(
        actor=post_staff_a,
        procedure="ho-tich-khai-tu",
        applicant=APPLICANT,
        result_delivery=ResultDelivery.BY_POST,
    )
    assert [officer_of(r) for r in (at_desk, online, by_post)] == ["cv1"] * 3
    event = at_desk.events.get(action="receive")
    assert event.data["officer"] == "cv1" and event.data["chosen"] == "turn"
    assert event.data["step_due"] == at_desk.due_date.isoformat()


def test_the_desk_may_choose_the_specialist(desk_a, unit_a, unit_b):
    specialist("cv1", unit_a)
    specialist("cv2", unit_a)
    specialist("cv_b", unit_b)
    record = receive(desk_a, unit_a, specialist="cv2")
    assert officer_of(record) == "cv2"
    assert record.events.get(action="receive").data["chosen"] == "desk"
    with pytest.raises(ValidationError) as error:
        receive(desk_a, unit_a, specialist="cv_b")  # another unit's
    assert "specialist" in error.value.message_dict
    with pytest.raises(ValidationError):
        receive(desk_a, unit_a, specialist="motcua_a")  # not a specialist
    assert Record.objects.count() == 1


def test_a_removed_specialist_gets_nothing_new_and_their_records_need_reassignment(
    desk_a, unit_a, unit_b, client
):
    one, two = specialist("cv1", unit_a), specialist("cv2", unit_a)
    first = [receive(desk_a, unit_a) for _ in range(4)]
    assert Counter(officer_of(r) for r in first) == {"cv1": 2, "cv2": 2}
    one.is_specialist = False  # duty off
    one.save()
    later = [receive(desk_a, unit_a) for _ in range(3)]
    assert {officer_of(r) for r in later} == {"cv2"}

    client.force_login(desk_a)
    counts = home_counts(client)
    assert counts["reassign"] == 2
    two.commune = unit_b  # moved to another unit: everything of theirs needs reassignment
    two.save()
    assert home_counts(client)["reassign"] == 7
    two.commune = unit_a
    two.save()

    mine = [r for r in first if officer_of(r) == "cv1"]
    services.record_reassign(record=mine[0], actor=desk_a, officer="cv2", reason="Nghỉ phép")
    assert home_counts(client)["reassign"] == 1
    rows = Assignment.objects.filter(record=mine[0]).order_by("id")
    assert [(a.officer.username, a.until is None, a.assigned_by) for a in rows] == [
        ("cv1", False, desk_a),
        ("cv2", True, desk_a),
    ]
    with pytest.raises(ValidationError):
        services.record_reassign(record=mine[1], actor=desk_a, officer="cv1", reason="x")
    with pytest.raises(ValidationError):
        services.record_reassign(record=mine[1], actor=desk_a, officer="cv2", reason=" ")


def test_the_control_slip_prints_every_handover_from_the_history(desk_a, unit_a):
    one, two = (
        specialist("cv1", unit_a, last_name="Trần", first_name="Bình"),
        specialist("cv2", unit_a, last_name="Phạm", first_name="Chi"),
    )
    record = receive(desk_a, unit_a)
    record = services.record_process(record=record, actor=one)
    record = services.record_reassign(record=record, actor=desk_a, officer=two, reason="Nghỉ")
    record = services.record_resolve(record=record, actor=two)
    events = list(record_history(record))
    rows = control_slip_rows(record, events)
    desk, section = f"Bộ phận Một cửa, {unit_a}", f"Bộ phận chuyên môn, {unit_a}"
    assert [
        (r.number, r.step, r.giver.person, r.giver.party, r.receiver and r.receiver.person)
        for r in rows
    ] == [
        (1, "tiếp nhận", APPLICANT["applicant_name"], "Người nộp hồ sơ", "Lê Hà"),
        (2, "chuyển chuyên viên giải quyết", "Lê Hà", desk, "Trần Bình"),
        (3, "chuyển xử lý", "Trần Bình", desk, ""),
        (4, "chuyển chuyên viên khác", "Trần Bình", section, "Phạm Chi"),
        (5, "giải quyết xong", "Phạm Chi", section, ""),
    ]
    # The rows follow the history: one per event, plus the receipt's handover.
    assert [r.at for r in rows] == [events[0].at] + [e.at for e in events]
    assert rows[3].result == "trước hạn"  # cv1's step ended before its deadline
    assert rows[4].result == "trước hạn"
    assert not Assignment.objects.filter(record=record, until__isnull=True).exists()


# --- The leader's approval ----------------------------------------------------------------


@pytest.fixture
def chain(unit_a, desk_a, leader_a):
    cv = specialist("cv1", unit_a, last_name="Trần", first_name="Bình", title="Chuyên viên")
    record = receive(desk_a, unit_a, procedure=APPROVAL_PROCEDURE)
    record = services.record_process(record=record, actor=cv)
    return {"record": record, "cv": cv, "desk": desk_a, "leader": leader_a}


def test_a_result_that_needs_approval_waits_for_the_leader(chain):
    record, cv, leader = chain["record"], chain["cv"], chain["leader"]
    with pytest.raises(RecordConflict):
        services.record_resolve(record=record, actor=cv)
    record = services.record_propose(record=record, actor=cv, proposal="resolve", e_result=True)
    assert record.status == Status.PROCESSING  # the national status does not move
    assert Proposal.objects.get(record=record).decision == ""
    with pytest.raises(RecordConflict):  # one proposal at a time
        services.record_propose(record=record, actor=cv, proposal="resolve")

    with pytest.raises(PermissionDenied):  # a non-leader cannot approve
        services.record_approve(record=record, actor=chain["desk"])
    record = services.record_approve(record=record, actor=leader, note="Đồng ý")
    assert record.status == Status.RESOLVED and record.e_result
    tail = [(e.action, e.actor, e.from_status, e.to_status) for e in record.events.order_by("id")]
    assert tail[-3:] == [
        ("propose", cv, Status.PROCESSING, Status.PROCESSING),
        ("approve", leader, Status.PROCESSING, Status.PROCESSING),
        ("resolve", cv, Status.PROCESSING, Status.RESOLVED),
    ]
    assert record.events.get(action="resolve").data["approved_by"] == leader.display_name
    with pytest.raises(RecordConflict):  # approving twice
        services.record_approve(record=record, actor=leader)


def test_a_record_changed_since_the_proposal_is_a_conflict(chain):
    record, cv, leader = chain["record"], chain["cv"], chain["leader"]
    record = services.record_propose(record=record, actor=cv, proposal="stop", reason="Sai")
    record = services.record_request_supplement(record=record, actor=cv, reason="Thiếu giấy")
    with pytest.raises(RecordConflict):
        services.record_approve(record=record, actor=leader)
    assert Record.objects.get(pk=record.pk).status == Status.SUPPLEMENT_REQUESTED
    record = services.record_send_back(record=record, actor=leader, reason="Trình lại")
    proposal = Proposal.objects.get(record=record)
    assert (proposal.decision, proposal.decided_by) == ("sent_back", leader)


def test_a_leader_of_another_unit_cannot_approve_and_an_extension_goes_through(chain, unit_b):
    record, cv, leader = chain["record"], chain["cv"], chain["leader"]
    new_date = WorkingCalendar().add_working_days(record.current_due_date, 3)
    record = services.record_propose(
        record=record, actor=cv, proposal="extend", proposed_due_date=new_date, reason="Xác minh"
    )
    other = make_user("leader_b", Role.COMMUNE_LEADER, commune=unit_b)
    with pytest.raises(PermissionDenied):
        services.record_approve(record=record, actor=other)
    record = services.record_approve(record=record, actor=leader)
    assert (record.status, record.extended_due_date) == (Status.PROCESSING, new_date)


def test_the_api_proposes_approves_and_answers_409_twice(chain):
    record, cv, leader = chain["record"], chain["cv"], chain["leader"]
    specialist_api, leader_api = APIClient(), APIClient()
    specialist_api.force_authenticate(cv)
    leader_api.force_authenticate(leader)
    base = f"/api/v1/records/{record.code}/"
    response = specialist_api.post(base + "resolve/", {}, format="json")
    assert response.status_code == 409
    response = specialist_api.post(
        base + "propose/", {"proposal": "resolve", "reason": ""}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == Status.PROCESSING
    assert specialist_api.post(base + "approve/", {}, format="json").status_code == 403
    response = leader_api.post(base + "approve/", {"note": "Đồng ý"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == Status.RESOLVED
    assert leader_api.post(base + "approve/", {}, format="json").status_code == 409
    assert (
        specialist_api.post(base + "propose/", {"proposal": "x"}, format="json").status_code == 400
    )


def test_the_record_page_offers_propose_to_the_specialist_and_approve_to_the_leader(chain):
    record, cv, leader = chain["record"], chain["cv"], chain["leader"]
    page = Client()
    page.force_login(cv)
    names = [a["name"] for a in page.get(detail(record)).context["actions"]]
    assert "propose" in names and "resolve" not in names and "approve" not in names
    response = page.post(
        reverse("records:act", args=[record.code, "propose"]),
        {"version": record.version, "proposal": "resolve", "note": "Đủ điều kiện"},
    )
    assert response.status_code == 302
    page.force_login(leader)
    names = [a["name"] for a in page.get(detail(record)).context["actions"]]
    assert names == ["approve", "send_back"]
    record.refresh_from_db()
    response = page.post(
        reverse("records:act", args=[record.code, "approve"]), {"version": record.version}
    )
    assert response.status_code == 302
    assert Record.objects.get(pk=record.pk).status == Status.RESOLVED


def detail(record):
    return reverse("records:detail", args=[record.code])


# --- The to-do counters ---------------------------------------------------------------------


def home_counts(client) -> dict[str, int]:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return {key: count for key, _label, count, _url, _tone in response.context["keyed_cards"]}


def list_length(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    if "page" in response.context and hasattr(response.context["page"], "paginator"):
        return response.context["page"].paginator.count
    return len(response.context["rows"])


def busy_unit(chain, unit_a, point_a):
    desk, cv = chain["desk"], chain["cv"]
    waiting = receive(desk, unit_a)
    services.record_request_supplement(record=waiting, actor=cv, reason="Thiếu")
    paying = receive(desk, unit_a)
    services.record_request_payment(record=paying, actor=cv, amount=10000)
    leaving = receive(desk, unit_a)
    services.record_withdraw(record=leaving, actor=desk)
    done = receive(desk, unit_a)
    services.record_resolve(record=done, actor=cv)
    posted = receive(desk, unit_a, agent_point=point_a, result_delivery=ResultDelivery.AT_POINT)
    services.record_resolve(record=posted, actor=cv)
    services.record_submit(
        actor=None, procedure="ho-tich-khai-tu", receiving_unit=unit_a, applicant=APPLICANT
    )
    services.record_propose(record=chain["record"], actor=cv, proposal="resolve")
    orphan = receive(desk, unit_a)
    Assignment.objects.filter(record=orphan).delete()


@pytest.mark.parametrize("who", ["desk", "cv", "leader"])
def test_every_counter_equals_the_length_of_its_list(chain, unit_a, point_a, who):
    busy_unit(chain, unit_a, point_a)
    client = Client()
    client.force_login(chain[who])
    response = client.get(reverse("home"))
    cards = response.context["keyed_cards"]
    keys = {key for key, *_ in cards}
    expected = {
        "desk": {"reassign", "acceptance", "payment", "withdrawal", "return-desk"},
        "cv": {"mine", "mine-due-soon", "mine-overdue", "payment"},
        "leader": {"approval", "overdue", "return-post"},
    }[who]
    assert expected <= keys
    for key, _label, count, url, _tone in cards:
        assert list_length(client, url) == count, key
    counts = {key: count for key, _l, count, _u, _t in cards}
    if who == "leader":
        assert counts["approval"] == 1
    if who == "cv":
        assert counts["mine"] == 1  # the proposed one: the others wait, are done or orphaned
    if who == "desk":
        assert (counts["reassign"], counts["acceptance"], counts["payment"]) == (1, 1, 1)
        assert (counts["withdrawal"], counts["return-desk"], counts["return-post"]) == (1, 1, 1)


def test_the_home_counters_are_a_few_queries_whatever_the_records(
    chain, unit_a, point_a, django_assert_max_num_queries
):
    client = Client()
    client.force_login(chain["desk"])
    with django_assert_max_num_queries(9) as before:
        client.get(reverse("home"))
    busy_unit(chain, unit_a, point_a)
    for _ in range(5):
        receive(chain["desk"], unit_a)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(reverse("home"))


def test_every_unit_action_is_in_the_table():
    assert {"reassign", "propose", "approve", "send_back"} <= set(RECORD_ACTIONS)


def test_the_api_receives_for_the_chosen_specialist_and_lists_mine(desk_a, unit_a):
    cv1, cv2 = specialist("cv1", unit_a), specialist("cv2", unit_a)
    api = APIClient()
    api.force_authenticate(desk_a)
    payload = {"procedure": "ho-tich-khai-tu", "channel": 1, **APPLICANT, "specialist": "cv2"}
    response = api.post("/api/v1/records/", payload, format="json")
    assert response.status_code == 201
    assert officer_of(Record.objects.get(code=response.json()["code"])) == "cv2"
    response = api.post("/api/v1/records/", {**payload, "specialist": "nobody"}, format="json")
    assert response.status_code == 400 and "specialist" in response.json()
    mine = APIClient()
    mine.force_authenticate(cv2)
    assert mine.get("/api/v1/records/?mine=true").json()["count"] == 1
    mine.force_authenticate(cv1)
    assert mine.get("/api/v1/records/?mine=true").json()["count"] == 0


def test_the_city_office_manages_duties_and_approval_in_the_admin(client, city_office, clerk_a):
    client.force_login(city_office)
    page = client.get(reverse("admin:accounts_user_change", args=[clerk_a.pk])).content.decode()
    for name in ("is_desk", "is_specialist", "is_leader", "specialist_fields", "title"):
        assert f'name="{name}"' in page, name
    listing = client.get(reverse("admin:records_procedure_changelist")).content.decode()
    assert 'name="form-0-needs_approval"' in listing


def test_the_internal_steps_are_not_synced_to_the_national_portal(chain):
    record, cv, leader = chain["record"], chain["cv"], chain["leader"]
    before = SyncMessage.objects.filter(record=record).count()
    assert before == 2  # receive, process
    record = services.record_propose(record=record, actor=cv, proposal="resolve")
    record = services.record_send_back(record=record, actor=leader, reason="Trình lại")
    assert SyncMessage.objects.filter(record=record).count() == before
