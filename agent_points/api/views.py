from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from agent_points.api.serializers import AgentPointSerializer
from agent_points.filters import AgentPointFilter
from agent_points.models import AgentPoint


@extend_schema_view(
    list=extend_schema(tags=["reference"], summary="Public-service agent points"),
    retrieve=extend_schema(tags=["reference"], summary="One agent point by code"),
)
class AgentPointViewSet(viewsets.ReadOnlyModelViewSet):
    """Public reference data: the agent points of each unit (``?commune=19753``)."""

    serializer_class = AgentPointSerializer
    filterset_class = AgentPointFilter
    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9_-]+"
    queryset = AgentPoint.objects.select_related("commune").order_by("code")
