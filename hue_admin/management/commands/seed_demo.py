from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.services import DEMO_PASSWORD, ensure_demo_users


class Command(BaseCommand):
    help = (
        "Load reference data and create the demo accounts (deterministic, idempotent). "
        "Refuses to run with DEBUG off unless --force: demo passwords are public."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo creates accounts with a public password; DEBUG is off.")
        call_command("load_reference")
        logins = ensure_demo_users()
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<18} {login.role:<20} {login.workplace}")
