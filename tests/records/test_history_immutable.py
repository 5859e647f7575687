"""The record history cannot be rewritten, not even with SQL, on PostgreSQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from records.models import RecordEvent
from tests.helpers import ON_POSTGRES, receive, require_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE records_recordevent SET note = 'rewritten' WHERE id = %s",
        "DELETE FROM records_recordevent WHERE id = %s",
    ],
)
def test_database_refuses_to_rewrite_history(statement, clerk_a, unit_a):
    require_service(ON_POSTGRES, "PostgreSQL (DATABASE_URL=postgres://...)")
    event = receive(clerk_a, unit_a).events.get()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement, [event.pk])
    event.refresh_from_db()
    assert (event.note, RecordEvent.objects.filter(pk=event.pk).count()) == ("", 1)


def test_inserting_history_still_works(clerk_a, unit_a):
    record = receive(clerk_a, unit_a)
    assert record.events.count() == 1
