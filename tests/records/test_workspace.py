"""The clerk's browser workspace, through Django's test client."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from records import services
from records.enums import Status
from records.models import PersonalDataAccess, Record, RecordEvent
from tests.helpers import APPLICANT, receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, clerk_a, unit_a, point_a):
    """Unit A's desk with one record in each situation the home page counts."""
    now = timezone.now()
    today_in_person = receive(clerk_a, unit_a, received_at=now - timedelta(minutes=5))
    today_online = receive(clerk_a, unit_a, channel=2, received_at=now - timedelta(minutes=4))
    overdue = receive(clerk_a, unit_a, received_at=now - timedelta(days=30))
    waiting = receive(clerk_a, unit_a, received_at=now - timedelta(days=1))
    services.record_request_supplement(record=waiting, actor=clerk_a, reason="Thiếu giấy")
    done = receive(clerk_a, unit_a, received_at=now - timedelta(days=2))
    services.record_resolve(record=done, actor=clerk_a)
    client.force_login(clerk_a)
    return {
        "client": client,
        "today_in_person": today_in_person,
        "today_online": today_online,
        "overdue": overdue,
        "waiting": waiting,
        "done": done,
    }


def card_counts(response):
    return {str(label): count for label, count, _, _ in response.context["cards"]}


def test_home_counts_and_links(desk):
    response = desk["client"].get(reverse("home"))
    assert response.status_code == 200
    counts = card_counts(response)
    assert counts["Tiếp nhận hôm nay"] == 2
    assert counts["Quá hạn"] == 1
    assert counts["Chờ bổ sung"] == 1
    assert counts["Đã giải quyết, chưa trả kết quả"] == 1
    channels = {str(label): count for label, count, _ in response.context["channels"]}
    assert channels == {"trực tiếp": 1, "trực tuyến": 1, "bưu chính công ích": 0}
    # every card links to a list holding exactly the records behind its number
    for label, count, url, _ in response.context["cards"]:
        listing = desk["client"].get(url)
        assert listing.context["page"].paginator.count == count, label


def test_home_query_count_is_constant(desk, django_assert_max_num_queries, clerk_a, unit_a):
    # 2 of them save the session (idle timeout: every request renews it); one lists the
    # records due today (the desk's home, the chain of officers).
    with django_assert_max_num_queries(9) as before:
        desk["client"].get(reverse("home"))
    for _ in range(10):
        receive(clerk_a, unit_a)
    with django_assert_max_num_queries(len(before.captured_queries)):
        desk["client"].get(reverse("home"))


