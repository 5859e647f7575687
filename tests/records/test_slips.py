"""The printed slips read as the official forms: the receipt names the receiving officer in
full and carries the place-and-date line; the process-control slip has STT, who gives and who
receives the dossier at each step, the step's result and the two signature columns."""

import csv
import io
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from demo.users import ensure_demo_users
from records import services
from tests.helpers import APPLICANT, local, make_user, receive

pytestmark = pytest.mark.django_db


class Table(HTMLParser):
    """The header cells and body rows of the first ``<table>`` (cell text, spaces collapsed)."""

    def __init__(self, html):
        super().__init__()
        self.head, self.rows, self._cell, self._section = [], [], None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("thead", "tbody"):
            self._section = tag
        elif tag == "tr" and self._section == "tbody":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            text = " ".join(" ".join(self._cell).split())
            (self.head if self._section == "thead" else self.rows[-1]).append(text)
            self._cell = None
        elif tag in ("thead", "tbody"):
            self._section = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def switch_to_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})


def test_receipt_slip_prints_the_officers_full_name_and_the_place_and_date(client, clerk_a, unit_a):
    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 7, 9, 30))
    client.force_login(clerk_a)
    url = reverse("records:receipt-slip", args=[record.code])
    page = client.get(url).content.decode()
    assert '<p class="signer">Nguyễn An</p>' in page  # family name first, not "clerk_a"
    assert '<p class="sheet__dateline">Phú Xuân, ngày 07 tháng 07 năm 2025</p>' in page
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page
    assert "Độc lập - Tự do - Hạnh phúc" in page

    switch_to_english(client)
    page = client.get(url).content.decode()
    assert '<p class="signer">Nguyễn An</p>' in page
    assert '<p class="sheet__dateline">Phú Xuân, 7 July 2025</p>' in page


def test_receipt_slip_falls_back_to_the_username_without_a_name(client, unit_a):
    nameless = make_user("canbo.test", Role.CLERK, commune=unit_a)
    record = receive(nameless, unit_a, received_at=local(2025, 7, 8, 14, 0))
    client.force_login(nameless)
    page = client.get(reverse("records:receipt-slip", args=[record.code])).content.decode()
    assert '<p class="signer">canbo.test</p>' in page
    assert '<p class="sheet__dateline">Phú Xuân, ngày 08 tháng 07 năm 2025</p>' in page


def test_receipt_slip_of_an_online_submission_names_the_clerk_who_accepted_it(
    client, clerk_a, unit_a
):
    submitted = services.record_submit(
        actor=None, procedure="ho-tich-khai-tu", receiving_unit=unit_a, applicant=APPLICANT
    )
    record = services.record_receive(record=submitted, actor=clerk_a)
    assert record.created_by is None  # submitted by the national portal, accepted by clerk_a
    client.force_login(clerk_a)
    page = client.get(reverse("records:receipt-slip", args=[record.code])).content.decode()
    assert '<p class="signer">Nguyễn An</p>' in page


@pytest.fixture
def finished_early(clerk_a, unit_a):
    record = receive(clerk_a, unit_a, received_at=timezone.now() - timedelta(hours=2))
    record = services.record_process(record=record, actor=clerk_a)
    return services.record_resolve(record=record, actor=clerk_a)


def test_control_slip_has_stt_giver_receiver_result_and_signature_columns(
    client, clerk_a, finished_early
):
    client.force_login(clerk_a)
    url = reverse("records:control-slip", args=[finished_early.code])
    response = client.get(url)
    table = Table(response.content.decode())
    assert table.head == [
        "STT",
        "Nội dung",
        "Bên giao",
        "Bên nhận",
        "Thời gian giao, nhận",
        "Kết quả giải quyết (trước hạn/đúng hạn/quá hạn)",
        "Người giao ký",
        "Người nhận ký",
    ]
    events = list(finished_early.events.order_by("at", "id"))
    at = [timezone.localtime(e.at).strftime("%H:%M %d/%m/%Y") for e in events]
    desk = "Bộ phận Một cửa, Phường Phú Xuân"
    section = "Bộ phận chuyên môn, Phường Phú Xuân"
    assert table.rows == [
        ["1", "Tiếp nhận", "Nguyễn Văn An Người nộp hồ sơ", f"Nguyễn An {desk}", at[0], "", "", ""],
        # The receipt handed the record to the unit's specialist (the clerk is one too).
        ["2", "Chuyển chuyên viên giải quyết", f"Nguyễn An {desk}", f"Nguyễn An {section}", at[0]]
        + ["", "", ""],
        ["3", "Chuyển xử lý", f"Nguyễn An {desk}", section, at[1], "", "", ""],
        ["4", "Giải quyết xong", f"Nguyễn An {section}", desk, at[2], "trước hạn", "", ""],
    ]
    assert "Tiến độ giải quyết: <strong>trước hạn</strong>" in response.content.decode()

    switch_to_english(client)
    table = Table(client.get(url).content.decode())
    assert table.head == [
        "No.",
        "Step",
        "Handed over by",
        "Received by",
        "Time of handover",
        "Result (early/on time/late)",
        "Signature of the giver",
        "Signature of the receiver",
    ]
    assert table.rows[3][2:6] == [
        "Nguyễn An Handling section, Phu Xuan Ward",
        "One-stop desk, Phu Xuan Ward",
        at[2].split(" ")[1] + " " + at[2].split(" ")[0],
        "early",
    ]


def test_outcome_is_labelled_as_the_handling_timeliness_in_the_csv(client, clerk_a, finished_early):
    client.force_login(clerk_a)
    response = client.get(reverse("records:export"))
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(content)))[:2]
    assert dict(zip(header, row, strict=True))["Tiến độ giải quyết"] == "trước hạn"
    assert "Kết quả đúng hạn" not in header


def test_demo_accounts_have_vietnamese_full_names(reference_data):
    ensure_demo_users()
    ensure_demo_users()  # idempotent
    names = {user.username: user.display_name for user in User.objects.all()}
    assert names == {
        "admin": "Lê Minh Tuấn",
        "thanhpho": "Trần Thị Thu Hà",
        "canbo.phuxuan": "Nguyễn Thị Lan",
        "chuyenvien.phuxuan": "Trần Quốc Bảo",
        "chuyenvien2.phuxuan": "Lê Thị Hoa",
        "lanhdao.phuxuan": "Hoàng Văn Dũng",
        "canbo.phuvang": "Phan Thị Mai",
        "chuyenvien.phuvang": "Ngô Văn Hải",
        "lanhdao.phuvang": "Đặng Thị Nga",
        "canbo.aluoi5": "Hồ Văn Thái",
        "chuyenvien.aluoi5": "Kê Thị Lự",
        "lanhdao.aluoi5": "Hồ Văn Lai",
        "buudien.phuxuan": "Võ Thị Thanh Hương",
        "ketnoi.dvcqg": "Kết nối DVCQG",
    }
    connector = User.objects.get(username="ketnoi.dvcqg")
    assert connector.delivery_units.count() == 40  # the demo connector delivers to every unit
