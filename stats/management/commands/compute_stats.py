import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from communes.models import Commune
from stats.services import compute_daily_stats, records_first_day


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Recompute the daily figures (DailyStat) of every day from --from to --to for all units "
        "or the --commune units, from the records. Idempotent (upserts); safe to run while the "
        "portal works (runs over the same units wait for each other)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--from", dest="date_from", help="first day, YYYY-MM-DD (default: first record)"
        )
        parser.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--commune", action="append", default=[], help="unit code (repeatable; default all)"
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        date_to = _day(options["date_to"]) if options["date_to"] else today
        if options["date_from"]:
            date_from = _day(options["date_from"])
        else:
            date_from = records_first_day()
            if date_from is None:
                self.stdout.write("No records: nothing to compute.")
                return
        if date_to > today:
            raise CommandError(f"--to {date_to} is in the future (today is {today}).")
        if date_to < date_from:
            raise CommandError("--to is before --from.")
        unit_ids = None
        if options["commune"]:
            found = dict(
                Commune.objects.filter(code__in=options["commune"]).values_list("code", "pk")
            )
            unknown = sorted(set(options["commune"]) - set(found))
            if unknown:
                raise CommandError(f"Unknown unit code(s): {', '.join(unknown)}")
            unit_ids = list(found.values())
        started = time.monotonic()
        result = compute_daily_stats(date_from=date_from, date_to=date_to, unit_ids=unit_ids)
        self.stdout.write(
            f"Computed {result.rows:,} daily rows for {result.units} units "
            f"({result.date_from} to {result.date_to}) in {time.monotonic() - started:.1f} s."
        )
