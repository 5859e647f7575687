"""Records with a sync message not sent yet when ``Record.sync_pending`` arrived get the flag,
so the sync rate counts them as pending from the start; every other record has nothing owed."""

from django.db import migrations
from django.db.models import Exists, OuterRef


def mark_pending(apps, schema_editor):
    Record = apps.get_model("records", "Record")
    SyncMessage = apps.get_model("dvcqg", "SyncMessage")
    unsent = SyncMessage.objects.filter(record=OuterRef("pk")).exclude(state="sent")
    Record.objects.filter(Exists(unsent)).update(sync_pending=True)


class Migration(migrations.Migration):
    dependencies = [
        ("dvcqg", "0001_initial"),
        ("records", "0010_record_sync_pending"),
    ]

    operations = [migrations.RunPython(mark_pending, migrations.RunPython.noop)]
