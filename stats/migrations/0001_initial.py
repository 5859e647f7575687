"""The statistics tables move from the records app to this one without touching a row.

Until issue 15 the models lived in ``records`` (tables ``records_dailystat`` and
``records_statslatechange``, created by records 0005). This migration only tells Django's
state that the models now belong here, on the existing tables; records 0008 removes them from
the records app's state; 0002 then renames the tables to this app's names.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('communes', '0001_initial'),
        ('records', '0007_overdue_definitions'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='RecomputeOwed',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField()),
                        ('noted_at', models.DateTimeField(auto_now_add=True)),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='communes.commune')),
                    ],
                    options={
                        'db_table': 'records_statslatechange',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='DailyStat',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('day', models.DateField(verbose_name='day')),
                        ('received', models.PositiveIntegerField(default=0, verbose_name='received')),
                        ('received_in_person', models.PositiveIntegerField(default=0, verbose_name='received in person')),
                        ('received_online', models.PositiveIntegerField(default=0, verbose_name='received online')),
                        ('received_postal', models.PositiveIntegerField(default=0, verbose_name='received by post')),
                        ('digitised', models.PositiveIntegerField(default=0, verbose_name='digitised')),
                        ('not_accepted', models.PositiveIntegerField(default=0, verbose_name='submitted, not accepted')),
                        ('refused', models.PositiveIntegerField(default=0, verbose_name='refused')),
                        ('finished', models.PositiveIntegerField(default=0, verbose_name='finished')),
                        ('finished_early', models.PositiveIntegerField(default=0, verbose_name='finished early')),
                        ('finished_on_time', models.PositiveIntegerField(default=0, verbose_name='finished on time')),
                        ('finished_late', models.PositiveIntegerField(default=0, verbose_name='finished late')),
                        ('stopped', models.PositiveIntegerField(default=0, verbose_name='stopped')),
                        ('returned', models.PositiveIntegerField(default=0, verbose_name='returned')),
                        ('returned_counter', models.PositiveIntegerField(default=0, verbose_name='returned at the counter')),
                        ('returned_post', models.PositiveIntegerField(default=0, verbose_name='returned by post')),
                        ('returned_online', models.PositiveIntegerField(default=0, verbose_name='returned electronically')),
                        ('open_end', models.PositiveIntegerField(default=0, verbose_name='open at the end of the day')),
                        ('overdue_end', models.PositiveIntegerField(default=0, verbose_name='overdue at the end of the day')),
                        ('overdue_original_end', models.PositiveIntegerField(default=0, verbose_name='past the original date at the end of the day')),
                        ('computed_at', models.DateTimeField(verbose_name='computed at')),
                        ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='communes.commune', verbose_name='unit')),
                    ],
                    options={
                        'verbose_name': 'daily figures',
                        'verbose_name_plural': 'daily figures',
                        'db_table': 'records_dailystat',
                        'ordering': ['day', 'unit'],
                        'indexes': [models.Index(fields=['day'], name='dailystat_day')],
                        'constraints': [models.UniqueConstraint(fields=('unit', 'day'), name='dailystat_unit_day')],
                    },
                ),
            ],
        ),
    ]
