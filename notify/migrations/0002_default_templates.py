from django.db import migrations

from notify.defaults import default_templates


def load(apps, schema_editor):
    """The default Vietnamese templates, active; one already there (edited) is kept."""
    Template = apps.get_model("notify", "NotificationTemplate")
    for row in default_templates():
        Template.objects.get_or_create(
            event=row["event"],
            channel=row["channel"],
            defaults={"subject": row["subject"], "body": row["body"], "active": True},
        )


class Migration(migrations.Migration):
    dependencies = [("notify", "0001_outbox")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
