"""Writes for commune-level units."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from communes.models import Commune, CommuneKind, default_agency_code
from core.reference import (
    LoadReport,
    ReferenceDataError,
    deactivate_missing,
    read_entries,
    require,
    upsert,
)

BUNDLED_COMMUNES_FILE = Path(__file__).resolve().parent / "data" / "hue_communes.json"
_CODE = re.compile(r"^\d{5}$")


def _commune_values(entry: dict, where: str, problems: list[str]) -> dict | None:
    if not require(entry, ["code", "name_vi", "kind"], where, problems):
        return None
    ok = True
    if not _CODE.match(str(entry["code"])):
        problems.append(f"{where}: code {entry['code']!r} is not 5 digits")
        ok = False
    if entry["kind"] not in CommuneKind.values:
        problems.append(f"{where}: kind {entry['kind']!r} is not one of {CommuneKind.values}")
        ok = False
    try:
        area = None if entry.get("area_km2") in (None, "") else Decimal(str(entry["area_km2"]))
        population = None if entry.get("population") in (None, "") else int(entry["population"])
    except (InvalidOperation, ValueError):
        problems.append(f"{where}: area_km2 and population must be numbers")
        return None
    if not ok:
        return None
    existing = Commune.objects.filter(code=entry["code"]).values_list("agency_code", flat=True)
    return {
        "name": entry["name_vi"].strip(),
        "name_en": (entry.get("name_en") or "").strip(),
        "kind": entry["kind"],
        # agency_code is editable by the city office: a reload keeps an edited value.
        "agency_code": entry.get("agency_code")
        or next(iter(existing), None)
        or default_agency_code(entry["code"]),
        "hq_address": (entry.get("hq_address") or "").strip(),
        "population": population,
        "area_km2": area,
        "former_units": entry.get("former_units") or [],
        "resolution_clause": entry.get("resolution_clause"),
        "active": True,
    }


def load_communes(*, path: Path = BUNDLED_COMMUNES_FILE) -> LoadReport:
    """Load the commune-level units from ``path`` (JSON with ``units``, or CSV).

    All-or-nothing: any bad entry raises :class:`ReferenceDataError` listing every problem and
    nothing is written. Idempotent: loading the same file again reports everything unchanged.
    Units absent from the file are deactivated, not deleted.
    """
    entries = read_entries(path, "units")
    problems: list[str] = []
    rows: list[tuple[str, dict]] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        where = f"unit #{index}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not an object")
            continue
        values = _commune_values(entry, where, problems)
        if values is None:
            continue
        code = str(entry["code"])
        if code in seen:
            problems.append(f"{where}: duplicate code {code}")
        seen.add(code)
        rows.append((code, values))
    if not entries:
        problems.append(f"{path}: no units")
    if problems:
        raise ReferenceDataError(problems)

    report = LoadReport()
    with transaction.atomic():
        for code, values in rows:
            upsert(Commune, {"code": code}, values, report)
        deactivate_missing(Commune.objects.all(), seen, report)
    return report
