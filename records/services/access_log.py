"""The log of reads and exports of applicants' personal data."""

from __future__ import annotations

from django.utils import timezone

from records.models import PersonalDataAccess


def log_personal_data_access(*, user, records, fields: list[str], via: str) -> None:
    """Record that ``user`` read or exported ``fields`` (ID number, phone) of ``records``."""
    now = timezone.now()
    PersonalDataAccess.objects.bulk_create(
        PersonalDataAccess(user=user, record=record, fields=fields, via=via, at=now)
        for record in records
    )
