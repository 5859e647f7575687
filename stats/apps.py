from django.apps import AppConfig

from records.signals import record_changed


class StatsConfig(AppConfig):
    """Daily figures per unit derived from the records, their recompute jobs, period reports,
    the city dashboard and its exports. Listens to ``records.signals.record_changed``."""

    name = "stats"
    verbose_name = "Statistics"

    def ready(self):
        # The tasks import the models, which are not loaded before ready().
        from stats.tasks import schedule_recompute_for_change  # noqa: PLC0415

        record_changed.connect(
            schedule_recompute_for_change, dispatch_uid="stats.recompute_for_record_change"
        )
