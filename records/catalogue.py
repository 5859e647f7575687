"""The procedure catalogue: loading ``records/data/procedures.csv`` and importing the full
national catalogue in the same columns."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from django.db import transaction

from core.reference import LoadReport, ReferenceDataError, upsert
from records.enums import OnlineLevel, TimeUnit
from records.models import ComponentKind, Procedure, ProcedureComponent

BUNDLED_PROCEDURES_FILE = Path(__file__).resolve().parent / "data" / "procedures.csv"
REQUIRED_COLUMNS = ["key", "field_vi", "name_vi", "time_limit", "time_unit", "online_level"]
OPTIONAL_COLUMNS = ["field_en", "name_en", "confidence", "national_code", "fee", "charge"]
AMOUNT_COLUMNS = ("fee", "charge")  # đồng; empty: none. Absent column: left as it is
_KEY = re.compile(r"^[-a-z0-9_]{1,100}$")


def _amounts(row: dict, where: str, bad: list[str]) -> dict:
    """The fee and charge columns present in ``row`` (đồng; empty or 0: none)."""
    amounts = {}
    for column in AMOUNT_COLUMNS:
        if column not in row:
            continue
        value = (row.get(column) or "").strip()
        if not value:
            amounts[column] = None
        elif value.isdigit() and int(value) <= 10**10:
            amounts[column] = int(value) or None
        else:
            bad.append(f"{where}: {column} {value!r} is not an amount in đồng")
    return amounts


def _clean_row(row: dict, line: int, problems: list[str]) -> dict | None:
    where = f"line {line}"
    bad = []
    for column in REQUIRED_COLUMNS:
        if not (row.get(column) or "").strip():
            bad.append(f"{where}: {column} is empty")
    if bad:
        problems.extend(bad)
        return None
    key = row["key"].strip()
    if not _KEY.match(key):
        bad.append(f"{where}: key {key!r} may only hold a-z, 0-9, - and _")
    try:
        time_limit = int(row["time_limit"])
        if not 0 <= time_limit <= 365:
            raise ValueError
    except ValueError:
        bad.append(f"{where}: time_limit {row['time_limit']!r} is not a number of days 0–365")
        time_limit = None
    if row["time_unit"] not in TimeUnit.values:
        bad.append(f"{where}: time_unit {row['time_unit']!r} is not one of {TimeUnit.values}")
    if row["online_level"] not in OnlineLevel.values:
        bad.append(
            f"{where}: online_level {row['online_level']!r} is not one of {OnlineLevel.values}"
        )
    amounts = _amounts(row, where, bad)
    if bad:
        problems.extend(bad)
        return None
    return {
        "key": key,
        "values": {
            "name": row["name_vi"].strip(),
            "name_en": (row.get("name_en") or "").strip(),
            "field": row["field_vi"].strip(),
            "field_en": (row.get("field_en") or "").strip(),
            "time_limit": time_limit,
            "time_unit": row["time_unit"],
            "online_level": row["online_level"],
            "confidence": (row.get("confidence") or "").strip(),
            "national_code": (row.get("national_code") or "").strip(),
            # Optional column: "yes" when the specialist's result needs the leader's approval.
            "needs_approval": (row.get("needs_approval") or "").strip().lower() in ("yes", "1"),
            "active": True,
            **amounts,
        },
    }


def import_procedures(*, path: Path = BUNDLED_PROCEDURES_FILE, replace: bool = False) -> LoadReport:
    """Import procedures from a CSV file (columns of ``records/data/procedures.csv``).

    All-or-nothing: any bad line raises :class:`ReferenceDataError` listing every problem with
    its line number, and nothing is imported. Idempotent. With ``replace``, procedures absent
    from the file are deactivated (records keep pointing at them).
    """
    text = Path(path).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise ReferenceDataError([f"line 1: missing columns {', '.join(missing)}"])
    problems: list[str] = []
    rows: list[dict] = []
    first_line: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(f"line {line}: more values than columns")
            continue
        cleaned = _clean_row(row, line, problems)
        if cleaned is None:
            continue
        if cleaned["key"] in first_line:
            problems.append(
                f"line {line}: key {cleaned['key']!r} already on line {first_line[cleaned['key']]}"
            )
            continue
        first_line[cleaned["key"]] = line
        rows.append(cleaned)
    if not rows and not problems:
        problems.append(f"{path}: no procedures")
    if problems:
        raise ReferenceDataError(problems)

    report = LoadReport()
    with transaction.atomic():
        existing = {p.key: p for p in Procedure.objects.all()}
        for row in rows:
            upsert(Procedure, {"key": row["key"]}, row["values"], report, existing=existing)
        if replace:
            stale = Procedure.objects.filter(active=True).exclude(key__in=first_line)
            report.deactivated = list(stale.values_list("key", flat=True))
            stale.update(active=False)
    return report


BUNDLED_COMPONENTS_FILE = Path(__file__).resolve().parent / "data" / "procedure_components.csv"


def import_components(*, path: Path = BUNDLED_COMPONENTS_FILE) -> LoadReport:
    """Seed each procedure's list of required components (``ProcedureComponent``) from a CSV
    file (procedure, name_vi, kind, count, optional). A procedure whose list already exists
    is left as it is (the admin's edits win); all-or-nothing on a bad line."""
    rows = list(csv.DictReader(io.StringIO(Path(path).read_text(encoding="utf-8-sig"))))
    procedures = {p.key: p for p in Procedure.objects.all()}
    problems = []
    for line, row in enumerate(rows, start=2):
        if row.get("procedure") not in procedures:
            problems.append(f"line {line}: unknown procedure {row.get('procedure')!r}")
        if row.get("kind") not in ComponentKind.values:
            problems.append(f"line {line}: kind {row.get('kind')!r} not in {ComponentKind.values}")
        if not (row.get("name_vi") or "").strip() or not (row.get("count") or "").isdigit():
            problems.append(f"line {line}: name_vi and a count are needed")
    if problems:
        raise ReferenceDataError(problems)
    report = LoadReport()
    with transaction.atomic():
        seeded = set(ProcedureComponent.objects.values_list("procedure__key", flat=True))
        new = []
        for position, row in enumerate(rows):
            if row["procedure"] in seeded:
                continue
            new.append(
                ProcedureComponent(
                    procedure=procedures[row["procedure"]],
                    position=position,
                    name=row["name_vi"].strip(),
                    kind=row["kind"],
                    count=int(row["count"]),
                    optional=(row.get("optional") or "").strip().lower() in ("yes", "true", "1"),
                )
            )
        ProcedureComponent.objects.bulk_create(new)
        report.created = [component.name for component in new]
    return report
