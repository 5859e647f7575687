"""Domain errors of the record lifecycle. Bad input is a Django ``ValidationError`` (400);
these are conflicts with the record's current state (409)."""

from django.utils.translation import gettext as _

from core.errors import DomainError
from records.lifecycle import action_label


class RecordConflict(DomainError):
    """The record changed under the caller, or is in a state that does not allow the action."""

    def __init__(self, message: str | None = None):
        self.message = message or _(
            "The record was changed by someone else in the meantime. Reload it and try again."
        )
        super().__init__(self.message)


class InvalidTransition(RecordConflict):
    def __init__(self, action: str, status_label: str):
        self.action = action
        super().__init__(
            _("“%(action)s” is not allowed while the record is %(status)s.")
            % {"action": action_label(action), "status": status_label}
        )
