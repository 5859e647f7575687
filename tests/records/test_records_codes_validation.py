"""Record codes, applicant validation, scoped selectors, masking, the procedure catalogue."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import translation

from records import services
from records.catalogue import import_procedures
from records.enums import Channel, Status
from records.models import Procedure, Record, RecordSequence
from records.selectors import overdue_q, record_for_user, records_for_user
from records.validation import mask_id, mask_phone, normalise_phone, validate_personal_id
from tests.helpers import APPLICANT, local, receive

pytestmark = pytest.mark.django_db


# --- Codes ----------------------------------------------------------------------------------


def test_codes_sequence_per_unit_per_local_day(clerk_a, clerk_b, unit_a, unit_b):
    first = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 8, 0))
    second = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 16, 0))
    other_unit = receive(clerk_b, unit_b, received_at=local(2025, 7, 1, 9, 0))
    # 00:30 on 2 July in Hue is still 1 July in UTC: the local day decides
    next_day = receive(clerk_a, unit_a, received_at=local(2025, 7, 2, 0, 30))
    assert [first.code, second.code, other_unit.code, next_day.code] == [
        "H57.19753-250701-0001",
        "H57.19753-250701-0002",
        "H57.19942-250701-0001",
        "H57.19753-250702-0001",
    ]


def test_code_widens_past_9999(clerk_a, unit_a):
    RecordSequence.objects.create(unit=unit_a, day=date(2025, 7, 1), last_number=9999)
    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 8, 0))
    assert record.code == "H57.19753-250701-10000"


def test_code_uses_the_edited_agency_code(clerk_a, unit_a):
    unit_a.agency_code = "000.20.19.H57"
    unit_a.save()
    clerk_a.refresh_from_db()
    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 8, 0))
    assert record.code == "000.20.19.H57-250701-0001"


def test_rolled_back_receipt_leaves_no_gap(clerk_a, unit_a):
    with pytest.raises(RuntimeError), transaction.atomic():
        receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 8, 0))
        raise RuntimeError("the caller's transaction fails after the receipt")
    record = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 8, 5))
    assert record.code == "H57.19753-250701-0001"


def test_code_never_changes_through_the_lifecycle(clerk_a, unit_a):
    record = receive(clerk_a, unit_a)
    code = record.code
    services.record_process(record=record, actor=clerk_a)
    services.record_resolve(record=record, actor=clerk_a)
    services.record_return(record=record, actor=clerk_a, method="counter")
    assert Record.objects.get(pk=record.pk).code == code


# --- Validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("046095001234", True),
        ("001203000123", True),  # born 2003 (digit 4 = 2: 21st century, male)
        ("046095", False),
        ("04609500123a", False),
        ("999095001234", False),  # no such province
        ("003095001234", False),  # 003 is not a province code
        ("046299001234", False),  # born 2099
    ],
)
def test_personal_id(value, ok):
    if ok:
        assert validate_personal_id(value, today=date(2025, 7, 1)) == value
    else:
        with pytest.raises(ValidationError):
            validate_personal_id(value, today=date(2025, 7, 1))


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("0912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("0352-123-456", "0352123456"),
    ],
)
def test_phone_normalised(raw, normalised):
    assert normalise_phone(raw) == normalised


@pytest.mark.parametrize("raw", ["0212345678", "091234567", "09123456789", "abc", "+1 912345678"])
def test_phone_rejected(raw):
    with pytest.raises(ValidationError):
        normalise_phone(raw)


@pytest.mark.parametrize(
    ("channel", "applicant", "errors"),
    [
        (Channel.IN_PERSON, {"applicant_name": "An"}, {"applicant_id_number"}),
        (
            Channel.IN_PERSON,
            {"applicant_name": "An", "applicant_old_id_number": "191234567"},
            set(),
        ),
        (
            Channel.ONLINE,
            {"applicant_name": "An", "applicant_id_number": "046095001234"},
            {"applicant_phone"},
        ),
        (
            Channel.POSTAL,
            {"applicant_name": "An", "applicant_phone": "0912345678"},
            {"applicant_address"},
        ),
        (Channel.POSTAL, {}, {"applicant_name", "applicant_phone", "applicant_address"}),
        (7, {"applicant_name": "An"}, {"channel"}),
    ],
)
def test_required_applicant_fields_per_channel(clerk_a, unit_a, channel, applicant, errors):
    count = Record.objects.count()
    if not errors:
        receive(clerk_a, unit_a, channel=channel, applicant=applicant)
        assert Record.objects.count() == count + 1
        return
    with pytest.raises(ValidationError) as excinfo:
        receive(clerk_a, unit_a, channel=channel, applicant=applicant)
    assert set(excinfo.value.message_dict) == errors
    assert Record.objects.count() == count


def test_bad_input_changes_nothing_and_speaks_vietnamese(clerk_a, unit_a):
    counts = (Record.objects.count(), RecordSequence.objects.count())
    with translation.override("vi"), pytest.raises(ValidationError) as excinfo:
        services.record_create_at_desk(
            actor=None,
            procedure="khong-co",
            receiving_unit="00000",
            channel=Channel.IN_PERSON,
            applicant={"applicant_name": "", "applicant_id_number": "12", "applicant_phone": "1"},
            received_at=local(2099, 1, 1, 8, 0),
        )
    assert excinfo.value.message_dict == {
        "procedure": ["Thủ tục không tồn tại hoặc đã ngừng áp dụng."],
        "receiving_unit": ["Đơn vị tiếp nhận không tồn tại."],
        "applicant_name": ["Nhập họ và tên người nộp hồ sơ."],
        "applicant_id_number": ["Số định danh cá nhân phải gồm đúng 12 chữ số."],
        "applicant_phone": [
            "Nhập số di động Việt Nam: 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09."
        ],
        "received_at": ["Thời điểm không được ở tương lai."],
    }
    assert (Record.objects.count(), RecordSequence.objects.count()) == counts


def test_applicant_fields_are_stored_normalised(clerk_a, unit_a):
    record = receive(
        clerk_a,
        unit_a,
        applicant={
            **APPLICANT,
            "applicant_name": "  Trần   Thị  Bình ",
            "applicant_phone": "+84 35 212 3456",
        },
    )
    record.refresh_from_db()
    assert record.applicant_name == "Trần Thị Bình"
    assert record.applicant_name_folded == "tran thi binh"
    assert record.applicant_phone == "0352123456"


# --- Selectors and masking -------------------------------------------------------------------


def test_records_scoped_by_unit(
    clerk_a, clerk_b, leader_a, city_office, post_staff_a, unit_a, unit_b, point_a
):
    in_a = receive(clerk_a, unit_a)
    in_b = receive(clerk_b, unit_b)
    received_in_b_handled_by_a = receive(clerk_b, unit_b, handling_unit=unit_a)
    postal = receive(clerk_a, unit_a, agent_point=point_a)

    def codes(user):
        return set(records_for_user(user).values_list("code", flat=True))

    assert codes(clerk_a) == {in_a.code, received_in_b_handled_by_a.code, postal.code}
    assert codes(leader_a) == codes(clerk_a)
    assert codes(clerk_b) == {in_b.code, received_in_b_handled_by_a.code}
    assert codes(post_staff_a) == {postal.code}
    assert codes(city_office) == {
        in_a.code,
        in_b.code,
        received_in_b_handled_by_a.code,
        postal.code,
    }
    assert record_for_user(clerk_b, in_a.code) is None
    assert record_for_user(clerk_a, in_a.code) == in_a
    assert record_for_user(clerk_a, "") is None


def overdue_records(user, as_of):
    return records_for_user(user).filter(overdue_q(as_of))


def test_overdue_selector(clerk_a, unit_a):
    late = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 8, 0))  # due 8/7/2025
    done = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 8, 0))
    services.record_resolve(record=done, actor=clerk_a, at=local(2025, 7, 2, 8, 0))
    paused = receive(clerk_a, unit_a, received_at=local(2025, 7, 1, 8, 0))
    services.record_request_supplement(
        record=paused, actor=clerk_a, reason="x", at=local(2025, 7, 2, 8, 0)
    )
    fresh = receive(clerk_a, unit_a, received_at=local(2025, 7, 7, 8, 0))  # due 14/7/2025
    assert late.due_date == date(2025, 7, 8)
    assert list(overdue_records(clerk_a, as_of=date(2025, 7, 8))) == []
    overdue = overdue_records(clerk_a, as_of=date(2025, 7, 9))
    # Waiting for the citizen's supplement: the clock is stopped, so it is not overdue.
    assert {r.code for r in overdue} == {late.code}
    assert fresh.code not in {r.code for r in overdue_records(clerk_a, as_of=date(2025, 7, 14))}


def test_masking():
    assert mask_id("046095001289") == "046*******89"
    assert mask_id("191234567") == "191****67"
    assert mask_phone("0912345678") == "091*****78"
    assert mask_id("") == ""


# --- Procedure catalogue ----------------------------------------------------------------------


HEADER = "key,field_vi,field_en,name_vi,name_en,time_limit,time_unit,online_level,confidence\n"


def test_bundled_catalogue_loaded(reference_data):
    assert Procedure.objects.count() == 27
    birth = Procedure.objects.get(key="ho-tich-khai-sinh")
    assert (birth.name, birth.time_limit, birth.time_unit) == ("Đăng ký khai sinh", 0, "same_day")


def test_bad_catalogue_is_rejected_with_line_numbers(reference_data, tmp_path):
    before = list(Procedure.objects.order_by("key").values_list("key", "name", "time_limit"))
    bad = tmp_path / "bad.csv"
    bad.write_text(
        HEADER
        + "ho-tich-khai-sinh,Hộ tịch,,Đổi tên,,9,working_days,full,x\n"
        + "moi-1,Hộ tịch,,Mới,,abc,working_days,full,x\n"
        + "moi-2,Hộ tịch,,Mới 2,,3,weeks,full,x\n"
        + "moi-3,,,Mới 3,,3,working_days,maybe,x\n"
        + "moi-1,Hộ tịch,,Trùng,,3,working_days,full,x\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as excinfo:
        call_command("import_procedures", str(bad))
    message = str(excinfo.value)
    assert "line 3: time_limit 'abc'" in message
    assert "line 4: time_unit 'weeks'" in message
    assert "line 5: field_vi is empty" in message
    assert "nothing imported" in message
    assert before == list(
        Procedure.objects.order_by("key").values_list("key", "name", "time_limit")
    )


def test_full_catalogue_import_of_2006_services(reference_data, tmp_path):
    rows = [
        f"dv-{n:04d},Lĩnh vực {n % 40},,Dịch vụ công số {n},Service {n},{n % 20},working_days,"
        f"{'full' if n % 3 == 0 else 'partial'},official\n"
        for n in range(2006)
    ]
    catalogue = tmp_path / "national.csv"
    catalogue.write_text(HEADER + "".join(rows), encoding="utf-8")
    report = import_procedures(path=catalogue)
    assert len(report.created) == 2006
    assert Procedure.objects.filter(key__startswith="dv-").count() == 2006
    again = import_procedures(path=catalogue, replace=True)
    assert (again.created, again.updated, len(again.unchanged)) == ([], [], 2006)
    assert len(again.deactivated) == 27  # the bundled ones, absent from this file
    assert Procedure.objects.filter(active=True).count() == 2006


def test_inactive_procedure_cannot_be_received(clerk_a, unit_a):
    Procedure.objects.filter(key="ho-tich-khai-tu").update(active=False)
    with pytest.raises(ValidationError) as excinfo:
        receive(clerk_a, unit_a, procedure="ho-tich-khai-tu")
    assert list(excinfo.value.message_dict) == ["procedure"]
    assert not Record.objects.filter(status=Status.RECEIVED).exists()
