"""The nine indicators of the provincial satisfaction form (Circular 01/2018/TT-VPCP, chapter
III), with the answers each allows. Every answer is stored as its score: the seven scored
indicators 2 / 1 / 0; the two on three levels 2 (very satisfied or satisfied) / 1 (neutral) /
0 (dissatisfied), so that one average per indicator reads the same way for all nine."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SCORES = (2, 1, 0)


@dataclass(frozen=True)
class Indicator:
    field: str
    question: str
    answers: tuple[tuple[int, str], ...]  # (score, label), best first
    scored: bool = True  # False: the two indicators on three levels of satisfaction

    @property
    def allowed(self) -> frozenset[int]:
        return frozenset(score for score, _label in self.answers)


LEVELS = (
    (2, _("Very satisfied or satisfied")),
    (1, _("Neutral")),
    (0, _("Dissatisfied")),
)

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "total_time",
        _("Total time to get the result, against the time limit set by law"),
        ((2, _("Shorter")), (1, _("Equal")), (0, _("Longer"))),
    ),
    Indicator(
        "unit_time",
        _("Time at each unit that took part, against the time allotted to it"),
        ((2, _("Shorter")), (1, _("Equal")), (0, _("Longer"))),
    ),
    Indicator(
        "contacts",
        _("Times you had to come back to complete the dossier (not counting your own mistakes)"),
        ((2, _("None")), (1, _("Once")), (0, _("More than once"))),
    ),
    Indicator(
        "agencies",
        _("Agencies you had to contact"),
        (
            (2, _("No agency to contact")),
            (1, _("Only the one-stop desk")),
            (0, _("More than the one-stop desk")),
        ),
    ),
    Indicator(
        "one_stop",
        _("Receipt, handling and return of the result done at the one-stop desk"),
        ((2, _("Yes, all of it")), (1, _("Partly")), (0, _("No"))),
    ),
    Indicator(
        "publicity",
        _("The procedure was made public"),
        (
            (2, _("Posted at the desk and on the internet")),
            (1, _("Only one of them")),
            (0, _("Neither")),
        ),
    ),
    Indicator(
        "attitude",
        _("Attitude of the staff"),
        ((2, _("Courteous and helpful")), (1, _("Acceptable")), (0, _("Not courteous"))),
    ),
    Indicator("convenience", _("Convenience of the service"), LEVELS, scored=False),
    Indicator("overall", _("Overall satisfaction"), LEVELS, scored=False),
)
INDICATOR_FIELDS: tuple[str, ...] = tuple(indicator.field for indicator in INDICATORS)
BY_FIELD = {indicator.field: indicator for indicator in INDICATORS}
COMMENT_MAX_LENGTH = 1000
