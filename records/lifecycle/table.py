"""``ACTIONS``: the table itself, one entry per action, and the views derived from it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from records.enums import Status as S
from records.lifecycle.model import (
    APPLICANT,
    DESK,
    FROM_ACTION_DAY,
    FROM_INTAKE_DAY,
    GIVER,
    NO_FIGURES,
    POINT,
    RECEIVER,
    SECTION,
    Action,
    Actor,
    Figures,
    Handover,
    Permission,
    Since,
)

OPEN_BEFORE_RESULT = frozenset(
    {S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.AWAITING_PAYMENT}
)


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
        requires=("not_awaiting_completion",),
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
        "request_completion",
        frozenset({S.SUBMITTED}),
        None,  # still submitted; the 8-hour acceptance clock stops
        _("ask the citizen to complete the dossier"),
        Actor.DESK,
        "reason",
        NO_FIGURES,
        Handover(DESK, APPLICANT, GIVER),
        example={"reason": "Thiếu bản sao giấy chứng sinh", "version": 1},
        requires=("not_awaiting_completion",),
    ),
    Action(
        "complete",
        frozenset({S.SUBMITTED}),
        None,  # the clock resumes with the working time that was left
        _("dossier completed by the citizen"),
        Actor.SYSTEM,
        None,
        NO_FIGURES,
        Handover(APPLICANT, DESK, RECEIVER),
        permission=Permission.DELIVER,
        api_path=None,
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
        permission=Permission.HANDLING,
        requires=("no_transfer_pending",),
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
        permission=Permission.HANDLING,
        requires=("no_transfer_pending",),
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
        permission=Permission.HANDLING,
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
        example={"amount": 8000, "purpose": "Lệ phí cấp bản sao trích lục", "version": 2},
        permission=Permission.HANDLING,
        requires=("no_transfer_pending",),
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
        example={"note": "Nộp tại quầy", "reference": "PT-0042"},
        permission=Permission.HANDLING,
    ),
    Action(
        "refund",
        frozenset(
            {
                S.PROCESSING,
                S.SUPPLEMENT_REQUESTED,
                S.WITHDRAWAL_REQUESTED,
                S.STOPPED,
                S.RESOLVED,
                S.RETURNED,
            }
        ),
        None,  # the status does not change; the paid fee is given back
        _("refund the fee"),
        Actor.DESK,
        "reason",
        NO_FIGURES,
        Handover(DESK, APPLICANT, GIVER),
        example={"reason": "Thu nhầm lệ phí: thủ tục được miễn"},
        requires=("fee_paid",),
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
        permission=Permission.HANDLING,
        requires=("no_transfer_pending", "no_approval_needed"),
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
        requires=("no_approval_needed",),
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
        permission=Permission.RECEIVING,
        requires=("result_at_desk",),
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
        permission=Permission.HANDLING,
        requires=("no_transfer_pending", "no_approval_needed"),
    ),
    # --- Transfers between units (Decree 118/2025) ------------------------------------------
    Action(
        "transfer",
        OPEN_BEFORE_RESULT,
        None,  # the status does not change: the competent unit handles it from now on
        _("transfer to the competent unit"),
        Actor.DESK,
        "transfer",
        FROM_INTAKE_DAY,  # the handling figures move from one unit to the other
        Handover(DESK, SECTION, GIVER),
        permission=Permission.RECEIVING,
        example={"to_unit": "19942", "reason": "Thuộc thẩm quyền phường Thuận Hóa"},
        requires=("handled_where_received",),
    ),
    Action(
        "accept_transfer",
        OPEN_BEFORE_RESULT,
        None,
        _("accept the transfer"),
        Actor.DESK,
        "note",
        NO_FIGURES,
        Handover(DESK, SECTION, RECEIVER),
        permission=Permission.HANDLING,
        example={"note": "Đã nhận hồ sơ chuyển đến"},
        requires=("transfer_pending",),
    ),
    Action(
        "refuse_transfer",
        OPEN_BEFORE_RESULT,
        None,  # back to the receiving unit, which handles it again (or transfers it elsewhere)
        _("send the transfer back"),
        Actor.DESK,
        "reason",
        FROM_INTAKE_DAY,
        Handover(SECTION, DESK, GIVER),
        permission=Permission.HANDLING,
        example={"reason": "Không thuộc thẩm quyền của đơn vị"},
        requires=("transfer_pending",),
    ),
    Action(
        "result_to_desk",
        frozenset({S.RESOLVED}),
        None,
        _("send the result to the receiving unit's desk"),
        Actor.DESK,
        "note",
        NO_FIGURES,
        Handover(SECTION, DESK, GIVER),
        permission=Permission.HANDLING,
        example={"note": "Chuyển kết quả về bộ phận một cửa nơi tiếp nhận"},
        requires=("result_not_at_desk",),
    ),
    # --- The chain of officers: assignment and the leader's approval ------------------------
    Action(
        "reassign",
        OPEN_BEFORE_RESULT | {S.WITHDRAWAL_REQUESTED},
        None,
        _("reassign to another specialist"),
        Actor.DESK,
        "reassign",
        NO_FIGURES,
        Handover(SECTION, SECTION, GIVER),
        example={"officer": "chuyenvien.phuxuan", "reason": "Cán bộ nghỉ phép"},
        requires=("no_transfer_pending",),
        internal=True,
    ),
    Action(
        "propose",
        OPEN_BEFORE_RESULT,
        None,  # internal step: the national status stays until the leader approves
        _("propose the result to the leader"),
        Actor.DESK,
        "propose",
        NO_FIGURES,
        Handover(SECTION, SECTION, GIVER),
        example={"proposal": "resolve", "note": "Đủ điều kiện cấp", "e_result": True, "reason": ""},
        requires=("approval_needed", "no_pending_proposal"),
        internal=True,
    ),
    Action(
        "approve",
        OPEN_BEFORE_RESULT,
        None,  # the approved action then changes the status, through its own service
        _("approve the proposed result"),
        Actor.DESK,
        "note",
        NO_FIGURES,
        Handover(SECTION, SECTION, RECEIVER),
        permission=Permission.APPROVE,
        example={"note": "Đồng ý", "version": 4},
        requires=("approval_needed", "pending_proposal"),
        internal=True,
    ),
    Action(
        "send_back",
        OPEN_BEFORE_RESULT,
        None,
        _("send the proposal back"),
        Actor.DESK,
        "reason",
        NO_FIGURES,
        Handover(SECTION, SECTION, GIVER),
        permission=Permission.APPROVE,
        example={"reason": "Bổ sung ý kiến xác minh", "version": 4},
        requires=("approval_needed", "pending_proposal"),
        internal=True,
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
