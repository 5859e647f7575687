from django.db import migrations, models


def sms_for_notifications(apps, schema_editor):
    """A submission that wanted notifications (one flag, before the channels) wants SMS."""
    Record = apps.get_model("records", "Record")
    Record.objects.filter(wants_notifications=True).update(notify_sms=True)


def notifications_from_sms(apps, schema_editor):
    Record = apps.get_model("records", "Record")
    Record.objects.filter(models.Q(notify_sms=True) | models.Q(notify_zalo=True) | models.Q(notify_email=True)).update(
        wants_notifications=True
    )


class Migration(migrations.Migration):

    dependencies = [
        ("records", "0010_record_sync_pending"),
    ]

    operations = [
        migrations.AddField(
            model_name="record",
            name="notify_sms",
            field=models.BooleanField(default=False, verbose_name="notify by SMS"),
        ),
        migrations.AddField(
            model_name="record",
            name="notify_zalo",
            field=models.BooleanField(default=False, verbose_name="notify by Zalo"),
        ),
        migrations.AddField(
            model_name="record",
            name="notify_email",
            field=models.BooleanField(default=False, verbose_name="notify by e-mail"),
        ),
        migrations.RunPython(sms_for_notifications, notifications_from_sms, elidable=False),
        migrations.RemoveField(model_name="record", name="wants_notifications"),
    ]
