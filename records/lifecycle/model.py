"""The vocabulary of the lifecycle table: who acts, which permission, which figures move,
the slip's handover, and ``Action``, one entry of the table."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise

from records.lifecycle.inputs import CONDITIONS, INPUTS


class Actor(StrEnum):
    """Who performs an action, hence where its button is."""

    DESK = "desk"  # a clerk of the unit: the record page (or the receive form) and the API
    POINT = "point"  # post office staff of the record's agent point: the post pages and the API
    SYSTEM = "system"  # no page nor route yet: a job or a synchronisation calls the service


class Permission(StrEnum):
    """Which check of ``records.permissions`` the services run for the actor."""

    RECEIVE = "ensure_can_receive"  # creation: the receiving unit (or post staff for postal)
    UNIT = "ensure_can_act"  # a clerk of the receiving or handling unit
    POINT = "ensure_can_act_at_point"  # post office staff of the record's agent point
    UNIT_OR_POINT = "ensure_can_digitise"  # either of the two
    DELIVER = "ensure_can_deliver"  # the national portal's connector, for its delivery units
    RECEIVING = "ensure_can_act_as_receiving_unit"  # a clerk of the receiving unit (the desk)
    HANDLING = "ensure_can_act_as_handling_unit"  # a clerk of the handling unit
    APPROVE = "ensure_can_approve"  # the leader of the handling unit


class Since(StrEnum):
    """From which day an action changes the daily figures (up to today)."""

    ACTION_DAY = "action_day"  # the day of the action (finishing, returning, pausing, ...)
    INTAKE_DAY = "intake_day"  # the submission or receipt day (intake and digitised counts)


@dataclass(frozen=True)
class Figures:
    """The effect of an action on the daily figures (``stats.tasks.affected_start``). Whatever
    ``since`` says, an action that ends a pause also moves the appointment date, which changes
    the overdue stocks from the receipt day on."""

    since: Since | None  # None: no figure moves
    only_if_changed: frozenset[str] = frozenset()  # a correction: only when these fields change


NO_FIGURES = Figures(None)
FROM_ACTION_DAY = Figures(Since.ACTION_DAY)
FROM_INTAKE_DAY = Figures(Since.INTAKE_DAY)

# Parties of the process-control slip (``records.slips``) and the side the actor is on.
APPLICANT, DESK, SECTION, POINT = "applicant", "desk", "section", "point"
GIVER, RECEIVER = "giver", "receiver"


@dataclass(frozen=True)
class Handover:
    """Who gives the dossier (or the result) and who takes it at this step, and on which of
    the two sides the officer doing the step is (an agent point's officer is always POINT)."""

    giver: str
    receiver: str | None
    actor_side: str


@dataclass(frozen=True)
class Action:
    name: str
    sources: frozenset[int]  # empty: the action creates the record
    target: int | None  # None: the status does not change
    label: Promise
    actor: Actor
    inputs: str | None  # a key of INPUTS; None: no form nor route (system actions)
    figures: Figures
    handover: Handover
    example: dict = field(default_factory=dict)  # the API request example
    permission: Permission = Permission.UNIT
    service: str = ""  # the function of records.services; default ``record_<name>``
    event: str = ""  # the history's action name; default the name
    api_path: str | None = ""  # under /api/v1/; default ``records/{code}/<name-dashed>/``
    api_method: str = "post"
    summary: str = ""  # the API summary; default the label in English
    example_title: str = ""  # default the name in words
    on_pages: bool = True  # a button (or form) on the actor's pages; False: API only
    requires: tuple[str, ...] = ()  # CONDITIONS the record must also meet for the button
    internal: bool = False  # a step inside the unit (the chain of officers): not synced out

    def __post_init__(self):
        defaults = {
            "service": f"record_{self.name}",
            "event": self.name,
            "api_path": f"records/{{code}}/{self.url_name}/",
            "example_title": self.name.replace("_", " "),
        }
        for attribute, value in defaults.items():
            if getattr(self, attribute) == "":
                object.__setattr__(self, attribute, value)

    @property
    def url_name(self) -> str:
        return self.name.replace("_", "-")

    def offered_on(self, record) -> bool:
        """Whether the actor's page offers this action on ``record`` (status and CONDITIONS)."""
        return record.status in self.sources and all(
            CONDITIONS[condition](record) for condition in self.requires
        )

    @property
    def creates(self) -> bool:
        return not self.sources

    @property
    def is_transition(self) -> bool:
        """An action on an existing record with its own ``POST records/{code}/<name>/``."""
        return bool(self.sources) and self.inputs in INPUTS and INPUTS[self.inputs] is not None
