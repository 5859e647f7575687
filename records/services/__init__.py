"""Writes for records: the only way a record is created or changes status.

By concern: ``engine`` (lock, version check, save of every changed field, the history event),
``intake`` (submission, receipt at the desk, receipt by post), ``unit_actions``, ``fees``
(payment requests, payments, receipts, refunds), ``point_actions``, ``transfers``,
``corrections``, ``access_log``. Every function is keyword-only and atomic, validates its input
(``ValidationError`` with a message per field; nothing is written), checks the actor's right to
act (the permission of its ``records.lifecycle.ACTIONS`` entry), checks the current status
against the table (``InvalidTransition``, a 409), and writes one ``RecordEvent``.

``ACTION_SERVICES`` is the dispatch derived from the table: the function of every action.
"""

from __future__ import annotations

from collections.abc import Callable

from records.lifecycle import ACTIONS
from records.services.access_log import log_personal_data_access
from records.services.assignment import assign_at_receipt
from records.services.chain import (
    record_approve,
    record_propose,
    record_reassign,
    record_send_back,
)
from records.services.completion import record_complete, record_request_completion
from records.services.corrections import EDITABLE_DETAILS, record_update_details
from records.services.documents import check_scan, record_attach_scan
from records.services.engine import apply_transition
from records.services.fees import (
    record_paid,
    record_paid_online,
    record_refund,
    record_request_payment,
)
from records.services.intake import (
    check_create_at_desk,
    postal_receive,
    record_create_at_desk,
    record_submit,
)
from records.services.point_actions import (
    record_deliver,
    record_digitise,
    record_take_over,
    record_undeliverable,
)
from records.services.transfers import (
    record_accept_transfer,
    record_refuse_transfer,
    record_result_to_desk,
    record_transfer,
)
from records.services.unit_actions import (
    record_extend,
    record_process,
    record_receive,
    record_refuse,
    record_request_supplement,
    record_resolve,
    record_return,
    record_stop,
    record_supplement,
    record_withdraw,
)

__all__ = [
    "ACTION_SERVICES",
    "record_accept_transfer",
    "record_refuse_transfer",
    "record_result_to_desk",
    "record_transfer",
    "EDITABLE_DETAILS",
    "apply_transition",
    "check_scan",
    "record_attach_scan",
    "assign_at_receipt",
    "check_create_at_desk",
    "log_personal_data_access",
    "postal_receive",
    "record_complete",
    "record_create_at_desk",
    "record_deliver",
    "record_digitise",
    "record_extend",
    "record_approve",
    "record_paid",
    "record_paid_online",
    "record_propose",
    "record_reassign",
    "record_send_back",
    "record_process",
    "record_receive",
    "record_refund",
    "record_refuse",
    "record_request_completion",
    "record_request_payment",
    "record_request_supplement",
    "record_resolve",
    "record_return",
    "record_stop",
    "record_submit",
    "record_supplement",
    "record_take_over",
    "record_undeliverable",
    "record_update_details",
    "record_withdraw",
]

ACTION_SERVICES: dict[str, Callable] = {
    name: globals()[action.service] for name, action in ACTIONS.items()
}
