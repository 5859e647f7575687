"""Record codes: ``<agency code>-YYMMDD-NNNN``, a sequence per receiving unit per local day.

Issued inside the receipt's transaction by one atomic upsert on ``RecordSequence``: concurrent
receipts for the same unit and day queue on that row, and a rolled-back receipt rolls its
number back too, so the sequence has no gaps. Past 9999 the number simply widens (10000).
"""

from datetime import date, datetime

from django.db import connection
from django.utils import timezone

from records.models import ReceiptSequence, RecordSequence


def next_sequence_number(unit_id: int, day: date) -> int:
    """Increment and return the unit's counter for ``day``. Call inside a transaction."""
    table = connection.ops.quote_name(RecordSequence._meta.db_table)
    # The only interpolation is the model's own quoted table name.
    sql = (
        f"INSERT INTO {table} (unit_id, day, last_number) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT (unit_id, day) DO UPDATE SET last_number = {table}.last_number + 1 "
        f"RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit_id, day])
        return cursor.fetchone()[0]


def next_receipt_number(unit_id: int, year: int) -> int:
    """Increment and return the unit's fee-receipt counter for ``year`` (same technique as the
    record codes: one atomic upsert inside the payment's transaction, so no gaps)."""
    table = connection.ops.quote_name(ReceiptSequence._meta.db_table)
    sql = (
        f"INSERT INTO {table} (unit_id, year, last_number) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT (unit_id, year) DO UPDATE SET last_number = {table}.last_number + 1 "
        f"RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [unit_id, year])
        return cursor.fetchone()[0]


def issue_record_code(*, agency_code: str, unit_id: int, received_at: datetime) -> str:
    day = timezone.localtime(received_at).date()
    number = next_sequence_number(unit_id, day)
    return f"{agency_code}-{day:%y%m%d}-{number:04d}"
