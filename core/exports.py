"""The one convention of every spreadsheet file the portal writes (CSV and XLSX).

- CSV: UTF-8 with a byte-order mark (Excel then reads Vietnamese names right), commas, CRLF
  line ends; the first row holds the column labels in the UI language of the request.
- Numbers: integers as plain digits (1522, no thousands separator, so that a spreadsheet in
  either language reads a number); decimals with two places and the language's decimal
  separator (69,62 in Vietnamese, 69.62 in English). An undefined value (a rate with a zero
  denominator) is an empty cell. In XLSX numbers are numeric cells.
- Dates dd/mm/yyyy, moments dd/mm/yyyy HH:MM in Hue's time zone (in XLSX, date cells shown so).
- Text that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return: an applicant's name ``=cmd|' /C calc'!A0``, or its masked initials
  ``=. /. c.``) gets a leading apostrophe (OWASP, "CSV injection"); numbers are not text and
  keep their sign. In XLSX text cells are always stored as strings, never as formulas.

Every writer goes through ``csv_lines`` / ``csv_text`` or ``xlsx_append``; this module
imports no app.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.formats import get_format
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "%d/%m/%Y"
MOMENT_FORMAT = "%d/%m/%Y %H:%M"


def neutralise(text: str) -> str:
    """``text`` with a leading apostrophe when a spreadsheet would run it as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


def csv_cell(value) -> str:
    """The text of one CSV cell, by the convention above (in the active language)."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        return f"{value:.2f}".replace(".", get_format("DECIMAL_SEPARATOR"))
    if isinstance(value, datetime):
        return _local(value).strftime(MOMENT_FORMAT)
    if isinstance(value, date):
        return value.strftime(DATE_FORMAT)
    return neutralise(str(value))


class _Echo:
    """A file that hands back what is written: ``csv.writer`` then formats one line."""

    def write(self, value):
        return value


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The lines of a CSV file (the first one starts with the byte-order mark), for a
    ``StreamingHttpResponse``. The language active now applies to every line, even when the
    response is streamed after the view has returned."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    language = translation.get_language()
    first = BOM + writer.writerow([csv_cell(value) for value in header])

    def lines():
        with translation.override(language):
            yield first
            for row in rows:
                yield writer.writerow([csv_cell(value) for value in row])

    return lines()


def csv_text(header: Iterable, rows: Iterable[Iterable]) -> str:
    """A whole CSV file as text (encode it as UTF-8)."""
    return "".join(csv_lines(header, rows))


def xlsx_value(value):
    """What an XLSX cell holds: numbers and dates as such, None empty, text neutralised (and
    without the control characters XLSX cannot hold)."""
    if value is None or isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return _local(value).replace(tzinfo=None)  # XLSX has no time zones: Hue's local time
    if isinstance(value, date):
        return value
    return neutralise(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def xlsx_append(sheet, values: Iterable) -> list[Cell]:
    """Append one row to the openpyxl worksheet ``sheet`` by the convention; returns its cells
    (to style them). Text cells are strings even when they look like a formula."""
    cells = [Cell(sheet, value=xlsx_value(value)) for value in values]
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
        elif isinstance(cell.value, datetime):
            cell.number_format = "DD/MM/YYYY HH:MM"
        elif isinstance(cell.value, date):
            cell.number_format = "DD/MM/YYYY"
        elif isinstance(cell.value, float):
            cell.number_format = "0.00"
    sheet.append(cells)
    return cells
