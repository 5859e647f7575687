"""An online submission returned to the citizen for completion before acceptance (Decree
45/2020/NĐ-CP): the desk says what is missing and the 8-working-hour acceptance clock stops;
when the citizen completes it through the national portal's connector, the clock resumes with
the working time that was left."""

from __future__ import annotations

from datetime import timedelta

from django.utils.translation import gettext as _

from records.exceptions import RecordConflict
from records.models import DossierComponent, Record
from records.services.engine import apply_transition, required_text, resume_acceptance_clock
from records.services.intake import _clean_components


def record_request_completion(
    *, record: Record, actor, reason: str, at=None, expected_version=None
) -> Record:
    """Ask the citizen to complete the submission (``reason``: what is missing); status 1
    stays, the acceptance clock stops."""
    reason = required_text(reason, "reason", _("Say what the dossier is missing."))

    def change(current, calendar, moment, data):
        if current.paused_since is not None:
            raise RecordConflict(_("The citizen has already been asked to complete the dossier."))
        left = (
            calendar.working_time_between(moment, current.acceptance_due_at)
            if current.acceptance_due_at
            else timedelta()
        )
        current.paused_since = moment
        data["missing"] = reason
        data["working_seconds_left"] = int(left.total_seconds())

    return apply_transition(
        record=record,
        action="request_completion",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=reason,
        change=change,
    )


def record_complete(
    *, record: Record, actor, components=(), note: str = "", at=None, expected_version=None
) -> Record:
    """The citizen completed the submission (from the connector, with the documents added):
    the acceptance clock resumes with the working time that was left when it stopped."""
    rows = _clean_components(components)

    def change(current, calendar, moment, data):
        if current.paused_since is None:
            raise RecordConflict(_("The citizen was not asked to complete this dossier."))
        resume_acceptance_clock(current, moment, calendar, data)
        start = current.components.count()
        for offset, row in enumerate(rows):
            row.record, row.position = current, start + offset
        DossierComponent.objects.bulk_create(rows)
        data["components_added"] = len(rows)

    return apply_transition(
        record=record,
        action="complete",
        actor=actor,
        at=at,
        expected_version=expected_version,
        note=note,
        change=change,
    )
