from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.reference import ReferenceDataError
from records.catalogue import BUNDLED_PROCEDURES_FILE, import_procedures


class Command(BaseCommand):
    help = (
        "Import administrative procedures from a CSV file with the columns of "
        "records/data/procedures.csv (key, field_vi, field_en, name_vi, name_en, time_limit, "
        "time_unit, online_level, confidence[, national_code]). A bad file imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, nargs="?", default=BUNDLED_PROCEDURES_FILE)
        parser.add_argument(
            "--replace",
            action="store_true",
            help="deactivate procedures that are not in the file",
        )

    def handle(self, *args, path: Path, replace: bool, **options):
        if not path.exists():
            raise CommandError(f"file not found: {path}")
        try:
            report = import_procedures(path=path, replace=replace)
        except ReferenceDataError as exc:
            raise CommandError(f"{path} rejected, nothing imported:\n{exc}") from None
        self.stdout.write(f"Procedures: {report.summary()}")
