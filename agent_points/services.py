"""Writes for agent points."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from agent_points.models import AgentPoint, AgentPointKind, OnlineAssistance
from communes.models import Commune
from core.reference import (
    LoadReport,
    ReferenceDataError,
    deactivate_missing,
    read_entries,
    require,
    upsert,
)

BUNDLED_AGENT_POINTS_FILE = Path(__file__).resolve().parent / "data" / "hue_agent_points.json"


def load_agent_points(*, path: Path = BUNDLED_AGENT_POINTS_FILE) -> LoadReport:
    """Load agent points from ``path`` (JSON with ``agent_points``, or CSV with the same columns:
    code, commune_code, name_vi, kind, address, former_unit, former_unit_old_code).

    The units must be loaded first. All-or-nothing and idempotent like :func:`load_communes`;
    points missing from an updated list are deactivated, new ones created, changed ones updated,
    so the official list can replace the provisional one.
    """
    entries = read_entries(path, "agent_points")
    communes = {c.code: c for c in Commune.objects.all()}
    problems: list[str] = []
    rows: list[tuple[str, dict]] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        where = f"agent point #{index}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not an object")
            continue
        if not require(entry, ["code", "commune_code", "name_vi", "kind"], where, problems):
            continue
        code = str(entry["code"]).strip()
        commune = communes.get(str(entry["commune_code"]))
        if commune is None:
            problems.append(f"{where} ({code}): unknown commune_code {entry['commune_code']!r}")
            continue
        if entry["kind"] not in AgentPointKind.values:
            problems.append(
                f"{where} ({code}): kind {entry['kind']!r} not in {AgentPointKind.values}"
            )
            continue
        if code in seen:
            problems.append(f"{where}: duplicate code {code}")
        seen.add(code)
        rows.append(
            (
                code,
                {
                    "name": entry["name_vi"].strip(),
                    "commune": commune,
                    "kind": entry["kind"],
                    "address": (entry.get("address") or "").strip(),
                    "former_unit": (entry.get("former_unit") or "").strip(),
                    "former_unit_old_code": (entry.get("former_unit_old_code") or "").strip(),
                    "active": True,
                },
            )
        )
    if not entries:
        problems.append(f"{path}: no agent points")
    if problems:
        raise ReferenceDataError(problems)

    report = LoadReport()
    with transaction.atomic():
        for code, values in rows:
            upsert(AgentPoint, {"code": code}, values, report)
        deactivate_missing(AgentPoint.objects.all(), seen, report)
    return report


# --- Online assistance at an agent point ------------------------------------------------------

MAX_DAILY_ASSISTANCE = 5000


def _point_of(actor) -> AgentPoint:
    if actor is None or actor.role != Role.POST_STAFF or actor.agent_point_id is None:
        raise PermissionDenied(_("Only post office staff of an agent point may do this."))
    return actor.agent_point


def record_online_assistance(*, actor, day: date, count: int) -> OnlineAssistance:
    """Record how many citizens the actor's agent point helped to file online on ``day``
    (idempotent per point and day: the latest count replaces the earlier one)."""
    point = _point_of(actor)
    errors = {}
    if not isinstance(day, date) or day > timezone.localdate():
        errors["day"] = [_("The day cannot be in the future.")]
    if not isinstance(count, int) or not 0 <= count <= MAX_DAILY_ASSISTANCE:
        errors["count"] = [
            _("Enter a number between 0 and %(max)s.") % {"max": MAX_DAILY_ASSISTANCE}
        ]
    if errors:
        raise ValidationError(errors)
    entry, _created = OnlineAssistance.objects.update_or_create(
        agent_point=point, day=day, defaults={"count": count, "recorded_by": actor}
    )
    return entry
