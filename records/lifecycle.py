"""The record lifecycle declared once: ``ACTIONS``, one entry per action.

Each entry says from which statuses the action runs and to which it leads, its label, who acts
(the unit's desk, the agent point's post office staff, or the system), its inputs (a shape of
``INPUTS``), the request example of its API route, which daily figures it moves, who hands the
dossier to whom on the control slip, and the service function that performs it. Everything
else is derived from this table: the service dispatch (``records.services.ACTION_SERVICES``),
the permission the engine checks, the API routes and their OpenAPI documentation
(``records.api.views``), the input serializers and forms, the buttons of the record pages, the
days the statistics recompute (``stats.tasks.affected_start``) and the control slip's rows.

Adding an action: one entry here and its service function in ``records.services``;
``tests/records/test_lifecycle_complete.py`` fails while any surface misses it.

This module imports only ``records.enums``, so that the models can use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from records.enums import DeliveryPlace, ResultDelivery, ReturnMethod
from records.enums import Status as S


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
class InputField:
    """One input of an action, for both its form (label, required) and its API serializer
    (required, help text). A text the API requires may still be blank: the service then says
    what is missing, in the words of the action."""

    kind: str  # "text", "int", "bool", "date", "choice"
    label: Promise
    required: bool = True
    form_required: bool | None = None  # default: as ``required``
    help_text: str = ""
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    choices: tuple = ()
    multiline: bool = False

    @property
    def required_in_form(self) -> bool:
        return self.required if self.form_required is None else self.form_required


FIELDS: dict[str, InputField] = {
    "note": InputField("text", _("Note"), required=False, max_length=2000, multiline=True),
    "reason": InputField("text", _("Reason"), max_length=2000, multiline=True, form_required=False),
    "amount": InputField(
        "int",
        _("Amount (đồng)"),
        required=False,
        min_value=0,
        max_value=10**12,
        help_text="In đồng",
    ),
    "online": InputField("bool", _("Paid online"), required=False),
    "e_result": InputField(
        "bool",
        _("Electronic result issued"),
        required=False,
        help_text="The result is issued electronically",
    ),
    "method": InputField("choice", _("Return method"), choices=tuple(ReturnMethod.choices)),
    "new_due_date": InputField("date", _("New appointment date")),
    "recipient_name": InputField("text", _("Received by (full name)"), max_length=150),
    "place": InputField("choice", _("Where"), choices=tuple(DeliveryPlace.choices)),
}

# The input shapes: the fields of an action's form and serializer after the version the actor
# saw (and, in the API, the time ``at``), in order. The intake and correction shapes (None) are
# the applicant forms and serializers written out in ``records.forms``, ``post.forms`` and
# ``records.api.serializers``.
INPUTS: dict[str, tuple[str, ...] | None] = {
    "note": ("note",),
    "reason": ("reason",),
    "payment": ("note", "amount"),
    "paid": ("note", "online"),
    "resolve": ("note", "e_result"),
    "return": ("note", "method"),
    "extend": ("new_due_date", "reason"),
    "deliver": ("note", "recipient_name", "place"),
    "desk_intake": None,
    "postal_intake": None,
    "details": None,
}

# Conditions on a record beyond its status under which an action is offered on a page (its
# service refuses it otherwise, with a ``RecordConflict`` saying why).
CONDITIONS = {
    "not_digitised": lambda record: not record.digitised,
    "result_wanted_from_point": lambda record: record.result_delivery != ResultDelivery.AT_UNIT,
    "result_not_at_point": lambda record: record.result_at_point_since is None,
    "result_at_point": lambda record: record.result_at_point_since is not None,
}

OPEN_BEFORE_RESULT = frozenset(
    {S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}
)


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


RECEIVE_HANDOVER = Handover(APPLICANT, DESK, RECEIVER)

_ACTIONS = (
    # --- Creation -------------------------------------------------------------------------
    Action(
        "submit",
        frozenset(),
        S.SUBMITTED,
        _("submit online"),
        Actor.SYSTEM,
        None,
        FROM_INTAKE_DAY,
        RECEIVE_HANDOVER,
        permission=Permission.RECEIVE,
        api_path=None,
    ),
    Action(
        "receive_at_desk",
        frozenset(),
        S.RECEIVED,
        _("receive"),
        Actor.DESK,
        "desk_intake",
        FROM_INTAKE_DAY,
        RECEIVE_HANDOVER,
        permission=Permission.RECEIVE,
        service="record_create_at_desk",
        event="receive",
        api_path="records/",
        summary="Receive a dossier at the desk (issues the code and the appointment date)",
        example_title="In person",
        example={
            "procedure": "ho-tich-khai-sinh",
            "channel": 1,
            "applicant_name": "Nguyễn Văn An",
            "applicant_id_number": "046095001234",
            "applicant_phone": "0912345678",
            "applicant_address": "12 Lê Lợi, phường Phú Xuân",
        },
    ),
    Action(
        "receive_by_post",
        frozenset(),
        S.RECEIVED,
        _("receive"),
        Actor.POINT,
        "postal_intake",
        FROM_INTAKE_DAY,
        RECEIVE_HANDOVER,
        permission=Permission.RECEIVE,
        service="postal_receive",
        event="receive",
        api_path="records/postal/",
        summary="Receive a dossier sent by post (post office staff)",
        example_title="Postal dossier",
        example={
            "procedure": "ho-tich-khai-sinh-da-co-giay-to",
            "applicant_name": "Trần Văn Bảo",
            "applicant_id_number": "046088001122",
            "applicant_phone": "0935111222",
            "applicant_address": "12 Lê Lợi, phường Phú Xuân",
            "result_delivery": "post",
        },
    ),
    # --- The unit's actions, in the order a clerk meets them -----------------------------------
    Action(
        "receive",
        frozenset({S.SUBMITTED}),
        S.RECEIVED,
        _("receive"),
        Actor.DESK,
        "note",
        FROM_INTAKE_DAY,
        RECEIVE_HANDOVER,
        example={"note": "Hồ sơ đầy đủ"},
    ),
    Action(
        "refuse",
        frozenset({S.SUBMITTED}),
        S.REFUSED,
        _("refuse"),
        Actor.DESK,
        "reason",
        FROM_INTAKE_DAY,
        Handover(DESK, APPLICANT, GIVER),
        example={"reason": "Hồ sơ không thuộc thẩm quyền giải quyết"},
    ),
    Action(
        "process",
        frozenset({S.RECEIVED}),
        S.PROCESSING,
        _("start processing"),
        Actor.DESK,
        "note",
        NO_FIGURES,
        Handover(DESK, SECTION, GIVER),
        example={"note": "Chuyển công chức tư pháp - hộ tịch"},
    ),
    Action(
        "request_supplement",
        frozenset({S.RECEIVED, S.PROCESSING}),
        S.SUPPLEMENT_REQUESTED,
        _("request a supplement"),
        Actor.DESK,
        "reason",
        FROM_ACTION_DAY,
        Handover(SECTION, APPLICANT, GIVER),
        example={"reason": "Bổ sung bản sao giấy chứng sinh", "version": 2},
    ),
    Action(
        "supplement",
        frozenset({S.SUPPLEMENT_REQUESTED}),
        S.PROCESSING,
        _("supplement received"),
        Actor.DESK,
        "note",
        FROM_ACTION_DAY,
        Handover(APPLICANT, DESK, RECEIVER),
        example={"note": "Đã nhận bản sao"},
    ),
    Action(
        "request_payment",
        frozenset({S.RECEIVED, S.PROCESSING}),
        S.AWAITING_PAYMENT,
        _("request payment"),
        Actor.DESK,
        "payment",
        FROM_ACTION_DAY,
        Handover(DESK, APPLICANT, GIVER),
        example={"amount": 50000},
    ),
    Action(
        "paid",
        frozenset({S.AWAITING_PAYMENT}),
        S.PROCESSING,
        _("payment received"),
        Actor.DESK,
        "paid",
        FROM_ACTION_DAY,
        Handover(APPLICANT, DESK, RECEIVER),
        example={"online": True},
    ),
    Action(
        "resolve",
        frozenset({S.RECEIVED, S.PROCESSING}),
        S.RESOLVED,
        _("resolve"),
        Actor.DESK,
        "resolve",
        FROM_ACTION_DAY,
        Handover(SECTION, DESK, GIVER),
        example={"e_result": True},
    ),
    Action(
        "withdraw",
        OPEN_BEFORE_RESULT,
        S.WITHDRAWAL_REQUESTED,
        _("record a withdrawal request"),
        Actor.DESK,
        "note",
        FROM_ACTION_DAY,
        Handover(APPLICANT, DESK, RECEIVER),
        example={"note": "Người nộp đề nghị rút hồ sơ"},
    ),
    Action(
        "stop",
        OPEN_BEFORE_RESULT | {S.WITHDRAWAL_REQUESTED},
        S.STOPPED,
        _("stop handling"),
        Actor.DESK,
        "reason",
        FROM_ACTION_DAY,
        Handover(SECTION, APPLICANT, GIVER),
        example={"reason": "Người nộp rút hồ sơ"},
    ),
    Action(
        "return",
        frozenset({S.RESOLVED}),
        S.RETURNED,
        _("return the result"),
        Actor.DESK,
        "return",
        FROM_ACTION_DAY,
        Handover(DESK, APPLICANT, GIVER),
        example={"method": "post", "note": "Giao qua bưu điện"},
    ),
    Action(
        "extend",
        OPEN_BEFORE_RESULT,
        None,
        _("extend the appointment date"),
        Actor.DESK,
        "extend",
        FROM_ACTION_DAY,
        Handover(SECTION, APPLICANT, GIVER),
        example={"new_due_date": "2025-07-18", "reason": "Cần xác minh thêm thông tin"},
    ),
    # --- Correction (API only: PATCH records/{code}/) -----------------------------------------
    Action(
        "update",
        frozenset(S.values),
        None,
        _("correct details"),
        Actor.DESK,
        "details",
        Figures(Since.INTAKE_DAY, only_if_changed=frozenset({"digitised"})),
        Handover(DESK, None, GIVER),
        service="record_update_details",
        api_path="records/{code}/",
        api_method="patch",
        summary="Correct contact details, note or digitised flag",
        example_title="New phone",
        example={"applicant_phone": "0935000111", "version": 3},
        on_pages=False,
    ),
    # --- Post-office work at an agent point ---------------------------------------------------
    Action(
        "digitise",
        OPEN_BEFORE_RESULT | {S.WITHDRAWAL_REQUESTED, S.RESOLVED},
        None,
        _("digitise the dossier"),
        Actor.POINT,
        "note",
        FROM_INTAKE_DAY,
        Handover(POINT, None, GIVER),
        permission=Permission.UNIT_OR_POINT,
        example={"note": "Đã quét 12 trang"},
        requires=("not_digitised",),
    ),
    Action(
        "take_over",
        frozenset({S.RESOLVED}),
        None,
        _("take over the result at the agent point"),
        Actor.POINT,
        "note",
        NO_FIGURES,
        Handover(DESK, POINT, RECEIVER),
        permission=Permission.POINT,
        example={"note": "Nhận kết quả từ bộ phận một cửa"},
        requires=("result_wanted_from_point", "result_not_at_point"),
    ),
    Action(
        "deliver",
        frozenset({S.RESOLVED}),
        S.RETURNED,
        _("deliver the result"),
        Actor.POINT,
        "deliver",
        FROM_ACTION_DAY,
        Handover(POINT, APPLICANT, GIVER),
        permission=Permission.POINT,
        example={"recipient_name": "Nguyễn Văn An", "place": "home"},
        requires=("result_at_point",),
    ),
    Action(
        "undeliverable",
        frozenset({S.RESOLVED}),
        None,
        _("undeliverable, back to the unit"),
        Actor.POINT,
        "reason",
        NO_FIGURES,
        Handover(POINT, DESK, GIVER),
        permission=Permission.POINT,
        example={"reason": "Không liên lạc được với người nhận sau 3 lần"},
        requires=("result_at_point",),
    ),
)

ACTIONS: dict[str, Action] = {action.name: action for action in _ACTIONS}

# --- Views derived from the table ----------------------------------------------------------

ACTION_LABELS = {name: action.label for name, action in ACTIONS.items()}
# The unit's actions on an existing record (buttons of the record page), in display order.
RECORD_ACTIONS = [
    a.name for a in _ACTIONS if a.actor == Actor.DESK and a.is_transition and a.on_pages
]
# The agent point's actions on an existing record (buttons of the post record page).
POINT_ACTIONS = [
    a.name for a in _ACTIONS if a.actor == Actor.POINT and a.is_transition and a.on_pages
]


def allowed_actions(status: int, actions: list[str] = RECORD_ACTIONS) -> list[str]:
    """The ``actions`` allowed on a record in ``status``, in display order."""
    return [action for action in actions if status in ACTIONS[action].sources]


def action_label(action: str) -> str:
    """The label of an action (or of a history event's action) in the active language."""
    entry = ACTIONS.get(action)
    return str(entry.label) if entry else action


def event_entry(event: str) -> Action:
    """The table's entry for a history event's action name (``receive`` for every receipt)."""
    return ACTIONS[event]
