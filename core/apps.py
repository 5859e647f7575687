from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: helpers every app may use (base model, text folding, environment
    readers, reference-file loading, cache, exports, domain errors). It imports no app."""

    name = "core"
    verbose_name = "Core"
