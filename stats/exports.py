"""The period report as CSV (one table: the units and a total row, or the daily series) and as
XLSX (a sheet with the totals and the units, a sheet with the daily series), by the portal's
export convention (``core.exports``): labels and decimals in the active language."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from core.exports import csv_text, xlsx_append
from stats.reports import DAILY_COUNTS, RATE_FIELDS, REPORT_COUNTS

UNIT_COLUMNS = ["code", "name", *REPORT_COUNTS, *RATE_FIELDS]
DAILY_COLUMNS = ["date", *DAILY_COUNTS, "online_rate"]

LABELS = {
    "code": gettext_lazy("Unit code"),
    "name": gettext_lazy("Unit"),
    "date": gettext_lazy("Date"),
    "received": gettext_lazy("Received"),
    "received_in_person": gettext_lazy("In person"),
    "received_online": gettext_lazy("Online"),
    "received_postal": gettext_lazy("Public postal service"),
    "digitised": gettext_lazy("Digitised"),
    "not_accepted": gettext_lazy("Not accepted (online submissions)"),
    "refused": gettext_lazy("Refused at intake"),
    "acceptance_decided": gettext_lazy("Online submissions accepted or refused"),
    "acceptance_on_time": gettext_lazy("Accepted or refused within 8 working hours"),
    "finished": gettext_lazy("Finished"),
    "finished_early": gettext_lazy("Finished early"),
    "finished_on_time": gettext_lazy("Finished on time"),
    "finished_late": gettext_lazy("Finished late"),
    "stopped": gettext_lazy("Stopped"),
    "returned": gettext_lazy("Returned"),
    "returned_counter": gettext_lazy("Returned at the counter"),
    "returned_post": gettext_lazy("Returned by post"),
    "returned_online": gettext_lazy("Returned online"),
    "carried_over": gettext_lazy("Carried over"),
    "to_handle": gettext_lazy("To handle"),
    "open_end": gettext_lazy("Open at the end"),
    "overdue_end": gettext_lazy("Overdue at the end"),
    "overdue_original_end": gettext_lazy("Past the original date at the end"),
    "synced": gettext_lazy("Synced to the national portal"),
    "sync_pending": gettext_lazy("Sync pending"),
    "online_rate": gettext_lazy("Online rate (%)"),
    "handling_rate": gettext_lazy("Handling rate (%)"),
    "on_time_rate": gettext_lazy("On-time rate (%)"),
    "on_time_rate_766": gettext_lazy("On-time rate per Decision 766 (%)"),
    "digitisation_rate": gettext_lazy("Digitisation rate (%)"),
    "sync_rate": gettext_lazy("Sync rate (%)"),
    "acceptance_timeliness": gettext_lazy("Acceptance timeliness (%)"),
}


def _unit_rows(data: dict) -> list[list]:
    """The units, then the total row (no code, name "Total")."""
    rows = [[row.get(name) for name in UNIT_COLUMNS] for row in data["communes"]]
    total = {"code": None, "name": _("Total"), **data["totals"]}
    return [*rows, [total.get(name) for name in UNIT_COLUMNS]]


def _daily_rows(data: dict) -> list[list]:
    return [[row.get(name) for name in DAILY_COLUMNS] for row in data["daily"]]


def report_csv(data: dict, *, table: str = "units") -> str:
    """CSV of ``report_as_dict`` data: ``table="units"`` the units then a total row,
    ``table="daily"`` the daily series."""
    if table == "daily":
        return csv_text([LABELS[name] for name in DAILY_COLUMNS], _daily_rows(data))
    return csv_text([LABELS[name] for name in UNIT_COLUMNS], _unit_rows(data))


def report_xlsx(data: dict) -> bytes:
    """XLSX workbook of ``report_as_dict`` data: the period and both summary sentences, then
    the units with a total row; a second sheet with the daily series."""
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Units and totals")
    bold = Font(bold=True)
    period = f"{data['date_from']:%d/%m/%Y} – {data['date_to']:%d/%m/%Y}"
    xlsx_append(summary, [_("Period"), period])
    xlsx_append(summary, [_("Summary (Vietnamese)"), data["summary_vi"]])
    xlsx_append(summary, [_("Summary (English)"), data["summary_en"]])
    xlsx_append(summary, [])
    rows = _unit_rows(data)
    for index, values in enumerate([[LABELS[name] for name in UNIT_COLUMNS], *rows]):
        cells = xlsx_append(summary, values)
        if index in (0, len(rows)):  # the header and the total row
            for cell in cells:
                cell.font = bold
    summary.column_dimensions["B"].width = 28

    daily = workbook.create_sheet(_("By day"))
    for cell in xlsx_append(daily, [LABELS[name] for name in DAILY_COLUMNS]):
        cell.font = bold
    for values in _daily_rows(data):
        xlsx_append(daily, values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
