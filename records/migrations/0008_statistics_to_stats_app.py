"""The statistics models leave the records app's state (their tables stay: stats 0001 takes
them over and stats 0002 renames them). Nothing is written to the database here."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('records', '0007_overdue_definitions'),
        ('stats', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(model_name='statslatechange', name='unit'),
                migrations.DeleteModel(name='DailyStat'),
                migrations.DeleteModel(name='StatsLateChange'),
            ],
        ),
    ]
