"""Who may change which record. Reads are scoped by ``records.selectors``; writes are checked
here again by the services, so no entry point can act outside its unit."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import Role


def ensure_can_receive(actor, unit) -> None:
    """Clerks receive for their own unit; administrators for any. ``actor=None`` is the system
    (synchronisation, seeding)."""
    if actor is None or actor.role == Role.ADMIN or actor.is_superuser:
        return
    if actor.role == Role.CLERK and actor.commune_id == unit.pk:
        return
    raise PermissionDenied(_("You may only receive records for your own unit."))


def ensure_can_act(actor, record) -> None:
    """Clerks act on records their unit receives or handles; administrators on any."""
    if actor is None or actor.role == Role.ADMIN or actor.is_superuser:
        return
    if actor.role == Role.CLERK and actor.commune_id in (
        record.receiving_unit_id,
        record.handling_unit_id,
    ):
        return
    raise PermissionDenied(_("You may not change this record."))


def can_see_identifiers(user, record) -> bool:
    """Full personal ID and phone: the unit's clerks and leader, and administrators. The city
    office sees them masked; post staff never see the ID (and see the phone for delivery)."""
    if user.role == Role.ADMIN or user.is_superuser:
        return True
    return user.role in (Role.CLERK, Role.COMMUNE_LEADER) and user.commune_id in (
        record.receiving_unit_id,
        record.handling_unit_id,
    )
