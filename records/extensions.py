"""Extras that apps above the records add to a record's page and to its API detail, without
the records importing them (``lint-imports`` forbids ``records`` to import ``dvcqg`` and the
other upper apps).

An app registers a ``RecordExtra`` in its ``AppConfig.ready``::

    register_record_extra(RecordExtra("sync", read=sync_value, template="dvcqg/sync_state.html"))

``read(record)`` returns a JSON-ready dict, or None when the extra says nothing about that
record. The API's record detail shows every value under ``extras`` (``{"sync": {...}}``); the
clerk's record page includes each extra's ``template`` in its side column with the value as
``extra``. Post office staff's views show no extras.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RecordExtra:
    name: str
    read: Callable[[object], dict | None]
    template: str | None = None


RECORD_EXTRAS: dict[str, RecordExtra] = {}


def register_record_extra(extra: RecordExtra) -> None:
    RECORD_EXTRAS[extra.name] = extra


def record_extras(record) -> dict[str, dict]:
    """The values of every registered extra that has one for ``record``."""
    values = {}
    for name, extra in RECORD_EXTRAS.items():
        value = extra.read(record)
        if value is not None:
            values[name] = value
    return values


def record_panels(record) -> list[dict]:
    """The record page's panels: ``{"name", "template", "value"}`` for each extra with a
    template and a value for ``record``."""
    panels = []
    for name, value in record_extras(record).items():
        template = RECORD_EXTRAS[name].template
        if template:
            panels.append({"name": name, "template": template, "value": value})
    return panels
