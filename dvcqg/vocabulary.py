"""The national portal's status vocabulary (``/work/shared/docs/national-portal.md``) and its
mapping from our ``records.enums.Status``: the one table the connector translates through.

Our status codes were chosen equal to the national ones; the table still names each word, so
that a change on either side is one edit here, and the sync messages carry both."""

from __future__ import annotations

from records.enums import Status

# our status -> (national status code, national word)
NATIONAL_STATUS: dict[int, tuple[int, str]] = {
    Status.SUBMITTED: (1, "receiving"),
    Status.RECEIVED: (2, "new"),
    Status.REFUSED: (3, "denied"),
    Status.PROCESSING: (4, "processing"),
    Status.SUPPLEMENT_REQUESTED: (5, "waiting"),
    Status.AWAITING_PAYMENT: (6, "paying"),
    Status.WITHDRAWAL_REQUESTED: (7, "cancelled"),
    Status.STOPPED: (8, "unresolved"),
    Status.RESOLVED: (9, "releasing"),
    Status.RETURNED: (10, "done"),
}


def national_status(status: int) -> tuple[int, str]:
    """The national (code, word) of one of our statuses."""
    return NATIONAL_STATUS[Status(status)]
