"""On PostgreSQL the database itself refuses UPDATE and DELETE of record history rows, so no
code path (nor a hand-typed SQL statement) can rewrite a record's history. SQLite, the
embedded development default, relies on the model's guard only."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION records_recordevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'record history is append-only: % refused on records_recordevent', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS recordevent_append_only ON records_recordevent;
CREATE TRIGGER recordevent_append_only
    BEFORE UPDATE OR DELETE ON records_recordevent
    FOR EACH ROW EXECUTE FUNCTION records_recordevent_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS recordevent_append_only ON records_recordevent;
DROP FUNCTION IF EXISTS records_recordevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("records", "0005_daily_stats")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