def test_list_masks_identifiers_and_filters(desk):
    response = desk["client"].get(reverse("records:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "046*******34" in page and "091*****78" in page
    assert APPLICANT["applicant_id_number"] not in page and "0912345678" not in page
    filtered = desk["client"].get(reverse("records:list"), {"status": Status.RESOLVED})
    assert [row[0].code for row in filtered.context["rows"]] == [desk["done"].code]
    searched = desk["client"].get(reverse("records:list"), {"search": "nguyen van an"})
    assert searched.context["page"].paginator.count == 5


def test_list_bad_filter_is_400_with_message(desk):
    response = desk["client"].get(reverse("records:list"), {"received_from": "hôm qua"})
    assert response.status_code == 400
    assert "Nhập ngày hợp lệ." in response.content.decode()


def test_list_query_count_is_constant(desk, clerk_a, unit_a, django_assert_max_num_queries):
    # 2 of them save the session (idle timeout: every request renews it).
    with django_assert_max_num_queries(10) as first:
        desk["client"].get(reverse("records:list"))
    for _ in range(15):
        receive(clerk_a, unit_a)
    with django_assert_max_num_queries(len(first.captured_queries)):
        desk["client"].get(reverse("records:list"))


def test_csv_export_of_the_filtered_list(desk):
    response = desk["client"].get(reverse("records:export"), {"status": Status.RECEIVED})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffMã hồ sơ,")
    lines = body.strip().splitlines()
    assert len(lines) == 1 + 3  # header + the three records still received
    assert "046*******34" in body and APPLICANT["applicant_id_number"] not in body
    assert PersonalDataAccess.objects.filter(via="export").count() == 3


def test_new_record_form_receives_and_shows_the_slip(client, clerk_a, unit_a):
    client.force_login(clerk_a)
    assert client.get(reverse("records:new")).status_code == 200
    response = client.post(
        reverse("records:new"),
        {
            "procedure": "ho-tich-khai-tu",
            "channel": 1,
            "applicant_name": "Lê Văn Chín",
            "applicant_id_number": "046070009999",
            "applicant_phone": "0905 123 456",
        },
    )
    record = Record.objects.get(applicant_name="Lê Văn Chín")
    assert response.status_code == 302
    assert response["Location"] == reverse("records:receipt-slip", args=[record.code])
    slip = client.get(response["Location"]).content.decode()
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in slip
    assert record.code in slip and "0905123456" in slip


def test_new_record_bad_input_shows_errors_and_saves_nothing(client, clerk_a, unit_a):
    client.force_login(clerk_a)
    response = client.post(
        reverse("records:new"),
        {
            "procedure": "ho-tich-khai-tu",
            "channel": 3,
            "applicant_name": "",
            "applicant_phone": "12345",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["applicant_name"] == ["Nhập họ và tên người nộp hồ sơ."]
    assert form.errors["applicant_phone"] == [
        "Nhập số di động Việt Nam: 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09."
    ]
    assert form.errors["applicant_address"] == ["Cần địa chỉ để trả kết quả qua bưu chính."]
    assert not Record.objects.exists()


def test_procedure_picker_ignores_diacritics(client, clerk_a, reference_data):
    client.force_login(clerk_a)
    options = client.get(reverse("records:procedure-options"), {"q": "chung thuc chu ky"})
    keys = [p.key for p in options.context["procedures"]]
    assert keys == ["chung-thuc-chu-ky", "chung-thuc-chu-ky-nguoi-dich"]


def test_due_date_preview(client, clerk_a, reference_data):
    client.force_login(clerk_a)
    response = client.get(
        reverse("records:due-preview"),
        {"procedure": "ho-tich-khai-sinh-da-co-giay-to", "received_at": "2026-02-13T10:00"},
    )
    assert "27/02/2026" in response.content.decode()


def test_detail_shows_exactly_the_allowed_actions_and_logs_identifiers(desk, clerk_a):
    response = desk["client"].get(reverse("records:detail", args=[desk["waiting"].code]))
    assert [a["name"] for a in response.context["actions"]] == [
        "supplement",
        "withdraw",
        "stop",
        "extend",
        "transfer",
        "reassign",
    ]
    assert APPLICANT["applicant_id_number"] in response.content.decode()
    assert PersonalDataAccess.objects.filter(user=clerk_a, via="web").count() == 1


def test_action_through_the_page(desk):
    record = desk["today_in_person"]
    url = reverse("records:act", args=[record.code, "process"])
    response = desk["client"].post(url, {"version": record.version, "note": "Chuyển tư pháp"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.status == Status.PROCESSING
    # the same page posted again: the version is stale, nothing changes
    again = desk["client"].post(url, {"version": 1})
    assert again.status_code == 409
    assert RecordEvent.objects.filter(record=record).count() == 2


def test_action_with_missing_input_shows_error(desk):
    record = desk["today_in_person"]
    url = reverse("records:act", args=[record.code, "stop"])
    response = desk["client"].post(url, {"version": record.version, "reason": ""})
    assert response.status_code == 400
    assert "Nhập lý do dừng xử lý." in response.content.decode()
    assert Record.objects.get(pk=record.pk).status == Status.RECEIVED


def test_unknown_action_is_404(desk):
    record = desk["today_in_person"]
    url = reverse("records:act", args=[record.code, "delete"])
    assert desk["client"].post(url, {"version": 1}).status_code == 404


def test_leader_reads_but_cannot_act(client, desk, leader_a):
    client.force_login(leader_a)
    record = desk["today_in_person"]
    detail = client.get(reverse("records:detail", args=[record.code]))
    assert detail.status_code == 200 and detail.context["actions"] == []
    assert "Chỉ xem" in detail.content.decode()
    url = reverse("records:act", args=[record.code, "process"])
    assert client.post(url, {"version": record.version}).status_code == 403
    assert client.get(reverse("records:new")).status_code == 403
    assert Record.objects.get(pk=record.pk).status == Status.RECEIVED


def test_other_units_clerk_gets_404(client, desk, clerk_b):
    client.force_login(clerk_b)
    code = desk["today_in_person"].code
    for name in ["records:detail", "records:receipt-slip", "records:control-slip"]:
        assert client.get(reverse(name, args=[code])).status_code == 404, name
    assert (
        client.post(reverse("records:act", args=[code, "process"]), {"version": 1}).status_code
        == 404
    )
    assert client.get(reverse("records:list")).context["page"].paginator.count == 0


@pytest.mark.parametrize("fixture", ["post_staff_a", "city_office"])
def test_receive_form_closed_to_other_roles(client, request, fixture, desk):
    client.force_login(request.getfixturevalue(fixture))
    assert client.get(reverse("records:new")).status_code == 403


def test_record_pages_closed_to_post_staff(client, post_staff_a, desk):
    # (the city office opens them read-only and masked: tests/records/test_desk_list.py)
    client.force_login(post_staff_a)
    assert client.get(reverse("records:detail", args=[desk["done"].code])).status_code == 403


def test_post_staff_have_no_record_list(client, post_staff_a, desk):
    client.force_login(post_staff_a)
    assert client.get(reverse("records:list")).status_code == 403


def test_city_office_list_masks_names_and_links_read_only_pages(client, city_office, desk):
    client.force_login(city_office)
    response = client.get(reverse("records:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "N. V. A." in page and "Nguyễn Văn An" not in page
    assert reverse("records:detail", args=[desk["done"].code]) in page


def test_control_slip_lists_every_step(desk):
    response = desk["client"].get(reverse("records:control-slip", args=[desk["waiting"].code]))
    page = response.content.decode()
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in page
    assert "Tiếp nhận" in page and "Yêu cầu bổ sung" in page and "Thiếu giấy" in page


def test_pages_render_steps_done_by_the_system(client, clerk_a, unit_a):
    """Synchronised or seeded records have events without an actor and no creating clerk."""
    record = services.record_submit(
        actor=None, procedure="ho-tich-khai-tu", receiving_unit=unit_a, applicant=APPLICANT
    )
    record = services.record_receive(record=record, actor=None)
    client.force_login(clerk_a)
    for name in ["records:detail", "records:control-slip", "records:receipt-slip"]:
        response = client.get(reverse(name, args=[record.code]))
        assert response.status_code == 200, name
    detail = client.get(reverse("records:detail", args=[record.code])).content.decode()
    assert "hệ thống" in detail


def test_list_shows_submissions_not_yet_accepted_without_a_broken_link(client, clerk_a, unit_a):
    services.record_submit(
        actor=None, procedure="ho-tich-khai-tu", receiving_unit=unit_a, applicant=APPLICANT
    )
    client.force_login(clerk_a)
    page = client.get(reverse("records:list"), {"status": Status.SUBMITTED}).content.decode()
    assert "chưa tiếp nhận" in page
    assert "/records/None/" not in page
