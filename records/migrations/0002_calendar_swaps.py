"""Working days swapped by government decision on top of the `holidays` VN calendar: the
Saturday worked to bridge a holiday. The city office edits these in the admin."""

from datetime import date

from django.db import migrations

SWAPPED_WORKING_DAYS = [
    (date(2025, 4, 26), "Làm bù cho ngày nghỉ 02/5/2025"),
    (date(2026, 8, 22), "Làm bù cho ngày nghỉ 31/8/2026"),
]


def add_swaps(apps, schema_editor):
    CalendarDay = apps.get_model("records", "CalendarDay")
    for day, note in SWAPPED_WORKING_DAYS:
        CalendarDay.objects.get_or_create(date=day, defaults={"kind": "working_day", "note": note})


def remove_swaps(apps, schema_editor):
    CalendarDay = apps.get_model("records", "CalendarDay")
    CalendarDay.objects.filter(date__in=[day for day, _ in SWAPPED_WORKING_DAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0001_initial")]

    operations = [migrations.RunPython(add_swaps, remove_swaps)]
