"""``manage.py dvcqg_deliver [--loop SECONDS]``: deliver the sync messages that are due now
(the beat sweep's work, in this process). Without a broker (``make run``, tasks eager) run it
with ``--loop 5`` beside the server: the clerk's requests never push to the portal."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from dvcqg import outbox
from dvcqg.client import delivery_enabled


class Command(BaseCommand):
    help = "Deliver the sync messages due to the national portal (once, or every --loop s)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, metavar="SECONDS")

    def handle(self, *args, **options):
        if not delivery_enabled():
            raise CommandError("DVCQG_PUSH_URL is empty: delivery to the national portal is off.")
        while True:
            sent = outbox.deliver_due()
            if sent or not options["loop"]:
                self.stdout.write(f"{sent} messages sent to the national portal.")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
