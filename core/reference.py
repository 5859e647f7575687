"""Shared machinery for loading reference data (units, agent points, procedures) from files.

Loaders validate the whole file first and write nothing if any entry is bad; then they upsert
by natural key inside one transaction, so loading the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models


class ReferenceDataError(Exception):
    """A reference file was rejected; ``problems`` lists every bad entry, nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.deactivated)} deactivated"
        )


def upsert(
    model: type[models.Model],
    key: dict,
    values: dict,
    report: LoadReport,
    *,
    existing: dict | None = None,
) -> models.Model:
    """Create or update one row by its natural ``key``, recording what happened in ``report``.

    ``existing`` maps key values to rows already loaded, to spare a query per row on big files.
    """
    label = "/".join(str(v) for v in key.values())
    instance = existing.get(label) if existing is not None else model.objects.filter(**key).first()
    if instance is None:
        instance = model(**key, **values)
        instance.save()
        report.created.append(label)
        return instance
    changed = [name for name, value in values.items() if getattr(instance, name) != value]
    if changed:
        for name in changed:
            setattr(instance, name, values[name])
        instance.save()
        report.updated.append(label)
    else:
        report.unchanged.append(label)
    return instance


def deactivate_missing(queryset: models.QuerySet, keep: set[str], report: LoadReport) -> None:
    """Mark rows absent from the new file inactive (records keep pointing at them)."""
    for instance in queryset.filter(active=True).exclude(code__in=keep):
        instance.active = False
        instance.save(update_fields=["active", "updated_at"])
        report.deactivated.append(instance.code)


def read_entries(path: Path, list_key: str) -> list[dict]:
    """Read a JSON file (an object holding ``list_key``, or a bare list) or a CSV file."""
    text = Path(path).read_text(encoding="utf-8-sig")
    if Path(path).suffix.lower() == ".csv":
        return [dict(row) for row in csv.DictReader(io.StringIO(text))]
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReferenceDataError([f"{path}: not valid JSON ({exc})"]) from None
    entries = payload.get(list_key) if isinstance(payload, dict) else payload
    if not isinstance(entries, list):
        raise ReferenceDataError([f"{path}: expected a list under {list_key!r}"])
    return entries


def require(entry: dict, names: list[str], where: str, problems: list[str]) -> bool:
    missing = [name for name in names if entry.get(name) in (None, "")]
    for name in missing:
        problems.append(f"{where}: missing {name}")
    return not missing
