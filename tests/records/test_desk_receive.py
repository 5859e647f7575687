"""Issue 14, the receive form: desk channels only, every error at once, values kept."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from records import services
from records.enums import Channel, Status
from records.models import Record
from tests.helpers import APPLICANT

pytestmark = pytest.mark.django_db

DESK_ONLY = (
    "Hồ sơ tiếp nhận tại bộ phận một cửa là nộp trực tiếp hoặc qua bưu chính; hồ sơ trực "
    "tuyến đến từ việc nộp trực tuyến."
)


def test_receive_form_offers_only_desk_channels(client, clerk_a):
    client.force_login(clerk_a)
    form = client.get(reverse("records:new")).context["form"]
    assert [(value, str(label)) for value, label in form.fields["channel"].choices] == [
        (1, "trực tiếp"),
        (3, "bưu chính công ích"),
    ]


def test_receive_form_refuses_online_channel(client, clerk_a):
    client.force_login(clerk_a)
    response = client.post(
        reverse("records:new"),
        {
            "procedure": "ho-tich-khai-tu",
            "channel": 2,
            "applicant_name": "Lê Văn Chín",
            "applicant_phone": "0905123456",
        },
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["channel"]
    assert not Record.objects.exists()


def test_receive_new_service_refuses_online_channel(clerk_a, unit_a):
    with pytest.raises(ValidationError) as excinfo:
        services.record_create_at_desk(
            actor=clerk_a,
            procedure="ho-tich-khai-tu",
            receiving_unit=unit_a,
            channel=Channel.ONLINE,
            applicant=APPLICANT,
        )
    assert excinfo.value.message_dict == {"channel": [DESK_ONLY]}
    assert not Record.objects.exists()


def test_api_receive_refuses_online_channel(clerk_a, unit_a):
    api = APIClient()
    api.force_authenticate(clerk_a)
    response = api.post(
        "/api/v1/records/",
        {"procedure": "ho-tich-khai-tu", "channel": 2, **APPLICANT},
        format="json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 400
    assert response.json() == {"channel": [DESK_ONLY]}
    assert not Record.objects.exists()


def test_online_submission_still_received_as_online(clerk_a, unit_a):
    submitted = services.record_submit(
        actor=None, procedure="ho-tich-khai-tu", receiving_unit=unit_a, applicant=APPLICANT
    )
    record = services.record_receive(record=submitted, actor=clerk_a)
    assert (record.channel, record.status, record.digitised) == (
        Channel.ONLINE,
        Status.RECEIVED,
        True,
    )


FIVE_BAD = {
    "procedure": "ho-tich-khai-sinh-da-co-giay-to",
    "channel": "1",
    "applicant_name": "Nguyễn Văn An",
    "applicant_id_number": "04609500123",
    "applicant_old_id_number": "19123",
    "applicant_phone": "12345",
    "applicant_email": "an@",
}
FIVE_MESSAGES = {
    "applicant_id_number": ["Số định danh cá nhân phải gồm đúng 12 chữ số."],
    "applicant_old_id_number": ["Số CMND cũ phải gồm đúng 9 chữ số."],
    "applicant_phone": [
        "Nhập số di động Việt Nam: 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09."
    ],
    "applicant_email": ["Nhập một địa chỉ email hợp lệ."],
    "received_at": ["Thời điểm không được ở tương lai."],
}


def future_input() -> str:
    return (timezone.localtime() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")


def test_receive_form_shows_every_error_at_once_and_keeps_values(client, clerk_a):
    client.force_login(clerk_a)
    when = future_input()
    response = client.post(reverse("records:new"), {**FIVE_BAD, "received_at": when})
    assert response.status_code == 400
    assert {name: list(errors) for name, errors in response.context["form"].errors.items()} == (
        FIVE_MESSAGES
    )
    page = response.content.decode()
    assert f'value="{when}"' in page
    assert response.context["due"] is not None
    assert not Record.objects.exists()
