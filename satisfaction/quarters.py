"""Quarters of the calendar year, written ``2025-Q3``: the period the satisfaction figures are
reported for (Circular 01/2018: aggregated per unit and quarter)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

QUARTER_PATTERN = re.compile(r"^\s*(\d{4})-?[Qq]([1-4])\s*$")
FIRST_YEAR = 2025  # the portal's first records (the units exist since 1 July 2025)


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        return self.next().first_day - timedelta(days=1)

    def next(self) -> Quarter:
        if self.number == 4:
            return Quarter(self.year + 1, 1)
        return Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        if self.number == 1:
            return Quarter(self.year - 1, 4)
        return Quarter(self.year, self.number - 1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"


def parse_quarter(text: str, *, today: date) -> Quarter:
    """``2025-Q3`` (or ``2025Q3``) into a Quarter from ``FIRST_YEAR`` up to today's; a
    ``ValidationError`` on ``quarter`` otherwise."""
    match = QUARTER_PATTERN.match(str(text or ""))
    if not match:
        raise ValidationError(
            {"quarter": [_("Write the quarter as YYYY-QN, for example 2025-Q3.")]}
        )
    quarter = Quarter(int(match.group(1)), int(match.group(2)))
    if quarter.year < FIRST_YEAR or quarter > Quarter.of(today):
        raise ValidationError(
            {
                "quarter": [
                    _("Choose a quarter from %(first)s to %(last)s.")
                    % {"first": f"{FIRST_YEAR}-Q1", "last": Quarter.of(today)}
                ]
            }
        )
    return quarter


def quarters_up_to(today: date) -> list[Quarter]:
    """Every quarter from ``FIRST_YEAR``'s first to today's, the latest first."""
    quarter, first, quarters = Quarter.of(today), Quarter(FIRST_YEAR, 1), []
    while quarter >= first:
        quarters.append(quarter)
        quarter = quarter.previous()
    return quarters
