"""Reads for the public directory of units and their agent points (no personal data)."""

from django.db.models import Prefetch

from agent_points.models import AgentPoint
from communes.models import Commune


def directory_unit(code: str) -> Commune | None:
    """One active unit with its active agent points prefetched, or None."""
    points = AgentPoint.objects.filter(active=True).order_by("kind", "code")
    return (
        Commune.objects.filter(active=True, code=code)
        .prefetch_related(Prefetch("agent_points", queryset=points, to_attr="active_points"))
        .first()
    )
