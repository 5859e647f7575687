"""Reads of the statistics, always scoped to a user: clerks and commune leaders see their unit,
the city office and administrators every unit, anyone else nothing."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import UNIT_ROLES
from accounts.scoping import scope_for_user
from communes.models import Commune
from stats.models import DailyStat


def can_read_stats(user) -> bool:
    """City-wide roles, and clerks and leaders of a unit; not post office staff."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_city_wide or (user.role in UNIT_ROLES and user.commune_id is not None)


def stats_units_for_user(user) -> QuerySet[Commune]:
    """The units whose figures the user may read."""
    return scope_for_user(Commune.objects.all(), user, unit_fields=("pk",))


def daily_stats_for_user(user) -> QuerySet[DailyStat]:
    """The user's rows, oldest day first."""
    return scope_for_user(
        DailyStat.objects.select_related("unit"), user, unit_fields=("unit",)
    ).order_by("day", "unit__code")


def units_for_report(user, codes: Sequence[str] = ()) -> list[Commune]:
    """The units named by ``codes`` (all the user may read when empty).

    Raises ``ValidationError`` for an unknown code and ``PermissionDenied`` for a unit outside
    the user's scope.
    """
    visible = stats_units_for_user(user)
    if not codes:
        return list(visible)
    wanted = sorted(set(codes))
    known = {unit.code: unit for unit in Commune.objects.filter(code__in=wanted)}
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise ValidationError(
            {"commune": [_("Unknown unit code: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    allowed = set(visible.filter(code__in=wanted).values_list("code", flat=True))
    if len(allowed) != len(wanted):
        raise PermissionDenied(_("You may read the figures of your own unit only."))
    return [known[code] for code in wanted]
