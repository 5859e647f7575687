from datetime import date

from django.core.management.base import BaseCommand, CommandError

from demo.generate import generate_records


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD)") from exc


class Command(BaseCommand):
    help = (
        "Generate synthetic records for benchmarks: spread over the units by population, the "
        "working days of --start..--end and the channels, with valid codes (continuing each "
        "unit's daily sequence), dates, statuses and outcomes, and one receipt event each. "
        "PostgreSQL: COPY; other databases: bulk_create. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True, help="number of records")
        parser.add_argument("--start", required=True, help="first day of receipt, YYYY-MM-DD")
        parser.add_argument("--end", required=True, help="last day of receipt, YYYY-MM-DD")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--batch-size", type=int, default=20_000, help="rows per write (default 20000)"
        )
        parser.add_argument(
            "--no-events", action="store_true", help="skip the receipt event of each record"
        )

    def handle(self, *args, **options):
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        step = max(options["count"] // 10, options["batch_size"])
        marks = {"next": step}

        def progress(done: int) -> None:
            if done >= marks["next"] and options["verbosity"] > 1:
                self.stdout.write(f"  {done:,} records")
                marks["next"] = done + step

        try:
            report = generate_records(
                count=options["count"],
                start=_day(options["start"]),
                end=_day(options["end"]),
                seed=options["seed"],
                batch_size=options["batch_size"],
                events=not options["no_events"],
                progress=progress,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Generated {report.records:,} records and {report.events:,} events "
            f"({report.method}) in {report.seconds:.1f} s: {report.rate:,.0f} records/s."
        )
