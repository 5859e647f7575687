"""The text of a notification: the city office's template rendered with Django's template
engine, as plain text, from a fixed context of public facts about the record. The context
holds only strings (no objects to walk into): the record code, its public status words, the
procedure and unit, the dates, the reason or what is missing, the amount, where to collect
the result and the status link. Never the applicant's name, ID number, phone, e-mail or
address: no template can print what is not in the context."""

from __future__ import annotations

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, number_format

from records.enums import Status
from records.public import (
    AWAITING_COMPLETION_WORDS,
    PUBLIC_WORDS,
    REASON_STEPS,
    collection_place,
    status_url,
)

# The names a template may use, with what they hold (shown in the admin).
CONTEXT_NAMES = {
    "code": "mã hồ sơ (số hồ sơ trên Cổng DVCQG khi chưa tiếp nhận)",
    "status": "trạng thái bằng lời cho người dân",
    "procedure": "tên thủ tục",
    "unit": "đơn vị tiếp nhận",
    "appointment_date": "ngày hẹn trả (dd/mm/yyyy)",
    "extended_date": "ngày hẹn mới khi gia hạn (dd/mm/yyyy)",
    "reason": "lý do / nội dung cần bổ sung",
    "amount": "số tiền phí, lệ phí (đồng)",
    "place": "nơi nhận kết quả",
    "link": "đường dẫn tra cứu tình trạng hồ sơ",
}
LANGUAGE = "vi"

# A plain engine: no template directories or loaders (``include`` and ``extends`` find
# nothing), only Django's built-in tags and filters; text, so nothing is HTML-escaped.
_ENGINE = Engine(dirs=[], app_dirs=False, loaders=[], libraries={}, autoescape=False)


def _date(value) -> str:
    return date_format(value, "d/m/Y") if value else ""


def _link(record) -> str:
    """The status link of a received record; before it has a code, the public lookup page."""
    if record.code:
        return status_url(record)
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("citizens:lookup")


def _status_words(record) -> str:
    if record.status == Status.SUBMITTED and record.paused_since is not None:
        return str(AWAITING_COMPLETION_WORDS)
    return str(PUBLIC_WORDS[record.status])


def build_context(record, event) -> dict[str, str]:
    """The public facts of ``record`` at its history ``event``, in Vietnamese."""
    with translation.override(LANGUAGE):
        amount = (event.data or {}).get("amount") if event is not None else None
        reason = event.note if event is not None and event.action in REASON_STEPS else ""
        return {
            "code": record.code or record.national_dossier_no or "",
            "status": _status_words(record),
            "procedure": record.procedure.name,
            "unit": record.receiving_unit.name,
            "appointment_date": _date(record.due_date),
            "extended_date": _date(record.extended_due_date),
            "reason": reason,
            "amount": number_format(amount, force_grouping=True) if isinstance(amount, int) else "",
            "place": collection_place(record),
            "link": _link(record),
        }


def render(text: str, context: dict[str, str]) -> str:
    """``text`` rendered with ``context`` (plain text, surrounding blanks removed)."""
    if not text:
        return ""
    with translation.override(LANGUAGE):
        template = _ENGINE.from_string(text)
        return template.render(Context(context, autoescape=False)).strip()


SAMPLE_CONTEXT = dict.fromkeys(CONTEXT_NAMES, "x")


def check_template(text: str) -> str:
    """A message for a template that cannot be rendered, or ``""``."""
    try:
        render(text, SAMPLE_CONTEXT)
    except TemplateSyntaxError as error:
        return str(error)
    except Exception as error:  # noqa: BLE001 - any failure of a template is its problem
        return f"{type(error).__name__}: {error}"
    return ""
