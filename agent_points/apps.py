from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgentPointsConfig(AppConfig):
    name = "agent_points"
    verbose_name = _("Agent points")
