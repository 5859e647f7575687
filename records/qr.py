"""The QR code printed in the top-left corner of every slip (Circular 01/2023/TT-VPCP).

Its content is plain UTF-8 text (ISO/IEC 18004, byte mode), one item per line: first the status
link (``records.public.status_url``: a phone's camera offers to open it, and the status opens
without typing the ID number), then the minimum content the circular lists, each as
``label: value`` with the circular's Vietnamese labels: record code, procedure code, the
applicant's identification code, document name, issuing system, time of issue, and on the
receipt the appointment date. Nothing else: the slip it is printed on is the applicant's own
document and shows all of it.

Drawn by segno as inline SVG (no image file, no inline style or script: the pages keep their
strict content-security policy), sized by the slip's stylesheet in millimetres.
"""

from __future__ import annotations

from datetime import date, datetime

import segno
from django.conf import settings
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from records.models import Record
from records.public import status_url

# The circular's labels, in this order; APPOINTMENT only on the receipt.
CODE = "Mã hồ sơ"
PROCEDURE = "Mã TTHC"
APPLICANT = "Mã định danh"
DOCUMENT = "Tên giấy tờ"
SYSTEM = "Hệ thống ban hành"
ISSUED = "Thời gian ban hành"
APPOINTMENT = "Ngày hẹn trả"
LABELS = (CODE, PROCEDURE, APPLICANT, DOCUMENT, SYSTEM, ISSUED, APPOINTMENT)


def applicant_code(record: Record) -> str:
    """The applicant's identification code: the personal ID number (or the old ID number)."""
    return record.applicant_id_number or record.applicant_old_id_number


def payload(
    record: Record,
    *,
    document: str,
    issued_at: datetime,
    applicant: str,
    appointment: date | None = None,
) -> str:
    """The QR's text for ``document`` (its official Vietnamese name) issued at ``issued_at``;
    ``applicant`` is the identification code as the printing officer may see it (in full, or
    masked for post office staff, who never see ID numbers)."""
    items = [
        (CODE, record.code or record.national_dossier_no or ""),
        (PROCEDURE, record.procedure.national_code or record.procedure.key),
        (APPLICANT, applicant),
        (DOCUMENT, document),
        (SYSTEM, settings.PORTAL_SYSTEM_NAME),
        (ISSUED, timezone.localtime(issued_at).strftime("%d/%m/%Y %H:%M")),
    ]
    if appointment is not None:
        items.append((APPOINTMENT, appointment.strftime("%d/%m/%Y")))
    return "\n".join([status_url(record), *(f"{label}: {value}" for label, value in items)])


def parse(text: str) -> tuple[str, dict[str, str]]:
    """The link and the fields of a QR's text (the inverse of ``payload``)."""
    link, *lines = text.split("\n")
    return link, dict(line.split(": ", 1) for line in lines)


def svg(text: str) -> SafeString:
    """The QR code of ``text`` as inline SVG (error correction M, the standard quiet zone)."""
    code = segno.make(text, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=1, border=4, omitsize=True, svgclass="qr"))  # noqa: S308 - segno's own markup, no user HTML
