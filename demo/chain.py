"""The chain of officers in the living demo: the open records handed to the specialists of
their handling unit (in turn, per procedure field, in bulk), and a few results proposed to
the leaders and approved or waiting, so that every home page's counters are alive today.

Idempotent: records that already have an assignment are left alone; proposals are made only
where none was made before."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef

from accounts.models import Role, User
from records.enums import OPEN_STATUSES, Status
from records.models import Assignment, AssignmentTurn, Procedure, Proposal, Record
from records.services import record_approve, record_propose

BATCH_SIZE = 2000
PROPOSALS_PER_UNIT = 3  # on procedures that need approval: one approved, two waiting


def specialists_by_unit() -> dict[int, list[User]]:
    units: dict[int, list[User]] = {}
    for officer in User.objects.filter(
        role=Role.CLERK, is_active=True, is_specialist=True
    ).order_by("id"):
        units.setdefault(officer.commune_id, []).append(officer)
    return units


def assign_open_records() -> int:
    """Hand every open record without an assignment to the next specialist of its handling
    unit for its field (bulk); returns how many were assigned."""
    teams = specialists_by_unit()
    if not teams:
        return 0
    fields = dict(Procedure.objects.values_list("id", "field"))
    open_records = (
        Record.objects.filter(
            status__in=OPEN_STATUSES, handling_unit_id__in=list(teams), code__isnull=False
        )
        .exclude(Exists(Assignment.objects.filter(record=OuterRef("pk"), until__isnull=True)))
        .order_by("received_at", "id")
        .values_list(
            "id", "handling_unit_id", "procedure_id", "received_at", "due_date", "extended_due_date"
        )
    )
    turns: dict[tuple[int, str], int] = {}
    rows = []
    for pk, unit_id, procedure_id, received_at, due, extended in open_records:
        field = fields[procedure_id]
        team = [o for o in teams[unit_id] if o.handles_field(field)]
        if not team:
            continue
        position = turns.get((unit_id, field), -1) + 1
        turns[(unit_id, field)] = position
        officer = team[position % len(team)]
        rows.append(
            Assignment(
                record_id=pk,
                officer=officer,
                since=received_at,
                step_due_date=extended or due,
            )
        )
    with transaction.atomic():
        Assignment.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        for (unit_id, field), position in turns.items():
            team = [o for o in teams[unit_id] if o.handles_field(field)]
            AssignmentTurn.objects.update_or_create(
                unit_id=unit_id,
                field=field,
                defaults={"last_officer_id": team[position % len(team)].id},
            )
    return len(rows)


def propose_and_approve(now: datetime) -> tuple[int, int]:
    """In each unit with a leader, a few records of procedures that need approval, in
    processing with their specialist, get a proposed result; the first is approved."""
    leaders = {
        u.commune_id: u
        for u in User.objects.filter(role=Role.COMMUNE_LEADER, is_active=True).order_by("id")
    }
    proposed = approved = 0
    for unit_id, leader in leaders.items():
        if Proposal.objects.filter(record__handling_unit_id=unit_id).exists():
            continue
        candidates = (
            Assignment.objects.filter(
                until__isnull=True,
                record__handling_unit_id=unit_id,
                record__status__in=[Status.RECEIVED, Status.PROCESSING],
                record__procedure__needs_approval=True,
            )
            .select_related("record", "officer")
            .order_by("record__due_date", "record_id")[:PROPOSALS_PER_UNIT]
        )
        for number, assignment in enumerate(candidates):
            record = record_propose(
                record=assignment.record,
                actor=assignment.officer,
                proposal="resolve",
                note="Hồ sơ đủ điều kiện, đề nghị lãnh đạo duyệt.",
                at=now,
            )
            proposed += 1
            if number == 0:
                record_approve(record=record, actor=leader, note="Đồng ý.", at=now)
                approved += 1
    return proposed, approved
