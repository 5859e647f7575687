"""Transfers between units (Decree 118/2025): received at unit A, handled at unit B, returned
at A. Each unit's clerks see the record for their part and act only on it; a third unit's
clerks get 404; the figures count the intake once at A and the handling once at B."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from communes.models import Commune
from records import services
from records.enums import Status
from records.exceptions import RecordConflict
from records.selectors import record_for_user, transfer_counts
from stats.models import DailyStat, RecomputeOwed
from stats.services import compute_daily_stats
from tests.helpers import UNIT_A, UNIT_B, local, make_user, receive

pytestmark = pytest.mark.django_db

JULY_1, JULY_4 = date(2025, 7, 1), date(2025, 7, 4)


@pytest.fixture
def clerk_c(reference_data):
    unit_c = Commune.objects.exclude(code__in=[UNIT_A, UNIT_B]).order_by("code").first()
    return make_user("clerk_c", Role.CLERK, commune=unit_c)


def page(user, code):
    client = Client()
    client.force_login(user)
    return client.get(reverse("records:detail", args=[code]))


def api_get(user, code):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(f"/api/v1/records/{code}/")


def buttons(user, code) -> list[str]:
    return [action["name"] for action in page(user, code).context["actions"]]


def test_received_at_a_handled_at_b_returned_at_a(clerk_a, clerk_b, clerk_c, unit_a, unit_b):
    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 9))
    assert "transfer" in buttons(clerk_a, record.code)
    assert page(clerk_b, record.code).status_code == 404  # not B's yet

    with pytest.raises(ValidationError) as refused:
        services.record_transfer(record=record, actor=clerk_a, to_unit=UNIT_B, reason=" ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.record_transfer(record=record, actor=clerk_a, to_unit="99999", reason="x")
    assert "to_unit" in refused.value.message_dict

    record = services.record_transfer(
        record=record,
        actor=clerk_a,
        to_unit=UNIT_B,
        reason="Thuộc thẩm quyền xã Phú Vang",
        at=local(2025, 7, 1, 10),
    )
    assert (record.status, record.handling_unit, record.receiving_unit) == (
        Status.RECEIVED,
        unit_b,
        unit_a,
    )
    assert record.transfer_pending_since is not None
    event = record.events.latest("id")
    assert event.action == "transfer" and event.data["to_unit"] == UNIT_B
    assert event.note == "Thuộc thẩm quyền xã Phú Vang"

    # Pending at B: B sees it with its two choices; A sees it, cannot act for B; C sees nothing.
    assert transfer_counts(clerk_b) == {"to_accept": 1, "results_to_return": 0}
    assert buttons(clerk_b, record.code) == [
        "withdraw",
        "stop",
        "accept_transfer",
        "refuse_transfer",
    ]
    assert buttons(clerk_a, record.code) == ["withdraw", "stop"]
    assert api_get(clerk_b, record.code).json()["allowed_actions"] == [
        "withdraw",
        "stop",
        "accept-transfer",
        "refuse-transfer",
    ]
    with pytest.raises(PermissionDenied):
        services.record_accept_transfer(record=record, actor=clerk_a)
    with pytest.raises(RecordConflict):  # not accepted yet
        services.record_process(record=record, actor=clerk_b)
    with pytest.raises(PermissionDenied):
        services.record_accept_transfer(record=record, actor=clerk_c)
    for outsider_view in (page(clerk_c, record.code), api_get(clerk_c, record.code)):
        assert outsider_view.status_code == 404

    record = services.record_accept_transfer(
        record=record, actor=clerk_b, note="Đã nhận", at=local(2025, 7, 1, 14)
    )
    assert record.transfer_pending_since is None
    assert transfer_counts(clerk_b)["to_accept"] == 0
    # The handling steps are B's now, not A's.
    with pytest.raises(PermissionDenied):
        services.record_process(record=record, actor=clerk_a)
    assert "process" not in buttons(clerk_a, record.code)
    record = services.record_process(record=record, actor=clerk_b, at=local(2025, 7, 2, 9))
    record = services.record_resolve(record=record, actor=clerk_b, at=local(2025, 7, 3, 9))

    # Resolved at B: the result goes to A's desk first; B may not return it, A not before.
    assert buttons(clerk_b, record.code) == ["result_to_desk"]
    assert buttons(clerk_a, record.code) == []
    with pytest.raises(RecordConflict):
        services.record_return(record=record, actor=clerk_a, method="counter")
    with pytest.raises(PermissionDenied):
        services.record_result_to_desk(record=record, actor=clerk_a)
    record = services.record_result_to_desk(record=record, actor=clerk_b, at=local(2025, 7, 3, 15))
    assert transfer_counts(clerk_a) == {"to_accept": 0, "results_to_return": 1}
    assert buttons(clerk_a, record.code) == ["return"]
    assert buttons(clerk_b, record.code) == []
    with pytest.raises(PermissionDenied):
        services.record_return(record=record, actor=clerk_b, method="counter")
    record = services.record_return(
        record=record, actor=clerk_a, method="counter", at=local(2025, 7, 4, 9)
    )
    assert record.status == Status.RETURNED
    assert transfer_counts(clerk_a)["results_to_return"] == 0

    assert list(record.events.order_by("at", "id").values_list("action", "actor__username")) == [
        ("receive", "clerk_a"),
        ("transfer", "clerk_a"),
        ("accept_transfer", "clerk_b"),
        ("process", "clerk_b"),
        ("resolve", "clerk_b"),
        ("result_to_desk", "clerk_b"),
        ("return", "clerk_a"),
    ]
    # Both units keep seeing it; the third unit never did.
    for user in (clerk_a, clerk_b):
        assert record_for_user(user, record.code) == record
        assert page(user, record.code).status_code == 200
        assert api_get(user, record.code).status_code == 200
    assert record_for_user(clerk_c, record.code) is None
    assert page(clerk_c, record.code).status_code == 404
    assert api_get(clerk_c, record.code).status_code == 404


def test_the_list_filter_shows_each_unit_its_transfers(clerk_a, clerk_b, clerk_c, unit_a):
    transferred = receive(clerk_a, unit_a)
    services.record_transfer(record=transferred, actor=clerk_a, to_unit=UNIT_B, reason="Lý do")
    receive(clerk_a, unit_a)  # kept at A

    def listed(user, **query):
        client = Client()
        client.force_login(user)
        response = client.get(reverse("records:list"), query)
        return [record.code for record in response.context["page"]]

    assert listed(clerk_b, transfer="pending", handling_unit=UNIT_B) == [transferred.code]
    assert listed(clerk_a, transfer="pending") == [transferred.code]
    assert listed(clerk_c, transfer="pending") == []
    client = APIClient()
    client.force_authenticate(clerk_b)
    answer = client.get("/api/v1/records/", {"transfer": "pending"})
    assert [row["code"] for row in answer.json()["results"]] == [transferred.code]
    assert client.get("/api/v1/records/", {"transfer": "nonsense"}).status_code == 400


def test_transfer_through_the_page_and_the_api(clerk_a, clerk_b, unit_a):
    record = receive(clerk_a, unit_a)
    client = Client()
    client.force_login(clerk_a)
    url = reverse("records:act", args=[record.code, "transfer"])
    missing = client.post(url, {"version": record.version, "to_unit": UNIT_B, "reason": ""})
    assert missing.status_code == 400
    assert "Nhập lý do chuyển hồ sơ." in missing.content.decode()
    done = client.post(url, {"version": record.version, "to_unit": UNIT_B, "reason": "Lý do"})
    assert done.status_code == 302
    record.refresh_from_db()
    assert record.handling_unit.code == UNIT_B

    api = APIClient()
    api.force_authenticate(clerk_a)
    refused = api.post(f"/api/v1/records/{record.code}/accept-transfer/", {}, format="json")
    assert refused.status_code == 403
    api.force_authenticate(clerk_b)
    accepted = api.post(f"/api/v1/records/{record.code}/accept-transfer/", {}, format="json")
    assert accepted.status_code == 200, accepted.content
    again = api.post(f"/api/v1/records/{record.code}/accept-transfer/", {}, format="json")
    assert again.status_code == 409


def test_sent_back_the_record_is_the_receiving_units_again(clerk_a, clerk_b, unit_a):
    record = receive(clerk_a, unit_a)
    record = services.record_transfer(record=record, actor=clerk_a, to_unit=UNIT_B, reason="x")
    with pytest.raises(ValidationError):
        services.record_refuse_transfer(record=record, actor=clerk_b, reason="")
    record = services.record_refuse_transfer(
        record=record, actor=clerk_b, reason="Không thẩm quyền"
    )
    assert (record.handling_unit, record.transfer_pending_since) == (unit_a, None)
    assert record_for_user(clerk_b, record.code) is None  # B's part is over
    assert services.record_process(record=record, actor=clerk_a).status == Status.PROCESSING


def figures(unit, *, start=JULY_1, end=JULY_4):
    rows = DailyStat.objects.filter(unit=unit, day__gte=start, day__lte=end)
    return {
        "received": sum(row.received for row in rows),
        "finished": sum(row.finished for row in rows),
        "open_end_july_2": rows.get(day=date(2025, 7, 2)).open_end if rows else None,
    }


def test_the_figures_count_intake_at_a_and_handling_at_b(
    clerk_a, clerk_b, unit_a, unit_b, eager, django_capture_on_commit_callbacks
):
    """The recompute each change triggers covers both units (the one the record left too),
    and a full recount afterwards finds the same figures."""
    with django_capture_on_commit_callbacks(execute=True):
        record = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 9))
    assert figures(unit_a) == {"received": 1, "finished": 0, "open_end_july_2": 1}

    with django_capture_on_commit_callbacks(execute=True):
        record = services.record_transfer(
            record=record, actor=clerk_a, to_unit=UNIT_B, reason="x", at=local(2025, 7, 1, 10)
        )
    # The transfer alone moves the open stock from A to B, from the intake day on.
    assert figures(unit_a) == {"received": 1, "finished": 0, "open_end_july_2": 0}
    assert figures(unit_b) == {"received": 0, "finished": 0, "open_end_july_2": 1}

    with django_capture_on_commit_callbacks(execute=True):
        record = services.record_accept_transfer(
            record=record, actor=clerk_b, at=local(2025, 7, 1, 11)
        )
        record = services.record_resolve(record=record, actor=clerk_b, at=local(2025, 7, 3, 9))
        record = services.record_result_to_desk(
            record=record, actor=clerk_b, at=local(2025, 7, 3, 10)
        )
        services.record_return(
            record=record, actor=clerk_a, method="counter", at=local(2025, 7, 4, 9)
        )
    triggered = {unit: figures(unit) for unit in (unit_a, unit_b)}
    assert triggered == {
        unit_a: {"received": 1, "finished": 0, "open_end_july_2": 0},
        unit_b: {"received": 0, "finished": 1, "open_end_july_2": 1},
    }
    assert not RecomputeOwed.objects.exists()  # every triggered recompute ran
    # The recount: the whole period, every unit, from scratch.
    compute_daily_stats(date_from=JULY_1, date_to=JULY_4)
    assert {unit: figures(unit) for unit in (unit_a, unit_b)} == triggered
    everywhere = DailyStat.objects.filter(day__gte=JULY_1, day__lte=JULY_4)
    assert sum(row.received for row in everywhere) == 1
    assert sum(row.finished for row in everywhere) == 1


def test_sending_back_recounts_the_unit_the_record_left(
    clerk_a, clerk_b, unit_a, unit_b, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 9))
        record = services.record_transfer(
            record=record, actor=clerk_a, to_unit=UNIT_B, reason="x", at=local(2025, 7, 1, 10)
        )
    assert figures(unit_b)["open_end_july_2"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.record_refuse_transfer(
            record=record, actor=clerk_b, reason="Không thẩm quyền", at=local(2025, 7, 1, 11)
        )
    assert figures(unit_b)["open_end_july_2"] == 0
    assert figures(unit_a)["open_end_july_2"] == 1
