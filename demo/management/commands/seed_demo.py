from datetime import datetime, time
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.chain import assign_open_records, propose_and_approve
from demo.plan import PERIOD_FIRST_DAY as DEMO_FIRST_DAY
from demo.plan import PERIOD_LAST_DAY as DEMO_LAST_DAY
from demo.ratings import seed_ratings
from demo.recent import RECENT_WORKING_DAYS, lookup_examples, seed_recent_records
from demo.seed import seed_demo_records
from demo.users import DEMO_PASSWORD, ensure_demo_users
from stats.models import DailyStat
from stats.services import recompute_noted


class Command(BaseCommand):
    help = (
        "Load reference data, create the demo accounts and the demo records of 1–11 July 2025 "
        "that reproduce the city's report, then the living demo: the last working weeks up to "
        "now (deterministic, idempotent). Refuses to run with DEBUG off unless --force: demo "
        "passwords are public."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")
        parser.add_argument(
            "--as-of",
            default=None,
            metavar="YYYY-MM-DD[THH:MM]",
            help="the moment the living demo runs up to (default: now; a date alone: 10:00)",
        )
        parser.add_argument(
            "--reference-only",
            action="store_true",
            help="only the 1–11 July 2025 reference, not the living weeks up to today",
        )

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
        moment = as_of(options["as_of"])
        if not options["reference_only"]:
            self.seed_recent(moment)
            self.seed_chain(moment)
            # The demo's transfers and approvals go through the lifecycle services, which note
            # a recompute of their units (queued to a worker that may not run yet): done now,
            # nothing left owed.
            recompute_noted()
            self.show_lookup_examples()
        rated = seed_ratings(moment)
        self.stdout.write(f"Satisfaction ratings of returned records: {rated:,} created.")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(
                f"  {login.username:<18} {login.full_name:<22} {login.role:<20} {login.workplace}"
            )

    def seed_chain(self, now: datetime) -> None:
        """The chain of officers: open records to the specialists, a few approvals."""
        assigned = assign_open_records()
        proposed, approved = propose_and_approve(now)
        self.stdout.write(
            f"Chain of officers: {assigned:,} open records assigned to specialists, "
            f"{proposed} results proposed to the leaders ({approved} approved)."
        )

    def show_lookup_examples(self) -> None:
        """A few living demo records to look up as a citizen would (made-up ID numbers)."""
        examples = lookup_examples()
        if not examples:
            return
        self.stdout.write("")
        self.stdout.write(
            f"Citizen's status lookup, no login: {settings.PUBLIC_BASE_URL}/tra-cuu/ "
            "(record code + personal ID number):"
        )
        for status, code, id_number in examples:
            self.stdout.write(f"  {code:<24} {id_number:<13} {status}")

    def seed_recent(self, now: datetime) -> None:
        report = seed_recent_records(now)
        if report.skipped:
            self.stdout.write(
                "Living demo: the working days up to now are present, nothing changed."
            )
            return
        self.stdout.write(
            f"Living demo, the last {RECENT_WORKING_DAYS} working days up to {now:%Y-%m-%d %H:%M} "
            "and the July backlog finished: "
            f"{report.records:,} records ({report.received:,} received), "
            f"{report.events:,} history events, in {report.seconds:.1f} s."
        )
        call_command(
            "compute_stats",
            "--from",
            report.first_day.isoformat(),
            "--to",
            now.date().isoformat(),
            stdout=self.stdout,
        )


def as_of(value: str | None) -> datetime:
    """``--as-of``: a local date (10:00 that day) or date and time; default now."""
    tz = ZoneInfo(settings.TIME_ZONE)
    if not value:
        return timezone.localtime(timezone.now(), tz).replace(microsecond=0)
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-of: not a date or date and time: {value!r}") from error
    if len(value) <= 10:
        moment = datetime.combine(moment.date(), time(10, 0))
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
