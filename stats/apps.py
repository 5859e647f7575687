from django.apps import AppConfig


class StatsConfig(AppConfig):
    """Daily figures per unit derived from the records, their recompute jobs, period reports,
    the city dashboard and its exports. Listens to ``records.signals.record_changed``."""

    name = "stats"
    verbose_name = "Statistics"
