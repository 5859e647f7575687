"""The record lifecycle as data: which action moves a record from which statuses to which.

This table is the single source of truth for the services, the buttons a clerk sees and the
README's lifecycle table.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from records.models import Status

S = Status


@dataclass(frozen=True)
class Transition:
    sources: frozenset[int]  # empty: the action creates the record
    target: int | None  # None: the status does not change (extend)


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(frozenset(), S.SUBMITTED),
    "receive": Transition(frozenset({S.SUBMITTED}), S.RECEIVED),
    "refuse": Transition(frozenset({S.SUBMITTED}), S.REFUSED),
    "process": Transition(frozenset({S.RECEIVED}), S.PROCESSING),
    "request_supplement": Transition(frozenset({S.RECEIVED, S.PROCESSING}), S.SUPPLEMENT_REQUESTED),
    "supplement": Transition(frozenset({S.SUPPLEMENT_REQUESTED}), S.PROCESSING),
    "request_payment": Transition(frozenset({S.RECEIVED, S.PROCESSING}), S.AWAITING_PAYMENT),
    "paid": Transition(frozenset({S.AWAITING_PAYMENT}), S.PROCESSING),
    "resolve": Transition(frozenset({S.RECEIVED, S.PROCESSING}), S.RESOLVED),
    "withdraw": Transition(
        frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}),
        S.WITHDRAWAL_REQUESTED,
    ),
    "stop": Transition(
        frozenset(
            {
                S.RECEIVED,
                S.PROCESSING,
                S.SUPPLEMENT_REQUESTED,
                S.AWAITING_PAYMENT,
                S.WITHDRAWAL_REQUESTED,
            }
        ),
        S.STOPPED,
    ),
    "return": Transition(frozenset({S.RESOLVED}), S.RETURNED),
    "extend": Transition(
        frozenset({S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}), None
    ),
    # Post-office work at an agent point (agent_points.services).
    "digitise": Transition(
        frozenset(
            {
                S.RECEIVED,
                S.PROCESSING,
                S.SUPPLEMENT_REQUESTED,
                S.AWAITING_PAYMENT,
                S.WITHDRAWAL_REQUESTED,
                S.RESOLVED,
            }
        ),
        None,
    ),
    "take_over": Transition(frozenset({S.RESOLVED}), None),
    "deliver": Transition(frozenset({S.RESOLVED}), S.RETURNED),
    "undeliverable": Transition(frozenset({S.RESOLVED}), None),
}

POINT_ACTIONS = ["digitise", "take_over", "deliver", "undeliverable"]
# The unit's actions on an existing record, in the order a clerk meets them.
RECORD_ACTIONS = [
    action for action, rule in TRANSITIONS.items() if rule.sources and action not in POINT_ACTIONS
]

ACTION_LABELS = {
    "submit": _("submit online"),
    "receive": _("receive"),
    "refuse": _("refuse"),
    "process": _("start processing"),
    "request_supplement": _("request a supplement"),
    "supplement": _("supplement received"),
    "request_payment": _("request payment"),
    "paid": _("payment received"),
    "resolve": _("resolve"),
    "withdraw": _("record a withdrawal request"),
    "stop": _("stop handling"),
    "return": _("return the result"),
    "extend": _("extend the appointment date"),
    "update": _("correct details"),
    "digitise": _("digitise the dossier"),
    "take_over": _("take over the result at the agent point"),
    "deliver": _("deliver the result"),
    "undeliverable": _("undeliverable, back to the unit"),
}


def allowed_actions(status: int, actions: list[str] = RECORD_ACTIONS) -> list[str]:
    """The ``actions`` allowed on a record in ``status``, in display order."""
    return [action for action in actions if status in TRANSITIONS[action].sources]
