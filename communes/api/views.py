from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.permissions import AllowAny

from communes.api.serializers import CommuneSerializer
from communes.filters import CommuneFilter
from communes.selectors import directory_units


@extend_schema_view(
    list=extend_schema(tags=["reference"], summary="The 40 commune-level units"),
    retrieve=extend_schema(tags=["reference"], summary="One unit by its 5-digit code"),
)
class CommuneViewSet(viewsets.ReadOnlyModelViewSet):
    """Public reference data: wards and communes with their service-centre address."""

    serializer_class = CommuneSerializer
    filterset_class = CommuneFilter
    permission_classes = [AllowAny]
    lookup_field = "code"
    lookup_value_regex = r"\d{5}"

    def get_queryset(self):
        return directory_units().order_by("code")
