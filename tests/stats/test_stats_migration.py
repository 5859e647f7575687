"""Issue 15 moved the statistics models from ``records`` to the ``stats`` app. A database laid
out as on main before the move, holding the demo's records, history and daily figures, keeps
every row when it migrates to the new layout (records 0008, stats 0001–0002).

The test seeds the demo on the current layout, migrates back to the old layout (stats' tables
renamed back to ``records_dailystat`` / ``records_statslatechange``, the content types as the
old code had them), fingerprints every table by SQL, migrates forward and compares.
"""

from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

OLD_LAYOUT = [("records", "0007_overdue_definitions"), ("stats", None)]
FINGERPRINTS = {
    # table: SQL giving one row that changes when any row is lost or altered
    "record": "SELECT count(*), sum(version), count(code), count(finished_at) FROM {}",
    "event": "SELECT count(*), count(DISTINCT record_id), sum(to_status) FROM {}",
    "dailystat": (
        "SELECT count(*), sum(received), sum(received_online), sum(finished),"
        " sum(finished_on_time), sum(open_end), sum(overdue_end), sum(overdue_original_end)"
        " FROM {}"
    ),
    "owed": "SELECT count(*), min(day), max(day) FROM {}",
}
OLD_TABLES = {
    "record": "records_record",
    "event": "records_recordevent",
    "dailystat": "records_dailystat",
    "owed": "records_statslatechange",
}
NEW_TABLES = {**OLD_TABLES, "dailystat": "stats_dailystat", "owed": "stats_recomputeowed"}


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def fingerprint(tables) -> dict:
    with connection.cursor() as cursor:
        result = {}
        for key, sql in FINGERPRINTS.items():
            cursor.execute(sql.format(connection.ops.quote_name(tables[key])))
            result[key] = tuple(cursor.fetchone())
    return result


def table_names() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def test_a_database_of_the_old_layout_keeps_its_records_history_and_figures(settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", verbosity=0)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        migrate(OLD_LAYOUT)
        tables = table_names()
        assert {"records_dailystat", "records_statslatechange"} <= tables
        assert not {"stats_dailystat", "stats_recomputeowed"} & tables
        with connection.cursor() as cursor:
            # The content types and a group's right as the old code had them.
            cursor.execute(
                "UPDATE django_content_type SET app_label = 'records', model = 'statslatechange'"
                " WHERE app_label = 'stats' AND model = 'recomputeowed'"
            )
            cursor.execute(
                "UPDATE django_content_type SET app_label = 'records'"
                " WHERE app_label = 'stats' AND model = 'dailystat'"
            )
            cursor.execute(
                "UPDATE auth_permission SET codename = replace(codename, 'recomputeowed',"
                " 'statslatechange') WHERE codename LIKE '%recomputeowed'"
            )
            # A recompute owed, as a record change on the old code would have noted it.
            cursor.execute(
                "INSERT INTO records_statslatechange (unit_id, day, noted_at)"
                " SELECT id, %s, %s FROM communes_commune ORDER BY code LIMIT 2",
                [date(2025, 7, 3), timezone.now()],
            )
        readers = Group.objects.create(name="figures readers")
        readers.permissions.add(
            Permission.objects.get(content_type__app_label="records", codename="view_dailystat"),
            Permission.objects.get(
                content_type__app_label="records", codename="delete_statslatechange"
            ),
        )
        before = fingerprint(OLD_TABLES)
        assert before["record"][0] >= 13_474  # the demo's records are there
        assert before["dailystat"][0] > 0
        assert before["owed"][0] == 2
    finally:
        migrate(latest)

    tables = table_names()
    assert {"stats_dailystat", "stats_recomputeowed"} <= tables
    assert not {"records_dailystat", "records_statslatechange"} & tables
    after = fingerprint(NEW_TABLES)
    owed_before, owed_after = before.pop("owed"), after.pop("owed")
    assert after == before
    # Plus one recompute owed per unit with figures, from its first day: the figures added
    # since (stats 0003, acceptance timeliness) are owed for the days already computed.
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(DISTINCT unit_id), min(day) FROM stats_dailystat")
        units, first_day = cursor.fetchone()
    assert owed_after == (owed_before[0] + units, first_day, owed_before[2])
    codenames = set(
        Group.objects.get(name="figures readers").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert codenames == {("stats", "view_dailystat"), ("stats", "delete_recomputeowed")}
    with connection.cursor() as cursor:  # the unique constraint and the index came along
        constraints = connection.introspection.get_constraints(cursor, "stats_dailystat")
    assert {"dailystat_unit_day", "dailystat_day"} <= set(constraints)
