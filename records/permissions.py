"""Who may change which record. Reads are scoped by ``records.selectors``; writes are checked
here again by the services, so no entry point can act outside its unit."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import Role
from records.enums import Channel


def ensure_can_receive(actor, unit, *, channel=None) -> None:
    """Clerks receive for their own unit; post office staff receive postal dossiers for any
    unit (the dossier is then linked to their agent point); administrators receive for any.
    An integration account (the national portal's connector) submits online dossiers to its
    delivery units. ``actor=None`` is the system (synchronisation, seeding)."""
    if actor is None or actor.is_admin:
        return
    if actor.role == Role.CLERK and actor.commune_id == unit.pk:
        return
    if actor.role == Role.POST_STAFF and channel == Channel.POSTAL:
        return
    if actor.role == Role.INTEGRATION:
        if channel == Channel.ONLINE and actor.delivery_units.filter(pk=unit.pk).exists():
            return
        raise PermissionDenied(_("This integration account may not deliver to this unit."))
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


def ensure_can_act_as_receiving_unit(actor, record) -> None:
    """The receiving unit's desk: transfers the record to the competent unit and returns the
    result to the applicant. Administrators and the system act for any unit."""
    if actor is None or actor.is_admin:
        return
    if actor.role == Role.CLERK and actor.commune_id == record.receiving_unit_id:
        return
    raise PermissionDenied(_("Only the unit that received this record may do this."))


def ensure_can_act_as_handling_unit(actor, record) -> None:
    """The handling (competent) unit: accepts or sends back a transfer and handles the record
    (processing, supplements, payment, the result). Administrators and the system: any."""
    if actor is None or actor.is_admin:
        return
    if actor.role == Role.CLERK and actor.commune_id == record.handling_unit_id:
        return
    raise PermissionDenied(_("Only the unit handling this record may do this."))


def may_act(actor, record, permission: str) -> bool:
    """Whether ``actor`` passes ``permission`` (a check of this module, by name) on ``record``:
    which buttons a record page shows."""
    try:
        globals()[permission](actor, record)
    except PermissionDenied:
        return False
    return True


def ensure_can_approve(actor, record) -> None:
    """The leader of the record's handling unit approves (or sends back) a proposed result;
    administrators too."""
    if actor is None or actor.is_admin:
        return
    if actor.leader and actor.commune_id == record.handling_unit_id:
        return
    raise PermissionDenied(_("Only the leader of the handling unit may approve."))


def ensure_can_deliver(actor, record) -> None:
    """The national portal's connector acts (a completed dossier) on the submissions of the
    units it delivers to; administrators and the system on any."""
    if actor is None or actor.is_admin:
        return
    if (
        actor.role == Role.INTEGRATION
        and actor.delivery_units.filter(pk=record.receiving_unit_id).exists()
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


def can_search_identifiers(user) -> bool:
    """Find records by an applicant's personal ID or phone (exact match, logged): the unit's
    clerks and leader within their scope, and administrators. The city office follows figures
    and post staff never see the ID: their searches match codes (and names) only."""
    return user.is_admin or user.role in (Role.CLERK, Role.COMMUNE_LEADER)


def can_see_names(user) -> bool:
    """Applicants' names in full: everyone who reads records but the city office, which
    follows figures and reads names as initials (``validation.mask_name``)."""
    return user.role != Role.CITY_OFFICE


def can_read_record_pages(user) -> bool:
    """The record list and record pages: the unit's clerks and leader, administrators, and the
    city office (read-only, personal data masked: ``record_page_rules``)."""
    return user.in_role(Role.CLERK, Role.COMMUNE_LEADER, Role.CITY_OFFICE)


@dataclass(frozen=True)
class RecordPageRules:
    """What a record page shows to one user: the one place the masking rules are decided."""

    full_name: bool  # else initials
    identifiers: bool  # personal ID and phone in full, else masked
    contact: bool  # e-mail and address
    slips: bool  # the printable receipt and control slips
    logged_fields: tuple[str, ...]  # what the read writes to PersonalDataAccess


IDENTIFIER_FIELDS = ("applicant_id_number", "applicant_old_id_number", "applicant_phone")


def record_page_rules(user, record) -> RecordPageRules:
    if not can_see_names(user):
        # Like the city office's CSV export: its (masked) read of the applicant is logged.
        return RecordPageRules(False, False, False, False, ("applicant_name",))
    identifiers = can_see_identifiers(user, record)
    return RecordPageRules(True, identifiers, True, True, IDENTIFIER_FIELDS if identifiers else ())
