"""Send the notifications that are due (the beat sweep's work, for the embedded default
without a broker, or by hand): ``manage.py notify_send [--loop SECONDS]``."""

import time

from django.core.management.base import BaseCommand

from notify import outbox


class Command(BaseCommand):
    help = "Send the notifications to citizens that are due (retries and failed ones too)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=float, default=0, help="Repeat every so many seconds (Ctrl+C stops)."
        )

    def handle(self, *args, loop: float = 0, **options):
        while True:
            sent = outbox.send_due()
            self.stdout.write(f"{sent} notifications sent")
            if not loop:
                return
            time.sleep(loop)
