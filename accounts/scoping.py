"""Row-level access by unit: the one helper every selector uses to scope a queryset to a user.

A queryset passed through :func:`scope_for_user` contains only rows the user may see:

- anonymous or inactive users: nothing;
- city office and administrators: everything;
- clerks and commune leaders: rows whose ``unit_fields`` point at their unit;
- post office staff: rows whose ``agent_point_field`` points at their agent point (nothing if the
  model has no such field).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q, QuerySet

from accounts.models import UNIT_ROLES, Role


def scope_for_user(
    queryset: QuerySet,
    user,
    *,
    unit_fields: Sequence[str] = (),
    agent_point_field: str | None = None,
) -> QuerySet:
    if user is None or not user.is_authenticated or not user.is_active:
        return queryset.none()
    if user.is_city_wide:
        return queryset
    if user.role in UNIT_ROLES and user.commune_id and unit_fields:
        condition = Q()
        for field in unit_fields:
            condition |= Q(**{field: user.commune_id})
        return queryset.filter(condition)
    if user.role == Role.POST_STAFF and user.agent_point_id and agent_point_field:
        return queryset.filter(**{agent_point_field: user.agent_point_id})
    return queryset.none()
