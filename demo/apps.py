from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and generators: the records of 1–11 July 2025 that reproduce the city's
    report, the recent weeks that keep the demo alive, synthetic years for benchmarks."""

    name = "demo"
    verbose_name = "Demo data"
