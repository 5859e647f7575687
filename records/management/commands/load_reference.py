from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agent_points.services import BUNDLED_AGENT_POINTS_FILE, load_agent_points
from communes.services import BUNDLED_COMMUNES_FILE, load_communes
from core.reference import ReferenceDataError
from records.catalogue import (
    BUNDLED_COMPONENTS_FILE,
    BUNDLED_PROCEDURES_FILE,
    import_components,
    import_procedures,
)


class Command(BaseCommand):
    help = (
        "Load the 40 units, the agent points, the procedure catalogue and each procedure's "
        "required components (idempotent). Pass "
        "an updated file to replace the provisional agent-point list; a bad file is rejected whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("--communes", type=Path, default=BUNDLED_COMMUNES_FILE)
        parser.add_argument("--agent-points", type=Path, default=BUNDLED_AGENT_POINTS_FILE)
        parser.add_argument("--procedures", type=Path, default=BUNDLED_PROCEDURES_FILE)
        parser.add_argument("--components", type=Path, default=BUNDLED_COMPONENTS_FILE)

    def handle(self, *args, **options):
        for label, loader, path in (
            ("Units", load_communes, options["communes"]),
            ("Agent points", load_agent_points, options["agent_points"]),
            ("Procedures", import_procedures, options["procedures"]),
            ("Dossier components", import_components, options["components"]),
        ):
            if not path.exists():
                raise CommandError(f"{label}: file not found: {path}")
            try:
                report = loader(path=path)
            except ReferenceDataError as exc:
                raise CommandError(f"{label}: {path} rejected, nothing imported:\n{exc}") from None
            self.stdout.write(f"{label}: {report.summary()}")
