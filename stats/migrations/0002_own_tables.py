"""The statistics tables take this app's names (a rename: rows, indexes and constraints stay),
and their content types and permissions follow, so groups keep their rights."""

from django.db import migrations

MOVES = [
    # (old app, old model, new model)
    ("records", "dailystat", "dailystat"),
    ("records", "statslatechange", "recomputeowed"),
]


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for old_app, old_model, new_model in MOVES:
        old = ContentType.objects.filter(app_label=old_app, model=old_model).first()
        if old is None:
            continue  # a fresh database: post_migrate creates the new ones
        if ContentType.objects.filter(app_label="stats", model=new_model).exists():
            old.delete()
            continue
        old.app_label, old.model = "stats", new_model
        old.save(update_fields=["app_label", "model"])
        if new_model != old_model:
            for permission in Permission.objects.filter(content_type=old):
                permission.codename = permission.codename.replace(old_model, new_model)
                permission.save(update_fields=["codename"])


class Migration(migrations.Migration):

    dependencies = [
        ('stats', '0001_initial'),
        ('records', '0008_statistics_to_stats_app'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        migrations.AlterModelTable(name='dailystat', table=None),
        migrations.AlterModelTable(name='recomputeowed', table=None),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
