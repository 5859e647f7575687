"""An online submission (record_submit): its 8-working-hour acceptance deadline on the calendar,
its national dossier number, its components and its opaque public identifier."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from records.enums import Channel, Status
from records.models import DossierComponent, Record
from records.services import record_submit
from tests.helpers import APPLICANT, UNIT_A, local

pytestmark = pytest.mark.django_db

COMPONENTS = [
    {
        "name": "Tờ khai đăng ký khai sinh",
        "kind": "original",
        "count": 1,
        "file_name": "to-khai.pdf",
        "size": 182_340,
        "checksum": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "digitised": True,
    },
    {"name": "Giấy chứng sinh", "kind": "copy", "count": 2, "reused": True},
]


def submit(unit, *, at, number="G22.99-250704-0001", **kwargs):
    kwargs.setdefault("components", COMPONENTS)
    return record_submit(
        actor=None,
        procedure="ho-tich-khai-sinh",
        receiving_unit=unit,
        applicant=APPLICANT,
        submitted_at=at,
        national_dossier_no=number,
        **kwargs,
    )


@pytest.mark.parametrize(
    ("submitted", "deadline"),
    [
        (local(2025, 7, 4, 16, 30), local(2025, 7, 7, 16, 30)),  # Fri 16:30 → Mon 16:30
        (local(2025, 7, 5, 10, 0), local(2025, 7, 7, 17, 0)),  # Saturday → from Mon 07:30
        (local(2025, 8, 29, 16, 0), local(2025, 9, 3, 16, 0)),  # across 2 September
        (local(2026, 2, 13, 15, 0), local(2026, 2, 23, 15, 0)),  # across Tết 2026
    ],
)
def test_submission_gets_its_acceptance_deadline_on_the_calendar(unit_a, submitted, deadline):
    record = submit(unit_a, at=submitted)
    record.refresh_from_db()
    assert record.status == Status.SUBMITTED
    assert record.channel == Channel.ONLINE
    assert record.code is None
    assert record.submitted_at == submitted
    assert record.acceptance_due_at == deadline


def test_submission_keeps_its_number_components_and_flags(unit_a):
    record = submit(unit_a, at=local(2025, 7, 7, 9, 0), notify_sms=True)
    record.refresh_from_db()
    assert record.national_dossier_no == "G22.99-250704-0001"
    assert record.notify_sms is True
    rows = list(record.components.all())
    assert [c.name for c in rows] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert rows[0].kind == "original" and rows[0].size == 182_340 and rows[0].digitised
    assert rows[1].kind == "copy" and rows[1].count == 2 and rows[1].reused
    assert record.events.get().action == "submit"


def test_public_ids_are_distinct_and_numbers_unique(unit_a):
    first = submit(unit_a, at=local(2025, 7, 7, 9, 0))
    second = submit(unit_a, at=local(2025, 7, 7, 9, 5), number="G22.99-250707-0002")
    assert first.public_id != second.public_id
    with pytest.raises(IntegrityError), transaction.atomic():
        submit(unit_a, at=local(2025, 7, 7, 9, 10))


def test_bad_components_and_applicant_write_nothing(unit_a):
    with pytest.raises(ValidationError) as caught:
        record_submit(
            actor=None,
            procedure="ho-tich-khai-sinh",
            receiving_unit=UNIT_A,
            applicant={**APPLICANT, "applicant_id_number": "12"},
            submitted_at=local(2025, 7, 7, 9, 0),
            national_dossier_no="G22.99-250707-0003",
            components=[{"name": "", "kind": "scan", "count": 0}],
        )
    errors = caught.value.message_dict
    assert "components" in errors and "applicant_id_number" in errors
    assert not Record.objects.exists()
    assert not DossierComponent.objects.exists()
