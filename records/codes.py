"""Record codes: ``<agency code>-YYMMDD-NNNN``, a sequence per receiving unit per local day.

Issued inside the receipt's transaction by one atomic upsert on ``RecordSequence``: concurrent
receipts for the same unit and day queue on that row, and a rolled-back receipt rolls its
number back too, so the sequence has no gaps. Past 9999 the number simply widens (10000).
"""

from datetime import date, datetime

from django.db import connection
from django.utils import timezone

from records.models import ReceiptSequence, RecordSequence


def _next_number(model, key: str, unit_id: int, value) -> int:
    """Increment and return the counter row of ``model`` for (unit, ``key`` = value) by one
    atomic upsert. Call inside a transaction: concurrent callers queue on the row, and a
    rollback gives the number back, so the numbers have no gaps."""
    table = connection.ops.quote_name(model._meta.db_table)
    # The only interpolations are the model's own quoted table name and a fixed column name.
    sql = (
        f"INSERT INTO {table} (unit_id, {key}, last_number) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT (unit_id, {key}) DO UPDATE SET last_number = {table}.last_number + 1 "
        f"RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit_id, value])
        return cursor.fetchone()[0]


def next_sequence_number(unit_id: int, day: date) -> int:
    """Increment and return the unit's record-code counter for ``day``."""
    return _next_number(RecordSequence, "day", unit_id, day)


def next_receipt_number(unit_id: int, year: int) -> int:
    """Increment and return the unit's fee-receipt counter for ``year`` (same technique as the
    record codes)."""
    return _next_number(ReceiptSequence, "year", unit_id, year)


def issue_record_code(*, agency_code: str, unit_id: int, received_at: datetime) -> str:
    day = timezone.localtime(received_at).date()
    number = next_sequence_number(unit_id, day)
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"
