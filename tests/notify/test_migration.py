"""records 0011: a submission that wanted notifications (one flag, before the channels)
wants SMS after the migration; migrating back keeps "wants notifications" for any channel."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from records.models import Record
from tests.helpers import APPLICANT, receive

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("records", "0010_record_sync_pending"), ("notify", None)]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def column(name, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {name} FROM records_record WHERE id = %s", [pk])  # noqa: S608
        return bool(cursor.fetchone()[0])


def test_wanted_notifications_become_sms_and_back(clerk_a, unit_a):
    emailed = receive(
        clerk_a,
        unit_a,
        applicant={**APPLICANT, "applicant_email": "a@example.vn"},
        notify_email=True,
    )
    wanted = receive(clerk_a, unit_a)
    silent = receive(clerk_a, unit_a)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(BEFORE)
        assert column("wants_notifications", emailed.pk) is True
        assert column("wants_notifications", wanted.pk) is False
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE records_record SET wants_notifications = %s WHERE id = %s",
                [True, wanted.pk],
            )
    finally:
        migrate(latest)
    channels = {r.pk: r.notify_channels for r in Record.objects.all()}
    assert channels == {emailed.pk: ("sms",), wanted.pk: ("sms",), silent.pk: ()}
