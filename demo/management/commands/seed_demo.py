from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.plan import PERIOD_FIRST_DAY as DEMO_FIRST_DAY
from demo.plan import PERIOD_LAST_DAY as DEMO_LAST_DAY
from demo.seed import seed_demo_records
from demo.users import DEMO_PASSWORD, ensure_demo_users
from stats.models import DailyStat


class Command(BaseCommand):
    help = (
        "Load reference data, create the demo accounts and the demo records of 1–11 July 2025 "
        "that reproduce the city's report (deterministic, idempotent). Refuses to run with "
        "DEBUG off unless --force: demo passwords are public."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo creates accounts with a public password; DEBUG is off.")
        call_command("load_reference", stdout=self.stdout, stderr=self.stderr)
        logins = ensure_demo_users()
        report = seed_demo_records()
        if report.skipped:
            self.stdout.write("Demo records of 1–11 July 2025: already present, nothing changed.")
        else:
            self.stdout.write(
                f"Demo records of 1–11 July 2025: {report.records:,} created "
                f"({report.received:,} received), {report.events:,} history events, "
                f"in {report.seconds:.1f} s."
            )
        if not report.skipped or not DailyStat.objects.filter(day=DEMO_LAST_DAY).exists():
            # Bulk-inserted records trigger no recompute: compute the figures of the period.
            call_command(
                "compute_stats",
                "--from",
                DEMO_FIRST_DAY.isoformat(),
                "--to",
                DEMO_LAST_DAY.isoformat(),
                stdout=self.stdout,
            )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(
                f"  {login.username:<18} {login.full_name:<22} {login.role:<20} {login.workplace}"
            )
