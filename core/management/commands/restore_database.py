import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from core import backups
from core.management.commands.backup_database import format_size


class Command(BaseCommand):
    help = (
        "Restore a backup written by backup_database over the configured database: everything "
        "in it now is replaced (records, history, figures, accounts). Asks for confirmation; "
        "--yes to skip the question (required when input is not a terminal). Stop the portal "
        "and the workers first."
    )
    # A restore must work even while an unrelated system check fails.
    requires_system_checks = []
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="a file written by backup_database")
        parser.add_argument(
            "--yes", action="store_true", help="restore without asking for confirmation"
        )

    def handle(self, *args, **options):
        database = backups.database_settings()
        target = backups.describe_database(database)
        try:
            backup = backups.inspect_backup(options["file"], database=database)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        if not options["yes"]:
            self.confirm(options.get("stdin") or sys.stdin, backup.path, target)
        self.stdout.write(f"Restoring {backup.path} over {target}…")
        try:
            result = backups.restore_database(backup.path, database=database)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored: {result.path} ({format_size(result.size)}, {result.seconds:.1f} s)"
        )
        if result.untouched_tables:
            self.stderr.write(
                "Warning: tables not in the backup were left as they were: "
                + ", ".join(result.untouched_tables)
            )
        self.report_migrations()

    def confirm(self, stdin, path, target):
        if not stdin.isatty():
            raise CommandError(
                f"Restoring {path} replaces everything in {target}. Input is not a terminal, "
                "so nothing is asked: pass --yes (make restore … YES=1) to confirm. "
                "Nothing was changed."
            )
        self.stdout.write(
            f"Restoring {path} replaces everything in {target} (records, history, figures, "
            "accounts). Type 'yes' to continue: ",
            ending="",
        )
        self.stdout.flush()
        if stdin.readline().strip().lower() != "yes":
            raise CommandError("Restore cancelled. Nothing was changed.")

    def report_migrations(self):
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            self.stdout.write(
                f"The backup predates {len(pending)} migration(s) of this code: "
                "run `manage.py migrate`."
            )
        unknown = set(executor.loader.applied_migrations) - set(executor.loader.graph.nodes)
        if unknown:
            self.stderr.write(
                f"Warning: the backup has {len(unknown)} migration(s) this code does not know: "
                "it was written by a newer version of the portal."
            )
