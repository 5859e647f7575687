import django_filters
from django.utils.translation import gettext_lazy as _

from agent_points.models import AgentPoint, AgentPointKind


class AgentPointFilter(django_filters.FilterSet):
    commune = django_filters.CharFilter(field_name="commune__code", label=_("Unit code"))
    kind = django_filters.ChoiceFilter(choices=AgentPointKind.choices, label=_("Kind"))
    active = django_filters.BooleanFilter(field_name="active", label=_("Active"))

    class Meta:
        model = AgentPoint
        fields = []
