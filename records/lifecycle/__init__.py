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

The package: ``inputs`` (fields, shapes, conditions), ``model`` (the entry and its parts),
``table`` (``ACTIONS`` and its derived views). It imports only ``records.enums``, so that
the models can use it.
"""

from records.lifecycle.inputs import CONDITIONS, ENFORCED_CONDITIONS, FIELDS, INPUTS, InputField
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
from records.lifecycle.table import (
    ACTION_LABELS,
    ACTIONS,
    POINT_ACTIONS,
    RECORD_ACTIONS,
    action_label,
    allowed_actions,
    event_entry,
)

__all__ = [
    "ACTIONS",
    "ACTION_LABELS",
    "APPLICANT",
    "CONDITIONS",
    "DESK",
    "ENFORCED_CONDITIONS",
    "FIELDS",
    "FROM_ACTION_DAY",
    "FROM_INTAKE_DAY",
    "GIVER",
    "INPUTS",
    "NO_FIGURES",
    "POINT",
    "POINT_ACTIONS",
    "RECEIVER",
    "RECORD_ACTIONS",
    "SECTION",
    "Action",
    "Actor",
    "Figures",
    "Handover",
    "InputField",
    "Permission",
    "Since",
    "action_label",
    "allowed_actions",
    "event_entry",
]
