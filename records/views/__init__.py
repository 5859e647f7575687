"""The clerk's workspace: ``desk`` (home, list, CSV export), ``intake`` (receipt at the desk),
``record`` (a record's page, its actions, the slips), ``scans`` (the dossier's scans),
``submissions`` (the inbox of online submissions and a submission's page); ``common`` what
they share.

Views are thin: they read through the scoped selectors (another unit's record is a 404),
write through the lifecycle services, and put the services' field errors on the forms.
"""

from records.views.common import errors_to_form
from records.views.desk import record_export, record_list, workspace
from records.views.intake import due_preview, procedure_options, record_new
from records.views.record import (
    perform_action,
    record_act,
    record_detail,
    record_slip,
    render_slip,
)
from records.views.scans import record_scan_file, record_scan_upload
from records.views.submissions import (
    submission_act,
    submission_detail,
    submission_list,
    submission_slip,
)

__all__ = [
    "due_preview",
    "errors_to_form",
    "perform_action",
    "procedure_options",
    "record_new",
    "record_act",
    "record_detail",
    "record_export",
    "record_list",
    "record_scan_file",
    "record_scan_upload",
    "record_slip",
    "render_slip",
    "submission_act",
    "submission_detail",
    "submission_list",
    "submission_slip",
    "workspace",
]
