"""Reads for commune-level units. The directory is public reference data (no personal data)."""

from django.db.models import Count, Q, QuerySet

from communes.models import Commune


def directory_units() -> QuerySet[Commune]:
    """Active units with the number of their active agent points, wards first as the city
    lists them. Filter with ``communes.filters.CommuneFilter``."""
    units = Commune.objects.filter(active=True).annotate(
        point_count=Count("agent_points", filter=Q(agent_points__active=True))
    )
    return units.order_by("-kind", "name_folded")
