"""The one rule for a statistics period, shared by the dashboard's form, the daily figures'
FilterSet and the period report's query parameters.

A period lies between ``EARLIEST`` and ``LATEST``, ends no later than today (figures exist up
to today), does not end before it starts and spans less than ``MAX_PERIOD_YEARS`` years. The
messages are translatable: the dashboard shows them in the user's language, the API in English
(``period_errors_en``) like its other messages.
"""

from __future__ import annotations

from datetime import date

from django.utils import translation
from django.utils.translation import gettext_lazy as _

MAX_PERIOD_YEARS = 3
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


def period_too_long(start: date, end: date) -> bool:
    """A period spans at most ``MAX_PERIOD_YEARS`` years."""
    try:
        limit = start.replace(year=start.year + MAX_PERIOD_YEARS)
    except ValueError:  # 29 February
        limit = start.replace(year=start.year + MAX_PERIOD_YEARS, day=28)
    return end >= limit


def period_errors(start: date | None, end: date | None, *, today: date) -> dict[str, str]:
    """The first thing wrong with the period ``start``–``end`` (either may be missing), as
    ``{field: message}``; empty when the period is fine."""
    for name, day in (("date_from", start), ("date_to", end)):
        if day and not EARLIEST <= day <= LATEST:
            return {
                name: _("Choose a date between %(earliest)s and %(latest)s.")
                % {"earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}
            }
    if end and end > today:
        return {"date_to": _("The period cannot end after today: figures exist up to today.")}
    if start and end:
        if end < start:
            return {"date_to": _("The end date must not be before the start date.")}
        if period_too_long(start, end):
            return {
                "date_to": _("A period spans at most %(years)d years.")
                % {"years": MAX_PERIOD_YEARS}
            }
    return {}


def period_errors_en(start: date | None, end: date | None, *, today: date) -> dict[str, list]:
    """``period_errors`` in English, in the API's ``{field: [message]}`` shape."""
    with translation.override("en"):
        return {
            name: [str(message)] for name, message in period_errors(start, end, today=today).items()
        }
