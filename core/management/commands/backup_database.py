from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core import backups


class Command(BaseCommand):
    help = (
        "Back up the configured database to a file: pg_dump custom format on PostgreSQL, a "
        "consistent copy on SQLite. Default file: backups/hue-portal-<YYYYmmdd-HHMMSS>.dump. "
        "The file holds personal data: keep it private."
    )

    # A backup must work even while an unrelated system check fails.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            help="where to write the backup (must not exist yet)",
        )

    def handle(self, *args, **options):
        database = backups.database_settings()
        self.stdout.write(f"Backing up {backups.describe_database(database)}…")
        try:
            result = backups.backup_database(options["file"], database=database)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Backup written: {result.path} ({format_size(result.size)}, {result.seconds:.1f} s)"
        )


def format_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")
