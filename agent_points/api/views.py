from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import generics, status, viewsets
from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission
from rest_framework.response import Response

from accounts.models import Role
from accounts.scoping import scope_for_user
from agent_points.api.serializers import AgentPointSerializer, OnlineAssistanceSerializer
from agent_points.filters import AgentPointFilter
from agent_points.models import AgentPoint, OnlineAssistance
from agent_points.services import record_online_assistance


class OnlineAssistanceAccess(BasePermission):
    """Reads: post staff, the unit's staff, the city office (scoped); writes: post staff."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return user.role == Role.POST_STAFF


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


@extend_schema_view(
    get=extend_schema(
        tags=["agent points"], summary="Daily counts of citizens helped to file online"
    ),
    post=extend_schema(
        tags=["agent points"],
        summary="Record the day's count for your agent point (replaces that day's count)",
        examples=[
            OpenApiExample("Count", value={"day": "2025-07-07", "count": 18}, request_only=True)
        ],
    ),
)
class OnlineAssistanceView(generics.ListCreateAPIView):
    """Post office staff record and read their point's counts; the city office reads all."""

    serializer_class = OnlineAssistanceSerializer
    permission_classes = [OnlineAssistanceAccess]

    def get_queryset(self):
        return scope_for_user(
            OnlineAssistance.objects.select_related("agent_point").order_by("-day", "id"),
            self.request.user,
            unit_fields=("agent_point__commune",),
            agent_point_field="agent_point",
        )

    def create(self, request, *args, **kwargs):
        payload = self.get_serializer(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = record_online_assistance(actor=request.user, **payload.validated_data)
        return Response(self.get_serializer(entry).data, status=status.HTTP_201_CREATED)
