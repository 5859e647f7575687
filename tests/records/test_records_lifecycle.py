"""The lifecycle: every status × every action, and the rules each action enforces."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from records import services
from records.calendar import WorkingCalendar
from records.enums import Outcome, Status
from records.exceptions import InvalidTransition, RecordConflict
from records.lifecycle import ACTIONS, RECORD_ACTIONS, allowed_actions
from records.models import Payment, PaymentRequest, Record, RecordEvent
from tests.helpers import APPLICANT, UNIT_B, make_user, receive

pytestmark = pytest.mark.django_db

# How to bring a fresh record into each status.
PATHS = {
    Status.SUBMITTED: ["submit"],
    Status.RECEIVED: [],
    Status.REFUSED: ["submit", ("refuse", {"reason": "Sai mẫu đơn"})],
    Status.PROCESSING: ["process"],
    Status.SUPPLEMENT_REQUESTED: [("request_supplement", {"reason": "Thiếu bản sao"})],
    Status.AWAITING_PAYMENT: [("request_payment", {"amount": 50000})],
    Status.WITHDRAWAL_REQUESTED: ["withdraw"],
    Status.STOPPED: [("stop", {"reason": "Không đủ điều kiện"})],
    Status.RESOLVED: ["resolve"],
    Status.RETURNED: ["resolve", ("return", {"method": "counter"})],
}


def bring_to(status, clerk, unit):
    steps = PATHS[status]
    if steps and steps[0] == "submit":
        record = services.record_submit(
            actor=None,
            procedure="ho-tich-khai-sinh-da-co-giay-to",
            receiving_unit=unit,
            applicant=APPLICANT,
        )
        steps = steps[1:]
    else:
        record = receive(clerk, unit)
    for step in steps:
        action, kwargs = step if isinstance(step, tuple) else (step, {})
        record = services.ACTION_SERVICES[action](record=record, actor=clerk, **kwargs)
    assert record.status == status
    return record


def valid_arguments(action, record):
    if action in ("refuse", "request_completion", "request_supplement", "stop"):
        return {"reason": "Lý do"}
    if action == "return":
        return {"method": "post"}
    if action == "transfer":
        return {"to_unit": UNIT_B, "reason": "Thuộc thẩm quyền đơn vị khác"}
    if action == "refuse_transfer":
        return {"reason": "Không thuộc thẩm quyền"}
    if action == "request_payment":  # the bundled birth registration is free: say the amount
        return {"amount": 50000}
    if action == "refund":  # a fee paid earlier (its rows only: the status stays)
        paid_fee(record)
        return {"reason": "Thu nhầm"}
    if action == "extend":
        start = record.current_due_date or timezone.localdate()  # none before receipt
        new_date = WorkingCalendar().add_working_days(start, 3)
        return {"new_due_date": new_date, "reason": "Cần xác minh thêm"}
    return {}


def paid_fee(record):
    request = PaymentRequest.objects.create(
        record=record,
        amount=8000,
        purpose="Lệ phí",
        due_date=timezone.localdate(),
        state="paid",
        requested_at=timezone.now(),
        closed_at=timezone.now(),
    )
    Payment.objects.create(
        request=request,
        amount=8000,
        channel="counter",
        paid_at=timezone.now(),
        receipt_unit_id=record.receiving_unit_id,
        receipt_year=2025,
        receipt_number=PaymentRequest.objects.count(),
    )


def snapshot(record):
    row = Record.objects.filter(pk=record.pk).values().get()
    return row, RecordEvent.objects.filter(record=record).count()


# The leader's approval (propose, approve, send back) needs a procedure that needs it, a
# proposal and a leader: its own matrix is in ``tests/records/test_chain.py``.
MATRIX_ACTIONS = [a for a in RECORD_ACTIONS if a not in ("propose", "approve", "send_back")]


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", MATRIX_ACTIONS)
def test_transition_matrix(status, action, clerk_a, unit_a):
    record = bring_to(status, clerk_a, unit_a)
    rule = ACTIONS[action]
    before, events_before = snapshot(record)
    arguments = valid_arguments(action, record)
    if action == "reassign":  # to another specialist of the unit
        make_user("chuyenvien_a", Role.CLERK, commune=unit_a)
        arguments = {"officer": "chuyenvien_a", "reason": "Nghỉ phép"}

    if status in rule.sources and not rule.offered_on(record):
        # allowed from the status, not on this record (a transfer's step on a record never
        # transferred): a conflict, nothing changes (tests/records/test_transfers.py)
        with pytest.raises(RecordConflict):
            services.ACTION_SERVICES[action](record=record, actor=clerk_a, **arguments)
        assert snapshot(record) == (before, events_before)
    elif status in rule.sources:
        result = services.ACTION_SERVICES[action](record=record, actor=clerk_a, **arguments)
        expected = rule.target if rule.target is not None else status
        assert result.status == expected
        assert Record.objects.get(pk=record.pk).status == expected
        event = RecordEvent.objects.filter(record=record).latest("id")
        assert (event.action, event.from_status, event.to_status, event.actor) == (
            action,
            status,
            expected,
            clerk_a,
        )
        assert RecordEvent.objects.filter(record=record).count() == events_before + 1
        assert result.version == before["version"] + 1
    else:
        with pytest.raises(InvalidTransition):
            services.ACTION_SERVICES[action](record=record, actor=clerk_a, **arguments)
        assert snapshot(record) == (before, events_before)


def test_allowed_actions_match_the_table():
    # ``refund`` is offered on a page only while a fee is paid (its condition ``fee_paid``).
    assert allowed_actions(Status.RESOLVED) == ["refund", "return", "result_to_desk"]
    assert allowed_actions(Status.SUBMITTED) == ["receive", "refuse", "request_completion"]
    assert allowed_actions(Status.RETURNED) == ["refund"]
    assert allowed_actions(Status.PROCESSING) == [
        "request_supplement",
        "request_payment",
        "refund",
        "resolve",
        "withdraw",
        "stop",
        "extend",
        "transfer",
        "accept_transfer",
        "refuse_transfer",
        # The chain of officers; the page offers each under its conditions and to its duty.
        "reassign",
        "propose",
        "approve",
        "send_back",
    ]


def test_full_journey_history(clerk_a, unit_a):
    record = receive(clerk_a, unit_a)
    code = record.code
    for action, kwargs in [
        ("process", {}),
        ("request_supplement", {"reason": "Thiếu tờ khai"}),
        ("supplement", {}),
        ("request_payment", {"amount": 50000}),
        ("paid", {"reference": "PT-0042"}),
        ("resolve", {"e_result": True}),
        ("return", {"method": "online"}),
    ]:
        record = services.ACTION_SERVICES[action](record=record, actor=clerk_a, **kwargs)
    record.refresh_from_db()
    assert record.code == code
    assert record.status == Status.RETURNED
    # Paid at the counter: paid_online follows the payment's channel (online: tests/payments).
    assert not record.paid_online and record.e_result
    assert record.return_method == "online" and record.returned_at is not None
    assert record.outcome == Outcome.EARLY
    events = list(record.events.values_list("action", "from_status", "to_status"))
    assert events == [
        ("receive", None, 2),
        ("process", 2, 4),
        ("request_supplement", 4, 5),
        ("supplement", 5, 4),
        ("request_payment", 4, 6),
        ("paid", 6, 4),
        ("resolve", 4, 9),
        ("return", 9, 10),
    ]
    assert record.events.get(action="request_payment").data["amount"] == 50000
    assert record.events.get(action="request_supplement").note == "Thiếu tờ khai"


def test_submitted_record_gets_code_at_receipt(clerk_a, unit_a):
    record = services.record_submit(
        actor=None, procedure="ho-tich-khai-tu", receiving_unit=unit_a, applicant=APPLICANT
    )
    assert (record.code, record.received_at, record.due_date) == (None, None, None)
    assert record.digitised is True  # an online dossier is born digital
    received = services.record_receive(record=record, actor=clerk_a)
    assert received.code.startswith(f"{unit_a.agency_code}-")
    assert received.due_date is not None
    # The receipt hands the record to the unit's specialist in turn (the only one: the clerk).
    assert record.events.latest("id").data == {
        "due_date": received.due_date.isoformat(),
        "officer": clerk_a.username,
        "officer_name": clerk_a.display_name,
        "step_due": received.due_date.isoformat(),
        "chosen": "turn",
    }


def test_refusal_and_stop_need_a_reason_and_change_nothing_without(clerk_a, unit_a):
    record = receive(clerk_a, unit_a)
    before = snapshot(record)
    with pytest.raises(ValidationError) as excinfo:
        services.record_stop(record=record, actor=clerk_a, reason="  ")
    assert "reason" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        services.record_return(record=record, actor=clerk_a, method="pigeon")
    assert snapshot(record) == before


def test_stop_sets_finished_time_and_outcome(clerk_a, unit_a):
    record = services.record_stop(record=receive(clerk_a, unit_a), actor=clerk_a, reason="x")
    assert record.finished_at is not None
    assert record.outcome == Outcome.EARLY


def test_stale_version_is_a_conflict(clerk_a, unit_a, english):
    record = receive(clerk_a, unit_a)
    services.record_process(record=record, actor=clerk_a, expected_version=record.version)
    with pytest.raises(RecordConflict, match="changed by someone else"):
        services.record_resolve(record=record, actor=clerk_a, expected_version=record.version)
    assert Record.objects.get(pk=record.pk).status == Status.PROCESSING


def test_only_the_units_clerks_may_act(clerk_a, clerk_b, leader_a, city_office, unit_a, unit_b):
    record = receive(clerk_a, unit_a)
    for outsider in (clerk_b, leader_a, city_office):
        with pytest.raises(PermissionDenied):
            services.record_process(record=record, actor=outsider)
    with pytest.raises(PermissionDenied):
        receive(clerk_b, unit_a)
    assert Record.objects.get(pk=record.pk).status == Status.RECEIVED
    # a record received in A and handled by B: B's clerk acts on it
    shared = receive(clerk_a, unit_a, handling_unit=unit_b)
    assert services.record_process(record=shared, actor=clerk_b).status == Status.PROCESSING


def test_action_time_cannot_be_in_the_future_or_before_last_step(clerk_a, unit_a, english):
    record = receive(clerk_a, unit_a)
    with pytest.raises(ValidationError) as excinfo:
        services.record_process(
            record=record, actor=clerk_a, at=timezone.now() + timedelta(hours=1)
        )
    assert excinfo.value.message_dict == {"at": ["The time cannot be in the future."]}
    with pytest.raises(ValidationError):
        services.record_process(
            record=record, actor=clerk_a, at=record.received_at - timedelta(minutes=1)
        )


def test_history_is_append_only(clerk_a, unit_a):
    record = receive(clerk_a, unit_a)
    event = record.events.get()
    event.note = "rewritten"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        RecordEvent.objects.filter(record=record).update(note="x")
    with pytest.raises(PermissionError):
        RecordEvent.objects.filter(record=record).delete()
    assert record.events.get().note == ""


def test_detail_corrections_meet_the_rules_of_a_new_record(clerk_a, unit_a):
    online = receive(clerk_a, unit_a, channel=2)  # submitted, then received: version 2
    version = online.version
    with pytest.raises(ValidationError) as removed_phone:
        services.record_update_details(
            record=online, actor=clerk_a, changes={"applicant_phone": ""}
        )
    assert set(removed_phone.value.message_dict) == {"applicant_phone"}
    with pytest.raises(ValidationError) as no_point:
        services.record_update_details(
            record=online, actor=clerk_a, changes={"result_delivery": "post"}
        )
    assert "result_delivery" in no_point.value.message_dict
    online.refresh_from_db()
    assert (online.applicant_phone, online.result_delivery, online.version) == (
        "0912345678",
        "unit",
        version,
    )
    updated = services.record_update_details(
        record=online,
        actor=clerk_a,
        changes={"applicant_address": "  3  Hùng Vương ", "applicant_phone": "0905 111 222"},
    )
    assert (updated.applicant_address, updated.applicant_phone) == ("3 Hùng Vương", "0905111222")
