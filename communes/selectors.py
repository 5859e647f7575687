"""Reads for commune-level units. The directory is public reference data (no personal data)."""

from django.db.models import Count, Prefetch, Q, QuerySet

from agent_points.models import AgentPoint
from communes.models import Commune


def directory_units() -> QuerySet[Commune]:
    """Active units with the number of their active agent points, wards first as the city
    lists them. Filter with ``communes.filters.CommuneFilter``."""
    units = Commune.objects.filter(active=True).annotate(
        point_count=Count("agent_points", filter=Q(agent_points__active=True))
    )
    return units.order_by("-kind", "name_folded")


def directory_unit(code: str) -> Commune | None:
    """One active unit with its active agent points prefetched, or None."""
    points = AgentPoint.objects.filter(active=True).order_by("kind", "code")
    return (
        Commune.objects.filter(active=True, code=code)
        .prefetch_related(Prefetch("agent_points", queryset=points, to_attr="active_points"))
        .first()
    )
