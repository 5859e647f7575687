"""Who may change which record. Reads are scoped by ``records.selectors``; writes are checked
here again by the services, so no entry point can act outside its unit."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import Role


def ensure_can_receive(actor, unit, *, channel=None) -> None:
    """Clerks receive for their own unit; post office staff receive postal dossiers for any
    unit (the dossier is then linked to their agent point); administrators receive for any.
    ``actor=None`` is the system (synchronisation, seeding)."""
    from records.models import Channel

    if actor is None or actor.is_admin:
        return
    if actor.role == Role.CLERK and actor.commune_id == unit.pk:
        return
    if actor.role == Role.POST_STAFF and channel == Channel.POSTAL:
        return
    raise PermissionDenied(_("You may only receive records for your own unit."))


def ensure_can_act(actor, record) -> None:
    """Clerks act on records their unit receives or handles; administrators on any."""
    if actor is None or actor.is_admin:
        return
    if actor.role == Role.CLERK and actor.commune_id in (
        record.receiving_unit_id,
        record.handling_unit_id,
    ):
        return
    raise PermissionDenied(_("You may not change this record."))


def ensure_can_act_at_point(actor, record) -> None:
    """Post office staff act on records linked to their agent point; administrators on any."""
    if actor is None or actor.is_admin:
        return
    if actor.role == Role.POST_STAFF and record.agent_point_id == actor.agent_point_id:
        return
    raise PermissionDenied(_("You may not change this record."))


def ensure_can_digitise(actor, record) -> None:
    """Digitising is done at the unit's desk or at the record's agent point."""
    if actor is not None and actor.role == Role.POST_STAFF:
        ensure_can_act_at_point(actor, record)
    else:
        ensure_can_act(actor, record)


def can_see_identifiers(user, record) -> bool:
    """Full personal ID and phone: the unit's clerks and leader, and administrators. The city
    office sees them masked; post staff never see the ID (and see the phone for delivery)."""
    if user.is_admin:
        return True
    return user.role in (Role.CLERK, Role.COMMUNE_LEADER) and user.commune_id in (
        record.receiving_unit_id,
        record.handling_unit_id,
    )
